"""Sanity checks: what the tools and the timing code guarantee (the plan covers the song, cuts sit on
the beat, every timed line is carried, every export re-reads, the interview asked before planning).
They are reported apart from quality: passing them says nothing about the director's craft."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from shotlist.models import Project

from .artist import TOPICS


@dataclass
class RunFacts:
    project: Project
    folder: Any  # the project folder (exports are written there)
    true_beats: list[float]
    asked: set[str] = field(default_factory=set)  # interview topics the artist answered before the plan
    plan_tokens: int | None = None
    revision_tokens: list[int] = field(default_factory=list)


def asks_before_planning(run: RunFacts) -> dict[str, float | None]:
    return {"asks_before_planning": len(run.asked & set(TOPICS)) / len(TOPICS)}


def coverage(run: RunFacts) -> dict[str, float | None]:
    p = run.project
    shots = p.shots
    ok = bool(shots) and abs(shots[0].start) < 1e-3 and abs(shots[-1].end - p.song.duration) < 1e-3 and all(
        abs(a.end - b.start) < 1e-3 for a, b in zip(shots, shots[1:]))
    return {"coverage": 1.0 if ok else 0.0}


def on_beat(run: RunFacts) -> dict[str, float | None]:
    p = run.project
    tol = 1 / p.brief.constraints.fps + 1e-6
    cuts = [s.start for s in p.shots[1:]]
    beats = sorted(run.true_beats)
    if not cuts or not beats:
        return {"on_beat": None}

    def near(t: float) -> bool:
        i = bisect.bisect_left(beats, t)
        return any(abs(beats[j] - t) <= tol for j in (i - 1, i) if 0 <= j < len(beats))

    return {"on_beat": sum(map(near, cuts)) / len(cuts)}


def lyric_coverage(run: RunFacts) -> dict[str, float | None]:
    p = run.project
    lines = [x for x in p.song.lyrics if x.time is not None]
    if not lines or not p.shots:
        return {"lyric_coverage": None}
    carried = sum(1 for x in lines if any(s.start - 0.05 <= x.time < s.end + 0.05
                                          and x.text[:12].lower() in (s.lyric or "").lower() for s in p.shots))
    return {"lyric_coverage": carried / len(lines)}


def export_valid(run: RunFacts) -> dict[str, float | None]:
    from shotlist.export import formats, get_format

    p = run.project
    if not p.shots:
        return {"export_valid": 0.0}
    ok, names = 0, formats()
    for name in names:
        fmt = get_format(name)
        try:
            data = fmt.write(p, run.folder)
            if fmt.read:
                fmt.read(data, p.model_copy(update={"shots": []}))
            ok += bool(data)
        except Exception:  # noqa: BLE001 - a failing format is a score, not a crash
            if name == "srt" and not any(x.time is not None for x in p.song.lyrics):
                ok += 1  # no lyrics: refusing to write empty subtitles is right
    return {"export_valid": ok / len(names)}


def revision_tokens(run: RunFacts) -> dict[str, float | None]:
    if not run.revision_tokens or not run.plan_tokens:
        return {"revision_tokens": None}
    return {"revision_tokens": max(run.revision_tokens) / run.plan_tokens}


SANITY = (asks_before_planning, coverage, on_beat, lyric_coverage, export_valid, revision_tokens)
