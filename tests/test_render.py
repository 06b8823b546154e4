"""Rendering on real audio and real video files, checked with ffprobe."""

import threading
from pathlib import Path

import pytest

from assistant.planner import plan_shots
from generation.animatic import AnimaticBackend
from generation.backend import RenderSettings, register_backend
from generation.ffmpeg import probe
from generation.render import Renderer, frame_spans
from shotlist.errors import ShotcallerError
from shotlist.models import Brief
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song

SMALL = RenderSettings(width=320, height=180, fps=24)


class Counting(AnimaticBackend):
    """The animatic, counting its calls and failing on chosen shots."""

    name = "counting"
    calls: list[int] = []
    fail_on: set[int] = set()

    def render(self, job, out, progress):
        Counting.calls.append(job.number)
        if job.number in Counting.fail_on:
            raise RuntimeError(f"backend exploded on shot {job.number}")
        super().render(job, out, progress)


register_backend("counting", Counting)


@pytest.fixture
def planned(tmp_path):
    song = tmp_path / "song.wav"
    write_click_song(song, bpm=120.0, sections=(("intro", 2, 110.0, 0.4), ("verse", 4, 146.8, 0.7),
                                               ("chorus", 4, 196.0, 1.0)))
    store = ProjectStore()
    p = store.create(song, analyse_song, title="Small")
    brief = Brief(meaning="a riddle", story="a tailor stitches fog", motifs=["a shirt of fog", "a floating field"],
                  why_generative="fog cannot be sewn")
    p = p.model_copy(update={"brief": brief})
    p = store.save(p.model_copy(update={"shots": plan_shots(p)}))
    shots = [s.model_copy(update={"transition": "cut"}) for s in p.shots]
    p = store.save(p.model_copy(update={"shots": shots}))
    Counting.calls, Counting.fail_on = [], set()
    return store, p


def check_cut(path: Path, duration: float, settings: RenderSettings):
    info = probe(path)
    assert info.codec == "h264" and info.audio and info.audio_codec == "aac"
    assert (info.width, info.height) == (settings.width, settings.height) and info.fps == settings.fps
    assert abs(info.duration - duration) <= 1 / settings.fps + 1e-3, (info.duration, duration)
    if info.frames is not None:
        assert info.frames == round(duration * settings.fps)


def test_each_clip_has_exactly_its_frames(planned):
    store, p = planned
    r = Renderer(store, p.id, "animatic", SMALL)
    result = r.render(assemble_cut=False)
    assert len(result.rendered) == len(p.shots) and not result.failed
    project = store.load(p.id)
    for n, (_first, count) in enumerate(frame_spans(project.shots, SMALL.fps), start=1):
        info = probe(r.clip_for(project, n))
        assert info.frames in (None, count) and abs(info.duration - count / SMALL.fps) < 1e-3
        assert (info.width, info.height, info.codec) == (320, 180, "h264")


def test_the_cut_lasts_the_song_with_audio(planned, tmp_path):
    store, p = planned
    out = tmp_path / "cut.mp4"
    result = Renderer(store, p.id, "animatic", SMALL).render(cut=out)
    assert result.cut == out
    check_cut(out, p.song.duration, SMALL)


def test_transitions_keep_the_length(planned, tmp_path):
    store, p = planned
    shots = [s.model_copy(update={"transition": ("crossfade", "fade to black", "cut")[i % 3]})
             for i, s in enumerate(p.shots)]
    store.save(p.model_copy(update={"shots": shots}))
    out = tmp_path / "cut.mp4"
    Renderer(store, p.id, "animatic", SMALL).render(cut=out)
    check_cut(out, p.song.duration, SMALL)


def test_cache_hits_and_a_revision_renders_only_that_shot(planned):
    store, p = planned
    Renderer(store, p.id, "counting", SMALL).render(assemble_cut=False)
    assert Counting.calls == list(range(1, len(p.shots) + 1))
    Counting.calls.clear()
    result = Renderer(store, p.id, "counting", SMALL).render(assemble_cut=False)  # a new process would do this
    assert Counting.calls == [] and len(result.cached) == len(p.shots)
    project = store.load(p.id)
    shots = list(project.shots)
    shots[2] = shots[2].model_copy(update={"prompt": "a colder frame"})
    store.save(project.model_copy(update={"shots": shots}))
    Renderer(store, p.id, "counting", SMALL).render(assemble_cut=False)
    assert Counting.calls == [3]


def test_a_failing_shot_leaves_the_others_and_the_cut(planned, tmp_path):
    store, p = planned
    Counting.fail_on = {2}
    out = tmp_path / "cut.mp4"
    result = Renderer(store, p.id, "counting", SMALL).render(cut=out)
    assert list(result.failed) == [2] and "exploded on shot 2" in result.failed[2]
    project = store.load(p.id)
    assert project.shots[1].takes[0].status == "failed" and "exploded" in project.shots[1].takes[0].error
    assert all(s.takes[0].status == "done" for i, s in enumerate(project.shots) if i != 1)
    check_cut(out, p.song.duration, SMALL)  # the failed shot stands in as its card


def test_cancel_then_resume(planned):
    store, p = planned
    cancel = threading.Event()
    done = []

    def report(label, fraction, message):
        if fraction >= 1.0:
            done.append(label)
            if len(done) == 2:
                cancel.set()

    result = Renderer(store, p.id, "counting", SMALL, report=report, cancel=cancel).render()
    assert result.cancelled and result.cut is None and len(result.rendered) == 2
    Counting.calls.clear()
    result = Renderer(store, p.id, "counting", SMALL).render(assemble_cut=False)
    assert len(result.cached) == 2 and Counting.calls == list(range(3, len(p.shots) + 1))


def test_takes_have_their_own_seeds_and_the_pick_is_kept(planned):
    store, p = planned
    r = Renderer(store, p.id, "animatic", SMALL)
    r.render(shots=[1], takes=2, assemble_cut=False)
    shot = store.load(p.id).shots[0]
    assert [t.id for t in shot.takes] == ["t1", "t2"] and shot.takes[0].seed != shot.takes[1].seed
    assert shot.takes[0].path != shot.takes[1].path
    r.pick("1", "t2")
    project = store.load(p.id)
    assert project.shots[0].picked_take == "t2" and r.clip_for(project, 1).name == Path(shot.takes[1].path).name
    with pytest.raises(ShotcallerError, match="no take 't9'"):
        r.pick("1", "t9")


def test_prune_removes_only_unreferenced_files(planned):
    store, p = planned
    r = Renderer(store, p.id, "animatic", SMALL)
    r.render(assemble_cut=False)
    stray = store.folder(p.id) / "renders" / "stale.mp4"
    stray.write_bytes(b"old")
    removed = r.prune()
    assert stray in removed and all(r.clip_for(store.load(p.id), n) for n in range(1, len(p.shots) + 1))


def test_unknown_backend_and_bad_ranges():
    from shotlist.shot_range import shot_numbers

    with pytest.raises(ShotcallerError, match="available: .*animatic"):
        from generation.backend import get_backend
        get_backend("sora")
    assert shot_numbers("1,4-6", 10) == [1, 4, 5, 6]
    for bad in ("0", "9-11", "x", "11"):
        with pytest.raises(ShotcallerError):
            shot_numbers(bad, 10)


class RunsOutOfMemory(AnimaticBackend):
    name = "oom-once"
    seen: list[tuple[bool, bool]] = []

    def render(self, job, out, progress):
        RunsOutOfMemory.seen.append((job.settings.offload, job.settings.vae_tiling))
        if not job.settings.offload:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        super().render(job, out, progress)


register_backend("oom-once", RunsOutOfMemory)


def test_out_of_memory_is_retried_once_with_offload_and_tiling(planned):
    store, p = planned
    RunsOutOfMemory.seen = []
    result = Renderer(store, p.id, "oom-once", SMALL).render(shots=[1], assemble_cut=False)
    assert not result.failed and RunsOutOfMemory.seen == [(False, False), (True, True)]


def test_render_cli_prints_the_cut_last(planned, tmp_path):
    import subprocess

    from conftest import SHOTCALLER
    store, p = planned
    out = tmp_path / "cli.mp4"
    proc = subprocess.run([SHOTCALLER, "render", p.id, "--width", "320", "--height", "180", "--fps", "24",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(out)
    check_cut(out, p.song.duration, SMALL)
    bad = subprocess.run([SHOTCALLER, "render", p.id, "--backend", "sora"], capture_output=True, text=True)
    assert bad.returncode == 2 and "available:" in bad.stderr and "diffusers-video" in bad.stderr
