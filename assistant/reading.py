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
    text = re.sub(r"(?i)^(it is|it's|this is|the song is|it)\s+(about\s+)?", "", text)
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


def _agent(base: str) -> str:
    """'keep' → 'keeper', 'carry' → 'carrier', 'wear' → 'wearer', 'hide' → 'hider'."""
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
    line now after it and the other way round ('I kept the light on' → 'The light kept me'). Returns the
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

            def name(key: str, as_object: bool) -> str:
                if key in _AS_OBJECT:
                    return _AS_OBJECT[key] if as_object else ("I" if key == "i" else key)
                return f"the {key}"
            return {"verb": pivot, "agent": _agent(pivot), "done": _participle(pivot),
                    "old_subject": name(subj, False), "old_object": name(obj, True),
                    "new_subject": name(obj, False), "new_object": name(subj, True), "sung": words.get(pivot, pivot)}
    return None


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


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def section_phrase(name: str) -> str:
    """How a sentence names a section, with its determiner: 'chorus' → 'the chorus'; an analysis
    letter label 'B' (or 'B2', "A'") → 'the second section'; no name → 'this part'."""
    name = " ".join(name.split())
    m = re.fullmatch(r"([A-Za-z])(?:\d+|'+|’+)?", name)
    if m:
        n = ord(m.group(1).upper()) - ord("A")
        return f"the {ORDINALS[n]} section" if n < len(ORDINALS) else "this part"
    if not name or not re.search(r"[a-z]{2}", name.lower()):
        return "this part"
    if re.match(r"(?i)(the|this|that|a|an)\s", name):
        return name
    return f"the {name}"


_ROLE_NAMES = {"i": "the singer", "me": "the singer", "you": "the one the song speaks to", "he": "he", "him": "he",
               "she": "she", "her": "she", "we": "the two of them", "us": "the two of them", "they": "they",
               "them": "they"}


def role_name(name: str) -> str:
    """A person as a line's roles name them ('I', 'me') said in the third person: 'the singer'."""
    return _ROLE_NAMES.get(name.lower(), name)
