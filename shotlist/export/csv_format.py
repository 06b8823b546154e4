"""`csv`: a professional shot list that opens in spreadsheets and shot-list tools; imports back.

The columns a production shot list has, then the ones Shotcaller needs for an exact round trip
(Id, Seed, Locked, Negative prompt, the look fields, whether the artist wrote the prompt and what it no longer
says). On import every error names its row and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from ..errors import ShotcallerError, TimelineError
from ..models import Project, Shot, fields_tagged
from ..prompting import SOURCES
from . import Format, register
from .sniff import text_of
from .media import clip_path, exact_rate, timecode

COLUMNS = ["Section", "Shot", "Start", "End", "Duration", "TC In", "TC Out", "Lyric", "Shot size", "Angle", "Movement",
           "Lens", "Subject", "Action", "Setting", "Prompt", "Reason", "Why generative", "Transition", "Status",
           "Id", "Seed", "Locked", "Negative prompt"]
FIELDS = {"Section": "section", "Start": "start", "End": "end", "Lyric": "lyric", "Shot size": "shot_size",
          "Angle": "angle", "Movement": "movement", "Lens": "lens", "Subject": "subject", "Action": "action",
          "Setting": "setting", "Prompt": "prompt", "Reason": "reason", "Why generative": "why_generative",
          "Transition": "transition", "Id": "id", "Seed": "seed", "Locked": "locked",
          "Negative prompt": "negative_prompt"}
# The look (warmth, brightness, contrast, palette) comes from the Shot's field tags, so a new look field
# travels without another hand-kept list.
LOOK = {name.replace("_", " ").capitalize(): name for name in fields_tagged(Shot, "look")}
COLUMNS += [*LOOK, "Prompt by artist", "Prompt drift"]
FIELDS |= LOOK | {"Prompt by artist": "prompt_by_artist", "Prompt drift": "prompt_drift"}
LISTS = ("palette", "prompt_drift")  # written as "teal, amber"
REQUIRED = ["Start", "End"]
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def status(folder: Path, shot: Shot) -> str:
    if shot.locked:
        return "locked"
    if clip_path(folder, shot):
        return "rendered"
    if any(t.status == "failed" for t in shot.takes):
        return "failed"
    return "planned"


def write(project: Project, folder: Path) -> bytes:
    rate = exact_rate(project.brief.constraints.fps)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for n, s in enumerate(project.shots, start=1):
        w.writerow([s.section, n, repr(round(s.start, 6)), repr(round(s.end, 6)), f"{s.duration:.3f}", timecode(s.start, rate),
                    timecode(s.end, rate), s.lyric or "", s.shot_size, s.angle, s.movement, s.lens, s.subject,
                    s.action, s.setting, s.prompt, s.reason, s.why_generative, s.transition, status(folder, s),
                    s.id, s.seed, "yes" if s.locked else "no", s.negative_prompt,
                    *(_cell(getattr(s, name)) for name in LOOK.values()), "yes" if s.prompt_by_artist else "no",
                    _cell(s.prompt_drift)])
    return buf.getvalue().encode("utf-8")


def _cell(value: object) -> object:
    return ", ".join(value) if isinstance(value, list) else value


def read(data: bytes, project: Project) -> Project:
    if len(data) > MAX_IMPORT_BYTES:
        raise ShotcallerError(f"the file is {len(data):,} bytes; a shot-list CSV is at most {MAX_IMPORT_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ShotcallerError(f"the file is not UTF-8 text (byte {e.start}): export it as CSV UTF-8") from None
    if "\x00" in text:
        raise ShotcallerError("the file holds binary data, not CSV text")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise ShotcallerError(f"the file is not valid CSV: {e}") from None
    if not rows:
        raise ShotcallerError("the file is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ShotcallerError(f"row 1 (header): missing column(s) {', '.join(missing)}; found {', '.join(header[:8])}")
    known = {s.id: s for s in project.shots}
    shots = []
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ShotcallerError(f"row {row_no}: {len(row)} cells but the header has {len(header)} columns")
        cells = dict(zip(header, row))
        shot_id = cells.get("Id", "").strip()
        if shot_id and known and shot_id not in known:
            raise ShotcallerError(f"row {row_no}, column Id: unknown shot id {shot_id!r} (leave it empty for a new shot)")
        base = known[shot_id].model_dump() if shot_id in known else {}
        fields = dict(base)
        for column, value in cells.items():
            name = FIELDS.get(column)
            if name is None or (value.strip() == "" and name in ("id", "seed")):
                continue
            fields[name] = _value(name, value, row_no, column)
        try:
            shots.append(Shot.model_validate(fields))
        except ValidationError as e:
            err = e.errors()[0]
            column = next((c for c, f in FIELDS.items() if f == err["loc"][0]), str(err["loc"][0]))
            raise ShotcallerError(f"row {row_no}, column {column}: {err['msg']}") from None
    if not shots:
        raise ShotcallerError("the file has a header but no shot rows")
    try:
        return Project.model_validate(project.model_dump(by_alias=True) | {"shots": [s.model_dump() for s in shots]})
    except TimelineError as e:
        raise TimelineError(f"{e} (shot N is on CSV row N+1)") from None


def _value(name: str, value: str, row_no: int, column: str) -> object:
    value = value.strip()
    try:
        if name in ("start", "end"):
            return float(value)
        if name in LOOK.values() and name not in LISTS:
            return float(value or 0)  # an empty look cell is neutral
        if name == "seed":
            return int(value)
    except ValueError:
        raise ShotcallerError(f"row {row_no}, column {column}: {value[:20]!r} is not a number") from None
    if name in ("locked", "prompt_by_artist"):
        if value.lower() not in ("yes", "no", "true", "false", "1", "0", ""):
            raise ShotcallerError(f"row {row_no}, column {column}: {value[:20]!r} is not yes or no")
        return value.lower() in ("yes", "true", "1")
    if name in LISTS:
        items = [w.strip() for w in value.split(",") if w.strip()]
        unknown = [w for w in items if name == "prompt_drift" and w not in SOURCES]
        if unknown:
            raise ShotcallerError(f"row {row_no}, column {column}: {unknown[0][:20]!r} is not a field a prompt is "
                                  f"built from ({', '.join(SOURCES)})")
        return items
    if name == "lyric":
        return value or None
    return value


def sniff(data: bytes) -> bool:
    """A CSV whose header row names the Start and End columns."""
    text = text_of(data)
    first = next((line for line in (text or "").splitlines() if line.strip()), "")
    try:
        header = {h.strip() for h in next(csv.reader([first]))} if first else set()
    except csv.Error:
        return False
    return set(REQUIRED) <= header


register(Format("csv", ".csv", write, read, "shot list for spreadsheets (UTF-8)", sniff=sniff))
