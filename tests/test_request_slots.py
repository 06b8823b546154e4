"""The request reader's general mechanisms (reader22g): argument slots read by their structure (counts, versions,
the tempo fix asked, section ordinals, a shot's place in a section), a picture for a shot or a section however it
is framed, a move or a swap said without a verb, and a question, never a change, where the slots disagree or
something else is said. Every request here is written for this test, worded unlike the bank's."""

import pytest

from assistant.edit_requests import read_request
from assistant.request_slots import tempo_fix, times_named
from evals.requests_eval import project
from shotlist.operations.history import Redo, Revert, Undo
from shotlist.operations.questions import ChangesSince, WeakestShots
from shotlist.operations.shots import InsertShot, MoveShot, SwapShots, WriteSection, WriteShots
from shotlist.operations.tempo import SetTempo


@pytest.fixture(scope="module")
def proj():
    return project()  # 28 shots: intro 1-2, verse 3-6, chorus 7-10, verse 11-14, chorus 15-18, bridge 19-22, ...


@pytest.mark.parametrize("text, op", [
    ("undo 4 times", Undo(steps=4)), ("undo x2", Undo(steps=2)), ("undo that twice", Undo(steps=2)),
    ("redo it three times", Redo(steps=3)), ("redo, thanks", Redo(steps=1)), ("ctrl-z", Undo(steps=1)),
    ("cmd+shift+z please", Redo(steps=1)),
    ("i didn't want you to undo that, bring it back", Redo(steps=1)),
    ("restore v3", Revert(version=3)), ("back to version two please", Revert(version=2)),
    ("what's different vs v2", ChangesSince(version=2)), ("diff against version 1", ChangesSince(version=1)),
    ("which four shots are the weakest", WeakestShots(count=4)),
])
def test_counts_and_versions_are_read_as_slots_for_every_history_and_question_kind(proj, text, op):
    assert read_request(text, proj).op == op


def test_redo_with_a_shot_after_it_is_a_rewrite_not_a_history_step(proj):
    assert not isinstance(read_request("redo shot 8 please", proj).op, Redo)


@pytest.mark.parametrize("text, fix", [
    ("halve it, the grid is counting in double time", "halve"),  # the fix asked and the symptom agree
    ("the music is half as fast as that", "halve"),              # the song's speed: the grid is too fast
    ("you've got it twice as fast as the track", "halve"),       # the grid's speed
    ("bpm is too slow", "double"),
    ("double it, it's already way too fast", "unclear"),          # the fix and the symptom disagree
    ("the bridge is lovely", None),
])
def test_the_tempo_fix_is_the_one_asked_not_the_symptom_described(text, fix):
    assert tempo_fix(text) == fix


def test_a_tempo_fix_that_disagrees_with_its_symptom_is_asked_not_changed(proj):
    reading = read_request("double the bpm, it's already running too fast", proj)
    assert reading.op is None and "doubled or halved" in reading.ask
    assert read_request("the tempo is double time, halve it", proj).op == SetTempo(change="halve")


def test_times_default_to_one_and_read_words_and_digits():
    assert times_named("undo") == 1 and times_named("undo the last 3 steps") == 3 and times_named("undo thrice") == 3


@pytest.mark.parametrize("text, shots, words", [
    ("i reckon shot 14 should be a bus shelter at dawn", ["14"], "bus shelter at dawn"),
    ("shot 9 -> gulls circling a car park", ["9"], "gulls circling a car park"),
    ("use a lit match in the dark for shot 3 instead", ["3"], "a lit match in the dark"),
    ("for the second shot i'm imagining a kite caught in power lines", ["2"], "kite caught in power lines"),
    ("the last shot of the second verse: a bus pulling away empty", ["14"], "bus pulling away empty"),
    ("shot twenty-six shd b a dog asleep on a doormat", ["26"], "dog asleep on a doormat"),
])
def test_a_picture_for_a_shot_is_read_however_it_is_framed(proj, text, shots, words):
    op = read_request(text, proj).op
    assert isinstance(op, WriteShots) and op.shots == shots and words in op.words


@pytest.mark.parametrize("text", [
    "shot 9 feels too long", "i think shot 6 is fine", "shot 4 is a cliché", "shot 12 looks great now",
    "shot 5 should be warmer", "shot 3 darker please", "the 30th shot should be a kite",
])
def test_a_judgement_a_look_or_a_missing_shot_is_not_a_picture(proj, text):
    assert not isinstance(read_request(text, proj).op, WriteShots)


def test_a_section_ordinal_is_the_songs_section_and_a_missing_one_is_not_written(proj):
    assert read_request("in the 2nd chorus we see a kite stuck in a tree", proj).op == \
        WriteSection(section="chorus 2", words="a kite stuck in a tree")
    assert read_request("the whole bridge should be snow falling on a trampoline", proj).op == \
        WriteSection(section="bridge", words="snow falling on a trampoline")
    assert read_request("the last shot of the third verse: a bus", proj).op is None  # two verses


@pytest.mark.parametrize("text, op", [
    ("could shot 3 go just after the bridge", MoveShot(shot="3", after="22")),
    ("shots 9 and 10 are in the wrong order", SwapShots(first="9", second="10")),
    ("put 2 where 5 is and 5 where 2 is", SwapShots(first="2", second="5")),
    ("one more at the very end: rain on a tin roof", InsertShot(words="rain on a tin roof", after="28")),
    ("put a kite in a tree between 5 and 6", InsertShot(words="a kite in a tree", after="5")),
])
def test_a_move_a_swap_or_an_insert_is_read_from_its_structure_and_a_word_that_names_it(proj, text, op):
    assert read_request(text, proj).op == op


@pytest.mark.parametrize("text, op", [
    ("shot 12 to the very start please", MoveShot(shot="12", before="1")),
    ("i think 16 would sit better before 11", MoveShot(shot="16", before="11")),
])
def test_a_move_read_from_structure_alone_is_asked_with_the_move_it_would_be(proj, text, op):
    reading = read_request(text, proj)  # no word names a move (issue #22: structure alone is never enough)
    assert reading.op is None and reading.unnamed == op
    assert text in reading.ask and f"move shot {op.shot} before shot {op.before}" in reading.ask


@pytest.mark.parametrize("text", [
    "shot 3 after the bridge is too dark",          # a place and a judgement: not a move
    "shots 9 and 10 are in the wrong order, and make 11 warmer",  # another change after it
    "put 2 where 5 is and 6 where 2 is",            # not each where the other is
])
def test_anything_else_said_beside_the_structure_makes_no_move_or_swap(proj, text):
    assert not isinstance(read_request(text, proj).op, (MoveShot, SwapShots))


def test_a_part_the_song_does_not_have_is_asked_naming_its_sections(proj):
    reading = read_request("every third verse: a kite in the rain", proj)
    assert reading.op is None and "verse" in reading.ask and "Nothing changed" in reading.ask


# said about a shot or a part, not asked of it: the structural readers must leave every one unchanged (written
# as a probe of the reader; the first 16 found 12 wrong changes in an earlier draft, the last 8 found 3)
REMARKS = ["the bridge is a mess", "shot 3 gets a lot of attention", "the bridge, it's a bit much", "i love shot 9",
           "shot 4 before the bridge feels rushed", "shot 12 after the chorus is my favourite", "shot 2 is a problem",
           "shot 6 is my favourite thing in the whole video", "shot 14 the way it is", "shot 9 could be better",
           "for shot 5, not sure", "shot 13 is a lie, she never had a dog", "shot 3 after shot 5?",
           "the last chorus is a total mess honestly", "shot 23 = perfect", "shot 12 -> no idea yet",
           "shot 8 reminds me of my dad", "shot 10 with the kettle is the heart of it",
           "in the bridge the lyric is about leaving", "is shot 6 before or after the first chorus",
           "shot 27 and 28 at the end are the payoff", "between 14 and 15 theres a nice pause", "shot 18 i dunno",
           "what's different from version 4"]


@pytest.mark.parametrize("text", REMARKS)
def test_a_remark_about_a_shot_is_never_a_silent_change(proj, text):
    reading = read_request(text, proj)
    assert reading.op is None or reading.op.asks or reading.op.name in ("changes_since", "weakest_shots"), reading


def test_a_parts_shots_merge_as_one_run_and_a_picture_may_say_one_by_one(proj):
    from shotlist.operations.shots import MergeShots

    assert read_request("merge the three verse shots in the middle... no wait, all the outro shots", proj).op is None
    assert read_request("fuse both outro shots into one", proj).op == MergeShots(first="27", last="28")
    assert read_request("every verse: candles going out one by one", proj).op == \
        WriteSection(section="verse", words="candles going out one by one")
