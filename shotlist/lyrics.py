"""Lyrics from LRC or plain text.

LRC: `[mm:ss.xx]text`, several stamps on one line (`[00:12.00][01:40.00]chorus line`), metadata tags
(`[ti:…]`, `[ar:…]`, `[length:…]`, …) and `[offset:±ms]` (positive offset shows lyrics sooner, as in
the LRC convention). Plain text: one line per lyric line, untimed; `spread_untimed` places them over
the vocal sections of an analysed song.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .errors import ShotcallerError
from .models import LyricLine, Section

MAX_LYRICS_BYTES = 1_000_000

_STAMP = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
_TAG = re.compile(r"^\[([A-Za-z#][A-Za-z0-9_#-]*):(.*)\]\s*$")
_ANY_BRACKET_START = re.compile(r"^\s*\[")
_BROKEN_STAMP = re.compile(r"^\[[^\]]*[\d:][^\]]*\]")


def read_lyrics(path: str | Path) -> tuple[list[LyricLine], dict[str, str]]:
    """Read a lyrics file; returns the lines and the LRC metadata tags (empty for plain text)."""
    p = Path(path)
    if not p.is_file():
        raise ShotcallerError(f"lyrics file {str(path)!r} does not exist")
    size = p.stat().st_size
    if size > MAX_LYRICS_BYTES:
        raise ShotcallerError(f"lyrics file {p.name} is {size:,} bytes; the limit is {MAX_LYRICS_BYTES:,}")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ShotcallerError(
            f"lyrics file {p.name} is not UTF-8 text (byte {e.start}): save it as UTF-8 and try again"
        ) from None
    if "\x00" in text:
        raise ShotcallerError(f"lyrics file {p.name} holds binary data, not text")
    return parse_lyrics(text, name=p.name)


def parse_lyrics(text: str, name: str = "lyrics") -> tuple[list[LyricLine], dict[str, str]]:
    if any(_STAMP.match(line.strip()) for line in text.splitlines()):
        return parse_lrc(text, name)
    lines, stanza, blank = [], 0, False
    for t in text.splitlines():
        if not t.strip():
            blank = bool(lines)
            continue
        if blank:
            stanza, blank = stanza + 1, False
        lines.append(LyricLine(time=None, text=t.strip(), timed=False, stanza=stanza))
    return lines, {}


def _stamp_seconds(m: re.Match[str]) -> float:
    minutes, seconds, frac = int(m.group(1)), int(m.group(2)), m.group(3)
    value = minutes * 60 + seconds
    if frac:
        value += int(frac) / (10 ** len(frac))
    return value


def parse_lrc(text: str, name: str = "lyrics.lrc") -> tuple[list[LyricLine], dict[str, str]]:
    """Parse LRC text; a broken stamp or a line with no stamp raises with its line number."""
    tags: dict[str, str] = {}
    stamped: list[tuple[float, int, str]] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        tag = _TAG.match(line)
        if tag and not _STAMP.match(line):
            tags[tag.group(1).lower()] = tag.group(2).strip()
            continue
        pos, times = 0, []
        while m := _STAMP.match(line, pos):
            if int(m.group(2)) >= 60:
                raise ShotcallerError(f"{name} line {number}: {m.group(0)} has {m.group(2)} seconds (must be < 60)")
            times.append(_stamp_seconds(m))
            pos = m.end()
        rest = line[pos:].strip()
        if not times:
            what = "a broken time stamp" if _ANY_BRACKET_START.match(line) else "no time stamp"
            raise ShotcallerError(
                f"{name} line {number}: {what} in {line[:40]!r}; expected [mm:ss.xx] before the words"
            )
        if _BROKEN_STAMP.match(rest):
            raise ShotcallerError(f"{name} line {number}: a broken time stamp in {rest[:40]!r}; expected [mm:ss.xx]")
        for t in times:
            stamped.append((t, number, rest))
    offset = 0.0
    if "offset" in tags:
        try:
            offset = int(tags["offset"].replace("+", "")) / 1000.0
        except ValueError:
            raise ShotcallerError(f"{name}: [offset:{tags['offset']}] is not a whole number of milliseconds") from None
    stamped.sort(key=lambda x: (x[0], x[1]))
    lines = [LyricLine(time=round(max(0.0, t - offset), 3), text=words) for t, _, words in stamped if words]
    return lines, tags


def check_against_duration(lines: list[LyricLine], duration: float, name: str = "lyrics") -> None:
    for n, line in enumerate(lines, start=1):
        if line.time is not None and line.time >= duration:
            raise ShotcallerError(
                f"{name}: line {n} {line.text[:30]!r} is timed at {fmt_time(line.time)}, after the end of the "
                f"song ({fmt_time(duration)}): check the LRC or its [offset]"
            )


def spread_untimed(lines: list[LyricLine], sections: list[Section], duration: float) -> list[LyricLine]:
    """Place untimed lines over the vocal sections (all but intro and outro); the times are estimates
    (`timed=False`). Plain text in paragraphs (stanzas): each stanza starts a section, in order, spread
    over the vocal sections; one block of lines is spread evenly over all of them."""
    if not lines or any(line.time is not None for line in lines):
        return lines
    vocal = [s for s in sections if s.label not in ("intro", "outro")] or sections
    spans = [(s.start, s.end) for s in vocal] or [(0.0, duration)]
    stanzas: dict[int, list[LyricLine]] = {}
    for line in lines:
        stanzas.setdefault(line.stanza or 0, []).append(line)
    if 1 < len(stanzas) <= len(spans):
        out = []
        for j, block in enumerate(stanzas.values()):
            a, b = spans[j * len(spans) // len(stanzas)]
            step = (b - a) / len(block)
            out += [line.model_copy(update={"time": round(a + k * step, 3), "timed": False}) for k, line in enumerate(block)]
        return out
    total = sum(e - s for s, e in spans)
    step = total / len(lines)
    out = []
    for i, line in enumerate(lines):
        along = i * step
        for s, e in spans:
            if along < e - s:
                out.append(line.model_copy(update={"time": round(s + along, 3), "timed": False}))
                break
            along -= e - s
    return out


# ---------------------------------------------------------------------------- forced alignment hook

Aligner = Callable[[Path, list[LyricLine]], list[LyricLine]]
ALIGNERS: dict[str, Aligner] = {}


def register_aligner(name: str, aligner: Aligner) -> None:
    """Register a forced aligner: `aligner(audio_path, lines) -> lines` with `time` set from the audio
    (and `timed=True`). Plugins may also declare one in the `shotcaller.aligners` entry-point group."""
    ALIGNERS[name] = aligner


def find_aligner() -> tuple[Aligner | None, str]:
    """The first available forced aligner, or (None, why none is). None ships with Shotcaller: the
    aligner models we know of (torchaudio's MMS_FA, wav2vec2 CTC models) download their weights from a
    model hub at run time, which Shotcaller does not do; so plain-text lyrics stay estimated unless a
    plugin that installs its weights from a package registry registers one."""
    if ALIGNERS:
        name = next(iter(ALIGNERS))
        return ALIGNERS[name], name
    from importlib.metadata import entry_points

    for ep in entry_points(group="shotcaller.aligners"):
        try:
            register_aligner(ep.name, ep.load())
        except Exception as e:  # a broken plugin must not break analysis
            return None, f"aligner plugin {ep.name!r} failed to load: {e}"
        return ALIGNERS[ep.name], ep.name
    return None, "no forced aligner is installed: plain-text lyrics are placed by sections (estimated)"


def fmt_time(t: float) -> str:
    return f"{int(t // 60):02d}:{t % 60:05.2f}"
