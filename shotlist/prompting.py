"""A shot's prompt, built from its fields: what the video model reads follows what the artist edits.

    prompt_from_fields(shot, style)
    # 'close-up shot, low angle, push in: the kettle boils over into stars, a kitchen at night.
    #  Tender, slow. Light: cold blue light, pale frosted highlights.'

A prompt the artist wrote themselves (`Shot.prompt_by_artist`) is kept as written; when a field changes
afterwards and the prompt does not say it, the field is added to `Shot.prompt_drift`: the flag front ends show. `follow_fields` is the
rule every revision goes through (`ProjectEditor.revise`): table, chat and MCP edits alike.
"""

from __future__ import annotations

import re

from .look import describe
from .models import Shot, StyleBible, fields_tagged

SOURCES = fields_tagged(Shot, "prompt")  # the fields a prompt is built from


def prompt_from_fields(shot: Shot, style: StyleBible) -> str:
    """The prompt for `shot`: size, angle and move; subject, action and setting; the style bible's look;
    the shot's light from its look values."""
    picture = " ".join(x for x in (shot.subject, shot.action) if x.strip())
    picture = ", ".join(x for x in (picture, shot.setting.strip()) if x)
    text = f"{shot.shot_size} shot, {shot.angle} angle, {shot.movement}: {picture}".rstrip(": ")
    text = ". ".join(p.strip().rstrip(".") for p in (text, style.look) if p.strip()) + "."
    light = describe(shot.warmth, shot.brightness, shot.contrast, shot.palette)
    return f"{text} Light: {'; '.join(light)}." if light else text


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3}


def drifted(shot: Shot, fields: list[str] | tuple[str, ...]) -> list[str]:
    """The picture fields among `fields` an artist-written prompt does not say: a subject none of whose
    words it contains, a shot size or move it does not name. Empty for a built prompt."""
    if not shot.prompt_by_artist:
        return []
    said = shot.prompt.lower()
    out = []
    for name in fields:
        value = getattr(shot, name)
        if name in ("subject", "action", "setting"):
            words = _words(value)
            if words and not words & _words(said):
                out.append(name)
        elif name in ("shot_size", "angle", "movement") and value.lower() not in said:
            out.append(name)
    return out


def follow_fields(shot: Shot, changes: dict, style: StyleBible, number: int) -> tuple[Shot, list[str]]:
    """`shot` (already patched with `changes`) with its prompt following the rule, and the notes for the artist:
    - a prompt emptied by hand is rebuilt from the fields (and no longer counts as the artist's);
    - a prompt set on its own is the artist's (kept as written from now on);
    - a prompt set together with the fields it describes (a revision writing both) is kept as given;
    - a change to a field the prompt is built from rebuilds a built prompt, and keeps an artist's one,
      noting what it no longer says."""
    sources = [f for f in changes if f in SOURCES]
    if "prompt" in changes and not (shot.prompt or "").strip():
        rebuilt = prompt_from_fields(shot, style)
        return (shot.model_copy(update={"prompt": rebuilt, "prompt_by_artist": False, "prompt_drift": []}),
                [f"shot {number}: an empty prompt gives the video model nothing; rebuilt it from the shot's fields "
                 f"({rebuilt})"])
    if "prompt" in changes and not sources:
        flag = changes.get("prompt_by_artist", True)
        return shot.model_copy(update={"prompt_by_artist": flag, "prompt_drift": []}), []
    if not sources or "prompt" in changes:  # a prompt given with its fields (a revision writing both) is kept
        return shot, []
    if not shot.prompt_by_artist:
        return shot.model_copy(update={"prompt": prompt_from_fields(shot, style), "prompt_drift": []}), []
    gone = drifted(shot, sources)
    drift = [f for f in shot.prompt_drift if f not in sources] + gone  # a field the prompt says again is off the list
    shot = shot.model_copy(update={"prompt_drift": drift})
    if not gone:
        return shot, []
    return shot, [f"shot {number}: kept the prompt you wrote; it no longer says its {', '.join(gone)} "
                  "(empty the prompt to rebuild it from the fields)"]


def restyled(shots: list[Shot], style: StyleBible) -> list[Shot]:
    """The shots with their built prompts rebuilt for a new style bible; an artist's prompt and a locked
    shot stay as they are."""
    return [s if s.prompt_by_artist or s.locked else s.model_copy(update={"prompt": prompt_from_fields(s, style)})
            for s in shots]
