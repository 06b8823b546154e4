"""The director's tools as an adapter over the project editor: what the model reads (schemas,
docstrings, short results) and the guarantees it cannot get around (no silent re-plan, locks)."""

from __future__ import annotations

import json

import pytest

from assistant.agent import langchain_tools
from assistant.session import local_renderer, open_director
from assistant.tools import ProjectTools
from evals.scripted_openai import ScriptedOpenAI, Step
from helpers import even_shots
from shotlist.errors import PlanExists, ShotcallerError
from shotlist.models import Brief, Shot, ShotPatch
from shotlist.operations import OPERATIONS
from shotlist.song import analyse_song
from shotlist.store import ProjectStore

BRIEF = {"meaning": "a clock that forgets its hours", "why_generative": "hours melting off a dial cannot be filmed"}


@pytest.fixture
def planned(click_wav):
    path, _, _ = click_wav
    store = ProjectStore()
    pid = store.create(path, analyse_song, title="Click Song").id
    tools = ProjectTools(store, pid, run_critic=False)
    tools.update_brief(**BRIEF)
    tools.propose_shot_list(even_shots(store.load(pid).song.duration, 6))
    return store, pid, tools


def by_name(tools, force_plan=None):
    return {t.name: t for t in langchain_tools(tools, force_plan or [False])}


def test_results_are_short_lines_from_the_editor(planned):
    store, pid, tools = planned
    assert tools.revise_shots([ShotPatch(shot="3", changes={"subject": "a melting clock"})]) == \
        f"revised shots 3; version {store.load(pid).version}"
    assert tools.revise_shots([{"shot": "4", "changes": {"subject": "a dial"}}]).startswith("revised shots 4;")
    assert tools.lock_shots(["2", "5"]).startswith("locked shots 2, 5; version")
    assert tools.lock_shots(["2"]).startswith("no change (already locked)")
    with pytest.raises(ShotcallerError, match="shot 2 is locked: unlock it first"):
        tools.revise_shots([ShotPatch(shot="2", changes={"prompt": "x"})])
    assert tools.split_shot("1", store.load(pid).shots[0].end - 0.5).startswith("split shot 1 at")
    assert tools.merge_shots("1", "2").startswith("merged shots 1-2; 6 shots")
    assert tools.update_brief(feeling="uneasy") .startswith("brief updated (feeling)")
    assert tools.undo().startswith("back to version")
    assert tools.redo().startswith("forward to version")
    shown = json.loads(tools.show_shots(["3"]))
    assert shown[0]["subject"] == "a melting clock" and shown[0]["index"] == 3


def test_a_whole_list_over_a_plan_needs_replan(planned):
    store, pid, tools = planned
    version = store.load(pid).version
    with pytest.raises(PlanExists, match="re-plan"):
        tools.propose_shot_list(even_shots(store.load(pid).song.duration, 3))
    lc = by_name(tools)
    drafts = [{"start": 0.0, "subject": "one"}, {"start": 8.0, "subject": "two"}]
    refused = lc["propose_shot_list"].invoke({"shots": drafts})
    assert refused.startswith("error:") and "set replan=true only if the artist asked" in refused
    assert store.load(pid).version == version
    # the model's own replan=true is not the artist asking: refused unless the artist's message asked
    assert "has not asked to re-plan" in lc["propose_shot_list"].invoke({"shots": drafts, "replan": True})
    assert store.load(pid).version == version
    asked = {t.name: t for t in langchain_tools(tools, [False], [True])}
    assert asked["propose_shot_list"].invoke({"shots": drafts, "replan": True}).startswith("shot list saved: 2 shots")
    # /plan is the artist asking: the forced plan goes through without the flag
    forced = by_name(tools, [True])["propose_shot_list"].invoke({"shots": drafts + [{"start": 12.0}]})
    assert forced.startswith("shot list saved: 3 shots")


def test_the_tool_schemas_are_the_domain_models(planned):
    _, _, tools = planned
    lc = by_name(tools)
    revise = lc["revise_shots"].tool_call_schema.model_json_schema()
    changes = revise["$defs"]["ShotChanges"]["properties"]
    assert set(changes) == set(Shot.model_fields) - {"id", "index", "takes", "picked_take", "locked", "critique",
                                                     "prompt_drift"}  # the editor sets the drift flag
    assert changes["movement"]["enum"][1] == "push in"
    assert changes["reason"]["description"] == Shot.model_fields["reason"].description
    propose = lc["propose_shot_list"].tool_call_schema.model_json_schema()
    assert propose["properties"]["replan"]["type"] == "boolean"
    assert "only when the artist asked to re-plan" in propose["properties"]["replan"]["description"]
    for name, tool in lc.items():  # the description the model reads: the operation's (table) or the tool's docstring
        doc = OPERATIONS[name].description() if name in OPERATIONS else " ".join(getattr(tools, name).__doc__.split())
        assert tool.description == doc, name
    with pytest.raises(ValueError, match="changes.takes\n  Extra inputs are not permitted"):
        lc["revise_shots"].invoke({"patches": [{"shot": "1", "changes": {"takes": []}}]})


def test_renderer_and_critic_are_injected(planned):
    store, pid, tools = planned
    with pytest.raises(ShotcallerError, match="no renderer"):
        tools.render("1")
    store.save(store.load(pid).model_copy(update={"brief": Brief.model_validate(
        store.load(pid).brief.model_dump() | {"constraints": {"resolution": "160x90", "fps": 12}})}))
    rendering = ProjectTools(store, pid, run_critic=False, renderer=local_renderer(store))
    out = rendering.render("1")
    assert out.startswith("rendered 1, 0 unchanged from the cache") and "the cut:" in out
    assert store.load(pid).shots[0].takes[0].status == "done"
    with pytest.raises(ShotcallerError, match="there is no shot 9: the plan has shots 1-6"):
        rendering.render("9")
    seen = []

    def review(project):
        seen.append(project.version)
        return project

    ProjectTools(store, pid, review=review).revise_shots([ShotPatch(shot="6", changes={"lens": "85mm"})])
    assert seen == [store.load(pid).version - 1]


def test_the_agent_cannot_replan_after_a_revision_request(planned, monkeypatch):
    store, pid, _ = planned
    before = store.load(pid)
    with ScriptedOpenAI() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("SHOTCALLER_LLM_RETRIES", "1")
        server.push(Step.call("propose_shot_list", {"shots": [{"start": 0, "subject": "all new"}]}),
                    Step.call("revise_shots", {"patches": [{"shot": 3, "changes": {"mood": "dark"}}]}),
                    Step.call("revise_shots", {"patches": [{"shot": 3, "changes": {"prompt": "darker, lit by one bulb"}}]}),
                    Step.text("Shot 3 is darker."))
        director = open_director(store, pid, "openai:scripted")
        replies = list(director.turn("make shot 3 darker"))
        read = [m["content"] for m in server.requests[-1]["messages"] if m["role"] == "tool"]
    assert "Nothing was changed" in read[0] and "set replan=true only if the artist asked" in read[0]
    assert "mood" in read[1] and "Extra inputs are not permitted" in read[1]
    assert read[2].startswith("revised shots 3;") and replies[-1].text == "Shot 3 is darker."
    after = store.load(pid)
    assert [s.id for s in after.shots] == [s.id for s in before.shots]
    changed = [n for n, (a, b) in enumerate(zip(before.shots, after.shots), 1)
               if a.model_dump(exclude={"critique"}) != b.model_dump(exclude={"critique"})]
    assert changed == [3] and after.shots[2].prompt == "darker, lit by one bulb"
