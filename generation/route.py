"""The one render route: the CLI's `render`, the studio's render buttons and the director's `render` tool
all come here, so a project renders at the same size and rate, on the same renderer, whoever asks.

    result = render_shots(store, "chaos-god", [3, 4], "animatic", RenderOptions(report=bar.update))
    editor = ProjectEditor(store, "chaos-god", renderer=renderer(store, RenderOptions(ray="local")))

1. `settings_for`: the project's constraints (resolution, aspect, fps) as `RenderSettings`, with what the
   front end set (a width, an fps, a model) over them;
2. `make_renderer`: here, or on a Ray cluster when `ray` names one;
3. render the shots (all when None) and cut them on the song.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shotlist.editor import Renderer as EditorRenderer
from shotlist.models import Constraints
from shotlist.store import ProjectStore

from .backend import RenderSettings

if TYPE_CHECKING:
    from .render import RenderResult, Report


@dataclass
class RenderOptions:
    """What a front end may set over the project's constraints; None keeps the project's own."""

    width: int | None = None
    height: int | None = None
    fps: float | None = None
    model: str | None = None  # preset name, diffusers model id or local folder
    takes: int = 1
    steps: int | None = None
    offload: bool = False
    vae_tiling: bool = False
    ray: str | None = None  # "local" or a cluster address; None renders here
    workers: int | None = None
    cut: Path | None = None  # where the cut goes (default: the project's renders/)
    report: Report | None = None
    cancel: threading.Event | None = None


def frame_size(c: Constraints) -> tuple[int, int]:
    """The constraints' resolution; when its shape is not the brief's aspect (an aspect changed on its own,
    '9:16' over the default 1280x720), the aspect's shape with the resolution's short side. An aspect that
    is no ratio ('widescreen') leaves the resolution as it is. Even numbers: H.264 needs them."""
    w, h = c.size
    aw, _, ah = c.aspect.replace("/", ":").partition(":")
    if aw.strip().isdigit() and ah.strip().isdigit() and int(aw) > 0 and int(ah) > 0:
        ratio = int(aw) / int(ah)
        if abs(w / h - ratio) > 0.01:
            short = min(w, h)
            w, h = (short * ratio, short) if ratio >= 1 else (short, short / ratio)
    return _even(w), _even(h)


def settings_for(c: Constraints, options: RenderOptions | None = None) -> RenderSettings:
    """`RenderSettings` for a project with these constraints: its size and fps unless `options` set them."""
    o = options or RenderOptions()
    w, h = frame_size(c)
    return RenderSettings(width=o.width or w, height=o.height or h, fps=o.fps or c.fps, model=o.model or None,
                          takes=o.takes or 1, steps=o.steps, offload=o.offload, vae_tiling=o.vae_tiling)


def render_shots(store: ProjectStore, project_id: str, shots: list[int] | None = None, backend: str = "animatic",
                 options: RenderOptions | None = None) -> RenderResult:
    """Render `shots` (1-based; all when None) of a project on `backend` and cut them on the song."""
    from .ray_render import make_renderer  # generation.render uses `settings_for`: imported when called

    o = options or RenderOptions()
    project = store.load(project_id)
    settings = settings_for(project.brief.constraints, o)
    renderer = make_renderer(store, project.id, backend, settings, report=o.report, cancel=o.cancel, ray=o.ray,
                             workers=o.workers)
    return renderer.render(shots=shots, takes=o.takes, cut=o.cut)


def renderer(store: ProjectStore, options: RenderOptions | None = None) -> EditorRenderer:
    """The renderer a `ProjectEditor` (and so every tool and operation) is given: `render_shots` with
    these options."""
    def render(project_id: str, shots: list[int] | None, backend: str) -> RenderResult:
        return render_shots(store, project_id, shots, backend, options)

    return render


def _even(x: float) -> int:
    return max(2, int(round(x / 2)) * 2)

