"""Rendering on a real local Ray cluster (two CPU workers): the animatic and a tiny saved diffusers
pipeline, a worker killed mid-shot, one cache shared with local renders (clips written in place by the
workers or sent back as bytes), and `--ray` without Ray.

The cluster starts once for the module (a few seconds); each test starts its own workers on it."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

import tiny_models
from assistant.planner import plan_shots
from generation.animatic import AnimaticBackend
from generation.backend import RenderSettings, register_backend
from generation.ffmpeg import probe
from generation.render import Renderer
from shotlist.models import Brief
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song
from ui.cli import main as cli

SMALL = RenderSettings(width=160, height=96, fps=24)
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def cluster():
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    # the workers unpickle this module's backends: they need the tests and this checkout on their path
    # (they inherit the environment the cluster starts with; the rest of the session keeps its own)
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(TESTS.parent), before or ""])
    try:
        from generation.ray_render import init_local

        init_local(num_cpus=2)  # the cluster `--ray local` starts
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = before
    yield ray
    ray.shutdown()


def make_project(folder: Path, bars: int = 4, transitions: str = "cut"):
    song = folder / "song.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", bars, 146.8, 0.7), ("chorus", bars, 196.0, 1.0)))
    store = ProjectStore()
    p = store.create(song, analyse_song, title="Ray")
    p = p.model_copy(update={"brief": Brief(meaning="a riddle", story="a tailor stitches fog",
                                            motifs=["a shirt of fog"], why_generative="fog cannot be sewn")})
    p = store.save(p.model_copy(update={"shots": plan_shots(p)}))
    shots = [s.model_copy(update={"transition": transitions}) for s in p.shots]
    return store, store.save(p.model_copy(update={"shots": shots}))


def staging_left(store: ProjectStore, pid: str) -> list[Path]:
    """What a Ray render left in the project's cache besides clips (its staging folder, partial files)."""
    return [p for p in (store.folder(pid) / "renders").iterdir() if p.name.startswith(".") or ".part" in p.name]


def clip_hashes(store: ProjectStore, pid: str) -> dict[str, str]:
    project = store.load(pid)
    folder = store.folder(pid)
    return {t.cache_key: hashlib.sha256((folder / t.path).read_bytes()).hexdigest()
            for s in project.shots for t in s.takes}


def check_cut(path: Path, duration: float, fps: float) -> None:
    info = probe(path)
    assert info.audio and info.codec == "h264"
    assert abs(info.duration - duration) <= 1 / fps + 1e-3, (info.duration, duration)


def test_cli_renders_the_animatic_on_ray_then_local_and_ray_share_one_cache(cluster, tmp_path, capsys):
    store, p = make_project(tmp_path)
    out = tmp_path / "cut.mp4"
    code = cli(["render", p.id, "--ray", "--width", "160", "--height", "96", "--out", str(out)])
    err = capsys.readouterr()
    assert code == 0, err.err
    assert err.out.strip().splitlines()[-1] == str(out)
    n = len(p.shots)
    assert f"{n} rendered, 0 from the cache, 0 failed" in err.err
    for k in range(1, n + 1):  # each shot's progress reached the CLI
        assert re.search(rf"shot {k}/{n} .*\] done", err.err), err.err
    check_cut(out, p.song.duration, 24)
    project = store.load(p.id)
    assert all(s.takes[-1].status == "done" for s in project.shots)
    by_ray = clip_hashes(store, p.id)
    assert len(by_ray) == n

    for key in by_ray:  # render the same takes here, without Ray: the same keys give the same bytes
        (store.folder(p.id) / "renders" / f"{key}.mp4").unlink()
    local = Renderer(store, p.id, "animatic", SMALL).render(assemble_cut=False)
    assert sorted(local.rendered) == sorted(by_ray) and clip_hashes(store, p.id) == by_ray

    assert not staging_left(store, p.id)

    from generation.ray_render import RayRenderer
    rerun = RayRenderer(store, p.id, "animatic", SMALL)
    again = rerun.render(assemble_cut=False)  # a re-run: all cached, and no worker is even started
    assert again.rendered == [] and sorted(again.cached) == sorted(by_ray) and rerun.pool == 0


def test_a_tiny_diffusers_pipeline_on_two_workers_equals_a_local_render(cluster, tmp_path):
    from generation.ray_render import RayRenderer

    model = tiny_models.wan(tmp_path / "tiny-wan")
    settings = RenderSettings(width=64, height=64, fps=24, model=str(model), steps=2,
                              options={"gen_width": 32, "gen_height": 32, "max_sequence_length": 16,
                                       "preset": "wan2.1-t2v-1.3b"})
    store, p = make_project(tmp_path, bars=2)
    messages: list[tuple[str, float, str]] = []
    r = RayRenderer(store, p.id, "diffusers-video", settings, report=lambda *m: messages.append(m))
    result = r.render(cut=tmp_path / "cut.mp4")
    assert not result.failed and len(result.rendered) == len(p.shots)
    assert r.pool == 2  # one worker per CPU of the cluster
    assert list(r.where.values()) == [True, True]  # on this machine: each wrote its clips into the cache itself
    shot_messages = [(lb, f, m) for lb, f, m in messages if lb != "the cut"]  # the cut's assembly reports too
    done_by = {int(m.rsplit(" ", 1)[1]) for _, f, m in shot_messages if f == 1.0}
    assert done_by and done_by <= {int(w.rsplit(" ", 1)[1]) for w in r.where}  # each shot names its worker
    assert not staging_left(store, p.id)
    # each shot's progress came from its worker's stream (how often: the newest_every test; a message in
    # the middle of a shot reaching the driver: the killed-worker test's "stalled halfway")
    started = {lb for lb, f, m in shot_messages if m.startswith("rendering on ") and f == 0.0}
    assert started == {lb for lb, f, _ in shot_messages if f == 1.0} and len(started) == len(p.shots)
    check_cut(tmp_path / "cut.mp4", p.song.duration, 24)
    by_ray = clip_hashes(store, p.id)
    for key in by_ray:
        (store.folder(p.id) / "renders" / f"{key}.mp4").unlink()
    import torch

    # A one-CPU Ray worker runs torch on one thread. On the CPU the thread count can move a float's last
    # bit and, now and then, a pixel (1 shot in 12 here between 1 and 2 threads), so the local render
    # runs on one thread too: the same numerics must give the same bytes.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        Renderer(store, p.id, "diffusers-video", settings).render(assemble_cut=False)
    finally:
        torch.set_num_threads(threads)
    assert clip_hashes(store, p.id) == by_ray


class Stalling(AnimaticBackend):
    """The animatic, except that the first attempt at one chosen shot stops halfway through its
    frames and waits (as a long diffusion would) until it is killed."""

    name = "stalling"

    def render(self, job, out, progress):
        marker = Path(self.options["marker"])
        if job.number == self.options["shot"]:
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pass  # the retry: render normally
            else:
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                progress(0.5, "stalled halfway")
                deadline = time.monotonic() + 120  # never hang the suite if the kill never comes
                while time.monotonic() < deadline:
                    time.sleep(0.05)
                raise RuntimeError("the test never killed the stalled worker")
        super().render(job, out, progress)


register_backend("stalling", Stalling)


def test_a_worker_killed_mid_shot_has_the_shot_retried_elsewhere_and_the_cut_is_complete(cluster, tmp_path):
    from generation.ray_render import RayRenderer

    store, p = make_project(tmp_path, transitions="crossfade")
    target = 2
    marker = tmp_path / "stalled.pid"
    pids: dict[str, int] = {}
    killed: list[int] = []
    messages: list[tuple[str, float, str]] = []

    def report(label: str, fraction: float, message: str) -> None:
        messages.append((label, fraction, message))
        m = re.search(r"(?:rendering|done) on .* pid (\d+)", message)
        if m:
            pids[label] = int(m.group(1))
        if message == "stalled halfway" and not killed:
            killed.append(pids[label])
            os.kill(pids[label], signal.SIGKILL)

    # in_place=False: the clips come back as bytes, as from a worker on a machine without the project
    r = RayRenderer(store, p.id, "stalling", SMALL, report=report,
                    backend_options={"marker": str(marker), "shot": target}, in_place=False)
    out = tmp_path / "cut.mp4"
    result = r.render(cut=out)
    label = f"shot {target}/{len(p.shots)}"
    assert killed and int(marker.read_text()) == killed[0]  # the kill hit the worker mid-shot
    assert (label, 0.0, "worker lost mid-shot; retrying on another worker (attempt 2/3)") in messages
    done = [m for lb, f, m in messages if lb == label and f == 1.0]
    assert len(done) == 1 and done[0].endswith("(attempt 2)") and pids[label] != killed[0]
    assert not result.failed and len(result.rendered) == len(p.shots)
    assert r.where and not any(r.where.values())  # every clip came back as bytes
    assert not staging_left(store, p.id)  # nor did the killed worker's half-written clip stay behind
    project = store.load(p.id)
    assert all(s.takes[-1].status == "done" for s in project.shots)
    check_cut(out, p.song.duration, SMALL.fps)
    by_ray = clip_hashes(store, p.id)  # bytes written by the driver are the clips a local render makes
    for key in by_ray:
        (store.folder(p.id) / "renders" / f"{key}.mp4").unlink()
    Renderer(store, p.id, "stalling", SMALL, backend_options={"marker": str(marker), "shot": target}).render(
        assemble_cut=False)  # the marker is there: the stalling shot renders normally
    assert clip_hashes(store, p.id) == by_ray


def test_cancel_keeps_finished_clips_and_a_rerun_resumes(cluster, tmp_path):
    import threading

    from generation.ray_render import RayRenderer

    store, p = make_project(tmp_path)
    cancel = threading.Event()
    finished: list[str] = []

    def report(label: str, fraction: float, message: str) -> None:
        if message.startswith("done on"):
            finished.append(label)
            cancel.set()

    first = RayRenderer(store, p.id, "animatic", SMALL, report=report, cancel=cancel).render()
    assert first.cancelled and first.cut is None and 1 <= len(first.rendered) < len(p.shots)
    assert not staging_left(store, p.id)  # the workers were killed mid-shot: their partial clips are gone
    project = store.load(p.id)
    assert sum(1 for s in project.shots if s.takes and s.takes[-1].status == "done") == len(first.rendered)
    second = RayRenderer(store, p.id, "animatic", SMALL).render(cut=tmp_path / "cut.mp4")
    assert sorted(second.cached) == sorted(first.rendered)
    assert len(second.rendered) == len(p.shots) - len(first.rendered) and not second.failed
    check_cut(tmp_path / "cut.mp4", p.song.duration, SMALL.fps)


class ScriptedQueue:
    """Items arriving at given times on a simulated clock: `get(timeout)` moves the clock to the next
    arrival, or by `timeout` and raises queue.Empty when nothing arrives before then."""

    def __init__(self, arrivals: list[tuple[float, object]]):
        self.arrivals, self.now = list(arrivals), 0.0

    def get(self, timeout: float | None) -> object:
        import queue

        at, item = self.arrivals[0]
        if timeout is not None and at > self.now + timeout:
            self.now += timeout
            raise queue.Empty
        self.now = max(self.now, at)
        return self.arrivals.pop(0)[1]


def test_progress_sends_the_newest_item_at_most_every_half_second_and_the_end_at_once():
    from generation.ray_worker import _DONE, newest_every

    def sent(arrivals: list[tuple[float, object]]) -> list[tuple[float, str]]:
        q = ScriptedQueue(arrivals)
        return [(round(q.now, 2), item[2]) for item in newest_every(q.get, every=0.5, clock=lambda: q.now)]

    # a 1-second shot: 24 steps 0.04 s apart, then encoding; three items reach the driver, not 27
    steps = [(0.04 * k, ("progress", k / 25, f"step {k}/24")) for k in range(1, 25)]
    shot = [(0.0, ("progress", 0.0, "rendering on w")), (0.01, ("progress", 0.0, "loading")), *steps,
            (0.97, ("progress", 0.97, "encoding")), (1.02, _DONE)]
    assert sent(shot) == [(0.0, "rendering on w"), (0.5, "step 12/24"), (1.0, "encoding")]
    # a message the render then stays on (a long decode right after the last step) is sent when due
    assert sent([(0.0, ("progress", 0.0, "step 30/30")), (0.1, ("progress", 0.9, "decoding")), (20.0, _DONE)]) == [
        (0.0, "step 30/30"), (0.5, "decoding")]
    # the end is not held back, and a backend's error is raised at once
    with pytest.raises(ValueError, match="bad prompt"):
        sent([(0.0, ("progress", 0.0, "rendering on w")), (0.1, ("progress", 0.1, "step 1/2")),
              (0.2, ValueError("bad prompt"))])


def test_without_ray_the_render_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    store, p = make_project(tmp_path, bars=1)
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as on a machine without it
    assert cli(["render", p.id, "--ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --ray needs Ray, which is not installed here: pip install 'shotcaller[ray]'"
    assert not list((store.folder(p.id) / "renders").glob("*.mp4"))  # nothing was rendered instead


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to compare one CPU against two")
def test_a_clip_is_the_same_bytes_whatever_cores_its_encoder_sees(tmp_path):
    """A Ray worker on a node with another number of cores (or a container's CPU limit) must write the
    bytes a local render writes: x264's output depends on its thread count, which by default follows
    the cores it sees."""
    from generation.render import render_clip

    store, p = make_project(tmp_path, bars=1)
    renderer = Renderer(store, p.id, "animatic", RenderSettings(width=320, height=192, fps=24))
    job = renderer.plan(store.load(p.id))[0].job
    everything = os.sched_getaffinity(0)
    made = []
    for cpus in ({min(everything)}, everything):
        os.sched_setaffinity(0, cpus)  # the encoder process started below inherits it
        try:
            render_clip(renderer.backend, job, tmp_path / f"{len(cpus)}.mp4", lambda f, m: None)
        finally:
            os.sched_setaffinity(0, everything)
        made.append(hashlib.sha256((tmp_path / f"{len(cpus)}.mp4").read_bytes()).hexdigest())
    assert made[0] == made[1]
