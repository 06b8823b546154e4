"""The phrasing bank (tests/data/phrasings.yaml): answers and revision requests typed the way artists
type them, each labelled with where it must land. Every phrasing is run through the real guided
director; the held-out third (`held: true`) was not looked at while the parser was fixed, and its
accuracy is reported by `python tests/test_phrasing_bank.py` as well as asserted here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.conversation import Message
from songbook import POP, build_song, director_for, talk

BANK = yaml.safe_load((Path(__file__).parent / "data" / "phrasings.yaml").read_text())
CONTENT = ("subject", "action", "setting", "prompt", "shot_size", "angle", "movement", "reason", "why_generative",
           "lyric", "negative_prompt", "lens", "locked")
LABEL_LEFT = re.compile(r"(?i)^\s*(?:feeling|mood|motifs?|images|why gen\w*|story|about|meaning|tone|palette|"
                        r"colou?r palette|rules|constraints|characters|theme)\b\s*(?:wise|[-:=?—–])")


def _id(item: dict) -> str:
    return ("held-" if item.get("held") else "") + re.sub(r"\W+", "-", item["text"][:40]).strip("-")


# ---------------------------------------------------------------- filing


def filed_topics(tmp_path: Path, item: dict) -> tuple[set[str] | str, dict]:
    """Where one message lands when `asked` is the question pending: the brief fields it filled, or
    'confirm:a|b' when the director asked which."""
    d = director_for(tmp_path, build_song(*POP), "Orbit")
    d.conversation.append(Message(role="assistant", content=d.questions[item["asked"]], topic=item["asked"]))
    before = d.tools.project().brief
    talk(d, item["text"])
    pending = d.conversation.messages[-1].topic or ""
    after = d.tools.project().brief
    if pending.startswith("confirm:"):
        return pending, after.model_dump()
    if not item["topics"] and pending != item["asked"]:  # a greeting: the question is asked again
        return f"moved on to {pending}", after.model_dump()
    got = set()
    for topic in ("meaning", "story", "motifs", "why_generative", "constraints"):
        if getattr(after, topic) != getattr(before, topic):
            got.add(topic)
    if (after.feeling, after.palette) != (before.feeling, before.palette):
        got.add("feeling")
    return got, after.model_dump()


def filing_ok(tmp_path: Path, item: dict) -> tuple[bool, str]:
    got, brief = filed_topics(tmp_path, item)
    if got != set(item["topics"]):
        return False, f"filed as {got}"
    texts = [brief[t] for t in ("meaning", "story", "feeling", "palette", "why_generative")] + brief["motifs"]
    left = [t for t in texts if LABEL_LEFT.match(t)]
    if left:
        return False, f"label kept in {left}"
    avoid = brief["constraints"]["avoid"]
    if any(re.search(r"(?i)\b(pls|please|thanks)\b", a) for a in avoid):
        return False, f"politeness in a rule: {avoid}"
    return True, ""


@pytest.mark.parametrize("item", BANK["filing"] + BANK["filing2"], ids=_id)
def test_answer_lands_under_its_topic(tmp_path, item):
    ok, why = filing_ok(tmp_path, item)
    if not ok and item.get("held"):
        pytest.xfail(f"held-out phrasing missed ({why}); counted in the held-out accuracy")
    assert ok, f"{item['text']!r}: {why}"


# ---------------------------------------------------------------- revisions


def plan_pop(tmp: Path):
    """The POP songbook song, interviewed and planned in guided mode."""
    d = director_for(tmp, build_song(*POP), "Orbit")
    d.opening()
    talk(d, "about falling for someone who is always leaving", "a girl rides a glass elevator to the moon",
         "a glass elevator; satellites; a disco ball moon", "giddy, bright", "no camera can reach the moon",
         "16:9", "/plan")
    assert len(d.tools.project().shots) >= 12
    return d


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    return plan_pop(tmp_path_factory.mktemp("bank"))


def expected_shots(spec, project) -> list[int] | str:
    n = len(project.shots)
    if isinstance(spec, list):
        return [n - int(x[2:]) if isinstance(x, str) and x.startswith("N-") else n if x == "N" else x for x in spec]
    if spec in ("ask", "missing"):
        return spec
    if spec == "all":
        return list(range(1, n + 1))
    shift, _, rest = spec.partition(":") if spec.split(":")[0] in ("before", "after") else ("", "", spec)
    _, label, *which = rest.split(":")
    secs = [x for x in project.song.sections if x.label == label]
    if which:
        secs = secs[-1:] if which[0] == "last" else secs[int(which[0]) - 1:int(which[0])]
    shots = [s.index for s in project.shots if any(x.start <= (s.start + s.end) / 2 < x.end for x in secs)]
    return [shots[0] - 1] if shift == "before" else [shots[-1] + 1] if shift == "after" else shots


def revision_ok(d, item: dict) -> tuple[bool, str]:
    store = d.tools.store
    base = d.tools.project()
    want = expected_shots(item["target"], base)
    if "unlock" in item["intents"] and isinstance(want, list):
        d.tools.lock_shots([str(n) for n in want], locked=True)
    before = d.tools.project()
    try:
        replies = talk(d, item["text"], selected_shot=item.get("selected"))
        after = d.tools.project()
    finally:
        store.save(base.model_copy(update={"version": store.load(base.id).version}))
    said = " ".join(replies)
    if want in ("ask", "missing"):
        if after.version != before.version:
            return False, f"changed something: {said}"
        if want == "ask" and "?" not in said:
            return False, f"no question: {said}"
        if want == "missing" and "no shot" not in said.lower():
            return False, f"not a no-such-shot reply: {said}"
        return True, ""
    if len(after.shots) != len(before.shots):  # a merge or split: the shots around the target keep their content
        ids = {s.id for s in after.shots}
        kept = [s for s in before.shots if s.index not in want and s.id in ids]
        moved = [s.index for s in kept if s.model_dump(include=set(CONTENT)) !=
                 next(a for a in after.shots if a.id == s.id).model_dump(include=set(CONTENT))]
        return (not moved, f"also changed {moved}: {said}")
    fields = set(CONTENT) - ({"lyric"} if {"longer", "shorter"} & set(item["intents"]) else set())  # a cut moves a line
    changed = [a.index for a, b in zip(before.shots, after.shots)
               if a.model_dump(include=fields) != b.model_dump(include=fields)]
    timed = [a.index for a, b in zip(before.shots, after.shots) if (a.start, a.end) != (b.start, b.end)]
    if {"longer", "shorter"} & set(item["intents"]):
        extra = [i for i in timed if i not in want and not any(abs(i - w) == 1 for w in want)]
        touched = sorted(set(changed) | {i for i in timed if i in want})
        ok = not extra and set(changed) <= set(want) and bool(touched)
        return ok, f"changed {changed}, retimed {timed}, wanted {want}: {said}"
    return changed == want, f"changed {changed}, wanted {want}: {said}"


@pytest.mark.parametrize("item", BANK["revisions"] + BANK["revisions2"], ids=_id)
def test_request_changes_only_what_it_names(planned, item):
    from assistant.targets import intents

    ok, why = revision_ok(planned, item)
    if ok and set(intents(item["text"])) != set(item["intents"]):
        ok, why = False, f"intents {intents(item['text'])}, wanted {item['intents']}"
    if not ok and item.get("held"):
        pytest.xfail(f"held-out phrasing missed ({why}); counted in the held-out accuracy")
    assert ok, f"{item['text']!r}: {why}"


LETTERS = (100.0, [
    ("intro", 2, 0.3, []),
    ("A", 4, 0.4, ["Paper boats on the gutter tide"]),
    ("B", 4, 0.7, ["Fold me up and let me ride"]),
    ("A", 4, 0.45, ["Every drain a harbour mouth"]),
    ("B", 4, 0.8, ["Fold me up and float me south"]),
    ("outro", 2, 0.3, []),
])


@pytest.fixture(scope="module")
def planned_letters(tmp_path_factory):
    d = director_for(tmp_path_factory.mktemp("letters"), build_song(*LETTERS), "Gutter")
    d.opening()
    talk(d, "leaving home small and on purpose", "a paper boat sails the city's drains to the sea",
         "paper boats; drains as harbours; rain maps", "hopeful, restless", "a boat the size of a hand cannot carry "
         "a camera", "16:9", "/plan")
    assert {s.label for s in d.tools.project().song.sections} >= {"A", "B"}
    return d


@pytest.mark.parametrize("item", BANK["revisions_letters"], ids=_id)
def test_letter_labelled_sections_are_targets(planned_letters, item):
    from assistant.targets import intents

    ok, why = revision_ok(planned_letters, item)
    if ok and set(intents(item["text"])) != set(item["intents"]):
        ok, why = False, f"intents {intents(item['text'])}, wanted {item['intents']}"
    assert ok, f"{item['text']!r}: {why}"


@pytest.mark.parametrize("item", BANK["revisions_spanish"], ids=_id)
def test_spanish_requests_change_only_what_they_name(planned, item):
    from assistant.spanish import as_english
    from assistant.targets import intents

    ok, why = revision_ok(planned, item)
    if ok and set(intents(as_english(item["text"]))) != set(item["intents"]):
        ok, why = False, f"intents {intents(as_english(item['text']))}, wanted {item['intents']}"
    assert ok, f"{item['text']!r}: {why}"
    assert planned.conversation.messages[-2].content == item["text"]  # the chat keeps it as typed


def test_sections_joined_in_one_request_are_all_targets_and_one_named_in_passing_is_not(planned_letters):
    from assistant.targets import resolve

    project = planned_letters.tools.project()

    def shots_in(label: str) -> set[int]:
        spans = [(x.start, x.end) for x in project.song.sections if x.label == label]
        return {n for n, s in enumerate(project.shots, 1) if any(a <= (s.start + s.end) / 2 < b for a, b in spans)}

    assert shots_in("B") and shots_in("outro") and shots_in("intro")
    for text in ("B and the outro warmer", "the outro and B warmer", "make the intro, the outro darker",
                 "the intro & the outro, darker"):
        want = shots_in("B") | shots_in("outro") if "B" in text else shots_in("intro") | shots_in("outro")
        assert set(resolve(text, project).shots) == want, text
    assert set(resolve("make the outro feel like the intro", project).shots) == shots_in("outro")
    assert set(resolve("the intro darker, as dark as B", project).shots) == shots_in("intro")
    assert resolve("the intro and the third A darker", project).problem  # one name that does not exist: asked


def test_letter_sections_are_spoken_as_the_director_names_them(planned_letters):
    d = planned_letters
    project = d.tools.project()
    said = [m.content for m in d.conversation.messages if m.role == "assistant"]
    said += talk(d, "the chorus darker")  # the reply lists the sections this song has
    written = [f"{s.reason} {s.why_generative} {s.action} {s.setting}" for s in project.shots]
    letter = re.compile(r"(?<![\w'’\"“])(?:the |of |in |first |second |last )[AB]\b(?![\w'’])|\b[AB] \d+\b|\(\w*[AB],")
    for text in said + written:
        unquoted = re.sub(r'"[^"]*"|“[^”]*”', "", text)
        assert not letter.search(unquoted), unquoted[:300]
    assert "the first section" in said[-1] and "the second section" in said[-1]
    too_many = talk(d, "the third A darker")[-1]  # A comes twice: a clear reply in the same words, nothing changed
    assert "the first section twice" in too_many, too_many
    assert any("the return of the first section" in w for w in written)
    assert any("The first section (" in s for s in said)  # the treatment


@pytest.mark.parametrize("bad", ["", "   ", "ok", "👍", "hazlo más oscuro", "これを暗くして", "what do you think?",
                                 "make it pop " * 2000, "x" * 20_000, "make shot 0 darker", "shot 3.5 warmer"])
def test_bad_requests_after_the_plan_get_a_clear_reply_and_change_nothing(planned, bad):
    before = planned.tools.project()
    replies = talk(planned, bad)
    after = planned.tools.project()
    assert replies and all(r.strip() and "Traceback" not in r for r in replies)
    assert after.version == before.version and len(replies[-1]) < 600
    if bad.strip():
        assert planned.conversation.messages[-2].content == bad.strip()  # kept whole in the conversation


def test_a_rule_typed_during_the_section_walk_goes_to_the_brief_not_into_a_shot(tmp_path):
    d = director_for(tmp_path, build_song(*POP), "Orbit")
    d.opening()
    talk(d, "about falling for someone who is always leaving", "a girl rides a glass elevator to the moon",
         "a glass elevator; satellites; a disco ball moon", "giddy, bright", "no camera can reach the moon", "16:9")
    asked = d.conversation.messages[-1].topic
    assert asked.startswith("section:")
    replies = talk(d, "also no swastikas or real flags obviously")
    assert d.tools.project().brief.constraints.avoid == ["swastikas", "real flags"]
    assert d.conversation.messages[-1].topic == asked and "constraints" in replies[-1]  # the section question stands
    talk(d, "she rides the elevator past satellites that gossip. Feeling: giddy then lonely")
    assert d.tools.project().brief.feeling.startswith("giddy then lonely")
    assert d.section_notes()[asked.split(":", 1)[1]] == "she rides the elevator past satellites that gossip"
    talk(d, "/plan")
    for shot in d.tools.project().shots:
        assert "swastika" not in f"{shot.subject} {shot.action} {shot.setting}".lower()


@pytest.mark.parametrize("text, gone", [("the satellites are a cliché, replace shot 4", "satellite"),
                                        ("that disco ball moon feels so corny, swap shot 4", "disco")])
def test_a_replacement_never_brings_back_what_was_called_a_cliche(planned, text, gone):
    from assistant.walk import spoken_name

    before = planned.tools.project()
    talk(planned, text)
    after = planned.tools.project()
    try:
        changed = [a.index for a, b in zip(before.shots, after.shots) if a.model_dump(include=set(CONTENT)) !=
                   b.model_dump(include=set(CONTENT))]
        assert changed == [4]
        assert gone not in f"{after.shots[3].subject} {after.shots[3].action}".lower(), after.shots[3].subject
    finally:
        planned.tools.store.save(before.model_copy(update={"version": planned.tools.store.load(before.id).version}))
    assert spoken_name("verse 1") == "first verse"  # "Now the first verse", never "Now the verse 1"


def test_undo_in_plain_words_takes_back_the_last_change(planned):
    before = planned.tools.project()
    talk(planned, "make shot 3 darker")
    assert planned.tools.project().shots[2].prompt != before.shots[2].prompt
    replies = talk(planned, "undo that")
    assert replies[-1].startswith("Undone") and planned.tools.project().shots[2].prompt == before.shots[2].prompt


if __name__ == "__main__":  # the accuracy report: python tests/test_phrasing_bank.py
    import sys
    import tempfile

    from assistant.targets import intents

    sys.path.insert(0, str(Path(__file__).parent))
    rows = "--rows" in sys.argv  # held-out rows too (left out by default while fixing)

    def show(item: dict, ok: bool, why: str) -> None:
        if rows or not item.get("held"):
            print("ok  " if ok else "MISS", item.get("held", ""), item["text"][:70], why[:200])
    score: dict[tuple[str, bool], list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, item in enumerate(BANK["filing"] + BANK["filing2"]):
            ok, why = filing_ok(Path(tmp) / f"f{k}", item)
            score.setdefault(("filing", item.get("held", 0)), []).append(ok)
            show(item, ok, why)
        d = plan_pop(Path(tmp) / "plan")
        for item in BANK["revisions"] + BANK["revisions2"]:
            ok, why = revision_ok(d, item)
            if ok and set(intents(item["text"])) != set(item["intents"]):
                ok, why = False, f"intents {intents(item['text'])}"
            score.setdefault(("revisions", item.get("held", 0)), []).append(ok)
            show(item, ok, why)
    for (kind, held), oks in sorted(score.items()):
        part = {0: "tuned on", 1: "held-out", 2: "held-out 2"}[int(held)]
        print(f"{kind:10} {part:10}: {sum(oks)}/{len(oks)} = {sum(oks) / len(oks):.0%}")
