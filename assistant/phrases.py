"""The artist's words as phrases a shot can use: a clause made a noun phrase ('the kettle steam draws his
face' → 'the kettle steam drawing his face'), an image's short name ('the seamless shirt'), the thing a
lyric line names, a detail to go close on, the images and the camera-can't reason in a section note, and
the tidying every written sentence gets. Used by the guided writer, planner and pushback.
"""

from __future__ import annotations

import re

from .reading import IRREGULAR_PAST
from .spelling import spelled

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
says calls call moves move melts melt counted count remembers same twice out up down away off have has had""".split())
ADVERBS = {"ahead", "behind", "away", "apart", "around", "together", "again", "back", "down", "up", "out", "off",
           "along", "inside", "outside", "forward", "forth", "above", "below", "beneath", "there", "here", "now", "then",
           "ever", "never", "always", "still", "too", "very", "just", "only", "even", "once", "twice"}
NOT_THINGS = {"well", "long", "much", "true", "free", "alone", "soon", "late", "far", "near", "high", "low", "fine"}
PRONOUNS = {"she": "a woman", "he": "a man", "they": "two figures", "we": "two figures", "i": "the singer",
            "you": "a figure"}
DETERMINERS = {"a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "this", "that", "these", "those"}
FOLLOWERS = DETERMINERS | {"up", "down", "into", "out", "over", "through", "like", "away", "apart", "back", "in", "on",
                           "off", "to", "across", "around", "him", "her", "them", "me", "us", "itself", "open", "slowly",
                           "upward", "upwards", "downward", "downwards", "forward", "backward", "backwards", "still",
                           "alone", "together"}
DOUBLED = {"swim", "spin", "drip", "stop", "grab", "step", "trip", "drop", "skip", "plan", "clap", "slip", "spit",
           "shut", "chop", "flip", "slam", "drag", "knit", "stir", "trap", "wrap", "strip", "scrub"}
WHY_WORDS = re.compile(r"(?i)\b(camera|film|filmed|shoot|shot on|can'?t|cannot|could never|impossible|generat|no crew|no set)")
LEADS = re.compile(r"(?i)^(?:i see|we see|you see|i picture|i imagine|there is|there's|there are|maybe|probably|"
                   r"it's|it is|just|like|show|shows|showing)\s+")


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
    elif base in DOUBLED or (len(base) == 3 and re.fullmatch(r"[^aeiou][aeiou][bdgmnprt]", base)):
        base += base[-1]  # 'sits' → 'sitting', 'swims' → 'swimming'
    return base + "ing"


def as_phrase(clause: str) -> str:
    """A sentence about an image as a noun phrase: 'The kettle steam draws his face' → 'the kettle steam
    drawing his face'; 'the moths are ships' → 'the moths as ships'. A noun phrase stays as it is."""
    text = spelled(clause).strip(" .,;:")  # 'seed packets w her handwriting': the typed words written out
    if len(text) > 1 and text[0].isupper() and text[1:2].islower() and text.split()[0] != "I":
        text = text[0].lower() + text[1:]
    tokens = text.split()
    verb_at = -1
    if tokens and tokens[0].lower() in PRONOUNS:
        name = PRONOUNS[tokens[0].lower()].split()
        if len(tokens) > 1 and re.fullmatch(r"[a-z]+[^s's]s", tokens[1].lower()) and tokens[1].lower() not in STOP:
            verb_at = len(name)  # 'she plants seeds' → 'a woman planting seeds': the word after a pronoun is its verb
        tokens = [*name, *tokens[1:]]
    out, converted = [], False
    for i, w in enumerate(tokens):
        bare = w.lower().strip(",;:")
        nxt = tokens[i + 1].lower().strip(",;:") if i + 1 < len(tokens) else ""
        prev = tokens[i - 1].lower() if i else ""
        if i == verb_at:
            out.append(_ing(bare) + w[len(bare):])
            converted = True
            continue
        if (bare.endswith("ing") or bare in ("who", "that", "which", "whose")) and i:
            converted = True  # the clause already reads as a phrase ('a man who keeps pigeons')
        if i and not converted and prev not in DETERMINERS:
            if bare in ("is", "are", "was", "were"):
                if not (nxt.endswith("ing") and len(nxt) > 4):  # 'the moths are ships' → 'the moths as ships'
                    out.append("as")  # but 'the market is emptying' → 'the market emptying'
                converted = True
                continue
            if (len(bare) > 3 and bare.isalpha() and bare.endswith("s") and not re.search(r"(ss|us|is|ous)$", bare) and nxt in FOLLOWERS
                    and bare not in STOP):
                out.append(_ing(bare) + w[len(bare):])
                converted = True
                continue
            plural_subject = prev.endswith("s") and not prev.endswith(("ss", "'s", "’s")) and i <= 3  # not 'mum's scarf'
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
        single = [r[0][0] for r in runs if len(r[0][0]) >= 4 and not re.search(r"(ing|ed|ly)$", r[0][0])
                  and r[0][0] not in NOT_THINGS]
        return max(single, key=len) if single else ""
    best = max(good, key=lambda x: (x[1], len(x[0]) >= 2, x[2]))
    return " ".join(best[0])


def detail_of(image: str) -> str:
    """A part of an image to go close on: its last thing ('growing out of cloth' → 'the cloth'); not a
    verb or a pronoun ('a kitchen that rearranges itself' → 'the surfaces of the kitchen')."""
    text = re.sub(r"(?i)\b(?:that|which|who)\s+\w+", " ", image)  # 'that rearranges': a verb, not a thing
    words = [w.strip(",.;").lower() for w in text.split() if w.strip(",.;").lower() not in STOP]
    words = [w for w in words if len(w) > 1 and not re.search(r"(ing|ed|self|selves|wards?|ly)$", w)
             and w not in ADVERBS and w not in NOT_THINGS]  # 'shadows that run ahead of us': not 'the ahead'
    if len(words) > 1 or (words and words[-1] not in handle(image)):
        return f"the {words[-1]}"
    return f"the surfaces of {handle(image)}"


def plural(phrase: str) -> bool:
    """'her apron strings', 'feathers' → True; 'the staircase of water', 'the glass' → False."""
    head = re.split(r"\s+(?:of|made|with|in|on|that|which|turning|growing)\s+", phrase.strip())[0].split()
    return bool(head) and bool(re.search(r"[^su']s$", head[-1].lower())) and head[-1].lower() not in STOP


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
