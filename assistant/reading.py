"""What a lyric line means for this song, read from the artist's own answers (guided mode, no LLM).

A director reading "Falling again" after "Falling" hears the turn on "again": the fall comes round a
second time. A line is read three ways, all from material the artist or the song supplied:
- its turn: a word that changes the sense of the line ("again", "never", "almost", "still"), glossed
  from prompts/guided/writing.yaml with the line's own other words;
- what it adds to the line before it;
- the artist's answer (meaning, story, the section's own note) that speaks to this line rather than the
  song's other lines — chosen with the same offline MiniLM the critic uses.
"""

from __future__ import annotations

import re

from .prompts import load_yaml

SMALL = set("""a an the and or but so to of in on at by for with from into as is are was were be been am i me my you
your he him his she her it its we us our they them their this that these those there here then when while if
will would can could do does did not just oh ah la na yeah""".split())


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z']+", text.lower().replace("’", "'")) if w not in SMALL]


def _glosses() -> dict[str, str]:
    return load_yaml("guided/writing.yaml")["turns"]


def turn_of(line: str, prev: str = "", what: str = "it") -> tuple[str, str] | None:
    """(the word the line turns on, its gloss about `what` the line is about), or None."""
    said = _words(line)
    before = set(_words(prev))
    turns = _glosses()
    found = [w for w in said if w in turns]
    if not found:
        return None
    word = next((w for w in found if w not in before), found[0])
    follows = re.search(rf"\b{word}\s+([a-z]+)", line.lower())
    if word in ("same", "no") and follows and follows.group(1) not in SMALL:
        what = f"the {follows.group(1)}"  # 'the same shirt': the shirt is what keeps returning
    gloss = turns[word]
    if re.search(r"[^s']s$", what.split()[-1]) and what != "it":  # 'the hands survive', not 'survives'
        gloss = re.sub(r"\{what\} (\w+)", lambda m: "{what} " + plural_verb(m.group(1)), gloss, count=1)
    return word, gloss.replace("{what}", what)


def plural_verb(verb: str) -> str:
    """The verb after a plural subject: 'is' → 'are', 'survives' → 'survive', 'carries' → 'carry';
    a word that is not a present-tense verb ('at', 'becoming', 'across') stays."""
    irregular = {"is": "are", "has": "have", "was": "were", "does": "do", "goes": "go"}
    if verb in irregular:
        return irregular[verb]
    if not re.fullmatch(r"[a-z]+s", verb) or verb.endswith(("ss", "us", "is")) or verb in SMALL:
        return verb
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(sh|ch|x|z)es$", verb):
        return verb[:-2]
    return verb[:-1]


_DET = r"(?:the|a|an|my|your|our|their|his|her|its|every|each|this|that)"


def things_in(line: str) -> list[str]:
    """The things a line names with a determiner: 'out of our names' → 'our names'."""
    found = re.findall(rf"(?i)\b({_DET})\s+([a-z]+)\b", line.replace("’", "'"))
    return list(dict.fromkeys(f"{d.lower()} {w.lower()}" for d, w in found if w.lower() not in SMALL and len(w) > 2))


def metaphor_of(line: str) -> tuple[str, str] | None:
    """'Every window is a mouth' → ('every window', 'a mouth'): a line that says one thing is another."""
    m = re.search(rf"(?i)\b({_DET}\s+)?([a-z]+)\s+(?:is|are|was|were|becomes?|turns? into)\s+({_DET}\s+)?([a-z]+)\b",
                  line)
    if not m or m.group(2).lower() in SMALL or m.group(4).lower() in SMALL or len(m.group(4)) < 3:
        return None
    if not m.group(3):
        return None  # 'the kettle is on', 'every mouth is open': a state, not one thing being another
    a = f"{(m.group(1) or 'the ').lower()}{m.group(2).lower()}"
    b = f"{(m.group(3) or '').lower()}{m.group(4).lower()}"
    return a.strip(), b.strip()


def _opposites() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in load_yaml("guided/writing.yaml")["opposites"]:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def contrast_of(line: str, other: str) -> tuple[str, str, str] | None:
    """A word of this line whose opposite the other line sings, when the other line does not sing the word
    itself, with the thing it is said of when it comes right before one: 'Cold hands on the glass' /
    'Warm heart' → ('cold', 'warm', 'the hands'); 'Falling at night' / 'Rising by day' → ('night', 'day', '')."""
    mine = re.findall(r"[a-z']+", line.lower().replace("’", "'"))
    theirs = set(re.findall(r"[a-z']+", other.lower().replace("’", "'")))
    opposite = _opposites()
    for i, w in enumerate(mine):
        found = [o for o in opposite.get(w, ()) if o in theirs and w not in theirs and o not in mine]
        if found:
            after = mine[i + 1] if i + 1 < len(mine) else ""
            said_of = f"the {after}" if after and after not in SMALL and after not in opposite and len(after) > 2 else ""
            person = next((p for p in reversed(mine[max(0, i - 3):i]) if p in _PERSON), "")
            return w, found[0], said_of or (role_name(person) if person else "")  # 'we were young': of them
    return None


def added(line: str, prev: str) -> list[str]:
    """The words this line brings that the line before it did not have."""
    if not prev:
        return []
    before = set(_words(prev))
    return [w for w in dict.fromkeys(_words(line)) if w not in before and "'" not in w and len(w) > 2]


def closest_pieces(lines: list[str], pieces: list[str]) -> dict[str, str]:
    """For each line, the artist's piece that speaks to it more than to the song's other lines
    ('' when no piece is nearer to it than to the others, or there are no pieces)."""
    pieces = [p for p in dict.fromkeys(pieces) if len(p.split()) >= 3]
    lines = list(dict.fromkeys(x for x in lines if x.strip()))
    if not pieces or not lines:
        return {}
    from . import critic

    sims = critic.embed(lines) @ critic.embed(pieces).T  # lines × pieces
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        others = sims[[j for j in range(len(lines)) if j != i]].mean(axis=0) if len(lines) > 1 else 0 * sims[i]
        margin = sims[i] - others
        best = int(margin.argmax())
        if sims[i][best] > 0.15 and (len(lines) == 1 or margin[best] > 0):
            out[line] = pieces[best]
    return out


def as_clause(piece: str) -> str:
    """An answer as a clause to follow 'for you': lower-cased start, no closing full stop, short."""
    text = piece.strip(" .;:,")
    text = re.sub(r"(?i)^(?:the\s+)?(?:story|meaning|motifs?|feeling|images?)\s*:\s*", "", text)  # 'the story: a tailor …'
    text = re.sub(r"(?i)^(it is|it's|its|this is|the song is|it)\s+(about\s+)?", "", text)
    # 'a love song that is really about time running out': what it is about, not the kind of song
    text = re.sub(r"(?i)^(?:a|an)\s+(?:[a-z'-]+\s+){0,2}song\s+(?:(?:that|which)\s+(?:is|'s)\s+)?"
                  r"(?:really\s+|actually\s+|secretly\s+)?about\s+", "", text)
    text = re.sub(r"(?i)^(?:this|like this|as follows)\s*[:.]\s*", "", text)  # 'about this: A tiny song …'
    first = text.split(" ")[0] if text else ""
    if first and first != "I" and not first.isupper() or first in ("A",):
        text = text[0].lower() + text[1:]
    return " ".join(text.split()[:16])


# The roles a line gives its people and things: 'I' and 'me' are one role-holder, so are 'your' and 'you'.
_PERSON = {"i": "i", "me": "i", "my": "i", "mine": "i", "myself": "i", "you": "you", "your": "you", "yours": "you",
           "he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "we": "we", "us": "we", "our": "we",
           "they": "they", "them": "they", "their": "they"}
_AS_OBJECT = {"i": "me", "you": "you", "he": "him", "she": "her", "we": "us", "they": "them"}
# irregular verbs: form → (base, past participle)
_IRREGULAR = {"kept": ("keep", "kept"), "wore": ("wear", "worn"), "worn": ("wear", "worn"), "held": ("hold", "held"),
              "took": ("take", "taken"), "taken": ("take", "taken"), "gave": ("give", "given"),
              "given": ("give", "given"), "made": ("make", "made"), "left": ("leave", "left"),
              "found": ("find", "found"), "lost": ("lose", "lost"), "caught": ("catch", "caught"),
              "brought": ("bring", "brought"), "built": ("build", "built"), "drew": ("draw", "drawn"),
              "drawn": ("draw", "drawn"), "saw": ("see", "seen"), "seen": ("see", "seen"), "knew": ("know", "known"),
              "swallowed": ("swallow", "swallowed"), "wrote": ("write", "written"), "sang": ("sing", "sung"),
              "fed": ("feed", "fed"), "led": ("lead", "led"), "bore": ("bear", "borne"), "chose": ("choose", "chosen"),
              "broke": ("break", "broken"), "ate": ("eat", "eaten"), "told": ("tell", "told"), "sold": ("sell", "sold"),
              "taught": ("teach", "taught"), "bought": ("buy", "bought"), "shook": ("shake", "shaken"),
              "buried": ("bury", "buried"), "carried": ("carry", "carried"), "hid": ("hide", "hidden")}

IRREGULAR_PAST = frozenset(_IRREGULAR)


def base_of(word: str) -> str:
    """'kept' → 'keep', 'carries' → 'carry', 'follows' → 'follow', 'waited' → 'wait' (a rough stem)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w][0]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("ied"):
        return w[:-3] + "y"
    if len(w) > 4 and re.search(r"(sh|ch|ss|x|z)es$", w):
        return w[:-2]
    if len(w) > 4 and w.endswith("ed"):
        return w[:-2] if not re.search(r"([^aeiou])\1ed$", w) else w[:-3]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _participle(base: str) -> str:
    for b, pp in _IRREGULAR.values():
        if b == base:
            return pp
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + ("d" if base.endswith("e") else "ed")


# verbs whose doer has a plain English name ('keeper'); any other verb's doer is 'one counting', since
# 'counter', 'drawer' or 'singer' (which is what the song calls its 'I') name something else
_AGENT_NOUNS = frozenset("""keep carry wear paint build hold lead teach write follow hunt guard watch own rule
sell buy find lose dream swallow bury burn feed fight heal love hate haunt kill save steal break bear""".split())


def _agent(base: str) -> str:
    """'keep' → 'keeper', 'carry' → 'carrier', 'wear' → 'wearer'; 'count' → 'one counting'."""
    if base not in _AGENT_NOUNS:
        stem = base[:-1] if base.endswith("e") and not base.endswith(("ee", "ye")) else base
        if re.search(r"[^aeiou][aeiou][bdgmnpt]$", base) and len(base) <= 4:
            stem = base + base[-1]  # 'swim' → 'swimming'
        return f"one {stem}ing"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ier"
    return base + ("r" if base.endswith("e") else "er")


def _roles(line: str) -> list[tuple[str, str]]:
    """(role key, words as sung) for each person and content word, in order: 'Your coat wore me' →
    [('you', 'Your'), ('coat', 'coat'), ('wear', 'wore'), ('i', 'me')]."""
    out = []
    for w in re.findall(r"[A-Za-z']+", line.replace("’", "'")):
        low = w.lower()
        if low in _PERSON:
            out.append((_PERSON[low], w))
        elif low not in SMALL and "'" not in low and len(low) > 2:
            out.append((base_of(low), w))
        elif low in ("kept", "held", "made", "took"):
            out.append((base_of(low), w))
    return out


def _side(roles: list[tuple[str, str]], pivot: str) -> tuple[list[str], list[str]]:
    keys = [k for k, _ in roles]
    i = keys.index(pivot)
    return keys[:i], keys[i + 1:]


def reversal_of(line: str, earlier: str) -> dict[str, str] | None:
    """A line that turns an earlier one around: the same verb, with what stood before it in the earlier
    line now after it and the other way round ('I fed the fire all night' → 'The fire fed me'). Returns the
    verb's base, the earlier subject and object as the new line names them, or None."""
    now, then = _roles(line), _roles(earlier)
    if not now or not then:
        return None
    shared = [k for k, _ in now if k in {k2 for k2, _ in then}]
    inflected = {k for k, w in now + then if k != w.lower()}  # 'kept', 'holds': a verb more likely than 'map'
    for pivot in sorted(shared, key=lambda k: k not in inflected):
        if pivot in _PERSON.values():
            continue
        before_now, after_now = _side(now, pivot)
        before_then, after_then = _side(then, pivot)
        was_subject = [k for k in before_then if k in after_now]
        was_object = [k for k in after_then if k in before_now]
        if was_subject and was_object:
            words = dict(now + then)
            people = set(_PERSON.values())  # 'your map': the map is the one acting, not 'you'
            subj = next((k for k in was_subject if k not in people), was_subject[0])
            obj = next((k for k in was_object if k not in people), was_object[0])
            return {"verb": pivot, "agent": _agent(pivot), "done": _participle(pivot),
                    "old_subject": _named(subj, False, words), "old_object": _named(obj, True, words),
                    "new_subject": _named(obj, False, words), "new_object": _named(subj, True, words),
                    "sung": words.get(pivot, pivot)}
    return None


def _named(key: str, as_object: bool, sung: dict[str, str]) -> str:
    """A role as a sentence names it: 'i' → 'I' or 'me'; a thing as sung ('the days', not 'the day')."""
    if key in _AS_OBJECT:
        return _AS_OBJECT[key] if as_object else ("I" if key == "i" else key)
    return f"the {sung.get(key, key).lower()}"


def changed_word(line: str, earlier: str) -> tuple[str, str] | None:
    """A line that comes back with one word changed: ('the door', 'the window') → ('door', 'window')."""
    a = re.findall(r"[a-z']+", earlier.lower().replace("’", "'"))
    b = re.findall(r"[a-z']+", line.lower().replace("’", "'"))
    if len(a) != len(b) or len(a) < 3:
        return None
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    if len(diff) == 1 and base_of(diff[0][0]) != base_of(diff[0][1]):
        return diff[0]
    return None


# A person a line names only as the one something is done for ('on for you'), said as a reason would.
_OWN_PERSON = {"you": "someone else", "he": "him", "she": "her", "we": "the two of them", "they": "them",
               "i": "the singer"}
_PREPOSITIONS = ("for", "to", "with", "without", "from", "at", "in", "on", "under", "over", "by", "beside", "behind",
                 "across", "through", "into", "near", "past", "until", "after", "before")
_QUANTIFIERS = ("all", "every", "each")  # 'all winter', 'every night': a time the line alone gives
_OWN_DET = {"my": "the singer's", "our": "their", "your": "someone else's", "the": "the", "a": "a", "an": "an", "his": "his",
            "her": "her", "their": "their", "its": "its"}


def own_part(line: str, other: str, skip: set[str] = frozenset()) -> str:
    """What only this line has, as the phrase that carries it: 'I kept the lamp lit for you' against
    'The lamp kept me' → 'for someone else'; 'We danced all winter in my kitchen' against 'Winter danced us'
    → 'in the singer's kitchen'; '' when the
    other line has every person and thing this one names (role keys in `skip` are not counted)."""
    theirs = {k for k, _ in _roles(other)} | set(skip)
    tokens = re.findall(r"[A-Za-z']+", line.replace("’", "'"))
    for i, w in enumerate(tokens):
        low_w = w.lower()
        if low_w not in _PREPOSITIONS + _QUANTIFIERS or i + 1 >= len(tokens):
            continue
        rest = [x.lower() for x in tokens[i + 1:i + 3]]
        det = rest[0] in _OWN_DET and low_w not in _QUANTIFIERS
        noun = rest[1] if det and len(rest) > 1 else rest[0]
        key = _PERSON.get(noun) or (base_of(noun) if noun not in SMALL and len(noun) > 2 else "")
        if not key or key in theirs:
            continue
        if noun in _PERSON and not det and low_w not in _QUANTIFIERS:
            return f"{low_w} {_OWN_PERSON.get(key, noun)}"
        if det:
            return f"{low_w} {_OWN_DET[rest[0]]} {noun}"
        if low_w in _QUANTIFIERS:
            return f"{low_w} {noun}"  # a bare noun after 'to' or 'in' is a verb or an idiom ('to sleep', 'in love')
    return ""


def setup_of(line: str, nxt: str) -> dict[str, str] | None:
    """What a line sets up that the next one answers, read from the next line:
    - 'reversal': the next line turns this one around ('I fed the fire with my letters' → 'The fire fed
      on me'): {doer} is the one doing it here, {agent} what that makes them, {own} what only this line has;
    - 'changed': the next line comes back with one word changed: {old} is the word that will go;
    - 'echo': the next line comes back to most of this one's words: {own} what only this line has.
    None when the next line neither turns, changes nor repeats this one."""
    if not nxt or not line or re.findall(r"[a-z']+", nxt.lower()) == re.findall(r"[a-z']+", line.lower()):
        return None
    turned = reversal_of(nxt, line)
    if turned:
        keys = {k for k, _ in _roles(line) if k in {k2 for k2, _ in _roles(nxt)}}
        doer = turned["old_subject"]
        return {"kind": "reversal", "doer": role_name(doer), "agent": turned["agent"],
                "own": own_part(line, nxt, keys)}
    swapped = changed_word(nxt, line)
    if swapped and swapped[0] not in _PERSON:  # 'behind you' → 'behind me': whom it is for, said as an echo
        return {"kind": "changed", "old": swapped[0], "new": swapped[1]}
    mine, theirs = _words(line), set(_words(nxt))
    shared = [w for w in dict.fromkeys(mine) if w in theirs and len(w) > 2]
    contrast = contrast_of(line, nxt)
    if contrast:
        return {"kind": "contrast", "mine": contrast[0], "what": contrast[2]}
    if len(shared) >= 2 and len(shared) * 2 >= len(set(mine)):
        alone = [w for w in dict.fromkeys(mine) if w not in theirs and len(w) > 2 and "'" not in w]
        own = own_part(line, nxt) or (" and ".join(alone[:2]) if alone else "")
        return {"kind": "echo", "own": own} if own else None
    return None


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def section_phrase(name: str) -> str:
    """How a sentence names a section, with its determiner: 'chorus' → 'the chorus'; an analysis
    letter label 'B' (or 'B2', "A'") → 'the second section'; a letter section sung again ('A 2', as the
    planner keys it, or 'second A') → 'the return of the first section'; no name → 'this part'."""
    name = " ".join(name.split())
    m = re.fullmatch(r"([A-Za-z])(?:\d+|'+|’+)?", name)
    if m:
        n = ord(m.group(1).upper()) - ord("A")
        return f"the {ORDINALS[n]} section" if n < len(ORDINALS) else "this part"
    again = re.fullmatch(r"([A-Z]) (\d+)", name) or re.fullmatch(rf"({'|'.join(ORDINALS)}) ([A-Z])", name)
    if again:
        letter, k = (again.group(1), int(again.group(2))) if again.group(1).isupper() and len(again.group(1)) == 1 \
            else (again.group(2), ORDINALS.index(again.group(1)) + 1)
        first = section_phrase(letter)
        if k == 1:
            return first
        return f"the return of {first}" if k == 2 else f"the {ORDINALS[min(k - 2, 9)]} return of {first}"
    if not name or not re.search(r"[a-z]{2}", name.lower()):
        return "this part"
    numbered = re.fullmatch(r"([a-z][a-z ]*[a-z]) (\d+)", name)  # 'verse 2' → 'the second verse'
    if numbered and 1 <= int(numbered.group(2)) <= len(ORDINALS):
        return f"the {ORDINALS[int(numbered.group(2)) - 1]} {numbered.group(1)}"
    if re.match(r"(?i)(the|this|that|a|an)\s", name):
        return name
    return f"the {name}"


_ROLE_NAMES = {"i": "the singer", "me": "the singer", "you": "the one the song speaks to", "he": "he", "him": "he",
               "she": "she", "her": "she", "we": "the two of them", "us": "the two of them", "they": "they",
               "them": "they"}


def role_name(name: str) -> str:
    """A person as a line's roles name them ('I', 'me') said in the third person: 'the singer'."""
    return _ROLE_NAMES.get(name.lower(), name)
