"""`json`: the `shotcaller.project/1` document itself; the schema lives in `shotlist/schema/`."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import ShotcallerError
from ..models import SCHEMA_ID, Project
from . import Format, register
from .sniff import json_of

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def write(project: Project, folder: Path) -> bytes:
    return project.to_json().encode() + b"\n"


def read(data: bytes, project: Project) -> Project:
    """Take brief, style and shots from a project JSON; the song and id stay the target's own."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ShotcallerError(f"the file is {len(data):,} bytes; a project JSON is at most {MAX_IMPORT_BYTES:,}")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise ShotcallerError(f"the file is not UTF-8 text (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise ShotcallerError(f"the file is not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_ID:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise ShotcallerError(f"the file is not a {SCHEMA_ID} document (schema: {found!r})")
    merged = project.model_dump(by_alias=True)
    for key in ("brief", "style", "shots"):
        if key in doc:
            merged[key] = doc[key]
    try:
        return Project.model_validate(merged)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ShotcallerError(f"{where}: {first['msg']}") from None


def sniff(data: bytes) -> bool:
    """A JSON object that is a shotcaller project: its schema, or shots without an OpenTimelineIO schema."""
    doc = json_of(data)
    return isinstance(doc, dict) and (str(doc.get("schema", "")).startswith("shotcaller.project")
                                      or ("shots" in doc and "OTIO_SCHEMA" not in doc))


register(Format("json", ".json", write, read, "the shotcaller.project/1 document", sniff=sniff))
