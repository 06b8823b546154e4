"""The project editor on a real store in a tmp dir, on a synthetic song with a known beat grid."""

from __future__ import annotations

import pytest

from helpers import even_shots
from shotlist.editor import Edit, ProjectEditor
from shotlist.errors import LockedShot, PlanExists, ShotcallerError, VersionConflict
from shotlist.models import NOT_EDITABLE, Critique, Shot, ShotChanges, ShotPatch, Take
from shotlist.song import analyse_song
from shotlist.store import ProjectStore


def stamp(project):
    """A review that leaves a mark on every shot, so the test sees it applied (and with which version)."""
    note = f"reviewed at v{project.version}"
    return project.model_copy(update={"shots": [s.model_copy(update={"critique": Critique(notes=[note])})
                                                for s in project.shots]})


@pytest.fixture
def store_pid(click_wav, tmp_path):
    path, _, _ = click_wav
    store = ProjectStore(tmp_path / "projects")
    project = store.create(path, analyse_song, title="Click Song")
    return store, project.id


@pytest.fixture
def planned(store_pid):
    store, pid = store_pid
    editor = ProjectEditor(store, pid, review=stamp)
    edit = editor.propose(even_shots(store.load(pid).song.duration, 8))
    return store, pid, editor, edit


def content(shot):
    return shot.model_dump(exclude={"index", "critique"})


def test_propose_snaps_reviews_and_returns_a_typed_edit(planned):
    store, pid, _, edit = planned
    assert isinstance(edit, Edit) and edit.saved and edit.version == 2
    assert len(edit.project.shots) == 8 and edit.changed == [s.id for s in edit.project.shots]
    beats = edit.project.song.beats
    assert all(min(abs(s.start - b) for b in beats) < 1e-3 for s in edit.project.shots[1:])
    assert all(s.critique.notes == ["reviewed at v1"] for s in edit.project.shots)  # review ran before the save
    assert store.load(pid) == edit.project


def test_a_second_plan_is_refused_unless_replanning_was_asked(planned):
    store, pid, editor, edit = planned
    duration = edit.project.song.duration
    with pytest.raises(PlanExists, match="re-plan"):
        editor.propose(even_shots(duration, 4))
    assert store.load(pid).version == edit.version
    again = editor.propose(even_shots(duration, 4), replan=True)
    assert len(again.project.shots) == 4 and set(again.removed) == {s.id for s in edit.project.shots}


def test_revise_changes_only_the_named_shot(planned):
    store, pid, editor, before = planned
    target = before.project.shots[4]
    edit = editor.revise([ShotPatch(shot="5", changes={"prompt": "a colder frame", "shot_size": "Close up"})])
    assert edit.changed == [target.id] and edit.numbers() == [5]
    after = store.load(pid)
    assert after.shots[4].prompt == "a colder frame" and after.shots[4].shot_size == "close-up"
    assert [content(s) for i, s in enumerate(after.shots) if i != 4] == \
           [content(s) for i, s in enumerate(before.project.shots) if i != 4]


def test_a_moved_cut_moves_the_neighbour_and_only_it(planned):
    _, _, editor, before = planned
    shots = before.project.shots
    new_end = shots[2].end + 0.5
    edit = editor.revise([ShotPatch(shot=shots[2].id, changes={"end": new_end})])
    assert edit.changed == [shots[2].id, shots[3].id]
    after = edit.project.shots
    assert after[2].end == pytest.approx(new_end, abs=1e-3) and after[3].start == after[2].end
    assert [content(s) for s in after[5:]] == [content(s) for s in shots[5:]]


def test_locked_shots_never_change(planned):
    store, pid, editor, before = planned
    shots = before.project.shots
    lock = editor.lock(["3", 4])
    assert lock.changed == [shots[2].id, shots[3].id] and lock.project.shots[2].locked
    # a lock changes nothing the review reads, so the findings stay those of the last content change
    assert all(s.critique.notes == ["reviewed at v1"] for s in lock.project.shots)
    reviewed = editor.critique()
    assert all(s.critique.notes == [f"reviewed at v{lock.version}"] for s in reviewed.project.shots)
    for attempt in (
        lambda: editor.revise([ShotPatch(shot="3", changes={"prompt": "x"})]),
        lambda: editor.revise([ShotPatch(shot="2", changes={"end": shots[1].end + 0.5})]),  # moves shot 3
        lambda: editor.split("4", shots[3].start + 1.0),
        lambda: editor.merge("2", "5"),
    ):
        with pytest.raises(LockedShot, match="locked"):
            attempt()
    assert store.load(pid).version == reviewed.version
    # a re-plan keeps them exactly where and what they are
    replan = editor.propose(even_shots(before.project.song.duration, 5), replan=True)
    kept = {s.id: s for s in replan.project.shots}
    assert content(kept[shots[2].id]) == content(lock.project.shots[2])
    assert content(kept[shots[3].id]) == content(lock.project.shots[3])
    assert shots[2].id not in replan.changed and any("kept locked" in n for n in replan.notes)
    assert kept[shots[2].id].critique.notes == [f"reviewed at v{replan.version - 1}"]  # reviewed, not changed
    unlocked = editor.lock(["3-4"], locked=False)
    assert not any(s.locked for s in unlocked.project.shots)


def test_split_and_merge(planned):
    _, _, editor, before = planned
    s3 = before.project.shots[2]
    split = editor.split("3", s3.start + s3.duration / 2 + 0.01)
    assert len(split.project.shots) == 9 and split.changed[0] == s3.id
    cut = split.project.shots[2].end
    assert min(abs(cut - b) for b in split.project.song.beats) < 1e-3
    merged = editor.merge("3", "4")
    assert len(merged.project.shots) == 8 and merged.removed == [split.changed[1]]
    with pytest.raises(ShotcallerError, match="not inside shot 1"):
        editor.split("1", merged.project.song.duration - 0.5)


def test_two_tabs_get_a_conflict_with_the_fresh_project(planned):
    store, pid, _, edit = planned
    tab_a = ProjectEditor(store, pid, review=stamp, version=edit.version)
    tab_b = ProjectEditor(store, pid, review=stamp, version=edit.version)
    first = tab_a.revise([ShotPatch(shot="1", changes={"subject": "a paper moon"})])
    assert tab_a.version == first.version == edit.version + 1
    with pytest.raises(VersionConflict, match="changed in another window") as conflict:
        tab_b.revise([ShotPatch(shot="2", changes={"subject": "a glass river"})])
    fresh = conflict.value.project
    assert fresh.version == first.version and fresh.shots[0].subject == "a paper moon"
    assert store.load(pid).shots[1].subject != "a glass river"  # the stale edit was not applied
    tab_b.version = fresh.version  # the studio reloads, the artist repeats the change
    tab_b.revise([ShotPatch(shot="2", changes={"subject": "a glass river"})])
    final = store.load(pid)
    assert (final.shots[0].subject, final.shots[1].subject) == ("a paper moon", "a glass river")


def test_a_save_racing_another_writer_is_a_typed_conflict(planned):
    store, pid, _, edit = planned
    stale = store.load(pid)
    store.save(stale.model_copy(update={"title": "Renamed elsewhere"}))
    with pytest.raises(VersionConflict) as conflict:
        store.save(stale.model_copy(update={"title": "Mine"}))
    assert conflict.value.project.title == "Renamed elsewhere"


def test_brief_style_and_title(planned):
    store, pid, editor, _ = planned
    edit = editor.update_brief(meaning="a lover's impossible tasks", constraints={"fps": 25})
    assert edit.fields == ["brief.meaning", "brief.constraints"]
    brief = store.load(pid).brief
    assert brief.constraints.fps == 25 and brief.constraints.aspect == "16:9"  # a partial update keeps the rest
    assert all(s.critique.notes == [f"reviewed at v{edit.version - 1}"] for s in edit.project.shots)
    same = editor.update_brief(meaning="a lover's impossible tasks")
    assert not same.saved and same.version == edit.version
    with pytest.raises(ShotcallerError, match="unknown brief fields \\['colour'\\]"):
        editor.update_brief(colour="red")
    with pytest.raises(ShotcallerError, match="^brief: constraints.fps: Input should be greater than 0$"):
        editor.update_brief(constraints={"fps": -1})
    style = editor.update_style(look="16mm, halation")
    assert style.fields == ["style.look"] and store.load(pid).style.look == "16mm, halation"
    assert editor.rename("  A   New Title ").project.title == "A New Title"
    with pytest.raises(ShotcallerError, match="needs a title"):
        editor.rename("   ")


def test_undo_redo_report_what_moved(planned):
    _, _, editor, before = planned
    revised = editor.revise([ShotPatch(shot="2", changes={"action": "folds into paper"})])
    undone = editor.undo()
    assert undone.version == before.version and undone.changed == [before.project.shots[1].id]
    redone = editor.redo()
    assert redone.version == revised.version and redone.project.shots[1].action == "folds into paper"
    with pytest.raises(ShotcallerError, match="nothing to redo"):
        editor.redo()


def test_pick_take_and_fit(planned):
    store, pid, editor, edit = planned
    project = store.load(pid)
    takes = [Take(id="t1", seed=1, backend="animatic", status="done"), Take(id="t2", seed=2, backend="animatic")]
    shots = [s.model_copy(update={"takes": takes}) if i == 0 else s for i, s in enumerate(project.shots)]
    store.save(project.model_copy(update={"shots": shots}))
    picked = editor.pick_take("1", "t2")
    assert picked.project.shots[0].picked_take == "t2" and picked.changed == [shots[0].id]
    with pytest.raises(ShotcallerError, match="no take 't9'; takes: t1, t2"):
        editor.pick_take("1", "t9")
    editor.lock(["2"])
    longest = max(s.duration for s in picked.project.shots)
    fitted = editor.fit(longest / 2 + 0.01, "tiny-model")
    assert len(fitted.project.shots) > 8 and all("tiny-model" in n for n in fitted.notes)
    assert content(fitted.project.shots[[s.id for s in fitted.project.shots].index(shots[1].id)]) == \
        content(store.load_version(pid, picked.version + 1).shots[1])


def test_import_keeps_locked_shots(planned):
    import csv
    import io

    store, pid, editor, edit = planned
    editor.lock(["1"])
    exported = editor.export("csv")
    assert exported.is_file() and exported.parent.name == "exports"
    rows = list(csv.reader(io.StringIO(exported.read_text())))
    col = rows[0].index("Subject")
    rows[1][col], rows[6][col] = "edited in a spreadsheet, but locked", "a lantern of moths"
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    imported = editor.import_shots(buf.getvalue().encode(), "csv")
    before = store.load_version(pid, imported.version - 1)
    assert content(imported.project.shots[0]) == content(before.shots[0])  # the lock wins over the file
    assert imported.project.shots[5].subject == "a lantern of moths"
    with pytest.raises(ShotcallerError, match="pdf files cannot be imported"):
        editor.import_shots(b"%PDF", "pdf")


def test_shot_changes_are_generated_from_shot():
    assert set(ShotChanges.model_fields) == set(Shot.model_fields) - NOT_EDITABLE
    for name, f in ShotChanges.model_fields.items():
        assert f.description == Shot.model_fields[name].description
    schema = ShotPatch.model_json_schema()
    props = schema["$defs"]["ShotChanges"]["properties"]
    assert props["shot_size"]["enum"][0] == "extreme wide" and props["start"]["minimum"] == 0
    with pytest.raises(ValueError, match="Extra inputs"):
        ShotPatch(shot="1", changes={"id": "sX"})
    with pytest.raises(ValueError, match="Extra inputs"):
        ShotPatch(shot="1", changes={"takes": []})
    patch = ShotPatch(shot=3, changes={"lyric": None, "movement": "PUSH_IN"})
    assert patch.shot == "3" and patch.fields() == {"lyric": None, "movement": "push in"}


def test_bad_references_are_one_clear_line(planned):
    store, pid, editor, edit = planned
    for call, message in (
        (lambda: editor.revise([ShotPatch(shot="99", changes={"prompt": "x"})]), "no shot '99'.*shots 1-8"),
        (lambda: editor.revise([ShotPatch(shot="1", changes={})]), "nothing to change"),
        (lambda: editor.revise([ShotPatch(shot="8", changes={"end": 3.0})]), "last one"),
        (lambda: editor.merge("5", "2"), "must come after"),
        (lambda: editor.lock([]), "name the shots"),
        (lambda: editor.propose([]), "at least one shot"),
        (lambda: editor.render(), "no renderer"),
    ):
        with pytest.raises(ShotcallerError, match=message) as e:
            call()
        assert "\n" not in str(e.value)
    assert store.load(pid).version == edit.version


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_never_touch_a_locked_shot_nor_break_the_timeline(planned, seed):
    import random

    store, pid, editor, _ = planned
    rng = random.Random(seed)
    duration = store.load(pid).song.duration
    sealed: dict[str, dict] = {}  # id → content when locked
    refused = {"lock": 0, "other": 0}

    def any_shot(project) -> str:
        return str(rng.randint(1, len(project.shots)))

    for _ in range(60):
        project = store.load(pid)
        n = len(project.shots)
        op = rng.choice(["revise", "retime", "split", "merge", "lock", "unlock", "replan"])
        try:
            if op == "revise":
                editor.revise([ShotPatch(shot=any_shot(project), changes={"subject": f"thing {rng.random():.3f}"})])
            elif op == "retime":
                s = project.shots[rng.randrange(n)]
                editor.revise([ShotPatch(shot=s.id, changes={"end": s.end + rng.uniform(-2, 2)})])
            elif op == "split":
                s = project.shots[rng.randrange(n)]
                editor.split(s.id, rng.uniform(s.start, s.end))
            elif op == "merge" and n > 1:
                i = rng.randrange(n - 1)
                editor.merge(str(i + 1), str(i + 1 + rng.randint(1, min(3, n - 1 - i))))
            elif op == "lock":
                edit = editor.lock([any_shot(project)])
                for sid in edit.changed:
                    sealed[sid] = content(next(s for s in edit.project.shots if s.id == sid))
            elif op == "unlock" and sealed:
                sid = rng.choice(sorted(sealed))
                editor.lock([sid], locked=False)
                del sealed[sid]
            elif op == "replan":
                editor.propose(even_shots(duration, rng.randint(2, 12)), replan=True)
        except ShotcallerError as e:
            refused["lock" if "locked" in str(e) else "other"] += 1
            after = store.load(pid)
            assert after.version == project.version  # a refused edit writes nothing
        now = {s.id: s for s in store.load(pid).shots}  # loading re-checks the whole timeline
        for sid, sealed_content in sealed.items():
            assert sid in now and content(now[sid]) == sealed_content, (op, sid)
    assert refused["lock"] >= 3 and store.load(pid).version > 20  # both paths were exercised
