"""The eval suite in CI: every scenario in guided mode must meet the recorded thresholds; the scripted
LLM director runs a subset through the real agent path."""

import shutil

import pytest
import yaml

from evals.runner import HERE, judge, load_scenarios, run_all
from shotlist.errors import ShotcallerError


def test_guided_suite_meets_the_thresholds(tmp_path):
    md, data = run_all("offline", out=tmp_path)
    failing = [s["name"] + ": " + (s["error"] or "; ".join(s["failures"])) for s in data["scenarios"]
               if not s["passed"]]
    assert len(data["scenarios"]) >= 10 and not failing, failing
    assert (tmp_path / "report-offline.md").read_text().startswith("Director: `offline`")


def test_scripted_llm_director_on_two_scenarios(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("surreal-scarborough", "generic-montage"):
        shutil.copy(HERE / "scenarios" / f"{name}.yaml", folder)
    md, data = run_all("scripted", scenarios=folder, out=tmp_path)
    assert data["pass_rate"] == 1.0, md
    surreal = next(s for s in data["scenarios"] if s["name"] == "surreal-scarborough")
    assert surreal["scores"]["revision_tokens"] is not None and surreal["scores"]["revision_tokens"] <= 0.15


def test_scenarios_are_validated(tmp_path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"name": "Bad Name", "description": "x", "song": {},
                                                       "persona": {}}))
    with pytest.raises(ShotcallerError, match="bad.yaml"):
        load_scenarios(tmp_path)


def test_judging_against_thresholds():
    th = {"min": {"coverage": 1.0}, "max": {"generic_rate": 0.1}}
    assert judge({"coverage": 1.0, "generic_rate": 0.0}, th, {}) == []
    assert judge({"coverage": 0.5, "generic_rate": 0.3}, th, {}) == ["coverage 0.50 < 1.0", "generic_rate 0.30 > 0.1"]
    assert judge({"generic_rate": 0.0}, th, {"generic": True})[0].startswith("generic_rate: the critic flagged no")
