"""Where and how a guided shot is staged: the place comes from the artist's own words (a kitchen, a
farmhouse, a bay), seen a different way at each stage of a section; the shot size and the camera move
are the ones that suit the stage, never the same as the shot before, and the least used so far, so a
short song's few shots still differ in framing."""

from __future__ import annotations

import functools
import re
from collections import Counter

from .prompts import load_yaml

_OWNERS = r"(?:a|an|the|her|his|my|their|our|your|its|this|that|one)"
_NOT_ADJ = {"whose", "who", "which", "that", "and", "or", "of", "in", "on", "at", "to", "into", "is", "are", "was"}


@functools.cache
def _spec() -> dict:
    return load_yaml("guided/writing.yaml")


def places_in(texts: list[str]) -> list[str]:
    """The places the artist named, in order, once each: 'Her kitchen rearranges…' → 'the kitchen';
    'an old radio in a farmhouse' → 'the farmhouse'; 'a band's rehearsal room' → 'the rehearsal room'."""
    nouns = "|".join(sorted(_spec()["places"], key=len, reverse=True))
    pattern = re.compile(rf"(?i)\b{_OWNERS}\s+(?:[a-z]+'s\s+)?(?:([a-z']+)\s+)?({nouns})\b")
    out: dict[str, str] = {}
    for text in texts:
        for m in pattern.finditer(text or ""):
            adj, noun = (m.group(1) or "").lower(), m.group(2).lower()
            if adj.endswith("'s") or adj in _NOT_ADJ or re.fullmatch(_OWNERS, adj):
                adj = ""
            if noun not in out:
                out[noun] = f"the {adj + ' ' if adj else ''}{noun}"
    return list(out.values())


def setting(place: str, stage: str, handle: str, next_handle: str, v: int) -> str:
    """The shot's setting: the place seen as the stage needs, or, with no place, a space the image makes."""
    kind = "place" if place else "made"
    options = _spec()["settings"][kind][stage]
    filled = [o.replace("{place}", place).replace("{handle}", handle).replace("{next}", next_handle)[:90]
              for o in options[v % len(options):] + options[:v % len(options)]]
    # never 'the kitchen, changed by the kitchen': a wording that names one thing twice is skipped
    return next((f for f in filled if not _twice(f)), filled[0])


def _twice(text: str) -> bool:
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3]
    return len(words) != len(set(words))


class Framing:
    """Picks sizes and moves across a plan: from what suits the stage, not the previous shot's, the least
    used so far (ties go to the order given, which the energy band rotates)."""

    def __init__(self) -> None:
        self.used: Counter[tuple[str, str]] = Counter()
        self.last: dict[str, str] = {}

    def pick(self, kind: str, options: list[str]) -> str:
        fresh = [o for o in options if o != self.last.get(kind)] or options
        choice = min(fresh, key=lambda o: (self.used[(kind, o)], fresh.index(o)))
        self.used[(kind, choice)] += 1
        self.last[kind] = choice
        return choice
