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
