"""`fcp7xml`: Final Cut Pro 7 XML (xmeml version 4), for Premiere Pro, Resolve and Avid importers.

Written by OTIO's fcp_xml adapter from the same timeline as the .otio export (so from the same frames
as every other exporter), then finished here: the `<!DOCTYPE xmeml>` importers look for, an explicit
UTF-8 declaration, and the sequence's frame size in `<format><samplecharacteristics>` (the adapter
leaves `<format/>` empty, and Premiere then guesses the size).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..models import Project
from . import Format, register
from .media import exact_rate
from .timeline import build_timeline


def write_fcp7(project: Project, folder: Path, *, relative: bool = False) -> bytes:
    import opentimelineio as otio

    timeline = build_timeline(project, folder, placeholders=True, relative=relative)
    root = ET.fromstring(otio.adapters.write_to_string(timeline, "fcp_xml"))
    width, height = project.brief.constraints.size
    fps = exact_rate(project.brief.constraints.fps)
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


register(Format("fcp7xml", ".xml", write_fcp7, None, "Final Cut Pro 7 / Premiere XML"))
