"""The progression the artist states, carried across the song in order: "each verse the water rises:
ankles, chairs, the table, then he is underwater", "from spring in the first verse to winter by the last
chorus", "the day ends: morning, noon, dusk, night". Each section (of the kind named, else every one) gets
its step, in song order; a step the artist said as a bare thing ('chairs') is said with what rises
('the water up to the chairs')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shotlist.models import Section

from .phrases import is_clause

SCOPE = re.compile(r"(?i)\b(?:each|every|by the|from (?:the|one))\s+(verse|chorus|section|part|scene)s?\b"
                   r"|\b(verse|chorus|section)\s+(?:by|after|to)\s+\2\b")
_STEP_SPLIT = re.compile(r"\s*(?:,|;|→|->|\bthen\b|\band then\b|\buntil\b|\band finally\b|\bfinally\b|\band\b)\s*", re.I)
_FROM_TO = re.compile(r"(?i)\bfrom\s+([^,.;]+?)\s+(?:in the \w+ \w+\s+)?to\s+([^,.;]+?)(?:\s+by the [^,.;]+)?(?=[,.;]|$)")
_UP = re.compile(r"(?i)\b(?:ris\w*|climb\w*|fill\w*|flood\w*|grow\w*|swell\w*|creep\w*)\b")
_CHANGE = re.compile(r"(?i)\b(?:end\w*|turn\w*|chang\w*|pass\w*|fad\w*|mov\w* through|goes? from)\b")
_DOWN = re.compile(r"(?i)\b(?:fall\w*|sink\w*|drop\w*|drain\w*|recede\w*|shrink\w*|ebb\w*)\b")
DETERMINED = re.compile(r"(?i)^(?:the|a|an|his|her|their|my|our|its|your)\s")
STATES = {"underwater", "gone", "everywhere", "overhead", "drowned", "dry", "empty", "full", "dark", "night", "dawn",
          "dusk", "morning", "noon", "evening", "midnight", "spring", "summer", "autumn", "fall", "winter", "snow",
          "ice", "ash", "ashes", "nothing"}


COLOURS = re.compile(r"(?i)(?:(?:deep|pale|light|dark|bright|dull|washed[- ]out|faded)\s+)?(?:red|pink|orange|yellow|gold"
                     r"|golden|green|blue|indigo|violet|purple|grey|gray|brown|amber|white|black|silver|sepia)")
# 'v1 ankles / v2 the windowsill', 'ch2: …': a section said short
_SHORT = {"v": "verse", "vs": "verse", "ch": "chorus", "c": "chorus", "br": "bridge"}
_SHORT_MARK = re.compile(r"(?i)\b(vs|v|ch|c|br)\.?\s?([1-9])\b")
_LIST_MARKS = (r"\s*(?:\.\.\.+|…)\s*", r"\s*(?:→|->|=>|⇒|⟶|>+)\s*",
               r"\s+/\s+|\s*/\s*(?=(?:verse|chorus|bridge)\s+\w)")
_PLACE_LEAD = re.compile(r"(?i)^(?:and\s+)?(?:(?:in|by|at|for|on|during)\s+)?(?:the\s+)?(?:(?P<label>verse|chorus|bridge)\s+"
                         r"(?P<n>[1-5]|one|two|three|four|five)|(?P<ord>first|second|third|fourth|fifth|last|final)\s+"
                         r"(?P<olabel>verse|chorus|bridge))s?\b\s*[:=-]?\s*")
_PLACE_TRAIL = re.compile(r"(?i)\s*,?\s+(?:at|by|in|for|during|towards?|around|until)\s+the\s+(?:very\s+)?(?P<where>start|"
                          r"beginning|middle|end|bridge|intro|outro|(?:first|second|third|last|final)\s+(?:verse|chorus)"
                          r"|(?:verse|chorus)\s+(?:[1-5]|one|two|three|four|five))\s*$")


def _listed_sentence(text: str) -> tuple[list[str], str]:
    """Steps the artist listed with marks of their own inside one sentence, with what was said around them:
    'the colour drains out as it goes. deep red -> pink -> grey' → (['deep red', 'pink', 'grey'], 'the colour
    drains out as it goes'); ([], '') when no sentence lists two or more steps."""
    numbered = _listed(text)
    if numbered and not re.search(r"→|->|=>|>|/", text):
        return numbered, re.split(r"(?:^|\s)\(?[1-9][.)]\s*", text)[0].strip(" ,;:")  # the heading, if any
    sentences = [s for s in re.split(r"(?<=[a-z0-9)'])[.!?]\s+(?=\S)", text) if s.strip()]
    for mark in _LIST_MARKS:
        best = max(sentences, key=lambda s: len(re.findall(mark, s)))
        parts = [x.strip(" ,;.") for x in re.split(mark, best)]
        if len(parts) < 2 or not all(parts):
            continue
        head = [s for s in sentences if s is not best]
        if ":" in parts[0] or len(parts[0].split()) > 6:  # 'one day ending: afternoon > …': the list starts after it
            cut = max(parts[0].rfind(x) for x in ":,;")
            head.append(parts[0][:max(cut, 0)])
            parts[0] = parts[0][cut + 1:].strip()
        placed = [bool(_PLACE_LEAD.match(x)) for x in parts]
        if not placed[0] and sum(placed[1:]) >= 2:  # 'water level by verse / v1 ankles / v2 …': a heading, then steps
            head.append(parts.pop(0))
        parts[-1] = _PLACE_TRAIL.sub("", re.split(r"[,.;]\s", parts[-1])[0])
        if (len(parts) >= 3 or len(parts) == 2) and all(x and len(_unplaced(x).split()) <= 6 for x in parts):
            return parts, ". ".join(h for h in head if h)
    return [], ""


def _place_label(part: str) -> str:
    """'verse 2 the windowsill' → 'verse'; '' when the step names no section."""
    m = _PLACE_LEAD.match(part)
    return ((m.group("label") or m.group("olabel") or "").lower()) if m else ""


def _unplaced(part: str) -> str:
    """A step without the place it was said at: 'verse 2 the windowsill' → 'the windowsill'."""
    return _PLACE_TRAIL.sub("", _PLACE_LEAD.sub("", part)).strip(" ,;.:")


def _named_thing(head: str) -> str:
    """'water level by verse' → 'the water level': a heading that is only the thing that changes."""
    bare = re.sub(r"(?i)\b(?:by|per|each|every|across)\s+(?:the\s+)?(?:verse|chorus|section|part|song)s?\b", "",
                  head.split(".")[-1]).strip(" ,;:")
    words = bare.split()
    if not 1 <= len(words) <= 3 or is_clause(bare) or re.match(r"(?i)(?:outside|inside|in|at|on|through|from|out)\b", bare) or re.search(r"(?i)\b(?:the whole|it|this|that)\b", bare):
        return ""
    return bare.lower() if DETERMINED.match(bare) else f"the {bare.lower()}"


@dataclass
class Arc:
    scope: str  # the section label it moves across ('verse'), '' for every section
    what: str  # what changes ('the water'), '' when not said
    steps: list[str]
    direction: str = ""  # 'up', 'down' or ''

    def state(self, step: str) -> str:
        """How a step reads in a setting: 'chairs' → 'the water up to the chairs'; 'he is underwater' stays."""
        bare = step.strip(" .")
        if COLOURS.fullmatch(bare):  # 'deep red -> pink -> grey': the light the picture is in
            return f"{bare} light"
        if is_clause(bare) or bare.lower() in STATES or not self.what or re.match(r"(?i)(?:no|not|nothing|all)\b", bare):
            return bare
        thing = bare if DETERMINED.match(bare) else f"the {bare}"
        reach = {"up": "up to", "down": "down to"}.get(self.direction, "at")
        return f"{self.what} {reach} {thing}"


def arc_of(story: str) -> Arc | None:
    """The progression a story states, with its ordered steps, or None."""
    text = _SHORT_MARK.sub(lambda m: f"{_SHORT[m.group(1).lower()]} {m.group(2)}", " ".join((story or "").split()))
    if not text:
        return None
    scope = SCOPE.search(text)
    label = (scope.group(1) or scope.group(2) or "").lower() if scope else ""
    label = "" if label in ("section", "part", "scene") else label
    # 'the water rises: ankles, chairs, the table, then underwater'; 'each verse a bit brighter - candle, lamp, …'
    m = re.search(r"(?::|\s[-—–]+)\s*([^.:—–]+)", text)
    steps: list[str] = []
    head = ""
    # 'dawn ... midday ... midnight', '1. seed 2. sprout 3. a tree', 'one day ending: afternoon > sunset > night',
    # 'water level by verse / v1 ankles / v2 the windowsill / v3 the ceiling'
    listed, listed_head = _listed_sentence(text)
    marked = _marked(text)  # 'first chorus apart, second chorus halfway, last chorus they touch hands'
    if listed:
        said = [_place_label(x) for x in listed]
        label = label or next((x for x in said if x and said.count(x) >= 2), "")  # 'v1 … / v2 … / v3 …'
        steps, head = [_unplaced(x) for x in listed], listed_head
    elif len(marked) >= 2:
        said = [x for _, x, _ in marked if x]
        label = label or next((x for x in said if said.count(x) >= 2), "")  # 'first verse …, second verse …'
        steps, head = [x for _, _, x in marked], text
    elif m and len(_STEP_SPLIT.split(m.group(1))) >= 3:
        steps = [s for s in _STEP_SPLIT.split(m.group(1)) if s and len(s.split()) <= 6]
        head = text[: m.start()]
    elif _FROM_TO.search(text):
        f = _FROM_TO.search(text)
        steps, head = [f.group(1), f.group(2)], text[: f.start()]
    elif _START_END.search(text):  # 'it starts at dawn and ends at midnight'
        f = _START_END.search(text)
        steps, head = [f.group(1), f.group(2)], text[: f.start()] + " changes"
    elif _START_BY_END.search(text):  # 'at the start the room is dry and by the last chorus it's full of water'
        f = _START_BY_END.search(text)
        steps, head = [f.group(1), f.group(2)], text[: f.start()] + " changes"
    elif len(_ordinal_steps(text)) >= 2:  # 'in the first verse it's summer, in the second autumn, …'
        found = _ordinal_steps(text)
        label = label or found[0][1]
        steps, head = [x for _, _, x in found], text + " changes"
    elif len(_numbered_sections(text)) >= 2:  # 'verse one is summer, verse two is autumn, verse three winter'
        found = _numbered_sections(text)
        label = label or found[0][1]
        steps, head = [x for _, _, x in found], text + " changes"
    elif len(_sequence(text)) >= 3:  # 'first the leaves are green, then they turn red, … by the end bare'
        steps, head = _sequence(text), text + " changes"
    steps = [_step(x) for x in steps]
    steps = [x for x in steps if x]
    if len(steps) < 2 or not (listed or len(marked) >= 2 or scope or _UP.search(head) or _DOWN.search(head) or _CHANGE.search(head)
                              or _FROM_TO.search(text)):
        return None
    what = _what(head) or (_named_thing(head) if listed else "")
    direction = "up" if _UP.search(head) else ("down" if _DOWN.search(head) else "")
    return Arc(scope=label, what=what, steps=[s.strip(" .") for s in steps], direction=direction)


_START_END = re.compile(r"(?i)\b(?:starts?|begins?|opens?)\s+(?:at|in|with|on)\s+([^,.;]+?)\s*,?\s+(?:and\s+)?"
                        r"(?:ends?|finish\w*|closes?)\s+(?:at|in|with|on)\s+([^,.;]+)")
_ORDINAL = ("first", "second", "third", "fourth", "fifth", "last", "final")
_ORDINAL_STEP = re.compile(r"(?i)\b(?:in|by|at|for)\s+the\s+(" + "|".join(_ORDINAL) + r")(?:\s+(verse|chorus|bridge|section|part)s?)?"
                           r"\s*,?\s*(?:(?:it'?s|it\s+is|we\s+see|there'?s|there\s+is|comes|it\s+turns(?:\s+to)?|"
                           r"it\s+becomes)\s+)?([^,.;]+)")
_SEQ_SPLIT = re.compile(r"(?i)(?:^|[,;.]\s*|\s)(?:and\s+)?(?:at\s+first|first|then|after\s+that|next|finally|"
                        r"by\s+the\s+end|at\s+the\s+end|in\s+the\s+end|until)\b[\s,]*")


_START_BY_END = re.compile(r"(?i)\b(?:at the (?:start|beginning)|in the beginning|at first|to begin with)\s*,?\s+"
                           r"([^,.;]+?)\s*,?\s+(?:and\s+|but\s+|then\s+)?(?:by|at|in)\s+the\s+(?:end|last\s+\w+|final"
                           r"\s+\w+)\s*,?\s+([^,.;]+)")
_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_NUMBERED = re.compile(r"(?i)\b(verse|chorus)\s+(one|two|three|four|five|[1-5])\b\s*(?:is|it'?s|its|:|-|=)?\s*"
                       r"(?:(?:it'?s|its|it\s+is|we\s+see)\s+)?([^,.;]+)")


def _step(text: str) -> str:
    """A step as it reads in a setting: 'autumn first' → 'autumn'; "its full of water" → "it's full of water"."""
    text = re.sub(r"(?i)^(?:and\s+)?(?:at\s+first|first|then|finally)\s+|\s+(?:first|at first)$", "", text.strip(" .,;"))
    text = re.sub(r"(?i)\s+(?:when|while|because|as soon as|once)\s+(?:we|i|you|he|she|they|it)\b.*$", "", text)  # 'high summer when we tie her up'
    return re.sub(r"(?i)^its\b", "it's", text).strip(" .,;")


def _listed(text: str) -> list[str]:
    """Steps the artist listed with marks of their own: '...' or '…' or arrows between them, or numbers
    ('1. seed 2. sprout 3. a tree', '1) the yard 2) the school'); [] when there are fewer than two."""
    numbered = re.split(r"(?:^|\s)\(?[1-9][.)]\s*", text)
    head = numbered[0].strip(" ,;")
    if len(numbered) >= 3 and (not head or head.endswith(":")):  # 'the room empties: 1. … 2. …': a heading first
        parts = [re.split(r"[.;]\s", p)[0] for p in numbered[1:]]
        return [p.strip(" ,;.") for p in parts if p.strip(" ,;.") and len(p.split()) <= 6]
    for mark in (r"\s*(?:\.\.\.+|…)\s*", r"\s*(?:→|->|>+)\s*"):
        parts = [p.strip(" ,;.") for p in re.split(mark, text)]
        if len(parts) >= 3 or (len(parts) == 2 and all(parts)):
            parts = [re.split(r"[,.;]\s", p)[0] if i == len(parts) - 1 else p for i, p in enumerate(parts)]
            if all(p and len(p.split()) <= 6 for p in parts):
                return parts
    return []


_MARK = re.compile(r"(?i)^(?:and\s+|but\s+|so\s+)?(?:(?:in|by|at|for|on|during)\s+)?(?:the\s+)?"
                   r"(?P<ord>first|second|third|fourth|fifth|last|final)(?:\s+(?P<label>verse|chorus|bridge|section|part"
                   r"|one|time)s?)?\b\s*,?\s*(?P<step>.+)$")
_START = re.compile(r"(?i)^(?:and\s+)?(?:at\s+the\s+(?:start|beginning)|in\s+the\s+beginning|at\s+first|to\s+begin\s+with"
                    r"|(?:(?:it|she|he|they|we|the\s+video)\s+)?(?:starts?|begins?|opens?)\s+(?:with|in|at|on)(?=\s))\s*,?\s*(?P<step>.+)$")
_END = re.compile(r"(?i)^(?:and\s+|but\s+)?(?:(?:by|at|in)\s+the\s+end|finally|until|(?:(?:it|she|he|they|we|the\s+video)"
                  r"\s+)?(?:ends?|finish(?:es)?)(?:\s+up)?\s+(?:with|in|at|on)(?=\s))\b\s*,?\s*(?P<step>.+)$")
# 'by the middle its autumn', 'halfway through …', 'by the bridge …': a step said of the middle of the song
_MIDDLE = re.compile(r"(?i)^(?:and\s+|but\s+)?(?:(?:by|in|at|around|towards?)\s+the\s+(?P<label>middle|bridge)(?:\s+of\s+"
                     r"(?:it|the\s+song))?|halfway\s+through|midway)\b\s*,?\s*(?P<step>.+)$")
_WHERE = {"start": 0.0, "beginning": 0.0, "intro": 0.0, "middle": 4.5, "bridge": 4.5, "end": 9.0, "outro": 9.0}
_THEN = re.compile(r"(?i)^(?:and\s+)?(?:then|after\s+that|next)\b\s*,?\s*(?P<step>.+)$")
# 'is', 'we see', and 'it's' before a word or two ('its overgrown' → 'overgrown'; 'its full of water' stays a clause)
_STATE_OPEN = re.compile(r"(?i)^(?:(?:one\s+)?(?:is|we\s+see|there'?s|there\s+is|comes|becomes|it\s+becomes|turns(?:\s+to)?)"
                         r"\s+|(?:it'?s|its|it\s+is)\s+(?=\S+(?:\s+\S+)?$))")


def _marked(text: str) -> list[tuple[float, str, str]]:
    """Steps the artist marked with their place in the song, each clause its own: 'the first one is golden,
    then grey and raining, and the last verse is black night'; 'starts with an empty carpark, by the last
    chorus the carpark is full'; 'first verse its bare, second verse the ivy starts, last verse its overgrown'
    → (place, section label, step) in song order (a place said twice keeps what was said last); [] unless at
    least two places are marked (a 'then' alone is a story, not a progression)."""
    clauses = re.split(r"[,;:.!?]\s+|\s+[-—–]+\s+|\s+(?=(?:and\s+)?then\b)|\s+(?=(?:and\s+)?(?:by|at|in)\s+the\s+(?:end|last|final"
                       r"|middle)\b)", text)
    joined: list[str] = []
    for clause in (c.strip(" ,.;") for c in clauses):  # 'chorus 1: the ship is a dot': the place and its step, one
        if joined and (_PLACE_LEAD.fullmatch(joined[-1] + " ") or _PLACE_TRAIL.fullmatch(" " + clause)):
            joined[-1] = f"{joined[-1]} {clause}"  # 'cracking | in the middle': a place said after its step
        else:
            joined.append(clause)
    out: dict[float, tuple[str, str]] = {}
    place, marks = -1.0, 0
    for clause in joined:
        mark, start, end, then = _MARK.match(clause), _START.match(clause), _END.match(clause), _THEN.match(clause)
        numbered, middle, trail = _PLACE_LEAD.match(clause), _MIDDLE.match(clause), _PLACE_TRAIL.search(clause)
        if numbered and numbered.group("n"):  # 'chorus 2: you can see its sail'
            place, label = float(_NUMBER[numbered.group("n").lower()] - 1), numbered.group("label").lower()
            step, marks = clause[numbered.end():], marks + 1
        elif middle:
            place, label = 4.5, ("bridge" if middle.group("label") and middle.group("label").lower() == "bridge" else "")
            step, marks = middle.group("step"), marks + 1
        elif mark and (mark.group("label") or mark.group("ord").lower() != "first" or not start):
            word = mark.group("ord").lower()
            place = 9.0 if word in ("last", "final") else float(_ORDINAL.index(word))
            label = (mark.group("label") or "").lower()
            step, marks = mark.group("step"), marks + 1
        elif start or end:
            place, label, step, marks = (0.0 if start else 9.0), "", (start or end).group("step"), marks + 1
        elif then and place >= 0:
            place, label, step = place + 0.01, "", then.group("step")
        elif trail and trail.start() > 0:  # 'high tide at the start', 'halfway out by the bridge'
            where = trail.group("where").lower()
            said = _PLACE_LEAD.match(where + " ")
            if said and said.group("n"):
                place, label = float(_NUMBER[said.group("n").lower()] - 1), said.group("label").lower()
            elif said:
                word = said.group("ord").lower()
                place, label = (9.0 if word in ("last", "final") else float(_ORDINAL.index(word))), said.group("olabel").lower()
            else:
                place, label = _WHERE[where], ""
            step, marks = clause[:trail.start()], marks + 1
        else:
            continue
        step = _step(_STATE_OPEN.sub("", step.strip()))
        if step and len(step.split()) <= 12:
            out.pop(place, None)
            out[place] = ("" if label in ("one", "time", "section", "part") else label, step)
    return [(k, *out[k]) for k in sorted(out)] if marks >= 2 and len(out) >= 2 else []


def _numbered_sections(text: str) -> list[tuple[int, str, str]]:
    """'verse one is summer, verse two is autumn' → [(1, 'verse', 'summer'), (2, 'verse', 'autumn')]."""
    out = [(_NUMBER[m.group(2).lower()], m.group(1).lower(), m.group(3).strip()) for m in _NUMBERED.finditer(text)]
    return sorted((x for x in out if len(x[2].split()) <= 6), key=lambda x: x[0])


def _ordinal_steps(text: str) -> list[tuple[int, str, str]]:
    """(place in the song, section label, what it shows), in song order: 'in the first verse it's summer, in
    the last one winter' → [(0, 'verse', 'summer'), (9, 'verse', 'winter')]."""
    out = []
    for m in _ORDINAL_STEP.finditer(text):
        step = re.sub(r"(?i)^(?:one|verse|chorus)\s+", "", m.group(3).strip())
        step = re.split(r"(?i)\s+(?:and|but)\s+(?:in|by|at|for)\s+the\b", step)[0].strip()
        if step and len(step.split()) <= 6:
            out.append((_ORDINAL.index(m.group(1).lower()) if m.group(1).lower() not in ("last", "final") else 9,
                        (m.group(2) or "").lower(), step))
    return sorted(out, key=lambda x: x[0])


def _sequence(text: str) -> list[str]:
    """'first the leaves are green, then they turn red, then they fall, and by the end the branches are bare'
    → the four steps (empty when the story is not said as first … then … in the end)."""
    if not re.search(r"(?i)\b(?:at\s+)?first\b", text) or not re.search(r"(?i)\bthen\b", text) \
            or not re.search(r"(?i)\b(?:by|at|in)\s+the\s+end\b|\bfinally\b|\buntil\b", text):
        return []  # 'first he measures, then he cuts' is a story; a progression says where it ends
    start = re.search(r"(?i)\b(?:at\s+)?first\b", text).start()
    parts = [p.strip(" ,.;") for p in _SEQ_SPLIT.split(text[start:]) if p and p.strip(" ,.;")]
    return [p for p in parts if len(p.split()) <= 8]


def _what(head: str) -> str:
    """'a man waits at home; each verse the water rises' → 'the water' (the thing that moves)."""
    clause = re.split(r"[;,]", head)[-1]
    clause = SCOPE.sub(" ", clause)
    m = re.search(r"(?i)\b(the|his|her|their|its)\s+([a-z]+)\s+(?:\w+\s+)?(?:ris|climb|fill|flood|grow|swell|creep|fall|"
                  r"sink|drop|drain|reced|shrink|ebb|turn|change|end)\w*", clause)
    return f"{m.group(1).lower()} {m.group(2).lower()}" if m else ""


def steps_by_section(arc: Arc, sections: list[Section], skip: set[int] = frozenset()) -> dict[int, str]:
    """Section index → the state it shows, in song order: the sections of the named kind take the steps
    in turn; steps left after the last of them go to the sections after it; fewer steps than sections
    spread from the first to the last, each held until the next. `skip`: sections the artist held back ("no ankles yet, keep it
    dry in verse two"): they show no step, and the steps move on to the next sections."""
    chosen = [i for i, s in enumerate(sections) if (not arc.scope or s.label == arc.scope) and i not in skip]
    if not chosen:
        chosen = list(range(len(sections)))
    out: dict[int, str] = {}
    if len(arc.steps) < len(chosen):  # 'from spring to winter', 'afternoon > sunset > dusk > night': spread in order
        for k, i in enumerate(chosen):
            out[i] = arc.state(arc.steps[k * len(arc.steps) // len(chosen)])
        return out
    for step, i in zip(arc.steps, chosen):
        out[i] = arc.state(step)
    rest = arc.steps[len(chosen):]
    after = [i for i in range(chosen[-1] + 1, len(sections)) if sections[i].label not in ("outro",) and i not in skip] \
        or [i for i in range(chosen[-1] + 1, len(sections)) if i not in skip]
    for step, i in zip(rest, after):
        out[i] = arc.state(step)
    if rest and after:  # what the last step reached holds to the end
        for i in range(after[min(len(rest), len(after)) - 1] + 1, len(sections)):
            out[i] = arc.state(rest[-1])
    return out
