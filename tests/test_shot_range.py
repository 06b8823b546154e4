"""The one shot-range parser, and the three surfaces that read shot numbers through it."""

from __future__ import annotations

import pytest

from assistant.targets import resolve
from helpers import planned_song
from shotlist.editor import ProjectEditor
from shotlist.errors import ShotcallerError
from shotlist.shot_range import expand, numbers_said, shot_numbers
from shotlist.store import ProjectStore


@pytest.fixture
def planned_project(click_wav):
    store = ProjectStore()
    return store, store.load(planned_song(store, click_wav[0], 8))


@pytest.mark.parametrize("text, numbers", [
    ("3", [3]), ("#3", [3]), ("shot 3", [3]),
    ("3-5", [3, 4, 5]), ("3–5", [3, 4, 5]), ("3 to 5", [3, 4, 5]), ("3 through 5", [3, 4, 5]), ("shots 3-5", [3, 4, 5]),
    ("5 to 3", [3, 4, 5]),
    ("3, 5 and 7", [3, 5, 7]), ("3,5,7", [3, 5, 7]), ("1,4-6", [1, 4, 5, 6]), ("7, 3 & 3", [3, 7]),
    ("the last shot", [29]), ("last", [29]), ("the final one", [29]), ("27-last", [27, 28, 29]),
    ("27 to the end", [27, 28, 29]), ("the first shot", [1]), ("first and last", [1, 29]),
])
def test_reads_what_people_type(text, numbers):
    assert shot_numbers(text, 29) == numbers


@pytest.mark.parametrize("text, message", [
    ("20-40", "there are no shots 30-40: the plan has shots 1-29"),
    ("31", "there is no shot 31: the plan has shots 1-29"),
    ("0", "there is no shot 0: the plan has shots 1-29"),
    ("3, 31 and 40", "there are no shots 31, 40: the plan has shots 1-29"),
    ("x", "'x' is not a shot number"),
    ("3-", "'3-' is not a shot number"),
    ("", "name the shots by number"),
])
def test_one_clear_error(text, message):
    with pytest.raises(ShotcallerError, match=message):
        shot_numbers(text, 29)


def test_numbers_said_keep_order_and_ids_pass_through():
    assert numbers_said("7, 3-4") == [7, 3, 4]
    assert expand(["3", "s-1a2b", "5-7", "last"], 29) == ["3", "s-1a2b", "5", "6", "7", "29"]
    with pytest.raises(ShotcallerError, match="no shots 30-40"):  # a range past the end is not read as an id
        expand(["20-40"], 29)


def test_the_cli_the_operations_and_the_assistant_read_the_same(planned_project, capsys):
    """'3 to 5' and a range past the end mean the same to the CLI's render, an operation's shot list and a
    request typed to the director."""
    from shotlist.operations.shots import LockShots
    from ui.cli import main

    store, project = planned_project
    count = len(project.shots)
    assert resolve("make shots 3 to 5 colder", project).shots == [3, 4, 5]
    assert resolve(f"make shots 3 to {count + 5} colder", project).problem.startswith(
        f"There is no shot {count + 1}-{count + 5}: this plan has shots 1–{count}")
    result = LockShots(shots=["3 to 5"]).apply(ProjectEditor(store, project.id))
    assert [n for n, s in enumerate(store.load(project.id).shots, 1) if s.locked] == [3, 4, 5], result.line
    with pytest.raises(ShotcallerError, match=f"no shots {count + 1}-{count + 5}"):
        LockShots(shots=[f"3-{count + 5}"]).apply(ProjectEditor(store, project.id))
    assert main(["render", project.id, "--shots", f"3 to {count + 5}"]) == 2
    assert f"no shots {count + 1}-{count + 5}: the plan has shots 1-{count}" in capsys.readouterr().err


def test_the_studio_lock_box_reads_ranges_too(planned_project):
    from ui.handlers import Studio
    from ui.operate import press
    from ui.session import Session

    store, project = planned_project
    studio = Studio(store)
    session, _ = studio.open(Session(), project.id)
    assert press(studio, session, "lock_btn", "3 to 5").message.startswith("Locked shots 3, 4, 5")
    assert press(studio, session, "lock_btn", "the last shot").message.startswith(f"Locked shot {len(project.shots)};")
    past = press(studio, session, "lock_btn", f"6-{len(project.shots) + 2}")
    assert not past.ok and f"no shots {len(project.shots) + 1}-{len(project.shots) + 2}" in past.message
