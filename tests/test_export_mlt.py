"""The MLT XML project, opened and rendered by the real MLT engine (melt, the engine under Kdenlive and
Shotcut): its cuts, found from the colours of the rendered frames, are the plan's frames, its length is
the song's, its audio is the song, and a `--with-media` folder still renders after it is moved."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import song_of
from nle_readers import AUDIO_RATE, audio_match, decoded_audio, melt_render
from shotlist.export import get_format
from shotlist.export.media import rate_fraction
from shotlist.export.package import write_media_package
from shotlist.models import Brief, Constraints, LyricLine, Section, Shot, Take
from shotlist.store import ProjectStore
from shotlist.timing import frame_spans

SONG_S = 6.0
BOUNDS = [0.0, 1.3, 2.05, 3.4, 4.5, SONG_S]
COLOURS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
           "magenta": (255, 0, 255), "white": (255, 255, 255)}
SLUG = (38, 38, 38)
NAMES = ["Tom's \"night\" & day", "🎸🔥", "x" * 200, "", "café <b>"]


def make_clip(path: Path, colour: str, seconds: float, rate: Fraction) -> None:
    from shotlist.audio import ffmpeg_exe

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=64x36:r={rate.numerator}/{rate.denominator}:d={seconds + 0.2:.3f}",
                    "-pix_fmt", "yuv420p", str(path)], check=True, timeout=60)


def write_chirp(path: Path) -> None:
    """A rising chirp: no two stretches of it look alike, so a shifted or foreign audio track cannot match."""
    import numpy as np
    import soundfile as sf

    t = np.arange(int(SONG_S * 22050)) / 22050
    sf.write(str(path), (0.3 * np.sin(2 * np.pi * (150 * t + 90 * t * t))).astype("float32"), 22050)


def stored_project(tmp_path: Path, fps: float):
    """Five shots with nasty names: shot 2 has two takes and picks the first (lime; the second is white),
    shot 4 has no render (a slug stands in). Returns (store, project, folder, colour of each shot)."""
    wav = tmp_path / "in" / "My Song & \"Co\".wav"
    wav.parent.mkdir()
    write_chirp(wav)
    store = ProjectStore()
    sections = [Section(start=0, end=3, label="verse & 'co'", energy=0.4), Section(start=3, end=SONG_S, label="chorus",
                                                                                     energy=0.9)]
    lyrics = [LyricLine(time=1.5, text="first \"line\" 🎵"), LyricLine(time=4.6, text="second line")]
    project = store.create(wav, lambda p: song_of(SONG_S, sections=sections, lyrics=lyrics), title="Tom's <Song> & Co")
    folder = store.folder(project.id)
    rate = rate_fraction(fps)
    colours = ["red", "lime", "blue", None, "magenta"]
    shots = []
    for i, (a, b) in enumerate(zip(BOUNDS, BOUNDS[1:])):
        takes = []
        if colours[i]:
            for tid, colour in [("t1", colours[i])] + ([("t2", "white")] if i == 1 else []):
                rel = f"renders/{i}{tid} clip.mp4"
                make_clip(folder / rel, colour, b - a, rate)
                takes.append(Take(id=tid, seed=1, backend="animatic", path=rel, status="done"))
        shots.append(Shot(id=f"s{i:07d}", start=a, end=b, subject=NAMES[i], section="verse",
                          reason=f"reason {i} & more", why_generative="no camera goes there", takes=takes,
                          picked_take="t1" if i == 1 else None))
    brief = Brief(constraints=Constraints(fps=fps, resolution="1280x720"))
    saved = store.save(project.model_copy(update={"shots": shots, "brief": brief}))
    return store, saved, folder, [COLOURS[c] if c else SLUG for c in colours]


def check_render(render, project, colours) -> None:
    """melt's render of `project`: cut on the plan's frames, each shot in its colour, the song's length
    and the song as its audio."""
    rate = rate_fraction(project.brief.constraints.fps)
    spans = frame_spans(project.shots, float(rate))
    assert render.rate == rate
    assert len(render.colours) == spans[-1][0] + spans[-1][1] == round(SONG_S * rate)  # the song's length
    assert render.cuts == [first for first, _ in spans]
    for (first, frames), want in zip(spans, colours):
        got = render.colours[first + frames // 2]
        assert max(abs(g - w) for g, w in zip(got, want)) <= 64, f"frame {first}: {got}, wanted {want}"


def check_audio(render, song: Path) -> None:
    song_audio = decoded_audio(song)
    assert abs(len(render.audio) - len(song_audio)) <= AUDIO_RATE / float(render.rate) + 1
    lag, corr = audio_match(render.audio, song_audio, max_lag=AUDIO_RATE // 20)
    assert abs(lag) <= AUDIO_RATE / float(render.rate) and corr > 0.98, (lag, corr)
    assert abs(audio_match(render.audio, song_audio[::-1].copy(), max_lag=AUDIO_RATE // 20)[1]) < 0.5  # can fail


@pytest.mark.parametrize("fps", [23.976, 29.97, 59.94, 25.0])
def test_melt_renders_the_project_on_the_plans_frames_with_the_song(tmp_path, fps):
    _, project, folder, colours = stored_project(tmp_path, fps)
    path = tmp_path / "cut.mlt"
    path.write_bytes(get_format("mlt").write(project, folder))
    render = melt_render(path, tmp_path / "render.mkv")
    check_render(render, project, colours)
    check_audio(render, folder / project.song.path)


def test_the_project_names_notes_and_markers_survive_as_text(tmp_path):
    _, project, folder, _ = stored_project(tmp_path, 29.97)
    root = ET.fromstring(get_format("mlt").write(project, folder))
    producers = {p.get("id"): {q.get("name"): q.text for q in p.iter("property")} for p in root.iter("producer")}
    shots = [producers[e.get("producer")] for e in root.find("playlist[@id='shots']").iter("entry")]
    assert [s["shotcut:caption"] for s in shots][:2] == ["01 Tom's \"night\" & day", "02 🎸🔥"]
    assert len(shots[2]["shotcut:caption"]) <= 60 and shots[3]["shotcut:caption"] == "04 verse"  # no subject: its section
    assert shots[0]["shotcut:comment"].splitlines()[:2] == ["Reason: reason 0 & more",
                                                            "Why generative: no camera goes there"]
    assert shots[3]["mlt_service"] == "color" and "Offline: not rendered yet" in shots[3]["shotcut:comment"]
    marks = [{q.get("name"): q.text for q in m.iter("property")} for m in root.find(".//properties[@name='shotcut:markers']")]
    rate = rate_fraction(29.97)
    assert [m["text"] for m in marks] == ["verse & 'co'", "first \"line\" 🎵", "chorus", "second line"]
    seconds = [sum(float(x) * f for x, f in zip(m["start"].split(":"), (3600, 60, 1))) for m in marks]
    assert [round(s * rate) for s in seconds] == [0, round(1.5 * rate), round(3 * rate), round(4.6 * rate)]


def test_the_media_package_renders_in_melt_after_the_folder_moves(tmp_path):
    store, project, folder, colours = stored_project(tmp_path, 23.976)
    song = (folder / project.song.path).read_bytes()
    out = write_media_package(project, folder, tmp_path / "pkg")
    moved = tmp_path / "elsewhere" / "on another machine"
    moved.parent.mkdir()
    shutil.move(out, moved)
    store.delete(project.id)  # nothing may resolve into the project folder any more
    assert not folder.exists()
    mlt = moved / f"{project.id}.mlt"
    resources = [p.text for p in ET.parse(mlt).iter("property") if p.get("name") == "resource"]
    assert all(not r.startswith(("/", "file:")) for r in resources), resources  # relative paths only
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    render = melt_render(mlt, tmp_path / "render.mkv", cwd=elsewhere)  # resolved from the file, not the cwd
    check_render(render, project, colours)
    (moved / "song.copy").write_bytes(song)
    check_audio(render, moved / "song.copy")


def test_a_bad_cut_fails_the_melt_check(tmp_path):
    """The check can fail: a project whose fourth shot starts two frames early is caught."""
    _, project, folder, colours = stored_project(tmp_path, 24.0)
    data = get_format("mlt").write(project, folder).decode()
    root = ET.fromstring(data)
    entries = root.find("playlist[@id='shots']").findall("entry")
    entries[2].set("out", str(int(entries[2].get("out")) - 2))
    path = tmp_path / "early.mlt"
    path.write_bytes(ET.tostring(root))
    render = melt_render(path, tmp_path / "early.mkv")  # melt opens and renders it
    with pytest.raises(AssertionError, match=r"\[0, 31, 49, 80, 106"):
        check_render(render, project, colours)
