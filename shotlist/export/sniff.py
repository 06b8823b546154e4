"""Which format a file is, by its content: each registered format may declare `sniff(data) -> bool`; the
file's extension only breaks a tie, and a format without a sniff (a plugin's) is chosen by its suffix when
no format claims the content. `--format` overrides it all.

    chosen("notes.txt", b"TITLE: Chaos God\\nFCM: NON-DROP FRAME\\n001  ...").name   # 'edl'
    chosen("cut.xml", b'{"OTIO_SCHEMA": "Timeline.1", ...}').name                 # 'otio'

The helpers below (`text_of`, `json_of`, `xml_root`) are what the formats' own sniffs read."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..errors import ShotcallerError

HEAD = 64 * 1024  # the bytes a text sniff reads: a header, a root element, the first events


def text_of(data: bytes, limit: int | None = HEAD) -> str | None:
    """The start of `data` as text (UTF-8, a BOM dropped), or None for binary data."""
    head = data[:limit] if limit else data
    if b"\x00" in head:
        return None
    text = head.decode("utf-8-sig", errors="replace")
    return None if text.count("\ufffd") > max(2, len(text) // 100) else text


@lru_cache(maxsize=1)  # the json and otio sniffs read the same file, one after the other
def json_of(data: bytes) -> object | None:
    """`data` parsed as JSON, or None when it is not JSON (only a file that starts like JSON is parsed)."""
    text = text_of(data, None)
    if text is None or text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


_ROOT = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)")


def xml_root(data: bytes) -> str | None:
    """The name of the first element of an XML document (after its declaration, comments and doctype)."""
    text = text_of(data)
    if text is None or not text.lstrip().startswith("<"):
        return None
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    found = _ROOT.search(text)
    return found.group(1) if found else None


def seen(data: bytes) -> str:
    """What the file looks like, in a few words, for the line that says it is none of the formats."""
    if not data.strip():
        return "an empty file"
    text = text_of(data)
    if text is None:
        return f"binary data starting {data[:8]!r}"
    doc = json_of(data)
    if isinstance(doc, dict):
        keys = ", ".join(list(doc)[:4])
        return f"JSON with keys {keys}" if keys else "an empty JSON object"
    if doc is not None:
        return f"a JSON {type(doc).__name__}"
    if root := xml_root(data):
        return f"XML whose root element is <{root}>"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"text starting {first[:60]!r}"


def chosen(filename: str, data: bytes, override: str | None = None):
    """The format of the file `filename` holding `data`: `override` when given, else the formats whose sniff
    claims the content (the file's extension breaks a tie), else the format whose suffix the file has; one
    line naming what was seen and what is accepted otherwise."""
    from . import Format, all_formats, get_format

    if override:
        return get_format(override)
    suffix = Path(filename).suffix.lower()
    formats: list[Format] = all_formats()
    claimed = [f for f in formats if f.sniff is not None and _claims(f, data)]
    if len(claimed) > 1:
        claimed = [f for f in claimed if f.suffix == suffix] or claimed
    if len(claimed) == 1:
        return claimed[0]
    if len(claimed) > 1:
        names = ", ".join(f.name for f in claimed)
        raise ShotcallerError(f"{Path(filename).name} reads as any of {names}: name one with --format")
    # no content claimed: a format without a sniff (a plugin's) by its suffix, else the format the extension
    # names, whose reader then says what is wrong in it (a .json with a missing bracket: where)
    by_suffix = sorted((f for f in formats if f.suffix == suffix), key=lambda f: f.sniff is not None)
    if by_suffix:
        return by_suffix[0]
    accepted = ", ".join(f"{f.name} ({f.description})" for f in formats if f.read)
    raise ShotcallerError(f"{Path(filename).name} is not a format shotcaller knows: it holds {seen(data)}; "
                          f"import takes {accepted}; or name the format with --format")


def _claims(fmt, data: bytes) -> bool:
    try:
        return bool(fmt.sniff(data))
    except Exception:  # noqa: BLE001 - a plugin's sniff that fails on odd bytes does not claim them
        return False


def import_format(filename: str, data: bytes, override: str | None = None):
    """`chosen`, refused in one line when the format it is has no importer."""
    from . import importable

    fmt = chosen(filename, data, override)
    if fmt.read is None:
        how = "" if override else ", by its content"
        raise ShotcallerError(f"{Path(filename).name} is {fmt.description} ({fmt.name}{how}): shotcaller exports it "
                              f"but it cannot be imported; import takes {', '.join(importable())}")
    return fmt
