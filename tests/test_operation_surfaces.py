"""The LangChain tools, the MCP tools and the CLI subcommands are generated from the operations table:
each operation appears on every surface with the table's description and fields, and calling it there
does what the operation does (one named version)."""

from __future__ import annotations

import inspect

import pytest

from assistant.agent import langchain_tools
from assistant.tools import ProjectTools
from planned import planned_project
from shotlist.operations import OPERATIONS
from shotlist.store import ProjectStore
from ui.cli import build_parser, main
from ui.mcp import make_tools

CLI_KEPT = {"lock_shots", "merge_shots", "split_shot", "revise_shots", "pick_take", "render", "export", "undo", "redo",
            "set_tempo"}  # set_tempo is `shotcaller regrid --bpm N|--double|--halve|--shift-half`
NESTED = {"replace_pictures", "propose_shot_list"}  # a required field is a list of models: LLM and MCP only


@pytest.fixture
def home_project(tmp_path):
    return planned_project(tmp_path, ProjectStore())  # the default store: the CLI's


def test_every_operation_is_a_langchain_tool_with_the_tables_schema(home_project):
    store, pid = home_project
    tools = {t.name: t for t in langchain_tools(ProjectTools(store, pid, run_critic=False), [False])}
    assert {"update_brief", "update_style", "propose_shot_list", "show_shots", "critique"} <= set(OPERATIONS)
    assert set(tools) == set(OPERATIONS)  # no tool is written by hand beside the table
    for name, cls in OPERATIONS.items():
        assert tools[name].description == cls.description() and tools[name].args_schema is cls
    out = tools["swap_shots"].invoke({"first": 3, "second": "4"})
    assert out.startswith("swapped the pictures of shots 3 and 4; version") and \
        store.history(pid)[-1][1] == "swap 3 ↔ 4"
    assert tools["delete_shots"].invoke({"shots": ["999"]}).startswith("error: there is no shot 999")


def test_every_operation_is_an_mcp_tool_typed_from_its_fields(home_project):
    store, pid = home_project
    served = {f.__name__: f for f in make_tools(store)}
    for name, cls in OPERATIONS.items():
        fn = served[name]
        params = list(inspect.signature(fn).parameters)
        assert params == ["project", *cls.model_fields] and fn.__doc__.startswith(cls.description())
    assert set(served) == {"list_projects", *OPERATIONS}
    out = served["insert_shot"](pid, "the empty chair", None, None, "last chorus")
    assert out.startswith("added shot") and store.history(pid)[-1][1] == "insert before the last chorus"


def test_operations_with_plain_fields_are_cli_subcommands(home_project, capsys):
    store, pid = home_project
    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here
    for name in OPERATIONS:
        if name not in CLI_KEPT | NESTED:
            assert name.replace("_", "-") in commands, name
    assert main(["move-shot", pid, "--shot", "6", "--before", "3"]) == 0
    assert capsys.readouterr().out.startswith("moved shot 6's picture before shot 3; version")
    assert main(["set-rule", pid, "--rule", "no dutch angles"]) == 0
    assert not [s for s in store.load(pid).shots if s.angle == "dutch"]
    assert main(["change-look", pid, "--shots", "2", "--looks", "colder", "darker"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Made shot 2 colder and darker (cold blue light")
    assert main(["update-brief", pid, "--meaning", "a house kept ready", "--motifs", "kettle", "coat"]) == 0
    assert store.load(pid).brief.motifs == ["kettle", "coat"] and "brief updated" in capsys.readouterr().out
    assert main(["show-shots", pid, "--shots", "2"]) == 0 and '"index": 2' in capsys.readouterr().out
    assert main(["delete-shots", pid, "--shots", "1-40"]) == 2
    assert "no shot" in capsys.readouterr().err
