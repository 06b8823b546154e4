"""Which shots a few words name: the one shot-range parser.

    shot_numbers("3, 5 and 7", 29)       # [3, 5, 7]
    shot_numbers("3 to 5", 29)           # [3, 4, 5]    ('3-5', '3–5', '3 through 5', 'shots 3-5', '#3-#5')
    shot_numbers("the last shot", 29)    # [29]         ('last', 'the final one'; '27-last', '27 to the end')
    shot_numbers("20-40", 29)            # ShotcallerError: there are no shots 30-40: the plan has shots 1-29

The CLI's `--shots`, the studio's shot boxes, the operations' shot lists (`expand`) and the assistant's
targets all read numbers here, so "3 to 5" means the same everywhere and a range past the end is one
clear error. A range written backwards ("7 to 5") names the same shots as forwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import ShotcallerError
from .models import Project

# what joins two numbers into a range, and what joins the parts of a list, as artists type them
RANGE_JOIN = r"(?:-|–|—|\.\.|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)"
LIST_JOIN = r"(?:,|&|\+|\band\b|\bplus\b)"
_FIRST = r"(?:the\s+)?(?:very\s+)?(?:first|opening)(?:\s+(?:shot|one))?"
_LAST = r"(?:the\s+)?(?:very\s+)?(?:last|final|closing|end)(?:\s+(?:shot|one))?"
_NUMBER = rf"#?\s*\d+|{_FIRST}|{_LAST}"
_PART = re.compile(rf"^(?P<lo>{_NUMBER})(?:\s*{RANGE_JOIN}\s*(?P<hi>{_NUMBER}))?$")
_LEAD = re.compile(r"^\s*(?:the\s+)?(?:shots?|numbers?|cards?|nos?\.?)\s+")


def shot_numbers(text: str, count: int) -> list[int]:
    """The shots `text` names, sorted, each once, all within 1..count; a `ShotcallerError` that names the
    part it cannot read, or the shots past the end, otherwise."""
    numbers = _read(text, count)
    missing = [n for n in numbers if not 1 <= n <= count]
    if missing:
        raise ShotcallerError(past_the_end(missing, count))
    return sorted(set(numbers))


def shots_named(project: Project, text: str | None) -> list[int] | None:
    """What a shots box or argument names: None (every shot) when empty; numbers and ranges as
    `shot_numbers` reads them; else a part of the song ('chorus', 'the last chorus', 'verse 2')."""
    text = (text or "").strip()
    if not text:
        return None
    if not names_numbers(text):
        from .operations.parts import shots_in  # the song's own section labels

        return shots_in(project, text)[0]
    return shot_numbers(text, len(project.shots))


def names_numbers(text: str) -> bool:
    """Whether `text` is written as shot numbers ('3', '3-5', 'the last shot'), whatever they are."""
    parts = _parts(text)
    return bool(parts) and all(_PART.match(p) for p in parts)


def numbers_said(text: str) -> list[int]:
    """The numbers `text` names in the order given ('7, 3-4' → [7, 3, 4]), not checked against a plan:
    for a caller that words its own reply about a missing shot. 'last' needs a plan: `shot_numbers`."""
    return list(dict.fromkeys(_read(text, None)))


def past_the_end(missing: Iterable[int], count: int) -> str:
    """'there is no shot 31: …' or 'there are no shots 30-40: …', the plan's range after the colon."""
    missing = sorted(set(missing))
    said = compact(missing)
    if count < 1:
        return f"there is no shot {said}: the plan has no shots yet"
    if len(missing) == 1:
        return f"there is no shot {said}: the plan has shots 1-{count}"
    return f"there are no shots {said}: the plan has shots 1-{count}"


def expand(refs: Iterable[str | int], count: int) -> list[str]:
    """Shot references as one reference a shot: '3', 4, '5-7', '8, 9 and 10', 'last' become numbers
    within 1..count; an id ('s-1a2b') or anything else that is no range passes through."""
    out: list[str] = []
    for ref in refs:
        text = str(ref).strip()
        try:
            numbers = shot_numbers(text, count)
        except ShotcallerError:
            if names_numbers(text):  # a range this parser reads, past the end: that error, not 'no shot "20-40"'
                raise
            out.append(text)
            continue
        out.extend(str(n) for n in numbers)
    return [r for r in out if r]


def compact(numbers: list[int]) -> str:
    """[3, 4, 5, 7] → '3-5, 7'."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _parts(text: str) -> list[str]:
    low = _LEAD.sub("", " ".join(str(text).lower().split()))
    return [p.strip() for p in re.split(rf"\s*{LIST_JOIN}\s*", low) if p.strip()]


def _read(text: str, count: int | None) -> list[int]:
    parts = _parts(text)
    if not parts:
        raise ShotcallerError("name the shots by number, e.g. 3, 3-5, '3, 5 and 7' or 'the last shot'")
    out: list[int] = []
    for part in parts:
        m = _PART.match(part)
        if not m:
            raise ShotcallerError(f"shots {text!r}: {part!r} is not a shot number, a range like 3-5 or "
                                  "'3 to 5', or 'the last shot'")
        lo, hi = _one(m.group("lo"), count, text), _one(m.group("hi") or m.group("lo"), count, text)
        out.extend(range(min(lo, hi), max(lo, hi) + 1))
    return out


def _one(word: str, count: int | None, text: str) -> int:
    word = word.lstrip("#").strip()
    if word.isdigit():
        return int(word)
    if re.fullmatch(_FIRST, word):
        return 1
    if count is None:
        raise ShotcallerError(f"shots {text!r}: 'the last shot' needs the plan; name it by number")
    return count
