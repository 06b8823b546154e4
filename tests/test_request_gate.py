"""Guided mode's request reader changes the plan silently only when the operation is named and its slots are read
(`assistant.request_gate`), and reads everyday words for each operation from one lexicon (prompts/guided/lexicon.yaml).
Every request here was written for these tests, worded unlike the bank's (evals/requests), so no rule keyed to a
bank sentence can pass them."""

import pytest
import yaml

from assistant.edit_requests import read_request
from assistant.prompts import PROMPTS
from assistant.request_gate import restate
from assistant.request_lexicon import LEXICON, OBJECT, canonical, kinds_named
from evals.requests_eval import project
from shotlist.operations.history import GoBackBefore, Redo, Revert, Undo
from shotlist.operations.questions import ChangesSince, WeakestShots
from shotlist.operations.shots import (DeleteShots, InsertShot, MergeShots, MoveShot, SplitShot, SwapShots,
                                       WriteShots)


@pytest.fixture(scope="module")
def proj():
    return project()  # 28 shots: intro 1-2, verse 3-6, chorus 7-10, verse 11-14, chorus 15-18, bridge 19-22, ...


LEXICON_FILE = yaml.safe_load((PROMPTS / "guided" / "lexicon.yaml").read_text())


@pytest.mark.parametrize("verb, word", [(v, w) for v, e in LEXICON_FILE.items() for w in e["always"]])
def test_every_word_of_the_lexicon_file_names_its_operation(verb, word):
    assert word in LEXICON[verb]
    assert verb in kinds_named(canonical(f"ok {word} shot 3"))


def test_the_words_for_an_operation_are_written_once_and_the_classifier_reads_them():
    from assistant.request_kinds import reads

    words = [w for e in LEXICON_FILE.values() for w in e["always"]]
    assert len(words) == len(set(words))
    assert "bin" in OBJECT["delete"] and "stitch" in LEXICON["merge"] and "rewind" in LEXICON["undo"]
    assert reads("could you nix number 6") == "could you delete number 6"  # what MiniLM embeds


@pytest.mark.parametrize("text, op", [
    ("trash shot 6 please", DeleteShots(shots=["6"])),
    ("nix shots 3 through 5", DeleteShots(shots=["3", "4", "5"])),
    ("remove shots four, five and six", DeleteShots(shots=["4", "5", "6"])),
    ("shot 17 is pointless, ditch it", DeleteShots(shots=["17"])),
    ("chuck shot 2", DeleteShots(shots=["2"])),
    ("weld 11 and 12", MergeShots(first="11", last="12")),
    ("could you stitch shots 3 and 4 together", MergeShots(first="3", last="4")),
    ("should 13 and 14 become one shot?", MergeShots(first="13", last="14")),
    ("break up the 12th shot, it sits too long", SplitShot(shot="12")),
    ("cut 5 in half", SplitShot(shot="5")),
    ("would the opening and closing shots work if they traded places", SwapShots(first="1", second="28")),
    ("could you rewind to before the swap", GoBackBefore(change="swap")),
    ("bring back whatever you undid", Redo(steps=1)),
    ("step back three changes", Undo(steps=3)),
    ("put shot 6 at the end of the second chorus", MoveShot(shot="6", after="18")),
    ("move 20 to the start of the bridge", MoveShot(shot="20", before="19")),
])
def test_everyday_words_map_to_the_operation_they_name(proj, text, op):
    assert read_request(text, proj).op == op


@pytest.mark.parametrize("text, shot, words", [
    ("i reckon the 9th one works better as a paper boat in a gutter", "9", "a paper boat in a gutter"),
    ("tbh shot 15 could be a cat asleep on a radiator", "15", "a cat asleep on a radiator"),
    ("the first shot of the whole video needs to be rain on a windscreen", "1", "rain on a windscreen"),
    ("swap out whats in 12 with a red kite caught on a wire", "12", "a red kite caught on a wire"),
])
def test_a_picture_for_a_shot_is_the_artists_words_however_it_is_framed(proj, text, shot, words):
    assert read_request(text, proj).op == WriteShots(shots=[shot], words=words)


@pytest.mark.parametrize("text, op", [
    ("intercambia el 7 con el 8", SwapShots(first="7", second="8")),
    ("parte el plano 4 en dos", SplitShot(shot="4")),
    ("pon el plano 6 antes del 2", MoveShot(shot="6", before="2")),
    ("rétablis", Redo(steps=1)),
    ("reviens à la version 2", Revert(version=2)),
    ("enlève le plan 9", DeleteShots(shots=["9"])),
])
def test_the_common_operations_in_spanish_and_french(proj, text, op):
    assert read_request(text, proj).op == op


def test_questions_said_other_ways(proj):
    assert read_request("which one is the least convincing", proj).op == WeakestShots(count=1)
    assert read_request("has anything changed since the render", proj).op == ChangesSince()
    assert read_request("compare with v2, what's different", proj).op == ChangesSince(version=2)


# read from structure alone, or a slot not read: a question quoting the request, nothing changed
STRUCTURE_ONLY = [
    "i feel 14 belongs after the bridge",  # one shot and a place, no word for a move
    "16 right at the very top",
    "stitch 3 and 4",  # two numbers, but a merge is named: never a swap
    "break up shot nine, it's too long",  # a split named: never a retime
    "could 5 and 6 be one shot",  # a merge: never the words 'one shot' as a picture
    "can the 3rd shot be chopped in half",
    "get rid of the bridge",  # a part, not shots: asked, naming them
    "add something after the intro",  # no picture for the new shot
    "the end bit drags",  # a rule over a part the song does not name
    "drop the red in shot 4",  # a change to a picture, not a picture
    "scrap every shot",  # bad input: the only shots
]


@pytest.mark.parametrize("text", STRUCTURE_ONLY)
def test_a_request_read_from_structure_alone_changes_nothing_wrongly(proj, text):
    from evals.requests_eval import changes

    reading = read_request(text, proj)
    op = reading.op
    wrong = {"stitch 3 and 4": "merge_shots", "break up shot nine, it's too long": "split_shot",
             "could 5 and 6 be one shot": "merge_shots", "can the 3rd shot be chopped in half": "split_shot"}
    if op is not None and changes(op.name):
        assert op.name == wrong.get(text), (text, op)  # only the operation the request names
    else:
        assert reading.ask and "Nothing changed" in reading.ask, (text, reading)


@pytest.mark.parametrize("text, op", [
    ("i feel 14 belongs after the bridge", MoveShot(shot="14", after="22")),
    ("16 right at the very top", MoveShot(shot="16", before="1")),
])
def test_the_question_quotes_the_request_and_offers_the_operation_it_would_be(proj, text, op):
    reading = read_request(text, proj)
    assert reading.op is None and reading.unnamed == op and f"\u201c{text}\u201d" in reading.ask
    assert f"\u201c{restate(op)}\u201d" in reading.ask
    assert read_request(restate(op), proj).op == op  # the sentence offered is read as that operation


@pytest.mark.parametrize("op", [
    SwapShots(first="3", second="9"), DeleteShots(shots=["4", "5"]), MoveShot(shot="7", before="2"),
    MoveShot(shot="7", after="20"), MergeShots(first="11", last="13"), SplitShot(shot="6"),
    InsertShot(words="a moth on a lampshade", after="10"), InsertShot(words="a moth on a lampshade", before_section="bridge"),
    WriteShots(shots=["8"], words="a moth on a lampshade"),
])
def test_every_operation_restated_is_read_back_as_itself(proj, op):
    assert read_request(restate(op), proj).op == op


def test_extra_files_are_further_dev_splits_named_by_file(tmp_path, monkeypatch):
    import evals.requests_kinds as kinds

    (tmp_path / "extra").mkdir()
    (tmp_path / "dev.yaml").write_text("# split: one\n- {text: \"swap 1 and 2\", op: swap_shots}\n"
                                       "# split: two\n- {text: \"undo\", op: undo}\n")
    (tmp_path / "extra" / "later.yaml").write_text("- {text: \"delete shot 3\", op: delete_shots}\n")
    monkeypatch.setattr(kinds, "HERE", tmp_path)
    splits = kinds.author_splits()
    assert list(splits) == ["one", "two", "later"] and splits["later"][0]["text"] == "delete shot 3"


def test_the_classifier_may_confirm_a_structure_only_reading_of_its_own_kind_and_no_other(proj):
    from assistant.request_kinds import Kinds, confirmed

    moves = ["move shot 3 after shot 8", "put 12 before 4", "shift 20 to the end", "bring 6 after the bridge",
             "move the last shot to the start"]
    deletes = ["delete shot 3", "remove 12", "get rid of shot 20", "bin shot 6", "scrap the last shot"]
    text = "i feel 14 belongs after the bridge"
    asked = read_request(text, proj)
    sure = Kinds(tuple(moves + deletes), ("move_shot",) * 5 + ("delete_shots",) * 5, act=0.0)
    assert confirmed(text, asked, sure).op == MoveShot(shot="14", after="22")
    unsure = Kinds(sure.texts, sure.kinds, act=1.01)  # no margin is that large: the question stays
    assert confirmed(text, asked, unsure) is asked
    other = Kinds(sure.texts, ("delete_shots",) * 5 + ("move_shot",) * 5, act=0.0)  # the kinds turned round
    assert confirmed(text, asked, other).op is None
