"""100 kill -9s in the middle of saving: every project still opens, at its last or its new version."""

import multiprocessing
import os
import random
import signal
import time

from helpers import even_shots
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song

KILLS = 100


def _save_forever(root, pid):
    store = ProjectStore(root)
    while True:
        project = store.load(pid)
        store.save(project.model_copy(update={"shots": even_shots(project.song.duration, 2 + project.version % 9)}))


def test_a_hundred_kills_mid_save_leave_every_version_readable(tmp_path):
    song = tmp_path / "s.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", 4, 146.8, 0.7),))
    store = ProjectStore(tmp_path / "projects")
    pid = store.create(song, analyse_song, title="Crash").id
    rng = random.Random(1)
    ctx = multiprocessing.get_context("fork")
    survived = 0
    for _ in range(KILLS):
        before = store.load(pid).version
        proc = ctx.Process(target=_save_forever, args=(store.root, pid))
        proc.start()
        time.sleep(rng.uniform(0.005, 0.08))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        project = store.load(pid)  # raises if half-written
        assert project.version >= before and project.version in store.versions(pid)
        assert store.load_version(pid, project.version) == project
        survived += 1
    leftovers = [p for p in store.folder(pid).rglob("*.tmp")]
    store.save(store.load(pid))  # the next save sweeps temp files a kill left behind
    assert survived == KILLS and not list(store.folder(pid).glob(".*.tmp"))
    assert all(p.name.startswith(".") for p in leftovers)
