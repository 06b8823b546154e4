"""Render faults: a killed render process resumes; a full disk is a clear state, not a crash."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.planner import plan_shots
from generation.backend import RenderSettings
from generation.render import Renderer
from shotlist.errors import ShotcallerError
from shotlist.models import Brief
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song

SHOTCALLER = str(Path(sys.executable).with_name("shotcaller"))


def planned_project(root: Path, song_dir: Path, bars: int = 16):
    song = song_dir / "s.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", bars // 2, 146.8, 0.7), ("chorus", bars // 2, 196, 1.0)))
    store = ProjectStore(root)
    p = store.create(song, analyse_song, title="Faults")
    p = p.model_copy(update={"brief": Brief(meaning="m", motifs=["fog", "salt"], why_generative="w")})
    return store, store.save(p.model_copy(update={"shots": plan_shots(p)}))


def test_a_killed_render_resumes_from_what_it_finished(tmp_path):
    store, p = planned_project(tmp_path / "home" / "projects", tmp_path)
    env = dict(os.environ, SHOTCALLER_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen([SHOTCALLER, "render", p.id, "--width", "320", "--height", "180"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    renders = store.folder(p.id) / "renders"
    deadline = time.time() + 120
    while time.time() < deadline and len([f for f in renders.glob("*.mp4") if ".part" not in f.name]) < 2:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {f.stem for f in renders.glob("*.mp4") if ".part" not in f.name}
    assert len(finished) >= 2
    store.load(p.id)  # the project opens
    result = Renderer(store, p.id, "animatic", RenderSettings(320, 180, 24)).render()
    assert set(result.cached) >= finished - {f for f in finished if f.startswith("cut")}
    assert not result.failed and result.cut.is_file()


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {proc.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_fails_shots_clearly_and_keeps_the_project(small_disk, tmp_path):
    store, p = planned_project(small_disk / "projects", tmp_path, bars=8)
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 60_000))  # leave room for the project file, not for the clips
    renderer = Renderer(store, p.id, "animatic", RenderSettings(640, 360, 24))
    try:
        result = renderer.render(assemble_cut=False)
        assert result.failed, "clips cannot fit in 60 kB"
        assert all("space" in why.lower() or "ffmpeg failed" in why for why in result.failed.values())
    except ShotcallerError as e:
        assert "no space left" in str(e)
    assert store.load(p.id).shots  # the project is intact
    filler.unlink()
    result = Renderer(store, p.id, "animatic", RenderSettings(640, 360, 24)).render(assemble_cut=False)
    assert not result.failed  # with space again, it resumes
