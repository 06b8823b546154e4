"""Revision requests typed in Spanish, read as the English ones the parser knows (guided mode, no LLM).

    as_english("haz el plano 5 más frío")        # 'make shot 5 colder'
    as_english("más oscuro el estribillo")       # 'darker the chorus'

Only the words a request turns on are mapped — targets (plano/toma 5, el estribillo, el primer verso, el
puente, la última toma) and intents (más frío, más cálido, más oscuro, …); anything else stays as typed,
so a request the map does not cover still gets the ordinary "which shots, what change?" reply.
"""

from __future__ import annotations

import re
import unicodedata

# a request in Spanish says one of these; English text never does
MARKERS = re.compile(r"(?i)\b(?:deshaz\w*|vuelve|versi[oó]n|flojo|cu[aá]l|primeros planos|caras|deshacer|rehaz\w*|rehacer|d[eé]bil\w*|intercambia\w*|borra\w*|elimina\w*|mueve\w*|a[nñ]ade\w*|agrega\w*"
                     r"|fusiona\w*|m[aá]s|menos|plano|planos|toma|tomas|escena|estribillo|puente|estrofa|verso|haz|hazlo"
                     r"|hazla|ponlo|ponla|pon|cambia|reemplaza|quita|bloquea|desbloquea|oscur\w*|fr[ií]o|c[aá]lido"
                     r"|brillante|lento|cerca|amplio|[uú]ltim[oa]|primer[oa]?|segund[oa])\b")
ORDINALS = {"primer": "first", "primero": "first", "primera": "first", "segundo": "second", "segunda": "second",
            "tercer": "third", "tercero": "third", "tercera": "third", "ultimo": "last", "ultima": "last",
            "cuarto": "fourth", "cuarta": "fourth"}
NUMBERS = {"uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7",
           "ocho": "8", "nueve": "9", "diez": "10"}
SECTIONS = {"estribillos": "chorus", "estribillo": "chorus", "coros": "chorus", "coro": "chorus", "versos": "verse",
            "verso": "verse", "estrofas": "verse", "estrofa": "verse", "puente": "bridge", "introduccion": "intro",
            "intro": "intro", "outro": "outro", "cierre": "outro"}
# (Spanish, English) in the order they are tried: phrases first
PHRASES = (
    # verbs of the operations: assistant.request_lexicon
    (r"\bmas (?:debil|flojo|floja)(?:es|s)?\b", "weakest"), (r"\bcual es\b", "what is"),
    (r"\b(?:vuelve|volver|regresa|regresar) a(?: la)?\b", "go back to"), (r"\bversion\b", "version"),
    (r"\bsin (?:primeros planos|planos cercanos)( de (?:las )?caras)?", lambda m: "no close-ups" + (" of faces" if m.group(1) else "")),
    (r"\b(?:parte|divide|corta)\w* (?:el |la )?(?:plano|toma) (\d+) en dos\b", r"split shot \1"),
    (r"\b(?:pon|mueve|coloca)\w*(?= (?:el |la )?(?:plano|toma) \d+ (?:antes|despues)\b)", "move"),
    (r"\b(?:intercambia|cambia)\w* (?:el |la )?(\d+) (?:con|y) (?:el |la )?(\d+)\b", r"swap \1 and \2"),
    (r"\bpor favor\b", "please"), (r"\b(?:pon|mete|anade|agrega)\w* (?:un|una) (?:plano|toma) de (?:la |el |los |las )?", "add a shot of the "), (r"\bpeor(?:es)?\b", "worst"), (r"\b(?:une|junta)\w*", "merge"),
    (r"\bantes del?\b", "before"), (r"\bdespu[eé]s del?\b", "after"), (r"\beso\b", "that"),
    (r"mas fri[oa]s?|mas helad[oa]s?", "colder"), (r"mas calid[oa]s?|mas calor", "warmer"),
    (r"mas oscur[oa]s?|oscurece\w*", "darker"), (r"mas brillantes?|mas clar[oa]s?|mas luz|ilumina\w*", "brighter"),
    (r"\bcortes mas rapid[oa]s\b|\bmas rapid[oa]s?\b", "faster cuts"), (r"\bcortes mas lent[oa]s\b", "slower cuts"),
    (r"mas lent[oa]s?", "slower"), (r"mas larg[oa]s?|alarga\w*", "longer"),
    (r"mas cort[oa]s?|acorta\w*|recorta\w*", "shorter"),
    (r"mas cerca|mas cercan[oa]s?|acerca\w*", "closer"), (r"mas abiert[oa]s?|mas ampli[oa]s?", "wider"),
    (r"demasiado oscur[oa]s?", "too dark"), (r"demasiado fri[oa]s?", "too cold"), (r"\bmenos\b", "less"),
    (r"\b(?:reemplaza|cambia|sustituye)\w*|otra cosa|otra idea", "replace"), (r"es un cliche|cliche|aburrid[oa]", "cliché"),
    (r"desbloquea\w*", "unlock"), (r"bloquea\w*|no (?:lo |la )?toques", "lock"),
    (r"\b(?:los|las) (?:planos|tomas) (\d+) (?:a|al|hasta(?: el)?) (\d+)", r"shots \1 to \2"),
    (r"\b(?:el |la )?(?:plano|toma|escena) (?:numero |n[oº]\.? ?)?(\d+)", r"shot \1"),
    (r"\b(?:los |las )?(?:planos|tomas) (\d+(?:\s*(?:,|y)\s*\d+)+)", r"shots \1"),
    (r"\b(?:el |la )?(?:ultimo plano|ultima toma|plano final|toma final)", "the last shot"),
    (r"\b(shots? \d+ (?:y|and)) (?:el |la )?(\d+)\b", r"\1 \2"),  # 'el plano 3 y el 4'
    (r"\b(?:este|ese) (?:plano|toma)|\b(?:esta|esa) toma", "this shot"),
)
SECTION_WORDS = "|".join(SECTIONS)
ORDINAL_WORDS = "|".join(ORDINALS)

def _plain(text: str) -> str:
    """Lower case, accents off ('más' → 'mas'), so one pattern reads both spellings."""
    bare = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in bare if not unicodedata.combining(c))


def looks_spanish(text: str) -> bool:
    return bool(MARKERS.search(text)) and not re.search(r"(?i)\b(?:the|shot|make|please|chorus)\b", text)


def as_english(text: str) -> str:
    """The request with its Spanish targets and intents in the English the parser reads; other words kept."""
    if not looks_spanish(text):
        return text
    out = _plain(text)
    for spanish, english in PHRASES:
        out = re.sub(spanish, english, out)
    out = re.sub(rf"\b(?:todos los|todas las|cada) ({SECTION_WORDS})\b", lambda m: f"every {SECTIONS[m.group(1)]}", out)
    out = re.sub(rf"\b(?:el |la )?({ORDINAL_WORDS}) ({SECTION_WORDS})\b",
                 lambda m: f"the {ORDINALS[m.group(1)]} {SECTIONS[m.group(2)]}", out)
    out = re.sub(rf"\b(en )?(?:el |la |los |las )?({SECTION_WORDS})\b",
                 lambda m: f"{'in ' if m.group(1) else ''}the {SECTIONS[m.group(2)]}", out)
    out = re.sub(r"\b(shots?) (" + "|".join(NUMBERS) + r")\b", lambda m: f"{m.group(1)} {NUMBERS[m.group(2)]}", out)
    out = re.sub(r"\b(?:haz|hazlo|hazla|ponlo|ponla|pon|deja|dejalo|dejala)\b", "make", out)
    out = re.sub(r"\by\b", "and", out)
    return " ".join(out.split())
