"""The artist corrects the beat grid: a stated tempo, double, halve, or shift half a beat.

    >>> change = GridChange(bpm=95)                          # "the tempo is 95"
    >>> song2 = regridded_song(song, change, audio=path)     # doctest: +SKIP
    >>> shots2, notes = move_cuts(shots, song2)              # doctest: +SKIP

`ProjectEditor.regrid(change)` does both and saves one version: every shot keeps its content (id,
prompt, look, takes) and its place in the song; each cut moves to the nearest beat of the new grid
(a later beat when two cuts would meet). A stated tempo re-reads the audio at that tempo (the phase
and bar lines by evidence, `shotlist.beats.track(bpm=...)`); double, halve and shift work on the
grid alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from .errors import ShotcallerError
from .models import Shot, Song

MIN_BPM, MAX_BPM = 30.0, 300.0


class GridChange(BaseModel):
    """One correction of the beat grid: exactly one of a stated tempo or an operation."""

    bpm: float | None = Field(default=None, description="The tempo the artist states, beats per minute (30-300).")
    op: Literal["double", "halve", "shift_half"] | None = Field(
        default=None, description="double: twice as many beats; halve: every other beat; "
                                  "shift_half: every beat moves half a beat later (the off-beats become the beats).")

    @model_validator(mode="after")
    def _one(self) -> GridChange:
        if (self.bpm is None) == (self.op is None):
            raise ShotcallerError("give either a tempo (bpm=95) or one of double, halve, shift_half; not both, not neither")
        if self.bpm is not None and not MIN_BPM <= self.bpm <= MAX_BPM:
            raise ShotcallerError(f"a tempo of {self.bpm:g} BPM is outside {MIN_BPM:g}-{MAX_BPM:g}: "
                                  "give the beats per minute a musician would count, e.g. 95")
        return self

    def describe(self) -> str:
        return f"the tempo set to {self.bpm:g} BPM" if self.bpm is not None else {
            "double": "the tempo doubled", "halve": "the tempo halved", "shift_half": "the beats moved half a beat"}[self.op]


def doubled(beats: np.ndarray) -> np.ndarray:
    mids = beats[:-1] + np.diff(beats) / 2
    return np.sort(np.concatenate([beats, mids]))


def halved(beats: np.ndarray, bars: np.ndarray) -> np.ndarray:
    """Every other beat, keeping the ones the first bar line falls on."""
    first_bar = int(np.abs(beats - bars[0]).argmin()) if len(bars) else 0
    return beats[first_bar % 2 :: 2]


def shifted_half(beats: np.ndarray, duration: float) -> np.ndarray:
    if len(beats) < 2:
        return beats
    gaps = np.diff(beats)
    moved = np.append(beats[:-1] + gaps / 2, beats[-1] + gaps[-1] / 2)
    return moved[moved < duration]


def regridded_song(song: Song, change: GridChange, audio: str | Path | None = None) -> Song:
    """`song` with the grid the change asks for (tempo, beats, bars, confidence, notes); sections and
    lyrics stay. A stated tempo needs the `audio` to place the beats."""
    beats, bars = np.asarray(song.beats, float), np.asarray(song.bars, float)
    if change.bpm is not None:
        if audio is None or not Path(audio).is_file():
            raise ShotcallerError(f"to set the tempo to {change.bpm:g} BPM the song's audio is needed; "
                                  f"{audio or 'no file'} is missing")
        from .song import analyse_song

        fresh = analyse_song(audio, bpm=change.bpm)
        return song.model_copy(update={k: getattr(fresh, k) for k in ("tempo", "beats", "bars", "confidence",
                                                                      "analysis_notes")})
    if len(beats) < 4:
        raise ShotcallerError(f"the song has {len(beats)} beats: too few to {change.op.replace('_', ' ')}; "
                              "give the tempo instead (e.g. bpm=95)")
    meter = int(round(np.median(np.diff(np.searchsorted(beats, bars))))) if len(bars) > 1 else 4
    if change.op == "double":
        new = doubled(beats)
        new_bars = bars
    elif change.op == "halve":
        new = halved(beats, bars)
        kept = np.abs(bars[:, None] - new[None, :]).min(axis=1) < 1e-3 if len(bars) and len(new) else []
        new_bars = bars[kept] if np.any(kept) else new[:: max(1, meter // 2)]
    else:
        new = shifted_half(beats, song.duration)
        new_bars = shifted_half(bars, song.duration) if len(bars) > 1 else new[:1]
    tempo = float(60.0 / np.median(np.diff(new))) if len(new) > 1 else song.tempo
    notes = [n for n in song.analysis_notes if not n.startswith("grid corrected")]
    return song.model_copy(update={
        "tempo": round(tempo, 2), "beats": [round(float(b), 4) for b in new],
        "bars": [round(float(b), 4) for b in new_bars], "confidence": 1.0,
        "analysis_notes": [*notes, f"grid corrected by the artist: {change.describe()}"]})


def move_cuts(shots: list[Shot], song: Song) -> tuple[list[Shot], list[str]]:
    """Each interior cut to the nearest beat of `song` (the next free beat when that one is taken),
    every shot's content kept; notes say which cuts moved."""
    grid = np.asarray(song.beats, float)
    grid = grid[(grid > 0) & (grid < song.duration)]
    ordered = sorted(shots, key=lambda s: s.start)
    if len(ordered) - 1 > len(grid):
        raise ShotcallerError(f"{len(ordered)} shots need {len(ordered) - 1} cuts but the new grid has only "
                              f"{len(grid)} beats: merge some shots first")
    cuts, notes, last = [0.0], [], -1
    for n, s in enumerate(ordered[1:], start=2):
        j = int(np.abs(grid - s.start).argmin()) if len(grid) else -1
        j = max(j, last + 1)
        # leave a beat for every cut still to come
        j = min(j, len(grid) - (len(ordered) - n))
        last = j
        t = round(float(grid[j]), 4)
        if abs(t - s.start) > 1e-3:
            notes.append(f"cut before shot {n} moved {s.start:.2f}s → {t:.2f}s")
        cuts.append(t)
    cuts.append(round(song.duration, 4))
    moved = [s.model_copy(update={"start": cuts[i], "end": cuts[i + 1]}) for i, s in enumerate(ordered)]
    return moved, notes
