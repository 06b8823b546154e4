"""What a revision request points at, and what it asks for, in the words artists actually type.

Targets: "shot 5", "shots 3-7", "3, 7 and 9", "the first chorus", "every chorus", "the bridge",
"the last shot", "this shot" (the storyboard card selected in the studio). Intents: colder, warmer,
darker, brighter (look), longer, shorter (timing), closer, wider (size), replace, lock, unlock.
A request whose target is unclear is answered with a question, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shotlist.models import Project
from shotlist.shot_range import LIST_JOIN, RANGE_JOIN, compact, numbers_said

from .reading import section_phrase
from .replies import say

_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                  "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# every ordinal a shot or section is named by, in words ('nineteenth') and digits ('21st'), up to 40
ORDINALS = {w: k for k, w in enumerate(_ORDINAL_WORDS, 1)} | {f"{k}{_suffix(k)}": k for k in range(1, 41)}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30}
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
_NUM = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNITS = "one|two|three|four|five|six|seven|eight|nine"

INTENTS: dict[str, str] = {
    "unlock": r"\bunlock|\bunfreeze|\bfree up\b|\blet me change\b",
    "lock": r"\block|\bfreeze\b|\bkeep (?:it|them|this|that) as (?:it|they) (?:is|are)\b|\bleave .* alone\b"
            r"|\b(?:don'?t|do not|never) (?:touch|change|move|edit|alter)\b(?! (?:anything|any other|the rest|others?)\b)",
    "colder": r"\bcold(?:er)?\b|\bcool(?:er)?\b|\bic(?:y|ier)\b|\bfrost\w*|\bchill\w*|\bmore blue\b|\bbluer\b|\bwintr\w*",
    "warmer": r"\bwarm(?:er|th)?\b|\bgolden\b|\bmore amber\b|\bsunn(?:y|ier)\b|\bcosier\b|\bcozier\b|\bhotter\b",
    "darker": r"\bdark(?:er|ness|en\w*)?\b|\bdimmer\b|\bmood(?:y|ier)\b|\bshadow\w*|\bless light\b|\bgloom\w*"
              r"|\bnight-?time\b|\bnoir\b|\blow-?key\b",
    "brighter": r"\bbright(?:er|en\w*)?\b|\blift (?:the )?light\b|\blighter\b|\bmore light\b|\bsunlit\b|\bairier\b|\bhigh-?key\b",
    "longer": r"\blonger\b|\bslower\b|\blinger\b|\bhold (?:it|on|that|them)\b|\bstay (?:on|with)\b|\bmore time\b"
              r"|\bextend\w*|\bstretch\w*|\bbreathe\b|\bslow (?:it|them|down)\b|\bslow\b[^.!?]*\bdown\b",
    "shorter": r"\bshorter\b|\bquicker\b|\bfaster\b|\btrim\w*|\bcut (?:it|them) down\b|\btighten\b|\bspeed (?:it|them)? ?up\b"
               r"|\bsnappier\b|\bless time\b",
    "closer": r"\bcloser\b|\btighter\b|\bpush in\b|\bzoom in\b|\bmore intimate\b|\bgo in\b|\bclose-?up\b",
    "wider": r"\bwider\b|\bpull (?:back|out)\b|\bzoom out\b|\bmore room\b|\bmore space\b|\bwide shot\b|\bfurther away\b",
    "replace": r"\breplace\b|\bclich[eé]\w*|\bboring\b|\bgeneric\b|\bsomething else\b|\bdifferent (?:image|idea|shot)\b"
               r"|\bchange (?:what|the image)\b|\bswap\b|\bnew idea\b|\bdull\b|\bbland\b|\bre-?do\b|\brewrite\b"
               r"|\bcorny\b|\bcheesy\b|\blame\b|\bnaff\b|\btacky\b|\bcringe\w*|\boverdone\b|\bpredictable\b"
               r"|\btired\b|\blose (?:the|it|that|this)\b|\bget rid of\b|\bditch\b|\banother (?:idea|image|one)\b"
               r"|\b(?:do not|don'?t|dont) (?:like|love|buy)\b|\bhate\b|\bnot (?:feeling|into|working|convinced)\b"
               r"|\bdoesn'?t work\b|\btoo literal\b|\bon the nose\b",
}
REPLAN = re.compile(r"(?i)^\s*/plan\b|\bre-?plan\b|\bplan (?:it |the (?:whole )?(?:song|video) )?(?:again|from scratch)\b"
                    r"|\bstart (?:over|again)\b|\bfrom scratch\b")


SECTION_WORDS = ("intro", "verse", "pre-chorus", "prechorus", "chorus", "bridge", "outro", "hook", "breakdown", "solo",
                 "drop", "refrain", "middle eight", "coda")


@dataclass
class Target:
    shots: list[int] = field(default_factory=list)  # 1-based numbers, in order
    described: str = ""  # how the reply names them ("shot 5", "the first chorus")
    problem: str = ""  # a question or a refusal when the target is unclear or does not exist


TOO = {"dark": "brighter", "bright": "darker", "cold": "warmer", "warm": "colder", "long": "shorter", "slow": "shorter",
       "short": "longer", "fast": "longer", "close": "wider", "tight": "wider", "wide": "closer", "icy": "warmer",
       "blue": "warmer", "moody": "brighter", "gloomy": "brighter", "golden": "colder", "light": "darker"}
OPPOSITE_INTENT = {"brighter": "darker", "darker": "brighter", "warmer": "colder", "colder": "warmer",
                   "shorter": "longer", "longer": "shorter", "wider": "closer", "closer": "wider"}
HEDGE = re.compile(r"\b(?:i guess|i suppose|maybe|perhaps|i think|or something|kind of|sort of|probably)\b")


def intents(text: str) -> list[str]:
    """The changes a request asks for; "too dark" asks for the opposite of darker."""
    low = text.lower()
    found = [name for name, pattern in INTENTS.items() if re.search(pattern, low)]
    for m in re.finditer(r"\b(?:too|less|not so|not as) (" + "|".join(TOO) + r")\b", low):
        want = TOO[m.group(1)]
        if OPPOSITE_INTENT[want] in found and not re.search(INTENTS[OPPOSITE_INTENT[want]], low.replace(m.group(0), " ")):
            found.remove(OPPOSITE_INTENT[want])
        if want not in found:
            found.append(want)
    if "unlock" in found and "lock" in found:
        found.remove("lock")
    return found


_SEP = rf"(?:{RANGE_JOIN}|{LIST_JOIN})"
_NOT_SHOT = r"(?![\w.:%]|\s*(?:s|sec|secs|seconds|bars?|beats?|bpm|fps|mm|x|times|shots)\b)"  # "2 bars", "4 seconds", "50mm"
# verbs that take a shot number as their object: "make 7 warmer", "don't touch 4", "unlock 4", "re-do 8"
_VERB_NUMBER = re.compile(r"\b(?:make|touch|lock|unlock|freeze|unfreeze|re-?do|redo|change|fix|swap|replace|leave|keep"
                          rf"|trim|extend|brighten|darken|lose|ditch|rewrite|move|edit)\s+#?\s*(\d+(?:\s*{_SEP}\s*\d+)*)"
                          + _NOT_SHOT)


_TENS_ORD = "|".join(_ORDINAL_WORDS[:9])
# number words read as numbers where a shot or version number goes: after a place or a join ('after twelve',
# '14 and fifteen'), not 'one' ('this one', 'one shot') and not a count or a length ('after two bars')
_NUMBER_SLOT = re.compile(rf"\b(before|after|between|and|with|to|thru|through|behind|than|version|v)(\s*)"
                          rf"({'|'.join(w for w in sorted(NUMBER_WORDS, key=len, reverse=True) if w != 'one')})\b"
                          r"(?!\s+(?:bars?|beats?|seconds?|secs?|times?|shots|more|of|steps?|changes?|things|ones)\b)")
# 'v2' is a version after a word that takes one ('back to v2', 'since v1', 'vs v3'), a verse elsewhere ('in v2')
_VERSION_CUE = r"(?:to|since|vs\.?|versus|from|than|against|at|diff|compare|compare with|compared with|with|before|restore|revert|reset)"


_ORD_WORDS = "|".join(sorted((w for w in ORDINALS if w.isalpha() and w not in ("last", "final", "first")),
                              key=len, reverse=True))


def normalise(text: str) -> str:
    """Lower case, with number words and short section names spelled out as artists abbreviate them:
    'shots five through eight' → 'shots 5 through 8', 'after twelve' → 'after 12', 'the nineteenth shot' →
    'shot 19', 'ch2' → 'chorus 2', 'v1' → 'verse 1', 'back to v2' / 'version one' → 'back to version 2' / 'version 1'."""
    low = text.lower().replace("’", "'")
    low = re.sub(rf"\b(twenty|thirty)[\s-]+({_TENS_ORD})\b",
                 lambda m: (lambda n: f"{n}{_suffix(n)}")(NUMBER_WORDS[m.group(1)] + ORDINALS[m.group(2)]), low)
    low = re.sub(rf"\b(twenty|thirty)[\s-]+({_UNITS})\b", lambda m: str(NUMBER_WORDS[m.group(1)] + NUMBER_WORDS[m.group(2)]),
                 low)  # 'twenty two' -> 22
    low = re.sub(rf"\b(shots?\s+|#)({_NUM})\b", lambda m: m.group(1) + str(NUMBER_WORDS[m.group(2)]), low)
    low = re.sub(r"\b(version|v)\s*one\b", r"\1 1", low)
    low = re.sub(r"\b(?:the\s+)?(?:very\s+)?(?:first|original|1st)\s+version\b", "version 1", low)
    low = re.sub(r"\brefrain(s?)\b", r"chorus\1", low)  # the song's parts by their other names
    low = re.sub(r"\bmiddle[\s-]+(?:eight|8)\b", "bridge", low)
    low = re.sub(r"\bcoda\b", "outro", low)
    low = re.sub(rf"\b(before|after|between|and)\s+the\s+({_ORD_WORDS})\b(?=\s*(?:[,.;:!?]|$|\s+(?:of|and|or|please|pls|so)\b))",
                 lambda m: f"{m.group(1)} shot {ORDINALS[m.group(2)]}", low)  # 'after the fourteenth': a shot
    low = re.sub(r"\b(verse|chorus)\s+(one|two|three|four)\b", lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2)]}", low)
    low = _NUMBER_SLOT.sub(lambda m: m.group(1) + (m.group(2) or " ") + str(NUMBER_WORDS[m.group(3)]), low)
    low = re.sub(rf"\b({_VERSION_CUE})\s+v\.?\s*(\d+)\b|\bversion\s*#?\s*(\d+)\b",
                 lambda m: f"{m.group(1)} version {m.group(2)}" if m.group(1) else f"version {m.group(3)}", low)
    low = re.sub(rf"\b(\d+\s*{_SEP}\s*)({_NUM})\b", lambda m: m.group(1) + str(NUMBER_WORDS[m.group(2)]), low)
    low = re.sub(rf"\b({_NUM})((?:\s*(?:,|&|and|to|through|thru|-)\s*(?:{_NUM})\b)+)",  # 'nine, ten and eleven'
                 lambda m: re.sub(rf"\b(?:{_NUM})\b", lambda w: str(NUMBER_WORDS[w.group(0)]), m.group(0)), low)
    low = re.sub(r"\b(?:what'?s|whats|what is|whatever'?s|whatever is)\s+(?:in|on)\s+(?=(?:shot\s*)?#?\d)", "shot ", low)
    low = re.sub(r"\bshot\s+shot\b", "shot", low)
    low = re.sub(r"\b(first|last|final|opening|closing)\s+(shot|one)\s+of\s+(?:the\s+)?(?:whole\s+|entire\s+)?"
                 r"(?:song|video|thing|track|clip)\b", r"\1 \2", low)  # 'the last shot of the whole song'  # 'what's in shot 14' -> 'shot 14'
    low = re.sub(r"\bopening\s+(and|&)\s+(?:the\s+)?(?:closing|final)\b", r"first \1 last", low)
    low = re.sub(rf"\b(?:the\s+)?((?:{_ORD}|last|final)(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:{_ORD}|last|final))+)\s+(?:shots|ones)\b",
                 _ordinal_list, low)  # 'the 2nd and 3rd shots' -> 'shots 2 and 3'
    low = re.sub(rf"\b(?:the\s+)?(\d+)(?:st|nd|rd|th)\s+(?:shot|card|one)\b(?!\s+(?:of|in|from)\s+(?:the\s+)?(?:\w+\s+)?"
                 rf"(?:{'|'.join(SECTION_WORDS)}))", r"shot \1", low)  # 'the 12th shot', not 'the 2nd shot of the bridge'
    low = re.sub(rf"\b(first|last|final)\s+({_NUM}|\d+)\b(?!\s+(?:shots?|ones?|cards?|changes?|edits?|things?|steps?|"
                 r"seconds?|secs?|bars?|beats?|times?|versions?|of|or)\b)", r"\1 \2 shots", low)  # 'the last three'
    low = re.sub(r"\bch(?:or)?\.?\s*(\d)\b", r"chorus \1", low)
    low = re.sub(r"\bv(?:s|erse)?\.?\s*(\d)\b", r"verse \1", low)  # 'since v2', 'back to v2': a version, read above
    return low


def _ordinal_list(m: re.Match) -> str:
    said = [w for w in re.split(r"\s*(?:,|and|&)\s*(?:the\s+)?", m.group(1)) if w]
    if all(w in ORDINALS for w in said):
        return "shots " + " and ".join(str(ORDINALS[w]) for w in said)
    return " and ".join(f"shot {ORDINALS[w]}" if w in ORDINALS else "the last shot" for w in said)


def _number_list(text: str) -> list[int]:
    """Numbers named as shots: 'shot 5', 'shots 3-7', 'shots 3, 7 and 9', '#4', '3, 7 and 9', 'make 7 warmer'."""
    out: list[int] = []
    low = normalise(text)
    for m in re.finditer(rf"\b(?:shots?|#|numbers?|cards?)\s*#?\s*(\d+(?:\s*{_SEP}\s*\d+)*)",
                         low):
        out += numbers_said(m.group(1))
    for m in re.finditer(r"#(\d+)", low):
        out.append(int(m.group(1)))
    for m in re.finditer(rf"\b(?:the\s+)?({_ORD})\s+shot\b", low):
        out.append(ORDINALS[m.group(1)])
    for m in re.finditer(r"\bshot\s+(" + "|".join(NUMBER_WORDS) + r")\b", low):
        out.append(NUMBER_WORDS[m.group(1)])
    for m in _VERB_NUMBER.finditer(low):
        out += numbers_said(m.group(1))
    if not out:  # a bare list: "3, 7 and 9", "3-7", or a message that starts with a number: "7 warmer"
        m = re.search(rf"(?<![\w.:])(\d+(?:\s*(?:,|and|&)\s*\d+)+|\d+\s*(?:-|–|to|through|thru)\s*\d+){_NOT_SHOT}", low) \
            or re.match(rf"\s*(\d+){_NOT_SHOT}", low)
        if m:
            out += numbers_said(m.group(1))
    seen: list[int] = []
    for n in out:
        if n not in seen:
            seen.append(n)
    return seen


_LETTER_DET = rf"(?i:each|every|all(?:\s+(?:of\s+)?the)?|both|the|those|these|that|this|other|last|final|opening|closing|{_ORD})"
_LETTER_NOUN = r"(?i:sections?|parts?)"


def letter_mentions(text: str, project: Project) -> str:
    """Letter labels ("A", "B": the analysis names a repeated part with a letter) as 'section b', so
    'darken each B', 'every B section', 'the A sections', 'all the Bs' name those sections. Only a capital
    counts, and "A" (an article) or "I" only with 'section'/'part', a plural, or a determiner before it."""
    letters = {s.label.upper() for s in project.song.sections if len(s.label) == 1 and s.label.isalpha()}
    if not letters:
        return text

    def noun(m: re.Match) -> str:
        det, letter, plural, word = m.group("det"), m.group("l"), m.group("pl"), m.group("noun")
        if letter not in letters or (letter in "AI" and not (det or plural or word.lower().endswith("s"))):
            return m.group(0)
        return (f"{det} " if det else "") + f"section {letter.lower()}"

    def bare(m: re.Match) -> str:
        det, letter, plural = m.group("det"), m.group("l"), m.group("pl")
        if letter not in letters or (letter in "AI" and not (det or plural)):
            return m.group(0)
        if not det and not plural and not _about_a_section(m.string[:m.start()], m.string[m.end():]):
            return m.group(0)  # 'plan B', 'a B movie', 'vitamin B': a letter that names something else
        return (f"{det} " if det else "") + f"section {letter.lower()}"

    head = rf"(?<![\w'’-])(?:(?P<det>{_LETTER_DET})\s+)?(?P<l>[A-Z])(?P<pl>s|'s|’s)?"
    text = re.sub(head + rf"[\s-]+(?P<noun>{_LETTER_NOUN})\b", noun, text)
    text = re.sub(head + r"(?![\w'’-])", bare, text)
    return _spoken_letters(text, project, letters)


_SPOKEN_ORD = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_COMES_BACK = re.compile(r"(?i)\b(?:the\s+)?(?:(?:section|part)\s+that\s+(?:comes\s+back|returns|repeats|keeps\s+coming"
                         r"\s+back)|recurring\s+(?:section|part)|repeated\s+(?:section|part))\b")


def _spoken_letters(text: str, project: Project, letters: set[str]) -> str:
    """The names the director gives letter sections, read back: 'the second section' → 'section b' (as
    reading.section_phrase says 'B'), 'the section that comes back' → the letter sung most often."""
    def ordinal(m: re.Match) -> str:
        letter = chr(ord("A") + _SPOKEN_ORD.index(m.group(2).lower()))
        return f"{m.group(1) or ''}section {letter.lower()}" if letter in letters else m.group(0)

    def comes_back(m: re.Match) -> str:  # 'the return of the first section' → 'the second section a'
        k = 2 if not m.group(1) else _SPOKEN_ORD.index(m.group(1).lower()) + 2
        letter = chr(ord("A") + _SPOKEN_ORD.index(m.group(2).lower()))
        return f"the {_SPOKEN_ORD[k - 1]} section {letter.lower()}" if letter in letters and k <= 8 else m.group(0)

    names = "|".join(_SPOKEN_ORD)
    text = re.sub(rf"(?i)\bthe\s+(?:({names})\s+)?return\s+of\s+the\s+({names})\s+(?:section|part)\b", comes_back, text)
    text = re.sub(rf"(?i)\b(every |each |all |both )?(?:the\s+)?({'|'.join(_SPOKEN_ORD)})\s+(?:section|part)s?\b"
                  r"(?!\s+[a-z]\b)", ordinal, text)
    counts = {x: sum(s.label.upper() == x for s in project.song.sections) for x in letters}
    top = sorted(counts.items(), key=lambda kv: -kv[1])
    if top and top[0][1] > 1 and (len(top) == 1 or top[1][1] < top[0][1]):
        text = _COMES_BACK.sub(f"every section {top[0][0].lower()}", text)
    return text


# words a bare letter follows when it names something else ('plan B', 'vitamin C', 'a B movie')
_LETTER_TAKERS = re.compile(r"(?i)\b(?:plan|vitamin|type|option|grade|class|size|level|model|category|cup|blood|side"
                            r"|track|exhibit|part|a|an|the letter|key|chord|note|in the key of)\s*$")
# what may follow a letter that names a section: the end, a verb, a comparative, 'and', a politeness
_SECTION_FOLLOWS = re.compile(r"(?i)^\s*(?:$|[,.;:!?)—–-]|(?:is|was|should|needs?|feels?|looks?|could|can|has|gets?|must"
                              r"|will|to|and|or|too|a bit|a little|more|less|much|way|please|pls|plz|so|isn'?t|doesn'?t"
                              r"|\w+er)\b)")


def _about_a_section(before: str, after: str) -> bool:
    """A bare capital letter ('make B colder', 'B is too dark') is about a section, unless a word before it
    makes it part of a name ('plan B') or a word after it makes it a kind of thing ('a B movie')."""
    return not _LETTER_TAKERS.search(before) and bool(_SECTION_FOLLOWS.match(after))


# what may join two section names in one request: 'the bridge and the outro', 'verse 1, chorus 2'
_SECTION_JOIN = re.compile(r"(?i)^\s*(?:,\s*)?(?:,|and|&|\+|plus|as well as)\s*(?:the|every|each|both|all(?: the)?)?\s*$")


def _sections(text: str, project: Project) -> tuple[list[int], str] | None:
    """Shots in named sections: 'the first chorus', 'every chorus', 'the bridge', 'verse 2', 'the last verse',
    'section B' (letter labels are read in any case here; `letter_mentions` rewrites 'each B' first). The
    first name in the text counts, with the names joined to it ('the bridge and the outro'); a section
    named only in passing ('make the verse like the chorus') is not a target."""
    low = text.lower()
    original = {}
    for name in [s.label for s in project.song.sections] + [s.section for s in project.shots if s.section]:
        original.setdefault(name.lower(), name)
    mentions: list[tuple[int, int, list[int], str]] = []  # (start, end, shots, name) as found in the text
    for label in sorted(original, key=len, reverse=True):  # 'pre-chorus' before 'chorus'
        plural = rf"{re.escape(label)}(?:e?s)?"
        if len(label) <= 2:  # a letter label ("a", "b") only as "section a" / "part b"
            plural = rf"(?:section|part)\s+{re.escape(label)}"
        bare = re.search(rf"\b{plural}\b", low)
        if not bare:
            continue
        instances = [s for s in project.song.sections if s.label.lower() == label]
        shots, name, problem, said = _one_section(low, label, plural, original[label], instances, project)
        if problem:
            return [], name
        span = said or bare.span()
        mentions.append((*span, shots, name))
        low = low[:span[0]] + " " * (span[1] - span[0]) + low[span[1]:]  # 'chorus' inside 'pre-chorus' is used
    if not mentions:
        return None
    mentions.sort()
    kept = [mentions[0]]
    for m in mentions[1:]:
        if _SECTION_JOIN.match(text[kept[-1][1]:m[0]]):
            kept.append(m)
    if len(kept) == 1:
        return kept[0][2], kept[0][3]
    return sorted({n for m in kept for n in m[2]}), " and ".join(m[3] for m in kept)


def _one_section(low: str, label: str, plural: str, shown_label: str, instances: list,
                 project: Project) -> tuple[list[int], str, bool, tuple[int, int] | None]:
    """The shots of one named section, its name as the reply says it, whether that name is a problem
    (a fourth chorus in a song with three: no shots, the reply instead of the name), and where an
    ordinal or number named the instance ('the first chorus', 'verse 2') in `low`."""
    shown = f"section {shown_label}" if len(label) <= 2 else shown_label
    m = re.search(rf"\b({_ORD}|last|final|opening|closing)\s+{plural}\b", low) or \
        re.search(rf"\b{plural}\s+(\d+|{_NUM})\b", low)
    if m:
        word = str(NUMBER_WORDS[m.group(1)]) if m.group(1) in NUMBER_WORDS else m.group(1)
        idx = (len(instances) if word in ("last", "final", "closing") else
               1 if word == "opening" else int(word) if word.isdigit() else ORDINALS[word])
        if not 1 <= idx <= len(instances):
            if len(label) <= 2:  # 'the song has the first section only once, not 2 times'
                times = {1: "only once", 2: "twice"}.get(len(instances), f"{len(instances)} times")
                return [], say("too_few_letter", name=section_phrase(label.upper()), times=times, n=idx), True, None
            return [], say("too_few_sections", count=len(instances), label=label, n=idx), True, None
        which = [instances[idx - 1]]
        name = f"the {word} {shown}" if not word.isdigit() else f"{shown} {word}"
        if len(label) <= 2:  # as the director names letter sections: 'the return of the first section'
            name = section_phrase(f"{label.upper()} {idx}")
    else:
        which = instances
        name = f"every {shown}" if len(instances) > 1 else f"the {shown}"
        if len(label) <= 2:
            name = section_phrase(label.upper()) + (" (each time)" if len(instances) > 1 else "")
    shots = [n for n, s in enumerate(project.shots, 1)
             if any(sec.start - 1e-3 <= (s.start + s.end) / 2 < sec.end + 1e-3 for sec in which)]
    if not which:
        shots = [n for n, s in enumerate(project.shots, 1) if (s.section or "").lower() == label]
    return shots, name, False, m.span() if m else None


_RELATIVE = re.compile(r"\b(?:the\s+)?(?:one|shot|card|clip)\s+(right\s+|just\s+)?(after|before)\s+(.+?)(?=[,.;!?]|\s+-\s|$)")
_PENULTIMATE = re.compile(r"\b(?:second|2nd|next)[-\s]to[-\s](?:the\s+)?last\s+(?:shot|one|card)\b|\bpenultimate\b")
_EDGE_RUN = re.compile(rf"\b(first|last|final|opening|closing)\s+(\d+|{_NUM}|couple(?:\s+of)?)\s+shots\b")


def resolve(text: str, project: Project, selected_shot: int | None = None) -> Target:
    """The shots a request names; `problem` says what is unclear or does not exist. Several names in one
    request are joined ("shot 5 and the last shot"); a relative one is stepped ("the one after shot 3")."""
    low = normalise(letter_mentions(text, project))
    total = len(project.shots)
    low, problem = shot_in_section(low, project)
    if problem:
        return Target(problem=problem)
    m = _RELATIVE.search(low)
    if m:
        inner = resolve(m.group(3), project, selected_shot)
        if inner.problem or not inner.shots:
            return inner if inner.problem else Target(problem=say("which_one"))
        n = inner.shots[-1] + 1 if m.group(2) == "after" else inner.shots[0] - 1
        if not 1 <= n <= total:
            return Target(problem=say("no_shot", what=f"{m.group(2)} {inner.described}", total=total))
        return Target([n], f"shot {n}")
    named: list[tuple[list[int], str]] = []
    rest = low
    if _PENULTIMATE.search(rest):
        named.append(([total - 1], "the second-to-last shot"))
        rest = _PENULTIMATE.sub(" ", rest)
    for m in _EDGE_RUN.finditer(rest):
        k = int(m.group(2)) if m.group(2).isdigit() else NUMBER_WORDS.get(m.group(2), 2)
        k = max(1, min(k, total))
        first = m.group(1) in ("first", "opening")
        named.append((list(range(1, k + 1)) if first else list(range(total - k + 1, total + 1)),
                      f"the {'first' if first else 'last'} {k} shots"))
    rest = _EDGE_RUN.sub(" ", rest)
    odd = re.search(r"\bshots?\s*#?\s*(\d+\.\d+|-\d+)\b", rest)  # "shot 3.5", "shot -2": no such shot
    if odd:
        return Target(problem=say("no_shot", what=odd.group(1), total=total))
    numbers = _number_list(rest)
    if numbers:
        missing = [n for n in numbers if not 1 <= n <= total]
        if missing:
            what = compact(missing)  # "30-40", not every number of a range past the end
            return Target(problem=say("no_shot", what=what, total=total))
        named.append((numbers, f"shot {numbers[0]}" if len(numbers) == 1 else "shots " + _ranges(numbers)))
    if re.search(r"\b(last|final|closing|very last) shot\b", rest):
        named.append(([total], "the last shot"))
    if re.search(r"\b(opening|very first) shot\b", rest):
        named.append(([1], "the first shot"))
    if named:
        found = _sections(rest, project)
        if found and found[0]:
            named.append(found)
        return _joined(named)
    pointed = re.search(r"\b(this|that|the selected|selected|current|clicked)\s+(shot|card|one|frame|clip)\b|\bthe "
                        r"(?:card|shot) i (?:clicked|selected|picked)\b", low)
    found = None if pointed else _sections(low, project)
    if selected_shot and (pointed or (found is None and re.search(r"\bit\b", low))):
        if not 1 <= selected_shot <= total:
            return Target(problem=say("selected_gone", n=selected_shot, total=total))
        return Target([selected_shot], f"shot {selected_shot}")
    if found is not None:
        shots, name = found
        if not shots:
            return Target(problem=say("not_found", name=name))
        return Target(shots, name)
    if re.search(r"\b(every|all (?:the )?|each|whole (?:video|song|thing)|everything)\s*(shots?)?\b", low):
        if HEDGE.search(low):  # "everything, I guess": the whole video only when the artist is sure
            return Target(problem=say("whole_unsure", what=" and ".join(intents(text)) or "changed"))
        return Target(list(range(1, total + 1)), "every shot")
    if re.search(r"\b(this|that)\s+(shot|card|one)\b", low):
        return Target(problem=say("which_one"))
    absent = re.search(rf"\b({'|'.join(SECTION_WORDS)})(?:e?s)?\b", low)
    if absent:  # a section this song does not have: say which it has rather than guess
        have = ", ".join(dict.fromkeys(section_phrase(s.label) for s in project.song.sections))  # not 'A, B'
        return Target(problem=say("no_section", name=absent.group(1), sections=have))
    return Target()


_SECTION_NAME = (rf"(?:the\s+)?(?:(?:{_ORD}|last|final|opening)\s+)?(?:{'|'.join(SECTION_WORDS)})(?:e?s)?"
                 rf"(?:\s+(?:\d+|{_NUM}))?\b")
_IN_SECTION = re.compile(rf"\b(?:the\s+)?(?:very\s+)?({_ORD}|last|final|opening|closing)\s+(?:shot|one|card)\s+"
                         rf"(?:of|in|from)\s+({_SECTION_NAME})")


def shot_in_section(low: str, project: Project) -> tuple[str, str]:
    """`low` with a shot named by its place in a section ('the last shot of the first chorus', 'the first one in
    the bridge') as 'shot N'; or a problem when the section has no such shot or is not in the song."""
    m = _IN_SECTION.search(low)
    if not m:
        return low, ""
    found = _sections(m.group(2), project)
    if not found or not found[0]:
        return low, found[1] if found else ""
    shots, name = found
    word = m.group(1)
    k = len(shots) if word in ("last", "final", "closing") else 1 if word == "opening" else ORDINALS[word]
    if not 1 <= k <= len(shots):
        return low, f"{name} has {len(shots)} shot{'s' * (len(shots) != 1)}, not a {word} one."
    return low[:m.start()] + f"shot {shots[k - 1]}" + low[m.end():], ""


def _joined(named: list[tuple[list[int], str]]) -> Target:
    shots = sorted({n for numbers, _ in named for n in numbers})
    if len(named) == 1:
        return Target(named[0][0], named[0][1])
    return Target(shots, " and ".join(name for _, name in named))


def _ranges(numbers: list[int]) -> str:
    out, run = [], [numbers[0]]
    for n in numbers[1:]:
        if n == run[-1] + 1:
            run.append(n)
        else:
            out.append(run)
            run = [n]
    out.append(run)
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in out]
    return ", ".join(parts)
