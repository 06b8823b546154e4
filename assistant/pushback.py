"""Pushback with substance: name the cliché, say why it fails this song, offer alternatives built
from the artist's own material (motifs, story, the song's lines), never from a filler answer; and
say so when the only reason for generating is that it is cheaper."""

from __future__ import annotations

import re

from shotlist.models import Brief, Song

from . import critic
from .interview import is_filler
from .prompts import load_prompt, load_yaml
from .phrases import handle, lyric_key

CHEAP = re.compile(r"(?i)\b(cheap\w*|budget|cost\w*|money|afford\w*|save|saves|saving|less expensive|no crew|quick\w*|easier"
                   r"|cool|trendy|everyone uses)\b")
SUBSTANCE = re.compile(r"(?i)\b(impossible|can'?t|cannot|never|couldn'?t|no way|physics|exist|turn\w* into"
                       r"|becom\w*|transform\w*|dissolv\w*|made of|float\w*"
                       r"|no (?:\w+ )?(?:crew|camera|set|rig|one|location) (?:could|can|would) (?:ever )?(?:do|film|shoot|build)"
                       r"|no \w+ (?:does|do|can do|could do|would do|will do) (?:that|this|it))\b")  # 'no makeup does that'
KEEP_IT = re.compile(r"(?i)\b(keep it|keep that|keep mine|my way|go ahead|i insist|do it anyway|yes,? keep|stick with"
                     r"|as i said|that'?s fine|it'?s fine|leave it|respect)\b")


def cheap_only(why: str) -> bool:
    """True when the reason for generating is only cost (or fashion), with nothing a camera can't do."""
    return bool(why.strip()) and bool(CHEAP.search(why)) and not SUBSTANCE.search(why)


def _pieces(b: Brief) -> list[str]:
    text = f"{b.story}. {'; '.join(b.motifs)}"
    return [p.strip(" .;") for p in re.split(r"(?<=[.;:])\s+|;\s*", text) if len(p.strip(" .;").split()) >= 2]


def find_generic(b: Brief) -> tuple[str, dict] | None:
    """(the artist's words that are a cliché, the named cliché) or None."""
    pieces = _pieces(b)
    if not pieces:
        return None
    bank, _, _ = critic.banks()
    sims = (critic.embed(pieces) @ bank.T).max(axis=1)
    best = int(sims.argmax())
    if sims[best] < critic.GENERIC_THRESHOLD:
        return None
    concept = pieces[best]
    names = load_yaml("guided/cliches.yaml")
    found = next((c for c in names if re.search(c["match"], concept, re.I)), None)
    if found is None:
        nearest = critic._bank("cliches.txt")[int((critic.embed([concept]) @ bank.T).argmax())]
        found = next((c for c in names if re.search(c["match"], nearest, re.I)),
                     {"name": nearest, "why": "It belongs to every song and to none."})
    return concept, found


def own_material(b: Brief, song: Song) -> list[str]:
    """The artist's images that are not clichés themselves, then the song's own lines."""
    bank, _, _ = critic.banks()
    motifs = [m for m in b.motifs if not is_filler(m)]
    if motifs:
        sims = (critic.embed(motifs) @ bank.T).max(axis=1)
        motifs = [m for m, s in zip(motifs, sims) if s < critic.GENERIC_THRESHOLD]
    keys = [lyric_key(line.text) for line in song.lyrics]
    lines = [f"the {k}" for k in dict.fromkeys(k for k in keys if len(k.split()) >= 1 and len(k) > 3)]
    return [*motifs, *lines[:3]]


def pushback_text(concept: str, cliche: dict, b: Brief, song: Song) -> str:
    material = own_material(b, song)
    lead = r"(?i)^(?:(?:honestly|well|so|ok(?:ay)?|hmm+|um+|i mean|basically)[?!,.]*\s+)*"
    meaning = re.sub(lead + r"(?:it is|it's|the song is|this song is)?\s*about\s+", "", b.meaning.strip())
    meaning = re.sub(lead, "", meaning).split(".")[0]
    meaning = meaning.strip(" ,;:") if meaning and not is_filler(meaning) else ""
    alts = []
    place = cliche["name"].removeprefix("the ")
    if material:
        alts.append(f"the {place} rebuilt out of {material[0]}, so the memory is visibly made, not filmed")
    if len(material) > 1:
        alts.append(f"one impossible space made of {handle(material[1])} that changes with each section, "
                    f"instead of a sequence of ordinary places")
    if meaning:
        alts.append(f"the {place} coming apart on the beat until only {meaning[:80].lower()} is left standing")
    mood = re.split(r"(?i)\bpalette\b\s*:?", b.feeling or "")[0].strip(" .,;:").lower()
    light = (b.palette or "").strip(" .").lower()
    if (mood and not is_filler(mood)) or light:
        alts.append(f"the {place} only as memory: no real place, every surface in {light or 'its own light'} and "
                    f"fading as the song goes, so it feels {mood or 'remembered'} rather than filmed")
    if len(alts) < 2:
        key = next((lyric_key(x.text) for x in song.lyrics if lyric_key(x.text)), "")
        if key:
            alts.append(f"the words \"{key}\" made literal: an object that could not exist, built in front of us")
    if not alts:
        alts.append("one image that could only be generated, which you name, carried through every section")
    listed = "\n".join(f"- {a}" for a in alts)
    return load_prompt("guided/pushback.md").format(concept=f"\u201c{concept}\u201d", cliche=cliche["name"],
                                                    why=cliche["why"], alternatives=listed).strip()
