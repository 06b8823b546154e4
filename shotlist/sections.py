"""Editing a project's song sections; the plan follows (each shot's `section` label is updated).

Pure functions, Project → Project (nothing is saved here; callers save through the store):

    >>> p = rename_section(project, "chorus", "hook")        # every chorus, or one by number: 3
    >>> p = split_section(p, 2, at=61.5)                      # snapped to the nearest bar line
    >>> p = merge_sections(p, 4)                              # section 4 and the one after it

A shot belongs to the section that holds its midpoint (as the planner assigns it).
"""

from __future__ import annotations

import re

from .errors import ShotcallerError
from .models import Project, Section, Shot

LABEL_RE = re.compile(r"^[\w][\w '&-]{0,39}$")


def _check_label(label: str) -> str:
    label = " ".join(label.split())
    if not LABEL_RE.match(label):
        raise ShotcallerError(f"section label {label!r} is not valid: use 1-40 letters, digits, spaces or dashes")
    return label.lower() if label.lower() in ("intro", "verse", "chorus", "bridge", "outro") else label


def _numbered(project: Project, ref: int | str) -> int:
    """0-based index of section `ref` (1-based number); the error lists what exists."""
    sections = project.song.sections
    listing = ", ".join(f"{n} {s.label}" for n, s in enumerate(sections, start=1))
    try:
        n = int(ref)
    except (TypeError, ValueError):
        raise ShotcallerError(f"section {ref!r} is not a number; {project.id} has: {listing}") from None
    if not 1 <= n <= len(sections):
        raise ShotcallerError(f"no section {n} in {project.id}: it has {len(sections)} ({listing})")
    return n - 1


def _with_sections(project: Project, sections: list[Section]) -> Project:
    song = project.song.model_copy(update={"sections": sections})
    shots = [relabel_shot(s, song.section_at((s.start + s.end) / 2)) for s in project.shots]
    return project.model_copy(update={"song": song, "shots": shots})


def relabel_shot(shot: Shot, section: Section | None) -> Shot:
    return shot if section is None or shot.section == section.label else shot.model_copy(update={"section": section.label})


def rename_section(project: Project, ref: int | str, label: str) -> Project:
    """Rename section number `ref`, or every section labelled `ref` (e.g. "chorus" → "hook")."""
    label = _check_label(label)
    sections = list(project.song.sections)
    if isinstance(ref, str) and not ref.strip().isdigit():
        hits = [i for i, s in enumerate(sections) if s.label.lower() == ref.strip().lower()]
        if not hits:
            names = sorted({s.label for s in sections})
            raise ShotcallerError(f"no section labelled {ref!r} in {project.id}; labels: {', '.join(names)}")
    else:
        hits = [_numbered(project, ref)]
    for i in hits:
        sections[i] = sections[i].model_copy(update={"label": label})
    return _with_sections(project, sections)


def split_section(project: Project, ref: int | str, at: float, label: str | None = None) -> Project:
    """Split section `ref` at `at` seconds (snapped to the nearest bar line inside it, if any); the
    second part takes `label` (default: the same label)."""
    i = _numbered(project, ref)
    sections = list(project.song.sections)
    s = sections[i]
    if not s.start < at < s.end:
        raise ShotcallerError(
            f"section {i + 1} ({s.label}) runs {s.start:.2f}-{s.end:.2f}s; split it at a time inside, not {at:.2f}s"
        )
    inside = [b for b in project.song.bars if s.start < b < s.end]
    if inside:
        at = min(inside, key=lambda b: abs(b - at))
    second = s.model_copy(update={"start": round(at, 4), "label": _check_label(label) if label else s.label})
    sections[i : i + 1] = [s.model_copy(update={"end": round(at, 4)}), second]
    return _with_sections(project, sections)


def merge_sections(project: Project, ref: int | str, label: str | None = None) -> Project:
    """Merge section `ref` with the one after it; the merged section keeps the first's label unless
    `label` is given, and the longer part's energy-weighted mean energy."""
    i = _numbered(project, ref)
    sections = list(project.song.sections)
    if i + 1 >= len(sections):
        raise ShotcallerError(f"section {i + 1} is the last one; merge it with the one before (section {i})")
    a, b = sections[i], sections[i + 1]
    la, lb = a.end - a.start, b.end - b.start
    merged = a.model_copy(update={
        "end": b.end,
        "label": _check_label(label) if label else a.label,
        "energy": round((a.energy * la + b.energy * lb) / (la + lb), 3),
    })
    sections[i : i + 2] = [merged]
    return _with_sections(project, sections)


def describe_sections(project: Project) -> str:
    """One line per section: number, label, times, energy, and how many shots it holds."""
    rows = []
    for n, s in enumerate(project.song.sections, start=1):
        count = sum(1 for shot in project.shots if s.start <= (shot.start + shot.end) / 2 < s.end)
        rows.append(f"{n:>2}  {s.label:<10} {s.start:7.2f}-{s.end:7.2f}s  energy {s.energy:.2f}  {count} shots")
    return "\n".join(rows)
