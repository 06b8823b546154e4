"""Guided mode's look, size, timing and replace requests are typed operations of the table: read into
typed operations, run as one version each (one undo step, named in the history), answered from the typed
result's own wording; and guided mode holds its project in memory, reading it again only when the file
changed under it."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.guided import GuidedDirector
from assistant.revisions import read_revision
from assistant.tools import ProjectTools
from planned import planned_project
from shotlist.errors import ShotcallerError
from shotlist.operations import Operations, parse
from shotlist.operations.looks import ChangeFraming, ChangeLook, ChangeShots, Picture, ReplacePictures
from shotlist.operations.retime import RetimeShots
from shotlist.operations.shots import LockShots
from shotlist.store import ProjectStore


@pytest.fixture
def planned(tmp_path):
    return planned_project(tmp_path)


@pytest.fixture
def director(planned):
    store, pid = planned
    return GuidedDirector(ProjectTools(store, pid, run_critic=False), Conversation(store.folder(pid) / "chat.jsonl"))


def reply(d: GuidedDirector, text: str, selected: int | None = None):
    out = list(d.turn(text, selected_shot=selected))
    return out[-1]


@pytest.mark.parametrize("text,expected", [
    ("make shot 3 colder", [ChangeLook(shots=["3"], looks=["colder"])]),
    ("shots 2-4 warmer and darker", [ChangeLook(shots=["2", "3", "4"], looks=["warmer", "darker"])]),
    ("give shot 6 a teal palette", [ChangeLook(shots=["6"], palette=["teal"])]),
    ("more contrast on shot 5", [ChangeLook(shots=["5"], contrast="more")]),
    ("shot 9 closer please", [ChangeFraming(shots=["9"], direction="closer")]),
    ("make shot 4 longer", [RetimeShots(shots=["4"], longer=True)]),
    ("make shot 5 darker and closer", [ChangeShots(shots=["5"], looks=["darker"], direction="closer")]),
    ("make shot 5 darker and lock it", [ChangeShots(shots=["5"], looks=["darker"], lock=["5"])]),  # one version
    ("lock shot 3", [LockShots(shots=["3"])]),
])
def test_requests_read_as_typed_operations(planned, text, expected):
    store, pid = planned
    assert read_revision(store.load(pid), text).ops == expected


def test_replace_from_the_material_is_typed_pictures(planned):
    store, pid = planned
    store.save(store.load(pid).model_copy(update={"brief": store.load(pid).brief.model_copy(
        update={"motifs": ["a kettle that boils over into stars", "a coat made of rain"]})}))
    ops = read_revision(store.load(pid), "replace shot 7").ops
    assert len(ops) == 1 and isinstance(ops[0], ReplacePictures) and ops[0].shots == ["7"]
    assert all(isinstance(p, Picture) and p.subject for p in ops[0].pictures)


def test_a_look_is_one_named_version_with_a_typed_result(planned):
    store, pid = planned
    before = store.load(pid)
    result = Operations(store).run(pid, ChangeLook(shots=["7-9"], looks=["colder"], palette=["teal"]))
    after = store.load(pid)
    assert result.changed and result.shots == [7, 8, 9] and result.edit.version == before.version + 1
    assert result.line.startswith("Made shots 7, 8, 9 colder (cold blue light") and "teal palette" in result.line
    assert "no other shot changed" in result.line
    assert store.history(pid)[-1] == (after.version, "colder teal 7-9")
    assert [n for n, (a, b) in enumerate(zip(before.shots, after.shots), 1) if a != b] == [7, 8, 9]
    assert all(s.warmth < 0 and s.palette == ["teal"] and "Light: cold blue" in s.prompt for s in after.shots[6:9])


def test_several_changes_and_timing_are_one_version_and_one_undo(director):
    """On the old path "darker and longer" saved two versions and a run of shots one per run: one undo undid
    half of it."""
    store, pid = director.tools.store, director.tools.project_id
    before = store.load(pid)
    r = reply(director, "make shots 3, 4 and 9, 10 darker and longer")
    after = store.load(pid)
    assert after.version == before.version + 1, r.text
    assert r.steps == ["change_shots"] and "darker" in store.history(pid)[-1][1]
    assert all(s.brightness < 0 for s in (after.shots[2], after.shots[3]))
    assert after.shots[3].end > before.shots[3].end  # the run ends later: its cut moved into the free neighbour
    reply(director, "undo")
    assert store.load(pid).shots == before.shots


def test_framing_and_retiming_results(planned):
    store, pid = planned
    ops = Operations(store)
    wider = ops.run(pid, ChangeFraming(shots=["2"], direction="closer"))  # planned shot 2 is a close-up
    assert wider.line.startswith("Made shot 2 closer: now extreme close-up")
    longer = ops.run(pid, RetimeShots(shots=["5"], longer=True))
    project = store.load(pid)
    assert longer.shots == [5, 6] and "now ends at" in longer.line and project.shots[4].end in project.song.bars
    assert store.history(pid)[-1][1] == "longer 5"


def test_locked_shots_are_left_out_and_all_locked_is_refused(planned):
    store, pid = planned
    ops = Operations(store)
    ops.run(pid, LockShots(shots=["3"]))
    result = ops.run(pid, ChangeLook(shots=["3", "4"], looks=["darker"]))
    assert result.shots == [4] and "left locked shot 3 as it is" in result.notes
    with pytest.raises(ShotcallerError, match="shot 3 is locked"):
        ops.run(pid, ChangeLook(shots=["3"], looks=["darker"]))
    with pytest.raises(ShotcallerError, match="change_look: .*mauve"):
        parse("change_look", {"shots": ["4"], "palette": ["mauve"]})


def test_guided_holds_the_project_instead_of_reading_it_after_every_call(director, monkeypatch):
    store, pid = director.tools.store, director.tools.project_id
    director.tools.project()  # read once when the session opens
    reads = []
    load = ProjectStore.load
    monkeypatch.setattr(ProjectStore, "load", lambda self, ref: reads.append(ref) or load(self, ref))
    for text in ("make shot 3 colder", "shot 5 wider", "swap shots 3 and 4", "make shot 6 longer", "undo"):
        reply(director, text)
    assert reads == []  # every edit was saved by this editor: nothing to read back
    other = ProjectStore(store.root)  # a change elsewhere (another window, the CLI) is noticed
    other.save(other.load(pid).model_copy(update={"title": "Changed Elsewhere"}))
    reads.clear()
    assert director.tools.project().title == "Changed Elsewhere" and len(reads) == 1
    director.tools.project()
    assert len(reads) == 1


def test_a_new_operation_in_one_place_reaches_every_surface(planned, capsys):
    """`set_size` is one class in shotlist/operations/looks.py: the LangChain tool, the MCP tool and the CLI
    subcommand come from the table, and each is one named version changing only the shots named."""
    from assistant.agent import langchain_tools
    from shotlist.operations import OPERATIONS
    from shotlist.operations.looks import SetSize
    from ui.mcp import make_tools

    store, pid = planned
    assert OPERATIONS["set_size"] is SetSize
    lc = {t.name: t for t in langchain_tools(ProjectTools(store, pid, run_critic=False), [False])}["set_size"]
    assert lc.args_schema is SetSize and "close-up" in lc.tool_call_schema.model_json_schema()["properties"]["size"]["enum"]
    before = store.load(pid)
    assert lc.invoke({"shots": ["5"], "size": "close-up"}).startswith("Made shot 5 close-up; no other shot changed")
    after = store.load(pid)
    assert after.shots[4].shot_size == "close-up" and after.shots[4].prompt.startswith("close-up shot")
    assert [n for n, (a, b) in enumerate(zip(before.shots, after.shots), 1) if a != b] == [5]
    assert store.history(pid)[-1] == (after.version, "close-up 5")
    served = {f.__name__: f for f in make_tools(store)}["set_size"]
    assert served(pid, ["6"], "wide").startswith("Made shot 6 wide")
    banned = before.brief.constraints.model_copy(update={"banned_sizes": ["extreme close-up"]})
    store.save(store.load(pid).model_copy(update={"brief": before.brief.model_copy(update={"constraints": banned})}))
    with pytest.raises(ShotcallerError, match="bans extreme close-up shots"):
        Operations(store).run(pid, SetSize(shots=["2"], size="extreme close-up"))
    with pytest.raises(ShotcallerError, match="set_size: size"):
        parse("set_size", {"shots": ["2"], "size": "huge"})


def test_the_new_operation_is_a_cli_subcommand(tmp_path, capsys):
    from ui.cli import main

    store, pid = planned_project(tmp_path, ProjectStore())  # the CLI's default store
    assert main(["set-size", pid, "--shots", "3", "--size", "medium"]) == 0
    assert capsys.readouterr().out.startswith("Made shot 3 medium") and store.load(pid).shots[2].shot_size == "medium"
    with pytest.raises(SystemExit):  # argparse: one line listing the sizes
        main(["set-size", pid, "--shots", "3", "--size", "huge"])
    assert "invalid choice: 'huge' (choose from 'extreme wide'" in capsys.readouterr().err
