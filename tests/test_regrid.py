"""The artist corrects the beat grid: a stated tempo, double, halve, shift half a beat. Every cut lands
on the new grid, every shot keeps its content, one version is saved; bad corrections are refused."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import even_shots, planned_song
from shotlist.editor import ProjectEditor
from shotlist.errors import LockedShot, ShotcallerError
from shotlist.regrid import GridChange, move_cuts
from shotlist.store import ProjectStore


@pytest.fixture
def planned(click_wav, tmp_path):
    store = ProjectStore(tmp_path / "projects")
    pid = planned_song(store, click_wav[0], 8)
    return store, pid, ProjectEditor(store, pid)


def content(shot):
    return shot.model_dump(exclude={"index", "start", "end", "critique", "section", "lyric"})


def on_grid(project) -> bool:
    beats = np.asarray(project.song.beats)
    return all(np.abs(beats - s.start).min() < 1e-3 for s in project.shots[1:])


@pytest.mark.parametrize("op, ratio", [("double", 2.0), ("halve", 0.5), ("shift_half", 1.0)])
def test_a_grid_operation_moves_cuts_onto_the_new_grid_and_keeps_each_shot(planned, op, ratio):
    store, pid, editor = planned
    before = store.load(pid)
    edit = editor.regrid(GridChange(op=op))
    after = edit.project
    assert edit.saved and after.version == before.version + 1
    assert after.song.tempo == pytest.approx(before.song.tempo * ratio, rel=0.005)
    assert [content(s) for s in after.shots] == [content(s) for s in before.shots]  # same shots, same order
    assert on_grid(after) and after.shots[0].start == 0 and after.shots[-1].end == pytest.approx(after.song.duration)
    period = 60.0 / before.song.tempo
    if op == "halve":  # every cut on every other old beat, the one the bar lines fall on
        bars = np.asarray(after.song.bars)
        assert len(bars) and np.isin(np.round(bars, 3), np.round(after.song.beats, 3)).all()
    if op == "shift_half":  # each cut moved by half a beat exactly
        moved = [abs(a.start - b.start) for a, b in zip(after.shots[1:], before.shots[1:])]
        assert moved == pytest.approx([period / 2] * len(moved), abs=0.02)
    if op == "double":  # already on the finer grid: nothing moves
        assert [s.start for s in after.shots] == [s.start for s in before.shots] and edit.changed == []
    assert store.load(pid) == after and any("grid corrected" in n for n in after.song.analysis_notes)


def test_a_stated_tempo_regrids_from_the_audio(planned, click_wav):
    store, pid, editor = planned
    _, true_beats, _ = click_wav
    edit = editor.regrid(GridChange(bpm=60))
    song = edit.project.song
    assert song.tempo == pytest.approx(60.0, rel=0.005)
    assert any("as the artist stated" in n for n in song.analysis_notes)
    # the phase still comes from the audio: every new beat is on one of the song's true beats
    beats = np.asarray(song.beats)
    beats = beats[beats <= true_beats[-1] + 0.1]  # the grid runs on past the last click, to the song's end
    assert np.abs(np.asarray(true_beats)[None, :] - beats[:, None]).min(axis=1).max() < 0.05
    assert on_grid(edit.project) and len(edit.project.shots) == 8


def test_a_locked_shot_refuses_a_regrid_that_would_move_it(planned):
    store, pid, editor = planned
    editor.lock([3])
    version = store.load(pid).version
    with pytest.raises(LockedShot, match="locked"):
        editor.regrid(GridChange(op="shift_half"))
    assert store.load(pid).version == version


@pytest.mark.parametrize("kw, match", [({}, "either a tempo"), ({"bpm": 95, "op": "double"}, "not both"),
                                       ({"bpm": 900}, "outside 30-300"), ({"bpm": 12}, "outside")])
def test_bad_corrections_are_refused_with_the_fix(kw, match):
    with pytest.raises(ShotcallerError, match=match):
        GridChange(**kw)


def test_cuts_that_would_meet_on_one_beat_take_the_next_ones(click_wav):
    from helpers import song_of

    song = song_of(10.0)
    shots = even_shots(10.0, 4)
    coarse = song.model_copy(update={"beats": [0.0, 2.0, 4.0, 4.4, 8.0]})
    moved, notes = move_cuts([s.model_copy(update={"start": t}) for s, t in zip(shots, (0, 3.9, 4.1, 4.3))], coarse)
    assert [s.start for s in moved] == [0.0, 4.0, 4.4, 8.0] and all(s.duration > 0 for s in moved)
    assert len(notes) == 3


def test_cli_regrid_and_analyze_with_a_stated_tempo(click_wav, capsys):
    from ui.cli import main

    path = click_wav[0]
    store = ProjectStore()  # the CLI's own store, in this test's SHOTCALLER_HOME
    pid = planned_song(store, path, 6)
    assert main(["regrid", pid, "--halve"]) == 0
    out = capsys.readouterr().out
    assert "the tempo halved: 60 BPM" in out and "moved to the new grid; version" in out  # the set_tempo operation
    assert on_grid(store.load(pid)) and store.load(pid).song.tempo == pytest.approx(60.0, rel=0.005)
    assert main(["regrid", pid, "--halve", "--double"]) == 2
    assert "give one of --bpm N" in capsys.readouterr().err
    assert main(["analyze", str(path), "--bpm", "60"]) == 0
    assert "tempo 60.0 BPM" in capsys.readouterr().out
    assert main(["analyze", str(path), "--bpm", "900"]) == 2
    assert "outside 30-300" in capsys.readouterr().err


def test_the_guided_chat_says_when_the_grid_is_uncertain_and_how_to_fix_it(tmp_path):
    from songbook import POP, build_song, director_for

    sure = build_song(*POP).model_copy(update={"confidence": 0.9})
    assert "uncertain" not in director_for(tmp_path / "a", sure).opening().text
    unsure = sure.model_copy(update={"confidence": 0.3, "analysis_notes": ["weak periodic onsets (0.40)"]})
    text = director_for(tmp_path / "b", unsure).opening().text
    assert "beat grid is uncertain (confidence 0.30: weak periodic onsets" in text and "the tempo is 95" in text


def test_the_studio_tempo_row_regrids_and_shows_the_tempo(planned):
    from ui.handlers import Session, Studio
    from ui.studio import build
    from ui.tempo_panel import regrid, tempo_line

    store, pid, _ = planned
    studio = Studio(store)
    session, _ = studio.open(Session(), pid)
    assert tempo_line(studio.project(session)).startswith("**Tempo 120 BPM**")
    out = regrid(studio, session, op="halve")
    assert out.ok and out.message.startswith("The tempo halved: 60 BPM;"), out.message
    assert tempo_line(studio.project(session)).startswith("**Tempo 60 BPM**") and on_grid(studio.project(session))
    bad = regrid(studio, session, bpm=900)
    assert not bad.ok and "outside 30-300" in bad.message
    assert build(studio) is not None  # the row and its events wire into the real layout


@pytest.mark.parametrize("said", ["the tempo is 60", "it's 60 bpm, not 120", "the song is at 60"])
def test_the_tempo_said_in_chat_regrids_from_the_audio(planned, said):
    """The chat's words for a tempo ("the tempo is 95") become the table's `set_tempo` and re-read the
    audio at that tempo: one version, every cut on the new grid, every shot kept."""
    from assistant.edit_requests import read_request
    from shotlist.operations.tempo import SetTempo

    store, pid, editor = planned
    before = store.load(pid)
    reading = read_request(said, before)
    assert reading.op == SetTempo(bpm=60.0), reading
    result = reading.op.apply(editor)
    after = store.load(pid)
    assert after.version == before.version + 1 and after.song.tempo == pytest.approx(60.0, rel=0.005)
    assert [content(s) for s in after.shots] == [content(s) for s in before.shots] and on_grid(after)
    assert "60" in result.text()
