"""Evaluators: small functions from a finished run to named scores (None = not applicable)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shotlist.models import Project
from shotlist.store import ProjectStore

from .artist import TOPICS

CHANGE_FIELDS = ("start", "end", "subject", "action", "setting", "prompt", "shot_size", "angle", "movement",
                 "reason", "why_generative", "lyric", "transition")


@dataclass
class Run:
    scenario: dict[str, Any]
    store: ProjectStore
    project_id: str
    true_beats: list[float]
    server: Any = None
    asked: set[str] = field(default_factory=set)
    plan_tokens: int | None = None
    revisions: list[tuple[dict, list[int], int | None]] = field(default_factory=list)  # (request, changed, tokens)
    conversation: list[dict] = field(default_factory=list)

    @property
    def project(self) -> Project:
        return self.store.load(self.project_id)

    def revise(self, director, revision: dict) -> None:
        before = self.project
        used = self.server.total_tokens() if self.server else None
        for _reply in director.turn(revision["request"]):
            pass
        after = self.project
        changed = [n for n, (a, b) in enumerate(zip(before.shots, after.shots), start=1)
                   if a.model_dump(include=set(CHANGE_FIELDS)) != b.model_dump(include=set(CHANGE_FIELDS))]
        if len(before.shots) != len(after.shots):
            changed = list(range(1, max(len(before.shots), len(after.shots)) + 1))
        tokens = (self.server.total_tokens() - used) if self.server else None
        self.revisions.append((revision, changed, tokens))


def asks_before_planning(run: Run) -> dict[str, float]:
    return {"asks_before_planning": len(run.asked & set(TOPICS)) / len(TOPICS)}


def coverage(run: Run) -> dict[str, float]:
    p = run.project
    shots = p.shots
    ok = bool(shots) and abs(shots[0].start) < 1e-3 and abs(shots[-1].end - p.song.duration) < 1e-3 and all(
        abs(a.end - b.start) < 1e-3 for a, b in zip(shots, shots[1:]))
    return {"coverage": 1.0 if ok else 0.0}


def on_beat(run: Run) -> dict[str, float]:
    p = run.project
    fps = p.brief.constraints.fps
    cuts = [s.start for s in p.shots[1:]]
    if not cuts:
        return {"on_beat": 1.0}
    import bisect

    beats = sorted(run.true_beats)

    def near(t: float) -> bool:
        i = bisect.bisect_left(beats, t)
        return any(abs(beats[j] - t) <= 1 / fps + 1e-6 for j in (i - 1, i) if 0 <= j < len(beats))

    return {"on_beat": sum(map(near, cuts)) / len(cuts)}


def lyric_coverage(run: Run) -> dict[str, float | None]:
    p = run.project
    lines = [x for x in p.song.lyrics if x.time is not None]
    if not lines:
        return {"lyric_coverage": None}
    carried = sum(1 for x in lines if any(s.start - 0.05 <= x.time < s.end + 0.05
                                          and x.text[:12].lower() in (s.lyric or "").lower() for s in p.shots))
    return {"lyric_coverage": carried / len(lines)}


def critic_scores(run: Run) -> dict[str, float]:
    shots = run.project.shots
    n = max(1, len(shots))
    return {"grounding": sum(s.critique.grounding for s in shots) / n,
            "generic_rate": sum(s.critique.generic for s in shots) / n,
            "why_generative_rate": sum(bool(s.why_generative.strip()) for s in shots) / n}


def pushback(run: Run) -> dict[str, float | None]:
    if not run.scenario.get("generic"):
        return {"pushback": None}
    said = " ".join(m["content"] for m in run.conversation if m["role"] == "assistant").lower()
    named_risk = bool(re.search(r"cliché|cliche|generic|most common|stock footage", said))
    alternatives = len(re.findall(r"^\s*[-•*\d]+[.)]?\s+\S", "\n".join(
        m["content"] for m in run.conversation if m["role"] == "assistant"), re.M)) >= 2
    respected = bool(run.project.shots)
    return {"pushback": 1.0 if (named_risk and alternatives and respected) else 0.0}


def revision_scores(run: Run) -> dict[str, float | None]:
    if not run.revisions:
        return {"revision_locality": None, "revision_tokens": None}
    p = run.project
    local = []
    for revision, changed, _ in run.revisions:
        expected = set(revision.get("expect_shots") or [])
        if revision.get("expect_section"):
            expected |= {n for n, s in enumerate(p.shots, 1) if s.section == revision["expect_section"]}
        local.append(1.0 if changed and set(changed) <= expected else 0.0)
    tokens = [t for _, _, t in run.revisions if t is not None]
    ratio = (max(tokens) / run.plan_tokens) if tokens and run.plan_tokens else None
    return {"revision_locality": sum(local) / len(local), "revision_tokens": ratio}


def export_valid(run: Run) -> dict[str, float]:
    from shotlist.export import formats, get_format

    p = run.project
    folder = run.store.folder(p.id)
    ok = 0
    names = formats()
    for name in names:
        fmt = get_format(name)
        try:
            data = fmt.write(p, folder)
            if fmt.read:
                fmt.read(data, p.model_copy(update={"shots": []}))
            ok += bool(data)
        except Exception:  # noqa: BLE001 - a failing format is a score, not a crash
            if name == "srt" and not any(x.time is not None for x in p.song.lyrics):
                ok += 1  # no lyrics: refusing to write empty subtitles is right
    return {"export_valid": ok / len(names)}


EVALUATORS = (asks_before_planning, coverage, on_beat, lyric_coverage, critic_scores, pushback, revision_scores,
              export_valid)
