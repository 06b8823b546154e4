"""Understanding the artist's answers: which topic an answer is about, whatever question was asked.

Explicit labels win ("Feeling: aching. Constraints: 16:9"), several in one message; an unlabelled
answer is compared with topic descriptions (prompts/guided/topics.yaml) by MiniLM, helped by a few
cues (an aspect ratio is a constraint) and by the question that was asked. When two topics stay
close, the caller asks one short confirming question. Filler ("idk", "happy i guess") is recognised
and never filed as material.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from .arc import arc_of
from .prompts import load_yaml
from .spelling import spelled

TOPICS = ("meaning", "story", "motifs", "feeling", "why_generative", "constraints")  # asked in this order
ASKED_PRIOR = 0.10  # the question asked is the likeliest topic of its answer
OVERRIDE_MARGIN = 0.07  # another topic must beat the asked one by this much to take the answer
AMBIGUOUS_MARGIN = 0.035  # with no question asked, closer than this is ambiguous
MAX_FIELD_CHARS = 2000  # a brief field keeps this much of a very long answer (the chat keeps it all)

CUES: dict[str, tuple[str, float]] = {
    "constraints": (r"\b\d{1,2}\s*:\s*\d{1,2}\b|\bfps\b|frames? per second|\baspect\b|\bvertical\b|\bportrait\b"
                    r"|\bsquare\b|\bwidescreen\b|\b\d{3,4}\s*[x×]\s*\d{3,4}\b|\bmust not\b|\bno (?:text|logos?|faces"
                    r"|close[- ]?ups?|brands?|nudity|violence|blood|gore|words|people|humans|actors|guns|weapons|kids|children"
                    r"|smoking|drugs)\b|\b(?:don'?t|do not|never) (?:show|put|use|include|have)\b|\bkeep it (?:pg|clean|safe)"
                    r"|\bfor (?:tiktok|insta\w*|reels|youtube|shorts)\b|\bformat\b", 0.25),
    "why_generative": (r"\bcameras?\b|\bfilm(?:ed)?\b|\bshoot\b|\bshot on\b|generat|\bai\b|\bcheap|\bbudget"
                       r"|\bimpossible\b|can'?t be (?:built|shot|filmed)|no (?:crew|location)", 0.12),
    "meaning": (r"\babout\b|\bmeans?\b|\bmeaning\b", 0.06),
    "story": (r"\bwho\b|\bthen\b|\buntil\b|\bby the end\b|\bfinally\b|\bstarts?\b|\bends?\b|\bfollows?\b", 0.04),
}
# words of mood, colour and light: each one found adds FEELING_STEP, up to three
FEELING_WORDS = (r"\bpalette\b|\bcolou?rs?\b|\blight(?:ing)?\b|\bmood\w*|\bfeel|\bmelanchol|\btender|\bsad\b|\bhappy"
                 r"|\bjoy|\bangry|\bdreamy|\blonely|\bnostalg|\beuphori|\bcalm|\bache|\baching|\bwarm\b|\bcold\b"
                 r"|\bdark\b|\bbright\b|\bblue\b|\bgr[ae]y\b|\bgloomy|\beerie|\btense|\bdread|\bsoft\b|\bharsh\b"
                 r"|\bhazy|\bneon\b|\bnumb\b|\bgiddy|\bbittersweet|\bhypnotic|\bclaustrophobic|\brestless|\bsweaty")
FEELING_STEP = 0.04
# a clause that forbids something: "no gore tho", "also no swastikas", "dont put any people in it"
PROHIBITION = (r"\s*(?:(?:also|and|oh|plus|btw|obviously|but|ok|so|please|pls|maybe|perhaps|probably|just)[,\s]+)*"
               r"(?:no\s+(?!\w+\s+(?:does|do|did|can|could|will|would|is|are|was|were|has|have)\b)(?!one\b|way\b|camera|crew\b|"
               r"location|budget\b|idea\b|clue\b|matter\b|longer\b|more\b)\w|never (?:show|use|put|have|include)\b"
               r"|avoid\b|(?:please\s+|pls\s+)?(?:don'?t|do not) (?:show|put|use|include|want|have)\b|keep it (?:pg|clean|safe)\b"
               r"|nothing (?:violent|gory|explicit|sexual|religious|political)\b)")
# an answer that opens by saying what it is about: "it's about the house being sold", "the song is really about …"
MEANING_OPEN = (r"^\s*(?:(?:it|this|the song|this song|the video|the whole thing)(?:'s|’s|\s+is|(?<=it)s)\s+(?:(?:really|actually|all"
                r"|mostly|kind of|just)\s+)?about\b|about\b)")
# a clause that sets the format: "it has to be 16:9", "25fps", "vertical for tiktok"
FORMAT = (r"\b\d{1,2}\s*:\s*\d{1,2}\b|\bfps\b|\d\s*fps\b|frames? per second|\baspect\b|\bvertical\b|\bportrait\b|\bsquare\b"
          r"|\bwidescreen\b|\b\d{3,4}\s*[x×]\s*\d{3,4}\b|\bfor (?:tiktok|insta\w*|reels|youtube|shorts)\b")
# a clause about how it should feel or look: "we wanted the video to feel like an old reel"
FEELING_CLAUSE = (r"\b(?:to|should|must|would|it'?d|it will|gonna) (?:feel|look)\b|\bfeel(?:s|ing)? like\b"
                  r"|^\s*(?:(?:and|also|but|plus)\s+)?(?:the\s+)?(?:vibe|mood|tone|palette|colou?rs?|lighting|light)\b")
# a person doing something, verse by verse: the shape of a story
STORY_SHAPE = (r"^\s*(?:a|an|the|one)\s+\w+(?:\s+\w+)?\s+(?:who\s+)?(?!is\b|was\b|has\b|does\b)\w+s\b"
               r"|^\s*(?:a|an|the|one)\s+(?:\w+\s+)?\w+\s+whose\s+\w+(?:\s+\w+)?\s+\w+s\b|\b(?:each|every|first|second|next) verse\b"
               r"|\blast chorus\b|\bby the (?:last|end|final)\b|\bin the end\b", 0.08)


# a sentence that only announces what follows: "I picture it like this.", "Here goes:", "Ok so, picture this:"
LEAD_IN = re.compile(r"(?i)^\s*(?:[\w',]+\s+){0,6}?(?:like this|as follows|here goes|picture this|imagine this)\s*[.:!]+\s+(?=\S)")


TASK_WORDS = 16  # a hello about the job is short; a longer message says something of the song


def is_lead_in(text: str) -> bool:
    """'I picture it like this.' sent on its own: the answer is still to come."""
    return bool(LEAD_IN.match(text.strip() + " ¶")) and not LEAD_IN.sub("", text.strip() + " ¶", count=1).strip(" ¶")


def strip_lead_in(text: str) -> str:
    """The answer without a sentence that only announces it: 'I picture it like this. A fox …' → 'A fox …'."""
    out = LEAD_IN.sub("", text, count=1)
    return out if out.strip() else text


# words said before a label or as a whole message that carry nothing: "uhh motifs: …", "ok so"
INTERJECTION = (r"(?:so|well|ok|okay|right|oh|ah|um+|uh+|e[rh]+m*|hmm+|honestly|basically|and|also|plus|btw|anyway"
                r"|hey|hi|hello|yo|alright|sure|cool|lol)")


@dataclass
class Filing:
    """How one message is filed: labelled or classified parts, or a question to ask first."""

    parts: list[tuple[str, str]] = field(default_factory=list)  # (topic or "palette", text)
    confirm: tuple[str, str] | None = None  # two topics to choose between
    filler: bool = False
    delegated: bool = False

    @property
    def topics(self) -> set[str]:
        return {"feeling" if t == "palette" else t for t, _ in self.parts}


@functools.cache
def _topics() -> dict:
    return load_yaml("guided/topics.yaml")


@functools.cache
def _filler() -> dict:
    return load_yaml("guided/filler.yaml")


def topic_name(topic: str) -> str:
    return _topics().get(topic, {}).get("name", topic.replace("_", " "))


def topic_names(topics: set[str]) -> str:
    """'the feeling, the story and the constraints', in interview order."""
    names = [topic_name(t) for t in TOPICS if t in topics] + [topic_name(t) for t in sorted(topics - set(TOPICS))]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@functools.cache
def _label_pattern() -> re.Pattern[str]:
    labels = sorted({(lab, t) for t, spec in _topics().items() for lab in spec["labels"]}, key=lambda x: -len(x[0]))
    alternation = "|".join(re.escape(lab).replace(r"\ ", r"\s+").replace("'", "['’]?") for lab, _ in labels)
    # "Feeling: x", "feeling - x", "meaning = x", "why gen? x", "story wise x", "Feeling:x", "Images — x"
    sep = r"(?:\s+is\s+this)?(?:\s*[:=]\s*|\s*\?\s+|\s+[-—–]+\s+|\s*[—–]\s*|\s+(?:is|are|would be|goes)(?:\s*:\s*|\s+)(?!about\b))"
    return re.compile(rf"(?i)\b(?:the\s+|my\s+)?({alternation})(?:[-\s]?wise\b[\s:,-]*|{sep})")


def _label_topic(label: str) -> str:
    key = " ".join(label.lower().replace("’", "'").split())
    for topic, spec in _topics().items():
        if key in [x.lower() for x in spec["labels"]] or key.replace("'", "") in [x.lower().replace("'", "") for x in spec["labels"]]:
            return topic
    return "meaning"


@functools.cache
def _label_words() -> tuple[str, ...]:
    return tuple(lab.lower() for spec in _topics().values() for lab in spec["labels"] if " " not in lab and len(lab) >= 4)


def _mended_labels(text: str) -> str:
    """A mistyped label before a colon ("motfis:", "Feelign:", "constriants -") read as the label it misspells."""
    import difflib

    def mend(m: re.Match[str]) -> str:
        word = m.group(2)
        if word.lower() in _label_words():
            return m.group(0)
        close = difflib.get_close_matches(word.lower(), _label_words(), n=1, cutoff=0.8)
        return m.group(1) + (close[0] if close else word) + m.group(3)

    return re.sub(r"(^|[.!?;\n]\s*)([A-Za-z]{4,})(\s*(?::|\s[-—–]\s))", mend, text)


def labelled_parts(text: str) -> list[tuple[str | None, str]]:
    """Split a message at its topic labels: [(topic, text)], a leading unlabelled part as (None, text).
    A label counts at the start of the message or of a sentence, line or clause."""
    text = _mended_labels(text)
    marks = []
    for m in _label_pattern().finditer(text):
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".;!?\n|" or text[m.start() - 1 : m.start()] == "\n" or \
                re.fullmatch(rf"(?i)(?:{INTERJECTION}[,.!?]?\s*)+", before):
            marks.append(m)
    if not marks:
        return [(None, text.strip())]
    parts: list[tuple[str | None, str]] = []
    head = text[: marks[0].start()].strip(" \n.;")
    if head:
        parts.append((None, head))
    for m, nxt in zip(marks, [*marks[1:], None]):
        body = text[m.end() : nxt.start() if nxt else len(text)].strip(" \n;-—–")
        if body:
            parts.append((_label_topic(m.group(1)), body))
    return parts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+|[^\W\d_]+", text.lower().replace("’", "'"))


def is_delegation(text: str) -> bool:
    low = " ".join(_words(spelled(text)))  # 'u pick', 'ur call': the words written out
    return len(low.split()) <= 8 and any(re.search(rf"\b{re.escape(p)}\b", low) for p in _filler()["delegate"])


def is_filler(text: str) -> bool:
    """True for answers with no material: 'idk', 'nothing special really', 'happy i guess'."""
    words = _words(text)
    if not words:
        return True
    if len(words) > 8:
        return False
    low = " ".join(words)
    hedged = any(re.search(rf"\b{re.escape(p)}\b", low) for p in _filler()["phrases"])
    content = [w for w in words if w not in set(_filler()["words"]) and len(w) > 1]  # 'x', 'k': a key, not a word
    return not content or (hedged and len(content) <= 1)


@functools.cache
def _example_bank() -> tuple[list[str], np.ndarray]:
    from . import critic

    owners, texts = [], []
    for topic, spec in _topics().items():
        if topic == "palette":
            continue
        for example in spec["examples"]:
            owners.append(topic)
            texts.append(example)
    return owners, critic.embed(texts)


def topic_scores(text: str, asked: str | None = None) -> dict[str, float]:
    """Similarity of the answer to each topic, with cues and the asked question's prior."""
    from . import critic

    text = spelled(text)  # 'abt two skaters' is about two skaters
    owners, bank = _example_bank()
    sims = bank @ critic.embed([text[:1000]])[0]
    scores = {t: -1.0 for t in TOPICS}
    for owner, sim in zip(owners, sims):
        scores[owner] = max(scores[owner], float(sim))
    low = text.lower()
    for topic, (pattern, bonus) in [*CUES.items(), ("story", STORY_SHAPE)]:
        if re.search(pattern, low):
            scores[topic] += bonus
    if re.match(PROHIBITION, low):
        scores["constraints"] += 0.15  # an answer that opens by forbidding something
    if says_what_it_is_about(low):
        scores["meaning"] += 0.12  # an answer that opens by saying what it is about
    moods = len(re.findall(FEELING_WORDS, low))
    scores["feeling"] += FEELING_STEP * min(3, moods)
    items = [p for p in re.split(r"[;\n]|,(?![^()]*\))", text) if p.strip()]
    if len(items) >= 2 and all(len(p.split()) <= 7 for p in items) and not re.search(CUES["constraints"][0], low) \
            and moods < 2:
        scores["motifs"] += 0.08  # a short list of things (not a list of moods)
    if asked in scores:
        scores[asked] += ASKED_PRIOR
    return scores


def says_what_it_is_about(text: str) -> bool:
    """'it's about the house being sold', 'abt two skaters', 'the song is really about …': a meaning, said as one."""
    return bool(re.match(MEANING_OPEN, spelled(text).lower()))


def classify(text: str, asked: str | None = None) -> tuple[str, tuple[str, str] | None]:
    """(topic, None) when clear; (best, (best, other)) when a confirming question is needed."""
    scores = topic_scores(text, asked)
    ranked = sorted(scores, key=scores.get, reverse=True)
    best, second = ranked[0], ranked[1]
    if asked in scores:
        if best == asked or scores[best] - scores[asked] >= OVERRIDE_MARGIN:
            return best, None
        return best, (best, asked)
    if scores[best] - scores[second] < AMBIGUOUS_MARGIN:
        return best, (best, second)
    return best, None


def split_topics(text: str) -> list[tuple[str | None, str]]:
    """A run-on answer that also states rules or a look ("it's about X and we want it to feel like Y, no
    gore tho and it has to be 16:9"): the constraint and feeling clauses come out as their own parts;
    the rest stays one part (None) to be classified. A message that is all one kind stays whole."""
    pieces = [p for p in re.split(r"(?<=[.!?])\s+|\s*;\s*|,\s+|\s+(?:and|but|tho|though)\s+(?=\S)", text)
              if p.strip() and not is_greeting(p)]
    if len(pieces) < 2:
        return [(None, text)]
    progression = arc_of(text) is not None  # 'the colour drains out as it goes. deep red -> pink': one story
    kinds = []
    for p in pieces:
        low = p.lower()
        kinds.append("constraints" if re.match(PROHIBITION, low) or re.search(FORMAT, low)
                     else "feeling" if re.search(FEELING_CLAUSE, low) and not progression else None)
    for j in range(1, len(pieces)):  # a short aside after a rule explains it: "no clowns, it's been done to death"
        if kinds[j] is None and kinds[j - 1] and len(pieces[j].split()) < 6:
            kinds[j] = kinds[j - 1]
    rest = [p for p, k in zip(pieces, kinds) if k is None]
    if all(k is None for k in kinds) or (rest and len(" ".join(rest).split()) < 4) or \
            (not rest and len(set(kinds)) == 1):
        return [(None, text)]
    def bare(x: str) -> str:
        return re.sub(r"(?i)^(?:and|but|also|plus|so)\s+", "", x.strip(" .,"))

    out: list[tuple[str | None, str]] = [(None, ", ".join(bare(x) for x in rest))] if rest else []
    for kind in ("feeling", "constraints"):
        said = [bare(p) for p, k in zip(pieces, kinds) if k == kind]
        if said:
            out.append((kind, ", ".join(said)))
    return out


def file_message(text: str, asked: str | None) -> Filing:
    """Which topics a message answers. `asked`: the interview topic of the last question, if any."""
    text = text.strip()
    if is_delegation(text):
        return Filing(delegated=True, filler=True)
    if is_filler(text) or is_lead_in(text):
        return Filing(filler=True)
    filing = Filing()
    parts = labelled_parts(text)
    if len(parts) == 1 and parts[0][0] is None:
        parts = split_topics(text)
    for topic, part in parts:
        part = strip_lead_in(part)
        if topic is not None:
            if not is_filler(part):
                filing.parts.append((topic, part))
            continue
        if len(parts) > 1 and len(part.split()) <= 2:
            continue  # a greeting or "ok" before the labelled parts
        moody = asked != "feeling" and re.search(FEELING_WORDS, part.lower())
        if asked and not filing.parts and len(_words(part)) <= 3 and not cued(part) and not moody:
            filing.parts.append((asked, part))  # "love", "nostalgic": a word or two answers the question asked
            continue
        found, confirm = classify(part, asked if len(filing.parts) == 0 else None)
        if confirm and not filing.parts and len(parts) == 1:
            return Filing(confirm=confirm)
        filing.parts.append((found, part))
    if not filing.parts:
        filing.filler = True
    return filing


def cued(text: str) -> bool:
    """True when the words themselves say which topic (an aspect ratio, "no logos", "cheaper")."""
    low = text.lower()
    return any(re.search(p, low) for topic, (p, _) in CUES.items() if topic in ("constraints", "why_generative"))


def is_greeting(text: str) -> bool:
    """'hey!', 'ok so', 'hi there, ready': a greeting or an acknowledgement, not an answer; also a hello that
    only talks about the job ('hi, i want to make a video for this one'): nothing in it is about the song."""
    words = _words(spelled(text))
    greet = set(_filler()["greeting"])
    if bool(words) and len(words) <= 4 and all(w in greet or re.fullmatch(INTERJECTION, w) for w in words):
        return True
    task = greet | set(_filler()["task"])
    return bool(words) and len(words) <= TASK_WORDS and any(w in ("video", "videos", "clip", "visuals") for w in words) \
        and all(w in task or re.fullmatch(INTERJECTION, w) for w in words)


def pick_from_reply(reply: str, options: tuple[str, str]) -> str | None:
    """The topic an artist picks in answer to 'is that A or B?': a name, a label, yes/no, first/second."""
    low = reply.lower()
    for topic in options:
        spec = _topics().get(topic, {})
        names = [topic.replace("_", " "), spec.get("name", ""), *spec.get("labels", [])]
        if any(n and re.search(rf"\b{re.escape(n.lower())}\b", low) for n in names):
            return topic
    if re.search(r"\b(yes|yeah|yep|right|correct|exactly|first|the first|sure)\b", low):
        return options[0]
    if re.search(r"\b(no|nope|other|second|the second|the other)\b", low):
        return options[1]
    return None


def bare_feeling(text: str) -> str:
    """'I'd like it to feel claustrophobic' → 'claustrophobic': the feeling without the wish around it."""
    out = re.sub(r"(?i)^\s*(?:i'?d like|i want|i'?d love|we want(?:ed)?|we'?d like|it should|it must|it has to|make it|"
                 r"(?:the video|it) (?:should|needs to|has to))\s+(?:it\s+|the video\s+)?(?:to\s+)?(?:feel|look)\s+"
                 r"(?:like\s+)?", "", text)
    return out if len(out.split()) >= 1 else text


# a line of a pasted document, not of an answer: an email header, a quoted reply, a signature or a rule
_DOCUMENT_LINE = re.compile(r"(?i)^\s*(?:>|(?:from|to|sent|date|subject|cc|bcc|re|fwd?)\s*:|-{3,}|_{3,}|on .{5,80} wrote:"
                            r"|(?:best|thanks|cheers|regards|kind regards)[,!]?\s*$)")
PASTE_SHARE = 0.3  # of an answer's lines that read as a document's make it a paste


def is_paste(text: str) -> bool:
    """True for a pasted document (an email thread, a quoted chat) rather than an answer: many lines, a good
    share of them headers, quotes or sign-offs. A long answer in the artist's own prose is not one."""
    lines = [x for x in (text or "").splitlines() if x.strip()]
    return len(lines) >= 6 and sum(bool(_DOCUMENT_LINE.match(x)) for x in lines) >= PASTE_SHARE * len(lines)


def clip(text: str) -> str:
    return text if len(text) <= MAX_FIELD_CHARS else text[:MAX_FIELD_CHARS].rsplit(" ", 1)[0]
