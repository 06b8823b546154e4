"""The studio's one path to the table of operations (`shotlist.operations`): a control names an operation and
builds its arguments from what the tab shows (the selected shot, a typed value); `Studio.operate` validates
them with the operation's own pydantic model, runs it through the tab's version-checked editor (the same
`ProjectEditor`, critic and renderer as the CLI and the tools) and shows the operation's typed one-line result.
No control is a handler of its own: a new operation in the table is runnable here as it stands, its shot
arguments filled from the selection (`with_selection`).

    studio.operate(session, "split_shot")                   # the selected shot, at its middle beat
    studio.operate(session, "swap_shots", {"second": 4})    # the selected shot's picture ↔ shot 4's
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from shotlist.models import Project
from shotlist.operations import OPERATIONS, Result
from shotlist.operations.table import ShotRef
from shotlist.shot_range import names_numbers

from .edits import Outcome

SELECT_FIRST = "Select a shot (storyboard, table or timeline) first."


def shot_fields(name: str) -> dict[str, bool]:
    """The operation's required shot arguments, each True when it takes a list of shots ("shots": ["4-6"])."""
    marks = ShotRef.__metadata__
    found = {}
    for field, info in (OPERATIONS[name].model_fields if name in OPERATIONS else {}).items():
        if not info.is_required():
            continue
        if get_args(info.annotation)[:1] == (ShotRef,):
            found[field] = True
        elif any(m is marks[0] for m in info.metadata):
            found[field] = False
    return found


def selection(project: Project | None, selected: int | None) -> int | None:
    """The selected shot when the plan still has it (a deleted or merged shot leaves a stale number)."""
    return selected if project and selected and 1 <= selected <= len(project.shots) else None


def with_selection(name: str, args: dict[str, Any], selected: int | None) -> dict[str, Any] | str:
    """`args` with every required shot argument the control left out set to the selected shot; the line
    that says to select one when one is needed and none is selected."""
    missing = {f: many for f, many in shot_fields(name).items() if args.get(f) in (None, "", [])}
    if missing and not selected:
        return SELECT_FIRST
    return args | {f: [str(selected)] if many else str(selected) for f, many in missing.items()}


def sentence(result: Result) -> str:
    """The operation's one-line wording as a status line: "Swapped the pictures of shots 3 and 4; version 9."."""
    text = result.text()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def shot_refs(typed: str) -> list[str]:
    """What the artist typed for shots ('3 to 5', '3, 5 and 7', 'the last shot', ids by spaces or commas) as
    refs the range parser reads."""
    typed = (typed or "").strip()
    return [typed] if names_numbers(typed) else [n for n in typed.replace(" ", ",").split(",") if n.strip()]


@dataclass(frozen=True)
class Control:
    """A button of the studio that runs one operation. `args(project, selected, typed)` builds its arguments
    from the project, the selected shot and the control's input (a shot argument left out is the selection),
    or returns the one line that says why the button cannot act; `follow(result, selected)` is the shot
    selected afterwards (None: none)."""

    button: str  # the component's name in `ui.studio` (`c.<button>`)
    operation: str
    doing: str  # for the status line while it runs and its one error line
    typed: str | None = None  # the input component's name, if any
    args: Callable[[Project, int | None, Any], dict[str, Any] | str] = lambda project, selected, typed: {}
    follow: Callable[[Result, int | None], int | None] = lambda result, selected: selected
    clears: bool = False  # empty the input once it is done


def _locking(locked: bool):
    return lambda project, selected, typed: {"shots": shot_refs(typed), "locked": locked}


def _merging(project: Project, n: int | None, typed: Any) -> dict[str, Any] | str:
    if n and n == len(project.shots):
        return f"Shot {n} is the last one: there is no next shot to merge it with."
    return {"last": str(n + 1)} if n else {}


def _adding(project: Project, n: int | None, typed: Any) -> dict[str, Any] | str:
    if not n:
        return SELECT_FIRST
    if not (typed or "").strip():
        return f"Type the new shot's picture in your words (\"her hands in the river\"), then add it after shot {n}."
    return {"words": typed, "after": str(n)}


def moved_to(shot: int, to: int, after: bool) -> int:
    """Where shot `shot`'s picture lands when placed before (or after) shot `to` (`shotlist.arrange.move`)."""
    return (to if to < shot else to - 1) + (1 if after else 0)


def moving(shot: int, to: int, after: bool):
    """`MoveShot`'s arguments for shot `shot`'s picture placed before (or after) shot `to`, and where the
    selection goes: the storyboard's drag and drop and the Move buttons."""
    return ({"shot": str(shot), "after" if after else "before": str(to)},
            lambda result, selected: moved_to(shot, to, after))


def _stepping(later: bool):
    def args(project: Project, n: int | None, typed: Any) -> dict[str, Any] | str:
        if not n:
            return SELECT_FIRST
        if not later and n == 1:
            return "Shot 1 is the first shot: there is no earlier place to move it to."
        if later and n == len(project.shots):
            return f"Shot {n} is the last shot: there is no later place to move it to."
        return moving(n, n + 1 if later else n - 1, later)[0]
    return args


def _stepped(later: bool):
    return lambda result, n: moved_to(n, n + 1 if later else n - 1, later) if n else None


def _new_shot(result: Result, selected: int | None) -> int | None:
    return result.shots[0] if result.shots else selected


def _titling(project: Project, n: int | None, typed: Any) -> dict[str, Any] | str:
    return {"title": typed.strip()} if (typed or "").strip() else "Type the project's new title first."


def _version(project: Project, n: int | None, typed: Any) -> dict[str, Any] | str:
    return {"version": int(typed)} if typed else "Choose the version to go back to in the list first."


# Every studio control that edits the project (the Rename, Undo and Redo of the project bar, the selected shot's panel, the
# lock row, the take picker, the history's revert): one row each, wired by `ui.wiring.Wiring.controls`.
CONTROLS = {c.button: c for c in (
    Control("rename_btn", "rename", "renaming", "title", _titling),
    Control("undo_btn", "undo", "undo"),
    Control("redo_btn", "redo", "redo"),
    Control("split_btn", "split_shot", "splitting the shot"),
    Control("merge_btn", "merge_shots", "merging the shots", args=_merging),
    Control("lock_btn", "lock_shots", "locking", "lock_numbers", _locking(True)),
    Control("unlock_btn", "lock_shots", "unlocking", "lock_numbers", _locking(False)),
    Control("pick_btn", "pick_take", "picking the take", "take", lambda p, n, typed: {"take": (typed or "").strip()}),
    Control("delete_shot", "delete_shots", "deleting the shot", follow=lambda result, selected: None),
    Control("move_earlier", "move_shot", "moving the shot", args=_stepping(False), follow=_stepped(False)),
    Control("move_later", "move_shot", "moving the shot", args=_stepping(True), follow=_stepped(True)),
    Control("add_after", "insert_shot", "adding a shot", "new_shot_words", _adding, _new_shot, clears=True),
    Control("revert_btn", "revert", "reverting", "versions", _version),
)}


def press(studio, session, button: str, typed: Any = None) -> Outcome:
    """What the button `button` does with the input `typed`: its operation, through `Studio.operate`."""
    control = CONTROLS[button]
    if not session.project:
        return Outcome(False, "No project open.")
    project = studio.project(session)
    n = selection(project, session.selected_shot)
    args = control.args(project, n, typed)
    if isinstance(args, str):
        return Outcome(False, args)
    return studio.operate(session, control.operation, args, control.doing, lambda result: control.follow(result, n))
