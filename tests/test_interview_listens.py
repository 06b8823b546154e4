"""The interview listens inside an answer (issue #23, session 11): a correction or an aside anywhere in an
answer splits it; a swap ('scratch the boots - its his jacket on the hook') is done wherever the thing was
filed and its words are never shot content; "scratch that last bit" drops the clause before it; "you choose"
builds from the brief's own things and the song's pictures, never a word cut out of a line; a pasted email
is not an answer. Phrasings are drawn by a seed from banks written here (none is a bench scenario's)."""

import random
import re

import pytest

from assistant import critic, planner, remarks
from songbook import BALLAD, build_song, director_for, talk

MEANING = "its about my dad not coming home from the sea"
REST = ["quiet, salt grey", "the sea comes into the hallway and we cant film that", "16:9"]
# a thing said, then swapped for another inside the same answer: the marker and the swap vary
SWAPS = ["{said} … wait, actually scratch the boots - its his jacket on the hook",
         "{said}, no wait, swap the boots for his jacket on the hook",
         "{said}. hold on, actually his jacket on the hook instead of the boots",
         "{said} - sorry, I meant not the boots, his jacket on the hook",
         "{said}, oh wait, actually ditch the boots, it's his jacket on the hook"]
SAID = ["she keeps his boots by the door", "his mum keeps his boots by the door every night",
        "she leaves his boots by the door and waits"]
META = re.compile(r"(?i)\b(?:wait|scratch|swap|ditch|instead|i meant|hold on)\b")


def content(shot) -> str:
    return f"{shot.subject} {shot.action} {shot.setting}".lower()


def plan_all(d) -> list:
    for _ in range(20):
        if d.tools.project().shots:
            break
        talk(d, "you choose")
    return d.tools.project().shots


@pytest.mark.parametrize("seed", range(4))
def test_a_swap_inside_an_answer_is_done_and_never_shot(tmp_path, seed):
    rng = random.Random(f"swap/{seed}")
    d = director_for(tmp_path, build_song(*BALLAD), "Boots")
    d.opening()
    talk(d, MEANING)
    out = talk(d, rng.choice(SWAPS).format(said=rng.choice(SAID)))
    assert "Replaced “boots” with “his jacket" in out[-1]
    story = d.tools.project().brief.story
    assert "jacket on the hook" in story and "boots" not in story and not META.search(story)
    talk(d, "you choose", *REST)
    shots = plan_all(d)
    project = d.tools.project()
    assert shots and "boots" not in project.brief.logline and "jacket" in project.brief.logline
    assert not any("boots" in content(s) or META.search(content(s)) for s in shots)


def test_a_swap_in_a_later_answer_changes_what_was_filed_before(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Boots")
    d.opening()
    talk(d, MEANING, "she keeps his boots by the door")
    out = talk(d, "a kettle on the stove; gulls on the roof. oh wait, actually scratch the boots, its his jacket")
    b = d.tools.project().brief
    assert "Replaced “boots”" in out[-1] and "the story" in out[-1]
    assert b.story == "she keeps his jacket by the door" and "a kettle on the stove" in b.motifs


def test_a_swap_in_a_part_reaches_that_parts_notes(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Boots")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose")  # the intro left to us
    talk(d, "his boots by the door, the porch light on")  # the first verse
    out = talk(d, "hmm, actually drop the boots")  # at the chorus question
    assert "Took “boots” out of the first verse" in out[-1]
    assert d.section_notes()["verse 1"] == "the porch light on"


@pytest.mark.parametrize("said, kept, gone", [
    ("the kebab shop glowing and them counting coins for chips, scratch that last bit, just the glow",
     "the kebab shop glowing, just the glow", "coins"),
    ("a bus shelter in the rain with a torn poster, no wait scratch that, an empty bus shelter at dawn",
     "a bus shelter in the rain, an empty bus shelter at dawn", "poster"),
    ("the swings moving on their own, forget that, the slide covered in frost", "the slide covered in frost", "swings"),
])
def test_scratch_that_inside_an_answer_drops_the_clause_before_it(tmp_path, said, kept, gone):
    d = director_for(tmp_path, build_song(*BALLAD), "Park")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose", said)
    note = d.section_notes()["verse 1"]
    assert note == kept and gone not in note and "scratch" not in note and "forget" not in note


@pytest.mark.parametrize("marker", ["oh and before i forget", "oh and", "btw", "by the way", "oh also"])
def test_an_aside_in_the_middle_of_an_answer_goes_to_the_part_it_names(tmp_path, marker):
    d = director_for(tmp_path, build_song(*BALLAD), "Station")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose")
    out = talk(d, f"him winding the clock out of habit, {marker} the outro should be the sign with one letter lit")
    notes = d.section_notes()
    assert notes["verse 1"] == "him winding the clock out of habit"
    assert "one letter lit" in notes["outro"] and "aside" in out[-1]


def test_a_correction_that_sends_a_thing_to_another_part_moves_what_was_said(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Letters")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose")
    talk(d, "her climbing the stairs with a tray, counting out loud")  # the first verse
    out = talk(d, "actually the first verse is her reading his letters by the lamp, the stairs go in the second verse")
    notes = d.section_notes()
    assert notes["verse 1"] == "her reading his letters by the lamp"
    assert notes["verse 2"] == "her climbing the stairs with a tray, counting out loud"
    assert "Moved it from the first verse to the second verse" in out[-1]


def test_you_choose_inside_an_answer_is_not_a_picture(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Rooms")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose")
    talk(d, "the three of them in different rooms of the same house, you choose which rooms")
    assert d.section_notes()["verse 1"] == "the three of them in different rooms of the same house"


def test_you_choose_builds_from_the_briefs_things_and_the_songs_pictures(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Boots")
    d.opening()
    talk(d, MEANING, "she keeps his jacket on the hook by the door", "you choose", *REST)
    pool = planner.image_pool(d.tools.project())
    assert pool[:3] == ["his jacket on the hook", "the door", "the sea"]  # the brief's own things first
    assert "the porch light" in pool and "the moths" in pool  # then the song's pictures
    shots = plan_all(d)
    assert shots and not any(critic.not_a_picture(s.subject) for s in shots)


@pytest.mark.parametrize("line, found", [
    ("For I have loved you well and long, the true", []),
    ("its all one night and her phone is dying", ["her phone"]),
    ("I left the porch light burning", ["the porch light"]),
    ("Your coat still holds the shape of rain", ["the coat", "the shape of rain"]),
    ("the sea comes into the hallway and we cant film that", ["the sea", "the hallway"]),
    ("Reap it with a sickle of leather", ["a sickle of leather"]),
    ("the chairs float out to meet you", ["the chairs"]),
    ("this is the last night, the same old way", []),
    ("my sister leaving for a job overseas and the farm going quiet", ["the farm"]),
])
def test_pictures_are_concrete_noun_phrases(line, found):
    from assistant.pictures import pictures_in

    assert pictures_in(line) == found


def test_a_story_opening_with_its_has_no_protagonist_called_its():
    assert planner.protagonist("its all one night and her phone is dying") == ""
    assert planner.protagonist("statues climb down from the square") == "the statues"


def test_the_critic_flags_a_word_cut_out_of_a_line_but_not_the_artists_own_actually():
    for fragment in ("the true", "the its", "the same"):
        assert critic.not_a_picture(fragment) == "a fragment"
    assert critic.not_a_picture("a paper moon taped to the window that actually glows") == ""
    assert critic.not_a_picture("wait, actually the kettle") == "meta-talk"
    assert critic.not_a_picture(" ".join(["the label wants the files renamed"] * 6)) == "a paragraph"


def test_a_pasted_email_is_not_an_answer_and_loses_nothing(tmp_path):
    d = director_for(tmp_path, build_song(*BALLAD), "Paste")
    d.opening()
    talk(d, MEANING, "she waits", "you choose", *REST, "you choose")
    thread = "\n".join(["From: Dana (Label)", "Sent: Mon 2 Nov", "Subject: Re: masters", "",
                        "hi, the porch light mix is final, please send the stems", "",
                        *[f"> > the kettle version needs a new ISRC, line {k}" for k in range(40)], "Thanks!", "Dana"])
    before = dict(d.section_notes())
    out = talk(d, thread)
    assert "pasted document" in out[-1] and "first verse" in out[-1]
    assert d.section_notes() == before and d._pending() == "section:verse 1"
    assert d.conversation.messages[-2].content == thread  # the chat keeps it all


def test_the_meaning_is_what_it_is_not_what_it_is_not():
    from shotlist.models import Brief

    said = planner.short_meaning(Brief(meaning="its not about us this time, its my grandparents leaving the farm"))
    assert said == "the singer's grandparents leaving the farm"


def test_inner_markers_are_not_content_words():
    assert [p.kind for p in remarks.pieces("he will wait for her by the door, hold on to the rope")] == ["answer"]
    assert [p.kind for p in remarks.pieces("a moon that actually glows")] == ["answer"]
    assert remarks.named_section("his jacket on the hook", []) is None  # a coat hook, not the chorus


def test_a_swap_keeps_the_rest_of_the_sentence_and_a_possessive_stays_a_thing():
    from assistant.phrases import handle

    said = "she packs her dad's old coat into the suitcase"
    assert remarks.swapped(said, "coat", "her mum's scarf in the suitcase") == "she packs her mum's scarf in the suitcase"
    assert remarks.swapped(said, "coat", "she sits on the suitcase") == "she sits on the suitcase"
    assert remarks.swapped(said, "coat", "") == ""
    assert handle("her mum's scarf in the suitcase") == "her mum's scarf"


def test_a_reason_said_as_no_x_does_that_is_the_artists_not_a_rule_nor_only_cost():
    from assistant import interview
    from assistant.pushback import cheap_only

    why = "they have to be 25 and 75 in the same shot, no makeup does that and we dont have money for two casts"
    assert interview.file_message(why, "why_generative").parts == [("why_generative", why)]
    assert not cheap_only(why) and cheap_only("its cheaper and we have no budget")
    rule = interview.file_message("whatever you think. maybe no close ups of hands, grandad hates his hands", "constraints")
    assert rule.topics == {"constraints"}
