"""A planned project on a song the suite builds (no audio analysis, no critic): fast ground for the
operations' tests. Every reason quotes the line its slot carries, as the planner writes them."""

from __future__ import annotations

from pathlib import Path

from shotlist.editor import ProjectEditor
from shotlist.models import Shot, Song
from shotlist.store import ProjectStore
from shotlist.timing import lines_within
from songbook import BALLAD, build_song

ANGLES = ["eye level", "dutch", "low", "high"]
SIZES = ["wide", "close-up", "medium", "extreme close-up"]


def planned_shots(song: Song) -> list[Shot]:
    """Two bars a shot, each reason quoting the line its slot carries."""
    bars = song.bars[::2]
    shots = []
    for k, start in enumerate(bars):
        end = bars[k + 1] if k + 1 < len(bars) else song.duration
        lines = lines_within(song, start, end)
        reason = f'Carries "{lines[0]}": the house answers it.' if lines else "Between the lines."
        shots.append(Shot(start=start, end=end, shot_size=SIZES[k % 4], angle=ANGLES[k % 4],
                          subject=f"picture {k + 1}", action="waits", setting="the porch",
                          prompt=f"{SIZES[k % 4]} shot, {ANGLES[k % 4]} angle, static: picture {k + 1}",
                          reason=reason, why_generative=f"why {k + 1}"))
    return shots


def planned_project(tmp: Path, store: ProjectStore | None = None, title: str = "Porch Light") -> tuple[ProjectStore, str]:
    """A BALLAD project with a plan of two-bar shots: (store, project id)."""
    store = store or ProjectStore(tmp / "projects")
    song = build_song(*BALLAD)
    (tmp / "song.wav").write_bytes(b"RIFF")
    project = store.create(tmp / "song.wav", lambda _p: song, title=title)
    ProjectEditor(store, project.id).propose(planned_shots(song))
    return store, project.id
