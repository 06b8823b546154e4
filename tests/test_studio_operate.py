"""The studio's one path to the table of operations (`ui.operate`, `Studio.operate`): an operation added to the
table runs in the studio without a line of studio code, its shot arguments taken from the selected shot, its
typed one-line result on the status line; every plan-editing button is a row of that path, not a handler."""

import pytest
from pydantic import Field

from shotlist.operations import OPERATIONS, Operation, Result, operation
from shotlist.operations.table import ShotRef, saved_line
from test_studio_work import opened, planned, studio  # noqa: F401  (fixtures shared with the studio's work tests)
from ui.operate import CONTROLS, SELECT_FIRST, shot_fields, with_selection


@pytest.fixture
def hush():
    """A new operation, declared the way every operation of the table is, and nowhere else."""
    from shotlist.models import ShotPatch

    @operation("hush_shot")
    class HushShot(Operation):
        """Make a shot's move static and its transition a fade to black."""

        shot: ShotRef
        transition: str = Field(default="fade to black")

        def apply(self, editor) -> Result:
            n = int(self.shot)
            patch = ShotPatch.model_validate({"shot": editor.project().shots[n - 1].id,
                                              "changes": {"movement": "static", "transition": self.transition}})
            edit = editor.revise([patch])
            return Result(self.name, saved_line(edit, f"hushed shot {n}"), edit, [n])
    yield HushShot
    OPERATIONS.pop("hush_shot")


def test_a_new_table_operation_runs_in_the_studio_without_studio_code(studio, hush):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    assert shot_fields("hush_shot") == {"shot": False}
    refused = studio.operate(session, "hush_shot")
    assert not refused.ok and refused.message == SELECT_FIRST  # its shot comes from the selection
    studio.select(session, 4)
    bad = studio.operate(session, "hush_shot", {"colour": "red"})
    assert not bad.ok and bad.message.startswith("⚠ hush shot:") and "colour" in bad.message and "\n" not in bad.message
    assert studio.project(session).version == before.version

    done = studio.operate(session, "hush_shot")
    after = studio.project(session)
    assert done.ok and done.message == f"Hushed shot 4; version {before.version + 1}.", done.message
    assert after.shots[3].transition == "fade to black" and after.shots[3].movement == "static"
    assert [s.model_dump(exclude={"critique"}) for k, s in enumerate(after.shots) if k != 3] == [
        s.model_dump(exclude={"critique"}) for k, s in enumerate(before.shots) if k != 3]  # the critic re-reads all
    assert session.version == after.version and studio.store.history(after.id)[-1] [0] == after.version

    named = studio.operate(session, "hush_shot", {"shot": "2", "transition": "crossfade"})  # a form may name it
    assert named.ok and studio.project(session).shots[1].transition == "crossfade"
    assert session.selected_shot == 4  # kept: no follow given


def test_a_question_answers_on_the_status_line_and_saves_nothing(studio):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    studio.select(session, 3)
    answer = studio.operate(session, "why_generative")
    assert answer.ok and "shot 3" in answer.message.lower(), answer.message
    assert studio.project(session).version == before.version == session.version


def test_unknown_operation_and_no_project_are_one_line(studio):  # noqa: F811
    from ui.session import Session

    assert studio.operate(Session(), "split_shot").message == "No project open."
    session = opened(studio)
    unknown = studio.operate(session, "make_it_pop")
    assert not unknown.ok and "unknown operation 'make_it_pop'" in unknown.message and "split_shot" in unknown.message


def test_every_plan_editing_button_is_an_operation_of_the_table():
    for control in CONTROLS.values():
        assert control.operation in OPERATIONS, control
    # the hand-written handlers the table replaced are gone from the studio
    from ui.handlers import Studio

    for gone in ("split_selected", "merge_selected", "lock", "pick", "step", "revert", "rename"):
        assert not hasattr(Studio, gone), gone


def test_the_selection_fills_only_required_shot_arguments():
    assert with_selection("swap_shots", {"second": "4"}, 2) == {"first": "2", "second": "4"}
    assert with_selection("delete_shots", {}, 5) == {"shots": ["5"]}
    assert with_selection("lock_shots", {"shots": ["3-5"]}, 9) == {"shots": ["3-5"]}
    assert with_selection("insert_shot", {"words": "rain"}, 3) == {"words": "rain"}  # where is optional: not guessed
    assert with_selection("undo", {}, None) == {}
    assert with_selection("split_shot", {}, None) == SELECT_FIRST


def test_rename_is_the_table_operation_and_an_empty_title_is_one_line(studio):  # noqa: F811
    from ui.operate import press

    session = opened(studio)
    before = studio.project(session)
    empty = press(studio, session, "rename_btn", "   ")
    assert not empty.ok and empty.message == "Type the project's new title first."
    done = press(studio, session, "rename_btn", "  Fog Shirt  ")
    after = studio.project(session)
    assert done.ok and after.title == "Fog Shirt" and after.id == before.id and after.version == before.version + 1
    assert done.message == f"Renamed {after.id} to 'Fog Shirt'; version {after.version}.", done.message
    assert [s.model_dump() for s in after.shots] == [s.model_dump() for s in before.shots]
