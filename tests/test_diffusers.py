"""diffusers backends end to end on tiny random-weight pipelines, built here, saved with
`save_pretrained` and loaded by the backends with `from_pretrained(folder)` — the path a hub id takes."""

import hashlib
import subprocess

import numpy as np
import pytest

import tiny_models
from assistant.planner import plan_shots
from generation.backend import RenderSettings, ShotJob, get_backend
from generation.diffusers_backend import build_prompt, retime
from generation.ffmpeg import probe
from generation.presets import VIDEO_PRESETS, video_preset
from generation.render import Renderer
from shotlist.audio import ffmpeg_exe
from shotlist.models import Brief, Character, Shot, StyleBible
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song

TINY = {"gen_width": 32, "gen_height": 32, "max_sequence_length": 16}


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-models")
    return {name: getattr(tiny_models, name)(root / name) for name in ("ltx", "wan", "cogvideox", "stable_diffusion")}


@pytest.fixture
def project(tmp_path):
    song = tmp_path / "song.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", 2, 146.8, 0.7),))
    store = ProjectStore()
    p = store.create(song, analyse_song, title="Tiny")
    p = p.model_copy(update={"brief": Brief(meaning="fog", motifs=["a shirt of fog"], why_generative="fog")})
    p = store.save(p.model_copy(update={"shots": plan_shots(p)}))
    return store, p


def settings(model, preset, **kw):
    return RenderSettings(width=64, height=64, fps=24, model=str(model), steps=2,
                          options={**TINY, "preset": preset, **kw})


def decoded(path):
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("model, preset", [("wan", "wan2.1-t2v-1.3b"), ("cogvideox", "cogvideox-2b"),
                                           ("ltx", "ltx-video")])
def test_video_backend_renders_every_shot_on_a_tiny_model(tiny, project, tmp_path, model, preset):
    store, p = project
    out = tmp_path / "cut.mp4"
    result = Renderer(store, p.id, "diffusers-video", settings(tiny[model], preset)).render(cut=out)
    assert not result.failed and len(result.rendered) == len(p.shots)
    project_now = store.load(p.id)
    for n, shot in enumerate(project_now.shots, start=1):
        info = probe(Renderer(store, p.id).clip_for(project_now, n))
        frames = round(shot.end * 24) - round(shot.start * 24)
        assert (info.width, info.height, info.codec) == (64, 64, "h264")
        assert abs(info.duration - frames / 24) < 1e-3
        assert shot.takes[-1].backend == "diffusers-video" and shot.takes[-1].model == str(tiny[model])
    info = probe(out)
    assert info.audio and abs(info.duration - p.song.duration) <= 1 / 24 + 1e-3


def test_same_seed_same_pixels_other_seed_other_pixels(tiny, project, tmp_path):
    store, p = project
    shot = p.shots[0]
    s = settings(tiny["wan"], "wan2.1-t2v-1.3b")
    outs = []
    for k, seed in enumerate((7, 7, 8)):
        job = ShotJob(shot=shot, number=1, seed=seed, frames=24, settings=s, style=p.style)
        out = tmp_path / f"clip{k}.mp4"
        get_backend("diffusers-video").render(job, out, lambda f, m: None)  # a fresh load each time
        outs.append(decoded(out))
    assert outs[0] == outs[1] and outs[0] != outs[2]


def test_long_shots_are_chained_and_conformed(tiny, project, tmp_path):
    store, p = project
    backend = get_backend("diffusers-video")
    s = settings(tiny["cogvideox"], "cogvideox-2b")
    long_shot = Shot(start=0, end=8.0, prompt="a shirt of fog")
    job = ShotJob(shot=long_shot, number=1, seed=1, frames=192, settings=s, style=StyleBible())
    segments, counts = backend.plan(job)
    assert segments == 2 and all((c - 1) % 4 == 0 and c <= 49 for c in counts)  # CogVideoX: 4k+1, ≤ 49
    messages = []
    backend.render(job, tmp_path / "long.mp4", lambda f, m: messages.append(m))
    assert probe(tmp_path / "long.mp4").duration == pytest.approx(8.0, abs=1e-3)
    assert "2 generation(s)" in messages[0] and "conformed" in messages[-1]


def test_stills_then_image_to_video_from_the_keyframe(tiny, project, tmp_path):
    store, p = project
    r = Renderer(store, p.id, "diffusers-stills", RenderSettings(width=64, height=64, fps=24,
                                                                  model=str(tiny["stable_diffusion"]), steps=2,
                                                                  options={"gen_width": 32, "gen_height": 32}))
    r.render(shots=[1], assemble_cut=False)
    shot = store.load(p.id).shots[0]
    still = store.folder(p.id) / shot.takes[0].path.replace(".mp4", ".png")
    assert still.is_file() and shot.takes[0].backend == "diffusers-stills"
    assert probe(store.folder(p.id) / shot.takes[0].path).duration == pytest.approx(shot.duration, abs=1 / 24)
    video = Renderer(store, p.id, "diffusers-video", settings(tiny["ltx"], "ltx-video"))
    job = video._job(store.load(p.id), 1, shot.seed, 24)
    assert job.still == still  # the keyframe conditions LTX (image-to-video)
    assert video.backend.key(job)["still"] is not None
    video.render(shots=[1], assemble_cut=False)
    assert store.load(p.id).shots[0].takes[-1].status == "done"


def test_presets_and_prompts():
    ltx = VIDEO_PRESETS["ltx-video"]
    assert ltx.frames_for(2.0) == 49 and ltx.frames_for(60) == 257
    assert VIDEO_PRESETS["wan2.1-t2v-1.3b"].frames_for(5.0) == 81
    assert video_preset("Lightricks/LTX-Video").name == "ltx-video"
    assert video_preset("/models/mine").model_id == "/models/mine"
    assert retime(48, 17)[0] == 0 and retime(48, 17)[-1] == 16 and len(retime(48, 17)) == 48
    style = StyleBible(look="grey sea light", negative_prompt="text", characters=[
        Character(name="Mara", description="a tailor in a coat of fog")])
    shot = Shot(start=0, end=1, prompt="Mara sews at night", negative_prompt="logo")
    job = ShotJob(shot=shot, number=1, seed=1, frames=24, settings=RenderSettings(), style=style)
    prompt, negative = build_prompt(job)
    assert "a tailor in a coat of fog" in prompt and "grey sea light" in prompt and negative == "logo, text"


def test_uint8_conversion_and_cover():
    from generation.diffusers_backend import _to_uint8, cover
    assert _to_uint8(np.array([[0.0, 0.5, 1.0]])).tolist() == [[0, 128, 255]]
    assert cover(np.zeros((32, 48, 3), np.uint8), 64, 64).shape == (64, 64, 3)


def test_fit_model_splits_long_shots_on_the_bar_grid(tmp_path):
    from generation.fit import fit_to_model
    from generation.presets import VIDEO_PRESETS
    from shotlist.timing import conform

    song = tmp_path / "long.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", 8, 146.8, 0.7),))  # 16.5 s
    store = ProjectStore()
    p = store.create(song, analyse_song, title="Long")
    long_song = p.model_copy(update={"shots": [Shot(start=0, end=p.song.duration, subject="one long shot")]})
    cog = VIDEO_PRESETS["cogvideox-2b"]  # at most 49 frames at 8 fps: 6.1 s
    fitted, notes = fit_to_model(long_song, cog)
    assert len(fitted) == 3 and notes and "split into 3" in notes[0]
    assert fitted[0].id == long_song.shots[0].id and fitted[1].id != fitted[0].id
    assert all(s.duration <= cog.max_seconds + 1e-6 for s in fitted)
    assert fitted[1].start in p.song.bars and fitted[2].start in p.song.bars  # cuts on bar lines
    shots, _ = conform(fitted, p.song)
    store.save(p.model_copy(update={"shots": shots}))  # the invariants hold
