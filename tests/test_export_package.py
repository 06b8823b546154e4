"""`export --with-media`: a folder of timelines, clips and song whose references are relative, opened
from a moved copy by reading every timeline back and resolving each reference from its new place."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from helpers import song_of
from nle_readers import edl_cuts, fcp7_cuts, fcpxml_cuts, otio_cuts, xmllint_dtd_errors
from shotlist.errors import ShotcallerError
from shotlist.export import get_format
from shotlist.export.media import exact_rate
from shotlist.export.package import write_media_package
from shotlist.models import Brief, Constraints, Section, Shot, Take
from shotlist.store import ProjectStore
from shotlist.timing import frame_spans

FPS = 23.976
COLOURS = ["red", "green", "blue", "yellow", "white", "cyan"]


def make_clip(path: Path, colour: str, seconds: float) -> None:
    from shotlist.audio import ffmpeg_exe

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=64x36:r=24000/1001:d={seconds:.3f}", "-pix_fmt", "yuv420p", str(path)],
                   check=True, timeout=60)


@pytest.fixture
def rendered(tmp_path):
    """A stored project of four shots: shot 1 has two takes and picks the first, shot 2 two takes and no
    pick (the latest counts), shot 3 a done and a failed take, shot 4 no render at all."""
    import numpy as np
    import soundfile as sf

    wav = tmp_path / "in" / "My Song (final mix).wav"
    wav.parent.mkdir()
    sf.write(str(wav), (0.2 * np.sin(np.arange(8 * 22050) * 2 * np.pi * 220 / 22050)).astype("float32"), 22050)
    store = ProjectStore()
    project = store.create(wav, lambda p: song_of(8.0, sections=[Section(start=0, end=8, label="verse", energy=0.5)]),
                           title="Tom's \"Night\" & Day")
    folder = store.folder(project.id)
    takes = {0: [("t1", "done"), ("t2", "done")], 1: [("t1", "done"), ("t2", "done")], 2: [("t1", "done"), ("t2", "failed")]}
    shots, n = [], 0
    for i, (a, b) in enumerate([(0.0, 2.1), (2.1, 4.3), (4.3, 6.0), (6.0, 8.0)]):
        made = []
        for tid, status in takes.get(i, []):
            rel = f"renders/{i}{tid}{'a' * 20}.mp4"
            if status == "done":
                make_clip(folder / rel, COLOURS[n % len(COLOURS)], b - a)
                n += 1
            made.append(Take(id=tid, seed=1, backend="animatic", path=rel if status == "done" else None, status=status))
        shots.append(Shot(id=f"s{i:07d}", start=a, end=b, subject=["the song's image", "café <b>", "", "🎸"][i],
                          reason="r", why_generative="w", takes=made, picked_take="t1" if i == 0 else None))
    brief = Brief(constraints=Constraints(fps=FPS, resolution="1920x1080"))
    saved = store.save(project.model_copy(update={"shots": shots, "brief": brief}))
    chosen = {1: folder / "renders/0t1aaaaaaaaaaaaaaaaaaaa.mp4", 2: folder / "renders/1t2aaaaaaaaaaaaaaaaaaaa.mp4",
              3: folder / "renders/2t1aaaaaaaaaaaaaaaaaaaa.mp4"}
    return store, saved, folder, chosen


def local(base: Path, url: str) -> Path:
    """Resolve a reference written in a timeline at `base`; it must be relative, not a file:// URL."""
    parsed = urlparse(url)
    assert not parsed.scheme and not url.startswith("/"), f"{url!r} is not a relative reference"
    return base / unquote(parsed.path)


def test_the_package_opens_from_a_moved_copy(rendered, tmp_path):
    import opentimelineio as otio

    store, project, folder, chosen = rendered
    wanted = {n: p.read_bytes() for n, p in chosen.items()}
    song = (folder / project.song.path).read_bytes()
    out = write_media_package(project, folder, tmp_path / "pkg")
    moved = tmp_path / "elsewhere" / "on another machine"
    moved.parent.mkdir()
    shutil.move(out, moved)
    store.delete(project.id)  # nothing may resolve into the project folder any more
    assert not folder.exists()
    pid, rate = project.id, exact_rate(FPS)
    expected = frame_spans(project.shots, rate)

    # OTIO: every clip's and the song's target_url, resolved from the .otio file's folder
    timeline = otio.adapters.read_from_file(str(moved / f"{pid}.otio"))
    video, audio = timeline.video_tracks()[0], timeline.audio_tracks()[0]
    refs = [c.media_reference for c in video.find_clips()]
    for n, ref in enumerate(refs[:3], start=1):
        assert local(moved, ref.target_url).read_bytes() == wanted[n], f"shot {n} links the wrong take"
    assert isinstance(refs[3], otio.schema.MissingReference)  # shot 4 has no render: missing, named after the shot
    (song_clip,) = audio.find_clips()
    assert local(moved, song_clip.media_reference.target_url).read_bytes() == song
    assert otio_cuts((moved / f"{pid}.otio").read_bytes()) == expected
    back = get_format("otio").read((moved / f"{pid}.otio").read_bytes(), project.model_copy(update={"shots": []}))
    assert [s.model_dump(exclude={"index"}) for s in back.shots] == [s.model_dump(exclude={"index"})
                                                                     for s in project.shots]  # takes and picks too

    # FCPXML: valid, and every media-rep src resolves
    data = (moved / f"{pid}.fcpxml").read_bytes()
    assert xmllint_dtd_errors(data) == ""
    root = ET.fromstring(data)
    srcs = {a.get("id"): a.find("media-rep").get("src") for a in root.iter("asset")}
    clips = root.findall(".//spine/asset-clip")
    for n, clip in enumerate(clips[:3], start=1):
        assert local(moved, srcs[clip.get("ref")]).read_bytes() == wanted[n]
    (song_ref,) = [c.get("ref") for c in clips[0].findall("asset-clip")]
    assert local(moved, srcs[song_ref]).read_bytes() == song
    assert fcpxml_cuts(data)[0] == expected

    # FCP7 XML: every <pathurl> resolves
    data = (moved / f"{pid}.xml").read_bytes()
    paths = [f.findtext("pathurl") for f in ET.fromstring(data).iter("file") if f.findtext("pathurl")]
    assert [local(moved, p).read_bytes() for p in paths[:3]] == [wanted[1], wanted[2], wanted[3]]
    assert local(moved, paths[-1]).read_bytes() == song
    assert fcp7_cuts(data)[0] == expected

    # EDL: each SOURCE FILE, as pycmx reads it, resolves
    cuts, edl = edl_cuts((moved / f"{pid}.edl").read_text("ascii"), rate)
    files = [e.edits[0].source_file for e in edl.events]
    assert [local(moved, f).read_bytes() for f in files[:3]] == [wanted[1], wanted[2], wanted[3]]
    assert files[3] == "renders/offline/04-s0000003.mp4"  # an offline placeholder the NLE asks to relink
    assert cuts == expected
    # relinking by name (Premiere, Resolve): each clip name finds exactly its file in the moved folder,
    # whose source timecode starts at the file's first frame
    for edit, want in zip([e.edits[0] for e in edl.events][:3], [wanted[1], wanted[2], wanted[3]]):
        (found,) = moved.rglob(edit.clip_name)
        assert found.read_bytes() == want and edit.source_in == "00:00:00:00"
    assert [e.edits[0].record_in for e in edl.events][0] == "01:00:00:00"

    # the copied clips are real videos
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,width", "-of", "json",
                            str(local(moved, files[0]))], capture_output=True, text=True, check=True)
    assert json.loads(probe.stdout)["streams"][0] == {"codec_type": "video", "width": 64}


def test_a_package_needs_renders_and_a_folder_of_its_own(rendered, tmp_path):
    store, project, folder, _ = rendered
    bare = project.model_copy(update={"shots": [s.model_copy(update={"takes": [], "picked_take": None})
                                                for s in project.shots]})
    with pytest.raises(ShotcallerError, match="no shot of .* has a rendered clip yet: run `shotcaller render"):
        write_media_package(bare, folder, tmp_path / "a")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("mine")
    with pytest.raises(ShotcallerError, match="not empty: choose a new folder"):
        write_media_package(project, folder, tmp_path / "busy")
    first = write_media_package(project, folder, tmp_path / "again")
    assert write_media_package(project, folder, tmp_path / "again") == first  # its own package: replaced


def test_cli_export_with_media(rendered, tmp_path):
    from test_cli import run

    _, project, _, _ = rendered
    out = tmp_path / "for the editor"
    proc = run("export", project.id, "--with-media", "--out", out, "--start-tc", "10:00:00:00")
    assert proc.stdout.splitlines()[0] == str(out)
    assert "1 shot has no render yet and is offline in the package: 4" in proc.stdout
    assert sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(".")) == sorted(
        f"{project.id}{s}" for s in (".edl", ".fcpxml", ".mlt", ".otio", ".xml"))
    cuts, _ = edl_cuts((out / f"{project.id}.edl").read_text("ascii"), exact_rate(FPS), start="10:00:00:00")
    assert cuts == frame_spans(project.shots, exact_rate(FPS))
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.parent != out)
    assert copied == ["media/song.wav", "renders/0t1aaaaaaaaaaaaaaaaaaaa.mp4", "renders/1t2aaaaaaaaaaaaaaaaaaaa.mp4",
                      "renders/2t1aaaaaaaaaaaaaaaaaaaa.mp4"]  # the chosen takes only, and the song
    err = run("export", project.id, "--with-media", "--out", "-", check=False)
    assert err.returncode == 2 and err.stderr.strip() == "error: --with-media writes a folder: give --out a folder, not -"


def test_a_take_outside_the_project_folder_is_copied_in(rendered, tmp_path):
    _, project, folder, chosen = rendered
    outside = tmp_path / "elsewhere" / "take.mp4"
    outside.parent.mkdir()
    shutil.copy2(chosen[3], outside)
    shots = list(project.shots)
    shots[2] = shots[2].model_copy(update={"takes": [shots[2].takes[0].model_copy(update={"path": str(outside)})]})
    out = write_media_package(project.model_copy(update={"shots": shots}), folder, tmp_path / "pkg")
    data = (out / f"{project.id}.fcpxml").read_bytes()
    srcs = [m.get("src") for m in ET.fromstring(data).iter("media-rep")]
    assert srcs[2] == "renders/take.mp4" and local(out, srcs[2]).read_bytes() == outside.read_bytes()
