"""What the Video tab plays: the animatic (every shot as its animatic card) or the cut (the model's render,
unrendered shots stood in for by their cards), each the latest of its kind in `<project>/renders/`.

A cut file (`cut-v<N>.mp4`, `generation.render.Renderer.cut`) does not say which renderer made it; the
version it was assembled from does: each shot's clip is its picked (else latest) take, and a take records
its backend. A cut with any shot from a model's take is "the cut", one of animatic takes only "the
animatic". Pure functions of the project store (the answer is kept per file and its time)."""

from __future__ import annotations

from pathlib import Path

from shotlist.errors import ShotcallerError
from shotlist.export.media import picked_take
from shotlist.models import Project
from shotlist.store import ProjectStore

KINDS = {"animatic": "Animatic", "cut": "Cut (the model's render)"}  # value -> what the choice reads
ANIMATIC = "animatic"
STILLS = ("diffusers-stills",)  # a stills take is a keyframe source, never a shot's clip in the cut

_kinds: dict[tuple[str, int], str] = {}  # (cut file, its mtime) -> kind


def kind_of(store: ProjectStore, project: Project, cut: Path) -> str:
    """"animatic" or "cut": from the takes of the version the file was assembled from."""
    key = (str(cut), cut.stat().st_mtime_ns)
    if key not in _kinds:
        try:
            made_from = store.load_version(project.id, int(cut.stem.removeprefix("cut-v")))
        except (ShotcallerError, ValueError):
            made_from = project
        backends = {t.backend for s in made_from.shots if (t := picked_take(s, STILLS)) is not None}
        _kinds[key] = "cut" if backends - {ANIMATIC} else ANIMATIC
    return _kinds[key]


def latest(store: ProjectStore, project: Project | None, kind: str) -> Path | None:
    """The newest cut file of `kind`, or None."""
    if not project:
        return None
    renders = store.folder(project.id) / "renders"
    cuts = sorted(renders.glob("cut-v*.mp4"), key=lambda p: p.stat().st_mtime, reverse=True)
    return next((c for c in cuts if kind_of(store, project, c) == kind), None)


def shown_line(store: ProjectStore, project: Project | None, kind: str, path: Path | None, backend: str) -> str:
    """One line under the choice: what plays, or why there is nothing to play and how to make it."""
    if not project:
        return "Open a project to play its animatic or its cut."
    if path is not None:
        return f"{KINDS[kind]}: `{path.name}`. Select a shot, then play from it."
    if kind == ANIMATIC:
        return ("No animatic yet: choose Renderer: animatic under Settings and press Render "
                "(seconds a shot on a CPU).")
    how = (f"press Render (the renderer is {backend})" if backend != ANIMATIC else
           "choose a model renderer (diffusers-video or diffusers-stills) under Settings, then press Render")
    return f"No cut from a model yet: {how}; shots not rendered stand in as their animatic cards."
