"""Writing the shots of guided mode from the artist's own words.

Each section gets its images from what the artist said about it (or, when they said "you choose",
from their motifs); within a section the shots develop the image — establish, detail, reaction,
transformation, payoff — and every reason and why-generative sentence is written for its own shot
and line, never repeated (prompts/guided/writing.yaml holds the phrasing).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .prompts import load_yaml
from .reading import (IRREGULAR_PAST, added, as_clause, changed_word, contrast_of, metaphor_of, plural_verb,
                      reversal_of, role_name, section_phrase, setup_of, things_in, turn_of)

STOP = set("""a an the and or but nor so yet to of in on at by for with from into onto over under as is are was were be
been am i me my mine you your yours he him his she her hers it its we us our they them their this that these those
there here then than when while if will would shall should can could may might must do does did done not no
never ever all any some one once who whom which what where why how oh ah la na yeah just like let tell make
made going go gone get got come came say said take took give gave keep kept know knew see saw want need
remember lives live find found be still always again too only even every maybe
perhaps really very ever more most much each forgot forget wrote write read burn burns fell fall felt feel ran run
sang sing sings thought think hold holds held count counts learn sweep kneel beg dance pressed press turned turn
wait waited leave stay stays stayed fly flies cry cries cried love loved need needs hear heard carry carries
carried break broke breaks fade fades faded did does is almost stay while instead before after until ends end say
says calls call moves move melts melt counted count remembers same twice out up down away off""".split())
PRONOUNS = {"she": "a woman", "he": "a man", "they": "two figures", "we": "two figures", "i": "the singer",
            "you": "a figure"}
DETERMINERS = {"a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "this", "that", "these", "those"}
FOLLOWERS = DETERMINERS | {"up", "down", "into", "out", "over", "through", "like", "away", "apart", "back", "in", "on",
                           "off", "to", "across", "around", "him", "her", "them", "me", "us", "itself", "open", "slowly"}
WHY_WORDS = re.compile(r"(?i)\b(camera|film|filmed|shoot|shot on|can'?t|cannot|could never|impossible|generat|no crew|no set)")
LEADS = re.compile(r"(?i)^(?:i see|we see|you see|i picture|i imagine|there is|there's|there are|maybe|probably|"
                   r"it's|it is|just|like|show|shows|showing)\s+")


@functools.cache
def phrasing() -> dict:
    return load_yaml("guided/writing.yaml")


def tidy(text: str) -> str:
    """No doubled words, no ', is' glue, single spaces, a capital at each sentence start."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\b(\w+)(\s+\1\b)+", r"\1", text, flags=re.I)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r",\s*(is|are|was|were)\b", r" \1", text)
    text = re.sub(r"([,;:])\1+", r"\1", text)
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def clean(text: str) -> str:
    """A phrase (subject, action, setting): tidy, but no capital added at its start."""
    out = tidy(text)
    return text.strip()[:1] + out[1:] if out else out


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def definite(phrase: str) -> str:
    """'a shirt of fog' → 'the shirt of fog'; a phrase with its own determiner or none stays."""
    return re.sub(r"(?i)^(a|an)\s+", "the ", phrase.strip())


def _ing(verb: str) -> str:
    """'becomes' → 'becoming', 'draws' → 'drawing', 'flies' → 'flying', 'washes' → 'washing'."""
    v = verb.lower()
    if re.search(r"(sh|ch|ss|x|z)es$", v):
        base = v[:-2]
    elif v.endswith("ies"):
        base = v[:-3] + "y"
    else:
        base = v[:-1]
    if base.endswith("e") and not base.endswith("ee"):
        base = base[:-1]
    return base + "ing"


def as_phrase(clause: str) -> str:
    """A sentence about an image as a noun phrase: 'The kettle steam draws his face' → 'the kettle steam
    drawing his face'; 'the moths are ships' → 'the moths as ships'. A noun phrase stays as it is."""
    text = clause.strip(" .,;:")
    if len(text) > 1 and text[0].isupper() and text[1:2].islower() and text.split()[0] != "I":
        text = text[0].lower() + text[1:]
    tokens = text.split()
    if tokens and tokens[0].lower() in PRONOUNS:
        tokens = [*PRONOUNS[tokens[0].lower()].split(), *tokens[1:]]
    out, converted = [], False
    for i, w in enumerate(tokens):
        bare = w.lower().strip(",;:")
        nxt = tokens[i + 1].lower().strip(",;:") if i + 1 < len(tokens) else ""
        prev = tokens[i - 1].lower() if i else ""
        if (bare.endswith("ing") or bare in ("who", "that", "which", "whose")) and i:
            converted = True  # the clause already reads as a phrase ('a man who keeps pigeons')
        if i and not converted and prev not in DETERMINERS:
            if bare in ("is", "are", "was", "were"):
                out.append("as")
                converted = True
                continue
            if (len(bare) > 3 and bare.endswith("s") and not re.search(r"(ss|us|is|ous)$", bare) and nxt in FOLLOWERS
                    and bare not in STOP):
                out.append(_ing(bare) + w[len(bare):])
                converted = True
                continue
            plural_subject = prev.endswith("s") and not prev.endswith("ss") and i <= 3
            if plural_subject and nxt in FOLLOWERS and bare.isalpha() and not bare.endswith("s") and len(bare) > 2 \
                    and bare not in STOP - {"burn", "hold", "turn", "fall", "fly", "break", "fade", "sing", "run"}:
                out.append(_ing(bare + "s") + w[len(bare):])  # "statues tear their crowns" → "statues tearing …"
                converted = True
                continue
        if bare == "and" and converted:
            converted = False  # the next clause may have its own verb
        out.append(w)
    return " ".join(out)


def handle(image: str) -> str:
    """A short name for an image: 'a seamless shirt made of mist' → 'the seamless shirt'."""
    words = as_phrase(image).split()
    out: list[str] = []
    for i, w in enumerate(words):
        bare = w.strip(",;:").lower()
        nxt = words[i + 1].strip(",;:").lower() if i + 1 < len(words) else ""
        adjective = (bare.endswith("ing") and words[i - 1].lower() in DETERMINERS and nxt  # "a melting ice lolly"
                     and nxt not in STOP and nxt not in FOLLOWERS)
        if i and ((bare.endswith("ing") and not adjective) or
                  bare in {"made", "that", "which", "who", "where", "with", "from", "into", "between", "under", "over",
                           "in", "on", "at", "as", "and", "shaped", "like"}):
            break
        out.append(w.strip(",;:"))
        if w.endswith(",") or len(out) >= 5:
            break
    while out and (out[-1].lower() in STOP or out[-1].lower() in FOLLOWERS) and len(out) > 1:
        out.pop()  # never end a name on "a", "like" or "of"
    if not any(w.lower() not in STOP for w in out):
        return definite(image)
    return definite(" ".join(out))


def images_of(note: str) -> tuple[list[str], str]:
    """The artist's answer about a section: (images, what it does that a camera can't)."""
    pieces = [p.strip(" .,-—") for p in re.split(r"[.;\n!?]+|\s+[-—]\s+|\bthen\b", note) if p.strip(" .,-—")]
    images, why = [], ""
    for p in pieces:
        if WHY_WORDS.search(p) and not why:
            why = p
            continue
        p = LEADS.sub("", p).strip()
        if len(p.split()) >= 2:
            images.append(as_phrase(p[:160]))
    return images, why


def lyric_key(line: str) -> str:
    """The thing a lyric line names: 'Tell her to make me a cambric shirt' → 'cambric shirt'.
    Runs of content words after a determiner win (they are nouns); '' when the line names nothing."""
    runs: list[tuple[list[str], bool, int]] = []
    cur: list[str] = []
    after_det = False
    prev = ""
    for pos, tok in enumerate(re.findall(r"[\w']+|[^\w\s]", line)):
        word = re.match(r"[\w']+$", tok) and tok.lower() not in STOP and "'" not in tok
        if word:
            if not cur:
                after_det = prev in DETERMINERS
            cur.append(tok.lower())
        elif cur:
            runs.append((cur, after_det, pos))
            cur = []
        prev = tok.lower()
    if cur:
        runs.append((cur, after_det, 99))
    runs = [(r[: -1] if len(r) > 1 and (re.search(r"(ing|ed|ly)$", r[-1]) or r[-1] in IRREGULAR_PAST) else r, d, p)
            for r, d, p in runs]
    good = [x for x in runs if x[1] or len(x[0]) >= 2]
    if not good:
        single = [r[0][0] for r in runs if len(r[0][0]) >= 4 and not re.search(r"(ing|ed|ly)$", r[0][0])]
        return max(single, key=len) if single else ""
    best = max(good, key=lambda x: (x[1], len(x[0]) >= 2, x[2]))
    return " ".join(best[0])


def detail_of(image: str) -> str:
    """A part of an image to go close on: its last thing ('growing out of cloth' → 'the cloth'); not a
    verb or a pronoun ('a kitchen that rearranges itself' → 'the surfaces of the kitchen')."""
    text = re.sub(r"(?i)\b(?:that|which|who)\s+\w+", " ", image)  # 'that rearranges': a verb, not a thing
    words = [w.strip(",.;").lower() for w in text.split() if w.strip(",.;").lower() not in STOP]
    words = [w for w in words if not re.search(r"(ing|ed|self|selves)$", w)]
    if len(words) > 1 or (words and words[-1] not in handle(image)):
        return f"the {words[-1]}"
    return f"the surfaces of {handle(image)}"


@dataclass
class ShotText:
    subject: str
    action: str
    setting: str
    reason: str
    why_generative: str


@dataclass
class Beat:
    """Everything the writer knows about one shot."""

    stage: str
    variant: int
    section: str
    image: str
    next_image: str
    lines: list[str]
    who: str
    setting: str
    section_why: str = ""
    artist_why: str = ""
    meaning: str = ""
    prev_line: str = ""  # the line sung before this shot's, to hear what this one adds
    next_line: str = ""  # the line sung after this shot's first, to hear what this one sets up for it
    piece: str = ""  # the artist's answer that speaks to this shot's line (assistant.reading)
    heard: set[str] | None = None  # turn words and answers already used by earlier reasons (never twice)
    recurs: bool = False  # a section that comes back (a chorus): its payoff returns to its image, as a refrain does


def _fill(template: str, **slots: str) -> str:
    out = template
    for name, value in slots.items():
        for slot in ("{" + name + "}", "{" + name.capitalize() + "}"):
            if plural(value):  # 'her apron strings do not exist', not 'does' (only where the slot is the subject)
                out = re.sub(r"(^|[;:,]\s+|\band\s+)" + re.escape(slot) + r" (\w+)",
                             lambda m, s=slot: f"{m.group(1)}{s} {plural_verb(m.group(2))}", out)
        out = out.replace("{" + name + "}", value).replace("{" + name.capitalize() + "}", cap(value))
    return out


def plural(phrase: str) -> bool:
    """'her apron strings', 'feathers' → True; 'the staircase of water', 'the glass' → False."""
    head = re.split(r"\s+(?:of|made|with|in|on|that|which|turning|growing)\s+", phrase.strip())[0].split()
    return bool(head) and bool(re.search(r"[^su']s$", head[-1].lower())) and head[-1].lower() not in STOP


def write(beat: Beat, used_reasons: set[str], used_whys: set[str]) -> ShotText:
    """One shot's words; reasons and why-generative sentences never repeat across the plan."""
    p = phrasing()
    h, nxt = handle(beat.image), handle(beat.next_image)
    key = lyric_key(beat.lines[0]) if beat.lines else ""
    if key and " ".join(re.findall(r"[\w']+", beat.lines[0].lower())) == key:
        key = key.split()[-1]  # the line is only its key ("Big sky"): name its noun, not the whole line again
    detail = f"the {key}" if key and beat.stage == "detail" else detail_of(beat.image)
    who = beat.who or "the singer"
    slots = dict(handle=h, next=nxt, section=section_phrase(beat.section), who=who, detail=detail,
                 key=f"the {key}" if key else "this line")
    v = beat.variant
    action = _fill(p["actions"][beat.stage][v % len(p["actions"][beat.stage])], **slots)
    # the arc: the image whole, a detail, someone answering it, the image turning, what it became
    subject = {"establish": beat.image, "detail": detail, "reaction": who, "transformation": h,
               "payoff": beat.image if beat.recurs else beat.next_image}[beat.stage]
    tails = (f"here in {section_phrase(beat.section)}", f"as {detail} comes into view", f"with {nxt} still ahead")
    reason = _unique(lambda k: _reason(beat, slots, v + k), used_reasons, tails)
    if beat.heard is not None and beat.lines:
        turn = turn_of(beat.lines[0], beat.prev_line, _what(beat.lines[0]))
        beat.heard.update(x for x in (turn[0] if turn else "", as_clause(beat.piece)) if x and x in reason)
    why = _unique(lambda k: _why(beat, slots, v + k), used_whys, tails)
    return ShotText(subject=clean(subject), action=clean(action), setting=clean(beat.setting), reason=reason,
                    why_generative=why)


def _reason(beat: Beat, slots: dict[str, str], v: int) -> str:
    p = phrasing()
    stage = _fill(p["stage_reasons"][beat.stage][v % len(p["stage_reasons"][beat.stage])], **slots)
    if beat.lines:
        more = f" and then “{beat.lines[1]}”" if len(beat.lines) > 1 and v >= 3 else ""
        stage = stage if stage.startswith("I ") else stage[:1].lower() + stage[1:]  # 'and the verse begins …'
        text = f"Carries \"{beat.lines[0]}\"{more}: {read_line(beat, v)}, and {stage}."
    else:
        lead = _fill(p["fill_reasons"][v % len(p["fill_reasons"])], **slots)
        text = f"{lead}; {stage if stage.startswith('I ') else stage[:1].lower() + stage[1:]}."
    if beat.stage == "payoff" and beat.meaning and v % 2 == 0:
        text = text[:-1] + f", because the song is about {beat.meaning}."
    return tidy(text)


def _what(line: str) -> str:
    """What a line is about, as a phrase: its key thing ('the light'), else its one content word."""
    key = lyric_key(line)
    if key:
        return f"the {key}"
    said = [w for w in re.findall(r"[a-z']+", line.lower()) if w not in STOP and "'" not in w and len(w) > 2]
    return said[0] if len(said) == 1 else "it"


def read_line(beat: Beat, v: int) -> str:
    """What the line means here: the word it turns on, what it adds to the line before, and the
    artist's own answer that speaks to it (assistant.reading); never a turn or an answer an earlier
    shot already used, in a wording chosen by `v`."""
    forms = phrasing()["reading"]
    heard = {h.lower() for h in beat.heard or ()}
    line = beat.lines[0]
    what = _what(line)
    turn = turn_of(line, beat.prev_line, what)
    new = added(line, beat.prev_line)
    parts = []
    turned = reversal_of(line, beat.prev_line) if beat.prev_line else None
    swapped = changed_word(line, beat.prev_line) if beat.prev_line and not turned else None
    answer = contrast_of(line, beat.prev_line) if beat.prev_line and not (turned or swapped) else None
    setup = setup_of(line, beat.next_line) if beat.next_line and not (turned or swapped or answer) else None
    plain_what = " ".join(w for w in what.split() if w not in {answer[0] if answer else "", (setup or {}).get("mine")})
    if turned:
        parts.append(_agreed(_pick(forms["reversal"], v), {k: role_name(x) for k, x in turned.items()}))
    elif swapped:
        old, new = (role_name(x) for x in swapped)  # 'you' → 'me': the one the song speaks to → the singer
        parts.append(_pick(forms["changed"], v).replace("{old}", old).replace("{new}", new))
    elif answer:
        parts.append(_agreed(_pick(forms["contrast"], v), {"mine": answer[0],
                                                           "what": answer[2] or _bare_what(plain_what)}))
    elif setup:  # what only this line has first (the next line will have the rest), then what it sets up
        later = set(re.findall(r"[a-z']+", beat.next_line.lower()))
        own = [t for t in things_in(line) if t.split()[-1] not in later and t.split()[-1] not in setup.get("own", "")]
        if turn and turn[0] not in heard and turn[0] not in later:
            parts.append(_pick(forms["turn"], v).replace("{word}", turn[0]).replace("{gloss}", turn[1]))
        elif metaphor_of(line):  # 'Every window is a mouth': what the line itself makes happen
            a, b = metaphor_of(line)
            parts.append(_pick(forms["metaphor"], v).replace("{a}", a).replace("{b}", b))
        elif own and setup["kind"] != "contrast":
            parts.append(_pick(forms["plain"], v).replace("{what}", own[0]).replace("{with}", ""))
        setup["what"] = setup.get("what") or _bare_what(plain_what)
        kind = setup.pop("kind")
        setup["own_aside"] = f", {setup['own']}" if setup.get("own") else ""
        parts.append(_agreed(_pick(forms[f"setup_{kind}"], v), setup))
    elif turn and turn[0] not in heard:
        parts.append(_pick(forms["turn"], v).replace("{word}", turn[0]).replace("{gloss}", turn[1]))
    elif new and len(new) <= 2:
        parts.append(_pick(forms["added"], v).replace("{added}", " and ".join(new)))
    elif metaphor_of(line):
        a, b = metaphor_of(line)
        parts.append(_pick(forms["metaphor"], v).replace("{a}", a).replace("{b}", b))
    elif what != "it":
        things = [t for t in things_in(line) if t.split()[-1] not in what]
        with_ = _pick(forms["with"], v).replace("{things}", " and ".join(things[:2])) if things else ""
        parts.append(_pick(forms["plain"], v).replace("{what}", what).replace("{with}", with_))
    piece = as_clause(beat.piece)
    if piece and piece.lower() not in heard:
        kind = "piece" if is_clause(piece) else "piece_phrase"
        parts.append(_pick(forms[kind], v + 1).replace("{piece}", piece))
    return "; ".join(parts) or f"it gives {handle(beat.image)} its words"


PLURAL_PEOPLE = {"they", "we", "the two of them", "them", "us"}


def _bare_what(what: str) -> str:
    """'the song' stays; 'the' alone (its word was the contrast itself) or 'it' → 'everything'."""
    return what if what not in ("", "the", "it") else "everything"


def _agreed(template: str, slots: dict[str, str]) -> str:
    """A reading template filled, with the verb after a plural slot agreeing ('the two of them do')."""
    for k, x in slots.items():
        if x in PLURAL_PEOPLE or plural(x):
            template = re.sub(r"\{" + k + r"\}((?:, [^,{}]+,)?) (\w+)",  # 'the two of them, once the feeder, become'
                              lambda m, k=k: "{" + k + "}" + m.group(1) + " " + plural_verb(m.group(2)), template)
        template = template.replace("{" + k + "}", x)
    return template


def is_clause(text: str) -> bool:
    """'the house forgets them', 'a man walks a road' → True; 'waiting for someone', 'a coat of rain' → False:
    a clause has a verb of its own after its subject (as_phrase turns that verb into a phrase)."""
    first = text.split()[0].lower() if text.split() else ""
    if first.endswith("ing") or first in ("to", "about", "for", "how", "what", "when", "where", "why"):
        return False
    if first in ("i", "we", "you", "he", "she", "they"):
        return True
    if as_phrase(text) != text or re.search(r"\b(is|are|was|were|has|have|had|can|will|would)\b", text):
        return True
    words = text.lower().split()
    before = DETERMINERS | {"of", "who", "that", "which", "whose", "and", "two", "three", "many", "some"}
    return any(re.fullmatch(r"[a-z]{3,}[^su's]s", w) and words[i - 1] not in before and not words[i - 1].endswith(",")
               and (i + 1 < len(words) or words[i - 1] in PRONOUNS) for i, w in enumerate(words[1:5], 1))


def _pick(options: list[str], v: int) -> str:
    return options[v % len(options)]


def _why(beat: Beat, slots: dict[str, str], v: int) -> str:
    p = phrasing()
    text = _fill(p["why"][beat.stage][v % len(p["why"][beat.stage])], **slots)
    if beat.stage == "establish" and beat.section_why and v % 3 == 0:
        text += f": {beat.section_why[0].lower() + beat.section_why[1:]}"
    elif beat.stage == "payoff" and beat.artist_why and v % 3 == 1:
        text += f" — {beat.artist_why[0].lower() + beat.artist_why[1:]}"
    elif slots["key"] != "this line" and v % 2:
        text += f", while the line about {slots['key']} plays"
    return tidy(text + ".")


RUN = 8  # words: a phrase this long said again in another shot's reason reads as a template


def _runs(text: str) -> set[str]:
    w = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", re.sub(r"'s\b|’s\b", "", text))
    return {" ".join(w[i:i + RUN]) for i in range(len(w) - RUN + 1)}


def _unique(make, used: set[str], tails: tuple[str, ...] = (), tries: int = 12) -> str:
    """The first wording not said before whose long phrases no other shot uses either; when every
    wording repeats some phrase, the one whose most repeated phrase is said least often so far."""
    def norm(t: str) -> str:
        return re.sub(r'"[^"]*"|“[^”]*”', "", t).strip().lower()

    said: dict[str, int] = {}
    for t in used:
        for r in _runs(t):
            said[r] = said.get(r, 0) + 1
    best, best_cost, first = None, None, None
    for k in range(tries):
        text = make(k)
        first = first or text
        if norm(text) in used:
            continue
        cost = max((said.get(r, 0) for r in _runs(norm(text))), default=0)
        if best_cost is None or cost < best_cost:
            best, best_cost = text, cost
        if cost == 0:
            break
    if best is not None:
        used.add(norm(best))
        return best
    for tail in tails:  # every wording said before: tell this shot apart by what only it has
        text = tidy(f"{first[:-1]}, {tail}.")
        if norm(text) not in used:
            used.add(norm(text))
            return text
    text = tidy(f"{first[:-1]} ({len(used) + 1}).")
    used.add(norm(text))
    return text
