"""The reader of artists' requests on removals: a verb of removal whose object is a shot is a delete, whatever
reason follows it, and never a replace; what it cannot read safely it asks. (Phrasings written for this test,
none from the request bank's held-out split.)"""

from __future__ import annotations

import pytest

from assistant.edit_requests import read_request
from evals.requests_eval import project
from shotlist.operations.shots import DeleteShots


@pytest.fixture(scope="module")
def proj():
    return project()


@pytest.mark.parametrize("text,shots", [
    ("get rid of shot 11, it never landed for me", ["11"]),
    ("lose 6 because it repeats the one before", ["6"]),
    ("cut shot 19 - too busy", ["19"]),
    ("drop the fourth shot, it's redundant", ["4"]),
    ("kill 20 and 21 they drag", ["20", "21"]),
    ("ditch this one, honestly", ["7"]),
    ("yeah nix shot 2", ["2"]),
    ("the ending drags so get rid of the last shot and that fixes it", ["28"]),
])
def test_a_removal_verb_on_a_shot_is_a_delete_whatever_reason_follows(proj, text, shots):
    reading = read_request(text, proj, selected=7)
    assert reading.op == DeleteShots(shots=shots), (text, reading)


@pytest.mark.parametrize("text", [
    "get rid of shot 11 and make 12 colder",  # a second change: one at a time
    "lose shot 5, swap 8 and 9",
    "drop shot 14 onto the bridge",  # not a removal the reader can be sure of
])
def test_a_removal_with_more_after_it_is_asked_never_a_silent_change(proj, text):
    reading = read_request(text, proj)
    assert reading.op is None and not reading.legacy and "Nothing changed" in reading.ask, (text, reading)


@pytest.mark.parametrize("text", ["don't cut shot 5", "cut shot 5 down a bit", "get rid of the moon in shot 4"])
def test_what_is_not_a_delete_is_not_read_as_one(proj, text):
    assert not isinstance(read_request(text, proj).op, DeleteShots), text


@pytest.mark.parametrize("text", ["pull shot 1 out wider", "can you take shot 9 out further", "pull 3 out to a wide"])
def test_pulling_a_shot_out_wider_is_framing_never_a_delete_or_a_question_about_one(proj, text):
    reading = read_request(text, proj)
    assert not isinstance(reading.op, DeleteShots) and "delete" not in (reading.ask or ""), (text, reading)


def test_a_verb_with_one_letter_slipped_is_read_but_a_real_word_is_not(proj):
    from assistant.request_lexicon import canonical

    assert canonical("mvoe 3 after 5") == "move 3 after 5" and canonical("mrge 3 and 4") == "merge 3 and 4"
    assert canonical("the red car") == "the red car" and canonical("a slit of light") == "a slit of light"


def test_move_it_takes_the_one_shot_named_before_and_asks_when_there_are_two(proj):
    from shotlist.operations.shots import MoveShot

    assert read_request("shot 9 drags there, put it after shot 12", proj).op == MoveShot(shot="9", after="12")
    asked = read_request("shots 9 and 10 are odd, move it after shot 12", proj)
    assert asked.op is None and "Nothing changed" in asked.ask
    assert read_request("move 3 before 3", proj).op is None


def test_a_version_named_by_number_goes_back_to_it_and_one_past_the_plan_is_asked(proj):
    from shotlist.operations.history import Revert

    assert read_request("roll back to version 2 please", proj).op == Revert(version=2)
    assert read_request("can we go back to v1", proj).op == Revert(version=1)
    asked = read_request("restore version 12", proj)
    assert asked.op is None and "version 3" in asked.ask and "Nothing changed" in asked.ask
    assert read_request("what changed since version 2", proj).op.name == "changes_since"  # a question, not a revert


def test_an_operation_on_the_locked_shots_is_asked_naming_them(proj):
    locked = proj.model_copy(update={"shots": [s.model_copy(update={"locked": k in (4, 9)})
                                               for k, s in enumerate(proj.shots, 1)]})
    asked = read_request("get rid of every locked shot", locked)
    assert asked.op is None and "shots 4, 9" in asked.ask and "Nothing changed" in asked.ask
    assert read_request("lock shot 5", locked).op is None  # locking is the look path's, not asked here


def test_going_back_before_a_kind_of_change_said_as_the_way_it_was(proj):
    assert read_request("back to the way it was before we swapped things", proj).op.change == "swap"


@pytest.mark.parametrize("text,kind,part", [
    ("the verses drag a bit", "faster", "verse"),
    ("let the intro breathe", "slower", "intro"),
    ("the chorus cutting is way too frantic", "slower", "chorus"),
])
def test_pacing_said_of_a_part_is_a_rule_for_it(proj, text, kind, part):
    from shotlist.plan_rules import parse_rule

    op = read_request(text, proj).op
    assert op.name == "set_rule" and parse_rule(op.rule).kind == kind and op.part == part


def test_pacing_said_of_a_named_shot_is_never_a_rule(proj):
    assert read_request("the second shot drags", proj).op is None


def test_spelled_out_numbers_past_twenty_ordinals_in_digits_and_out_after_the_shots(proj):
    assert read_request("remove shots twenty-one to twenty three", proj).op == DeleteShots(shots=["21", "22", "23"])
    assert read_request("ok delete the 15th shot", proj).op == DeleteShots(shots=["15"])
    assert read_request("take shots 3 and 4 out", proj).op == DeleteShots(shots=["3", "4"])
    assert read_request("why is the 14th shot generated", proj).op.shot == "14"
