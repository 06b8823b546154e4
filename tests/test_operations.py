"""The table of project operations on a real store: each is one named version, the plan stays whole
(covers the song, no gaps, cuts on beats), pictures move while slots keep their lyric, rules stay for
later shots, questions read what is stored, and bad input changes nothing."""

from __future__ import annotations

import pytest

from shotlist.editor import ProjectEditor
from shotlist.errors import ShotcallerError
from shotlist.models import Critique, Shot, Take
from shotlist.operations import OPERATIONS, Operations, parse
from shotlist.operations.history import GoBackBefore, Undo
from shotlist.operations.questions import ChangesSince, WeakestShots, WhyGenerative
from shotlist.operations.rules import SetRule
from shotlist.operations.shots import (DeleteShots, InsertShot, LockShots, MergeShots, MoveShot, SplitShot, SwapShots,
                                       WriteSection, WriteShots)
from planned import planned_project
from shotlist.shot_ops import QUOTED

@pytest.fixture
def ops(tmp_path):
    store, pid = planned_project(tmp_path)
    return Operations(store), store, pid


def whole(project) -> None:
    shots, song = project.shots, project.song
    assert shots[0].start == 0 and shots[-1].end == pytest.approx(song.duration, abs=1e-3)
    assert all(a.end == pytest.approx(b.start, abs=1e-4) for a, b in zip(shots, shots[1:]))
    assert all(min(abs(s.start - b) for b in song.beats) < 1e-3 for s in shots[1:])
    assert [s.index for s in shots] == list(range(1, len(shots) + 1))
    for s in shots:  # each reason agrees with the lyric its shot carries, or says it does not
        stale = [q for q in QUOTED.findall(s.reason) if q.lower() not in (s.lyric or "").lower()]
        assert not stale or "rewrite it" in " ".join(s.critique.notes), (s.index, s.reason, s.lyric)


EVERY_CHANGE = [
    (SwapShots(first="3", second="4"), "swap 3 ↔ 4"),
    (MoveShot(shot="6", before="4"), "move 6 before 4"),
    (DeleteShots(shots=["5"]), "delete 5"),
    (InsertShot(words="the empty chair by the window", before_section="last chorus"), "insert before the last chorus"),
    (InsertShot(words="a kettle", after="2"), "insert after shot 2"),
    (InsertShot(words="a kettle", at=41.0), "insert at 41.0s"),
    (WriteShots(shots=["7"], words="him sitting at the table underwater, still pouring tea"),
     "shot 7 in your words"),
    (WriteSection(section="every chorus", words="water coming in under the door"), "every chorus in your words"),
    (MergeShots(first="3", last="5"), "merge 3–5"),
    (SplitShot(shot="4"), "split 4"),
    (SetRule(rule="no dutch angles"), "rule: no dutch angles"),
    (SetRule(rule="slower", part="verse"), "rule: slower"),
    (SetRule(rule="vertical 9:16"), "rule: vertical 9:16"),
    (LockShots(shots=["2-3"]), "lock 2, 3"),
]


@pytest.mark.parametrize("op,label", EVERY_CHANGE, ids=[o.name + str(i) for i, (o, _) in enumerate(EVERY_CHANGE)])
def test_each_change_is_one_named_version_and_the_plan_stays_whole(ops, op, label):
    run, store, pid = ops
    before = store.load(pid)
    result = run.run(pid, op)
    after = store.load(pid)
    assert result.changed and after.version == before.version + 1
    assert store.history(pid)[-1] == (after.version, label)
    whole(after)
    assert result.line.endswith(f"version {after.version}") and "\n" not in result.line
    run.run(pid, Undo())  # one undo step takes the whole operation back
    assert store.load(pid).shots == before.shots


def test_swap_moves_pictures_while_slots_keep_their_cuts_and_lyrics(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    result = run.run(pid, SwapShots(first="3", second="4"))
    after = store.load(pid).shots
    for slot, picture in ((2, 3), (3, 2)):
        assert (after[slot].start, after[slot].end, after[slot].lyric) == (before[slot].start, before[slot].end,
                                                                             before[slot].lyric)
        assert (after[slot].subject, after[slot].angle, after[slot].id) == (before[picture].subject,
                                                                             before[picture].angle, before[picture].id)
        assert f'"{after[slot].lyric.split(" / ")[0]}"' in after[slot].reason  # the reason quotes its own line
    assert any("now quotes" in n for n in result.notes)
    assert [s.model_dump() for i, s in enumerate(after) if i not in (2, 3)] == \
           [s.model_dump() for i, s in enumerate(before) if i not in (2, 3)]


def test_a_reason_whose_line_is_gone_is_flagged(ops):
    run, store, pid = ops
    shots = store.load(pid).shots
    silent = next(n for n, s in enumerate(shots, 1) if not s.lyric)
    sung = next(n for n, s in enumerate(shots, 1) if s.lyric and n > silent)
    result = run.run(pid, SwapShots(first=str(silent), second=str(sung)))
    flagged = store.load(pid).shots[silent - 1]
    assert any("flagged" in n for n in result.notes) and "rewrite it" in flagged.critique.notes[-1]


def test_move_shifts_the_pictures_between(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    run.run(pid, MoveShot(shot="6", before="3"))
    after = store.load(pid).shots
    assert [s.subject for s in after[2:6]] == [before[5].subject, before[2].subject, before[3].subject,
                                                before[4].subject]
    assert [(s.start, s.end) for s in after] == [(s.start, s.end) for s in before]


def test_insert_takes_time_from_both_neighbours_on_the_beat(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    result = run.run(pid, InsertShot(words="a shot of the empty chair", before="4"))
    after = store.load(pid).shots
    new = after[3]
    assert len(after) == len(before) + 1 and result.shots == [4]
    assert new.subject == "the empty chair" and new.origin == "artist"
    assert before[2].start < new.start < before[3].start < new.end < before[3].end
    assert after[2].end == new.start and after[4].start == new.end


def test_delete_gives_the_time_to_the_neighbours(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    run.run(pid, DeleteShots(shots=["5"]))
    after = store.load(pid).shots
    assert len(after) == len(before) - 1 and before[4].id not in {s.id for s in after}
    assert after[3].start == before[3].start and after[4].end == before[5].end
    assert before[4].start < after[3].end < before[4].end


def test_the_artists_words_become_fields_and_a_replan_keeps_them(ops):
    run, store, pid = ops
    run.run(pid, WriteShots(shots=["last"], words="him sitting at the table underwater, still pouring tea"))
    last = store.load(pid).shots[-1]
    assert (last.subject, last.setting) == ("him", "at the table underwater")
    assert last.action.startswith("sitting") and "(underwater)" in last.why_generative and last.origin == "artist"
    song = store.load(pid).song
    edit = ProjectEditor(store, pid).propose([Shot(start=0, end=song.duration / 2), Shot(start=song.duration / 2,
                                                                                         end=song.duration)],
                                             replan=True)
    kept = [s for s in edit.project.shots if s.id == last.id]
    assert kept and kept[0].subject == "him" and any("your own words" in n for n in edit.notes)


def test_every_chorus_gets_the_picture_and_keeps_its_lyrics(ops):
    run, store, pid = ops
    before = store.load(pid)
    choruses = [s for s in before.song.sections if s.label == "chorus"]
    result = run.run(pid, WriteSection(section="chorus", words="water coming in under the door"))
    after = store.load(pid).shots
    inside = [n for n, s in enumerate(after, 1) if any(c.start <= (s.start + s.end) / 2 < c.end for c in choruses)]
    assert result.shots == inside and len(inside) >= 3
    assert all(after[n - 1].subject == "water" and after[n - 1].lyric == before.shots[n - 1].lyric for n in inside)


def test_rules_apply_now_stay_in_the_brief_and_reach_later_shots(ops):
    run, store, pid = ops
    run.run(pid, SetRule(rule="no dutch angles"))
    run.run(pid, SetRule(rule="make the whole thing more dreamlike"))
    project = store.load(pid)
    assert not [s for s in project.shots if s.angle == "dutch"]
    assert "rule: no dutch angles" in project.brief.constraints.notes
    assert all("dreamlike" in s.prompt for s in project.shots)
    run.run(pid, InsertShot(words="a moth on the glass", after="1"))
    assert "dreamlike" in store.load(pid).shots[1].prompt


def test_a_rule_over_a_part_touches_only_that_part(ops):
    run, store, pid = ops
    before = store.load(pid)
    verses = [s for s in before.song.sections if s.label == "verse"]
    run.run(pid, SetRule(rule="less literal", part="second verse"))
    after = store.load(pid).shots
    touched = [s.index for s, b in zip(after, before.shots) if s.prompt != b.prompt]
    assert touched and all(verses[1].start <= (after[n - 1].start + after[n - 1].end) / 2 < verses[1].end
                           for n in touched)


def test_slower_in_the_verses_is_one_version_with_fewer_verse_shots(ops):
    run, store, pid = ops
    before = store.load(pid)
    run.run(pid, SetRule(rule="slower in the verses", part="verse"))
    after = store.load(pid)
    assert len(after.shots) < len(before.shots) and after.version == before.version + 1
    run.run(pid, Undo())
    assert store.load(pid).shots == before.shots


def test_vertical_sets_the_aspect(ops):
    run, store, pid = ops
    run.run(pid, SetRule(rule="make it vertical 9:16"))
    c = store.load(pid).brief.constraints
    assert (c.aspect, c.resolution) == ("9:16", "720x1280")


def test_questions_read_what_is_stored_and_save_nothing(ops):
    run, store, pid = ops
    version = store.load(pid).version
    assert run.run(pid, WhyGenerative(shot="12")).line == "shot 12 needs generation because why 12"
    project = store.load(pid)
    weak = project.shots[6].model_copy(update={"critique": Critique(generic=True, notes=["a cliché"])})
    store.save(project.model_copy(update={"shots": [*project.shots[:6], weak, *project.shots[7:]]}))
    assert run.run(pid, WeakestShots()).shots == [7]
    run.run(pid, SwapShots(first="1", second="2"))
    changes = run.run(pid, ChangesSince())
    assert "2 changed (1, 2)" in changes.line and "swap 1 ↔ 2" in changes.line
    assert store.load(pid).version == version + 2


def test_go_back_to_before_a_named_change(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    run.run(pid, SwapShots(first="3", second="4"))
    run.run(pid, DeleteShots(shots=["9"]))
    result = run.run(pid, GoBackBefore(change="swap"))
    assert store.load(pid).shots == before and "swap 3 ↔ 4" in result.line


BAD = [
    ("delete_shots", {"shots": ["99"]}, "no shot 99"),
    ("delete_shots", {"shots": ["20-40"]}, "no shot"),
    ("swap_shots", {"first": "3", "second": "3"}, "itself"),
    ("write_shots", {"shots": ["2"], "words": "x" * 20_000}, "at most 600"),
    ("write_shots", {"shots": ["2"], "words": "🌊🌊🔥"}, "no letters"),
    ("insert_shot", {"words": "a chair"}, "say where"),
    ("insert_shot", {"words": "a chair", "before_section": "solo"}, "no section 'solo'"),
    ("set_rule", {"rule": "make it pop"}, "could not read"),
    ("why_generative", {"shot": "0"}, "no shot 0"),
]


@pytest.mark.parametrize("name,args,says", BAD)
def test_bad_input_is_one_clear_line_and_changes_nothing(ops, name, args, says):
    run, store, pid = ops
    before = store.load(pid)
    with pytest.raises(ShotcallerError, match=says) as e:
        run.call(pid, name, **args)
    assert "\n" not in str(e.value) and store.load(pid) == before


def test_locked_shots_refuse_moves_and_insert_needs_a_free_beat(ops):
    run, store, pid = ops
    run.run(pid, LockShots(shots=["3", "4"]))
    before = store.load(pid)
    with pytest.raises(ShotcallerError, match="locked"):
        run.run(pid, MoveShot(shot="3", after="6"))
    with pytest.raises(ShotcallerError, match="no beat is free"):
        run.run(pid, InsertShot(words="a chair", before="4"))
    with pytest.raises(ShotcallerError, match="locked"):
        run.run(pid, DeleteShots(shots=["4"]))
    assert store.load(pid) == before


def test_deleting_the_only_shot_and_operating_before_a_plan_are_refused(ops, tmp_path):
    run, store, pid = ops
    song = store.load(pid).song
    ProjectEditor(store, pid).propose([Shot(start=0, end=song.duration)], replan=True)
    with pytest.raises(ShotcallerError, match="at least one"):
        run.run(pid, DeleteShots(shots=["1"]))
    bare = store.create(tmp_path / "song.wav", lambda _p: song, title="Bare")
    for op in (SwapShots(first="1", second="2"), WeakestShots(), InsertShot(words="a chair", at=3.0)):
        with pytest.raises(ShotcallerError, match="no plan yet"):
            run.run(bare.id, op)
    assert store.load(bare.id).version == bare.version


def test_the_table_names_every_operation_once_with_a_description():
    assert len(OPERATIONS) >= 15
    for name, cls in OPERATIONS.items():
        assert cls.name == name and len(cls.description()) > 20
    assert isinstance(parse("swap_shots", {"first": 1, "second": "4"} | {"first": "1"}), SwapShots)


def test_repeat_brings_a_picture_back_as_a_new_shot(ops):
    run, store, pid = ops
    before = store.load(pid).shots
    result = run.run(pid, parse("repeat_shot", {"shot": 3, "after": "9"}))
    after = store.load(pid)
    whole(after)
    new = after.shots[9]
    assert len(after.shots) == len(before) + 1 and result.shots == [10]
    assert new.id not in {s.id for s in before} and (new.subject, new.angle) == (before[2].subject, before[2].angle)
    assert not new.lyric or f'"{new.lyric.split(" / ")[0]}"' in new.reason
    assert store.history(pid)[-1][1] == "repeat 3 after 9"


def test_changes_since_the_last_render_start_at_the_save_that_added_takes(ops):
    run, store, pid = ops
    run.run(pid, DeleteShots(shots=["9"]))
    project = store.load(pid)
    rendered = project.shots[1].model_copy(update={"takes": [Take(id="t1", seed=1, backend="animatic",
                                                                   status="done")]})
    store.save(project.model_copy(update={"shots": [project.shots[0], rendered, *project.shots[2:]]}))  # a render
    run.run(pid, SwapShots(first="3", second="4"))
    line = run.run(pid, ChangesSince()).line
    assert line.startswith(f"since the last render (version {project.version + 1}): 2 changed (3, 4)")
    assert "swap 3 ↔ 4" in line and "delete 9" not in line


def test_a_lock_and_a_change_are_one_version_and_one_undo_step(ops):
    from shotlist.operations.looks import ChangeShots

    run, store, pid = ops
    before = store.load(pid)
    result = run.run(pid, ChangeShots(shots=["5"], looks=["colder"], lock=["3"]))
    after = store.load(pid)
    assert after.version == before.version + 1
    assert store.history(pid)[-1] == (after.version, "colder 5 + lock 3")
    assert after.shots[2].locked and after.shots[2].prompt == before.shots[2].prompt  # locked, not made colder
    assert not after.shots[4].locked and after.shots[4].warmth < before.shots[4].warmth
    assert "locked shot 3" in result.line
    run.run(pid, Undo())
    undone = store.load(pid)
    assert undone.shots == before.shots  # one undo step takes back both


def test_an_unlock_first_lets_the_change_through_in_the_same_version(ops):
    from shotlist.operations.looks import ChangeShots

    run, store, pid = ops
    run.run(pid, LockShots(shots=["4"]))
    v = store.load(pid).version
    run.run(pid, ChangeShots(shots=["4"], looks=["darker"], unlock=["4"]))
    after = store.load(pid)
    assert after.version == v + 1 and not after.shots[3].locked and "unlock 4" in store.history(pid)[-1][1]


@pytest.mark.parametrize("said, shape", [
    ("make it square", "1:1"), ("go vertical for reels", "9:16"), ("make the video vertical", "9:16"),
    ("square format for insta", "1:1"), ("in portrait pls", "9:16"), ("4:5 for instagram", "4:5"),
    ("can we do 9x16", "9:16"), ("every chorus: a bell swinging in an empty square at dawn", None),
    ("the town square at night", None), ("a portrait of her mother on the wall", None),
    ("a vertical crack running up the plaster", None), ("whatever is at 2:03 is filler", None),
    ("a shot at 1:01 of the broom", None), ("everything between 1:32 and 1:50", None)])
def test_a_frame_shape_is_read_only_where_it_is_asked_for(said, shape):
    from shotlist.plan_rules import aspects_said

    assert (aspects_said(said)[0][1] if aspects_said(said) else None) == shape
