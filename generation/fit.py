"""`--fit-model`: snap the shot list to what a video model can make in one generation.

The splitting itself is domain logic (`shotlist.fitting`, used by `ProjectEditor.fit`); this adapts a
video preset to it.
"""

from __future__ import annotations

from shotlist.fitting import fit_shots
from shotlist.models import Project, Shot

from .presets import VideoPreset


def fit_to_model(project: Project, preset: VideoPreset) -> tuple[list[Shot], list[str]]:
    """The fitted shots and a note per split."""
    return fit_shots(project, preset.max_seconds, preset.name)
