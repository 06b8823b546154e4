"""The phased director against the scripted OpenAI server (a server that ignores `response_format`, as
the repair middleware's servers do): each phase's request carries its JSON schema; replies are read,
validated and applied; bad replies are one clear line and change nothing."""

from __future__ import annotations

import json
import re

import pytest

from assistant.conversation import Conversation
from assistant.llm import Provider
from assistant.phased import PhasedDirector
from assistant.phases import REVISION_OPERATIONS, SECTION_SLOTS, parts, sections_of
from assistant.session import director_kind
from assistant.tools import ProjectTools
from evals.scripted_openai import ScriptedOpenAI, Step
from shotlist.errors import ShotcallerError

ANSWERS = ["It is about a lover who asks for impossible tasks.", "A tailor stitches a shirt out of fog.",
           "fog; needles; a well", "aching, cold blue light", "no camera can stitch fog", "16:9, no faces"]
TOPICS = ["meaning", "story", "motifs", "feeling", "why_generative", "constraints"]


def schema_name(request: dict) -> str:
    return request.get("response_format", {}).get("json_schema", {}).get("name", "")


def words(i: int) -> dict:
    return {"subject": f"a fog tailor {i}", "action": f"stitches seam {i} of a shirt", "setting": f"a well at dusk {i}",
            "reason": f"the impossible task of line {i}",
            "why": f"fog cannot be sewn on a set {i}"}


def obedient(revision: dict | None = None):
    """A model that answers each phase's schema with valid, distinct content."""
    state = {"answer": 0, "shot": 0}

    def reply(request: dict) -> Step:
        name = schema_name(request)
        if name == "Filed":
            i = state["answer"]
            state["answer"] += 1
            return Step.text(json.dumps({"topic": TOPICS[i % 6], "corrects": False}))
        if name == "SectionShots":
            n = request["response_format"]["json_schema"]["schema"]["properties"]["shots"]["minItems"]
            out = []
            for _ in range(n):
                state["shot"] += 1
                out.append(words(state["shot"]))
            return Step.text(json.dumps({"shots": out}))
        if name == "Revision":
            return Step.text(json.dumps(revision or {}))
        return Step.text("no schema?")
    return reply


def director(chaos_god, server: ScriptedOpenAI) -> PhasedDirector:
    store, pid = chaos_god
    provider = Provider("openai", "scripted", server.url, "x", timeout=10, max_retries=0)
    return PhasedDirector(ProjectTools(store, pid), Conversation(store.folder(pid) / "chat.jsonl"), provider)


def starts_of_sections(shots) -> list[int]:
    return [i for i, s in enumerate(shots) if i == 0 or shots[i - 1].section != s.section]


def run(director_turn) -> list:
    return list(director_turn)


def planned(chaos_god, server) -> PhasedDirector:
    d = director(chaos_god, server)
    d.opening()
    for a in ANSWERS:
        run(d.turn(a))
    return d


def test_the_interview_files_each_answer_in_the_artists_words_and_asks_the_next_question(chaos_god):
    store, pid = chaos_god
    with ScriptedOpenAI(obedient()) as server:
        d = director(chaos_god, server)
        assert d.opening() is not None and not server.requests  # the first question needs no model
        replies = run(d.turn(ANSWERS[0]))
        assert replies[-1].text == d.questions["story"]
        assert store.load(pid).brief.meaning == ANSWERS[0]
        sent = server.requests[0]
        assert schema_name(sent) == "Filed" and "tools" not in sent
        # the model only says where the answer goes: a few tokens out, whatever the answer's length
        properties = sent["response_format"]["json_schema"]["schema"]["properties"]
        assert set(properties) == {"topic", "corrects"} and properties["topic"]["enum"] == TOPICS
        assert sent["messages"][-1]["content"] == f"You asked: {d.questions['meaning']}\n" \
                                                  f"The artist answered: {ANSWERS[0]}"
        assert len(d.conversation.messages[0].content) > len(d.questions["meaning"]) + 40  # the greeting is left out


def test_an_answer_the_model_files_under_another_topic_leaves_the_asked_one_open(chaos_god):
    store, pid = chaos_god
    said = "fog; needles; a dry well"
    with ScriptedOpenAI([Step.text(json.dumps({"topic": "motifs", "corrects": False}))]) as server:
        d = director(chaos_god, server)
        d.opening()
        replies = run(d.turn(said))
    brief = store.load(pid).brief
    assert brief.motifs == ["fog", "needles", "a dry well"] and brief.meaning == ""
    assert replies[-1].text == d.questions["meaning"]  # still the first open topic


def test_the_last_answer_plans_section_by_section_with_the_models_words(chaos_god):
    store, pid = chaos_god
    with ScriptedOpenAI(obedient()) as server:
        d = director(chaos_god, server)
        d.opening()
        for a in ANSWERS[:-1]:
            run(d.turn(a))
        replies = run(d.turn(ANSWERS[-1]))
        project = store.load(pid)
        sections = [r for r in server.requests if schema_name(r) == "SectionShots"]
        runs = sections_of(project.shots)
        # one call per section run, a long one in parts of at most SECTION_SLOTS (this plan has one)
        sizes = [len(p) for _, numbers in runs for p in parts(numbers)]
        assert len(runs) >= 3 and len(sections) == len(sizes) > len(runs) and max(sizes) <= SECTION_SLOTS
        assert [slots(r) for r in sections] == sizes
        streamed = [r for r in replies if not r.final and r.steps and "shots written" in r.steps[0]]
        assert len(streamed) == len(sizes) and replies[-1].final
        assert all(s.subject.startswith("a fog tailor") for s in project.shots)
        # the prompt is built from the words written, the slot's framing and the style (not written by the model)
        assert "prompt" not in sections[0]["response_format"]["json_schema"]["schema"]["$defs"]["ShotWords"]["properties"]
        assert all(s.prompt.startswith(f"{s.shot_size} shot, {s.angle} angle, {s.movement}: {s.subject} {s.action}")
                   and not s.prompt_by_artist for s in project.shots)
        assert len({s.reason for s in project.shots}) == len(project.shots)
        assert all(s.why_generative.startswith("fog cannot be sewn") for s in project.shots)  # the key "why"
        for request in sections:  # each call is small: the phase prompt, the song context, one section's slots
            assert len(json.dumps(request["messages"])) < 4 * 1500
            assert request["messages"][0]["content"].count(ANSWERS[1]) == 1  # the brief says each answer once
        # a later part of a long section is shown the subjects its earlier shots were given, and only those
        calls = [(label, i, p) for label, numbers in runs for i, p in enumerate(parts(numbers))]
        k = next(k for k, (_, i, _) in enumerate(calls) if i == 1)
        (label, _, first), (_, _, second) = calls[k - 1], calls[k]
        user = sections[k]["messages"][-1]["content"]
        assert user.startswith(f"Section {label}, continued. Written so far: ")
        assert all(f"#{n} {project.shots[n - 1].subject}" not in user for n in second)
        assert f"#{first[-1]} " in user.splitlines()[0] and f"#{second[0]} " in user


def slots(request: dict) -> int:
    return request["response_format"]["json_schema"]["schema"]["properties"]["shots"]["minItems"]


def test_a_long_section_is_written_in_even_parts():
    assert parts(list(range(1, 30))) == [list(range(1, 9)), list(range(9, 16)), list(range(16, 23)),
                                         list(range(23, 30))]
    assert parts([4, 5, 6]) == [[4, 5, 6]] and parts(list(range(8))) == [list(range(8))]
    assert [len(p) for p in parts(list(range(9)))] == [5, 4]


def test_a_section_with_an_unusable_reply_keeps_the_planners_words(chaos_god):
    store, pid = chaos_god
    model = obedient()
    calls = {"n": 0}

    def flaky(request: dict) -> Step:
        if schema_name(request) == "SectionShots":
            calls["n"] += 1
            if calls["n"] == 2:
                return Step.text("{}")  # an empty object
        return model(request)

    with ScriptedOpenAI(flaky) as server:
        d = planned(chaos_god, server)
        project = store.load(pid)
        last = d.conversation.messages[-1].content
        assert "unusable" in last and project.shots
        planner_words = [s for s in project.shots if not s.subject.startswith("a fog tailor")]
        second = starts_of_sections(project.shots)[1]
        assert planner_words and project.shots[second] in planner_words


def test_half_a_character_in_a_reply_is_replaced_not_a_crash(chaos_god):
    """A random model under the grammar wrote JSON's `\\ud800` escape (valid JSON, half a UTF-16 character):
    the critic's tokenizer raised TypeError in the middle of a plan. It is U+FFFD now; the plan is whole."""
    store, pid = chaos_god
    model = obedient()

    def lone(request: dict) -> Step:
        step = model(request)
        if schema_name(request) == "SectionShots":
            return Step.text(step.content.replace("a fog tailor", "a fog \\ud800tailor", 1))
        return step

    with ScriptedOpenAI(lone) as server:
        d = planned(chaos_god, server)
    shots = store.load(pid).shots
    assert d.conversation.messages[-1].role == "assistant" and "unusable" not in d.conversation.messages[-1].content
    calls = [r for r in server.requests if schema_name(r) == "SectionShots"]
    assert sum("\ufffd" in s.subject for s in shots) == len(calls) > 3  # the first shot each call wrote
    assert all(s.subject.encode() for s in shots)


def test_a_revision_the_parser_maps_never_asks_the_model(chaos_god):
    store, pid = chaos_god
    with ScriptedOpenAI(obedient()) as server:
        d = planned(chaos_god, server)
        before = len(server.requests)
        run(d.turn("make shot 2 colder"))
        assert len(server.requests) == before


def test_a_revision_the_parser_cannot_map_is_one_typed_operation(chaos_god):
    store, pid = chaos_god
    rev = {"change": {"op": "write_shots", "args": {"shots": ["3"], "words": "a paper boat on black water"}}}
    with ScriptedOpenAI(obedient(rev)) as server:
        d = planned(chaos_god, server)
        old = store.load(pid).shots
        history = len(store.history(pid))
        replies = run(d.turn("shot 3 should show a paper boat"))
        new = store.load(pid).shots
        assert schema_name(server.requests[-1]) == "Revision"
        schema = server.requests[-1]["response_format"]["json_schema"]["schema"]
        # one of the table's operations (or a question), each constrained by that operation's own schema
        assert set(schema["properties"]["change"]["discriminator"]["mapping"]) == {*REVISION_OPERATIONS, "ask"}
        assert schema["$defs"]["SwapShots"]["properties"]["first"]["enum"] == [str(n) for n in range(1, len(old) + 1)]
        assert schema["$defs"]["WriteShots"]["properties"]["shots"]["items"]["enum"][-1] == str(len(old))
        assert schema["$defs"]["WriteShots"]["properties"]["words"]["maxLength"] == 120
        assert "paper boat" in new[2].subject and replies[-1].steps == ["write_shots"]
        # the plan is in the system prompt (the prefix the server keeps cached); the call adds the request only
        sent = server.requests[-1]["messages"]
        assert sent[-1]["content"] == "The artist asks: shot 3 should show a paper boat"
        assert all(f"{n} {s.subject[:24].strip()}" in sent[0]["content"] for n, s in enumerate(old, 1))
        assert len(sent[0]["content"]) < 4 * 1500
        assert len(store.history(pid)) == history + 1  # one version, named in the history
        assert [s.subject for i, s in enumerate(new) if i != 2] == [s.subject for i, s in enumerate(old) if i != 2]


def change(op: str, **args) -> Step:
    return Step.text(json.dumps({"change": {"op": op, "args": args}}))


@pytest.mark.parametrize("reply, expected", [
    (Step.text("{}"), "did not fit"),
    (change("swap_shots", first="0", second="3"), "there is no shot 0"),
    (change("write_shots", shots=["99"], words="a paper boat"), "there is no shot 99"),
    (change("move_shot", shot="3", after="5"), "did not fit"),
    (change("write_shots", shots=["4"], words="!!!"), "did not fit"),
    (change("delete_shots", shots=["3"]), "did not fit"),  # an operation the phase does not offer
    (Step.text("Sure! I changed it."), "did not answer with the JSON"),
    (Step.cut('{"change": {"op": "swap_shots", "args": {"fir'), "cut at its"),
    (Step.text(json.dumps({"change": {"op": "ask", "question": "Which shot?"}})), "Which shot?"),
])
def test_a_bad_revision_reply_is_one_clear_line_and_changes_nothing(chaos_god, reply, expected):
    store, pid = chaos_god
    model = obedient()
    with ScriptedOpenAI(lambda r: reply if schema_name(r) == "Revision" else model(r)) as server:
        d = planned(chaos_god, server)
        version = store.load(pid).version
        replies = run(d.turn("shot 3 should show a paper boat"))
        assert expected in replies[-1].text and not replies[-1].steps
        assert store.load(pid).version == version
        assert d.conversation.messages[-1].content == replies[-1].text


def test_an_interview_reply_cut_or_empty_records_nothing(chaos_god):
    store, pid = chaos_god
    with ScriptedOpenAI([Step.cut('{"topic": "meaning", "te'), Step.text("{}")]) as server:
        d = director(chaos_god, server)
        d.opening()
        for _ in range(2):
            before = len(d.conversation.messages)
            with pytest.raises(ShotcallerError, match="nothing was lost"):
                run(d.turn(ANSWERS[0]))
            assert len(d.conversation.messages) == before and store.load(pid).brief.meaning == ""


def test_the_ledger_counts_every_call_by_phase(chaos_god):
    with ScriptedOpenAI(obedient()) as server:
        d = planned(chaos_god, server)
        phases = d.ledger.by_phase()
        assert len(phases["interview"]) == 6 and len(phases["section"]) >= 3
        assert all(c.prompt_tokens > 0 and c.completion_tokens > 0 and c.valid for c in d.ledger.calls)


def test_local_models_get_the_phased_director_api_models_the_agent(monkeypatch):
    assert director_kind(Provider("local", "m")) == "phased"
    assert director_kind(Provider("openai", "m")) == "agent"
    monkeypatch.setenv("SHOTCALLER_DIRECTOR", "agent")
    assert director_kind(Provider("local", "m")) == "agent"
    monkeypatch.setenv("SHOTCALLER_DIRECTOR", "tiny")
    with pytest.raises(ShotcallerError, match="agent or phased"):
        director_kind(Provider("local", "m"))


def test_the_eval_prints_the_models_time_per_phase(chaos_god):
    from evals.director import Session
    from evals.runner import ScenarioResult, phase_table

    store, pid = chaos_god
    with ScriptedOpenAI(obedient()) as server:
        d = planned(chaos_god, server)
        seconds = Session(d, store, pid).phase_seconds()
    assert set(seconds) >= {"interview", "section"} and all(v > 0 for v in seconds.values())
    table = phase_table([ScenarioResult("tender", phases={"interview": 1.25, "section": 2.5}, seconds=4.0)])
    assert "| scenario | interview | section | total |" in table and "| tender | 1.2 | 2.5 | 4.0 |" in table
    assert phase_table([ScenarioResult("guided")]) == []


def test_the_shots_the_critic_flags_are_rewritten_once(chaos_god):
    """Sections written as clichés: the critic flags them, one critique call rewrites only those shots."""
    store, pid = chaos_god
    model = obedient()
    cliche = {"subject": "a couple", "action": "walking hand in hand", "setting": "a beach at sunset",
              "reason": "it is romantic",
              "why": "it looks beautiful"}

    def reply(request: dict) -> Step:
        if schema_name(request) == "SectionShots":
            n = request["response_format"]["json_schema"]["schema"]["properties"]["shots"]["minItems"]
            return Step.text(json.dumps({"shots": [cliche] * n}))
        return model(request)

    def critique_aware(request: dict) -> Step:
        if "Flagged shots" in request["messages"][-1]["content"]:
            n = request["response_format"]["json_schema"]["schema"]["properties"]["shots"]["minItems"]
            return Step.text(json.dumps({"shots": [words(100 + i) for i in range(n)]}))
        return reply(request)

    with ScriptedOpenAI(critique_aware) as server:
        d = planned(chaos_god, server)
        critiques = [r for r in server.requests if "Flagged shots" in r["messages"][-1]["content"]]
        assert len(critiques) == 1 and len(d.ledger.by_phase()["critique"]) == 1
        flagged = [int(n) for n in re.findall(r"^#(\d+) ", critiques[0]["messages"][-1]["content"], re.M)]
        shots = store.load(pid).shots
        assert flagged and all(shots[n - 1].subject.startswith("a fog tailor") for n in flagged)
        assert all(s.subject == "a couple" for n, s in enumerate(shots, 1) if n not in flagged)
        assert "Rewrote shots" in d.conversation.messages[-1].content
