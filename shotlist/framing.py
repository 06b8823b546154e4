"""What the brief's constraints allow a frame to show: negative prompts per shot size, the face rule, the
nearest allowed size, and the wording of close shots with nobody's face invited in. Pure functions on the
domain models: the planner (assistant) and the framing operations (shotlist.operations.looks) share them."""

from __future__ import annotations

import re

from .models import Constraints

_CLOSE = ("close-up", "extreme close-up", "medium close-up", "insert")


def _head(term: str) -> str:
    """'faces in close-up' → 'faces'; 'text on screen' → 'text on screen'."""
    m = re.match(r"(?i)^(.+?)\s+in\s+(?:a\s+)?(?:close[- ]?ups?|closeups?|extreme close[- ]?ups?)$", term)
    return m.group(1) if m else term


def negative_prompt(base: str, constraints: Constraints, size: str | None = None) -> str:
    """The style's negative prompt plus what the constraints forbid (for this shot size)."""
    terms = [t.strip() for t in base.split(",") if t.strip()]
    for term in constraints.avoid:
        head = _head(term)
        if head != term and size not in _CLOSE:
            continue  # "faces in close-up" only binds close shots
        if head.lower() not in [t.lower() for t in terms]:
            terms.append(head)
    return ", ".join(terms)


def allowed_size(size: str, constraints: Constraints) -> str:
    """`size`, or the nearest size the constraints allow."""
    if size not in constraints.banned_sizes:
        return size
    order = ["extreme wide", "wide", "full", "medium wide", "medium", "medium close-up", "close-up",
             "extreme close-up", "insert"]
    i = order.index(size)
    for d in range(1, len(order)):
        for j in (i - d, i + d):
            if 0 <= j < len(order) and order[j] not in constraints.banned_sizes:
                return order[j]
    return size


def leaks(text: str, constraints: Constraints) -> bool:
    """True when `text` (a subject, action or setting) shows what a constraint forbids."""
    low = text.lower()
    return any(_head(t).lower() in low for t in constraints.avoid if len(_head(t)) > 2)


def face_rule(constraints: Constraints) -> str | None:
    """'close' when faces may not be seen in close shots, 'all' when no person may be seen, else None."""
    for term in constraints.avoid:
        if re.search(r"(?i)\b(faces?|people|persons?|humans?|actors?|bodies|figures?)\b", term):
            return "close" if _head(term) != term else "all"
    return None


CLOSE_SIZES = ("close-up", "extreme close-up", "medium close-up", "insert")
_PERSON = re.compile(r"(?i)\b(faces?|eyes|lips|mouth|cheeks?|person|people|wom[ae]n|m[ae]n|girls?|boys?|child(?:ren)?|kids?|"
                     r"singer|mother|father|daughter|son|lover|grand\w+|she|he|him|they|them)\b")


def faceless(text: str) -> str:
    """A close shot's words with nobody's face invited in: 'her apron strings' → 'the apron strings'."""
    return re.sub(r"(?i)\b(her|his|their|my|your)\b(?=\s+\w)", "the", text)


def shows_person(text: str) -> bool:
    return bool(_PERSON.search(text))
