"""Which shots or part of the song a request names, as the readers of `assistant.edit_requests` find them.

    one_shot("the shot after 4", project, None)      # 5
    shots_of("the 2nd and 3rd shots", project, None)  # [2, 3]  (after `assistant.targets.normalise`)
    part_name("all three choruses")                   # 'chorus'

`REF` and `REFS` find where a request names shots; `assistant.targets.resolve` (and through it
`shotlist.shot_range`) reads what they name, so every operation reads its targets the same way.
"""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.models import Project
from shotlist.shot_range import LIST_JOIN, RANGE_JOIN

from .targets import ORDINALS, SECTION_WORDS, resolve

_ORDS = "|".join(sorted(ORDINALS, key=len, reverse=True)) + r"|\d+th"
_COUNT = r"\d+|two|three|four|five|six|couple(?:\s+of)?"
# one shot, or a run of shots at an edge ('the first two shots'), as `assistant.targets.resolve` reads them
_OF_SECTION = (rf"\s+(?:of|in|from)\s+(?:the\s+)?(?:(?:{_ORDS}|last|final|opening)\s+)?(?:{'|'.join(SECTION_WORDS)})"
               r"(?:e?s)?(?:\s+\d)?")  # 'the last shot of the first chorus'
REF = (rf"(?:(?:shots?|#|number|card)\s*#?\s*\d+|#?\d+(?!\d|:\d)|(?:the\s+)?(?:very\s+)?(?:last|final|opening|closing|{_ORDS})"
       rf"(?:\s+(?:{_COUNT}))?\s+(?:shots?|ones?|cards?)(?:{_OF_SECTION})?|(?:this|that|the selected)\s+(?:shot|one|card)|this one"
       r"|this(?=\s+(?:into\s+)?an?\s+shot\b)|the (?:next|previous) (?:one|shot)|(?:the\s+)?(?:second|2nd|next)[-\s]to[-\s](?:the\s+)?last"
       r"\s+(?:shot|one|card)|(?:the\s+)?penultimate(?:\s+(?:shot|one|card))?|the (?:shot|one) (?:right |just )?(?:after|before) "
       r"(?:(?:shot )?#?\d+|it|that(?: one)?|this(?: one)?))")
REFS = rf"(?:shots?\s*)?(?:{REF})(?:\s*(?:{RANGE_JOIN}|{LIST_JOIN})\s*(?:shots?\s*)?#?\d+)*"


def one_shot(phrase: str, project: Project, selected: int | None, after: int | None = None) -> int:
    """The one shot `phrase` names; 'the next one' steps from `after`."""
    phrase = phrase.strip()
    rel = re.match(r"(?:the\s+)?(next|previous) (?:one|shot)|the (?:shot|one) (?:right |just )?(after|before) (?:it|that|this)",
                   phrase)
    if rel and after:
        return after + (1 if (rel.group(1) or rel.group(2)) in ("next", "after") else -1)
    if re.fullmatch(r"#?\d+", phrase):
        phrase = f"shot {phrase.lstrip('#')}"
    target = resolve(phrase, project, selected)
    if target.problem:
        raise ShotcallerError(target.problem.rstrip("."))
    if len(target.shots) != 1:
        raise ShotcallerError(f"which one shot do you mean by {phrase!r}")
    return target.shots[0]


def shots_of(phrase: str, project: Project, selected: int | None) -> list[int]:
    phrase = "this shot" if phrase.strip() == "this" else phrase.strip()
    if re.fullmatch(rf"#?\d+(?:\s*(?:{RANGE_JOIN}|{LIST_JOIN})\s*#?\d+)*", phrase):
        phrase = f"shots {phrase}"
    target = resolve(phrase, project, selected)
    if target.problem:
        raise ShotcallerError(target.problem.rstrip("."))
    if not target.shots:
        raise ShotcallerError(f"which shots do you mean by {phrase!r}")
    return target.shots


def section_pattern(project: Project) -> str:
    """A pattern for a section phrase of this song: 'the last chorus', 'every chorus', 'verse 2', 'the bridge'."""
    labels = sorted({s.label.lower() for s in project.song.sections if len(s.label) > 2}, key=len, reverse=True)
    names = "|".join(re.escape(x) for x in labels) or "(?!)"
    return (rf"(?:the\s+)?(?:whole\s+)?(?:(?:every|each|all(?:\s+the)?|both)(?:\s+(?:two|three|four|\d))?\s+)?"
            rf"(?:(?:{_ORDS}|last|final|opening)\s+)?(?:{names})"
            rf"(?:e?s)?(?:\s+\d)?")


def part_name(phrase: str) -> str:
    """A section phrase as `shotlist.operations.parts` reads it, an instance by its number: 'the second verse' and
    'the 2nd verse' → 'verse 2', 'every chorus' → 'chorus', 'the last chorus' → 'last chorus'."""
    words = re.sub(r"\b(?:the|whole|every|each|all|both|two|three|four|\d)\b(?!$)", " ", phrase).split()
    singular = {f"{n}es": n for n in SECTION_WORDS} | {f"{n}s": n for n in SECTION_WORDS}
    words = [singular.get(w, w) for w in words]
    if len(words) == 2 and words[0] in ORDINALS:
        return f"{words[1]} {ORDINALS[words[0]]}"
    return " ".join(words)


def song_part(phrase: str, project: Project) -> str:
    """`part_name` of `phrase`, checked against the song: a part it does not have ('the third verse' of two) is
    a clear error naming its sections, so the reader asks rather than writing to no shot."""
    from shotlist.operations.parts import sections_named

    name = part_name(phrase)
    sections_named(project, name)
    return name


def section_edges(low: str, project: Project) -> str:
    """A place at the edge of a part said as the shot it falls against, so that every reader reads the whole
    place: 'at the end of the first chorus' → 'after shot 10', 'to the start of the bridge' → 'before shot 19'
    (read as 'at the end' alone, it would be the end of the song)."""
    def edge(m: re.Match) -> str:
        shots = resolve(m.group(2), project).shots
        if not shots:
            return m.group(0)
        return f"before shot {shots[0]}" if m.group(1) != "end" else f"after shot {shots[-1]}"

    return re.sub(rf"\b(?:(?:right|just)\s+)?(?:to|at|in)\s+the\s+(?:very\s+)?(start|beginning|top|end)\s+of\s+"
                  rf"({section_pattern(project)})\b", edge, low)
