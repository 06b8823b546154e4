"""`edl` (CMX 3600), `fcpxml` (Final Cut Pro X, DaVinci Resolve) and `fcp7xml` (Premiere, FCP 7),
written by the OpenTimelineIO adapters from the same timeline.

The NLE writers need a media reference with a range on every clip, so unrendered shots point at
offline placeholders named after the shots. EDL holds one video track. The FCPXML adapter looks frame
durations up by rounded rate (23.98, 29.97); we add the exact NTSC rates to its table so timecode stays
on the 1001/24000 s grid.
"""

from __future__ import annotations

from pathlib import Path

from ..models import Project
from . import Format, register
from .media import exact_rate
from .timeline import build_timeline

_FCPX_NTSC = {24000 / 1001: "1001/24000s", 30000 / 1001: "1001/30000s", 60000 / 1001: "1001/60000s"}


def write_edl(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio

    timeline = build_timeline(project, folder, placeholders=True, audio=False, markers=False)
    return otio.adapters.write_to_string(timeline, "cmx_3600", rate=exact_rate(project.brief.constraints.fps)).encode()


def write_fcpxml(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio
    from otio_fcpx_xml_adapter import fcpx_xml

    for rate, duration in _FCPX_NTSC.items():
        fcpx_xml.FRAMERATE_FRAMEDURATION.setdefault(rate, duration)
    timeline = build_timeline(project, folder, placeholders=True)
    return otio.adapters.write_to_string(timeline, "fcpx_xml").encode()


def write_fcp7(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio

    return otio.adapters.write_to_string(build_timeline(project, folder, placeholders=True), "fcp_xml").encode()


register(Format("edl", ".edl", write_edl, None, "CMX 3600 EDL (video track)"))
register(Format("fcpxml", ".fcpxml", write_fcpxml, None, "Final Cut Pro X / DaVinci Resolve XML"))
register(Format("fcp7xml", ".xml", write_fcp7, None, "Final Cut Pro 7 / Premiere XML"))
