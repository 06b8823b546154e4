"""The eval suite in CI. Guided mode runs every scenario of the suite and every held-out one (16;
about 3 minutes on an idle 2-core machine) and must pass every sanity check on all of them and be
scored by every quality evaluator; the scripted LLM runs one through the real agent path. The full
suite is `shotcaller eval` / `make eval`; its latest reports are in evals/reports/."""

import shutil

import pytest
import yaml

from evals.runner import HERE, judge, load_scenarios, run_all
from shotlist.errors import ShotcallerError

pytestmark = pytest.mark.timeout(1800)  # 16 guided scenarios: ~3.5 min on an idle 2-core machine

QUALITY = ("reason_specificity", "why_generative_specificity", "grounding", "visual_variety", "pacing",
           "answer_filing", "coherence", "why_generative_substance")  # scored on every scenario (the rest: n/a
# where a scenario has no lyrics, constraints, revisions or cliché to judge)


def _suite(tmp_path_factory, llm, names=None):
    folder = tmp_path_factory.mktemp(f"scenarios-{llm}")
    paths = [*(HERE / "scenarios").glob("*.yaml"), *(HERE / "heldout").glob("*.yaml")]
    for path in paths:
        if names is None or path.stem in names:
            shutil.copy(path, folder)
    out = tmp_path_factory.mktemp(f"reports-{llm}")
    md, data = run_all(llm, scenarios=folder, out=out)
    return md, data, out


@pytest.fixture(scope="module")
def guided(tmp_path_factory):
    return _suite(tmp_path_factory, "offline")


def test_guided_run_is_scored_on_every_quality_evaluator_and_the_sanity_checks(guided):
    md, data, out = guided
    by_name = {s["name"]: s for s in data["scenarios"]}
    assert len(by_name) == len(load_scenarios(HERE / "scenarios")) + len(load_scenarios(HERE / "heldout"))
    sanity_min = yaml.safe_load((HERE / "thresholds.yaml").read_text())["sanity"]["min"]
    for s in by_name.values():
        assert s["error"] is None, s["error"]
        # n/a only where a scenario has nothing for the evaluator to read: no cliché to push back on, a cliché
        # the artist insisted on (originality), no sung lines (the lyric evaluators and lyric coverage)
        sung = s["sanity"]["lyric_coverage"] is not None
        allowed = {"pushback", "originality"} | (set() if sung else {"lyric_relevance", "lyric_interpretation"})
        assert all(s["quality"][name] is not None for name in QUALITY if name not in allowed), (s["name"], s["quality"])
        for check in ("coverage", "on_beat", "lyric_coverage", "export_valid"):
            if check == "lyric_coverage" and not sung:
                continue
            assert s["sanity"][check] >= sanity_min[check], (s["name"], check)
    assert by_name["instrumental"]["sanity"]["lyric_coverage"] is None  # the one scenario with no sung line
    assert by_name["summer-cliche"]["quality"]["pushback"] is not None
    assert by_name["summer-cliche"]["quality"]["originality"] is None  # the artist insisted on the cliché
    text = (out / "report-offline.md").read_text()
    assert "**Quality**" in text and "**Sanity checks**" in text and text.index("**Quality**") < text.index("**Sanity")


def test_guided_director_meets_the_quality_thresholds(guided):
    """Issue 25's stronger suite: guided mode passes every calibrated threshold on the 13 dev scenarios and the
    3 held-out ones (evals/reports/stronger-suite/writer25b-*.md); no threshold was moved to pass."""
    md, data, _ = guided
    assert data["pass_rate"] == 1.0, md


def test_scripted_llm_path_writes_the_scenarios_own_shots_and_revises_only_what_was_named(tmp_path_factory):
    md, data, _ = _suite(tmp_path_factory, "scripted", ["surreal-scarborough"])
    s = data["scenarios"][0]
    assert s["error"] is None, s["error"]
    assert s["sanity"]["coverage"] == 1.0 and s["sanity"]["on_beat"] >= 0.9
    assert s["quality"]["revision_locality"] == 1.0, md
    assert s["sanity"]["revision_tokens"] is not None and s["sanity"]["revision_tokens"] <= 0.15
    scripted = yaml.safe_load((HERE / "scenarios" / "surreal-scarborough.yaml").read_text())["scripted"]["shots"]
    assert [shot["reason"] for shot in s["shots"]] == [row["reason"] for row in scripted]  # not the guided planner
    assert s["quality"]["reason_specificity"] == 1.0


def test_scenarios_are_validated(tmp_path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"name": "Bad Name", "description": "x", "song": {},
                                                       "persona": {}}))
    with pytest.raises(ShotcallerError, match="bad.yaml"):
        load_scenarios(tmp_path)
    assert len(load_scenarios(HERE / "scenarios")) >= 12
    assert len(load_scenarios(HERE / "heldout")) == 3  # held out: never scored while the writer was tuned


def test_judging_against_thresholds():
    th = {"quality": {"pacing": {"min": 0.5}}, "sanity": {"min": {"coverage": 1.0}, "max": {"revision_tokens": 0.15}}}
    assert judge({"pacing": 0.6}, {"coverage": 1.0, "revision_tokens": 0.1}, th) == []
    assert judge({"pacing": 0.4, "pushback": None}, {"coverage": 0.5, "revision_tokens": 0.3}, th) == [
        "pacing 0.40 < 0.5", "coverage 0.50 < 1.0", "revision_tokens 0.30 > 0.15"]


def test_the_scripted_path_is_gated_on_the_path_checks_only():
    from evals.runner import PATH_QUALITY

    th = {"quality": {"pacing": {"min": 0.5}, "revision_locality": {"min": 0.667}},
          "sanity": {"min": {"coverage": 1.0}, "max": {"revision_tokens": 0.15}}}
    scores = {"pacing": 0.0, "revision_locality": 1.0}
    assert judge(scores, {"coverage": 1.0}, th, gated=PATH_QUALITY) == []  # the script's own pacing: not gated
    assert judge(scores, {"coverage": 1.0}, th) == ["pacing 0.00 < 0.5"]
    assert judge({"revision_locality": 0.0}, {"coverage": 1.0, "revision_tokens": 0.2}, th, gated=PATH_QUALITY) == [
        "revision_locality 0.00 < 0.667", "revision_tokens 0.20 > 0.15"]

