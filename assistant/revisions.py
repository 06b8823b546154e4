"""Guided mode's plain-words revisions, read as typed operations of `shotlist.operations` (light, contrast,
palette, framing, a new picture from the artist's material, longer or shorter, lock): only the shots the
artist named change; locked shots never do; a request with no clear target gets a question, a shot that does
not exist a clear reply. The operations' typed results carry their own wording; nothing here reads prose.

    revision = read_revision("make the chorus colder", project)
    revision.ops        # [ChangeLook(shots=['7', '8', …], looks=['colder'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shotlist.errors import ShotcallerError
from shotlist.look import PALETTE, palette_word
from shotlist.models import Project
from shotlist.operations import Operation
from shotlist.operations.looks import (ChangeFraming, ChangeLook, ChangeShots, Picture, ReplacePictures)
from shotlist.operations.retime import RetimeShots
from shotlist.operations.shots import LockShots

from . import critic, rules
from .phrases import handle
from .planner import FALLBACK_IMAGE, _name, neighbours, protagonist, section_material, story_place
from .replies import say
from .targets import intents, resolve
from .tools import ProjectTools
from .walk import group_of, section_groups
from .writer import Beat, write

MATCH_THRESHOLD = 0.35  # cosine between "the beach shots" and a shot's depiction to count as meant
LOOKS = ("colder", "warmer", "darker", "brighter")
# how a question names each change: "Which shots should I lock?", "… make colder?"
INTENT_WORDS = {w: f"make {w}" for w in ("colder", "warmer", "darker", "brighter", "longer", "shorter", "closer", "wider")}
INTENT_WORDS |= {"more contrast": "give more contrast", "less contrast": "give less contrast", "palette": "tint"}


@dataclass
class Revision:
    """What a request asks, read against the project: the operations to run in order (each one version), or a
    reply that changes nothing (a question, a refusal, an answer about a shot)."""

    ops: list[Operation] = field(default_factory=list)
    reply: str = ""
    prefix: str = ""  # said before the results: the named shots that are locked and were left out
    cannot: bool = False  # nothing in it maps to a change


def read_revision(project: Project, text: str, selected_shot: int | None = None,
                  notes: dict[str, str] | None = None) -> Revision:
    """The typed operations `text` asks for (see the module doc)."""
    wants = intents(text)
    colours = palette_words(text)
    wants += ["palette"] if colours else []
    wants += contrast_wants(text)
    target = resolve(text, project, selected_shot)
    if target.problem:
        return Revision(reply=target.problem)
    unknown = None if wants else unknown_look(text)
    if unknown and target.shots:  # "make shot 3 more cinematic": a look the animatic cannot show
        return Revision(reply=say("unknown_look", word=unknown, colours=", ".join(SHOWN_COLOURS)))
    if not wants:
        if target.shots and len(target.shots) <= 3 and "?" in text:  # "what do you think of shot 5?"
            return Revision(reply="\n".join(_about(project, n) for n in target.shots))
        return Revision(reply=say("cannot"), cannot=True)
    if not target.shots and "replace" in wants:
        matched = _matching(project, text)
        target.shots, target.described = matched, "shots " + ", ".join(map(str, matched))
    if not target.shots:
        if wants == ["replace"]:
            return Revision(reply=say("no_replace_target"))
        return Revision(reply=say("which", what=" and ".join(INTENT_WORDS.get(w, w) for w in wants)))
    changes = [w for w in wants if w not in ("lock", "unlock")]
    if changes and ("lock" in wants or "unlock" in wants):
        return _lock_and_change(project, text, selected_shot, target.shots, changes, colours, notes or {})
    refs = [str(n) for n in target.shots]
    if "unlock" in wants or "lock" in wants:
        return Revision(ops=[LockShots(shots=refs, locked="unlock" not in wants)])
    return _changes(project, target.shots, changes, colours, text, notes or {}, described=target.described)


_CLAUSE = re.compile(r"\s*(?:[,;]|\band\b|\bthen\b|\bbut\b|\bplus\b)\s*")


def lock_clauses(text: str) -> tuple[str, str]:
    """(what locks or unlocks, what changes) in one request: 'lock shot 3 and make 5 colder' → ('lock shot 3',
    'make 5 colder'). A piece with no change of its own ('4' in 'lock 3 and 4 and …') joins the one before."""
    pieces: list[str] = []
    for piece in _CLAUSE.split(text):
        if pieces and not intents(piece):
            pieces[-1] += f" and {piece}"
        elif piece.strip():
            pieces.append(piece)
    locks = [x for x in pieces if {"lock", "unlock"} & set(intents(x))]
    return " and ".join(locks), " and ".join(x for x in pieces if x not in locks)


def _lock_and_change(project: Project, text: str, selected: int | None, named: list[int], changes: list[str],
                     colours: list[str], notes: dict[str, str]) -> Revision:
    """A lock (or unlock) and a change in one request, as one operation: one version, one undo step. Each part
    acts on the shots its own clause names ("lock shot 3 and make 5 colder" changes only 5); a clause naming
    none ("… and lock it") takes the other's."""
    lock_text, change_text = lock_clauses(text)
    locked = resolve(lock_text, project, selected).shots if lock_text else []
    changed = resolve(change_text, project, selected).shots if change_text else []
    locked, changed = locked or changed or named, changed or locked or named
    unlocking = "unlock" in intents(lock_text or text)
    done = _changes(project, changed, changes, colours, text, notes, unlocked=set(locked) if unlocking else set())
    if not done.ops:
        return done
    refs = [str(n) for n in locked]
    op = ChangeShots(**done.ops[0].model_dump(), **({"unlock": refs} if unlocking else {"lock": refs}))
    return Revision(ops=[op], reply=done.reply, prefix=done.prefix)


def _changes(project: Project, numbers: list[int], wants: list[str], colours: list[str], text: str,
             notes: dict[str, str], unlocked: set[int] = frozenset(), described: str = "") -> Revision:
    """One operation for the content, framing and timing changes `wants` names, on the shots that are free
    (not locked, or among the `unlocked` first)."""
    free = [n for n in numbers if n in unlocked or not project.shots[n - 1].locked]
    held = [n for n in numbers if n not in free]
    if not free:
        what = described or "shots " + ", ".join(map(str, held))
        return Revision(reply=say("all_locked", what=what, What=what[:1].upper() + what[1:],
                                  verb="is" if len(held) == 1 else "are"))
    prefix = say("locked", shots=", ".join(map(str, held)), s="s" * (len(held) > 1), verb="are" if len(held) > 1
                 else "is", it="them" if len(held) > 1 else "it") if held else ""
    args: dict = {"shots": [str(n) for n in free]}
    looks = [w for w in wants if w in LOOKS]
    contrast = next((w for w in wants if w in ("more contrast", "less contrast")), None)
    look = {"looks": looks} if looks else {}
    look |= {"contrast": contrast.split()[0]} if contrast else {}
    look |= {"palette": colours} if colours else {}
    direction = next((w for w in wants if w in ("closer", "wider")), None)
    timing = next((w for w in wants if w in ("longer", "shorter")), None)
    pictures = [Picture(**_rewrite(project, n, notes, dismissed(text))) for n in free] if "replace" in wants else []
    parts = [look, {"direction": direction} if direction else {}, {"pictures": pictures} if pictures else {},
             {"longer": timing == "longer"} if timing else {}]
    given = [p for p in parts if p]
    if not given:
        return Revision(reply=say("cannot"), cannot=True)
    if len(given) > 1:
        op: Operation = ChangeShots(**args, **{k: v for p in given for k, v in p.items()})
    elif look:
        op = ChangeLook(**args, **look)
    elif direction:
        op = ChangeFraming(**args, direction=direction)
    elif pictures:
        op = ReplacePictures(**args, pictures=pictures)
    else:
        op = RetimeShots(**args, longer=timing == "longer")
    return Revision(ops=[op], prefix=prefix)


def apply_request(tools: ProjectTools, text: str, selected_shot: int | None = None,
                  notes: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Read one request and run its operations; returns the reply (each result's own wording) and the names of
    the operations run (none when nothing changed)."""
    revision = read_revision(tools.project(), text, selected_shot, notes)
    lines = [x for x in (revision.prefix, revision.reply) if x]
    steps: list[str] = []
    for op in revision.ops:
        try:
            result = tools.run(op)
        except ShotcallerError as e:
            lines.append(say("failed", error=e))
            break
        lines.append(result.text())
        steps.append(op.name)
    return " ".join(lines), steps


CONTRAST_STEPS = {"more contrast": 1, "less contrast": -1}
_CONTRAST = re.compile(r"\b(?:(more|higher|harder|punchier|stronger)|(less|lower|softer|flatter|gentler))\s+contrast\b"
                       r"|\bcontrast\s+(?:(up)|(down))\b")


def contrast_wants(text: str) -> list[str]:
    """'more contrast', 'harder contrast', 'contrast up' → ['more contrast']; 'flatter contrast' → ['less contrast']."""
    m = _CONTRAST.search(text.lower())
    if not m:
        return []
    return ["more contrast" if (m.group(1) or m.group(3)) else "less contrast"]


SHOWN_COLOURS = tuple(c for c in ("amber", "teal", "blue", "red", "gold", "green", "violet", "sepia") if c in PALETTE)
_LOOK_NOUNS = {"palette", "light", "tones", "tone", "tint", "grade", "look"}
_AFTER_COLOUR = {"", "and", "or", "palette", "light", "tones", "tone", "tint", "grade", "look", "please", "with",
                 "too", "instead", "now", "shot", "shots"}


def palette_words(text: str) -> list[str]:
    """The colours a request asks the picture to lean to: 'make shot 3 teal and gold' → [teal, gold]. A colour
    naming a thing ('the red car shot') is not one: it follows no article and comes before no noun."""
    words = re.findall(r"[a-z]+", text.lower())
    found = []
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        named_thing = i and words[i - 1] in ("the", "a", "an", "that", "this", "those") and after not in _LOOK_NOUNS
        if named_thing or after not in _AFTER_COLOUR:
            continue
        try:
            found.append(palette_word(w))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def unknown_look(text: str) -> str | None:
    """A look word the grader cannot show, in a request with nothing else it can do: 'more cinematic' → 'cinematic'."""
    m = re.search(r"\b(?:more|less|look|feel|feels|looks)\s+(?:more\s+|less\s+)?([a-z][a-z-]{2,})\b", text.lower())
    return m.group(1) if m and m.group(1) not in ("like", "at", "the", "and", "than") else None


_DISMISSED = re.compile(r"(?i)\b(?:the\s+|those\s+|these\s+|that\s+|this\s+)?([a-z][\w\s'-]{1,40}?)\s+(?:is|are|feels?|looks?"
                        r"|seems?)\s+(?:a\s+|so\s+|too\s+|kind\s+of\s+|pretty\s+|really\s+)*(?:clich[eé]\w*|boring"
                        r"|corny|cheesy|generic|overdone|tired|stale)")


def dismissed(text: str) -> set[str]:
    """The words of what a request calls a cliché ('the birds are a cliché, replace shot 4' → {'bird'}): a
    replacement must not bring it back. Shot and section words are not things."""
    m = _DISMISSED.search(text)
    if not m:
        return set()
    words = re.findall(r"[a-z]+", m.group(1).lower())
    skip = {"shot", "shots", "it", "this", "that", "one", "card", "chorus", "verse", "bridge", "intro", "outro", "section",
            "the", "a", "an", "all", "whole", "thing", "idea", "image", "my", "your", "and"}
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in skip and not w.isdigit()}


def _about(project: Project, n: int) -> str:
    s = project.shots[n - 1]
    notes = "; ".join(s.critique.notes) or "no notes"
    return say("about_shot", n=n, start=f"{s.start:.1f}", end=f"{s.end:.1f}", size=s.shot_size,
               what=f"{s.subject} {s.action}".strip(), reason=s.reason, notes=notes, lock=" (locked)" if s.locked else "")


def _rewrite(project: Project, n: int, notes: dict[str, str], avoid: set[str] = frozenset()) -> dict:
    """New content for shot n from the artist's material: another image of its section, or a motif; never
    one naming what the artist just called a cliché (`avoid`: its words)."""
    shot = project.shots[n - 1]
    b = project.brief
    groups = section_groups(project.song)
    section = project.song.section_at((shot.start + shot.end) / 2)
    group = group_of(groups, section) if section else None
    material = section_material(project, notes)
    images = list(material.get(group.key, ([], ""))[0]) if group else []
    pool = [*images, *[m for m in b.motifs if not rules.leaks(m, b.constraints)]]
    pool = [i for i in pool if not any(re.search(rf"\b{re.escape(w)}", i.lower()) for w in avoid)] or pool
    shown = f"{shot.subject} {shot.action}".lower()  # an image is shown already when its short name is
    fresh = [i for i in dict.fromkeys(pool) if i.lower() not in shown and handle(i).lower() not in shown]
    others = [s for s in project.shots if s.id != shot.id]
    choices = fresh or pool or [FALLBACK_IMAGE]
    on_screen = " | ".join(f"{s.subject} {s.action}".lower() for s in others)
    # the image the rest of the plan shows least (a replacement adds variety), ties taken from shot n on
    image = min(choices, key=lambda i: (on_screen.count(re.sub(r"^(?:the|an?) ", "", handle(i).lower())),
                                        (choices.index(i) - n) % len(choices)))
    nxt = next((i for i in pool if i != image), image)
    norm = lambda t: re.sub(r'"[^"]*"|“[^”]*”', "", t).strip().lower()  # noqa: E731
    used_r, used_w = {norm(s.reason) for s in others}, {norm(s.why_generative) for s in others}
    stage = "detail" if shot.shot_size in ("close-up", "extreme close-up", "insert") else "establish"
    lines = [x.strip() for x in (shot.lyric or "").split(" / ") if x.strip()]
    prev, after = neighbours(project.song, shot.start, shot.end)
    text = write(Beat(stage=stage, variant=n + 3, section=_name(group.key) if group else shot.section, image=image,
                      next_image=nxt, lines=lines, who=protagonist(b.story), setting=story_place(b.story) or shot.setting,
                      section_why=material.get(group.key, ([], ""))[1] if group else "", prev_line=prev,
                      next_line=after), used_r, used_w)
    look = b.palette or ""
    prompt = (f"{shot.shot_size} shot, {shot.angle} angle, {shot.movement}: {text.subject} {text.action}, "
              f"{text.setting}. {look}".strip(" .") + ".")
    return {"subject": text.subject, "action": text.action, "setting": text.setting, "prompt": prompt,
            "reason": text.reason, "why_generative": text.why_generative}


def _matching(project: Project, text: str) -> list[int]:
    what = re.sub(r"\b(replace|the|shots?|please|they are|is a|cliché|cliche|generic|boring|with)\b", " ", text,
                  flags=re.I).strip()
    if len(what.split()) < 1:
        return []
    vec = critic.embed([what])[0]
    sims = critic.embed([critic.depiction(s) for s in project.shots]) @ vec
    return [n for n, (s, v) in enumerate(zip(project.shots, sims), 1) if v >= MATCH_THRESHOLD and not s.locked]


