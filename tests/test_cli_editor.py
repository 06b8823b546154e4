"""Each `shotcaller` command builds one project editor (the critic attached once) and runs every step and
operation through it; undo, redo and rename are operations of the table, generated like the others."""

from __future__ import annotations

import pytest

from planned import planned_project
from shotlist.store import ProjectStore
from ui.cli import build_parser, main


@pytest.fixture
def project(tmp_path):
    return planned_project(tmp_path, ProjectStore())  # the store the CLI opens (SHOTCALLER_HOME)



def test_a_command_of_several_steps_builds_one_editor(project, built, capsys):
    store, pid = project
    built.clear()
    assert main(["sections", pid, "rename", "1", "opening"]) == 0
    assert len(built) == 1 and "opening" in capsys.readouterr().out


def test_undo_redo_and_rename_are_generated_from_the_table(project, built, capsys):
    from shotlist.operations import OPERATIONS

    store, pid = project
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in ("undo", "redo", "rename"):
        assert name in OPERATIONS and sub.choices[name].get_default("op_name") == name
    v = store.load(pid).version
    assert main(["rename", pid, "Porch Light, Live"]) == 0
    assert "'Porch Light, Live'" in capsys.readouterr().out and store.load(pid).version == v + 1
    assert main(["undo", pid]) == 0 and f"version {v}" in capsys.readouterr().out
    assert store.load(pid).title == "Porch Light"
    assert main(["redo", pid]) == 0 and f"version {v + 1}" in capsys.readouterr().out
    assert main(["undo", pid, "--steps", "2"]) == 0 and store.load(pid).version == v - 1
    assert main(["rename", pid, "   "]) == 2 and "title" in capsys.readouterr().err
