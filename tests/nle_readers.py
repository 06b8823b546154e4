"""Readers for the NLE exports, written for the tests and independent of the writers: each returns
the cuts it finds as (first frame, frame count) and checks the structure it relies on."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
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
    """Cuts of the spine, the sequence length in frames and the frame duration (s); every time must sit
    exactly on a frame."""
    root = ET.fromstring(data)
    frame = _time(root.find("resources/format").get("frameDuration"))

    def frames(value: str) -> int:
        count = _time(value) / frame
        assert count.denominator == 1, f"{value} is not a whole number of {frame}s frames"
        return int(count)

    spine = root.find("library/event/project/sequence/spine")
    cuts = [(frames(c.get("offset", "0s")), frames(c.get("duration"))) for c in spine.findall("asset-clip")]
    return cuts, frames(root.find("library/event/project/sequence").get("duration")), frame


def edl_cuts(text: str, rate: float) -> tuple[list[tuple[int, int]], object]:
    """Cuts of a CMX 3600 EDL as pycmx parses it (timecodes read by OTIO), and the pycmx edit list."""
    import pycmx
    from opentimelineio.opentime import from_timecode

    edl = pycmx.parse_cmx3600(io.StringIO(text))
    cuts = []
    for event in edl.events:
        (edit,) = event.edits
        first, last = (round(from_timecode(tc, rate).value) for tc in (edit.record_in, edit.record_out))
        src_in, src_out = (round(from_timecode(tc, rate).value) for tc in (edit.source_in, edit.source_out))
        assert last - first == src_out - src_in, f"event {event.number}: record and source lengths differ"
        cuts.append((first, last - first))
    return cuts, edl


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


def otio_cuts(data: bytes) -> list[tuple[int, int]]:
    import opentimelineio as otio

    timeline = otio.adapters.read_from_string(data.decode(), "otio_json")
    (video,) = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return [(c.range_in_parent().start_time.to_frames(), c.source_range.duration.to_frames())
            for c in video.find_clips()]


def has_doctype(data: bytes, root: str) -> bool:
    return re.search(rb"<!DOCTYPE\s+" + root.encode() + rb"\s*>", data[:400]) is not None
