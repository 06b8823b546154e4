"""Undo and redo, by steps or by name ("go back to before the swap"), over the versions the store keeps."""

from __future__ import annotations

from pydantic import Field

from ..editor import ProjectEditor
from ..errors import ShotcallerError
from .table import Operation, Result, operation, saved_line


def _back_line(edit, word: str, names: list[str]) -> str:
    what = f"; {word} {'; '.join(names)}" if names else ""
    return f"{'back' if word == 'undid' else 'forward'} to version {edit.version} ({len(edit.project.shots)} shots){what}"


@operation("undo")
class Undo(Operation):
    """Undo the last change (or the last few); redo brings them back."""

    steps: int = Field(default=1, ge=1, le=50, description="How many changes to undo.")

    def apply(self, editor: ProjectEditor) -> Result:
        history = dict(editor.store.history(editor.project_id))
        names, edit = [], None
        for _ in range(self.steps):
            names.append(history.get(editor.project().version, ""))
            edit = editor.undo()
        assert edit is not None
        return Result(self.name, _back_line(edit, "undid", [n for n in names if n]), edit, edit.numbers())


@operation("redo")
class Redo(Operation):
    """Redo the change the last undo took back."""

    steps: int = Field(default=1, ge=1, le=50, description="How many undone changes to bring back.")

    def apply(self, editor: ProjectEditor) -> Result:
        history = dict(editor.store.history(editor.project_id))
        edit = None
        for _ in range(self.steps):
            edit = editor.redo()
        assert edit is not None
        return Result(self.name, _back_line(edit, "redid", [history.get(edit.version, "")] if
                                            history.get(edit.version) else []), edit, edit.numbers())


@operation("go_back_before")
class GoBackBefore(Operation):
    """Go back to how the plan was before a named change ("before the swap", "before the rule"): the newest
    change whose name holds the word; redo brings the later versions back."""

    change: str = Field(min_length=2, max_length=80, description="A word from the change's name: swap, delete, rule…")

    def apply(self, editor: ProjectEditor) -> Result:
        now = editor.project().version
        history = [(v, label) for v, label in editor.store.history(editor.project_id) if v <= now]
        word = self.change.lower().strip()
        hit = next(((v, label) for v, label in reversed(history) if word in label.lower()), None)
        if hit is None:
            names = ", ".join(dict.fromkeys(label for _, label in reversed(history) if label)) or "none recorded"
            raise ShotcallerError(f"no change named {self.change!r} in this project's history; recent: {names[:200]}")
        steps = now - hit[0] + 1
        if hit[0] - 1 < 1:
            raise ShotcallerError(f"{hit[1]!r} made the first version: there is nothing before it")
        undone = [label for v, label in history if v > hit[0] - 1 and label]
        return _go(editor, steps, hit[1], undone)


def _go(editor: ProjectEditor, steps: int, label: str, undone: list[str]) -> Result:
    edit = None
    for _ in range(steps):
        edit = editor.undo()
    assert edit is not None
    return Result("go_back_before", f"back to before {label!r}: version {edit.version}, {len(edit.project.shots)} "
                                     f"shots (undid {'; '.join(reversed(undone))})", edit, edit.numbers())


@operation("revert")
class Revert(Operation):
    """Make the plan what it was at an earlier version again, saved as one new version (undo brings back the
    present); locked shots still hold."""

    version: int = Field(ge=1, description="The version to go back to (the history lists them).")

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.revert(self.version)
        line = f"reverted to version {self.version}: saved as version {edit.version}" if edit.saved else \
            saved_line(edit, "")
        return Result(self.name, line, edit, edit.numbers())
