"""Pure steps on a shot list's order and timing, for `shotlist.operations`: insert, delete, move, swap,
a picture in the artist's words. Each returns an `Arrangement` that `ProjectEditor.rearrange` conforms
to the song and saves as one version.

The rule for moving pictures: the cut grid and the lyric each slot carries stay where they are; the
pictures (what we see, how it is framed, its reason, its seed) move between the slots. A reason that
quotes a line the slot no longer carries is rewritten to quote the slot's own line, or flagged when the
slot carries none.
"""

from __future__ import annotations

from collections.abc import Callable

from .editor import Arrangement
from .errors import LockedShot, ShotcallerError
from .models import Project, Shot, new_shot_id
from .shot_ops import agree

Fill = Callable[[Shot], Shot]  # an empty slot on the song -> the shot that fills it

# what moves with a picture from slot to slot (the slot keeps start, end, section and lyric)
PICTURE = ("id", "shot_size", "angle", "movement", "lens", "subject", "action", "setting", "prompt", "negative_prompt",
           "reason", "why_generative", "transition", "seed", "origin", "takes", "picked_take", "critique")
INSERT_BEATS = 2  # an inserted shot takes up to this many beats from each neighbour (one bar in 4/4)


def number(project: Project, ref: str | int) -> int:
    """The 1-based number of the shot `ref` names: a number, an id, or 'last'; a clear error otherwise."""
    total = len(project.shots)
    text = str(ref).strip().lower()
    if text in ("last", "final", "-1"):
        return total
    if text.lstrip("#").isdigit():
        n = int(text.lstrip("#"))
        if not 1 <= n <= total:
            raise ShotcallerError(f"there is no shot {n}: the plan has shots 1-{total}")
        return n
    for n, s in enumerate(project.shots, 1):
        if s.id == str(ref):
            return n
    raise ShotcallerError(f"there is no shot {ref!r}: name one by number, 1-{total}")


def _refuse_locked(project: Project, numbers: list[int], doing: str) -> None:
    held = [n for n in numbers if project.shots[n - 1].locked]
    if held:
        which = ", ".join(map(str, held))
        raise LockedShot(f"shot{'s' * (len(held) > 1)} {which} {'are' if len(held) > 1 else 'is'} locked: "
                         f"unlock {'them' if len(held) > 1 else 'it'} before you {doing}")


def _into_slot(slot: Shot, picture: Shot) -> Shot:
    """`picture`'s content in `slot`'s place on the song; its renders only when the length is the same."""
    moved = {f: getattr(picture, f) for f in PICTURE}
    if abs(slot.duration - picture.duration) > 1e-3:
        moved |= {"takes": [], "picked_take": None}
    return slot.model_copy(update=moved)


def reorder(project: Project, order: list[int]) -> Arrangement:
    """Pictures placed in the slots in `order` (0-based picture index per slot); reasons made to agree."""
    shots, changed, notes = [], [], []
    for slot, k in zip(project.shots, order):
        if project.shots[k].id == slot.id:
            shots.append(slot)
            continue
        moved, note = agree(_into_slot(slot, project.shots[k]))
        shots.append(moved)
        changed.append(moved.id)
        notes += [note] if note else []
    return Arrangement(shots, changed=changed, notes=notes)


def swap(project: Project, a: int, b: int) -> Arrangement:
    if a == b:
        raise ShotcallerError(f"shot {a} cannot swap with itself: name two different shots")
    _refuse_locked(project, [a, b], "swap them")
    order = list(range(len(project.shots)))
    order[a - 1], order[b - 1] = b - 1, a - 1
    return reorder(project, order)


def move(project: Project, shot: int, to: int, after: bool) -> Arrangement:
    """Shot `shot`'s picture placed before (or after) shot `to`; the pictures between shift one slot."""
    if shot == to:
        raise ShotcallerError(f"shot {shot} cannot move next to itself: name another shot")
    order = list(range(len(project.shots)))
    order.remove(shot - 1)
    at = order.index(to - 1) + (1 if after else 0)
    order.insert(at, shot - 1)
    touched = [n + 1 for n, k in enumerate(order) if k != n]
    _refuse_locked(project, touched, "move pictures across them")
    if not touched:
        raise ShotcallerError(f"shot {shot} is already {'after' if after else 'before'} shot {to}")
    return reorder(project, order)


def delete(project: Project, numbers: list[int]) -> Arrangement:
    """The shots removed; each one's time goes to its neighbours (split on the beat nearest its middle)."""
    total = len(project.shots)
    if len(set(numbers)) >= total:
        raise ShotcallerError(f"that would delete every shot ({total}): a plan needs at least one; re-plan instead")
    _refuse_locked(project, numbers, "delete them")
    shots = list(project.shots)
    removed = []
    for n in sorted(set(numbers), reverse=True):
        i = n - 1
        gone = shots[i]
        prev = shots[i - 1] if i > 0 else None
        nxt = shots[i + 1] if i + 1 < len(shots) else None
        prev_free = prev is not None and not prev.locked
        next_free = nxt is not None and not nxt.locked
        if not prev_free and not next_free:
            raise LockedShot(f"shot {n} sits between locked shots (or at the end beside one): no neighbour can take "
                             "its time; unlock a neighbour first")
        cut = gone.start if not prev_free else gone.end if not next_free else _beat_near(
            project, (gone.start + gone.end) / 2, gone.start, gone.end)
        if prev_free:
            shots[i - 1] = prev.model_copy(update={"end": cut, "lyric": None})
        if next_free:
            shots[i + 1] = nxt.model_copy(update={"start": cut, "lyric": None})
        removed.append(gone.id)
        del shots[i]
    changed = [s.id for s in shots if any(s.id == o.id and (s.start, s.end) != (o.start, o.end)
                                          for o in project.shots)]
    return Arrangement(shots, changed=changed, removed=removed)


def _beat_near(project: Project, t: float, lo: float, hi: float) -> float:
    inside = [b for b in project.song.beats if lo < b < hi]
    return min(inside, key=lambda b: abs(b - t)) if inside else (lo + hi) / 2


def _beats_between(project: Project, lo: float, hi: float) -> list[float]:
    return [b for b in project.song.beats if lo + 1e-3 < b < hi - 1e-3]


def insert_at_cut(project: Project, cut: float, fill: Fill) -> Arrangement:
    """A new shot at the cut `cut` (seconds), taking up to INSERT_BEATS beats from the shot on each side."""
    shots = list(project.shots)
    before = next((k for k, s in enumerate(shots) if abs(s.end - cut) < 1e-3), None)
    after = next((k for k, s in enumerate(shots) if abs(s.start - cut) < 1e-3), None)
    start = end = cut
    if before is not None and not shots[before].locked:
        room = _beats_between(project, shots[before].start, cut)
        start = room[-INSERT_BEATS] if len(room) >= INSERT_BEATS else room[0] if room else cut
    if after is not None and not shots[after].locked:
        room = _beats_between(project, cut, shots[after].end)
        end = room[INSERT_BEATS - 1] if len(room) >= INSERT_BEATS else room[-1] if room else cut
    if end - start < 1e-3:
        raise ShotcallerError(f"no beat is free at {cut:.2f}s: the shots on both sides are locked or one beat long; "
                              "unlock or lengthen a neighbour, or insert somewhere else")
    changed = []
    if before is not None and start < cut:
        shots[before] = shots[before].model_copy(update={"end": start, "lyric": None})
        changed.append(shots[before].id)
    if after is not None and end > cut:
        shots[after] = shots[after].model_copy(update={"start": end, "lyric": None})
        changed.append(shots[after].id)
    new = fill(Shot(id=new_shot_id(), start=start, end=end)).model_copy(update={"lyric": None})
    shots.insert(after if after is not None else len(shots), new)
    return Arrangement(shots, changed=[new.id, *changed])


def insert_at_time(project: Project, t: float, fill: Fill) -> Arrangement:
    """A new shot from the beat nearest `t` to the end of the shot playing then (that shot ends there)."""
    beats = project.song.beats
    target = next((s for s in project.shots if s.start <= t < s.end), project.shots[-1])
    inside = [b for b in beats if target.start + 1e-3 < b < target.end - 1e-3]
    if not inside:
        return insert_at_cut(project, target.start if t - target.start < target.end - t else target.end, fill)
    cut = min(inside, key=lambda b: abs(b - t))
    if target.locked:
        raise LockedShot(f"shot {target.index} is locked and plays at {t:.2f}s: unlock it, or insert beside it")
    shots = list(project.shots)
    i = shots.index(target)
    shots[i] = target.model_copy(update={"end": cut, "lyric": None})
    new = fill(Shot(id=new_shot_id(), start=cut, end=target.end)).model_copy(update={"lyric": None})
    shots.insert(i + 1, new)
    return Arrangement(shots, changed=[new.id, target.id])
