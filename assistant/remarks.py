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

_OPEN_WORDS = r"(?:(?:wait|hold on|hang on|hmm+|oh|sorry|ok(?:ay)?|um+|uh+|no|nope|so)[\s,.!:;—–-]*)+"
_OPEN = r"^\s*(?:(?:wait|hold on|hmm+|oh|sorry|ok(?:ay)?|um+|uh+|no|nope|so)[\s,.!:;—–-]+)*"
CORRECTION = re.compile(_OPEN + r"(?:actually|no,?\s+i\s+meant|i\s+meant|what\s+i\s+meant\s+(?:is|was)|correction"
                        r"|on second thought|change of plan|let me (?:correct|change) that|i take (?:it|that) back,?)"
                        r"\b[\s,.:;—–-]*(?:(?:no|nope|not that)\b(?=\s*(?:[,.:;!—–-]|$)|\s+(?:it|it'?s|its|that'?s|thats|this|i|i'?m|we"
                        r"|let'?s|forget|make|change|wait)\b)[\s,.:;!—–-]*)?", re.I)  # 'actually no teacups yet' keeps its 'no'
ASIDE = re.compile(r"^\s*(?:(?:before i forget|oh,?\s+and|oh,?\s+also|and also|also|btw|by the way|one more thing"
                   r"|p\.?s\.?)\b[\s,.:;—–-]*)+", re.I)
HELD = re.compile(r"(?i)^\s*(?:(?:no|oh|ok(?:ay)?|sorry)[,.!]?\s+)?(?:wait|hold on|hang on)[\s,.!:;—–-]+")
# 'here:', 'for this part:', 'this one -': what follows answers the question asked, after a correction of another part
# ("no wait, for the first verse she's a teenager. for this part: a kettle boiling over")
THIS_PART = re.compile(r"(?i)^\s*(?:(?:and|but|so|now)\s+)?(?:(?:(?:for|in)\s+)?(?:this|the current)\s+(?:part|one|bit|section"
                       r"|question)|here)\s*[:,—–-]+\s*")
SCRATCH = re.compile(r"^\s*(?:(?:no|ugh|wait|hold on|sorry|oh)[\s,.!]+)*(?:scratch (?:that|this)|forget (?:that|this"
                     r"|what i (?:just )?said)|ignore (?:that|what i (?:just )?said)|never ?mind(?: that)?|delete that)"
                     r"(?:\s+(?:last\s+)?(?:bit|part|one|line|sentence))?\b[\s,.!:;—–-]*", re.I)
# a correction, an aside or a take-back said mid-sentence, after what it corrects: "… by the door, wait, actually
# …", "… out of habit, oh and before i forget the outro …", "…, scratch that last bit, …", "… but no wait, scratch
# that, …": the answer is cut there (a 'wait' that is a verb, 'wait for me', is not a marker)
_HOLD = r"(?:wait|hold on|hang on)(?=\s*[,.!:;—–-]|\s+(?:actually|no|sorry|scratch|forget|never)\b)"
_MARKER = (rf"(?:(?:no|oh|ok(?:ay)?|sorry)[,.!]?\s+)?(?:{_HOLD}|actually,?\s+no\b|on second thought\b|(?:no|sorry),?\s+i\s+meant\b"
           r"|scratch (?:that|this)\b|forget (?:that|what i (?:just )?said)\b|never ?mind that\b|oh,?\s+(?:and|also)\b"
           r"|before i forget\b|by the way\b|btw\b|one more thing\b)")
HELD_OPEN = re.compile(rf"(?i)^\s*(?:(?:no|oh|ok(?:ay)?|sorry)[,.!]?\s+)?{_HOLD}[\s,.!:;—–-]*")  # 'wait for me' is not one
INNER = re.compile(rf"(?i)(?:\s*[,;:…]+\s*|\s+[-—–]+\s+|(?<!\boh)(?<!\bno)\s+(?:but|and|so)\s+|\s+)(?={_MARKER})")
# what a correction swaps out: 'scratch the boots - its his jacket on the hook', 'swap the boots for his jacket',
# 'his jacket instead of the boots', 'not the boots, his jacket'
_THING = r"(?:(?:the|a|an|his|her|their|my|our|your|its|that|those|these)\s+)?(?P<old>[a-z][a-z'-]{2,}(?:\s+[a-z][a-z'-]{2,})?)"
SWAP = [re.compile(rf"(?i)(?:\b(?:scratch|ditch|forget|drop|lose|remove|cut)|^\s*not)\s+{_THING}\b(?P<new>[\s,;:—–-]+.*)?$"),
        re.compile(rf"(?i)\b(?:swap|replace|change)\s+{_THING}\s+(?:for|with|to|into)\s+(?P<new>.+)$"),
        re.compile(rf"(?i)^(?P<new>.+?)[\s,]+(?:instead of|rather than)\s+{_THING}\s*$"),
        re.compile(rf"(?i)\b(?:instead of|rather than)\s+{_THING}\b(?P<new>[\s,;:—–-]+.*)?$")]
SWAP_CHARS = 300  # a correction that swaps one thing for another is a sentence, never a paste
_NEW_LEAD = re.compile(r"(?i)^[\s,;:.—–-]*(?:(?:but|just|only|and)\s+)*(?:it'?s|its|it is|it should be|make it|use|go with"
                       r"|we see|there'?s|have)?\s*")
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
    swap: tuple[str, str] | None = None  # (what it names, what replaces it; '' to drop it): 'scratch the boots - …'
    edited: bool = False  # an answer cut by a take-back inside it ('…, scratch that last bit, …')


def _ord(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def named_section(text: str, groups: list[SectionGroup]) -> Named | None:
    """The first section the text names, resolved against the song's groups (key None when absent)."""
    m = next((m for m in SECTION_NAME.finditer(text) if not _a_thing(text, m)), None)
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


# words that name a part of a song and a thing too: 'his jacket on the hook', 'a break in the clouds'
_THING_TOO = {"hook", "break", "ending", "solo", "refrain"}


def _a_thing(text: str, m: re.Match[str]) -> bool:
    """True when a part's name is a thing here: 'on the hook', 'a break', 'his solo' (not 'the hook', 'in the break')."""
    if m.group("label").lower() not in _THING_TOO or m.group("ord") or m.group("num"):
        return False
    before = text[:m.start()].split()[-2:]
    return bool(before) and (before[-1].lower() in ("a", "an", "his", "her", "my", "their", "our", "its", "your", "happy",
                                                     "sad", "lucky", "no")
                             or (m.group(0).lower().startswith("the") and before[-1].lower() in (
                                 "on", "off", "from", "onto", "by", "under", "of", "at", "to")))


# 'the stairs go in the second verse', 'the boats belong in the chorus': a thing sent to another part
_GOES = re.compile(r"(?i)^\s*(?:and\s+|but\s+)?(?P<thing>(?:(?:the|a|an|his|her|their|my|our)\s+)?[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)"
                   r"\s+(?:go|goes|belong|belongs|move|moves|are for|is for|come|comes|can go|should go|will go)"
                   r"(?:\s+(?:in|into|to|for|at|later|instead))*\s*$")


def sent_elsewhere(text: str, first: Named, groups: list[SectionGroup]) -> tuple[str, list[tuple[str, Named]]]:
    """A correction of one part that sends a thing to another: 'the first verse is her reading his letters, the
    stairs go in the second verse' → ('the first verse is her reading his letters', [('stairs', Named(verse 2))]):
    the clauses that send a thing elsewhere, taken out of the text."""
    kept, sent = [], []
    for clause in re.split(r"(?<=[,;.])\s+|\s+(?:and|but)\s+(?=(?:the|a|an|his|her|their|my|our)\s)", text):
        named = next((m for m in SECTION_NAME.finditer(clause) if not _a_thing(clause, m)), None)
        other = named_section(clause, groups) if named else None
        goes = _GOES.match(clause[:named.start()] + clause[named.end():]) if named else None
        if other and other.key and other.key != first.key and goes and kept:
            sent.append((re.sub(r"(?i)^(?:the|a|an|his|her|their|my|our)\s+", "", goes.group("thing")).lower(), other))
        else:
            kept.append(clause)
    return " ".join(kept).strip(" ,;"), sent


def named_field(text: str) -> str | None:
    m = re.search(rf"(?i)\b(?:the|my)\s+({'|'.join(sorted(FIELD_NAMES, key=len, reverse=True))})\b", text)
    return FIELD_NAMES[m.group(1).lower()] if m else None


def pieces(text: str) -> list[Piece]:
    """The message cut where a correction or an aside starts, at a sentence or inside one ("…, wait, actually
    …", "…, oh and before i forget …"); the part before is the answer. A take-back inside the message ("…,
    scratch that last bit, …") drops the clause before it there and then."""
    sentences = re.split(r"(?<=[.!?;…])\s+|\s+[—–]\s+|\n+", text.strip())
    out: list[Piece] = []
    cut = [x for sentence in sentences for x in INNER.split(sentence)]
    for i in range(len(cut) - 1, 0, -1):  # 'wait' | 'actually no - …': an interjection opens the piece after it
        if re.fullmatch(rf"(?i)\s*(?:{_OPEN_WORDS}|(?:and|also|but)\b[\s,]*)+", cut[i - 1]):
            cut[i - 1:i + 1] = [f"{cut[i - 1]} {cut[i]}"]
    for s in cut:
        if not s.strip():
            continue
        scratch = SCRATCH.match(s)
        if scratch and out and out[-1].text:
            out[-1].text, out[-1].edited = _without_last_clause(out[-1].text), True
            s = s[scratch.end():]
            if not s.strip():
                continue
        c, a = CORRECTION.match(s), ASIDE.match(s)
        if not c and out:  # '…, no wait, swap the boots for …': a hold said mid-answer opens a correction
            c = HELD.match(s)
        if not c and not out and SECTION_NAME.search(s):  # 'no wait, for the first verse …': a part corrected
            c = HELD_OPEN.match(s)
        here = THIS_PART.match(s) if out and out[-1].kind != "answer" else None
        if here and here.end() < len(s):
            out.append(Piece("answer", s[here.end():].strip()))
            continue
        if c and c.end() == len(s) and not out:  # 'Actually no' — the correction itself follows
            out.append(Piece("correction", ""))
            continue
        if c and c.end() < len(s):
            out.append(Piece("correction", s[c.end():].strip()))
        elif a and a.end() < len(s):
            out.append(Piece("aside", s[a.end():].strip()))
        elif out:
            out[-1].text = f"{out[-1].text.rstrip(' ,')}{', ' if scratch else ' '}{s.strip()}".strip(" ,")
        else:
            out.append(Piece("answer", s.strip(), edited=bool(scratch)))
    return [p for p in out if p.text or p.edited]


_CLAUSE_CUT = re.compile(r"(?i)\s*[,;]\s+(?:(?:and|but|then)\s+)?|\s+[-—–]+\s+|\s+(?:and|but|while|then|with)\s+")


def _without_last_clause(text: str) -> str:
    """'the kebab shop glowing like a church and them counting coins for chips' → 'the kebab shop glowing like
    a church': what "scratch that last bit" takes back ('' when the text is one clause)."""
    cuts = list(_CLAUSE_CUT.finditer(text.strip(" ,.")))
    return text[:cuts[-1].start()].strip(" ,") if cuts else ""


def swap_of(text: str) -> tuple[str, str] | None:
    """What a correction swaps: 'scratch the boots - its his jacket on the hook' → ('boots', 'his jacket on the
    hook'); 'drop the candles' → ('candles', ''); None when it names nothing to swap."""
    if len(text) > SWAP_CHARS:
        return None
    for pattern in SWAP:
        m = pattern.search(text.strip(" .!"))
        if m and m.group("old").lower() not in ("one", "way", "idea", "that", "this", "last"):
            old = re.sub(r"(?i)\s+(?:yet|anymore|now|then|please|pls|though|tho)$", "", m.group("old"))
            new = _NEW_LEAD.sub("", m.group("new") or "", count=1).strip(" .,;")
            return old.lower(), new
    return None


def swapped(text: str, old: str, new: str) -> str:
    """`text` with the phrase that names `old` said as `new`: ('she keeps his boots by the door', 'boots', 'his
    jacket on the hook') → 'she keeps his jacket on the hook'; the clause that names it dropped when `new` is '';
    `text` unchanged when it does not name it."""
    m = re.search(rf"(?i)\b{re.escape(old)}(?:e?s)?\b", text) or \
        re.search(rf"(?i)\b{re.escape(old.split()[-1])}(?:e?s)?\b", text)
    if not m:
        return text
    before = [x.end() for x in _CLAUSE_CUT.finditer(text[:m.start()])]
    c0 = before[-1] if before else 0
    after = _CLAUSE_CUT.search(text, m.end())
    c1 = after.start() if after else len(text)
    if not new:  # the clause goes, with the cut before it (or, first in the text, the one after it)
        cuts = list(_CLAUSE_CUT.finditer(text[:m.start()]))
        if cuts:
            return f"{text[:cuts[-1].start()]}{text[c1:]}".strip(" ,")
        return text[after.end():].strip(" ,") if after else ""
    if re.match(r"(?i)(?:she|he|they|we|i|you|it|there)\b", new) or re.search(r"(?i)\b(?:is|are|was|were)\b", new):
        return f"{text[:c0]}{new}{text[c1:]}"  # a clause of its own ('she hangs his jacket up') replaces the clause
    det = re.search(r"(?i)\b(?:the|a|an|his|her|their|my|our|your|its|some|this|that|these|those)\s+(?:[\w'-]+\s+){0,2}$",
                    text[c0:m.start()])
    start = c0 + det.start() if det else m.start()
    placed = re.search(r"(?i)\b(?:on|in|at|by|under|over|beside|near|against|from|with|inside|behind|outside)\b", new)
    return f"{text[:start]}{new}{text[c1 if placed else m.end():]}"


def read(piece: Piece, groups: list[SectionGroup]) -> Piece:
    """The section a piece names, what it takes back and what state it keeps, with those words taken out."""
    piece.section = named_section(piece.text, groups)
    piece.swap = swap_of(piece.text) if piece.kind == "correction" and not piece.section else None
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
