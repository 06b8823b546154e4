"""`edl`: a CMX 3600 edit decision list of the video track, one cut event per shot.

Written by hand rather than through OTIO's cmx_3600 adapter, which writes no `FCM:` line, leaves the
title and `* FROM CLIP` comments at any length and passes non-ASCII through. Here:
- `FCM: DROP FRAME` with `;` timecodes at 29.97 and 59.94 fps, `FCM: NON-DROP FRAME` otherwise;
- the title at most 70 characters, every line at most 80, everything in 7-bit ASCII (names are
  transliterated: "Café — été" → "Cafe - ete"; what has no ASCII form, like emoji, is dropped);
- reels are `AX` (auxiliary source, the CMX convention for file-based media), with the shot's name in
  `* FROM CLIP NAME:` and its file in `* SOURCE FILE:`, which is what NLEs relink by.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import unquote

from ..models import Project
from . import Format, register
from .media import is_drop_frame, smpte_timecode
from .timeline import cuts

TITLE_CHARS = 70
LINE_CHARS = 80
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"', ord("\u2026"): "..."}
# letters that Unicode does not decompose into an ASCII base letter
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
                          "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i"})


def ascii_text(text: str) -> str:
    """Printable 7-bit ASCII: accents dropped from their letters, typographic dashes and quotes made
    plain, anything else without an ASCII form removed, runs of white space made one space."""
    text = unicodedata.normalize("NFKD", text.translate(_DASHES).translate(_QUOTES).translate(_LETTERS))
    kept = "".join(c if c.isascii() and c.isprintable() else " " if c.isspace() else "" for c in text)
    return " ".join(kept.split())


def _line(text: str) -> str:
    return text[:LINE_CHARS].rstrip()


def write_edl(project: Project, folder: Path) -> bytes:
    """The EDL of `project`; `* SOURCE FILE:` paths are relative to `folder` (short, and what relinks)."""
    fps = project.brief.constraints.fps
    title = ascii_text(project.title)[:TITLE_CHARS].rstrip() or "Untitled"
    lines = [f"TITLE: {title}", f"FCM: {'DROP FRAME' if is_drop_frame(fps) else 'NON-DROP FRAME'}", ""]
    digits = max(3, len(str(len(project.shots))))  # CMX 3600 numbers 999 events; longer lists widen the field
    for cut in cuts(project, folder, relative=True):
        src_in, src_out = smpte_timecode(0, fps), smpte_timecode(cut.frames, fps)
        rec_in, rec_out = smpte_timecode(cut.first, fps), smpte_timecode(cut.first + cut.frames, fps)
        lines.append(f"{cut.number:0{digits}d}  {'AX':<8} {'V':<4}  {'C':<4} {'':>3} "
                     f"{src_in} {src_out} {rec_in} {rec_out}")
        lines.append(_line(f"* FROM CLIP NAME: {ascii_text(cut.name) or f'{cut.number:02d}'}"))
        lines.append(_line(f"* SOURCE FILE: {ascii_text(unquote(cut.url))}"))
    return ("\n".join(lines) + "\n").encode("ascii")


register(Format("edl", ".edl", write_edl, None, "CMX 3600 EDL (video track)"))
