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
_LED = r"\s+with\s+|\s+for\s+|\s+to\s+|\s+(?=(?:a|an|the)\s)"  # only after a lead: 'replace 5 with', 'make 5 a …'
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
    """'a bit darker', 'colder please', 'closer, so we see her hands': a look/size/timing change, not a picture."""
    return bool(intents(words)) and len(re.findall(r"[a-z]+", words)) <= 5 or looks_first(words)


def as_typed(words: str, typed: str) -> str:
    """The artist's words as typed: `canonical` rewrote verbs, places and slips across the whole request, and a
    picture keeps 'a kid trading cards', not 'a kid swap cards'."""
    rewritten = {*LEXICON, *CUES, "and", "the", "with", "before", "after"}
    pattern = r"\s+".join(r"\S+" if t in rewritten else re.escape(t) for t in words.split())
    found = [m.group(0) for m in re.finditer(rf"(?<!\S){pattern}(?!\S)", typed)]
    return found[-1] if found else words  # the picture is said last


# The artist's picture for a target however it is framed ("i think the 3rd shot should be …", "for shot 11 i'm
# picturing …", "shots 7 and 8 -> …", "put … for shot 13 instead of what's there now"): the request less the
# target and the framing around it must leave one concrete picture phrase on one side of the target.
_FRAME_LEAD = (r"^(?:(?:i think|i feel like|i reckon|i guess|idk|i dunno|dunno|tbh|imo|hear me out|maybe|perhaps|"
               r"honestly|ok(?:ay)?|so|hmm+|um+|and|also|what if|"
               r"how about|what about|can|could|would|should|let'?s|lets|yeah|right|now)\b[\s,]*)+")
_FRAME_SAYS = (r"^(?:\s*(?:[,:;=]|->|→|=>|--?|–|—)\s*|\s*(?:(?:i'?m|i am)\s+)?(?:picturing|imagining|seeing|thinking(?: of)?)\s+"
               r"|\s*i (?:picture|imagine|see|want|would like|'d like|'d love|'d rather (?:have|see))\s+"
               r"|\s*we (?:see|could see|should see|get)\s+|\s*(?:(?:should|could|would|can|must|has to|needs to)\s+)?"
               r"(?:all\s+|just\s+|only\s+)?(?:be|become|show|feature)\s+(?:just\s+|only\s+)?|\s*is\s+now\s+|\s*(?:it'?s|its)\s+just\s+"
               r"|\s*(?:let'?s|lets)\s+(?:make (?:it|them)|do|have|see|go with|try)\s+|\s*make (?:it|them)\s+"
               r"|\s*(?:(?:would|might|could)\s+)?(?:works?|work|be|is|looks?|plays?)\s+(?:so\s+much\s+|way\s+|a lot\s+)?"
               r"better\s+as\s+)+")  # 'shot 26 works better as …'
_FRAME_GIVE = r"^\s*(?:put|use|give (?:it|them|me)|have|try|go with|i want|i'?d like|i see|we see)\s+"
_FRAME_PLACE = r"\s+(?:for|in|on|as|at|into)\s*$"
_FRAME_TAIL = (r"(?:\s*,?\s*(?:instead(?: of (?:what'?s|what is|whats) (?:there|in (?:it|them))(?: now)?)?|please|pls|plz"
               r"|thanks|thx|i think|maybe|if (?:possible|you can)|ok)\b)+[\s.!?]*$")
# words a picture does not start with: a pronoun, a verb or a judgement says something about the shot, not in it
_NOT_PICTURE = (r"^(?:it|it'?s|its|this|that|they|i|i'?m|we|you|he|she|is|are|was|were|be|been|feels?|seems?|looks?|"
                r"what'?s|whats|how'?s|hows|why'?s|where'?s|who'?s|version|versions|"
                r"needs?|has|have|had|should|could|would|can|will|too|so|very|more|less|really|kinda|kind|sort|not|no|"
                r"don'?t|doesn'?t|isn'?t|go|goes|come|comes|plays?|works?|drags?|ends?|starts?|why|what|how|which|"
                r"who|when|where|if|do|does|did|then|also|but|because|and|or|to|of|for|in|on|at|by|from|as|up|down|"
                r"out|off|over|again|instead|first|last|next|earlier|later|sooner|forward|back|away|around|together"
                r"|longer|shorter|wider|closer|one|lol|gotta|got|gonna|must|way|wrong|fine|ok|okay|good|great|perfect|better|worse"
                r"|before|after|between|my|our|your)\b")
# a judgement of the shot, not a picture in it: 'a mess', 'my favourite', 'not sure', 'better', 'a bit much'
_JUDGED = (r"\b(?:mess|problem|lie|favou?rite|fine|perfect|great|good|bad|better|worse|best|worst|nice|lovely|amazing|"
           r"awesome|weird|wrong|boring|sure|idea|much|a bit|a lot|too|the way it is|as it is|works?|working|like it|"
           r"love it|hate it)\b")
_TRAILING_LINK = r"\b(?:between|and|or|to|of|for|in|on|at|with|before|after|from|than|into|the|a|an)\s*$"


def framed_picture(low: str, target: str) -> tuple[str, str] | None:
    """(the target as said, the picture) when `low` is one target and one concrete picture phrase around its
    framing; None when it is anything else (a second target, two phrases, a verb, a judgement)."""
    found = list(re.finditer(rf"(?<![\w#])(?:{target})(?![\w])", low))
    if len(found) != 1:
        return None
    m = found[0]
    lead = re.sub(_FRAME_LEAD, "", low[:m.start()])
    before = re.sub(_FRAME_PLACE, "", re.sub(_FRAME_GIVE, "", lead))
    given = before != lead  # 'put … for', 'use … as': the picture before the target is given to it
    before = re.sub(r"^\s*(?:the|for|in|on|during)\s*$", "", before)
    said = re.sub(_FRAME_SAYS, "", low[m.end():], count=1)
    framed = said != low[m.end():]  # ': ', '->', 'should be', "i'm picturing": the picture after it is framed
    after = re.sub(_FRAME_TAIL, "", said)
    before, after = before.strip(" ,.!?"), after.strip(" ,.!?")
    if bool(before) == bool(after) or (after and not framed) or (before and not given):
        return None  # a phrase beside the target with no framing says something about it ('shot 8 reminds me of …')
    words = picture_words(before or after)
    return (m.group(0), words) if is_picture(words) else None


def judged(words: str) -> bool:
    """Whether `words` judge a shot ('a bit much', 'my favourite', 'not sure') rather than show something."""
    return bool(re.search(_JUDGED, words))


def is_picture(words: str) -> bool:
    """Whether `words` read as a concrete picture: two words or more, no verb of the table (nor 'replace'), no
    judgement ('a cliché', 'boring'), not a look change, starting with no pronoun, verb or judgement and ending
    on no link word."""
    from .request_lexicon import verbs_said

    said = re.findall(r"[a-z]+", words)
    return (len(said) >= 2 and not re.match(_NOT_PICTURE, words) and not re.search(_TRAILING_LINK, words)
            and not verbs_said(words) and "replace" not in intents(words)
            and not looks_only(words) and not judged(words) and "?" not in words)


# words that show nothing by themselves: 'one long shot', 'something else', 'another one'
_EMPTY = (r"\b(?:a|an|the|one|ones|shot|shots|take|takes|card|image|picture|something|anything|else|other|another|"
          r"different|new|long|longer|single|continuous|same|it|them|this|that|these|those|just|instead|please|pls|"
          r"again|more|less|of|in|into|two|half|whole|thing|idea|version)\b")


def shows_something(words: str) -> bool:
    """Whether `words` fill a picture slot: some word that shows something ('her shadow on the stairs'), and no
    verb of the table ('split in half', 'drop the red') — 'one long shot', 'something else' show nothing."""
    from .request_lexicon import CONTEXT, phrases_named, verbs_said

    left = re.sub(r"[^a-z]+", " ", re.sub(_EMPTY, " ", words.lower())).strip()
    first = (re.findall(r"[a-z]+", words.lower()) or [""])[0]
    return (bool(left) and not verbs_said(words) and first not in CONTEXT  # 'drop the red' asks for a change
            and not [k for k in phrases_named(words) if k not in ("replace", "insert", "move")]
            and not re.match(r"(?:neither|none|nothing|both|either|to|feel|feels|be|is|are)\b", words)
            and not looks_first(words))


def looks_first(words: str) -> bool:
    """Whether `words` open on a look, size or timing change ('closer, so we see her hands', 'a touch longer
    please', 'cooler in colour'): the request asks that change of the shot, it gives no picture."""
    opening = re.sub(r"^(?:a\s+(?:touch|bit|little|tad|lot)|slightly|much|way|far|even|rather|quite|so)\s+", "", words)
    first = (re.findall(r"[a-z']+", opening) or [""])[0]
    comparative = first in ("more", "less") or first.endswith("er") and len(first) > 4  # 'warm light on …' is a picture
    return comparative and bool(intents(" ".join(re.findall(r"[a-z']+", opening)[:2])))
