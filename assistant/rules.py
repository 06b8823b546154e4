"""Constraints become rules, never content: "16:9, no faces in close-up, no text on screen" sets the
aspect, adds "faces" and "text on screen" to negative prompts, and keeps them out of every subject."""

from __future__ import annotations

import re

from shotlist.framing import (CLOSE_SIZES, allowed_size, face_rule, faceless, leaks,  # noqa: F401 - shared with the planner
                              negative_prompt, shows_person)
from shotlist.models import SHOT_SIZES, Constraints
from shotlist.plan_rules import aspects_said

_SIZE_WORDS = {
    r"extreme close[- ]?ups?|ecus?": ["extreme close-up"],
    r"close[- ]?ups?|closeups?|cus?": ["close-up", "extreme close-up", "medium close-up"],
    r"extreme wides?(?: shots?)?": ["extreme wide"],
    r"wides?(?: shots?)?|long shots?": ["wide", "extreme wide"],
    r"inserts?(?: shots?)?": ["insert"],
    r"medium(?: shots?)?": ["medium"],
}
_NEGATION = (r"(?:no|not any|never show|never|(?:don'?t|do not|please don'?t) (?:show|put|use|include|want|have)"
             r"|must not show|must not|avoid|without|nothing|keep out)")
# said around a rule, not part of it: "no faces pls", "no blood at all", "dont put any people in it"
_POLITE = re.compile(r"(?i)\s*\b(?:pls|plz|please|thanks|thx|at all|ever|in it|in there|whatsoever|tho|though"
                     r"|obviously|of course|either|lol|ok|okay|thank you)\b[\s.!]*$")


def _aspect_and_size(text: str, update: dict) -> None:
    """Aspect, resolution and frame rate; when the answer states two ("9:16 for reels but also 16:9, 30 fps or
    24 fps") the last one stated wins, as the artist's correction (every clause stays in the notes)."""
    aspects = [(at, shape) for at, shape in aspects_said(text) if not _ruled_out(text, at)]
    res = list(re.finditer(r"\b(\d{3,4})\s*[x×]\s*(\d{3,4})\b", text))
    if aspects:
        update["aspect"] = max(aspects)[1]
    if "aspect" in update and not res:
        w, h = (int(x) for x in update["aspect"].split(":"))
        if w and h:  # keep the short side at 720
            update["resolution"] = f"{round(720 * w / h / 2) * 2}x720" if w >= h else f"720x{round(720 * h / w / 2) * 2}"
    if res:
        update["resolution"] = f"{res[-1].group(1)}x{res[-1].group(2)}"
    rates = [float(m.group(1)) for m in re.finditer(r"\b(\d{2}(?:\.\d+)?)\s*(?:fps|frames? per second)\b", text, re.I)
             if not _ruled_out(text, m.start())]
    rates = [r for r in rates if 0 < r <= 120]
    if rates:
        update["fps"] = rates[-1]


# 'not 16:9', 'instead of 24fps', 'rather than square': the format the artist replaces ("actually 4:5 not 16:9")
_RULED_OUT = re.compile(r"(?i)\b(?:not|no longer|instead of|rather than|no)\s+(?:in\s+|at\s+|a\s+)?$")
_FORMAT_SAID = re.compile(r"(?i)\b\d{1,2}\s*:\s*\d{1,2}\b|\b\d{2}(?:\.\d+)?\s*fps\b|\b(?:vertical|portrait|square|widescreen"
                          r"|landscape)\b")


def _ruled_out(text: str, at: int) -> bool:
    return bool(_RULED_OUT.search(text[max(0, at - 16):at]))


def replaced_formats(text: str) -> set[str]:
    """The formats a constraint answer rules out: 'actually 4:5 not 16:9' → {'16:9'}."""
    return {" ".join(m.group(0).lower().split()) for m in _FORMAT_SAID.finditer(text) if _ruled_out(text, m.start())}


def parse_constraints(text: str, current: Constraints) -> Constraints:
    """The artist's constraint answer as rules on top of `current`; a format it rules out ('4:5 not 16:9')
    leaves the notes, and the one it states replaces it."""
    update: dict = {}
    _aspect_and_size(text, update)
    gone = replaced_formats(text)
    if gone:
        current = current.model_copy(update={"notes": [n for n in current.notes if not any(g in n.lower() for g in gone)]})
        text = re.sub(r"(?i)\s*,?\s*\b(?:not|no longer|instead of|rather than|no)\s+(?:in\s+|at\s+|a\s+)?(?:"
                      + "|".join(re.escape(g) for g in gone) + r")\b", "", text)
    items = [p.strip(" .!") for p in re.split(r"[,;\n]|\.\s|\s+(?:and|but|tho|though)\s+(?=(?:no|never|avoid|without|it|must"
                                             r"|has|keep|make|don'?t|do not|please|pls)\b)", text) if p.strip(" .!")]
    avoid = list(current.avoid)
    banned = list(current.banned_sizes)
    for item in items:
        m = re.match(rf"(?i)^(?:and\s+|also\s+|please\s+)?{_NEGATION}\s+(?:any\s+|a\s+|an\s+)?(.+)$", item)
        if not m:
            continue
        thing = m.group(1).strip(" .")
        while _POLITE.search(thing):
            thing = _POLITE.sub("", thing).strip(" .,!")
        sized = False
        for pattern, sizes in _SIZE_WORDS.items():
            if re.fullmatch(rf"(?i)(?:{pattern})", thing):
                banned += [s for s in sizes if s not in banned]
                sized = True
                break
        for one in ([] if sized else re.split(r"(?i)\s+(?:or|and|nor)\s+(?:any\s+)?", thing)):
            if one and one.lower() not in [a.lower() for a in avoid]:
                avoid.append(one)
    update["avoid"] = avoid
    update["banned_sizes"] = [s for s in SHOT_SIZES if s in banned]
    notes = [p for p in items if p.lower() not in [n.lower() for n in current.notes]]
    update["notes"] = [*current.notes, *notes]
    return Constraints.model_validate(current.model_dump() | update)

