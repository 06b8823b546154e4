"""The one exception type a person sees.

Everything that goes wrong because of input (a file, an argument, a project on disk) raises
`ShotcallerError` with a one-line message that names the bad value and, where there is one, the fix.
Front ends print the message; they never print a traceback for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Project


class ShotcallerError(Exception):
    """A user-facing error: the message is meant to be read by the artist."""


class TimelineError(ShotcallerError):
    """A shot list that breaks an invariant (order, gaps, overlaps, coverage, ids)."""


class ProjectCorrupt(ShotcallerError):
    """`project.json` cannot be read; `last_good` names the newest readable version, if any."""

    def __init__(self, message: str, last_good: int | None = None):
        super().__init__(message)
        self.last_good = last_good


class VersionConflict(ShotcallerError):
    """The project moved on since it was read (another tab, another process).

    `project` is the fresh document on disk (None when it could not be read), so a front end can
    reload it and tell the artist, instead of losing either edit.
    """

    def __init__(self, message: str, project: Project | None = None):
        super().__init__(message)
        self.project = project


class LockedShot(ShotcallerError):
    """An edit would change a locked shot."""


class PlanExists(ShotcallerError):
    """A whole new shot list was proposed over an existing plan without asking to re-plan."""


def one_line(error: Exception) -> str:
    """A pydantic `ValidationError` (or any error) as one readable line: where, and what is wrong."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        try:
            found = errors()
        except Exception:  # noqa: BLE001 - not a pydantic error after all
            found = None
        if found:
            parts = []
            for e in found[:3]:
                where = ".".join(str(x) for x in e.get("loc", ())) or "value"
                parts.append(f"{where}: {e.get('msg', 'invalid')}")
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            return "; ".join(parts) + more
    return str(error).splitlines()[0] if str(error) else type(error).__name__
