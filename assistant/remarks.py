"""What an interview answer says about the interview itself: a correction ("wait, actually…", "no, I
meant…"), an aside ("before I forget…", "oh and…", "also…"), a move of the last answer ("no, that's
verse two"), a take-back ("scratch that"), and which section or brief field it names. Guided mode acts
on these (assistant.guided) and never writes them into a shot.

    pieces("the chorus is a flooded kitchen. oh and no flags")   # [('answer', '…'), ('aside', 'no flags')]
    named_section("keep it dry in verse two", groups)            # Named(key='verse 2', …)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .reading import ORDINALS, section_phrase
from .walk import SectionGroup

_OPEN = r"^\s*(?:(?:wait|hold on|hmm+|oh|sorry|ok(?:ay)?|um+|uh+|no|nope|so)[\s,.!:;—–-]+)*"
CORRECTION = re.compile(_OPEN + r"(?:actually|no,?\s+i\s+meant|i\s+meant|what\s+i\s+meant\s+(?:is|was)|correction"
                        r"|on second thought|change of plan|let me (?:correct|change) that|i take (?:it|that) back,?)"
                        r"\b[\s,.:;—–-]*(?:(?:no|nope|not that)\b(?=\s*(?:[,.:;!—–-]|$)|\s+(?:it|it'?s|its|that'?s|thats|this|i|i'?m|we"
                        r"|let'?s|forget|make|change|wait)\b)[\s,.:;!—–-]*)?", re.I)  # 'actually no teacups yet' keeps its 'no'
ASIDE = re.compile(r"^\s*(?:(?:before i forget|oh,?\s+and|oh,?\s+also|and also|also|btw|by the way|one more thing"
                   r"|p\.?s\.?)\b[\s,.:;—–-]*)+", re.I)
SCRATCH = re.compile(r"^\s*(?:(?:no|ugh|wait|sorry)[\s,.!]+)?(?:scratch that|forget (?:that|what i (?:just )?said)"
                     r"|ignore (?:that|what i (?:just )?said)|never ?mind(?: that)?|delete that)\b[\s,.!:;—–-]*", re.I)
MOVE = re.compile(r"^\s*(?:no|nope|wait|actually|oops|sorry)?[\s,.!]*(?:that'?s|that is|that was|it'?s|it is|it was"
                  r"|put (?:it|that)|move (?:it|that)|file (?:it|that))\s+(?:for|about|in|under|into|to|as)?\s*"
                  r"(?P<target>[\w' -]{2,40}?)\s*(?:,?\s*not\s+(?:the\s+)?[\w' -]+?)?\s*[.!]*\s*$", re.I)
SECTION_WORDS = {"intro": "intro", "verse": "verse", "pre-chorus": "pre-chorus", "prechorus": "pre-chorus",
                 "chorus": "chorus", "refrain": "chorus", "hook": "chorus", "bridge": "bridge", "middle eight": "bridge",
                 "outro": "outro", "ending": "outro", "coda": "outro", "instrumental": "instrumental",
                 "solo": "instrumental", "break": "instrumental", "breakdown": "instrumental"}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
                "5th": 5, "6th": 6, "last": -1, "final": -1, **{w: i + 1 for i, w in enumerate(ORDINALS)}}
_NUM = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|\d+"
_LABELS = "|".join(sorted((re.escape(w) for w in SECTION_WORDS), key=len, reverse=True))
SECTION_NAME = re.compile(rf"(?i)\b(?:the\s+|that\s+|this\s+)?(?:(?P<ord>{_NUM})\s+)?(?P<label>{_LABELS})(?:e?s)?\b"
                          rf"(?:\s+(?P<num>{_NUM})\b)?")
FIELD_NAMES = {"meaning": "meaning", "what it's about": "meaning", "story": "story", "progression": "story",
               "motifs": "motifs", "images": "motifs", "symbols": "motifs", "feeling": "feeling", "mood": "feeling",
               "vibe": "feeling", "palette": "palette", "colours": "palette", "colors": "palette",
               "why generative": "why_generative", "reason": "why_generative", "constraints": "constraints",
               "rules": "constraints"}
# "no ankles yet", "not the ankles", "without the flags", "don't show the ankles": what the artist takes back
TAKEBACK = re.compile(r"(?i)\b(?:no|not|without|don'?t show|do not show|never|nothing of|lose|drop|cut)\s+"
                      r"(?:(?:the|any|a|an|his|her|their|my|more)\s+)?([a-z][a-z'-]{2,}(?:\s+(?!(?:yet|anymore|here|there"
                      r"|now|then|in|on|at|until|till|before|after|for|please|though|tho|either)\b|[a-z]+ing\b)[a-z][a-z'-]{2,})?)")
# a state the artist asks a section to keep: "keep it dry", "make it quieter", "leave it empty"
KEEP = re.compile(r"(?i)\b(?:keep|make|leave|have)\s+(?:it|that|this|them|everything|the (?:room|house|place))\s+"
                  r"((?:\w+\s+)?\w+)")
FOREIGN = {
    "Spanish": "el la los las es en que de del y un una por para con muy pero como cuando donde su sus yo mi"
               " nosotros ellos está están hay agua casa",
    "French": "le la les est et un une des du dans que qui pour avec très mais comme quand où son ses je nous"
              " ils il elle c'est sur pas",
    "German": "der die das und ist ein eine nicht mit für auf dem den sich ich wir sie es im zu wenn aber wie",
    "Portuguese": "o a os as é e um uma do da dos das em que para com muito mas como quando onde eu nós eles não",
    "Italian": "il lo la gli le è e un una di del della che per con molto ma come quando dove io noi loro non",
    "Dutch": "de het een en van is dat die niet op te in met voor zijn als maar ook er aan bij nog wat zo naar uit"
             " wij ik je hij zij ze we",
    "Polish": "i w z na się nie do to że jest jak po co ale przez pod nad przy od dla już tak tylko ja my oni jej jego"
              " cicho całą całej noc",
    "Swedish": "och i att det som en på är av för med till den har inte om ett men var jag vi de så från över",
}
ENGLISH = set("the a an and of to in is it that with for on at by his her my we they i you this there are was be".split())


@dataclass
class Named:
    key: str | None  # the group key ('verse 2'), None when the song has no such section
    said: str  # the words that named it ('verse two')
    span: tuple[int, int] = (0, 0)


@dataclass
class Piece:
    kind: str  # answer, correction, aside
    text: str  # without its marker
    section: Named | None = None
    takeback: list[str] = field(default_factory=list)
    keep: str = ""


def _ord(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def named_section(text: str, groups: list[SectionGroup]) -> Named | None:
    """The first section the text names, resolved against the song's groups (key None when absent)."""
    m = SECTION_NAME.search(text)
    if not m:
        return None
    label = SECTION_WORDS[m.group("label").lower()]
    n = _ord(m.group("ord")) or _ord(m.group("num"))
    said, span = " ".join(m.group(0).split()), m.span()
    same = [g for g in groups if g.label == label or (label == "instrumental" and not g.lines and g.label not in
                                                       ("intro", "outro"))]
    if not same:
        return Named(None, said, span)
    if n is None:
        return Named(same[0].key, said, span)
    if n == -1:
        return Named(same[-1].key, said, span)
    numbered = next((g for g in same if g.key == f"{label} {n}"), None)
    if numbered:
        return Named(numbered.key, said, span)
    sections = [(g, s) for g in groups for s in g.sections if g in same]
    sections.sort(key=lambda x: x[1].start)
    return Named(sections[n - 1][0].key, said, span) if 0 < n <= len(sections) else Named(None, said, span)


def named_field(text: str) -> str | None:
    m = re.search(rf"(?i)\b(?:the|my)\s+({'|'.join(sorted(FIELD_NAMES, key=len, reverse=True))})\b", text)
    return FIELD_NAMES[m.group(1).lower()] if m else None


def pieces(text: str) -> list[Piece]:
    """The message cut where a correction or an aside starts a sentence; the part before is the answer."""
    sentences = re.split(r"(?<=[.!?;…])\s+|\s+[—–]\s+|\n+", text.strip())
    out: list[Piece] = []
    for s in sentences:
        if not s.strip():
            continue
        c, a = CORRECTION.match(s), ASIDE.match(s)
        if c and c.end() == len(s) and not out:  # 'Actually no' — the correction itself follows
            out.append(Piece("correction", ""))
            continue
        if c and c.end() < len(s):
            out.append(Piece("correction", s[c.end():].strip()))
        elif a and a.end() < len(s):
            out.append(Piece("aside", s[a.end():].strip()))
        elif out:
            out[-1].text = f"{out[-1].text} {s}".strip()  # a following sentence belongs to the piece before
        else:
            out.append(Piece("answer", s.strip()))
    return [p for p in out if p.text]


def read(piece: Piece, groups: list[SectionGroup]) -> Piece:
    """The section a piece names, what it takes back and what state it keeps, with those words taken out."""
    piece.section = named_section(piece.text, groups)
    piece.takeback = [t.lower() for t in TAKEBACK.findall(piece.text) if t.lower() not in ("one", "way", "idea")]
    keep = KEEP.search(piece.text)
    piece.keep = re.sub(r"(?i)\s+(?:in|for|on)$", "", keep.group(1)).strip() if keep else ""
    if piece.keep and SECTION_NAME.fullmatch(piece.keep):
        piece.keep = ""
    return piece


MANNER = re.compile(r"(?i)(?:the\s+)?(?:whole|entire)\s+(?:way|time|thing|song|section)(?:\s+through)?|all\s+the\s+way"
                    r"(?:\s+through)?|throughout|(?:very|really|nice and)\s+(?:slow|slowly|fast|quick|quickly)")


def scene_of(piece: Piece) -> str:
    """What is left to picture once the instruction words are out: 'change the second verse - no ankles yet.
    keep it dry in verse two' → ''; 'make the chorus a flooded kitchen' → 'a flooded kitchen'."""
    text = piece.text
    text = re.sub(rf"(?i)\b(?:change|fix|redo|rewrite|for|in|on|about|during)?\s*{SECTION_NAME.pattern[4:]}"
                  r"(?:\s+(?:in|at|towards?)\s+the\s+(?:middle|end|start|beginning))?"  # 'the instrumental in the middle is …'
                  r"(?:\s+(?:should be|is|will be|becomes|has|shows))?(?:\s+(?:just|only|simply))?[\s,:;—–-]*", " ", text)
    text = TAKEBACK.sub(" ", text)
    text = KEEP.sub(" ", text)
    text = re.sub(r"(?i)\b(?:(?:that'?s|thats|it'?s|its|that comes|it comes|save (?:it|that) for)\s+)?later\b", " ", text)
    text = re.sub(r"(?i)\b(?:yet|anymore|any more|please|instead|then|though|tho|there|ok|so)\b", " ", text)
    text = re.sub(r"(?i)^\s*(?:make it|make that|it'?s|it should be|should be|i want|let'?s have|have)\s+", "", text)
    text = re.sub(r"\s*[.,;:!…—–-]+(?:\s*[.,;:!…—–-]+)*\s*", ". ", text)
    # how it is played, not what we see: 'slow', 'the whole way through'
    text = ". ".join(x for x in text.split(". ") if len(x.split()) >= 2 and not MANNER.fullmatch(x.strip(" .")))
    words = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in ENGLISH]
    return text.strip(" .") if len(words) >= 2 else ""


def move_target(text: str, groups: list[SectionGroup]) -> tuple[str, Named | str] | None:
    """'no, that's verse two' → ('section', Named), 'no, that's the story' → ('field', 'story'); else None."""
    m = MOVE.match(text)
    if not m or len(text.split()) > 10:
        return None
    target = m.group("target")
    named = named_section(target, groups)
    if named and named.span[0] <= 4:
        return "section", named
    fld = named_field("the " + re.sub(r"(?i)^(?:the|my)\s+", "", target))
    return ("field", fld) if fld else None


def language_of(text: str) -> str | None:
    """The language an answer is in when it is plainly not English ('el agua sube en cada verso' → 'Spanish')."""
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    if len(words) < 4:
        return None
    english = sum(w in ENGLISH for w in words)
    scores = {lang: sum(w in set(ws.split()) for w in words) for lang, ws in FOREIGN.items()}
    lang, best = max(scores.items(), key=lambda x: x[1])
    if best >= 2 and best > 2 * english:
        return lang
    accented = sum(bool(re.search(r"[^\x00-\x7f]", w)) for w in words)  # 'łódka śpi pod wierzbami': a language we
    return "another language" if english <= 1 and accented * 4 >= len(words) else None  # have no word list for


def where_line(target: str) -> str:
    """A filing target said as a sentence names it: 'section:verse 2' → 'the second verse'."""
    if target.startswith("section:"):
        return section_phrase(target.split(":", 1)[1])
    from .interview import topic_name

    return topic_name(target)
