"""`fcp7xml`: Final Cut Pro 7 XML (xmeml version 4), for Premiere Pro, Resolve and Avid importers.

Written by OTIO's fcp_xml adapter from the same timeline as the .otio export (so from the same frames
as every other exporter), then finished here: the `<!DOCTYPE xmeml>` importers look for, an explicit
UTF-8 declaration, the sequence's frame size in `<format><samplecharacteristics>` (the adapter
leaves `<format/>` empty, and Premiere then guesses the size) and its `<timecode>` from `start_tc`
(01:00:00:00 by default; drop-frame at 29.97 and 59.94, which the adapter does not write). Each clipitem
carries the shot in `<comments>` (master comment 1: reason, 2: why generative, 3: lyric, 4: for a shot
with no rendered clip, that an offline placeholder stands in) and its lyric lines as `<marker>`s.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..models import Project
from . import Format, register
from .sniff import xml_root
from .media import DEFAULT_START_TC, exact_rate, is_drop_frame, smpte_timecode, timecode_frames
from .timeline import build_timeline, cuts, shot_note, video_clips, xml_text


def write_fcp7(project: Project, folder: Path, *, relative: bool = False, start_tc: str = DEFAULT_START_TC) -> bytes:
    import opentimelineio as otio

    start = timecode_frames(start_tc, project.brief.constraints.fps)
    timeline = build_timeline(project, folder, placeholders=True, relative=relative, start=start)
    for clip, cut in zip(video_clips(timeline), cuts(project, folder, relative)):
        offline = shot_note(cut).splitlines()[-1] if cut.offline else ""
        texts = (cut.shot.reason, cut.shot.why_generative, cut.shot.lyric or "", offline)
        clip.metadata["fcp_xml"] = {"comments": {f"mastercomment{n}": " ".join(xml_text(text).split())
                                                 for n, text in enumerate(texts, start=1) if text}}
    root = ET.fromstring(otio.adapters.write_to_string(timeline, "fcp_xml"))
    width, height = project.brief.constraints.size
    fps = exact_rate(project.brief.constraints.fps)
    for sequence in root.iterfind("./project/children/sequence"):
        _start_timecode(sequence, start, project.brief.constraints.fps)
    for fmt in root.iterfind("./project/children/sequence/media/video/format"):
        fmt.clear()
        chars = ET.SubElement(fmt, "samplecharacteristics")
        rate = ET.SubElement(chars, "rate")
        ET.SubElement(rate, "timebase").text = str(round(fps))
        ET.SubElement(rate, "ntsc").text = "TRUE" if round(fps) != fps else "FALSE"
        ET.SubElement(chars, "width").text = str(width)
        ET.SubElement(chars, "height").text = str(height)
        ET.SubElement(chars, "pixelaspectratio").text = "square"
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n{body}\n'.encode()


def _start_timecode(sequence: ET.Element, start: int, fps: float) -> None:
    """The sequence's `<timecode>`: where its first frame sits, as SMPTE text and a frame number."""
    for old in sequence.findall("timecode"):
        sequence.remove(old)
    tc = ET.SubElement(sequence, "timecode")
    rate = ET.SubElement(tc, "rate")
    ET.SubElement(rate, "timebase").text = str(round(exact_rate(fps)))
    ET.SubElement(rate, "ntsc").text = "TRUE" if round(exact_rate(fps)) != exact_rate(fps) else "FALSE"
    ET.SubElement(tc, "string").text = smpte_timecode(start, fps)
    ET.SubElement(tc, "frame").text = str(start)
    ET.SubElement(tc, "displayformat").text = "DF" if is_drop_frame(fps) else "NDF"


register(Format("fcp7xml", ".xml", write_fcp7, None, "Final Cut Pro 7 / Premiere XML", frozenset({"start_tc"}),
                lambda data: xml_root(data) == "xmeml"))
