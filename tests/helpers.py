"""Small helpers for building projects in tests."""

from __future__ import annotations

from shotlist.models import Project, Shot, Song


def song_of(duration: float = 10.0, **kw) -> Song:
    return Song(path="song.wav", sha256="0" * 64, duration=duration, sample_rate=22050, tempo=120.0, **kw)


def even_shots(duration: float, n: int) -> list[Shot]:
    step = duration / n
    return [Shot(start=round(i * step, 6), end=round((i + 1) * step, 6), reason="r", why_generative="w") for i in range(n)]


def project_of(duration: float = 10.0, n: int = 4, **kw) -> Project:
    return Project(id="test", title="Test", song=song_of(duration), shots=even_shots(duration, n), version=1, **kw)
