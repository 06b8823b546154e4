"""The calibration gate (issue 25): the set written whole has at least five bad cases of every kind
and forty in all, split dev / held-out; the real suite passes the gate with no bad case passing every
evaluator; and an evaluator gutted to read only the first shot, or to return a constant, fails it."""

import dataclasses

import pytest
import yaml

from evals.calibration import DATA, all_cases, calibrate, score_table, written_cases
from evals.case import Case, Revision
from evals.evaluators import QUALITY
from evals.gate import GateReport, Split, gate_problems, recorded_gate, split_report
from evals.quality import Evaluator

pytestmark = pytest.mark.timeout(1800)  # every evaluator on ~200 calibration cases: ~3 min of CPU once

WRITTEN_KINDS = {"generic_why", "mismatched", "literal_lyric", "constraint_paraphrase", "short_template",
                 "stock_reworded", "fake_variety", "pacing_outlier", "wrong_direction", "empty_pushback"}


@pytest.fixture(scope="module")
def dev():
    cases = all_cases()
    return cases, score_table(QUALITY, cases)


def _gate(dev, swapped: Evaluator | None = None) -> list[str]:
    cases, scores = dev
    evaluators, table = QUALITY, dict(scores)
    if swapped is not None:
        evaluators = tuple(swapped if e.name == swapped.name else e for e in QUALITY)
        table[swapped.name] = score_table((swapped,), cases)[swapped.name]
    results = calibrate(cases, evaluators, scores=table)
    report = GateReport({c.evaluator.name: c.auc for c in results}, split_report(results, cases, table), Split())
    return gate_problems(report, recorded_gate())


def test_the_written_set_has_five_bad_cases_of_every_kind_and_forty_in_all():
    labels = []
    for split in ("dev", "heldout"):
        raw = yaml.safe_load((DATA / "written" / f"{split}.yaml").read_text())
        labels += [c["label"] for part in raw.values() for c in part]
    bad = [x for x in labels if x != "good"]
    assert len(bad) >= 40, len(bad)
    for kind in WRITTEN_KINDS:
        assert bad.count(kind) >= 5, (kind, bad.count(kind))
    assert labels.count("good") >= 5
    dev_names = {c.name for c in all_cases()}
    assert not dev_names & {c.name for c in written_cases("heldout")}, "held-out cases leaked into dev"


def test_the_suite_passes_its_gate_and_no_dev_bad_case_passes_every_evaluator(dev):
    assert _gate(dev) == []
    assert recorded_gate()["bad_passing"] == 0
    assert set(recorded_gate()["catch"]) >= WRITTEN_KINDS


def _first_only(case: Case) -> Case:
    said = dict(list((case.said if case.said is not None else case.persona).items())[:1])
    return dataclasses.replace(
        case, shots=case.shots[:1], lyrics=case.lyrics[:1], before_plan=case.before_plan[:1], said=said,
        revisions=[Revision(r.request, r.targets & {1}, r.intent, r.before[:1], r.after[:1], r.locked & {1})
                   for r in case.revisions])


class FirstShotOnly(Evaluator):
    def __init__(self, inner: Evaluator):
        self.inner, self.name, self.kinds = inner, inner.name, inner.kinds

    def evaluate(self, case):
        return self.inner.evaluate(_first_only(case))


class Constant(Evaluator):
    def __init__(self, inner: Evaluator):
        self.name, self.kinds = inner.name, inner.kinds

    def evaluate(self, case):
        return {self.name: 0.5}


@pytest.mark.parametrize("gut", [FirstShotOnly, Constant])
@pytest.mark.parametrize("index", range(len(QUALITY)), ids=[e.name for e in QUALITY])
def test_a_gutted_evaluator_fails_the_gate(dev, gut, index):
    problems = _gate(dev, gut(QUALITY[index]))
    assert problems, f"{QUALITY[index].name} gutted ({gut.__name__}) still passes the gate"
