"""Revisions touch only what was named, in the many ways artists name it (seeded paraphrases on a
song the suite was not tuned on); locked shots never change; nothing re-plans unless asked."""

import random

import pytest

from assistant.targets import intents, resolve
from songbook import BALLAD, build_song, director_for, strip_quotes, talk

FIELDS = {"start", "end", "subject", "action", "setting", "prompt", "shot_size", "angle", "movement", "reason",
          "why_generative", "lyric", "transition", "negative_prompt", "locked", "lens"}

LOOKS = {
    "colder": ["make {t} colder", "{t} colder please", "could you make {t} a little icier?", "I'd like {t} to feel cooler",
               "{t} should be bluer", "can {t} be more wintry"],
    "darker": ["make {t} darker", "Could you make {t} a little darker?", "{t} needs more shadow", "dim {t} down, darker",
               "give {t} less light"],
    "warmer": ["make {t} warmer", "{t} warmer", "I want {t} golden", "can you warm up {t}, warmer"],
    "brighter": ["make {t} brighter", "{t} brighter please", "brighten {t}", "{t} needs more light"],
}
SIZES = {"closer": ["go closer on {t}", "{t} tighter", "push in on {t}", "{t} closer please"],
         "wider": ["pull back on {t}", "{t} wider", "zoom out on {t}", "give {t} more room"]}


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    d = director_for(tmp_path_factory.mktemp("rev"), build_song(*BALLAD), "Porch Light")
    d.opening()
    talk(d, "Waiting for someone who isn't coming back.", "A woman keeps a house ready for someone.",
         "a kettle that boils over into stars; a coat made of rain; moths writing letters on a window",
         "Tender, slow.", "No camera could film a coat made of rain.", "16:9", "/plan")
    assert d.tools.project().shots
    return d


def targets(project):
    """What each phrasing of a target must resolve to, computed from the song, not from the parser."""
    song = project.song
    n = len(project.shots)

    def within(secs):
        return [s.index for s in project.shots if any(x.start <= (s.start + s.end) / 2 < x.end for x in secs)]

    choruses = [x for x in song.sections if x.label == "chorus"]
    return [("shot 5", [5], None), ("shots 3-7", [3, 4, 5, 6, 7], None), ("3, 7 and 9", [3, 7, 9], None),
            ("shots 2 to 4", [2, 3, 4], None), ("the first chorus", within(choruses[:1]), None),
            ("every chorus", within(choruses), None), ("the bridge", within([x for x in song.sections
                                                                             if x.label == "bridge"]), None),
            ("the last shot", [n], None), ("this shot", [4], 4), ("the second verse", within(
                [x for x in song.sections if x.label == "verse"][1:2]), None)]


def changed(before, after):
    return [a.index for a, b in zip(before.shots, after.shots)
            if a.model_dump(include=FIELDS) != b.model_dump(include=FIELDS)] if len(before.shots) == len(after.shots) \
        else ["count"]


def restore(d, before):
    store = d.tools.store
    store.save(before.model_copy(update={"version": store.load(before.id).version}))


@pytest.mark.parametrize("seed", range(4))
def test_look_requests_change_only_the_named_shots(planned, seed):
    rng = random.Random(seed)
    before = planned.tools.project()
    for _ in range(4):
        look = rng.choice(list(LOOKS))
        name, expected, selected = rng.choice(targets(before))
        request = rng.choice(LOOKS[look]).format(t=name)
        request = request[0].upper() + request[1:] if rng.random() < 0.5 else request
        replies = talk(planned, request, selected_shot=selected)
        after = planned.tools.project()
        assert changed(before, after) == expected, (request, replies)
        assert all("Light:" in after.shots[i - 1].prompt for i in expected)
        restore(planned, before)


@pytest.mark.parametrize("direction", ["closer", "wider"])
def test_size_requests_change_only_the_named_shots(planned, direction):
    rng = random.Random(direction)
    before = planned.tools.project()
    for phrase in SIZES[direction]:
        name, expected, selected = rng.choice(targets(before))
        talk(planned, phrase.format(t=name), selected_shot=selected)
        after = planned.tools.project()
        diff = changed(before, after)
        assert set(diff) <= set(expected), (phrase, name, diff)
        assert diff, phrase
        restore(planned, before)


@pytest.mark.parametrize("direction", ["closer", "wider"])
def test_a_size_request_never_goes_the_other_way_from_any_size(planned, direction):
    """From every rung of the ladder (an insert included: it once became a medium on "closer")."""
    from shotlist.models import SHOT_SIZES
    from shotlist.sizes import closeness

    original = planned.tools.project()
    for size in SHOT_SIZES:
        shots = [s.model_copy(update={"shot_size": size}) if s.index == 5 else s for s in original.shots]
        restore(planned, original.model_copy(update={"shots": shots}))
        before = planned.tools.project()
        replies = talk(planned, f"make shot 5 a {direction} shot")
        after = planned.tools.project()
        assert changed(before, after) == [5], (size, replies)
        step = closeness(after.shots[4].shot_size) - closeness(size)
        assert (step >= 0 if direction == "closer" else step <= 0), (size, after.shots[4].shot_size)
    restore(planned, original)


def test_the_size_ladder_steps_over_banned_sizes():
    from shotlist.sizes import step_size

    assert step_size("insert", closer=False) == "extreme close-up"
    assert step_size("insert", closer=True) == "insert"  # the end: the caller pushes in or changes the lens
    assert step_size("medium", closer=True, banned=["medium close-up", "close-up"]) == "extreme close-up"
    assert step_size("wide", closer=False, banned=["extreme wide"]) == "wide"


@pytest.mark.parametrize("request_", ["make shot 5 longer", "hold shot 5 a bit longer", "shot 5 shorter",
                                      "trim shot 5 please", "let shot 5 breathe, longer"])
def test_timing_moves_one_cut_on_the_grid(planned, request_):
    before = planned.tools.project()
    talk(planned, request_)
    after = planned.tools.project()
    assert set(changed(before, after)) == {5, 6}
    assert after.shots[4].end in before.song.bars
    restore(planned, before)


@pytest.mark.parametrize("request_", ["shot 7 is a cliché", "replace shot 7", "shot 7 is boring, something else",
                                      "shot 7 feels generic"])
def test_replacing_writes_new_content_from_the_material(planned, request_):
    before = planned.tools.project()
    talk(planned, request_)
    after = planned.tools.project()
    assert changed(before, after) == [7]
    old, new = before.shots[6], after.shots[6]
    assert new.subject != old.subject or new.action != old.action
    reasons = [strip_quotes(s.reason) for s in after.shots]
    assert len(set(reasons)) == len(reasons)
    material = " ".join(after.brief.motifs).lower() + " " + " ".join(after.song.lyrics[i].text.lower()
                                                                       for i in range(len(after.song.lyrics)))
    assert any(w in material for w in new.subject.lower().split() if len(w) > 3)
    restore(planned, before)


def test_locked_shots_never_change(planned):
    before = planned.tools.project()
    talk(planned, "lock shot 5")
    locked = planned.tools.project()
    assert locked.shots[4].locked
    replies = talk(planned, "make shots 4-6 colder")
    after = planned.tools.project()
    assert changed(locked, after) == [4, 6] and "locked" in replies[-1]
    replies = talk(planned, "make shot 5 warmer")
    assert changed(after, planned.tools.project()) == [] and "locked" in replies[-1].lower()
    talk(planned, "shot 4 longer")  # would move shot 5's start
    assert changed(after, planned.tools.project()) == []
    restore(planned, before)


@pytest.mark.parametrize("request_,says", [
    ("make it colder", "Which shots"), ("colder please", "Which shots"), ("can this one be darker?", "Which shot"),
    ("make shot 500 colder", "no shot 500"), ("shots 2, 999 warmer", "no shot 999"),
    ("turn it into a rock opera", "didn't understand “turn it into a rock opera”"), ("", "nothing changed"), ("make the fourth chorus wider", "not 4"),
])
def test_unclear_or_impossible_requests_change_nothing(planned, request_, says):
    before = planned.tools.project()
    replies = talk(planned, request_)
    assert says.lower() in replies[-1].lower(), replies
    assert planned.tools.project().version == before.version


def test_a_revision_right_after_the_plan_does_not_replan(planned):
    before = planned.tools.project()
    talk(planned, "make shot 3 darker")
    assert changed(before, planned.tools.project()) == [3]
    restore(planned, before)


def test_brief_changes_after_the_plan_wait_for_a_replan(planned):
    before = planned.tools.project()
    replies = talk(planned, "Feeling: furious and loud")
    after = planned.tools.project()
    assert after.brief.feeling == "furious and loud" and changed(before, after) == []
    assert "re-plan" in replies[-1]
    restore(planned, before)


def test_replan_keeps_locked_shots(planned):
    before = planned.tools.project()
    talk(planned, "lock shots 2 and 9")
    locked = {s.id: s.model_dump(include=FIELDS) for s in planned.tools.project().shots if s.locked}
    replies = talk(planned, "re-plan it please")
    after = planned.tools.project()
    kept = {s.id: s.model_dump(include=FIELDS) for s in after.shots if s.id in locked}
    assert kept == locked and "locked" in replies[-1]
    restore(planned, before)


def test_intent_words():
    assert intents("Could you make shot 5 a little darker?") == ["darker"]
    assert intents("unlock shot 3") == ["unlock"]
    assert set(intents("make the chorus colder and wider")) == {"colder", "wider"}
    assert intents("what do you think?") == []


def test_selected_shot_without_a_selection_is_a_question(planned):
    project = planned.tools.project()
    assert resolve("make this shot colder", project, None).problem
    assert resolve("make this shot colder", project, 3).shots == [3]


@pytest.mark.parametrize("request_, expected", [
    ("darken the 3rd shot", [3]), ("brighten shot 6", [6]), ("shot 4 is too dark, lift the light", [4]),
    ("make 3 through 5 colder", [3, 4, 5])])
def test_more_ways_of_naming_a_look_change_only_those_shots(planned, request_, expected):
    before = planned.tools.project()
    replies = talk(planned, request_)
    assert changed(before, planned.tools.project()) == expected, (request_, replies)
    restore(planned, before)


def test_a_numbered_section_means_that_one_and_a_hedged_everything_asks_first(planned):
    before = planned.tools.project()
    choruses = [x for x in before.song.sections if x.label == "chorus"]
    first = [s.index for s in before.shots if choruses[0].start <= (s.start + s.end) / 2 < choruses[0].end]
    talk(planned, "can chorus one feel icier?")
    assert changed(before, planned.tools.project()) == first
    restore(planned, before)
    replies = talk(planned, "can everything, I guess, feel icier?")
    assert changed(before, planned.tools.project()) == [] and "?" in " ".join(map(str, replies))
    restore(planned, before)


def test_shorter_on_a_run_of_shots_keeps_the_count_and_the_beat_grid(planned):
    before = planned.tools.project()
    talk(planned, "make shots 2 to 3 shorter")
    after = planned.tools.project()
    assert len(after.shots) == len(before.shots)
    moved = changed(before, after)
    assert moved and set(moved) <= {2, 3, 4}, moved  # the run and, at most, the neighbour its outer cut moved into
    assert after.shots[2].end < before.shots[2].end  # the run got shorter
    beats = before.song.beats
    assert all(min(abs(s.start - b) for b in beats) < 0.03 for s in after.shots[1:])
    restore(planned, before)
