"""The brief as the artist filed it: each field beside the artist's own words it came from, and the shots
whose words come from it (what a change to it would touch). Read by `shotcaller brief` and the studio's
Brief tab; changed only through `ProjectEditor.update_brief` / `move_answer` (one version, one undo step).

    for row in brief_rows(project):
        print(row.label, row.value, row.said, row.shots)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Brief, Project

FIELDS = ("logline", "meaning", "story", "motifs", "feeling", "palette", "references", "why_generative",
          "constraints")
LABELS = {"logline": "Logline", "meaning": "Meaning", "story": "Story", "motifs": "Motifs", "feeling": "Feeling",
          "palette": "Palette", "references": "References", "why_generative": "Why generative",
          "constraints": "Constraints and rules"}
SHOT_TEXT = ("subject", "action", "setting", "prompt", "negative_prompt", "reason", "why_generative")
_STOP = {"that", "this", "with", "from", "into", "they", "them", "their", "there", "what", "when", "where", "which",
         "about", "would", "could", "should", "have", "been", "were", "your", "just", "like", "some", "than", "then",
         "very", "more", "only", "also", "each", "every", "shot", "shots", "song"}

_SMALL = {"the", "and", "but", "not", "for", "nor", "you", "her", "his", "its", "our", "was", "are", "has", "had"}


@dataclass
class BriefRow:
    field: str  # a Brief field name, or "section:<key>" for a section's answer
    label: str
    value: str  # the field as filed, as text
    said: list[str] = field(default_factory=list)  # the artist's words it came from, verbatim
    shots: list[int] = field(default_factory=list)  # shots whose words come from it


def value_text(brief: Brief, name: str) -> str:
    """A brief field as one line of text."""
    if name == "constraints":
        c = brief.constraints
        parts = [f"{c.aspect}, {c.resolution}, {c.fps:g} fps"]
        parts += [f"avoid: {', '.join(c.avoid)}"] if c.avoid else []
        parts += [f"no {', '.join(c.banned_sizes)} shots"] if c.banned_sizes else []
        parts += c.notes
        return "; ".join(parts)
    value = getattr(brief, name)
    return "; ".join(value) if isinstance(value, list) else str(value)


def phrases(text: str) -> list[str]:
    """The phrases of a brief field a shot can quote: its parts between punctuation, lower-cased, without a
    leading article ("a coat made of rain" → "coat made of rain"); parts of stop words only are left out."""
    out = []
    for part in re.split(r"[;,.!?:\n]", text.lower()):
        part = re.sub(r"^(?:a|an|the)\s+", "", " ".join(re.findall(r"[a-z0-9']+", part)))
        if any(len(w) >= 3 and w not in _STOP and w not in _SMALL for w in part.split()) and part not in out:
            out.append(part)
    return out


def touched_shots(project: Project, text: str) -> list[int]:
    """The shots whose words quote `text`: one of their fields carries a phrase of it whole, word for word
    ("a coat made of rain", the motif "fog"). Sharing a word or two is not quoting: a brief field never
    feeds a built prompt (`prompting.prompt_from_fields` reads the shot's fields and the style bible), so the
    shots a change touches are the ones written from its words."""
    quoted = [re.compile(rf"\b{re.escape(p)}\b") for p in phrases(text)]
    if not quoted:
        return []
    out = []
    for n, shot in enumerate(project.shots, 1):
        theirs = " | ".join(" ".join(re.findall(r"[a-z0-9']+", (getattr(shot, f) or "").lower())) for f in SHOT_TEXT)
        if any(q.search(theirs) for q in quoted):
            out.append(n)
    return out


def brief_rows(project: Project, section_answers: dict[str, str] | None = None) -> list[BriefRow]:
    """Every brief field (empty ones too: a misfiled answer shows as a hole), then each section's answer."""
    brief = project.brief
    rows = []
    for name in FIELDS:
        value = value_text(brief, name)
        shown = value if name != "constraints" else " ".join([*brief.constraints.avoid, *brief.constraints.notes])
        rows.append(BriefRow(name, LABELS[name], value, list(brief.said.get(name, [])),
                             touched_shots(project, shown) if shown.strip() else []))
    for key, answer in (section_answers or {}).items():
        rows.append(BriefRow(f"section:{key}", f"Section {key}", answer, [answer], touched_shots(project, answer)))
    return rows


def as_text(rows: list[BriefRow]) -> str:
    """The rows for a terminal: field, value, the artist's words, the shots it touches."""
    out = []
    for r in rows:
        out.append(f"{r.label}: {r.value or '(empty)'}")
        for s in r.said:
            out.append(f"    you said: “{s}”")
        if r.shots:
            out.append(f"    shots: {', '.join(map(str, r.shots))}")
    return "\n".join(out)


def _without(value: str, said: str) -> str:
    """`value` with the part filed from `said` taken out (all of it when the value came from `said` alone)."""
    v, s = value.strip(), said.strip()
    if not v:
        return ""
    core = v.rstrip(".…").strip()
    if core and (core.lower() in s.lower() or s.lower() in v.lower() and len(s) >= len(v) - 2):
        return ""  # the field was that answer (perhaps clipped)
    return " ".join(v.replace(s, " ").split())


def moved(brief: Brief, said: str, source: str, target: str) -> Brief:
    """The brief with the answer `said` taken out of `source` and filed under `target`, its words moving
    with it. An answer not filed under `source` is an error naming what is."""
    from .errors import ShotcallerError

    for name in (source, target):
        if name not in FIELDS:
            raise ShotcallerError(f"the brief has no field {name!r}; fields: {', '.join(FIELDS)}")
    if source == target:
        raise ShotcallerError(f"that answer is already under {LABELS[source]}")
    filed = brief.said.get(source, [])
    if said not in filed:
        have = "; ".join(f"“{s}”" for s in filed) or "no answers"
        raise ShotcallerError(f"{LABELS[source]} was not filed from “{said}”: it holds {have}")
    data = brief.model_dump()
    if source == "motifs":
        data["motifs"] = [m for m in brief.motifs if m.lower() not in said.lower()]
    elif source == "constraints":
        data["constraints"]["notes"] = [n for n in brief.constraints.notes if n.lower() not in said.lower()]
        data["constraints"]["avoid"] = [a for a in brief.constraints.avoid if a.lower() not in said.lower()]
    elif source != "references":
        data[source] = _without(getattr(brief, source), said)
    else:
        data["references"] = [r for r in brief.references if r.lower() not in said.lower()]
    if target in ("motifs", "references"):
        items = [p.strip() for p in re.split(r"[;,]|\band\b", said) if p.strip()]
        data[target] = [*getattr(brief, target), *(i for i in items if i not in getattr(brief, target))]
    elif target == "constraints":
        data["constraints"]["notes"] = [*brief.constraints.notes, said.strip()]
    else:
        data[target] = " ".join(x for x in (getattr(brief, target).strip(), said.strip()) if x)
    data["said"] = {k: [s for s in v if not (k == source and s == said)] for k, v in brief.said.items()}
    data["said"][target] = [*data["said"].get(target, []), said]
    data["said"] = {k: v for k, v in data["said"].items() if v}
    return Brief.model_validate(data)
