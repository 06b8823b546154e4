"""The backend protocol and registry.

A backend renders one shot to a clip file of exactly `job.frames` frames at the job's size and fps.
Backends register by name, built-ins the same way a plugin would; heavy imports stay inside them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from shotlist.errors import ShotcallerError
from shotlist.models import Shot, StyleBible

Progress = Callable[[float, str], None]  # (fraction of this shot done, what is happening)


class Cancelled(Exception):
    """Raised inside a render when its cancel event is set."""


@dataclass
class RenderSettings:
    width: int = 1280
    height: int = 720
    fps: float = 24.0
    model: str | None = None  # diffusers model id or local folder (preset name or any id)
    takes: int = 1
    device: str = "auto"
    offload: bool = False
    vae_tiling: bool = False
    steps: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class ShotJob:
    shot: Shot
    number: int  # 1-based position in the cut
    seed: int
    frames: int  # exact frame count of the clip
    settings: RenderSettings
    style: StyleBible
    still: Path | None = None  # a keyframe to animate (from diffusers-stills), if any
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def duration(self) -> float:
        return self.frames / self.settings.fps


class Backend(Protocol):
    name: str
    # The shot's fields this backend's pixels depend on: with `key`, the render-cache key. A field left
    # out (a reason, a why-generative) can be reworded without re-rendering.
    reads: tuple[str, ...]

    def key(self, job: ShotJob) -> dict[str, Any]:
        """Everything besides the shot's own fields that changes the pixels (model, version, style, …)."""

    def render(self, job: ShotJob, out: Path, progress: Progress) -> None:
        """Write the clip to `out` (an .mp4), or raise."""


_BACKENDS: dict[str, Callable[..., Backend]] = {}


def register_backend(name: str, factory: Callable[..., Backend]) -> None:
    _BACKENDS[name] = factory


def backends() -> list[str]:
    _load_builtins()
    return sorted(_BACKENDS)


def get_backend(name: str, **options: Any) -> Backend:
    _load_builtins()
    if name not in _BACKENDS:
        raise ShotcallerError(f"render backend {name!r} is not known; available: {', '.join(sorted(_BACKENDS))}")
    return _BACKENDS[name](**options)


def _load_builtins() -> None:
    from . import animatic, diffusers_backend  # noqa: F401  (each registers itself on first import)


def file_key(path: Path | None) -> str | None:
    """A short content hash of a file (a keyframe), or None: part of cache keys."""
    if path is None or not path.is_file():
        return None
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
