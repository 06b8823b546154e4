"""`shotcaller score FILE|PROJECT`: every quality evaluator on any shot list — a project JSON, a CSV
or an OTIO timeline written by hand or by another tool, or a project in the store — against the
calibrated thresholds, with the shots each evaluator objects to.

    report = score_path(Path("my-list.csv"), persona={"constraints": "no people"}, tempo=92)
    print(report_text(report)); sys.exit(0 if report.passed else 1)
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shotlist.errors import ShotcallerError
from shotlist.models import Project, Song

from .case import Case
from .dialogue import brief_fields
from .evaluators import QUALITY

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"
READERS = {".json": "json", ".csv": "csv", ".otio": "otio"}


@dataclass
class Score:
    name: str
    value: float | None
    minimum: float
    about: str

    @property
    def passed(self) -> bool:
        return self.value is None or self.value >= self.minimum


@dataclass
class ScoreReport:
    source: str
    shots: int
    scores: list[Score] = field(default_factory=list)
    flags: dict[int, list[str]] = field(default_factory=dict)  # shot number → "evaluator: why"

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.scores)

    def as_dict(self) -> dict:
        return {"source": self.source, "shots": self.shots, "passed": self.passed,
                "scores": {s.name: {"score": s.value, "min": s.minimum, "passed": s.passed} for s in self.scores},
                "flags": {str(n): v for n, v in sorted(self.flags.items())}}


def _placeholder(duration: float, tempo: float) -> Project:
    song = Song(path="none", sha256="0" * 64, duration=duration, sample_rate=44100, tempo=tempo)
    return Project(id="scored", title="scored", song=song)


def _csv_end(data: bytes) -> float:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    try:
        return max(float(r.get("End") or 0) for r in rows)
    except ValueError:
        raise ShotcallerError("the CSV has an End value that is not a number (seconds)") from None


def _otio_end(data: bytes) -> float:
    import opentimelineio as otio

    try:
        return otio.adapters.read_from_string(data.decode("utf-8"), "otio_json").duration().to_seconds()
    except Exception as e:  # noqa: BLE001 - any parse failure is the file's, reported as one message
        raise ShotcallerError(f"not an OpenTimelineIO file ({str(e)[:120]}): export .otio (otio_json)") from None


def load_project(path: Path, tempo: float) -> Project:
    """A Project from a file made anywhere; the song is a placeholder as long as the shots."""
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise ShotcallerError(f"cannot score {path.name!r}: use a project JSON, a CSV or an OTIO file "
                              f"({', '.join(READERS)}) or a project id")
    data = path.read_bytes()
    if kind == "json":
        try:
            return Project.model_validate_json(data)
        except ValueError as e:
            raise ShotcallerError(f"{path.name} is not a Shotcaller project: {str(e).splitlines()[0]}") from None
    from shotlist.export import get_format

    end = _csv_end(data) if kind == "csv" else _otio_end(data)
    if end <= 0:
        raise ShotcallerError(f"{path.name} has no shots with an end time")
    return get_format(kind).read(data, _placeholder(end, tempo))


def project_case(project: Project, persona: dict[str, str] | None = None, tempo: float | None = None) -> Case:
    """What the evaluators read, from a project: the artist's words are its brief (or `persona`)."""
    filed = brief_fields(project.brief)
    said = {k: v for k, v in filed.items() if k != "constraints" and v.strip()}
    notes = "; ".join(project.brief.constraints.notes)
    if notes:
        said["constraints"] = notes
    said |= {k: v for k, v in (persona or {}).items() if v}
    # said={}: the artist's own answers are not in a file, so answer filing (answers against the brief) is n/a
    return Case(name=project.id, shots=project.shots, persona=said, said={}, brief=project.brief,
                tempo=tempo or project.song.tempo,
                lyrics=[(s.start + 0.2, s.lyric) for s in project.shots if s.lyric])


def score_case(case: Case, source: str) -> ScoreReport:
    limits = yaml.safe_load(THRESHOLDS.read_text())["quality"]
    report = ScoreReport(source=source, shots=len(case.shots))
    for ev in QUALITY:
        out = ev.evaluate(case)
        value = out.get(ev.name)
        report.scores.append(Score(ev.name, None if value is None else round(float(value), 3),
                                   limits[ev.name]["min"], ev.about))
        for n, why in (out.get("flags") or {}).items():
            report.flags.setdefault(int(n), []).append(f"{ev.name}: {why}")
    return report


def score_target(target: str, store=None, persona: dict[str, str] | None = None,
                 tempo: float | None = None) -> ScoreReport:
    """A file path, or else a project id in `store`."""
    path = Path(target)
    if path.is_file():
        project = load_project(path, tempo or 120.0)
    elif store is not None and not path.suffix:
        project = store.load(target)
    else:
        raise ShotcallerError(f"{target!r} is neither a file nor a project id")
    if not project.shots:
        raise ShotcallerError(f"{target}: the shot list is empty")
    return score_case(project_case(project, persona, tempo), target)


def report_text(report: ScoreReport) -> str:
    rows = [f"{report.source}: {report.shots} shots — {'PASS' if report.passed else 'FAIL'}", "",
            f"{'evaluator':28} {'score':>6} {'min':>6}  result"]
    for s in report.scores:
        value = "n/a" if s.value is None else f"{s.value:.3f}"
        result = "n/a" if s.value is None else ("pass" if s.passed else "FAIL")
        rows.append(f"{s.name:28} {value:>6} {s.minimum:>6.3f}  {result}")
    if report.flags:
        rows += ["", "shots flagged:"]
        rows += [f"  shot {n}: {'; '.join(v)}" for n, v in sorted(report.flags.items())]
    return "\n".join(rows)


def report_json(report: ScoreReport) -> str:
    return json.dumps(report.as_dict(), indent=2)
