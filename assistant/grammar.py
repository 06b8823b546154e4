"""A grammar check for the sentences guided mode writes (rules written for the writer's templates; no
parser is installed here). Quoted lyric lines are the song's words and are not checked.

    problems("The water as at his ankles.")      # ["'as' before a preposition: 'as at'"]
    problems("It puts the have in front of us.")  # ["a determiner before a function word: 'the have'"]
"""

from __future__ import annotations

import re

FUNCTION = (r"have|has|had|is|are|was|were|do|does|did|will|would|can|could|should|and|or|but|of|to|for|with|the|a|an"
            r"|i|you|he|she|we|they|me|him|us|them|been|be|am|not|if|than|then|because|into|onto|from")
# words ending in 's' that are not plural nouns (or not nouns at all)
_NOT_PLURAL = ("this|is|was|has|does|its|his|hers|ours|yours|theirs|as|us|thus|always|perhaps|sometimes|news|lens"
               "|series|species|physics|chaos|canvas|atlas|bus|gas|yes|less|across|towards|afterwards|upwards"
               "|downwards|backwards|whereas|nevertheless|princess|mattress|alias|iris|axis|basis|crisis|oasis"
               "|dress|glass|grass|moss|class|brass|cross|kiss|mess|loss|boss|chess|press|address|process|witness")
_AN_OK = re.compile(r"(?i)\ban\s+(?:h(?:our|onest|eir|onou?r)|[aeiou]|x-|fps|mri|s\b)")
_A_OK = re.compile(r"(?i)\ba\s+(?:u(?:ni|s[eu]|tens|r[ei])|eu|one\b|once\b|ouija)")
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("'as' before a preposition", re.compile(r"(?i)\bas\s+(?:at|in|on|by|for|of|with|from|into)\b")),
    ("a bare noun after 'as'", re.compile(r"(?i)\bas\s+(?!(?:a|an|the|if|though|it|they|he|she|we|you|i|well|much|long"
                                          r"|soon|far|one|ever|before|usual|always|such|his|her|their|its|my|our|your"
                                          r"|this|that|these|those|every|each|no|some|much|many)\b)[a-z]+\s+(?:now|again"
                                          r"|here|too)\b")),
    ("a determiner before a function word", re.compile(rf"(?i)\b(?:the|a|an|his|her|their|its|my|our|your)\s+"
                                                       rf"(?:{FUNCTION})\b(?![-'])")),
    ("a plural subject with a singular verb", re.compile(r"(?i)\b(?:they|we|the two of them)\s+(?:is|was|has|does)\b")),
    ("a singular subject with a plural verb", re.compile(r"(?i)\b(?:it|he|she)\s+(?:are|were|have|do)\b(?!\s+to\b)")),
    # a clause that starts on a plural noun (after its determiner and one modifier) and goes straight to a
    # singular verb: 'Her apron strings does'; a noun further in may be inside a phrase ('the girl looking
    # up at the statues has' agrees), so only a clause start is read
    ("a plural noun with a singular verb", re.compile(
        r"(?i)(?:^|[.;:!?,]\s+)(?:(?:the|these|those|his|her|their|our|my|your|its|two|three|many)\s+(?:[a-z]+\s+)?)?"
        r"(?!(?:" + _NOT_PLURAL + r")\b)[a-z]{2,}[^su'\W]s\s+(?:is|was|has|does|isn't|doesn't|wasn't)\b")),
    ("a singular noun with a plural verb", re.compile(
        r"(?i)\b(?:a|an|this|that|every|each)\s+(?!(?:" + _NOT_PLURAL + r")\b)[a-z]+[^s\W]\s+"
        r"(?:are|were|have|don't|aren't|weren't)\b(?!\s+to\b)")),
    ("a doubled word", re.compile(r"(?i)\b(\w+)\s+\1\b")),
    ("', is' glue", re.compile(r",\s+(?:is|are)\b")),
    ("an empty slot", re.compile(r"[{}]")),
    ("doubled punctuation", re.compile(r"[,;:]\s*[,;:.]|\.\s*\.(?!\.)|\(\s*\)")),
    ("a sentence ending on a function word", re.compile(r"(?i)\b(?:the|a|an|and|or|but|his|their|its|my|our|your)"
                                                        r"\s*[.!?]\s*$")),
    ("a lower-case sentence start", re.compile(r"(?:^|[.!?]\s+)[a-z]")),
]


def unquoted(text: str) -> str:
    """The sentence with quoted lyric lines replaced by a placeholder word."""
    return re.sub(r'"[^"]*"|“[^”]*”', "Q", text or "")


def problems(text: str, sentence: bool = True) -> list[str]:
    """What reads wrong in `text` ([] when nothing). `sentence=False` for phrases (a subject, an action, a
    setting), which need no capital and no full stop."""
    said = unquoted(text).strip()
    out = []
    for name, rule in RULES:
        if not sentence and name in ("a lower-case sentence start", "a sentence ending on a function word"):
            continue
        m = rule.search(said)
        if m:
            out.append(f"{name}: {m.group(0).strip()!r}")
    for m in re.finditer(r"(?i)\ba\s+[aeiou]\w*", said):
        if not _A_OK.match(said, m.start()):
            out.append(f"'a' before a vowel: {m.group(0)!r}")
            break
    for m in re.finditer(r"(?i)\ban\s+[^aeiou\W]\w*", said):
        if not _AN_OK.match(said, m.start()):
            out.append(f"'an' before a consonant: {m.group(0)!r}")
            break
    if said.count("(") != said.count(")"):
        out.append("unbalanced brackets")
    return out


def shot_problems(shot) -> list[str]:
    """Every problem in a shot's written fields, each named with its field."""
    out = [f"reason: {p}" for p in problems(shot.reason)]
    out += [f"why_generative: {p}" for p in problems(shot.why_generative)]
    for name in ("subject", "action", "setting"):
        out += [f"{name}: {p}" for p in problems(getattr(shot, name), sentence=False)]
    return out


def flagged(shots) -> int:
    """How many of a plan's shots have at least one problem (the goal is 0)."""
    return sum(bool(shot_problems(s)) for s in shots)
