"""Guided mode's plain-words revisions: "shot 4 longer", "make the chorus colder", "replace the
beach shots", "shot 7 is a cliché", "lock shot 3". What it cannot do, it says plainly."""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.models import Project, Shot

from . import critic
from .prompts import load_yaml
from .tools import ProjectTools, ShotPatch

MATCH_THRESHOLD = 0.35  # cosine between "the beach shots" and a shot's depiction to count as meant
CANNOT = ("In guided mode I can: make a shot longer/shorter ('shot 4 longer'), change a section's look "
          "('make the chorus colder'), replace shots ('replace the beach shots', 'shot 7 is a cliché'), "
          "lock/unlock shots, /undo, /plan again. For anything else, connect an LLM (--llm).")


def _numbers(text: str) -> list[str]:
    groups = re.findall(r"\bshots?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)", text, re.I)
    return [n for group in groups for n in re.findall(r"\d+", group)]


def apply_request(tools: ProjectTools, text: str) -> tuple[str, list[str]]:
    project = tools.project()
    lower = text.lower()
    numbers = _numbers(text)
    try:
        if numbers and re.search(r"\b(un)?lock\b", lower):
            result = tools.lock_shots(numbers, locked="unlock" not in lower)
            return result, ["lock_shots"]
        if numbers and re.search(r"\b(longer|shorter)\b", lower):
            return _retime(tools, project, numbers[0], longer="longer" in lower), ["revise_shots"]
        looks = load_yaml("guided/looks.yaml")
        look = next((w for w in looks if w in lower), None)
        if look:
            section = next((s.label for s in project.song.sections if s.label in lower), None)
            targets = [s for s in project.shots if section is None or s.section == section]
            patches = [ShotPatch(shot=s.id, changes={"prompt": f"{s.prompt.rstrip('.')}; {looks[look]}."})
                       for s in targets if not s.locked]
            result = tools.revise_shots(patches)
            where = f"the {section}" if section else "every shot"
            return f"Made {where} {look}: {looks[look]}. {result}", ["revise_shots"]
        if re.search(r"\b(replace|cliché|cliche|generic|boring)\b", lower):
            targets = [project.shot(n) for n in numbers] or _matching(project, text)
            if not targets:
                return "I couldn't tell which shots you mean; name them by number ('replace shots 3 and 7').", []
            return _replace(tools, project, targets), ["revise_shots"]
    except ShotcallerError as e:
        return f"I couldn't do that: {e}", []
    return CANNOT, []


def _retime(tools: ProjectTools, project: Project, ref: str, longer: bool) -> str:
    shot = project.shot(ref)
    bars = project.song.bars
    i = project.shots.index(shot)
    if i + 1 == len(project.shots):
        return "The last shot ends with the song; make the one before it shorter instead."
    nxt = project.shots[i + 1]
    if longer:
        options = [b for b in bars if shot.end < b < nxt.end - 0.3]
        new_end = options[0] if options else None
    else:
        options = [b for b in bars if shot.start + 0.3 < b < shot.end]
        new_end = options[-1] if options else None
    if new_end is None:
        return f"Shot {shot.index} can't move by a bar without swallowing its neighbour; merge them instead."
    result = tools.revise_shots([ShotPatch(shot=shot.id, changes={"end": new_end})])
    return f"Shot {shot.index} now ends at {new_end:.2f}s (on a bar line). {result}"


def _matching(project: Project, text: str) -> list[Shot]:
    what = re.sub(r"\b(replace|the|shots?|please|they are|is a|cliché|cliche|generic)\b", " ", text, flags=re.I)
    vec = critic.embed([what.strip() or text])[0]
    sims = critic.embed([critic.depiction(s) for s in project.shots]) @ vec
    return [s for s, v in zip(project.shots, sims) if v >= MATCH_THRESHOLD]


def _replace(tools: ProjectTools, project: Project, targets: list[Shot]) -> str:
    motifs = project.brief.motifs or ["the song's central image"]
    patches = []
    for k, s in enumerate(targets):
        motif = motifs[(motifs.index(s.subject) + 1 if s.subject in motifs else k) % len(motifs)]
        patches.append(ShotPatch(shot=s.id, changes={
            "subject": motif,
            "prompt": f"{s.shot_size} shot, {s.angle} angle, {s.movement}: {motif}, {s.action}, {s.setting}.",
            "reason": f"Replaced a generic image with {motif}, one of the song's own motifs"
                      + (f', carrying "{s.lyric}"' if s.lyric else "") + ".",
        }))
    result = tools.revise_shots(patches)
    idx = ", ".join(str(s.index) for s in targets)
    return f"Replaced shots {idx} with the song's own motifs. {result}"

