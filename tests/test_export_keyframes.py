"""Exports skip keyframe takes: a take by a backend that `makes_keyframes` is a still (its `.png` beside a clip
of that still moved like the animatic, timecode burnt in) that later video renders animate. On an editor's
timeline a shot is its video take's clip (the picked one, else the newest); with no video take, its keyframe
itself, held as a still for the shot's duration. Checked on a real project folder rendered by a keyframe
backend and the animatic, in every timeline format and the media package (melt renders the MLT, ffprobe
reads what it made)."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from generation.backend import _BACKENDS, RenderSettings, register_backend
from generation.render import Renderer
from helpers import planned_song
from shotlist.export import export
from shotlist.export.media import timeline_media
from shotlist.export.package import write_media_package
from shotlist.store import ProjectStore

SMALL = RenderSettings(width=160, height=96, fps=24.0)


class StillsForTests:
    """A keyframe backend as `DiffusersStillsBackend` is (the same moving-still code, the keyframe saved beside
    the clip), its picture drawn instead of generated: no model, no GPU."""

    name = "stills-for-tests"
    needs_gpu = False
    makes_keyframes = True

    def __init__(self, **options):
        pass

    def key(self, job):
        return {"stills-for-tests": 1}

    def render(self, job, out: Path, progress) -> None:
        from PIL import Image

        from generation.animatic import render_moving_still

        still = Image.new("RGB", (job.settings.width, job.settings.height), (200, 40 * job.number, 90))
        still.save(out.with_suffix(".png"))
        render_moving_still(job, out, progress, lambda size: still.resize(size))


@pytest.fixture(scope="module")
def rendered(click_wav, tmp_path_factory):
    """Shot 1: a keyframe take, then an animatic (video) take that animates it; shot 2: a keyframe take only;
    shot 3: a video take only; shot 4: nothing rendered."""
    register_backend(StillsForTests.name, StillsForTests)
    try:
        store = ProjectStore(tmp_path_factory.mktemp("home") / "projects")
        pid = planned_song(store, click_wav[0], 4, title="Keyframes")
        Renderer(store, pid, StillsForTests.name, SMALL).render(shots=[1, 2], assemble_cut=False)
        Renderer(store, pid, "animatic", SMALL).render(shots=[1, 3], assemble_cut=False)
        yield store, store.load(pid)
    finally:
        _BACKENDS.pop(StillsForTests.name, None)


def takes_of(project, n):
    return {t.backend: t for t in project.shots[n - 1].takes if t.status == "done"}


def test_the_timeline_media_is_the_video_take_else_the_keyframe(rendered):
    store, project = rendered
    folder = store.folder(project.id)
    one, two, three = takes_of(project, 1), takes_of(project, 2), takes_of(project, 3)
    assert set(one) == {"animatic", StillsForTests.name} and set(two) == {StillsForTests.name}
    assert set(three) == {"animatic"}
    assert timeline_media(folder, project.shots[0]) == folder / one["animatic"].path
    assert timeline_media(folder, project.shots[1]) == (folder / two[StillsForTests.name].path).with_suffix(".png")
    assert timeline_media(folder, project.shots[2]) == folder / three["animatic"].path
    assert timeline_media(folder, project.shots[3]) is None
    # the artist picked the keyframe take: the editor still gets the video clip
    picked = project.shots[0].model_copy(update={"picked_take": one[StillsForTests.name].id})
    assert timeline_media(folder, picked) == folder / one["animatic"].path
    newest = project.shots[0].model_copy(update={"takes": project.shots[0].takes[::-1]})  # the keyframe newest
    assert timeline_media(folder, newest) == folder / one["animatic"].path


def test_every_timeline_points_at_the_video_clip_or_holds_the_keyframe(rendered, tmp_path):
    store, project = rendered
    folder = store.folder(project.id)
    one, two = takes_of(project, 1), takes_of(project, 2)
    video, key_clip = Path(one["animatic"].path).name, Path(one[StillsForTests.name].path).name
    still = Path(two[StillsForTests.name].path).with_suffix(".png").name
    skipped = Path(two[StillsForTests.name].path).name  # the keyframe take's own moving-still clip

    otio = json.loads(export("otio", project, folder))
    clips = [c for c in otio["tracks"]["children"][0]["children"] if c["OTIO_SCHEMA"].startswith("Clip")]
    urls = [unquote(c["media_references"]["DEFAULT_MEDIA"].get("target_url", "")) for c in clips]
    assert urls[0].endswith(video) and urls[1].endswith(still) and urls[2].endswith(
        Path(takes_of(project, 3)["animatic"].path).name)
    assert clips[3]["media_references"]["DEFAULT_MEDIA"]["OTIO_SCHEMA"].startswith("MissingReference")
    frames = [c["source_range"]["duration"]["value"] for c in clips]
    assert clips[1]["media_references"]["DEFAULT_MEDIA"]["available_range"]["duration"]["value"] == frames[1]  # held for the shot

    for fmt in ("edl", "fcpxml", "fcp7xml", "mlt"):  # (the .otio carries every take in its metadata)
        text = export(fmt, project, folder).decode()
        assert key_clip not in text and skipped not in text, fmt  # no keyframe take's clip anywhere
        assert video in text and still in text, fmt

    from nle_readers import xmllint_dtd_errors

    assert xmllint_dtd_errors(export("fcpxml", project, folder)) == ""  # the still is valid FCPXML 1.10
    fcpxml = ET.fromstring(export("fcpxml", project, folder))
    assert fcpxml.find("./resources/format[@id='r1']").get("frameDuration") == "1/24s"
    spine = fcpxml.find("./library/event/project/sequence/spine")
    kinds = [el.tag for el in spine]
    assert kinds[:3] == ["asset-clip", "video", "asset-clip"], kinds  # the keyframe is a still on the spine
    held = spine[1]
    asset = fcpxml.find(f"./resources/asset[@id='{held.get('ref')}']")
    assert asset.get("duration") == "0s" and asset.find("media-rep").get("src").endswith(still)
    assert fcpxml.find(f"./resources/format[@id='{asset.get('format')}']").get("name") == "FFVideoFormatRateUndefined"
    edl = export("edl", project, folder).decode()
    assert "held for the shot" in edl.upper() or "HELD FOR THE SHOT" in edl.upper()


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                          "stream=codec_type,nb_read_frames,width,height:format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.skipif(not shutil.which("melt") or not shutil.which("ffprobe"), reason="melt and ffprobe render and read")
def test_the_media_package_carries_the_clip_and_the_still_and_melt_plays_the_still_for_its_shot(rendered, tmp_path):
    store, project = rendered
    folder = store.folder(project.id)
    out = write_media_package(project, folder, tmp_path / "package")
    one, two = takes_of(project, 1), takes_of(project, 2)
    copied = sorted(p.relative_to(out).as_posix() for p in (out / "renders").rglob("*") if p.is_file())
    still = Path(two[StillsForTests.name].path).with_suffix(".png").as_posix()
    assert one["animatic"].path in copied and still in copied
    assert one[StillsForTests.name].path not in copied and two[StillsForTests.name].path not in copied, copied
    assert ffprobe(out / one["animatic"].path)["streams"][0]["codec_type"] == "video"

    mlt = out / f"{project.id}.mlt"
    root = ET.parse(mlt).getroot()
    producer = root.find("./producer[@id='shot2']")
    resource = next(p.text for p in producer.iterfind("property") if p.get("name") == "resource")
    assert resource.endswith(Path(still).name)
    cut = tmp_path / "melt.mp4"
    subprocess.run(["melt", str(mlt), "-consumer", f"avformat:{cut}", "vcodec=libx264", "an=1", "width=160",
                    "height=96"], capture_output=True, check=True, timeout=300, cwd=out)
    probe = ffprobe(cut)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    total = sum(int(p.find("./property[@name='length']").text) for p in root.iterfind("./producer")
                if p.get("id", "").startswith("shot"))
    assert int(video["nb_read_frames"]) == total  # the still holds its shot's frames: the cut keeps its length
    # the still's own frames come out of melt as the keyframe's colour, not black and not the burnt-in clip
    first, frames = _span(root, "shot2")
    frame = tmp_path / "f.png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(cut), "-vf", f"select=eq(n\\,{first + frames // 2})",
                    "-frames:v", "1", str(frame)], check=True)
    from PIL import Image

    r, g, b = Image.open(frame).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert abs(r - 200) < 30 and abs(g - 80) < 30 and abs(b - 90) < 30, (r, g, b)


def _span(root, pid: str) -> tuple[int, int]:
    """Where the producer `pid` sits on the shots playlist: (its first frame, its frames)."""
    at = 0
    for el in root.find("./playlist[@id='shots']").iterfind("entry"):
        frames = int(el.get("out")) - int(el.get("in")) + 1
        if el.get("producer") == pid:
            return at, frames
        at += frames
    raise AssertionError(f"{pid} is not on the shots playlist")
