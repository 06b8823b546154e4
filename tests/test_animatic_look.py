"""The animatic shows what a revision changed: each plain-words request goes through guided mode (the
real revision path), the named shot is rendered before and after, and its frames move the way asked;
the shots not named keep their clips (same cache key, nothing re-rendered)."""

import numpy as np
import pytest

from generation.animatic import AnimaticBackend
from generation.backend import RenderSettings
from generation.render import Renderer, clip_key
from shotlist.errors import LockedShot
from shotlist.look import luma
from shotlist.models import ShotPatch
from songbook import BALLAD, build_song, director_for, talk

SMALL = RenderSettings(width=320, height=180, fps=24)
N = 3  # the shot every request names


@pytest.fixture
def director(isolated_home):
    d = director_for(isolated_home, build_song(*BALLAD), "Porch Light")  # the store the CLI opens too
    d.opening()
    talk(d, "Waiting for someone who isn't coming back.", "A woman keeps a house ready for someone.",
         "a kettle that boils over into stars; a coat made of rain; moths writing letters on a window",
         "Tender, slow.", "No camera could film a coat made of rain.", "16:9", "/plan")
    shot = d.tools.project().shots[N - 1]
    # a still camera at eye level and a medium size, so a frame of the clip is the card itself
    d.tools.editor.revise([ShotPatch(shot=shot.id, changes={"movement": "static", "angle": "eye level",
                                                            "shot_size": "medium"})])
    return d


def renderer(d) -> Renderer:
    return Renderer(d.tools.store, d.tools.project_id, "animatic", SMALL)


def keys(d) -> list[str]:
    r = renderer(d)
    return [p.key for p in r.plan(r.store.load(r.project_id), takes=1)]


def frames(d, n: int) -> np.ndarray:
    """Shot n rendered now, decoded: (frames, height, width, 3) floats."""
    import imageio_ffmpeg

    r = renderer(d)
    r.render(shots=[n], assemble_cut=False)
    clip = r.clip_for(r.store.load(r.project_id), n)
    reader = imageio_ffmpeg.read_frames(str(clip))
    meta = next(reader)
    w, h = meta["size"]
    return np.stack([np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]).astype(np.float32)


def figure_area(frame: np.ndarray) -> float:
    """Share of the framing guide's region the figure covers: pixels brighter than their row's background."""
    h, w, _ = frame.shape
    region = luma(frame[int(h * 0.12):int(h * 0.62), int(w * 0.6):int(w * 0.9)])
    return float((region > region.min(axis=1, keepdims=True) + 12).mean())


def revise(d, text: str) -> str:
    before = keys(d)
    reply = " ".join(talk(d, text))
    after = keys(d)
    assert before[N - 1] != after[N - 1], reply
    return reply


def unchanged_besides(d, before: list[str], *named: int) -> None:
    after = keys(d)
    assert len(after) == len(before)
    moved = [n for n, (a, b) in enumerate(zip(before, after), 1) if a != b]
    assert set(moved) <= set(named), moved


def test_darker_lowers_the_luminance_and_nothing_else_moves(director):
    old, old_keys = frames(director, N), keys(director)
    reply = revise(director, f"make shot {N} darker")
    new = frames(director, N)
    assert "darker" in reply
    assert luma(new).mean() < 0.8 * luma(old).mean(), (luma(new).mean(), luma(old).mean())
    unchanged_besides(director, old_keys, N)
    assert director.tools.project().shots[N - 1].brightness < 0


def test_colder_puts_blue_over_red(director):
    old, old_keys = frames(director, N), keys(director)
    revise(director, f"make shot {N} colder")
    new = frames(director, N)
    ratio = lambda f: f[..., 2].mean() / f[..., 0].mean()  # noqa: E731
    assert ratio(new) > 1.2 * ratio(old), (ratio(new), ratio(old))
    unchanged_besides(director, old_keys, N)


def test_colder_then_warmer_goes_back_not_stacked(director):
    talk(director, f"make shot {N} colder")
    talk(director, f"make shot {N} warmer")
    assert director.tools.project().shots[N - 1].warmth == 0


def test_wider_makes_the_figure_smaller(director):
    old, old_keys = frames(director, N), keys(director)
    revise(director, f"make shot {N} wider")
    new = frames(director, N)
    assert director.tools.project().shots[N - 1].shot_size == "medium wide"
    assert figure_area(new[0]) < 0.85 * figure_area(old[0]), (figure_area(new[0]), figure_area(old[0]))
    unchanged_besides(director, old_keys, N)


def test_slower_makes_the_clip_longer(director):
    old, old_keys = frames(director, N), keys(director)
    revise(director, f"make shot {N} slower")
    new = frames(director, N)
    assert len(new) > len(old)
    unchanged_besides(director, old_keys, N, N + 1)  # the next shot gives up the time


def test_a_dutch_angle_tilts_the_card(director):
    old = frames(director, N)
    shot = director.tools.project().shots[N - 1]
    director.tools.editor.revise([ShotPatch(shot=shot.id, changes={"angle": "dutch"})])
    new = frames(director, N)
    assert np.abs(new[0] - old[0]).mean() > 3


def test_a_palette_word_the_grader_does_not_know_is_refused_with_the_words_it_knows(director, capsys):
    from ui.cli import main

    before = director.tools.project()
    assert main(["revise", before.id, str(N), "palette=more cinematic"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does not know the colour 'more cinematic'" in err and "teal" in err, err
    assert director.tools.project().version == before.version
    old_keys = keys(director)
    assert main(["revise", before.id, str(N), "palette=Teal and golden"]) == 0
    assert director.tools.project().shots[N - 1].palette == ["teal", "gold"]
    unchanged_besides(director, old_keys, N)
    assert keys(director)[N - 1] != old_keys[N - 1]


def test_a_look_on_a_locked_shot_is_refused(director):
    talk(director, f"lock shot {N}")
    before = director.tools.project()
    reply = " ".join(talk(director, f"make shot {N} darker"))
    assert "locked" in reply and director.tools.project().version == before.version
    with pytest.raises(LockedShot, match=f"shot {N} is locked"):
        director.tools.editor.revise([ShotPatch(shot=before.shots[N - 1].id, changes={"brightness": -0.5})])


def test_the_cache_key_is_what_the_backend_reads(director):
    """A reworded reason re-renders nothing; a look change re-renders that shot on the animatic; the
    diffusers backends read the prompt, not the look values."""
    from generation.diffusers_backend import DiffusersVideoBackend

    r = renderer(director)
    project = r.store.load(r.project_id)
    job = r.plan(project, shots=[N], takes=1)[0].job
    shot = job.shot
    variants = {"reason": shot.model_copy(update={"reason": "a whole new reason"}),
                "why": shot.model_copy(update={"why_generative": "another why"}),
                "look": shot.model_copy(update={"warmth": -0.5}),
                "prompt": shot.model_copy(update={"prompt": shot.prompt + " in snow"})}
    animatic, video = AnimaticBackend(), DiffusersVideoBackend()
    keyed = {b.name: {k: clip_key(b, job.__class__(**{**job.__dict__, "shot": s})) for k, s in variants.items()}
             for b in (animatic, video)}
    base = {b.name: clip_key(b, job) for b in (animatic, video)}
    for name in base:
        assert keyed[name]["reason"] == keyed[name]["why"] == base[name]
        assert keyed[name]["prompt"] != base[name]
    assert keyed["animatic"]["look"] != base["animatic"]
    assert keyed["diffusers-video"]["look"] == base["diffusers-video"]


def test_after_a_render_the_status_says_why_and_the_storyboard_and_pdf_show_the_new_frame(director):
    """Studio render (the Renderer the studio uses), then the storyboard thumbnail, the timeline and the
    PDF's frame of the revised shot are the new picture; the status names the shot and the change."""
    from shotlist.export.media import frame_image, thumbnail
    from ui.handlers import Studio
    from ui.session import Session

    project = director.tools.project()
    studio = Studio(director.tools.store)
    session, _ = studio.open(Session(), project.id)
    session.width, session.height, session.fps = SMALL.width, SMALL.height, SMALL.fps  # small frames, quick
    folder = studio.store.folder(project.id)
    import soundfile

    # the songbook's song has no audio: a silent one of its length, so the studio can cut on it
    soundfile.write(studio.store.song_path(project), np.zeros(int(project.song.duration * 8000)), 8000,
                    format="WAV")
    r = renderer(director)
    r.render(assemble_cut=False)  # every shot has a clip
    n = N
    old_thumb = thumbnail(folder, studio.project(session).shots[n - 1], n)
    old_pdf = np.asarray(frame_image(folder, studio.project(session).shots[n - 1], n), dtype=np.float32)
    talk(director, f"make shot {n} darker and colder")
    result = r.render(assemble_cut=False)
    assert result.why == {n: "colder, darker"} and result.reasons() == f"{n}: colder, darker"
    shot = studio.project(session).shots[n - 1]
    new_thumb = thumbnail(folder, shot, n)
    assert new_thumb != old_thumb
    new_pdf = np.asarray(frame_image(folder, shot, n), dtype=np.float32)
    assert luma(new_pdf).mean() < 0.85 * luma(old_pdf).mean()
    assert [p.name for p in map(lambda s: thumbnail(folder, s[1], s[0]), enumerate(studio.project(session).shots, 1))
            ].count(new_thumb.name) == 1
    talk(director, f"make shot {n} wider")
    session.version = studio.project(session).version
    cut, status = studio.render(session, [n])
    assert f"Rendered 1 ({n}: wider)" in status and cut, status


def test_a_colour_request_tints_the_named_shot_and_an_unknown_look_gets_a_clear_line(director):
    old, old_keys = frames(director, N), keys(director)
    before = director.tools.project()
    reply = " ".join(talk(director, f"make shot {N} more cinematic"))
    assert "can't show “cinematic”" in reply and "teal" in reply and "darker" in reply
    assert "Nothing changed" in reply and director.tools.project().version == before.version
    reply = " ".join(talk(director, f"give shot {N} a teal palette"))
    assert "teal palette" in reply and director.tools.project().shots[N - 1].palette == ["teal"]
    new = frames(director, N)
    green_blue = lambda f: (f[..., 1].mean() + f[..., 2].mean()) / (2 * f[..., 0].mean())  # noqa: E731
    assert green_blue(new) > 1.1 * green_blue(old)
    unchanged_besides(director, old_keys, N)
    talk(director, "make the red car shot darker")  # a colour naming a thing is not a palette
    assert all(s.palette in ([], ["teal"]) for s in director.tools.project().shots)


def test_more_contrast_spreads_the_tones(director):
    old, old_keys = frames(director, N), keys(director)
    reply = revise(director, f"more contrast on shot {N}")
    new = frames(director, N)
    assert "more contrast" in reply and director.tools.project().shots[N - 1].contrast > 0
    h, w = old.shape[1:3]
    picture = lambda f: luma(f[int(h * 0.12):int(h * 0.62), int(w * 0.6):int(w * 0.95)])  # noqa: E731 (no text there)
    assert picture(new[0]).std() > 1.15 * picture(old[0]).std(), (picture(new[0]).std(), picture(old[0]).std())
    unchanged_besides(director, old_keys, N)
