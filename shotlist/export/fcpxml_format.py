"""`fcpxml`: Final Cut Pro X / DaVinci Resolve XML, version 1.10, written with ElementTree.

Our own writer, not OTIO's fcpx_xml adapter (otio-fcpx-xml-adapter 1.0.0), which
- looks resources up with ElementTree XPath predicates built from names and paths
  (`find(f"./asset-clip[@name='{name}']")`, `./asset[@src='{path}']`): any shot name or folder with an
  apostrophe raises "SyntaxError: invalid predicate" (guided mode's default subject "the song's central
  image" triggers it);
- knows NTSC rates only by rounded names (23.98, 29.97) and computes times at 23.98 fps, so cuts drift a
  frame from the EDL and the timeline runs a frame past the song;
- writes a `<format>` without width, height or name.

Here every time is an exact frame count × the format's frameDuration (1001/24000 s at 23.976), from
the same `cuts()` as the EDL, FCP7 XML and OTIO exports. Structure: resources (one format, an asset per
clip and one for the song), then library › event › project › sequence › spine of asset-clips, one per
shot; the song is connected to the first clip on lane -1; sections and lyric lines are markers on the
clip they fall in, and each clip's `<note>` holds the shot's reason, why generative and lyric (and, for a
shot with no rendered clip, that an offline placeholder stands in). The sequence starts at `start_tc`
(01:00:00:00 by default): `tcStart` and the spine's offsets count from it; clips keep source time 0. Valid against Apple's FCPXML 1.10 DTD (checked in tests/test_export_validation.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

from ..models import Project
from . import Format, register
from .sniff import xml_root
from .media import DEFAULT_START_TC, is_drop_frame, rate_fraction, song_file, timecode_frames
from .timeline import cuts, marks, shot_note, song_url, total_frames, xml_text

VERSION = "1.10"
_RATE_CODES = {Fraction(24000, 1001): "2398", Fraction(30000, 1001): "2997", Fraction(48000, 1001): "4795",
               Fraction(60000, 1001): "5994", Fraction(120000, 1001): "11988"}
_NAMED_SIZES = {(1280, 720): "720", (1920, 1080): "1080"}


def format_name(width: int, height: int, rate: Fraction) -> str:
    """Final Cut's name for a video format: FFVideoFormat1080p2398, FFVideoFormat1080x1920p30."""
    code = _RATE_CODES.get(rate) or (str(rate.numerator) if rate.denominator == 1 else f"{float(rate):g}".replace(".", ""))
    size = _NAMED_SIZES.get((width, height), f"{width}x{height}")
    return f"FFVideoFormat{size}p{code}"


def write_fcpxml(project: Project, folder: Path, *, relative: bool = False, start_tc: str = DEFAULT_START_TC) -> bytes:
    fps = project.brief.constraints.fps
    start = timecode_frames(start_tc, fps)
    rate = rate_fraction(fps)
    width, height = project.brief.constraints.size
    tc_format = "DF" if is_drop_frame(fps) else "NDF"

    def t(frames: int) -> str:
        value = Fraction(frames) / rate
        if value == 0:
            return "0s"
        return f"{value.numerator}s" if value.denominator == 1 else f"{value.numerator}/{value.denominator}s"

    root = ET.Element("fcpxml", version=VERSION)
    resources = ET.SubElement(root, "resources")
    ET.SubElement(resources, "format", id="r1", name=format_name(width, height, rate), frameDuration=t(1),
                  width=str(width), height=str(height))
    timeline = cuts(project, folder, relative)
    if any(cut.still for cut in timeline):  # Final Cut's own format for still images: no frame duration
        ET.SubElement(resources, "format", id="r0", name="FFVideoFormatRateUndefined", width=str(width),
                      height=str(height))
    for n, cut in enumerate(timeline, start=2):
        asset = ET.SubElement(resources, "asset", id=f"r{n}", name=cut.name, start="0s",
                              duration="0s" if cut.still else t(cut.frames), hasVideo="1",
                              format="r0" if cut.still else "r1", videoSources="1")
        ET.SubElement(asset, "media-rep", kind="original-media", src=cut.url)
    total = total_frames(project)
    song_id = f"r{len(timeline) + 2}"
    song_name = xml_text(song_file(folder, project).name)
    song = ET.SubElement(resources, "asset", id=song_id, name=song_name, start="0s", duration=t(total),
                         hasAudio="1", audioSources="1")
    ET.SubElement(song, "media-rep", kind="original-media", src=song_url(project, folder, relative))

    event = ET.SubElement(ET.SubElement(root, "library"), "event", name="Shotcaller")
    proj = ET.SubElement(event, "project", name=xml_text(project.title) or "Untitled")
    sequence = ET.SubElement(proj, "sequence", format="r1", duration=t(total), tcStart=t(start), tcFormat=tc_format,
                             audioLayout="stereo", audioRate="48k")
    spine = ET.SubElement(sequence, "spine")
    markers = marks(project)
    for n, cut in enumerate(timeline, start=2):
        if cut.still:  # a keyframe held for the shot: a still is a <video> on the spine
            clip = ET.SubElement(spine, "video", ref=f"r{n}", offset=t(start + cut.first), name=cut.name,
                                 start="0s", duration=t(cut.frames))
        else:
            clip = ET.SubElement(spine, "asset-clip", ref=f"r{n}", offset=t(start + cut.first), name=cut.name,
                                 start="0s", duration=t(cut.frames), format="r1", tcFormat=tc_format)
        if note := shot_note(cut):
            ET.SubElement(clip, "note").text = note
        if n == 2:
            ET.SubElement(clip, "asset-clip", ref=song_id, lane="-1", offset="0s", name=song_name, start="0s",
                          duration=t(total))
        for mark in markers:
            if cut.first <= mark.frame < cut.first + cut.frames:
                ET.SubElement(clip, "marker", start=t(mark.frame - cut.first), duration=t(1), value=mark.text)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n{body}\n'.encode()


register(Format("fcpxml", ".fcpxml", write_fcpxml, None, "Final Cut Pro X / DaVinci Resolve XML",
                frozenset({"start_tc"}), lambda data: xml_root(data) == "fcpxml"))
