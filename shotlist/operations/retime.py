"""Longer or shorter shots, on the beat grid, as one version: one shot moves its end (the last shot its start)
by a bar, or a beat when no bar fits; a run of consecutive shots stretches or shrinks into a free neighbour;
only where no neighbour has room are its shots merged in pairs (longer) or split on a beat (shorter)."""

from __future__ import annotations

from pydantic import Field

from ..errors import ShotcallerError
from ..models import Project, Shot, new_shot_id
from .looks import ShotChange
from .table import operation


def _at(shot: Shot, start: float | None = None, end: float | None = None) -> Shot:
    """The shot with a moved cut; its lyric is read again from the song for its new slot."""
    return shot.model_copy(update={"start": shot.start if start is None else start,
                                   "end": shot.end if end is None else end, "lyric": None})


def _one(project: Project, shots: list[Shot], n: int, longer: bool) -> tuple[list[Shot], str]:
    shot = shots[n - 1]
    bars = project.song.bars or project.song.beats
    last = n == len(shots)
    neighbour = shots[n - 2] if last else shots[n]
    if neighbour.locked:
        raise ShotcallerError(f"shot {n} can't change length without moving shot {n - 1 if last else n + 1}, "
                              "which is locked")
    out = list(shots)
    options: list[float] = []
    if not last:
        for grid in (bars, project.song.beats):  # a bar if one fits, else a beat
            options = options or ([b for b in grid if shot.end < b < neighbour.end - 0.3] if longer
                                  else [b for b in grid if shot.start + 0.3 < b < shot.end])
        if not options:
            raise ShotcallerError(f"shot {n} can't move by a bar without swallowing its neighbour; merge them instead")
        t = options[0] if longer else options[-1]
        out[n - 1], out[n] = _at(shot, end=t), _at(neighbour, start=t)
        return out, f"shot {n} now ends at {t:.2f}s (on the beat)"
    for grid in (bars, project.song.beats):
        options = options or ([b for b in grid if neighbour.start + 0.3 < b < shot.start] if longer
                              else [b for b in grid if shot.start < b < shot.end - 0.3])
    if not options:
        raise ShotcallerError(f"the last shot can't move by a bar without swallowing shot {n - 1}; merge them instead")
    t = options[-1] if longer else options[0]
    out[n - 2], out[n - 1] = _at(neighbour, end=t), _at(shot, start=t)
    return out, f"the last shot ends with the song, so it now starts at {t:.2f}s instead (on the beat)"


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = [[numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _units(project: Project) -> tuple[float, float]:
    beats, bars = project.song.beats, project.song.bars
    beat = float(sorted(b - a for a, b in zip(beats, beats[1:]))[len(beats) // 2 - 1])
    bar = float(sorted(b - a for a, b in zip(bars, bars[1:]))[(len(bars) - 1) // 2]) if len(bars) > 1 else 4 * beat
    return beat, bar


def _stretch(project: Project, shots: list[Shot], run: list[int], longer: bool) -> list[Shot] | None:
    """Every shot of a run a bar or a beat longer (shorter), the shot count kept: the run's outer cut moves into
    (out of) the free neighbour after it, or else the one before it. None when neither has room."""
    beats = project.song.beats
    if len(beats) < 2:
        return None
    beat, bar = _units(project)
    first, last = shots[run[0] - 1], shots[run[-1] - 1]
    lengths = [shots[n - 1].end - shots[n - 1].start for n in run]
    for unit in (bar, beat):
        steps = [(unit if length >= 2 * unit or longer else beat) for length in lengths]
        new = [length + s if longer else length - s for length, s in zip(lengths, steps)]
        if min(new) < max(beat, 0.3):
            continue
        d = sum(new) - sum(lengths)
        after = shots[run[-1]] if run[-1] < len(shots) else None
        before = shots[run[0] - 2] if run[0] > 1 else None
        for side, nb in (("after", after), ("before", before)):
            if nb is None or nb.locked or (nb.end - nb.start) - d < max(beat, 0.5):
                continue
            cuts = [first.start if side == "after" else first.start - d]
            for length in new:
                cuts.append(min(beats, key=lambda b, t=cuts[-1] + length: abs(b - t)))
            if side == "before":
                cuts[-1] = last.end
            if any(b - a < 0.3 for a, b in zip(cuts, cuts[1:])):
                continue
            if not all((b - a > length + 1e-3) if longer else (b - a < length - 1e-3)
                       for a, b, length in zip(cuts, cuts[1:], lengths)):
                continue
            out = list(shots)
            for k, n in enumerate(run):
                out[n - 1] = _at(out[n - 1], start=cuts[k], end=cuts[k + 1])
            if side == "after":
                out[run[-1]] = _at(out[run[-1]], start=cuts[-1])
            else:
                out[run[0] - 2] = _at(out[run[0] - 2], end=cuts[0])
            return out
    return None


def _merge_or_split(project: Project, shots: list[Shot], runs: list[list[int]], longer: bool) -> tuple[list[Shot], str]:
    out, done = list(shots), []
    if longer:  # pairs inside each run of consecutive shots become one, from the end so numbers stay valid
        for r in reversed(runs):
            for k in range(len(r) - 2, -1, -2):
                a, b = out[r[k] - 1], out[r[k]]
                out[r[k] - 1:r[k] + 1] = [_at(a, end=b.end)]
                done.append(f"{r[k]}+{r[k + 1]}")
        if not done:
            raise ShotcallerError("those shots can't get longer without touching their neighbours")
        return out, f"merged shots {', '.join(reversed(done))} on their own cuts: fewer, longer shots there"
    for n in sorted((n for r in runs for n in r), reverse=True):
        shot = out[n - 1]
        mids = [t for t in project.song.beats if shot.start + 0.4 < t < shot.end - 0.4]
        if mids:
            cut = mids[len(mids) // 2]
            second = _at(shot, start=cut).model_copy(update={"id": new_shot_id(), "takes": [], "picked_take": None})
            out[n - 1:n] = [_at(shot, end=cut), second]
            done.append(str(n))
    if not done:
        raise ShotcallerError("those shots are already as short as the beat allows")
    return out, f"split shots {', '.join(reversed(done))} on the beat: shorter shots there"


@operation("retime_shots")
class RetimeShots(ShotChange):
    """Make named shots longer or shorter on the beat grid: the cuts move into (out of) a free neighbour;
    only where no neighbour has room are shots merged in pairs (longer) or split on a beat (shorter)."""

    longer: bool = Field(description="True: longer (slower cutting); false: shorter (faster cutting).")

    def word(self) -> str:
        return "longer" if self.longer else "shorter"

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        shots = list(project.shots)
        if len(numbers) == 1:
            out, said = _one(project, shots, numbers[0], self.longer)
            return out, [], said
        runs, moved = _runs(numbers), []
        for r in reversed(runs):
            stretched = _stretch(project, shots, r, self.longer)
            if stretched is not None:
                shots = stretched
                moved.append(r)
        said = []
        if moved:
            names = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in reversed(moved))
            said.append(f"shots {names} {self.word()}: each by a bar or a beat, moving only the cut into the next "
                        "(or previous) shot; cuts stay on the beat")
        rest = [r for r in runs if r not in moved]
        if rest:  # no neighbour has room: fewer, longer shots (merged) or more, shorter ones (split)
            shots, more = _merge_or_split(project, shots, rest, self.longer)
            said.append(more)
        return shots, [], "; ".join(said)
