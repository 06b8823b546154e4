import json
import multiprocessing
import os
import signal
import time

import pytest

from helpers import even_shots
from shotlist.errors import ProjectCorrupt, ShotcallerError
from shotlist.song import analyse_song
from shotlist.store import ProjectStore


@pytest.fixture
def store_and_project(click_wav, tmp_path):
    path, _, _ = click_wav
    store = ProjectStore(tmp_path / "projects")
    project = store.create(path, analyse_song, title="Click Song")
    return store, project


def with_shots(project, n):
    return project.model_copy(update={"shots": even_shots(project.song.duration, n)})


def test_create_copies_the_song_and_saves_version_one(store_and_project):
    store, p = store_and_project
    folder = store.folder(p.id)
    assert p.id == "click-song" and p.version == 1
    assert (folder / "media" / "song.wav").is_file() and p.song.path == "media/song.wav"
    assert store.versions(p.id) == [1]
    assert {d.name for d in folder.iterdir()} >= {"project.json", "versions", "media", "renders", "exports"}
    again = store.create(folder / "media" / "song.wav", analyse_song, title="Click Song")
    assert again.id == "click-song-2"


def test_versions_undo_redo_and_branching(store_and_project):
    store, p = store_and_project
    v2 = store.save(with_shots(p, 4))
    v3 = store.save(with_shots(v2, 8))
    assert (v2.version, v3.version) == (2, 3) and store.versions(p.id) == [1, 2, 3]
    assert len(store.undo(p.id).shots) == 4
    assert len(store.undo(p.id).shots) == 0
    with pytest.raises(ShotcallerError, match="nothing to undo"):
        store.undo(p.id)
    assert len(store.redo(p.id).shots) == 4
    # a new change after undo drops the redo branch
    current = store.load(p.id)
    v3b = store.save(with_shots(current, 2))
    assert v3b.version == 3 and len(store.load_version(p.id, 3).shots) == 2
    with pytest.raises(ShotcallerError, match="nothing to redo"):
        store.redo(p.id)


def test_stale_save_is_refused(store_and_project):
    store, p = store_and_project
    store.save(with_shots(p, 4))
    with pytest.raises(ShotcallerError, match="changed since it was opened"):
        store.save(with_shots(p, 6))  # p is still version 1
    assert len(store.load(p.id).shots) == 4


def test_corrupt_project_offers_the_last_good_version(store_and_project):
    store, p = store_and_project
    store.save(with_shots(p, 4))
    folder = store.folder(p.id)
    (folder / "project.json").write_text('{"schema": "shotcaller.project/1", "id": ')
    with pytest.raises(ProjectCorrupt, match="last good version is 2") as info:
        store.load(p.id)
    assert info.value.last_good == 2
    assert len(store.recover(p.id).shots) == 4


def test_invalid_timeline_on_disk_is_reported_as_corrupt(store_and_project):
    store, p = store_and_project
    folder = store.folder(p.id)
    doc = json.loads((folder / "project.json").read_text())
    doc["shots"] = json.loads(with_shots(p, 3).to_json())["shots"]
    doc["shots"][1]["start"] += 3
    (folder / "project.json").write_text(json.dumps(doc))
    with pytest.raises(ProjectCorrupt, match="shot 2"):
        store.load(p.id)


@pytest.mark.parametrize("ref", ["../etc", "..", "a/../../b", "UPPER", "x" * 80, "", "-x"])
def test_unsafe_ids_never_leave_the_store(store_and_project, ref):
    store, _ = store_and_project
    with pytest.raises(ShotcallerError):
        store.folder(ref)


def test_failed_analysis_leaves_nothing_behind(tmp_path):
    store = ProjectStore(tmp_path / "projects")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio" * 100)
    with pytest.raises(ShotcallerError):
        store.create(bad, analyse_song)
    assert list((tmp_path / "projects").iterdir()) == []


def _hold_lock(folder, ready, release):
    store = ProjectStore(folder.parent)
    with store.lock(folder):
        ready.set()
        release.wait(20)


def test_a_second_writer_waits_then_gets_a_clear_error(store_and_project, monkeypatch):
    store, p = store_and_project
    import shotlist.store as mod

    monkeypatch.setattr(mod, "LOCK_TIMEOUT", 0.3)
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(store.folder(p.id), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(ShotcallerError, match="another process"):
            store.save(with_shots(p, 4))
    finally:
        release.set()
        holder.join(10)
    assert store.save(with_shots(p, 4)).version == 2


def _save_forever(root, pid):
    store = ProjectStore(root)
    while True:
        project = store.load(pid)
        n = 2 + project.version % 7
        store.save(with_shots(project, n))


def test_kill_during_saves_never_leaves_a_half_written_project(store_and_project):
    store, p = store_and_project
    ctx = multiprocessing.get_context("fork")
    for i in range(8):
        proc = ctx.Process(target=_save_forever, args=(store.root, p.id))
        proc.start()
        time.sleep(0.05 + 0.03 * i)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        project = store.load(p.id)  # never corrupt
        assert project.version in store.versions(p.id)
        assert store.load_version(p.id, project.version) == project
