"""Rules the artist sets over the plan or a part of it ("no dutch angles", "slower in the verses",
"more dreamlike", "vertical 9:16"): read from their words into a typed `Rule`, applied to every shot
they touch, and kept in the brief (constraints.notes, as "rule: …") so later shots and re-plans follow
them and the brief shows them.

    rule = parse_rule("no dutch angles")        # Rule(kind='ban_angle', value='dutch', words='no dutch angles')
    shots, notes = apply_rule(rule, project, [1, 2, 3])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ShotcallerError
from .models import ANGLES, Project, Shot

PREFIX = "rule: "
CLOSE = ("close-up", "extreme close-up", "medium close-up", "insert")
LOOKS = {
    "dreamlike": "dreamlike: soft focus, drifting haze, slow dissolves between images",
    "less literal": "less literal: suggest it through metaphor and texture, never illustrate the words",
    "more literal": "literal: show exactly what the words say",
    "grittier": "gritty: grain, handheld texture, hard light",
}
ASPECTS = {"vertical": "9:16", "portrait": "9:16", "square": "1:1", "widescreen": "16:9", "landscape": "16:9"}
# the frame shapes people ask for; '1:38' or '2:03' is a time in the song, never a frame
RATIOS = {"1:1", "4:5", "5:4", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "16:10", "10:16", "21:9", "9:21", "9:18",
          "18:9", "19:9", "9:19"}
_RATIO = re.compile(r"\b(\d{1,2})\s*[:x/]\s*(\d{1,2})\b")
_FRAME_NOUN = r"(?:video|videos|frame|frames|format|crop|clip|cut|edit|version|thing|it|everything|picture|image)"
_OWNER = r"(?:a|an|the|this|that|every|each|one|his|her|their|my|our|its|your|some|any)"


def aspects_said(text: str) -> list[tuple[int, str]]:
    """The frame shapes `text` asks for, with where each is said: '9:16', 'go vertical', 'make it square', 'square
    format'. A shape word used for a thing in a picture ('an empty square at dawn', 'the town square', 'a portrait of
    her mother', 'a vertical crack') is not one, and neither is a time in the song ('the bit at 1:38')."""
    low = text.lower()
    out = [(m.start(), f"{m.group(1)}:{m.group(2)}") for m in _RATIO.finditer(low)
           if f"{m.group(1)}:{m.group(2)}" in RATIOS]  # as written: '2:03' is a time, not 2:3
    for m in re.finditer(r"\b(" + "|".join(ASPECTS) + r")\b", low):
        before, after = low[max(0, m.start() - 40):m.start()].split()[-2:], low[m.end():m.end() + 24].split()[:1]
        framed = bool(after) and re.fullmatch(_FRAME_NOUN + r"[.,!?]*", after[0])
        owned = any(re.fullmatch(_OWNER, w) for w in before) and not (before and re.fullmatch(_FRAME_NOUN, before[-1]))
        if framed or not (owned or (after and after[0] == "of")):
            out.append((m.start(), ASPECTS[m.group(1)]))
    return sorted(out)


@dataclass(frozen=True)
class Rule:
    kind: str  # ban_angle, ban_close, slower, faster, look, aspect
    value: str
    words: str

    def line(self, part: str = "") -> str:
        return f"{PREFIX}{self.words}" + (f" (in {part})" if part and part not in self.words else "")


def parse_rule(words: str) -> Rule:
    """The rule `words` state; a clear error naming the kinds understood when none fits."""
    low = re.sub(r"\b(?:canted|tilted|slanted)\b", "dutch", " ".join(words.lower().split()))  # the same angle
    low = re.sub(r"\b(?:i|we)\s+(?:don'?t|do not)\s+want\s+(?:any\s+)?|\b(?:i|we)\s+(?:hate|can'?t stand|don'?t like)\s+"
                 r"(?:all\s+)?(?:the\s+|those\s+|these\s+)?(?=.*\bnone\b)", "no ", low)  # a ban, said as a wish
    angle = re.search(r"\b(?:no|without|avoid|never)\b.*?\b(" + "|".join(a.split()[0] for a in ANGLES) + r")\b", low)
    if angle and "angle" in low or re.search(r"\bno dutch\b", low):
        name = next((a for a in ANGLES if a.startswith(angle.group(1) if angle else "dutch")), "dutch")
        return Rule("ban_angle", name, words.strip())
    if re.search(r"\b(?:no|without|avoid|never)\b.*\bclose[- ]?ups?\b", low):
        return Rule("ban_close", "faces" if "face" in low else "all", words.strip())
    shapes = aspects_said(low)
    if shapes:
        return Rule("aspect", shapes[0][1], words.strip())
    if re.search(r"\b(?:slower|calmer|longer shots|(?:fewer|less) cuts|less cutting|slow (?:it |them |things )?down|rushed"
                 r"|linger\w*|breathe|take (?:its|their) time|too (?:fast|quick|busy|choppy|frantic)|choppy|frantic)\b", low):
        return Rule("slower", "", words.strip())
    if re.search(r"\b(?:faster|quicker|more cuts|shorter shots|speed (?:it )?up|snappier|quicken\w*|hurry|too slow"
                 r"|pick up the pace|drag(?:s|ging)?|sluggish)\b", low):
        return Rule("faster", "", words.strip())
    if re.search(r"\bdream\w*|\bsurreal\b|\bhazy\b|\bblurr\w*|\bsoft[- ]focus\b|\blike a memory\b", low):
        return Rule("look", "dreamlike", words.strip())
    if re.search(r"\b(?:less literal|not so literal|more abstract|less on the nose|more metaphor\w*)\b", low):
        return Rule("look", "less literal", words.strip())
    if re.search(r"\bmore literal\b", low):
        return Rule("look", "more literal", words.strip())
    if re.search(r"\bgritt\w*|\brawer\b", low):
        return Rule("look", "grittier", words.strip())
    raise ShotcallerError(f"I could not read {words.strip()[:80]!r} as a rule; rules I apply: no <angle> angles, "
                          "no close-ups (of faces), slower/faster, more dreamlike, less literal, vertical 9:16")


def standing(project: Project) -> list[tuple[Rule, str]]:
    """The rules kept in the brief, each with the part it covers ('' for the whole plan)."""
    out = []
    for note in project.brief.constraints.notes:
        if note.startswith(PREFIX):
            body, _, part = note[len(PREFIX):].partition(" (in ")
            try:
                out.append((parse_rule(body), part.rstrip(")")))
            except ShotcallerError:
                continue
    return out


def follow(project: Project, shot: Shot) -> Shot:
    """A new picture made to follow the standing rules of `project` that cover it."""
    from .operations.parts import sections_named  # the operations package imports the editor, which imports us

    for rule, part in standing(project):
        if part:
            try:
                sections = sections_named(project, part)[0]
            except ShotcallerError:
                continue
            if not any(sec.start - 1e-3 <= (shot.start + shot.end) / 2 < sec.end + 1e-3 for sec in sections):
                continue
        shot = shot.model_copy(update=shape(rule, shot))
    return shot


def _prompt_with(prompt: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, prompt, count=1) if old else prompt


def shape(rule: Rule, shot: Shot) -> dict:
    """The field changes `rule` asks of one shot's content (timing rules change no field here)."""
    if rule.kind == "ban_angle" and shot.angle == rule.value:
        return {"angle": "eye level", "prompt": _prompt_with(shot.prompt, f"{shot.angle} angle", "eye level angle")}
    if rule.kind == "ban_close" and shot.shot_size in CLOSE:
        size = "medium"
        return {"shot_size": size, "prompt": _prompt_with(shot.prompt, f"{shot.shot_size} shot", f"{size} shot"),
                "negative_prompt": ", ".join(x for x in (shot.negative_prompt, "close-up of a face") if x)}
    if rule.kind == "look":
        phrase = LOOKS[rule.value]
        if phrase in shot.prompt:
            return {}
        update = {"prompt": f"{shot.prompt.rstrip('. ')}. {phrase}."}
        if rule.value == "dreamlike" and shot.transition == "cut":
            update["transition"] = "crossfade"
        return update
    return {}


def retime(rule: Rule, shots: list[Shot], numbers: list[int], project: Project) -> tuple[list[Shot], list[str]]:
    """Slower: pairs of neighbouring shots in the part become one (fewer, longer shots); faster: each shot of
    two bars or more is cut in two on the bar nearest its middle. Locked shots are left as they are."""
    from .models import new_shot_id

    chosen = {shots[n - 1].id for n in numbers if not shots[n - 1].locked}
    out, notes = [], []
    if rule.kind == "slower":
        k = 0
        while k < len(shots):
            s = shots[k]
            if s.id in chosen and k + 1 < len(shots) and shots[k + 1].id in chosen:
                out.append(s.model_copy(update={"end": shots[k + 1].end, "lyric": None}))
                notes.append(f"merged shots {s.index} and {shots[k + 1].index}")
                k += 2
                continue
            out.append(s)
            k += 1
        return out, notes
    bar = (60 / project.song.tempo * 4) if project.song.tempo else 2.0
    for s in shots:
        mids = [b for b in project.song.bars if s.start + bar * 0.9 < b < s.end - bar * 0.9]
        if s.id in chosen and mids:
            cut = min(mids, key=lambda b: abs(b - (s.start + s.end) / 2))
            out += [s.model_copy(update={"end": cut, "lyric": None}),
                    s.model_copy(update={"id": new_shot_id(), "start": cut, "lyric": None, "takes": [],
                                         "picked_take": None})]
            notes.append(f"cut shot {s.index} in two")
        else:
            out.append(s)
    return out, notes


def apply_aspect(aspect: str) -> dict:
    """Constraints for an aspect ratio: the short side kept at 720."""
    w, h = (int(x) for x in aspect.split(":"))
    size = f"{round(720 * w / h / 2) * 2}x720" if w >= h else f"720x{round(720 * h / w / 2) * 2}"
    return {"aspect": aspect, "resolution": size}
