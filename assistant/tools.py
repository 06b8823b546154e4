"""The project tools for one project: the operations of `shotlist.operations` run through one held
`ProjectEditor` (validated, locked shots kept, the critic applied the same way, saved as a new version).

Guided and phased modes call these short methods; the LLM agent, the MCP server and the CLI get every
operation as a tool generated from the table (`assistant.agent.langchain_tools`, `ui.mcp`, `ui.cli_edit`),
with the table's descriptions and argument models. The store, the critic (`review`) and the renderer are
injected once, never built here; the editor holds the project between calls (see `ProjectEditor.project`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shotlist.editor import Edit, ProjectEditor, Renderer, Review
from shotlist.models import Project, Shot, ShotPatch
from shotlist.operations import Operation, Result, parse
from shotlist.operations.history import Redo, Undo
from shotlist.operations.output import Export, Render
from shotlist.operations.plan import Critique, ShowShots, UpdateBrief, UpdateStyle, proposed
from shotlist.operations.shots import LockShots, MergeShots, PickTake, ReviseShots, SplitShot
from shotlist.store import ProjectStore

from . import critic

__all__ = ["ProjectTools", "ShotPatch", "describe"]


def describe(edit: Edit, action: str) -> str:
    """One short line for a model or a terminal: what happened, and the version now on disk."""
    if not edit.saved:
        return f"no change ({'; '.join(edit.notes)}); version {edit.version}"
    return f"{action}; version {edit.version}"


class ProjectTools:
    """The operations on one project, over one `ProjectEditor`."""

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

    def run(self, op: Operation) -> Result:
        """Apply one operation of the table (shotlist.operations) through this project's editor."""
        return op.apply(self.editor)

    # ------------------------------------------------------------------ short forms for guided and phased modes

    def update_brief(self, **fields: Any) -> str:
        return self.run(parse(UpdateBrief.name, fields)).line  # a bad field is one ShotcallerError line

    def update_style(self, **fields: Any) -> str:
        return self.run(parse(UpdateStyle.name, fields)).line

    def propose_shot_list(self, shots: list[Shot], replan: bool = False) -> str:
        return proposed(self.editor, shots, replan).text()

    def revise_shots(self, patches: list[ShotPatch]) -> str:
        return self.run(ReviseShots(patches=[ShotPatch.model_validate(p) if isinstance(p, dict) else p
                                             for p in patches])).line

    def split_shot(self, shot: str, at: float) -> str:
        return self.run(SplitShot(shot=shot, at=at)).line

    def merge_shots(self, first: str, last: str) -> str:
        return self.run(MergeShots(first=first, last=last)).line

    def lock_shots(self, shots: list[str], locked: bool = True) -> str:
        return self.run(LockShots(shots=list(shots), locked=locked)).line

    def pick_take(self, shot: str, take: str) -> str:
        return self.run(PickTake(shot=shot, take=take)).line

    def show_shots(self, shots: list[str] | None = None) -> str:
        return self.run(ShowShots(shots=list(shots or []))).line

    def critique(self) -> str:
        return self.run(Critique()).line

    def render(self, shots: str = "", backend: str = "animatic") -> str:
        return self.run(Render(shots=shots, backend=backend)).line

    def export(self, format: str) -> str:
        return self.run(Export(format=format)).line

    def export_file(self, format: str) -> Path:
        """Write the export into the project's exports/ folder and return its path."""
        return self.editor.export(format)

    def undo(self) -> str:
        return self.run(Undo()).line

    def redo(self) -> str:
        return self.run(Redo()).line
