"""The operation a request names, read from its verbs and cue words: one lexicon per operation.

    canonical("can you shif shot 10 so it comes after 12")   # 'can you move shot 10 so it comes after 12'
    canonical("revert that")                                  # 'undo that'
    canonical("swap shots 11 an 12")                          # 'swap shots 11 and 12'
    kinds_named("delete shot 4 and swap 3 and 4")             # ['delete', 'swap']

Each operation has one canonical verb, the verbs and phrases that always mean it (English, Spanish, French),
in any inflection but '-ing' ('divided', 'shifts'), and slips of one letter from any of them ('mvoe', 'delte', 'swp'),
found by edit distance, not listed. Words that are also ordinary English ('put', 'cut', 'drop', 'break', 'add')
are not rewritten: the reader of each operation reads them in context (`assistant.edit_requests`).
"""

from __future__ import annotations

import functools
import re



def _lexicon() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(canonical verb -> the words that always name it; canonical verb -> the verbs that name it with a shot as
    their object; context word -> the operations it may name), from prompts/guided/lexicon.yaml: the one list of
    the words for each operation."""
    from .prompts import load_yaml

    data = load_yaml("guided/lexicon.yaml")
    always = {verb: tuple(str(w) for w in words["always"]) for verb, words in data.items()}
    objects = {verb: tuple(str(w) for w in words.get("object", ())) for verb, words in data.items()}
    context: dict[str, tuple[str, ...]] = {}
    for verb, words in data.items():
        for w in (*words.get("object", ()), *words.get("context", ())):
            context[str(w)] = (*context.get(str(w), ()), verb)
    return always, objects, context


# canonical verb -> words and phrases that always mean it, as typed (accents optional); -> verbs that mean it with
# a shot as their object ('bin it'); word -> the operations it names in context ('put 3 after 5', 'cut shot 5'),
# not rewritten, but their operations' readers asked first
LEXICON, OBJECT, CONTEXT = _lexicon()
# the verbs a slip is corrected to: English ones (a slip in Spanish or French is read by the classifier)
SLIP_TARGETS = ("swap", "switch", "exchange", "delete", "remove", "move", "shift", "merge", "combine", "split",
                "divide", "insert", "undo", "revert", "redo", "replace")
KIND = {"swap": "swap_shots", "delete": "delete_shots", "move": "move_shot", "merge": "merge_shots",
        "split": "split_shot", "insert": "insert_shot", "undo": "undo", "redo": "redo", "replace": "write_shots"}
# other words requests turn on, corrected for slips too ('chrous' -> 'chorus')
CUES = ("chorus", "verse", "bridge", "intro", "outro", "shot", "shots", "before", "after", "between", "weakest",
        "dreamlike", "vertical", "literal", "slower", "faster", "angles", "first", "last")
# real words one slip away from a verb or cue, never corrected
REAL = {"sap", "mere", "slit", "spit", "spilt", "inert", "inset", "red", "witch", "uno", "more", "mode", "love", "dove",
        "cove", "move", "bore", "rover", "raver", "never", "fist", "lost", "list", "past", "host", "shoot", "short",
        "shut", "hot", "sot", "verge", "versed", "verses", "chores", "choruses", "bride", "bridges", "intros",
        "outros", "refer", "after", "later", "alter", "sweep", "swan", "wap", "splat", "spot", "spite", "redo", "undo",
        "under", "merger", "emerge", "slower", "lower", "flower", "blower", "faster", "fatter", "master", "plaster",
        "angels", "angle", "tangles", "remote", "remover", "devote", "delta", "deleted", "devise", "divine", "shots",
        "shift", "shirt", "swab", "sway", "swat", "swag", "swim", "swipe", "split", "merit", "meri", "delete", "deletes", "relate", "insect", "insects", "invert", "inserts", "intro",
        "weakest", "weakness", "vertices", "literal", "literals", "firsts", "lasts", "least", "lust", "blast", "movie",
        "change", "chance", "replay", "reply", "deplete", "reverse", "invent", "inverse",
        "snap", "slip", "unto", "into", "mover", "moves", "shoots", "shout", "versa", "brides"}
# numbers joined by a word artists type for 'and': 'an', '&', 'n', Spanish 'y', French 'et'
_JOIN = re.compile(r"(?<=\d)\s*(?:\s(?:an|n|y|et|und)\s|\s*&\s*)\s*(?=#?\d)")
# inflections read as the verb; not '-ing': 'a man removing his coat', 'kids trading cards' describe a picture
_INFLECT = r"(?:s|es|d|ed|r|ar|er|ir|ado|ada)?"


def _plain(word: str) -> str:
    return word.translate(str.maketrans("áéèêíóúñç", "aeeeiounc"))


_ACCENTS = {"a": "[aá]", "e": "[eéèê]", "i": "[ií]", "o": "[oó]", "u": "[uú]", "n": "[nñ]", "c": "[cç]"}


def _accented(word: str) -> str:
    """A pattern for `word` (accents off) that matches it typed with or without them: 'retablis' finds 'rétablis'."""
    return "".join(_ACCENTS.get(ch, re.escape(ch)) for ch in word)


@functools.lru_cache(maxsize=1)
def _synonyms() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every word of the lexicon, with its inflections; each word's canonical verb."""
    verb_of = {_plain(w): verb for verb, words in LEXICON.items() for w in words}
    stems = sorted(verb_of, key=len, reverse=True)
    alternation = "|".join(_accented(w[:-1]) + "(?:e" + _INFLECT + ")" if w.endswith("e") and " " not in w
                           else _accented(w) + f"{re.escape(w[-1])}?" + _INFLECT for w in stems)
    return re.compile(rf"(?<![\w'-])(?:{alternation})(?![\w'-])"), verb_of


def _base(word: str, verb_of: dict[str, str]) -> str | None:
    """The lexicon word an inflected form comes from: 'divided' -> 'divide', 'swapped' -> 'swap'."""
    for w in sorted(verb_of, key=len, reverse=True):
        if word.startswith(w[:-1] if w.endswith("e") and " " not in w else w):
            return w
    return None


def _one_slip(word: str, target: str, change: bool = True) -> bool:
    """Damerau-Levenshtein distance 1: one letter dropped or added, two neighbours swapped, or (from six letters
    on) one changed."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):  # a changed letter only in a long word: 'mole' is no slip of 'move'
        diff = [i for i, (a, b) in enumerate(zip(word, target)) if a != b]
        return (len(diff) == 1 and len(word) >= 6 and change) or (len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == target[diff[1]]
                                  and word[diff[1]] == target[diff[0]])
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _slip_of(word: str) -> str | None:
    """The verb or cue `word` is a slip of; a verb needs 3 letters typed ('swp'), a cue 5 ('chrous')."""
    if word in REAL or len(word) < 3:
        return None
    verb_of = _synonyms()[1]
    if word in verb_of:
        return None
    verbs = [w for w in SLIP_TARGETS if _one_slip(word, w)]
    if verbs and (len(word) >= 4 or len(word) == len(verbs[0]) - 1):
        return verb_of[verbs[0]]
    if len(word) >= 5:
        return next((c for c in CUES if _one_slip(word, c, change=False)), None)  # 'fridge' is no 'bridge'
    if len(word) == 3:  # 'adn', 'teh': two letters swapped in the shortest words
        return next((c for c in ("and", "the") if sorted(word) == sorted(c) and word[0] == c[0]), None)
    return None


def canonical(text: str) -> str:
    """`text` (lower case) with every lexicon word and every slip of one as its operation's canonical verb, and
    numbers joined by 'an', 'n', 'y', 'et' or '&' joined by 'and'; other words as typed. What follows a colon,
    '=' or 'with' (not 'with 4') is the artist's picture: kept word for word."""
    text = re.sub(r"\bw/(?!o\b)\s*", "with ", text)
    m = re.search(r"\s*[:=](?!\d)\s*|\s+with\s+(?!(?:shots?\s*)?#?\d)", text)  # not a time ('1:30'), not 'swap 3 with 4'
    if not m:
        return _canonical(text)
    head, sep, picture = text[:m.start()], m.group(0), text[m.end():]
    return _canonical(head) + sep + picture


# places said other ways, before a shot number: 'in front of 4' is 'before 4', 'behind shot 6' 'after shot 6'
_PLACES = ((re.compile(r"\b(?:in front of|ahead of|prior to)\s+(?=(?:shot\s*)?#?\d)"), "before "),
           (re.compile(r"\b(?:behind|following)\s+(?=(?:shot\s*)?#?\d)"), "after "))


# key chords said as words: 'ctrl+z that' is an undo, 'cmd+shift+z' a redo
_CHORDS = ((re.compile(r"\b(?:ctrl|cmd|command|control)\s*[+-]?\s*(?:shift\s*[+-]?\s*z|y)\b"), "redo"),
           (re.compile(r"\b(?:ctrl|cmd|command|control)\s*[+-]?\s*z\b"), "undo"))
# text-speak for the words a request turns on: 'sh0t 6 shd b …' is 'shot 6 should be …'
_SPEAK = ((re.compile(r"\bsh0ts?\b"), lambda m: m.group(0).replace("0", "o")),
          (re.compile(r"\b(?:shld|shd|shud|shuld|sould)\b"), "should"), (re.compile(r"\b(?:cld|cud)\b"), "could"),
          (re.compile(r"\b(?<=should )b\b|\b(?<=could )b\b"), "be"), (re.compile(r"\bim\b"), "i'm"),
          (re.compile(r"\bb4\b"), "before"), (re.compile(r"\b(?:aftr|afta)\b"), "after"), (re.compile(r"\bnxt\b"), "next"),
          (re.compile(r"\bprev\b"), "previous"), (re.compile(r"\bw/o\b"), "without"),
          (re.compile(r"\bu\b"), "you"), (re.compile(r"\bur\b"), "your"))


def _canonical(text: str) -> str:
    pattern, verb_of = _synonyms()
    for said, meant in (*_CHORDS, *_SPEAK):
        text = said.sub(meant, text)
    for place, said in _PLACES:
        text = place.sub(said, text)
    text = _JOIN.sub(" and ", text)

    def verb(m: re.Match) -> str:
        base = _base(_plain(m.group(0)), verb_of) or _plain(m.group(0))
        return verb_of.get(base, m.group(0))

    text = pattern.sub(verb, text)
    return re.sub(r"[a-z]+", lambda m: _slip_of(m.group(0)) or m.group(0), text)


_NEGATED = re.compile(r"\b(?:don'?t|dont|do not|never|no need to|not|shouldn'?t)\s+(?:\w+\s+)?$")


# 'swap it out', 'swap the images out': a replace, however many words between (read by assistant.revisions)
SWAPPED_OUT = re.compile(r"\bswap\s+(?:\w+\s+){0,3}?out\b")
# a verb of the table used as a noun, in a picture or a reason: 'a light switch', 'her cut', 'the whole swap'
_NOUN = re.compile(r"\b(?:a|an|light|wall|his|her|their|my|its|whole|quick|jump|hard)\s+$")


def _said(text: str, words: list[str]) -> list[str]:
    """Which of `words` `text` says before any picture (':', '='), in order, leaving out a negated one ('never
    move shot 1' asks for no move) and one used as a noun ('the light switch')."""
    head = re.split(r"\s*[:=](?!\d)", text, maxsplit=1)[0]
    return [m.group(1) for m in re.finditer(rf"\b({'|'.join(words)})\b", head)
            if not _NEGATED.search(head[:m.start()]) and (" " in m.group(1) or not _NOUN.search(head[:m.start()]))]


def kinds_named(text: str) -> list[str]:
    """The operations `text` (after `canonical`) names, in the order named, each once: a canonical verb names its
    own, a context word the operations it may name."""
    words = _said(text, [*LEXICON, *(re.escape(w) for w in sorted(CONTEXT, key=len, reverse=True))])
    return list(dict.fromkeys(k for w in words for k in ((w,) if w in LEXICON else CONTEXT[w])))


def phrases_named(text: str) -> list[str]:
    """The operations `text` names by a phrase of the lexicon ('two separate shots', 'a single shot', 'take out'):
    what a picture never says ('shot 18 should be two separate shots' asks a split)."""
    phrases = [w for w in sorted(CONTEXT, key=len, reverse=True) if " " in w]
    return list(dict.fromkeys(k for w in _said(text, [re.escape(w) for w in phrases]) for k in CONTEXT[w]))


def verbs_said(text: str) -> list[str]:
    """The canonical verbs of the table's operations that `text` (after `canonical`) says before any picture,
    in order, each once ('replace' left out: it rewrites a picture, a reader of its own decides)."""
    return list(dict.fromkeys(v for v in _said(text, list(LEXICON)) if v != "replace"))
