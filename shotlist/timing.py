"""Timing rules: cuts on the beat grid, shots contiguous over the song, lyric lines carried."""

from __future__ import annotations

import bisect

from .models import Shot, Song


LINE_SLACK = 0.04  # a line sung this soon before a cut belongs to the shot after it (< 50 ms)


def nearest(t: float, grid: list[float]) -> float:
    if not grid:
        return t
    i = bisect.bisect_left(grid, t)
    candidates = grid[max(0, i - 1) : i + 1]
    return min(candidates, key=lambda g: abs(g - t))


def beat_at_or_before(t: float, grid: list[float], slack: float = LINE_SLACK) -> float:
    """The last grid point ≤ t (+slack): a cut placed here makes the shot begin with the line."""
    i = bisect.bisect_right(grid, t + slack)
    return grid[i - 1] if i else 0.0


def frame_spans(shots: list[Shot], rate: float) -> list[tuple[int, int]]:
    """(first frame, frame count) per shot, with cumulative rounding so the counts add up to the song."""
    return [(round(s.start * rate), max(1, round(s.end * rate) - round(s.start * rate))) for s in shots]


def lines_within(song: Song, start: float, end: float) -> list[str]:
    """Lines sung during [start, end), a line just before a cut counting for the shot it opens."""
    return [line.text for line in song.lyrics
            if line.time is not None and start - LINE_SLACK <= line.time < end - LINE_SLACK]


def conform(shots: list[Shot], song: Song) -> tuple[list[Shot], list[str]]:
    """Snap interior cuts to beats, make shots contiguous from 0 to the song's end, fill index,
    section and (when empty) lyric. Returns the shots and notes on what was changed."""
    notes: list[str] = []
    ordered = sorted(shots, key=lambda s: s.start)
    cuts = [0.0]
    for s in ordered[1:]:
        snapped = nearest(s.start, song.beats) if song.beats else s.start
        if abs(snapped - s.start) > 1e-3:
            notes.append(f"moved the cut before {s.id} from {s.start:.2f}s to the beat at {snapped:.2f}s")
        cuts.append(round(snapped, 4))
    cuts.append(round(song.duration, 4))
    out: list[Shot] = []
    for n, s in enumerate(ordered):
        start, end = cuts[n], cuts[n + 1]
        section = song.section_at((start + end) / 2)
        update: dict[str, object] = {"index": n + 1, "start": start, "end": end}
        if section and not s.section:
            update["section"] = section.label
        if not s.lyric:
            carried = lines_within(song, start, end)
            if carried:
                update["lyric"] = " / ".join(carried)
        out.append(s.model_copy(update=update))
    return out, notes
