"""The backend protocol and registry.

A backend renders one shot to a clip file of exactly `job.frames` frames at the job's size and fps.
Backends register by name, built-ins the same way a plugin would (another package declares one
through the "shotcaller.backends" entry point: `shotlist.plugins`); heavy imports stay inside them.
What the render code needs to know about a backend it reads from the backend's declared attributes
(`needs_gpu`, `makes_keyframes`), never from its name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from shotlist import plugins
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
    # Whether each of its workers wants a GPU: a Ray render reserves one per worker where the cluster has
    # GPUs, else a CPU. A plugin that does not say is given a GPU where there is one.
    needs_gpu: bool
    # Whether its takes are keyframes (a .png beside each clip) that later renders on other backends
    # animate: the cut never uses them, and a new render on another backend keeps them.
    makes_keyframes: bool

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
        if why := plugins.failure(plugins.BACKENDS, name):
            raise ShotcallerError(f"render backend {name!r}: {why}")
        raise ShotcallerError(f"render backend {name!r} is not known; available: {', '.join(sorted(_BACKENDS))}")
    return _BACKENDS[name](**options)


def backend_factory(name: str) -> Callable[..., Backend]:
    """The registered factory (for a built-in, its class) of backend `name`: what it declares, unbuilt."""
    _load_builtins()
    if name not in _BACKENDS:
        get_backend(name)  # the error that names the backends there are
    return _BACKENDS[name]


def needs_gpu(backend: Backend | Callable[..., Backend]) -> bool:
    """What a backend (or its class) declares; one that does not say is taken to want a GPU."""
    return bool(getattr(backend, "needs_gpu", True))


def makes_keyframes(backend: Backend | Callable[..., Backend]) -> bool:
    return bool(getattr(backend, "makes_keyframes", False))


def keyframe_backends() -> tuple[str, ...]:
    """The registered backends whose takes are keyframes, read from their classes (none is built)."""
    _load_builtins()
    return tuple(sorted(name for name, factory in _BACKENDS.items() if makes_keyframes(factory)))


def _plugin(name: str, factory: Any) -> None:
    if not callable(factory):
        raise TypeError(f"{factory!r} is not a backend factory (a class whose instances render shots)")
    if name in _BACKENDS and plugins.origin(plugins.BACKENDS, name) == "built-in":
        raise TypeError(f"{name!r} is a built-in backend; a plugin cannot replace it")
    register_backend(name, factory)


def _load_builtins() -> None:
    from . import animatic, diffusers_backend  # noqa: F401  (each registers itself on first import)

    plugins.load(plugins.BACKENDS, _plugin)


def file_key(path: Path | None) -> str | None:
    """A short content hash of a file (a keyframe), or None: part of cache keys."""
    if path is None or not path.is_file():
        return None
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
