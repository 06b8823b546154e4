"""The shot-size ladder. `SHOT_SIZES` runs from the widest ("extreme wide") to the closest ("insert": a
detail of a thing, tighter than any framing of a person), so "closer" is one step up the ladder and
"wider" one step down, and a size the brief bans is stepped over.

    step_size("insert", closer=False)            # 'extreme close-up'
    step_size("medium", closer=True, banned=["medium close-up"])   # 'close-up'
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import SHOT_SIZES


def closeness(size: str) -> int:
    """The size's rung on the ladder: 0 for extreme wide, higher is closer."""
    return SHOT_SIZES.index(size)


def step_size(size: str, closer: bool, banned: Iterable[str] = ()) -> str:
    """One allowed step closer or wider than `size`; `size` itself at the end of the ladder (the caller
    then moves the camera or changes the lens instead)."""
    banned = set(banned)
    rung = closeness(size)
    way = SHOT_SIZES[rung + 1:] if closer else SHOT_SIZES[:rung][::-1]
    return next((s for s in way if s not in banned), size)
