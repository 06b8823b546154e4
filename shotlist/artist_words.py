"""A picture in the artist's own words ("him sitting at the table underwater, still pouring tea") as a
shot's fields: subject, action, setting and prompt from the words; a reason tied to the lyric the slot
carries; a why-generative only when the words say what a camera cannot film, otherwise asked for."""

from __future__ import annotations

import re

from .models import Project, Shot

LEAD = re.compile(r"(?i)^\s*(?:(?:a|an|one)\s+(?:new\s+)?(?:shot|image|picture|frame)\s+(?:of|with|where|showing)\s+|we\s+(?:see|should see)"
                  r"\s+|show(?:ing)?\s+|(?:it|this)\s+(?:should\s+)?(?:be|show)s?\s+|there(?:'s| is)\s+)")
VERB = re.compile(r"(?i)\b(\w+ing|is|are|was|were|sits|stands|walks|runs|falls|pours|holds|looks|turns|comes|goes|lies|"
                  r"floats|drifts|burns|opens|closes|dances|sings|waits)\b")
PLACE = re.compile(r"(?i)\b(?:in|at|on|under|inside|beneath|by|beside|across|through|over|near|outside|behind|into)\s+"
                   r"(?:the|a|an|his|her|their|my|our|this|that)\s+[^,;.]+")
IMPOSSIBLE = re.compile(r"(?i)\b(underwater|under water|float\w*|fly\w*|flies|levitat\w*|melt\w*|dissolv\w*|morph\w*|"
                        r"turns? into|made of|giant|tiny|impossible|surreal|dream\w*|glow\w*|upside down|frozen in time|"
                        r"on fire|burning|flood\w*|water (?:coming|pouring|rising)|endless|infinite|ghost\w*)\b")
MAX_WORDS = 600  # characters: a picture, not a paste


def picture(words: str, slot: Shot, project: Project) -> dict:
    """The fields of a shot that shows `words` in `slot` (its framing kept); the reason quotes its lyric."""
    text = " ".join(LEAD.sub("", words.strip()).split()).strip(" .")
    verb = VERB.search(text)
    subject = text[:verb.start()].strip(" ,") if verb and verb.start() > 0 else text
    action = text[verb.start():].strip(" ,") if verb and verb.start() > 0 else ""
    place = PLACE.search(text)
    setting = place.group(0).strip() if place else slot.setting
    look = project.brief.palette or project.style.look
    prompt = f"{slot.shot_size} shot, {slot.angle} angle, {slot.movement}: {text}" + (f". {look}" if look else "") + "."
    line = (slot.lyric or "").split(" / ")[0].strip()
    reason = (f"The artist's own picture for \"{line}\": {text}." if line else
              f"The artist's own picture for this moment of the {slot.section or 'song'}: {text}.")
    cue = IMPOSSIBLE.search(text)
    why = f"a camera cannot film {text} ({cue.group(0)})" if cue else ""
    return {"subject": subject[:200], "action": action[:300], "setting": setting, "prompt": prompt, "reason": reason,
            "why_generative": why, "origin": "artist"}
