"""The beat grid as the artist counts it: a stated tempo, double, halve, or shift half a beat."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..editor import ProjectEditor
from ..errors import ShotcallerError
from ..regrid import MAX_BPM, MIN_BPM, GridChange
from .table import Operation, Result, operation, saved_line


@operation("set_tempo")
class SetTempo(Operation):
    """Correct the song's beat grid ("the tempo is 95", "double it", "the cuts are on the off-beat"): every cut
    moves to the nearest beat of the new grid and every shot keeps its picture, reason and lyric."""

    bpm: float | None = Field(default=None, description=f"The tempo the artist counts, beats per minute "
                                                          f"({MIN_BPM:g}-{MAX_BPM:g}).")
    change: Literal["double", "halve", "shift_half"] | None = Field(
        default=None, description="Instead of a tempo: double, halve, or shift_half (the off-beats become the beats).")

    @model_validator(mode="after")
    def _one(self) -> SetTempo:
        if (self.bpm is None) == (self.change is None):
            raise ValueError("give a tempo (bpm) or a change (double, halve, shift_half), one of the two")
        if self.bpm is not None and not MIN_BPM <= self.bpm <= MAX_BPM:
            raise ValueError(f"a tempo of {self.bpm:g} BPM is outside {MIN_BPM:g}-{MAX_BPM:g}: give the beats per "
                             "minute a musician would count, e.g. 95")
        return self

    def apply(self, editor: ProjectEditor) -> Result:
        if not editor.project().song.beats:
            raise ShotcallerError("this song has no beat grid to correct: analyse it first")
        edit = editor.regrid(GridChange(bpm=self.bpm, op=self.change))
        moved = edit.numbers()
        said = f"{edit.notes[0] if edit.notes else 'grid corrected'}; {len(moved)} cut(s) moved to the new grid"
        return Result(self.name, saved_line(edit, said), edit, moved, notes=edit.notes[1:])
