"""Requests read by their structure when no verb of the table says the kind: one shot and one place is a move,
two shots said to be the wrong way round (or each put where the other is) a swap.

    moved("shot 22 to the very end pls", project, None)                 # MoveShot(shot='22', after='28')
    moved("can shot 27 go right before the bridge", project, None)      # MoveShot(shot='27', before='19')
    moved("hmm shot 5 would work better after shot 8 i think", project, None)

Each reads a request only when nothing is left over once the shots, the place and the words that frame a
move ('can', 'would work better', 'so it plays') are taken out: a word more (a picture, a look, another
change) and it reads nothing, and the request goes on to the other readers or is asked.
"""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.models import Project
from shotlist.operations.shots import MoveShot, SwapShots

from .request_targets import REFS, section_pattern, shots_of
from .targets import resolve

_EDGES = {"start": r"(?:to|at)\s+the\s+(?:very\s+)?(?:start|beginning|front|top)(?:\s+of\s+(?:the\s+)?(?:song|video|thing))?"
                   ,
          "end": r"(?:to|at)\s+the\s+(?:very\s+)?(?:end|back|finish)(?:\s+of\s+(?:the\s+)?(?:song|video|thing))?"
}
# the words that frame a move and say nothing else: what may be left once the shot and the place are out
_MOVE_FRAME = (r"\b(?:can|could|should|would|will|must|i|we|you|think|reckon|hmm+|maybe|pls|please|plz|so|it|its|it'?s|"
               r"plays?|comes?|goes|go|be|move|moved|bring|put|place|shift|sit|sits|lands?|works?|work|better|fit|fits|"
               r"forward|back|up|down|earlier|later|to|the|that|want|wants|needs?|has|have|had|wanna|instead|lets|"
               r"let'?s|right|just|straight|ok|okay|now|somewhere|shot|there|where|is|actually|probably|honestly|"
               r"feel|feels|like|if|rather|prefer|also|slot|slotted|drag|a|bit|little|belongs?|sits?)\b|[\s,.!?']")


_MOTION = r"\b(?:move|put|bring|place|shift|go|come|slot|can|could|would|should)\b"


def _place(low: str, project: Project) -> tuple[str, int, tuple[int, int]] | None:
    """('before' | 'after', the shot it is said against, where the place is said) for the one place `low` names."""
    found = []
    for side, edge in _EDGES.items():
        for m in re.finditer(rf"(?<![\w])(?:{edge})\b", low):
            found.append(("before", 1, m.span()) if side == "start" else ("after", len(project.shots), m.span()))
    section = section_pattern(project)
    for m in re.finditer(rf"\b(?:(?:right|just|straight)\s+)?(before|after)\s+({section}|{REFS})\b", low):
        shots = resolve(m.group(2), project).shots or (
            shots_of(m.group(2), project, None) if re.search(r"\d", m.group(2)) else [])
        if not shots:
            return None
        found.append((m.group(1), shots[0] if m.group(1) == "before" else shots[-1], m.span()))
    return found[0] if len(found) == 1 else None


def moved(low: str, project: Project, selected: int | None) -> MoveShot | None:
    """A move said as one shot and one place, with nothing else said; None otherwise."""
    place = _place(low, project)
    if place is None:
        return None
    side, other, (a, b) = place
    rest = low[:a] + " " + low[b:]
    movers = list(re.finditer(rf"(?<![\w#])(?:{REFS})(?![\w])", rest))
    if len(movers) != 1 or re.sub(_MOVE_FRAME, "", rest[:movers[0].start()] + " " + rest[movers[0].end():]):
        return None
    shots = shots_of(movers[0].group(0), project, selected)
    if len(shots) != 1 or low.rstrip().endswith("?") and not re.search(_MOTION, low):
        return None  # 'shot 3 after shot 5?': a question, unless it asks for the move ('can shot 3 go after 5?')
    shot = shots[0]
    if shot == other:
        raise ShotcallerError(f"shot {shot} cannot move {side} itself: name another shot")
    return MoveShot(shot=str(shot), before=str(other)) if side == "before" else MoveShot(shot=str(shot), after=str(other))


# two shots said to be out of order, the pronoun standing for them: 'i think 23 and 24 are the wrong way round,
# flip em'
_OUT_OF_ORDER = (r"\b(?:(?:are|r)\s+)?(?:the\s+|in\s+the\s+)?(?:wrong|other)\s+(?:way\s+(?:a)?round|order)\b"
                 r"|\b(?:swap|flip|switch|reverse|turn)\s+(?:em|'em|them|those|these|the two|both|(?:the\s+)?order|em round|"
                 r"them (?:a)?round)\b")
_SWAP_FRAME = (r"\b(?:i|we|think|reckon|hmm+|maybe|pls|please|plz|so|and|are|r|is|the|two|both|shots?|just|actually|"
               r"honestly|ok|okay|now|can|could|you|should|would|em|'em|them|those|these|round|around|then)\b|[\s,.!?']")


def swapped(low: str, project: Project, selected: int | None) -> SwapShots | None:
    """A swap said as two shots out of order ('… are the wrong way round, flip em') or as each put where the other is
    ('put 1 where 27 is and 27 where 1 is'), nothing else said; None otherwise."""
    crossed = re.search(rf"\bput\s+({REFS})\s+where\s+({REFS})\s+is\s+and\s+({REFS})\s+where\s+({REFS})\s+is\b", low)
    if crossed:
        a, b, c, d = (shots_of(g, project, selected) for g in crossed.groups())
        if a == d and b == c and len(a) == len(b) == 1 and a != b:
            return SwapShots(first=str(a[0]), second=str(b[0]))
        return None
    cue = re.search(_OUT_OF_ORDER, low)
    if not cue:
        return None
    rest = re.sub(_OUT_OF_ORDER, " ", low)
    named = list(re.finditer(rf"(?<![\w#])(?:{REFS})(?![\w])", rest))
    shots = [n for m in named for n in shots_of(m.group(0), project, selected)]
    left = rest
    for m in reversed(named):
        left = left[:m.start()] + " " + left[m.end():]
    if len(set(shots)) != 2 or re.sub(_SWAP_FRAME, "", left):
        return None
    return SwapShots(first=str(shots[0]), second=str(shots[1]))
