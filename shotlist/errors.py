"""The one exception type a person sees.

Everything that goes wrong because of input (a file, an argument, a project on disk) raises
`ShotcallerError` with a one-line message that names the bad value and, where there is one, the fix.
Front ends print the message; they never print a traceback for it.
"""

from __future__ import annotations


class ShotcallerError(Exception):
    """A user-facing error: the message is meant to be read by the artist."""


class TimelineError(ShotcallerError):
    """A shot list that breaks an invariant (order, gaps, overlaps, coverage, ids)."""


class ProjectCorrupt(ShotcallerError):
    """`project.json` cannot be read; `last_good` names the newest readable version, if any."""

    def __init__(self, message: str, last_good: int | None = None):
        super().__init__(message)
        self.last_good = last_good
