"""The artist's own words in a request: the picture it gives a shot or a section, kept as typed.

    picture("shot 9 is now: a girl on a bike", REFS)      # ('shot 9', 'a girl on a bike')
    picture("replace 26 with a kid drawing a door", REFS)  # ('26', 'a kid drawing a door')

One grammar for every way of giving a picture: [a lead] the target, a separator (':', '=', ' - ', 'with', 'to
(be)', 'is now', 'should be', an offer like "i'd rather see"), then the words.
"""

from __future__ import annotations

import re

from .request_lexicon import CUES, LEXICON
from .targets import intents

# how an artist offers a picture for a shot or a section: "for shot 20 let's do …", "for the bridge i see …"
_OFFER = (r"i want|i'?d (?:like|rather|prefer)(?: to)?(?: see| have)?|i see|we (?:should )?see|show|"
          r"let'?s (?:do|have|see|try|go with)|we could (?:do|have|see)|how about|maybe")


# the artist's picture for a target, as one grammar: [a lead] the target, a separator, the picture
_ASKS = r"(?:can|could|should|would|i want|i'?d (?:like|love)|i would like|we want|let'?s have)"
_LEAD = rf"(?:(?:replace|change|make|{_ASKS})\s+(?:the\s+)?)"
_SAYS = (r"\s*(?::|=|\s[-–—]\s)\s*|\s+(?:(?:should|can|could|would)\s+|to\s+)?(?:be|show|become)\s+"
         r"|\s+(?:is\s+now|becomes)\s*:?\s+")
_LED = r"\s+with\s+|\s+to\s+|\s+(?=(?:a|an|the)\s)"  # only after a lead: 'replace 5 with', 'make 5 a …'
_PLACE = r"(?:in|for|during)\s+"  # 'in shot 15 i'd rather see …', 'for the bridge let's do …', 'in the bridge, …'


def picture(low: str, target: str) -> tuple[str, str] | None:
    """(the target as said, the artist's words) when `low` gives a picture for `target`; None otherwise."""
    m = (re.search(rf"^(?:the\s+)?({target})(?:{_SAYS})(.+)$", low)
         or re.search(rf"\b{_LEAD}({target})(?:{_SAYS}|{_LED})(.+)$", low)
         or re.search(rf"^(?:{_ASKS}\s+)?{_PLACE}({target})\s*(?:,\s*|,?\s*(?:{_OFFER})\s+)(.+)$", low)
         or re.search(rf"\b{_PLACE}({target})\s*,?\s*(?:{_OFFER})\s+(.+)$", low))
    return (m.group(1), picture_words(m.group(2))) if m else None


def picture_words(text: str) -> str:
    """The picture in a request: leading 'a (new) shot of', colons and politeness off."""
    text = re.sub(r"^\s*[:,\-–—]?\s*(?:(?:a|an|one)\s+(?:new\s+)?(?:shot|image|picture)\s+(?:of|with|where|showing)\s+"
                  r"|(?:a|an)\s+new\s+shot\s*[:,]?\s*|we\s+(?:see|should see)\s+|i\s+want\s+|show(?:ing)?\s+)?", "", text)
    text = re.sub(r"[\s,]+(?:instead|please|pls|thanks|thank you)[\s.!]*$", "", text)
    return text.strip(" .!?,:;")


def looks_only(words: str) -> bool:
    """'a bit darker', 'colder please': a look/size/timing change, not a picture."""
    return bool(intents(words)) and len(re.findall(r"[a-z]+", words)) <= 5


def as_typed(words: str, typed: str) -> str:
    """The artist's words as typed: `canonical` rewrote verbs, places and slips across the whole request, and a
    picture keeps 'a kid trading cards', not 'a kid swap cards'."""
    rewritten = {*LEXICON, *CUES, "and", "the", "with", "before", "after"}
    pattern = r"\s+".join(r"\S+" if t in rewritten else re.escape(t) for t in words.split())
    found = [m.group(0) for m in re.finditer(rf"(?<!\S){pattern}(?!\S)", typed)]
    return found[-1] if found else words  # the picture is said last
