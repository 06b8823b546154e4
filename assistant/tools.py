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
from shotlist.models import Project, Shot, ShotPatch
from shotlist.operations import Operation, Result
from shotlist.operations.history import Redo, Undo
from shotlist.operations.output import Export, Render
from shotlist.operations.shots import LockShots, MergeShots, PickTake, ReviseShots, SplitShot
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
        kept = "".join(f"; {n}" for n in edit.notes if n.startswith("kept"))
        return (f"shot list saved: {len(edit.project.shots)} shots, version {edit.version}{kept}\n"
                + critic.summary(edit.project))

    def run(self, op: Operation) -> Result:
        """Apply one operation of the table (shotlist.operations) through this project's editor."""
        return op.apply(self.editor)

    def revise_shots(self, patches: list[ShotPatch]) -> str:
        """Change named shots only; every other shot keeps its id, seed, takes and content. Locked shots
        are refused; moving a cut moves the neighbour's matching cut."""
        return self.run(ReviseShots(patches=[ShotPatch.model_validate(p) if isinstance(p, dict) else p
                                             for p in patches])).line

    def split_shot(self, shot: str, at: float) -> str:
        """Split a shot in two at a time in seconds (snapped to the nearest beat)."""
        return self.run(SplitShot(shot=shot, at=at)).line

    def merge_shots(self, first: str, last: str) -> str:
        """Merge shots first..last into the first one."""
        return self.run(MergeShots(first=first, last=last)).line

    def lock_shots(self, shots: list[str], locked: bool = True) -> str:
        """Lock shots (nothing changes them until they are unlocked), or unlock them with locked=false."""
        return self.run(LockShots(shots=list(shots), locked=locked)).line

    def pick_take(self, shot: str, take: str) -> str:
        """Choose which rendered take of a shot the cut uses (take ids look like t1, t2)."""
        return self.run(PickTake(shot=shot, take=take)).line

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
        return self.run(Render(shots=shots, backend=backend)).line

    def export(self, format: str) -> str:
        """Export the shot list (json, csv, otio, edl, fcpxml, fcp7xml, pdf, srt, md) into the project's exports/."""
        return self.run(Export(format=format)).line

    def export_file(self, format: str) -> Path:
        """Write the export into the project's exports/ folder and return its path."""
        return self.editor.export(format)

    def undo(self) -> str:
        """Undo the last change to the project."""
        return self.run(Undo()).line

    def redo(self) -> str:
        """Redo the change the last undo took back."""
        return self.run(Redo()).line

    def registry(self) -> dict[str, Callable[..., str]]:
        """Tools by name."""
        return {name: getattr(self, name) for name in (
            "update_brief", "update_style", "propose_shot_list", "revise_shots", "split_shot",
            "merge_shots", "lock_shots", "pick_take", "show_shots", "critique", "render", "export", "undo", "redo")}
