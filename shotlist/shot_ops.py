"""Pure operations on a project's shot list, composed by `shotlist.editor.ProjectEditor`: the lock
guarantee, moving a neighbour's cut, fitting a proposal around locked shots, validation to one line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import LockedShot, ShotcallerError, TimelineError, one_line
from .models import Project, Shot, new_shot_id

# Fields a locked shot may still change: its position, its renders and the critic's notes.
LOCK_FREE = {"index", "critique", "takes", "picked_take", "locked"}
QUOTED = re.compile(r"[\"“]([^\"”]{3,})[\"”]")  # a line quoted in a reason
MIN_PIECE = 0.25  # seconds: a proposed shot clipped by a locked one to less than this joins its neighbour



def validated(model: type, data: dict[str, Any], what: str):
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ShotcallerError(f"{what}: {one_line(e)}") from None


def rebuilt(project: Project, update: dict[str, Any]) -> Project:
    """A validated copy of `project` with `update` (checks the timeline again)."""
    from pydantic import ValidationError

    try:
        return Project.model_validate(project.model_dump(by_alias=True) | update)
    except ValidationError as e:
        raise TimelineError(one_line(e)) from None


def content(shot: Shot) -> dict[str, Any]:
    return shot.model_dump(exclude=LOCK_FREE)


def reviewed_part(project: Project) -> tuple:
    """What the review reads: the song, the brief and each shot's content, in order. A lock, a picked
    take or a new title leaves it alone, so those saves skip the review (its findings would not move)."""
    return project.song, project.brief, [content(s) for s in project.shots]


def differs(shot: Shot, base: Project, shot_id: str) -> bool:
    old = next((s for s in base.shots if s.id == shot_id), None)
    return old is None or content(old) != content(shot)


def check_locks(before: Project, after: Project, unlocked: Iterable[str] = ()) -> None:
    """The guarantee, checked on every save: a locked shot is still there, unchanged (but one the same save
    names in `unlocked` and leaves unlocked: "unlock shot 1 and make it darker" is one version)."""
    now = {s.id: s for s in after.shots}
    for n, s in enumerate(before.shots, 1):
        if not s.locked or s.id in unlocked and s.id in now and not now[s.id].locked:
            continue
        if s.id not in now:
            raise LockedShot(f"shot {n} is locked: this change would remove it; unlock it first")
        if content(now[s.id]) != content(s):
            raise LockedShot(f"shot {n} is locked: this change would alter it; unlock it first")


def refuse_locked(shot: Shot, shots: list[Shot]) -> None:
    if shot.locked:
        raise LockedShot(f"shot {shots.index(shot) + 1} is locked: unlock it first (lock_shots with locked=false)")


def current(shots: list[Shot], base: Project, ref: str) -> Shot:
    """The shot `ref` names (id or number of the list being edited)."""
    target = base.shot(ref)
    return next(s for s in shots if s.id == target.id)


def move_neighbours(shots: list[Shot], i: int, moved_start: bool, moved_end: bool) -> list[str]:
    """A moved cut moves the neighbour's matching cut; it may not swallow or cross a neighbour, nor
    move a locked one. Both shots' lyric is cleared so `conform` gives each the lines now sung over it."""
    shot, moved = shots[i], []
    if moved_end:
        if i + 1 == len(shots):
            raise ShotcallerError(f"shot {i + 1} is the last one: it ends with the song")
        nxt = shots[i + 1]
        if not shot.start < shot.end < nxt.end:
            raise ShotcallerError(f"shot {i + 1} cannot end at {shot.end:.2f}s: it must end after its start "
                                  f"({shot.start:.2f}s) and before shot {i + 2} ends ({nxt.end:.2f}s); "
                                  "merge them instead")
        refuse_locked(nxt, shots)
        shots[i + 1] = nxt.model_copy(update={"start": shot.end, "lyric": None})
        moved.append(nxt.id)
    if moved_start:
        if i == 0:
            raise ShotcallerError("shot 1 starts with the song")
        prev = shots[i - 1]
        if not prev.start < shot.start < shot.end:
            raise ShotcallerError(f"shot {i + 1} cannot start at {shot.start:.2f}s: it must start after shot {i} "
                                  f"starts ({prev.start:.2f}s) and before its own end ({shot.end:.2f}s)")
        refuse_locked(prev, shots)
        shots[i - 1] = prev.model_copy(update={"end": shot.start, "lyric": None})
        moved.append(prev.id)
    return moved


def around_locked(new: list[Shot], locked: list[Shot]) -> list[Shot]:
    """The proposed shots clipped to the time the locked shots leave free, plus the locked shots.
    A clipped piece shorter than MIN_PIECE is absorbed by the proposed shot next to it."""
    spans = sorted((s.start, s.end) for s in locked)
    ids = {s.id for s in locked}
    pieces: list[Shot] = []
    for s in new:
        if s.id in ids:
            continue
        free = [(s.start, s.end)]
        for a, b in spans:
            free = [part for lo, hi in free for part in ((lo, min(hi, a)), (max(lo, b), hi)) if part[1] - part[0] > 1e-6]
        for k, (lo, hi) in enumerate(free):
            pieces.append(s.model_copy(update={"id": s.id if k == 0 else new_shot_id(), "start": lo, "end": hi,
                                               "lyric": s.lyric if (lo, hi) == (s.start, s.end) else None}))
    out = sorted([*pieces, *locked], key=lambda s: s.start)
    k = 0
    while k < len(out):
        s = out[k]
        if s.id in ids or s.end - s.start >= MIN_PIECE:
            k += 1
        elif k > 0 and out[k - 1].id not in ids:
            out[k - 1] = out[k - 1].model_copy(update={"end": s.end, "lyric": None})
            del out[k]
        elif k + 1 < len(out) and out[k + 1].id not in ids:
            out[k + 1] = out[k + 1].model_copy(update={"start": s.start, "lyric": None})
            del out[k]
        else:  # squeezed between two locked shots: keep it, short as it is
            k += 1
    return out


def agree(shot: Shot) -> tuple[Shot, str]:
    """The shot with a reason that agrees with the lyric it carries, and a note when it had to change."""
    quotes = QUOTED.findall(shot.reason or "")
    sung = (shot.lyric or "").lower()
    stale = [q for q in quotes if q.strip(" .,…").lower() not in sung]
    if not stale:
        return shot, ""
    line = (shot.lyric or "").split(" / ")[0].strip()
    if line:
        reason = shot.reason
        for q in stale:
            reason = reason.replace(q, line)
        return (shot.model_copy(update={"reason": reason}),
                f"shot {shot.index}: its reason now quotes \"{line}\", the line it carries")
    notes = [*shot.critique.notes, f"the reason quotes \"{stale[0]}\", which this slot does not carry: rewrite it"]
    return (shot.model_copy(update={"critique": shot.critique.model_copy(update={"notes": notes})}),
            f"shot {shot.index}: its reason quotes \"{stale[0]}\", no longer sung here (flagged)")


def agreeing(project: Project, ids: Iterable[str]) -> tuple[Project, list[str]]:
    """The shots `ids` with reasons that agree with the lyric each now carries (rewritten or flagged)."""
    touched = set(ids)
    agreed = [agree(s) if s.id in touched else (s, "") for s in project.shots]
    notes = [n for _, n in agreed if n]
    if notes:
        project = rebuilt(project, {"shots": [s.model_dump() for s, _ in agreed]})
    return project, notes
