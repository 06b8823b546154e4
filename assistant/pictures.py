"""What in the artist's words and the song's lines is a picture: a concrete noun phrase ('his jacket on the
hook', 'the porch light', 'letters on the glass'), never a function word, an adjective left alone by a
cut line ('the true', 'the same') or an abstraction ('the way', 'the end'). Guided mode builds the parts
the artist left to it ("you choose") from these, the brief's own things first.

    pictures_in("she keeps his jacket on the hook by the door")   # ['his jacket on the hook', 'the door']
    pictures_in("For I have loved you well and long, the true")   # []
"""

from __future__ import annotations

import re

from .phrases import ADVERBS, DETERMINERS, NOT_THINGS, STOP
from .reading import IRREGULAR_PAST

# a word that can stand after 'the' but shows nothing: an adjective alone, an abstraction, a measure of time
NOT_SEEN = NOT_THINGS | set("""same whole other others first last next only own real right wrong best worst good bad new
old big small little young dead lost gone sweet dark cold warm empty full quiet still kind sort way ways time times end
ending shape use thing things part parts rest point reason idea ideas truth fact life love world feeling feelings moment
moments lot bit bits one ones again song songs video verse chorus bridge intro outro story meaning lyric lyrics
words word line lines name names day days year years night nights while top bottom side middle start beginning
anything everything nothing something someone everyone nobody camera cameras crew budget money shoot cgi job jobs work career chance plan plans dream dreams memory
memories future past hope fear overseas abroad tonight today tomorrow yesterday forever""".split())
# people are who the shots follow (the reaction shot's someone), not an image to build a part on
PEOPLE = set("""dad mum mom mother father grandad grandpa grandma nan nana gran grandparents grandmother grandfather
parents brother sister son daughter uncle aunt wife husband friend friends girl boy girls boys man men woman women kid
kids child children people person baby family lover singer band""".split())
WH = {"cannot", "whose", "whom", "whoever", "whatever", "wherever", "whenever", "which", "that"}
ING_NOUNS = {"ceiling", "building", "morning", "evening", "ring", "wing", "string", "spring", "painting", "clothing",
             "railing", "landing", "wedding", "swing", "bedding", "stocking", "awning", "carving", "sling"}
_PLACE = r"(?:on|in|by|under|at|against|beside|behind|inside|across|over|through|outside|above|below|near)"
_WORD = r"[a-z][a-z'-]+"


def _seen(word: str) -> bool:
    """A head word we could see: a noun that is not a function word, an adjective alone or an abstraction."""
    w = word.lower().strip("'")
    if len(w) < 3 or w in STOP or w in ADVERBS or w in NOT_SEEN or w in IRREGULAR_PAST or w in WH or w in PEOPLE or "'" in w:
        return False
    if w.endswith("ing") and w not in ING_NOUNS:
        return False
    return not re.search(r"(?:ly|ed)$", w) or w in ("bed", "shed", "sled", "reed", "seed", "weed", "thread", "bread",
                                                    "shred", "head", "sled")


OPENS = ("the", "a", "an", "his", "her", "their", "my", "our", "your", "these", "those")  # 'its', 'this': often 'it's'


def _noun_phrase(words: list[str], after: str = "") -> list[str]:
    """The longest start of `words` (after a determiner) that ends on a word we could see: ['porch', 'light',
    'burning'] → ['porch', 'light']; ['sea', 'comes'] before 'into' → ['sea'] (a verb, not a thing); [] when none."""
    for n in range(min(3, len(words)), 0, -1):
        head, mods = words[n - 1], words[:n - 1]
        if head.lower() in NOT_SEEN | PEOPLE:  # 'a tiny song', 'the old man': the thing is one we do not show
            return []
        nxt = words[n] if n < len(words) else after
        plural_head, plural_mod = (bool(re.search(r"[^s']s$", x.lower())) for x in (head, mods[-1] if mods else ""))
        verb_like = bool(mods) and (nxt.lower() in DETERMINERS | {"be", "been", "not"} or plural_head != plural_mod and
                                    bool(re.fullmatch(_PLACE + "|into|onto|to|out|up|down|away|off", nxt.lower())))
        if _seen(head) and not verb_like and all(m.lower() not in STOP and not m.lower().endswith("ly") for m in mods):
            return words[:n]
    return []


def pictures_in(text: str) -> list[str]:
    """The concrete noun phrases in `text`, in order, each with a place it is in when said ('his jacket on the
    hook'); 'my'/'our'/'your' said as 'the' (the picture, not whose it is)."""
    said = re.sub(r"(?i)\b(\w+)'s\s+(?=(?:only|just|still|all|not|gone|rising|falling|here|there|up|down|on|off)\b)",
                  r"\1 ", (text or "").replace("’", "'"))  # "the water's only rising": the water
    tokens = re.findall(r"[\w'-]+|[^\w\s]", said)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower() not in OPENS:
            i += 1
            continue
        run = []
        for t in tokens[i + 1:i + 4]:
            if not re.fullmatch(_WORD, t, re.I) or t.lower() in DETERMINERS or t.lower() in STOP:
                break
            run.append(t)
        after = tokens[i + 1 + len(run)] if i + 1 + len(run) < len(tokens) else ""
        noun = _noun_phrase(run, after)
        det = tokens[i].lower()
        j = i + 1 + len(noun)
        of = _of_after(tokens, i + 1 + len(run)) if len(noun) == len(run) or not noun else []
        if of:  # 'the shape of rain', 'a sickle of leather': the thing is after 'of'
            noun, j = run + of, i + 1 + len(run) + len(of)
        if not noun:
            i += 1
            continue
        phrase = [("the" if det in ("my", "our", "your") else det), *[w.lower() for w in noun]]
        place = _place_after(tokens, j)
        if place:
            phrase += place
            j += len(place)
        out.append(" ".join(phrase))
        i = j
    return list(dict.fromkeys(out))


def _of_after(tokens: list[str], j: int) -> list[str]:
    """'of rain', 'of the sea' after a measure or a shape: ['of', 'rain']; [] when no thing follows 'of'."""
    if j >= len(tokens) or tokens[j].lower() != "of":
        return []
    k = j + 1 + (j + 1 < len(tokens) and tokens[j + 1].lower() in OPENS)
    return [*tokens[j:k], tokens[k]] if k < len(tokens) and _seen(tokens[k]) else []


def _place_after(tokens: list[str], j: int) -> list[str]:
    """'on the hook' after a thing: the preposition, a determiner and a thing we could see; [] when not."""
    if j + 2 >= len(tokens) + 0 or not re.fullmatch(_PLACE, tokens[j], re.I) or tokens[j + 1].lower() not in DETERMINERS:
        return []
    run = [t for t in tokens[j + 2:j + 4] if re.fullmatch(_WORD, t, re.I)]
    cut = next((k for k, t in enumerate(run) if t.lower() in STOP), len(run))
    noun = _noun_phrase(run[:cut], tokens[j + 2 + cut] if j + 2 + cut < len(tokens) else "")
    return [tokens[j].lower(), tokens[j + 1].lower(), *[w.lower() for w in noun]] if noun else []


def is_picture(phrase: str) -> bool:
    """True for a phrase whose last word is a thing we could see ('the porch light'); False for 'the true',
    'the its', 'the same', 'the way'."""
    words = re.findall(r"[a-z][a-z'-]*", (phrase or "").lower())
    return bool(words) and _seen(words[-1])


def is_fragment(word: str) -> bool:
    """A word that names nothing when a line is cut to it: 'true' of 'a true love', 'its', 'well'."""
    w = word.lower()
    return w in STOP or w in NOT_THINGS or w in ADVERBS or w in WH or w.endswith("ly")
