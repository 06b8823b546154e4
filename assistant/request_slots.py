"""The argument slots of a request read by their structure, for every operation that takes them: how many times
(undo, redo), which way the tempo should go, and whether an undo is being taken back.

    times_named("undo three times")                      # 3   ('x3', 'twice', 'the last 2 changes' too)
    tempo_fix("halve the bpm, its counting twice as fast")  # 'halve': the fix asked and the symptom agree
    tempo_fix("double it, it's twice as fast")             # 'unclear': they disagree, so the reader asks
    undo_regretted("oops didnt mean to undo that")         # True: bring it back (a redo), not another undo

A slot said two ways that disagree is 'unclear', never the first one found: the reader then asks.
"""

from __future__ import annotations

import re

from .targets import NUMBER_WORDS

_COUNT = r"(\d+|" + "|".join(w for w in NUMBER_WORDS if NUMBER_WORDS[w] <= 20) + ")"
_TIMES = (re.compile(rf"\b{_COUNT}\s*(?:times|x)\b"), re.compile(rf"(?<![\w:])x\s*{_COUNT}\b"),
          re.compile(rf"\blast\s+{_COUNT}\s+(?:changes|edits|things|steps|versions)\b"),
          re.compile(rf"\b{_COUNT}\s+(?:changes|edits|steps|versions)\b"))
_WORD_TIMES = {"twice": 2, "thrice": 3, "once": 1, "a couple of times": 2, "a couple times": 2}


def times_named(low: str) -> int:
    """How many times an undo or a redo is asked ('three times', 'x3', 'twice', 'the last 2 changes'); 1 when
    none is said."""
    for pattern in _TIMES:
        m = pattern.search(low)
        if m:
            return int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS[m.group(1)]
    said = next((n for w, n in _WORD_TIMES.items() if re.search(rf"\b{w}\b", low)), None)
    return said or 1


# the tempo fix asked, as a verb on the grid: 'halve the bpm', 'double it', 'half time please'
_ASKED = {"double": r"\bdouble\b(?!\s*(?:-|\s)?time)(?!\s+(?:as|speed))|\btwice the (?:tempo|bpm|speed)\b",
          "halve": r"\bhalve\b|\bhalf the (?:tempo|bpm|speed|grid)\b|\bcut (?:it|the (?:tempo|bpm)) in half\b"}
# a speed described, which asks for a fix by whose speed it is: 'it's counting twice as fast as the song' (the
# grid's) wants the tempo halved, 'the beat is twice as fast as that' (the song's) wants it doubled
_SPEED = {"faster": r"\btwice as (?:fast|quick)\b|\bdouble[- ]?(?:time|speed)\b|\btoo (?:fast|quick)\b|\b2x (?:too )?fast\b",
          "slower": r"\bhalf as (?:fast|quick)\b|\bhalf[- ]?(?:time|speed)\b|\btoo slow\b|\btwice as slow\b"}
_SONG_SAYS = (r"\b(?:the\s+)?(?:song|music|track|beat|real tempo|actual tempo|drums?)(?:'s|\s+is|\s+goes|\s+runs|\s+feels)\b"
              r"|\bas (?:that|this|yours|the grid|you have it|it is|what you have)\b")


def _implied(rest: str) -> set[str]:
    """The fixes the speeds `rest` describes imply, each by whose speed it is (the grid's unless the song's)."""
    fixes = set()
    for clause in re.split(r"[,;.!?]|\b(?:because|cause|cuz|since|but)\b", rest):
        for speed, p in _SPEED.items():
            if not re.search(p, clause):
                continue
            song = bool(re.search(_SONG_SAYS, clause)) and not re.search(r"\bas the (?:song|music|track|beat)\b", clause)
            fixes.add("double" if (speed == "faster") == song else "halve")
    return fixes


def tempo_fix(low: str) -> str | None:
    """'double' or 'halve' when the request asks for it (the verb asked, or the fix a speed described implies,
    and both agree when both are said); 'unclear' when they disagree; None when neither is said."""
    asked = {fix for fix, p in _ASKED.items() if re.search(p, low)}
    rest = low
    for p in _ASKED.values():
        rest = re.sub(p, " ", rest)
    said = asked | _implied(rest)
    if len(said) > 1:
        return "unclear"
    return next(iter(said), None)


_REGRET = re.compile(r"\b(?:didn'?t|did not|never|not)\s+(?:mean|want|meant)\s+(?:to\s+|you\s+to\s+)?undo\b"
                     r"|\bshouldn'?t\s+have\s+undo|\bundo\s+(?:the|that|my|your)\s+undo\b|\bundid\s+(?:too much|one too many|"
                     r"by mistake|that by mistake)|\bthat undo was (?:a )?(?:mistake|wrong)\b"
                     r"|\bwrong to undo\b|\bshouldn'?t have undone\b"
                     # what was undone, brought back: 'bring back what i just undid', 'restore what you undid'
                     r"|\b(?:bring|put|get|restore)\w*\s+(?:back\s+)?(?:what|the (?:thing|change|edit)s?|whatever)\s+"
                     r"(?:i|you|we)\s+(?:just\s+)?(?:undid|undone|had undone)\b")


def undo_regretted(low: str) -> bool:
    """Whether the request takes an undo back ('didn't mean to undo that', 'undo the undo'): a redo."""
    return bool(_REGRET.search(low))
