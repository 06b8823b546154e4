"""Table edits as the studio reads them: which cells changed, and what an action did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shotlist.look import parse_look
from shotlist.models import Project, Shot, fields_tagged

from .views import EDITABLE, LOOK_COLUMN, TABLE_COLUMNS, shot_look


@dataclass(frozen=True)
class Outcome:
    """What an action did, for the status line: `ok` is False when nothing (or not all) was applied."""

    ok: bool
    message: str

    def __str__(self) -> str:
        return self.message


def table_edits(base: Project, rows: list[list[Any]]) -> list[tuple[int, Shot, dict[str, Any]]] | Outcome:
    """The cells of `rows` that differ from `base`, as (number, shot, changes) per shot; or the first
    bad cell as an Outcome naming the shot and the column."""
    edits = []
    for row in rows:
        cells = dict(zip(TABLE_COLUMNS, row))
        try:
            number = int(float(cells["#"]))
            if number < 1:
                raise IndexError
            shot = base.shots[number - 1]
        except (ValueError, IndexError, TypeError):
            return Outcome(False, f"⚠ row {cells.get('#')!r} is not a shot number of this project")
        changes: dict[str, Any] = {}
        for column, name in EDITABLE.items():
            old, new = getattr(shot, name), cells.get(column)
            if name == "end":
                try:
                    new = float(new) if new not in (None, "") else old
                except (TypeError, ValueError):
                    return Outcome(False, f"⚠ shot {number}, End: {new!r} is not a time in seconds (e.g. 42.5)")
                if abs(new - old) < 0.005:
                    continue
            elif (new or "") == (old or ""):
                continue
            changes[name] = new
        try:
            changes |= look_changes(shot, cells.get(LOOK_COLUMN))
        except ValueError as e:
            return Outcome(False, f"⚠ shot {number}, {LOOK_COLUMN}: {e}")
        if changes:
            try:
                Shot.model_validate(shot.model_dump() | changes)
            except ValidationError as e:
                first = e.errors()[0]
                field = column_of(str(first["loc"][0])) if first["loc"] else "a cell"
                return Outcome(False, f"⚠ shot {number}, {field}: {first['msg']}")
            edits.append((number, shot, changes))
    return edits


def look_changes(shot: Shot, cell: Any) -> dict[str, Any]:
    """The look fields a changed Look cell sets: only those whose words changed ("cold, dark" → "cold, dark,
    teal" sets the palette and keeps the warmth and brightness as they were)."""
    if cell is None or " ".join(str(cell).split()).lower() == shot_look(shot).lower():
        return {}
    old, new = parse_look(shot_look(shot)), parse_look(str(cell))
    return {f: v for f, v in new.items() if v != old[f]}


def column_of(field: str) -> str:
    if field in fields_tagged(Shot, "look"):
        return LOOK_COLUMN
    return next((c for c, f in EDITABLE.items() if f == field), field)
