"""Which shots a part of the song names: 'chorus' (every chorus), 'chorus 2', 'the last chorus',
'second verse', 'verses', 'bridge' — read from the song's sections, so a song's own labels work."""

from __future__ import annotations

import re

from ..errors import ShotcallerError
from ..models import Project, Section

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4, "opening": 1}


def sections_named(project: Project, part: str) -> tuple[list[Section], str]:
    """The sections `part` names and how a reply says them; a clear error listing the song's sections."""
    low = " ".join(re.sub(r"\b(?:the|every|each|all|in|of)\b", " ", part.lower()).split())
    labels = {s.label.lower() for s in project.song.sections}
    names = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    m = re.match(rf"^(?:(\w+)\s+)?({names})(?:e?s)?(?:\s+(\d+))?$", low) if names else None
    if not m:
        have = ", ".join(dict.fromkeys(s.label for s in project.song.sections))
        raise ShotcallerError(f"the song has no section {part.strip()!r}; its sections: {have}")
    label, which = m.group(2), m.group(1) or m.group(3)
    instances = [s for s in project.song.sections if s.label.lower() == label]
    if not which:
        return instances, (f"every {label}" if len(instances) > 1 else f"the {label}")
    k = len(instances) if which in ("last", "final", "closing") else ORDINALS.get(which) or (
        int(which) if which.isdigit() else 0)
    if not 1 <= k <= len(instances):
        raise ShotcallerError(f"the song has {len(instances)} {label} section{'s' * (len(instances) != 1)}, "
                              + (f"no {label} {which}" if which.isdigit() else f"not a {which} one"))
    return [instances[k - 1]], (f"{label} {which}" if which.isdigit() else f"the {which} {label}")


def shots_in(project: Project, part: str) -> tuple[list[int], str]:
    """1-based numbers of the shots whose middle falls in the sections `part` names."""
    sections, name = sections_named(project, part)
    numbers = [n for n, s in enumerate(project.shots, 1)
               if any(sec.start - 1e-3 <= (s.start + s.end) / 2 < sec.end + 1e-3 for sec in sections)]
    return numbers, name
