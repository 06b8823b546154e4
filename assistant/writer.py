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
from .phrases import NOT_THINGS, STOP, cap, clean, detail_of, handle, is_clause, lyric_key, plural, tidy
from .spelling import spelled
from .reading import (added, as_clause, changed_word, contrast_of, metaphor_of, plural_verb, reversal_of, role_name,
                      section_phrase, setup_of, things_in, turn_of)

@functools.cache
def phrasing() -> dict:
    return load_yaml("guided/writing.yaml")


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
    heard: set[str] | None = None  # turn words, answers and the artist's why-clauses already used (never twice)
    recurs: bool = False  # a section that comes back (a chorus): its payoff returns to its image, as a refrain does


def _fill(template: str, **slots: str) -> str:
    out = template
    for name, value in slots.items():
        for slot in ("{" + name + "}", "{" + name.capitalize() + "}"):
            if plural(value) or value in PLURAL_PEOPLE:  # 'her apron strings do not exist', not 'does' (the slot as subject)
                out = re.sub(r"(^|[;:,]\s+|\band\s+)" + re.escape(slot) + r" (\w+)",
                             lambda m, s=slot: f"{m.group(1)}{s} {plural_verb(m.group(2))}", out)
        out = out.replace("{" + name + "}", value).replace("{" + name.capitalize() + "}", cap(value))
    return out


def write(beat: Beat, used_reasons: set[str], used_whys: set[str]) -> ShotText:
    """One shot's words; reasons and why-generative sentences never repeat across the plan."""
    p = phrasing()
    h, nxt = handle(beat.image), handle(beat.next_image)
    key = lyric_key(beat.lines[0]) if beat.lines else ""
    if key and " ".join(re.findall(r"[\w']+", beat.lines[0].lower())) == key:
        key = key.split()[-1]  # the line is only its key ("Big sky"): name its noun, not the whole line again
    detail = detail_of(beat.image)  # a part of the picture, never the line's own noun said back
    who = beat.who or "the singer"
    slots = dict(handle=h, next=nxt, section=section_phrase(beat.section), who=who, detail=detail,
                 key=f"the {key}" if key else "this line")
    v = beat.variant
    action = _fill(p["actions"][beat.stage][v % len(p["actions"][beat.stage])], **slots)
    # the arc: the image whole, a detail, someone answering it, the image turning, what it became
    subject = {"establish": beat.image, "detail": detail, "reaction": who, "transformation": h,
               "payoff": beat.image if beat.recurs else beat.next_image}[beat.stage]
    # the picture itself, as reasons and why-generative sentences name it (said as an object)
    slots.update(shown=clean(f"{subject} {action}"), place=clean(beat.setting) or section_phrase(beat.section),
                 it="the line" if beat.lines else slots["section"])
    tails = (f"here in {section_phrase(beat.section)}", f"as {detail} comes into view", f"with {nxt} still ahead")
    # a sung shot's reason names the picture briefly, so the line's reading stays what it is about
    said = dict(slots, shown=clean(subject)) if beat.lines else slots
    # a picture seen before (the same image, the same action) is named briefly where naming it whole would
    # repeat another shot's words
    brief = dict(slots, shown=clean(subject) if subject != beat.image else handle(subject))
    reason = _unique(lambda k: _reason(beat, said if k < 6 else brief, v + k), used_reasons, tails)
    if beat.heard is not None and beat.lines:
        turn = turn_of(beat.lines[0], beat.prev_line, _what(beat.lines[0]))
        beat.heard.update(x for x in (turn[0] if turn else "", as_clause(beat.piece)) if x and x in reason)
    # a why names a picture already named in another shot's why by its short name and what it does here
    named = subject == beat.image and any(beat.image.lower() in w for w in used_whys)
    own = dict(slots, shown=clean(f"{handle(subject)} {action}")) if named else slots
    first = beat.heard is not None and not used_whys  # the plan's first shot
    # each of the artist's reasons closes at most KERNEL_SHARE of the plan's whys so far (once before that):
    # their terms, never a refrain (the stronger suite's why_generative_specificity holds shared runs under 14 %)
    kernels = [x for x in artist_kernels(beat.artist_why)
               if sum(x.lower() in w for w in used_whys) < max(1, int(KERNEL_SHARE * len(used_whys)))]
    why = _unique(lambda k: _why(beat, own if k < 6 else brief, v + k, first, kernels), used_whys, tails)
    if beat.heard is not None:  # the artist's argument is quoted once in a plan, never as every shot's refrain
        beat.heard.update(r for r in artist_reasons(beat.artist_why) if f"“{r}”" in why)
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
    if key and not set(key.split()) <= NOT_THINGS:  # 'true' of 'a true love' is not a thing to name
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
    if what.split()[1:] == re.findall(r"[a-z']+", line.lower()):  # "Neon teeth" is only its thing: name the noun
        what = f"the {what.split()[-1]}"
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
            parts.append(_agreed(_pick(forms["plain"], v).replace("{with}", ""), {"what": own[0]}))
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
        parts.append(_agreed(_pick(forms["plain"], v).replace("{with}", with_), {"what": what}))
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


def _pick(options: list[str], v: int) -> str:
    return options[v % len(options)]


def artist_reasons(argument: str) -> list[str]:
    """The artist's own argument for generating, as the clauses they said, to be quoted: "we can't flood a
    house, and the weed has to grow on the coat in one continuous shot" → ["we can't flood a house", 'the weed
    has to grow on the coat in one continuous shot']. Empty when the only reason is cost."""
    from .pushback import cheap_only

    if not argument.strip() or cheap_only(argument):
        return []
    text = re.sub(r"(?i)^\s*(?:why generative|why ai|why generated)\s*[:?-]\s*", "", argument.strip())
    parts = re.split(r"(?<=[.!?;])\s+|;\s*|,\s*(?:and|but|so|while)\s+|\s+[-—]\s+|\s+and\s+(?=(?:we|i|you|it|nobody"
                     r"|there|no one)\b)", text)
    out = []
    for part in parts:
        part = re.sub(r"(?i)^\s*(?:because|since|cause|well|so|and|but|also|honestly|basically|obviously)[\s,]+", "",
                      part).strip(" .;,\"“”")
        if len(part.split()) >= 3:
            out.append(part[:1].lower() + part[1:] if not re.match(r"I\b", part) else part)
    return out


def artist_kernels(argument: str) -> list[str]:
    """The artist's reasons re-voiced to follow 'and' or 'since' in a sentence about any one picture: "the sea
    folding up like a blanket cant be filmed, theres no rig on earth for that" → ["it can't be filmed", "there's
    no rig on earth for that"]; "we cant flood a house" stays theirs. Empty when the only reason is cost."""
    out = []
    # a reason that stands alone ('there's no rig on earth for that') is its own; one that leans on the clause
    # before it ('…, its not safe', '…, we cant do that') stays with it
    clauses = [re.sub(r",\s+(?=(?:it|its|it's|we|that|this|you|i)\b)", ", and ", x.strip()) for r in artist_reasons(argument)
               for x in re.split(r"(?i),\s+(?=(?:there|theres|no)\b)", r) if x.strip()]
    for said in clauses:
        said = re.sub(r"(?i)\bits\s+(?=(?:not|a|an|the|just|so|too|impossible|cgi|way)\b)", "it's ", spelled(said))
        said = re.sub(r"(?i)\bI\b", "you", re.sub(r"(?i)\bmy\b", "your", said))  # the artist's 'I' said back to them
        claim = CLAIM.search(said)
        if claim and "," not in said[:claim.start()] and impossible_thing(said):  # 'X can't be filmed' → 'it can't be filmed' (X is the picture)
            said = "it" + said[claim.start():]
        elif re.match(r"(?i)no\s", said) and not re.search(r"(?i)\b(?:can|could|would|will|is|are|does|do)\b", said):
            said = f"there is {said}"  # 'no way to film that' → 'there is no way to film that'
        out.append(said[:1].lower() + said[1:])
    return list(dict.fromkeys(out))


def _overlap(a: str, b: str) -> int:
    def words(t: str) -> set[str]:
        return {w.rstrip("s") for w in re.findall(r"[a-z]+", t.lower()) if w not in STOP and len(w) > 2}
    return len(words(a) & words(b))


CLAIM = re.compile(r"\s+(?:cannot|can't|can ?not|could not|couldn't|(?:is|are) (?:impossible|not possible) to)\b", re.I)
WHO = {"we", "i", "you", "they", "nobody", "no one", "it", "there", "he", "she"}


def impossible_thing(clause: str) -> str:
    """What the artist says a camera cannot make, as the short name of the thing they said it of: "a kitchen
    silently rearranging itself around her can't be built or filmed" → 'the kitchen'; '' when the clause is
    about us ("we can't flood a house") or is not said as 'X cannot be …' in English."""
    m = CLAIM.search(clause)
    thing = clause[:m.start()].strip() if m else ""
    # "impossible objects like a shirt of fog and a field …": the things named, not the category
    thing = re.sub(r"(?i)^.*?\b(?:like|such as)\s+", "", thing)
    words = [w for w in thing.split() if not (w.endswith("ly") and len(w) > 5)]  # 'silently', not the thing
    cut = next((i for i, w in enumerate(words) if i and w.lower() in PLACE_WORDS), len(words))  # 'a sky inside …'
    words = words[:cut]
    if not words or " ".join(words).lower() in WHO:
        return ""
    return handle(" ".join(words))


PLACE_WORDS = {"inside", "within", "beneath", "behind", "above", "below", "across", "through", "around", "under",
               "over", "in", "on", "at"}


def _fits(reason: str, shown: str) -> bool:
    """Does the artist's reason speak of this picture (a content word in common)?"""
    return _overlap(reason, shown) > 0


def _named_in(thing: str, shown: str) -> bool:
    said = {w.rstrip("s") for w in re.findall(r"[a-z]+", shown.lower())}
    return all(w.rstrip("s") in said for w in re.findall(r"[a-z]+", thing.lower()) if w not in STOP)


KERNEL_SHARE = 0.13  # of the plan's whys so far that one of the artist's reasons may close


def _why(beat: Beat, slots: dict[str, str], v: int, first: bool = False, kernels: list[str] | None = None) -> str:
    p = phrasing()
    reasons = artist_reasons(beat.artist_why)
    # this picture: what it shows (a transformation and a payoff show the image it turns into too)
    seen = f"{slots['shown']} {beat.image if beat.stage in ('establish', 'detail', 'reaction') else ''}"
    fits = [r for r in reasons if _fits(r, seen)]
    quoted = beat.heard if beat.heard is not None else set()
    # the artist's own argument, quoted once, on the first picture it speaks of; said of the whole video (no
    # picture names its words: 'metal turning into living wood' over copper roots), on the plan's first shot
    fresh = [r for r in fits if r not in quoted] or ([r for r in reasons if r not in quoted] if first else [])
    if fresh:
        frame = _fill(_pick(p["why_artist"][beat.stage], v), **slots)
        said = _pick(p["as_you_said"], v // 2)
        return tidy(f"{frame}: {said}, “{fresh[0]}”.")
    # (a picture that is already named as that thing says what a camera cannot do in its own terms, below)
    things = [t for t in (impossible_thing(r) for r in fits) if t and not _named_in(t, slots["shown"])]
    if things:  # quoted before: what this picture does to the thing the artist named, in their terms, unquoted
        text = _fill(_pick(p["why_echo"][beat.stage], v), **slots, thing=things[0])
        return tidy(text + ".")
    # what this picture asks of a camera, then one of the artist's reasons, taken in turn shot by shot (the
    # shot's own variant, not the wording's retry), each only as often as KERNEL_SHARE allows
    if kernels:
        kernel = kernels[beat.variant % len(kernels)]
        return tidy(_fill(_pick(p["why_kernel"][beat.stage], v), **slots).replace("{kernel}", kernel) + ".")
    text = _fill(p["why"][beat.stage][v % len(p["why"][beat.stage])], **slots)
    if beat.stage == "establish" and beat.section_why and v % 3 == 0:
        text += f": {beat.section_why[0].lower() + beat.section_why[1:]}"
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
