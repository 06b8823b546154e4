"""How small models misbehave, one scripted-server case each, through the real openai client, the real
LangChain agent and the repair middleware (assistant/repair.py): repaired where possible, otherwise
asked again, otherwise one clear error with nothing recorded, so the turn can simply be sent again."""

import json

import pytest

from assistant.repair import VisibleText, calls_in_text, fix_names, lenient_args, strip_thinking
from assistant.session import open_director
from evals.scripted_openai import Step
from helpers import scripted_openai
from shotlist.errors import ShotcallerError

MEANING = "a lover asks for impossible tasks"


@pytest.fixture
def project(chaos_god):
    return chaos_god


@pytest.fixture
def server(monkeypatch):
    with scripted_openai(monkeypatch, key="sk-test", retries=0, timeout=5) as srv:
        yield srv


def turn(director, text):
    replies = list(director.turn(text))
    shown = "".join(r.text for r in replies if not r.final)
    return replies[-1], shown


def said_to_model(server) -> str:
    return json.dumps([m for r in server.requests for m in r["messages"] if m["role"] == "user"])


@pytest.mark.parametrize("style", ["tag", "fence", "bare"])
def test_a_tool_call_written_as_text_becomes_a_tool_call(project, server, style):
    store, pid = project
    server.push(Step.call_as_text("update_brief", {"meaning": MEANING}, style=style, prose="Noted."),
                Step.text("And why generated video?"))
    d = open_director(store, pid, "openai:scripted")
    final, shown = turn(d, "It is about a lover asking for impossible tasks.")
    assert store.load(pid).brief.meaning == MEANING
    assert any(s.startswith("update_brief: brief updated") for s in final.steps)
    assert "Noted." in final.text and "why generated video" in final.text
    for leak in ("<tool_call>", "```", '"arguments"'):  # never on screen, never in the record
        assert leak not in shown and leak not in final.text
    assert d.conversation.messages[-1].content == final.text


def test_json_with_trailing_prose_in_the_arguments_and_in_the_content(project, server):
    store, pid = project
    server.push(Step.call("update_brief", json.dumps({"meaning": MEANING}) + " I hope this helps!"),
                Step.text('{"name": "update_brief", "arguments": {"story": "a tailor stitches fog"}} Let me know!'),
                Step.text("Done."))
    d = open_director(store, pid, "openai:scripted")
    final, _ = turn(d, "go")
    brief = store.load(pid).brief
    assert (brief.meaning, brief.story) == (MEANING, "a tailor stitches fog")
    assert "Let me know!" in final.text and "Done." in final.text


def test_wrong_argument_names_are_mapped_to_the_schema(project, server):
    store, pid = project
    server.push(Step.call("Update-Brief", {"brief": {"song_meaning": MEANING, "why_generated": "fog cannot be filmed"}}),
                Step.text("Got it."))
    d = open_director(store, pid, "openai:scripted")
    turn(d, "go")
    brief = store.load(pid).brief
    assert (brief.meaning, brief.why_generative) == (MEANING, "fog cannot be filmed")
    assert any("song_meaning → meaning" in r for r in d._repair.repairs)


def test_a_missing_argument_goes_back_to_the_model_which_fixes_it(project, server):
    store, pid = project
    server.push(Step.call("update_brief", {"meaning": MEANING}),
                Step.call("lock_shots", {"locked": True}),  # `shots` is required
                Step.text("Fixed."))
    d = open_director(store, pid, "openai:scripted")
    final, _ = turn(d, "lock them")
    tool_answers = [m["content"] for r in server.requests for m in r["messages"] if m["role"] == "tool"]
    assert any("shots" in a and "required" in a.lower() for a in tool_answers), tool_answers
    assert final.text == "Fixed."


@pytest.mark.parametrize("opened", [True, False])
def test_thinking_is_dropped_from_screen_and_record(project, server, opened):
    store, pid = project
    server.push(Step.thinking("The artist wants to talk about the song. I should ask", "What is the song about?",
                              opened=opened))
    d = open_director(store, pid, "openai:scripted")
    final, shown = turn(d, "hi")
    assert final.text == "What is the song about?"
    assert "should ask" not in final.text and "think>" not in final.text
    if opened:  # with the opening tag streamed, nothing of the thought reaches the screen either
        assert shown.strip() == "What is the song about?"


def test_an_empty_reply_is_asked_again(project, server):
    store, pid = project
    server.push(Step.text(""), Step.text("What is the song about?"))
    d = open_director(store, pid, "openai:scripted")
    final, _ = turn(d, "hi")
    assert final.text == "What is the song about?"
    assert "reply was empty" in said_to_model(server)


def test_empty_replies_every_time_give_one_clear_error_and_lose_no_turn(project, server):
    store, pid = project
    server.push(Step.text(""), Step.text("   "), Step.thinking("hmm", ""))
    d = open_director(store, pid, "openai:scripted")
    with pytest.raises(ShotcallerError, match="could not give a usable answer.*nothing was lost"):
        turn(d, "hi")
    assert d.conversation.messages == []  # nothing half-recorded
    server.push(Step.text("Hello again."))
    final, _ = turn(d, "hi")  # the same message, sent again, works
    assert final.text == "Hello again." and [m.content for m in d.conversation.messages] == ["hi", "Hello again."]


def test_a_model_that_never_calls_the_plan_tool_is_reminded_then_stops_cleanly(project, server):
    store, pid = project
    server.push(*[Step.text("Here is my plan: shot 1 is fog, shot 2 is cloth.")] * 3)
    d = open_director(store, pid, "openai:scripted")
    with pytest.raises(ShotcallerError, match="could not give a usable answer.*propose_shot_list"):
        list(d.plan())
    assert "call the propose_shot_list tool now" in said_to_model(server)
    assert store.load(pid).shots == [] and d.conversation.messages == []
    duration = store.load(pid).song.duration
    shots = [{"start": 0.0, "subject": "a shirt of fog"}, {"start": duration / 2, "subject": "herbs from cloth"}]
    server.push(Step.text("Here is my plan."), Step.call("propose_shot_list", {"shots": shots}), Step.text("Done."))
    list(d.plan())  # reminded once, then it calls the tool
    assert [s.subject for s in store.load(pid).shots] == ["a shirt of fog", "herbs from cloth"]


def test_a_reply_cut_at_the_token_limit_is_continued(project, server):
    store, pid = project
    server.push(Step.cut("The chorus should open"), Step.text(" on the shirt of fog."))
    d = open_director(store, pid, "openai:scripted")
    final, _ = turn(d, "what about the chorus?")
    assert final.text == "The chorus should open on the shirt of fog."
    assert "cut at the length limit" in said_to_model(server)


def test_a_tool_call_cut_at_the_token_limit_is_asked_again_shorter(project, server):
    store, pid = project
    server.push(Step.cut(call=("update_brief", '{"meaning": "a lover asks for imp')),
                Step.call("update_brief", {"meaning": MEANING}), Step.text("Noted."))
    d = open_director(store, pid, "openai:scripted")
    final, _ = turn(d, "go")
    assert store.load(pid).brief.meaning == MEANING and final.text == "Noted."
    assert "Send it again, shorter" in said_to_model(server)


def test_the_pieces():
    assert strip_thinking("<think>a</think>b") == "b" and strip_thinking("a</think>b") == "b"
    assert strip_thinking("b <think>cut while thinking") == "b"
    assert lenient_args('```json\n{"a": 1}\n``` ok') == {"a": 1} and lenient_args("nope") is None
    calls, rest = calls_in_text('Sure. <tool_call>{"name": "undo", "arguments": {}}</tool_call> Done.')
    assert calls == [("undo", {})] and rest == "Sure. Done."
    assert calls_in_text("no call {here}") == ([], "no call {here}")
    from assistant.agent import ProposeArgs

    renamed: list[str] = []
    fixed = fix_names({"shot_list": [{"start_time": 1.0, "subject_text": "fog"}]}, ProposeArgs, renamed)
    assert fixed == {"shots": [{"start": 1.0, "subject": "fog"}]}, renamed
    v = VisibleText()
    pieces = [v.feed(c, "m1") for c in ["Hel", "lo <thi", "nk>x</think> there", " <tool", "_call>{"]]
    assert "".join(pieces) == "Hello  there " and v.feed("New", "m2") == "New"
