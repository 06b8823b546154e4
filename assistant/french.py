"""Revision requests typed in French, read as the English ones the request reader knows (guided mode).

    as_english("échange les plans 5 et 6")      # 'swap shots 5 and 6'
    as_english("supprime le dernier plan")      # 'delete the last shot'

As in `spanish`, only the words a request turns on are mapped (verbs, shots, sections, a few looks); the
rest stays as typed, so a picture described in French is kept in the artist's words.
"""

from __future__ import annotations

import re

from .spanish import _plain

# a request in French says one of these; English text does not
MARKERS = re.compile(r"(?i)\b(?:les plans|le plan|plans? \d|gros plans?|visages?|pas de|refrains?|couplets?|[eé]change\w*|supprime\w*|annule\w*"
                     r"|d[eé]place\w*|fusionne\w*|onirique|ajoute\w*|dernier|derni[eè]re|[cç]a|pourquoi|avant|apr[eè]s|r[eé]tablis\w*"
                     r"|reviens|revenir|retourne)\b")
PHRASES = (
    # most verbs of the operations: assistant.request_lexicon
    (r"\binverse\w*", "swap"), (r"\bretablis\w*", "redo"), (r"\b(?:mets|place)\w*", "move"),
    (r"\b(?:reviens|revenir|retourne|retourner) (?:a|à) (?:la )?", "go back to "),
    (r"\b(?:le )?(?:premier|1er) refrain\b", "the first chorus"), (r"\b(?:le )?deuxieme refrain\b", "the second chorus"),
    (r"\b(?:coupe|divise)\w* (?:le |la )?(plan \d+) en deux", r"split \1"), (r"\bun plan (?:de|d')\s*", "a shot of "),
    (r"\b(?:les )?plans (\d+) (?:a|au|jusqu'au) (\d+)", r"shots \1 to \2"), (r"\b(?:les )?plans (\d+) et (\d+)", r"shots \1 and \2"),
    (r"\b(?:le |la )?dernier plan\b", "the last shot"), (r"\b(?:le )?premier plan\b", "the first shot"),
    (r"\b(?:le |au )?plan (\d+)", r"shot \1"), (r"\b(?:a|à) la fin\b", "to the end"), (r"\bau (?:debut|début)\b", "to the start"), (r"\bavant (?:le |la |l')?", "before "), (r"\bapres (?:le |la |l')?", "after "),
    (r"\bdernier refrain\b", "last chorus"), (r"\bpremier couplet\b", "first verse"), (r"\bdeuxieme couplet\b", "second verse"),
    (r"\brefrains?\b", "chorus"), (r"\bcouplets?\b", "verse"), (r"\bpont\b", "bridge"),
    (r"\bplus onirique\b", "more dreamlike"), (r"\bpas (?:d'|de )angles? hollandais\b", "no dutch angles"),
    (r"\bpas de gros plans(?: sur les visages)?\b", "no close-ups of faces"), (r"\bplus lent\w*\b", "slower"),
    (r"\bplus froid\w*\b", "colder"), (r"\bplus chaud\w*\b", "warmer"), (r"\bplus sombre\w*\b", "darker"),
    (r"\bquel est le plan le plus faible\b", "what is the weakest shot"), (r"\bpourquoi\b", "why"),
    (r"\b(?:ca|cela)\b", "that"), (r"\bet\b", "and"),
)


def looks_french(text: str) -> bool:
    return bool(MARKERS.search(text)) and not re.search(r"(?i)\b(?:the|shot|make|please|chorus|swap|delete)\b", text)


def as_english(text: str) -> str:
    """The request with its French verbs, shots and sections in English; other words kept."""
    if not looks_french(text):
        return text
    out = _plain(text).replace("’", "'")
    for french, english in PHRASES:
        out = re.sub(french, english, out)
    out = re.sub(r"\b(?:le|la|les|l')\s+(shots?|the)\b", r"\1", out)
    return " ".join(out.split())
