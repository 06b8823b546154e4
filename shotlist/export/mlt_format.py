"""`mlt`: an MLT XML project, what Shotcut opens as its own and what `melt`, the engine under Kdenlive
and Shotcut, renders.

Our own writer: the two OTIO adapters on PyPI were tried first (December 2026, MLT 7.12) and neither
writes a file melt renders right in general:
- otio-mlt-adapter 0.3.0 writes each OTIO target_url as the resource as it is: melt cannot load a
  file:// URL with an escaped character (a folder "proj 2" → "proj%202": "failed to load producer", the
  picture goes black); a clip with no media gets its own name as the resource; producer ids are clip
  names; the profile has no frame size, and there are no markers or notes;
- otio-kdenlive-adapter 0.0.3 says it is deprecated (Kdenlive reads OTIO itself since 25.04); its black
  background has no length, so melt renders 10 minutes (15,000 frames) of a 4-second timeline, and it
  writes times as milliseconds, which are not whole frames at NTSC rates.

The document, in Shotcut's layout (`shotcut:*` properties name what its UI shows):
- the profile: the brief's frame size and exact frame rate (24000/1001 at 23.976);
- a producer per shot, cut to the shot's frames from `cuts()` (whole frames, the same as every other
  timeline): its rendered clip, or, with none yet, a dark grey colour slug of its length. Its caption is
  the clip name and its comment (`shotcut:comment`) the note: reason, why generative, lyric, and for a
  slug that it stands in for a clip not rendered yet;
- track V1 (the shots, their own audio hidden) and A1 (the song, whole), over Shotcut's black
  `background` track, with a `mix` transition that brings A1's audio into the output;
- markers (`shotcut:markers`) at every section start and timed lyric line.
References are absolute paths, or with `relative=True` (the `--with-media` package) paths relative to
the project file, which MLT resolves from the folder the file is opened in, so the folder may move.
Kdenlive keeps more state in its own .kdenlive documents; it adds this file to a project as a clip.
Rendering with melt by hand: melt 7.12's avformat consumer runs at its default 25 fps whatever the
file's profile says, so give it `frame_rate_num=… frame_rate_den=…` from the profile (as the tests do).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from math import gcd
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..models import Project
from . import Format, register
from .sniff import xml_root
from .media import rate_fraction, song_file
from .timeline import cuts, marks, shot_note, song_url, total_frames, xml_text

MLT_VERSION = "7.12.0"
SLUG = "0x262626ff"  # the colour (RGBA) standing in for a shot with no rendered clip
MARK_COLOURS = {"section": "#1e88e5", "lyric": "#fdd835"}


def _prop(parent: ET.Element, name: str, value: object) -> ET.Element:
    el = ET.SubElement(parent, "property", name=name)
    el.text = str(value)
    return el


def _resource(url: str) -> str:
    """A file path MLT opens: file:// URLs and %-escapes undone (melt loads neither)."""
    return unquote(urlparse(url).path) if url.startswith("file:") else unquote(url)


def clock(frame: int, rate) -> str:
    """MLT's clock time, HH:MM:SS.mmm, of a frame (markers; cut points are whole frames)."""
    ms = round(frame * 1000 / rate)
    seconds, ms = divmod(ms, 1000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}.{ms:03d}"


def write_mlt(project: Project, folder: Path, *, relative: bool = False) -> bytes:
    rate = rate_fraction(project.brief.constraints.fps)
    width, height = project.brief.constraints.size
    total = total_frames(project)
    timeline = cuts(project, folder, relative)

    root = ET.Element("mlt", LC_NUMERIC="C", version=MLT_VERSION, title=xml_text(project.title) or "Untitled",
                      producer="main")
    ET.SubElement(root, "profile", description=f"{width}x{height} {float(rate):.3f} fps", width=str(width),
                  height=str(height), progressive="1", sample_aspect_num="1", sample_aspect_den="1",
                  display_aspect_num=str(width // gcd(width, height)), display_aspect_den=str(height // gcd(width, height)),
                  frame_rate_num=str(rate.numerator), frame_rate_den=str(rate.denominator), colorspace="709")

    def producer(pid: str, resource: str, frames: int, service: str | None = None) -> ET.Element:
        el = ET.SubElement(root, "producer", id=pid, attrib={"in": "0", "out": str(frames - 1)})
        _prop(el, "length", frames)
        _prop(el, "eof", "pause")
        _prop(el, "resource", resource)
        if service:
            _prop(el, "mlt_service", service)
        return el

    producer("black", "0", total, "color")
    for cut in timeline:
        if cut.offline:
            el = producer(f"shot{cut.number}", SLUG, cut.frames, "color")
        else:
            el = producer(f"shot{cut.number}", _resource(cut.url), cut.frames)
        _prop(el, "shotcut:caption", cut.name or f"{cut.number:02d}")
        _prop(el, "shotcut:comment", shot_note(cut))
        _prop(el, "shotcaller:shot", cut.shot.id)
    song = producer("song", _resource(song_url(project, folder, relative)), total)
    _prop(song, "shotcut:caption", xml_text(song_file(folder, project).name))

    def playlist(pid: str, name: str | None, entries: list[tuple[str, int]], kind: str | None = None) -> None:
        el = ET.SubElement(root, "playlist", id=pid)
        if name:
            _prop(el, "shotcut:name", name)
        if kind:
            _prop(el, f"shotcut:{kind}", 1)
        for ref, frames in entries:
            ET.SubElement(el, "entry", producer=ref, attrib={"in": "0", "out": str(frames - 1)})

    playlist("background", None, [("black", total)])
    playlist("shots", "V1", [(f"shot{c.number}", c.frames) for c in timeline], "video")
    playlist("audio", "A1", [("song", total)], "audio")

    tractor = ET.SubElement(root, "tractor", id="main", title=xml_text(project.title) or "Untitled",
                            attrib={"in": "0", "out": str(total - 1)})
    _prop(tractor, "shotcut", 1)
    held = ET.SubElement(tractor, "properties", name="shotcut:markers")
    for n, mark in enumerate(m for m in marks(project) if m.frame < total):
        one = ET.SubElement(held, "properties", name=str(n))
        for key, value in (("text", mark.text), ("start", clock(mark.frame, rate)), ("end", clock(mark.frame, rate)),
                           ("color", MARK_COLOURS[mark.kind])):
            _prop(one, key, value)
    ET.SubElement(tractor, "track", producer="background")
    ET.SubElement(tractor, "track", producer="shots", hide="audio")
    ET.SubElement(tractor, "track", producer="audio", hide="video")
    mix = ET.SubElement(tractor, "transition", id="mix")
    for key, value in (("a_track", 0), ("b_track", 2), ("mlt_service", "mix"), ("always_active", 1), ("sum", 1)):
        _prop(mix, key, value)
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


register(Format("mlt", ".mlt", write_mlt, None, "MLT XML project (Shotcut; rendered by melt, Kdenlive's engine)",
                sniff=lambda data: xml_root(data) == "mlt"))
