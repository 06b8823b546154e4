"""The director's tools: a thin adapter that words the project editor's typed results for a model.

Every change goes through `shotlist.editor.ProjectEditor` (validated, locked shots kept, the critic
applied the same way, saved as a new version); these methods only turn its `Edit`s into the short
lines the model reads. Guided mode calls them directly; the LLM agent and the MCP server get them as
tools. Docstrings are what the model reads; developer notes go in comments. The store, the critic
(`review`) and the renderer are injected, never built here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shotlist.editor import Edit, ProjectEditor, Renderer, Review
from shotlist.errors import ShotcallerError
from shotlist.models import Project, Shot, ShotPatch
from shotlist.store import ProjectStore

from . import critic

__all__ = ["ProjectTools", "ShotPatch", "describe"]

SHOW_FIELDS = {"id", "index", "start", "end", "section", "lyric", "shot_size", "angle", "movement", "subject",
               "action", "setting", "prompt", "reason", "why_generative", "locked"}


def describe(edit: Edit, action: str) -> str:
    """One short line for a model or a terminal: what happened, and the version now on disk."""
    if not edit.saved:
        return f"no change ({'; '.join(edit.notes)}); version {edit.version}"
    return f"{action}; version {edit.version}"


class ProjectTools:
    """The project tools for one project, over a `ProjectEditor`."""

    def __init__(self, store: ProjectStore, project_id: str, run_critic: bool = True,
                 renderer: Renderer | None = None, review: Review | None = None,
                 editor: ProjectEditor | None = None):
        self.store = store
        self.project_id = project_id
        self.run_critic = run_critic
        self.editor = editor or ProjectEditor(store, project_id, review=review or (critic.apply if run_critic else None),
                                              renderer=renderer)

    def project(self) -> Project:
        return self.editor.project()

    # ------------------------------------------------------------------ the tools

    def update_brief(self, **fields: Any) -> str:
        """Record what the artist said in the brief (only the fields given change)."""
        edit = self.editor.update_brief(**fields)
        names = ", ".join(f.removeprefix("brief.") for f in edit.fields) or ", ".join(sorted(fields))
        return f"brief updated ({names}); version {edit.version}" if edit.saved else describe(edit, "brief")

    def update_style(self, **fields: Any) -> str:
        """Set the style bible: global look, recurring characters, negative prompt."""
        edit = self.editor.update_style(**fields)
        return f"style updated; version {edit.version}" if edit.saved else describe(edit, "style")

    def propose_shot_list(self, shots: list[Shot], replan: bool = False) -> str:
        """Propose the whole shot list: cuts snapped to beats, timing filled from the song, the critic run.
        Over an existing plan only when the artist asked to re-plan (`replan`); otherwise revise shots."""
        edit = self.editor.propose(shots, replan=replan)
        return f"shot list saved: {len(edit.project.shots)} shots, version {edit.version}\n" + critic.summary(edit.project)

    def revise_shots(self, patches: list[ShotPatch]) -> str:
        """Change named shots only; every other shot keeps its id, seed, takes and content. Locked shots
        are refused; moving a cut moves the neighbour's matching cut."""
        edit = self.editor.revise([ShotPatch.model_validate(p) if isinstance(p, dict) else p for p in patches])
        return f"revised shots {', '.join(map(str, edit.numbers()))}; version {edit.version}"

    def split_shot(self, shot: str, at: float) -> str:
        """Split a shot in two at a time in seconds (snapped to the nearest beat)."""
        edit = self.editor.split(shot, at)
        n = edit.numbers()[0]
        return (f"split shot {n} at {edit.project.shots[n - 1].end:.2f}s; {len(edit.project.shots)} shots, "
                f"version {edit.version}")

    def merge_shots(self, first: str, last: str) -> str:
        """Merge shots first..last into the first one."""
        before = len(self.project().shots)
        edit = self.editor.merge(first, last)
        n = edit.numbers()[0]
        return (f"merged shots {n}-{n + before - len(edit.project.shots)}; {len(edit.project.shots)} shots, "
                f"version {edit.version}")

    def lock_shots(self, shots: list[str], locked: bool = True) -> str:
        """Lock shots (nothing changes them until they are unlocked), or unlock them with locked=false."""
        edit = self.editor.lock(list(shots), locked)
        word = "locked" if locked else "unlocked"
        n = len(edit.changed)
        return f"{word} {n} shot{'s' * (n != 1)}; version {edit.version}" if edit.saved else describe(edit, word)

    def pick_take(self, shot: str, take: str) -> str:
        """Choose which rendered take of a shot the cut uses (take ids look like t1, t2)."""
        edit = self.editor.pick_take(shot, take)
        return f"shot {shot} uses take {take}; version {edit.version}" if edit.saved else describe(edit, "pick")

    def show_shots(self, shots: list[str] | None = None) -> str:
        """Read shots by number or id (all when none are named), as compact JSON."""
        project = self.project()
        chosen = [project.shot(s) for s in shots] if shots else project.shots
        rows = [s.model_dump(include=SHOW_FIELDS) | {"critic": s.critique.notes} for s in chosen]
        return json.dumps(rows, ensure_ascii=False) if rows else "no shots yet"

    def critique(self) -> str:
        """Run the critic on the whole shot list and return its findings."""
        edit = self.editor.critique()
        return critic.summary(edit.project) if edit.project.shots else "No shots yet."

    def render(self, shots: str = "", backend: str = "animatic") -> str:
        """Render shots ("1,4-6", or a section name like "chorus"; all when empty) and cut them on the song."""
        numbers = self._numbers(shots)
        result = self.editor.render(numbers, backend)
        failed = "; ".join(f"shot {n}: {why}" for n, why in result.failed.items())
        why = "; ".join(f"{n}: {w}" for n, w in sorted(result.why.items()))
        return (f"rendered {len(result.rendered)}, {len(result.cached)} unchanged from the cache"
                + (f" (re-rendered {why})" if why else "")
                + (f", failed {failed}" if failed else "") + f"; the cut: {result.cut}")

    def export(self, format: str) -> str:
        """Export the shot list (json, csv, otio, edl, fcpxml, fcp7xml, pdf, srt, md) into the project's exports/."""
        return f"exported {format.lower()}: {self.export_file(format)}"

    def export_file(self, format: str) -> Path:
        """Write the export into the project's exports/ folder and return its path."""
        return self.editor.export(format)

    def undo(self) -> str:
        """Undo the last change to the project."""
        edit = self.editor.undo()
        return f"back to version {edit.version} ({len(edit.project.shots)} shots)"

    def redo(self) -> str:
        """Redo the change the last undo took back."""
        edit = self.editor.redo()
        return f"forward to version {edit.version} ({len(edit.project.shots)} shots)"

    def registry(self) -> dict[str, Callable[..., str]]:
        """Tools by name."""
        return {name: getattr(self, name) for name in (
            "update_brief", "update_style", "propose_shot_list", "revise_shots", "split_shot",
            "merge_shots", "lock_shots", "pick_take", "show_shots", "critique", "render", "export", "undo", "redo")}

    # ------------------------------------------------------------------ helpers

    def _numbers(self, shots: str) -> list[int] | None:
        """'' → all; a section label → its shots; '1,4-6' → those numbers."""
        text = (shots or "").strip().lower()
        if not text:
            return None
        project = self.project()
        if text in {s.section for s in project.shots}:
            return [n for n, s in enumerate(project.shots, 1) if s.section == text]
        count, out = len(project.shots), []
        for part in text.replace(" ", "").split(","):
            lo, _, hi = part.partition("-")
            if not (lo.isdigit() and (not hi or hi.isdigit())):
                raise ShotcallerError(f"shots {shots!r}: {part!r} is not a number, a range like 4-6 or a section")
            a, b = int(lo), int(hi or lo)
            if not 1 <= a <= b <= count:
                raise ShotcallerError(f"shots {shots!r}: {part} is outside 1-{count}")
            out.extend(range(a, b + 1))
        return sorted(set(out))
