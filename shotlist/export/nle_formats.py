"""`edl` (CMX 3600), `fcpxml` (Final Cut Pro X, DaVinci Resolve) and `fcp7xml` (Premiere, FCP 7),
written by the OpenTimelineIO adapters from the same timeline.

The NLE writers need a media reference with a range on every clip, so unrendered shots point at
offline placeholders named after the shots. EDL holds one video track. The FCPXML adapter only knows
NTSC rates by their rounded names (23.98, 29.97) and then writes times as frames/23.98 s, 0.02 % off
FCP's 1001/24000 s grid: we write through it at the rounded rate and put every time back on the exact
grid (same frame counts), so clips land on frame boundaries in Final Cut and Resolve.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from ..models import Project
from . import Format, register
from .media import exact_rate
from .timeline import build_timeline

def write_edl(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio

    timeline = build_timeline(project, folder, placeholders=True, audio=False, markers=False)
    return otio.adapters.write_to_string(timeline, "cmx_3600", rate=exact_rate(project.brief.constraints.fps)).encode()


def write_fcpxml(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio

    fps = project.brief.constraints.fps
    nominal = _FCPX_NOMINAL.get(round(fps, 2))
    timeline = build_timeline(project, folder, placeholders=True, rate=nominal)
    xml = otio.adapters.write_to_string(timeline, "fcpx_xml")
    return (_snap_to_grid(xml, nominal, exact_rate(fps)) if nominal else xml).encode()


_FCPX_NOMINAL = {23.98: 23.98, 29.97: 29.97, 59.94: 59.94}
_TIME_ATTR = re.compile(r'\b(offset|duration|start|tcStart)="(-?\d+)(?:/(\d+))?s"')


def _snap_to_grid(xml: str, nominal: float, exact: float) -> str:
    """Rewrite every rational time written at `nominal` fps as the same frame count at `exact` fps."""

    def fix(m: re.Match[str]) -> str:
        seconds = Fraction(int(m.group(2)), int(m.group(3) or 1))
        frames = round(seconds * Fraction(nominal).limit_denominator(1000))
        value = frames * Fraction(exact).limit_denominator(100000) ** -1
        return f'{m.group(1)}="{value.numerator}/{value.denominator}s"' if frames else f'{m.group(1)}="0s"'

    return _TIME_ATTR.sub(fix, xml)


def write_fcp7(project: Project, folder: Path) -> bytes:
    import opentimelineio as otio

    return otio.adapters.write_to_string(build_timeline(project, folder, placeholders=True), "fcp_xml").encode()


register(Format("edl", ".edl", write_edl, None, "CMX 3600 EDL (video track)"))
register(Format("fcpxml", ".fcpxml", write_fcpxml, None, "Final Cut Pro X / DaVinci Resolve XML"))
register(Format("fcp7xml", ".xml", write_fcp7, None, "Final Cut Pro 7 / Premiere XML"))
