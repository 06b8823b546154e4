"""The calibration gate: every quality evaluator separates good work from its bad kinds (ROC AUC ≥
AUC_FLOOR on the dev split), each bad kind's catch rate (the share its own evaluators fail at the
calibrated thresholds) and the number of bad cases that pass the whole suite are reported on dev and
on the held-out split, and `--write` refuses thresholds that lower a dev catch rate or let more bad
cases through than the ones recorded in thresholds.yaml.

    report = gate_report(calibrate(), all_cases(), written_cases("heldout"))
    problems = gate_problems(report, recorded_gate())
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import yaml

from .calibration import AUC_FLOOR, THRESHOLDS, Calibration, score_table
from .case import Case


@dataclass
class Split:
    catch: dict[str, float] = field(default_factory=dict)  # bad kind → share failed by its own evaluators
    suite_catch: dict[str, float] = field(default_factory=dict)  # bad kind → share failed by any evaluator
    passing: list[str] = field(default_factory=list)  # bad cases every evaluator passes
    good_failing: list[str] = field(default_factory=list)  # good cases some evaluator fails (false alarms)


@dataclass
class GateReport:
    auc: dict[str, float]
    dev: Split
    heldout: Split


def split_report(results: list[Calibration], cases: list[Case],
                 scores: dict[str, dict[str, float | None]] | None = None) -> Split:
    """Catch rates and the bad cases no evaluator fails, at the thresholds in `results`."""
    scores = scores if scores is not None else score_table(tuple(c.evaluator for c in results), cases)
    limits = {c.evaluator.name: c.threshold for c in results}
    own, suite = defaultdict(list), defaultdict(list)
    out = Split()
    for case in cases:
        failed = {name for name, limit in limits.items()
                  if (v := scores[name].get(case.name)) is not None and v < limit}
        if case.label == "good":
            out.good_failing += [f"{case.name} ({', '.join(sorted(failed))})"] if failed else []
            continue
        mine = {c.evaluator.name for c in results if case.label in c.evaluator.kinds}
        own[case.label].append(bool(failed & mine))
        suite[case.label].append(bool(failed))
        if not failed:
            out.passing.append(case.name)
    out.catch = {k: round(sum(v) / len(v), 3) for k, v in sorted(own.items())}
    out.suite_catch = {k: round(sum(v) / len(v), 3) for k, v in sorted(suite.items())}
    return out


def gate_report(results: list[Calibration], dev: list[Case], heldout: list[Case],
                dev_scores: dict[str, dict[str, float | None]] | None = None) -> GateReport:
    return GateReport({c.evaluator.name: round(c.auc, 3) for c in results},
                      split_report(results, dev, dev_scores), split_report(results, heldout))


def recorded_gate() -> dict:
    return (yaml.safe_load(THRESHOLDS.read_text()) or {}).get("gate") or {} if THRESHOLDS.is_file() else {}


def gate_problems(report: GateReport, recorded: dict) -> list[str]:
    """Why the gate fails (empty: it passes): an AUC under the floor, a dev catch rate under the one
    recorded, more dev bad cases passing the whole suite than recorded."""
    out = [f"{name}: ROC AUC {v:.3f} < {AUC_FLOOR}" for name, v in report.auc.items() if v < AUC_FLOOR]
    for kind, rate in (recorded.get("catch") or {}).items():
        now = report.dev.catch.get(kind, 0.0)
        if now < rate:
            out.append(f"{kind}: catch rate {now:.3f} < {rate:.3f} recorded")
    allowed = recorded.get("bad_passing", len(report.dev.passing))
    if len(report.dev.passing) > allowed:
        out.append(f"{len(report.dev.passing)} bad cases pass the whole suite (recorded {allowed}): "
                   + ", ".join(report.dev.passing))
    return out


def gate_yaml(report: GateReport) -> dict:
    return {"catch": report.dev.catch, "bad_passing": len(report.dev.passing)}


def gate_table(report: GateReport) -> str:
    kinds = sorted(set(report.dev.catch) | set(report.heldout.catch))
    rows = ["| bad kind | dev: caught by its evaluator | dev: by the suite | held-out: by its evaluator | "
            "held-out: by the suite |", "|---|---|---|---|---|"]

    def cell(d: dict, k: str) -> str:
        return f"{d[k]:.2f}" if k in d else "–"

    for k in kinds:
        rows.append(f"| {k} | {cell(report.dev.catch, k)} | {cell(report.dev.suite_catch, k)} | "
                    f"{cell(report.heldout.catch, k)} | {cell(report.heldout.suite_catch, k)} |")
    rows.append(f"\nBad cases passing the whole suite: dev {len(report.dev.passing)}"
                f"{' (' + ', '.join(report.dev.passing) + ')' if report.dev.passing else ''}, held-out "
                f"{len(report.heldout.passing)}"
                f"{' (' + ', '.join(report.heldout.passing) + ')' if report.heldout.passing else ''}. "
                f"Good cases failing an evaluator: dev {len(report.dev.good_failing)}, held-out "
                f"{len(report.heldout.good_failing)} {report.heldout.good_failing or ''}")
    return "\n".join(rows)
