"""Fit a shot list to what a video model makes in one generation.

A shot longer than `max_seconds` is split on the bar (else the beat) grid into pieces no longer than
that, as even as the grid allows, so each piece is one generation instead of a chain. Split pieces
keep the shot's content and seed (+ piece number); the lyric goes to the piece it is sung in.
Locked shots are left alone.
"""

from __future__ import annotations

import math

from .models import Project, Shot, new_shot_id
from .timing import lines_within


def fit_shots(project: Project, max_seconds: float, name: str = "the video model") -> tuple[list[Shot], list[str]]:
    """The fitted shots and a note per split."""
    limit = max_seconds
    grid = list(project.song.bars or project.song.beats)
    out: list[Shot] = []
    notes: list[str] = []
    for n, shot in enumerate(project.shots, start=1):
        if shot.duration <= limit + 1e-6 or shot.locked:
            out.append(shot)
            continue
        pieces = math.ceil(shot.duration / limit - 1e-9)
        cuts: list[float] = []
        for k in range(1, pieces):
            ideal = shot.start + k * shot.duration / pieces
            prev = cuts[-1] if cuts else shot.start
            # nearest grid point that keeps this piece and the rest within the limit
            inside = [t for t in grid if prev < t < shot.end and t - prev <= limit + 1e-6
                      and shot.end - t <= (pieces - k) * limit + 1e-6]
            cuts.append(min(inside, key=lambda t: abs(t - ideal)) if inside else ideal)
        edges = [shot.start, *cuts, shot.end]
        # a grid point can make a piece too long: fall back to the even split for that piece
        if any(b - a > limit + 1e-6 for a, b in zip(edges, edges[1:])):
            edges = [shot.start + k * shot.duration / pieces for k in range(pieces)] + [shot.end]
        for k, (a, b) in enumerate(zip(edges, edges[1:])):
            lyric = " / ".join(lines_within(project.song, a, b)) or None
            out.append(shot.model_copy(update={
                "id": shot.id if k == 0 else new_shot_id(), "start": round(a, 4), "end": round(b, 4),
                "lyric": lyric, "seed": shot.seed + k, "takes": [] if k else shot.takes}))
        notes.append(f"shot {n} ({shot.duration:.1f}s) split into {pieces} for {name} "
                     f"(at most {limit:.1f}s a generation)")
    return out, notes
