"""Readers for the NLE exports, written for the tests and independent of the writers: each returns
the cuts it finds as (first frame, frame count) and checks the structure it relies on."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

DTD = Path(__file__).with_name("dtd") / "fcpxml-1.10-subset.dtd"


def xmllint_dtd_errors(data: bytes, dtd: Path = DTD) -> str:
    """xmllint's complaints about `data` against `dtd` ('' when valid)."""
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        raise AssertionError("xmllint is missing: apt-get install libxml2-utils (make system-deps does it)")
    proc = subprocess.run([xmllint, "--noout", "--nonet", "--dtdvalid", str(dtd), "-"], input=data,
                          capture_output=True, timeout=60)
    return "" if proc.returncode == 0 else proc.stderr.decode(errors="replace")


def _time(value: str) -> Fraction:
    assert value.endswith("s"), value
    return Fraction(value[:-1])


def fcpxml_cuts(data: bytes) -> tuple[list[tuple[int, int]], int, Fraction]:
    """Cuts of the spine counted from the sequence's tcStart (spine offsets are in sequence time, which
    starts there), the sequence length in frames and the frame duration (s); every time must sit exactly
    on a frame."""
    root = ET.fromstring(data)
    frame = _time(root.find("resources/format").get("frameDuration"))

    def frames(value: str) -> int:
        count = _time(value) / frame
        assert count.denominator == 1, f"{value} is not a whole number of {frame}s frames"
        return int(count)

    sequence = root.find("library/event/project/sequence")
    start = frames(sequence.get("tcStart", "0s"))
    cuts = [(frames(c.get("offset", "0s")) - start, frames(c.get("duration")))
            for c in sequence.findall("spine/asset-clip")]
    return cuts, frames(sequence.get("duration")), frame


def edl_cuts(text: str, rate: float, start: str = "01:00:00:00") -> tuple[list[tuple[int, int]], object]:
    """Cuts of a CMX 3600 EDL as pycmx parses it (timecodes read by OTIO), counted from the record
    timecode `start` (`;` for drop-frame), and the pycmx edit list."""
    import pycmx
    from opentimelineio.opentime import from_timecode

    edl = pycmx.parse_cmx3600(io.StringIO(text))
    if any(";" in e.edits[0].record_in for e in edl.events):  # drop-frame events: so is the start
        start = start[:8] + ";" + start[9:]
    origin = round(from_timecode(start, rate).value)
    cuts = []
    for event in edl.events:
        (edit,) = event.edits
        first, last = (round(from_timecode(tc, rate).value) for tc in (edit.record_in, edit.record_out))
        src_in, src_out = (round(from_timecode(tc, rate).value) for tc in (edit.source_in, edit.source_out))
        assert last - first == src_out - src_in, f"event {event.number}: record and source lengths differ"
        cuts.append((first - origin, last - first))
    return cuts, edl


def edl_comments(event) -> list[str]:
    """The text of an event's `* COMMENT:` lines, as pycmx reads them (remarks after the event line)."""
    return [st.text.removeprefix("COMMENT:").strip() for st in event.statements
            if type(st).__name__ == "StmtRemark" and st.text.startswith("COMMENT:")]


def fcp7_cuts(data: bytes) -> tuple[list[tuple[int, int]], dict]:
    """Cuts of the first video track of the sequence, checked contiguous, with the sequence's rate."""
    root = ET.fromstring(data)
    assert root.tag == "xmeml"
    (sequence,) = root.iter("sequence")
    rate = {"timebase": int(sequence.findtext("rate/timebase")), "ntsc": sequence.findtext("rate/ntsc")}
    track = sequence.find("media/video/track")
    cuts, at = [], 0
    for item in track.findall("clipitem"):
        start, end, cin, cout = (int(item.findtext(k)) for k in ("start", "end", "in", "out"))
        assert start == at, f"{item.get('id')} starts at {start}, the previous clip ends at {at}"
        assert end - start == cout - cin > 0, f"{item.get('id')}: start/end and in/out disagree"
        assert item.findtext("rate/timebase") == str(rate["timebase"]) and item.findtext("rate/ntsc") == rate["ntsc"]
        cuts.append((start, end - start))
        at = end
    rate["duration"] = int(sequence.findtext("duration"))
    return cuts, rate


def mlt_cuts(data: bytes) -> tuple[list[tuple[int, int]], int, Fraction]:
    """Cuts of the MLT project's video track (the tractor's track whose playlist is marked
    `shotcut:video`; entries' out is inclusive), the tractor's length in frames and the profile's rate."""
    root = ET.fromstring(data)
    assert root.tag == "mlt"
    profile = root.find("profile")
    rate = Fraction(int(profile.get("frame_rate_num")), int(profile.get("frame_rate_den")))
    playlists = {p.get("id"): p for p in root.iter("playlist")}
    (tractor,) = [t for t in root.iter("tractor") if t.findtext("property[@name='shotcut']") == "1"]
    (video,) = [playlists[t.get("producer")] for t in tractor.iter("track")
                if playlists[t.get("producer")].findtext("property[@name='shotcut:video']") == "1"]
    ids = {p.get("id") for p in root.iter("producer")}
    cuts, at = [], 0
    for entry in video:
        if entry.tag == "entry":
            assert entry.get("producer") in ids, f"entry of a producer {entry.get('producer')!r} that is not there"
            frames = int(entry.get("out")) - int(entry.get("in")) + 1
            cuts.append((at, frames))
            at += frames
        elif entry.tag == "blank":
            at += int(entry.get("length"))
    return cuts, int(tractor.get("out")) - int(tractor.get("in", "0")) + 1, rate


def otio_cuts(data: bytes) -> list[tuple[int, int]]:
    import opentimelineio as otio

    timeline = otio.adapters.read_from_string(data.decode(), "otio_json")
    (video,) = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return [(c.range_in_parent().start_time.to_frames(), c.source_range.duration.to_frames())
            for c in video.find_clips()]


def has_doctype(data: bytes, root: str) -> bool:
    return re.search(rb"<!DOCTYPE\s+" + root.encode() + rb"\s*>", data[:400]) is not None


@dataclass
class MeltRender:
    """What melt made of an MLT project: the mean colour of every frame, the frames where the picture
    changes, the rate it rendered at and the audio (mono, `AUDIO_RATE` Hz)."""

    colours: list[tuple[int, int, int]]
    cuts: list[int]
    rate: Fraction
    audio: object  # numpy float32 array
    log: str


AUDIO_RATE = 8000


def melt_render(project: Path, out: Path, cwd: Path | None = None) -> MeltRender:
    """Render `project` with the real MLT engine (Debian's melt, the engine under Kdenlive and Shotcut)
    at the frame rate its own profile names, tiny and lossless, and read the frames and audio back with
    ffmpeg. Fails when melt is missing, exits non-zero or cannot load a producer."""
    import numpy as np

    from shotlist.audio import ffmpeg_exe

    melt = shutil.which("melt")
    if melt is None:
        raise AssertionError("melt is missing: apt-get install melt (make system-deps does it)")
    profile = ET.parse(project).getroot().find("profile")
    rate = Fraction(int(profile.get("frame_rate_num")), int(profile.get("frame_rate_den")))
    proc = subprocess.run([melt, "-quiet", str(project), "-consumer", f"avformat:{out}", "vcodec=ffv1",
                           "acodec=pcm_s16le", "width=64", "height=36", f"frame_rate_num={rate.numerator}",
                           f"frame_rate_den={rate.denominator}", "real_time=-1"],
                          capture_output=True, text=True, timeout=300, cwd=cwd)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and out.is_file(), f"melt failed ({proc.returncode}): {log[-2000:]}"
    assert "failed to load" not in log, f"melt could not open a clip: {log[-2000:]}"
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-fps_mode", "passthrough", "-vf", "scale=4:4",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    means = np.frombuffer(raw, np.uint8).reshape(-1, 16, 3).mean(axis=1)
    cuts = [0] + [i for i in range(1, len(means)) if np.abs(means[i] - means[i - 1]).max() > 24]
    return MeltRender([tuple(int(round(c)) for c in m) for m in means], cuts, rate, decoded_audio(out), log)


def decoded_audio(path: Path):
    """The audio of a media file, mono at `AUDIO_RATE` Hz, as ffmpeg decodes it."""
    import numpy as np

    from shotlist.audio import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(AUDIO_RATE), "-f", "f32le",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32)


def audio_match(a, b, max_lag: int) -> tuple[int, float]:
    """The lag (samples, |lag| <= max_lag) at which `a` best matches `b`, and their correlation there."""
    import numpy as np

    n = min(len(a), len(b)) - 2 * max_lag
    best = max(range(-max_lag, max_lag + 1),
               key=lambda lag: float(np.dot(a[max_lag + lag:max_lag + lag + n], b[max_lag:max_lag + n])))
    return best, float(np.corrcoef(a[max_lag + best:max_lag + best + n], b[max_lag:max_lag + n])[0, 1])
