"""`edl`: a CMX 3600 edit decision list of the video track, one cut event per shot.

Written by hand rather than through OTIO's cmx_3600 adapter, which writes no `FCM:` line, leaves the
title and `* FROM CLIP` comments at any length and passes non-ASCII through. Here:
- `FCM: DROP FRAME` with `;` timecodes at 29.97 and 59.94 fps, `FCM: NON-DROP FRAME` otherwise;
- the title at most 70 characters, every line at most 80, everything in 7-bit ASCII (names are
  transliterated: "Café — été" → "Cafe - ete"; what has no ASCII form, like emoji, is dropped);
- reels are `AX` (auxiliary source, the CMX convention for file-based media, as Premiere and Resolve
  write it), with the media file's name in `* FROM CLIP NAME:` and its path in `* SOURCE FILE:`: what
  NLEs relink by. Source timecode runs from 00:00:00:00, the start of each file (rendered clips carry no
  timecode track); record timecode from `start_tc`, 01:00:00:00 by default.
- after them, `* COMMENT:` lines carry the shot: its number and name, reason, why generative, lyric, and
  for a shot with no rendered clip, that a placeholder stands in; long text wraps onto more lines.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from ..models import Project
from . import Format, register
from .sniff import text_of
from .media import DEFAULT_START_TC, is_drop_frame, smpte_timecode, timecode_frames
from .timeline import Cut, cuts, shot_note

TITLE_CHARS = 70
LINE_CHARS = 80
COMMENT = "* COMMENT: "
COMMENT_LINES = 6  # per field: a long reason is cut with "..." rather than filling the list
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


def comments(cut: Cut) -> list[str]:
    """The shot's `* COMMENT:` lines: 7-bit ASCII, each at most 80 columns."""
    name = cut.name.partition(" ")[2]  # the clip name without its number
    fields = [f"SHOT {cut.number:02d} {ascii_text(name)}".rstrip()]
    fields += [ascii_text(line) for line in shot_note(cut).splitlines()]
    out = []
    for field in fields:
        wrapped = textwrap.wrap(field, LINE_CHARS - len(COMMENT), break_on_hyphens=False)
        if len(wrapped) > COMMENT_LINES:
            wrapped = wrapped[:COMMENT_LINES - 1] + [textwrap.shorten(" ".join(wrapped[COMMENT_LINES - 1:]),
                                                                      LINE_CHARS - len(COMMENT), placeholder="...")]
        out += [COMMENT + line for line in wrapped]
    return out


def write_edl(project: Project, folder: Path, *, start_tc: str = DEFAULT_START_TC) -> bytes:
    """The EDL of `project`; `* SOURCE FILE:` paths are relative to `folder` (short, and what relinks)."""
    fps = project.brief.constraints.fps
    start = timecode_frames(start_tc, fps)
    title = ascii_text(project.title)[:TITLE_CHARS].rstrip() or "Untitled"
    lines = [f"TITLE: {title}", f"FCM: {'DROP FRAME' if is_drop_frame(fps) else 'NON-DROP FRAME'}", ""]
    digits = max(3, len(str(len(project.shots))))  # CMX 3600 numbers 999 events; longer lists widen the field
    for cut in cuts(project, folder, relative=True):
        src_in, src_out = smpte_timecode(0, fps), smpte_timecode(cut.frames, fps)
        rec_in, rec_out = smpte_timecode(start + cut.first, fps), smpte_timecode(start + cut.first + cut.frames, fps)
        lines.append(f"{cut.number:0{digits}d}  {'AX':<8} {'V':<4}  {'C':<4} {'':>3} "
                     f"{src_in} {src_out} {rec_in} {rec_out}")
        lines.append(_line(f"* FROM CLIP NAME: {ascii_text(cut.file_name) or f'{cut.number:02d}'}"))
        lines.append(_line(f"* SOURCE FILE: {ascii_text(unquote(cut.url))}"))
        lines += comments(cut)
    return ("\n".join(lines) + "\n").encode("ascii")


MAX_IMPORT_BYTES = 5 * 1024 * 1024
_FIELDS = {"Reason": "reason", "Why generative": "why_generative", "Lyric": "lyric"}
_PLACEHOLDER = re.compile(r"^\d+-(s[0-9a-f]+)\.mp4$")  # an offline clip's name: its number and the shot's id


def read(data: bytes, project: Project) -> Project:
    """An EDL's events as the plan's shots, timed by their record timecodes (from the first event). An event
    whose clip is one of this project's (a rendered take's file, or an offline placeholder, which names the
    shot) keeps that shot's fields; another becomes a shot of its clip's name and its comments (SHOT nn
    subject, Reason, Why generative, Lyric, as `write_edl` writes them)."""
    import opentimelineio as otio
    from pydantic import ValidationError

    from ..errors import ShotcallerError
    from ..models import Shot, new_shot_id
    from .timeline import video_clips

    if len(data) > MAX_IMPORT_BYTES:
        raise ShotcallerError(f"the file is {len(data):,} bytes; an EDL is at most {MAX_IMPORT_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ShotcallerError(f"the file is not text (byte {e.start})") from None
    try:
        timeline = otio.adapters.read_from_string(text, "cmx_3600", rate=project.brief.constraints.fps,
                                                  ignore_timecode_mismatch=True)
    except Exception as e:  # noqa: BLE001 - the adapter raises many types for a bad list
        raise ShotcallerError(f"the file is not a readable CMX 3600 EDL ({type(e).__name__}: {str(e)[:120]})") from None
    clips = video_clips(timeline)
    if not clips:
        raise ShotcallerError("the EDL has no video events")
    by_file = {Path(t.path).name: s for s in project.shots for t in s.takes if t.path}
    by_file |= {Path(t.path).with_suffix(".png").name: s for s in project.shots for t in s.takes if t.path}
    by_id = {s.id: s for s in project.shots}
    used: set[str] = set()
    shots = []
    for n, clip in enumerate(clips, start=1):
        rng = clip.range_in_parent()
        start, end = rng.start_time.to_seconds(), rng.end_time_exclusive().to_seconds()
        placeholder = _PLACEHOLDER.match(clip.name or "")
        known = by_file.get(clip.name) or (by_id.get(placeholder.group(1)) if placeholder else None)
        if known is not None and known.id not in used:
            used.add(known.id)
            fields = known.model_dump() | {"start": start, "end": end}
        else:
            fields = {"id": new_shot_id(), "start": start, "end": end} | _commented(clip, n)
        try:
            shots.append(Shot.model_validate(fields))
        except ValidationError as e:
            raise ShotcallerError(f"event {n} ({clip.name!r}): {str(e).splitlines()[-1][:160]}") from None
    return Project.model_validate(project.model_dump(by_alias=True) | {"shots": [s.model_dump() for s in shots]})


def _commented(clip, number: int) -> dict[str, str]:
    """A shot's fields from its event's comments: "SHOT 03 the lamp room" and "Reason: …" lines, a wrapped
    field's later lines joined to it."""
    lines = [c.removeprefix("COMMENT:").strip() for c in clip.metadata.get("cmx_3600", {}).get("comments", [])
             if c.startswith("COMMENT:")]
    fields: dict[str, str] = {}
    key = None
    for line in lines:
        label, _, rest = line.partition(": ")
        if line.startswith("SHOT ") and not fields:
            key, fields["subject"] = "subject", line.split(" ", 2)[2] if line.count(" ") >= 2 else ""
        elif label in _FIELDS:
            key, fields[_FIELDS[label]] = _FIELDS[label], rest
        elif label in ("Offline", "Still"):
            key = None
        elif key:
            fields[key] += " " + line
    fields["subject"] = fields.get("subject") or Path(clip.name or "").stem or f"shot {number}"
    return fields


_EVENT = re.compile(r"(?m)^(?:TITLE:\s|\d{3,6}\s+\S+\s+(?:V|A\d*|AA|B|A/V|AA/V)\s+(?:C|D|W\d{3}|K[BO]?)\s)")


def sniff(data: bytes) -> bool:
    """A CMX 3600 list: a TITLE: line or an event line (number, reel, track, transition)."""
    return bool(_EVENT.search(text_of(data) or ""))


register(Format("edl", ".edl", write_edl, read, "CMX 3600 EDL (video track)", frozenset({"start_tc"}), sniff))
