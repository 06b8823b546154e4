"""The co-writing walk: after the global questions, guided mode asks about the song section by
section: every part that needs a picture (each section with lines, each instrumental passage, the
outro). A repeated chorus (or any block whose lines repeat) is one group, asked about once; "you choose
the rest" ends the walk and the parts left are built from the motifs."""

from __future__ import annotations

from dataclasses import dataclass, field

from shotlist.models import Section, Song
from shotlist.timing import lines_within

from .prompts import load_prompt
from .reading import section_phrase

SAME_BLOCK = 0.5  # share of lines two sections must share to be one repeated block


@dataclass
class SectionGroup:
    key: str
    label: str
    sections: list[Section] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        repeated = len(self.sections) > 1
        return f"{self.key}" + (" (every time it comes back)" if repeated and self.lines else "")


def _mmss(t: float) -> str:
    return f"{int(t // 60)}:{int(t % 60):02d}"


def section_groups(song: Song) -> list[SectionGroup]:
    """Sections grouped by what repeats, in song order."""
    groups: list[SectionGroup] = []
    by_label: dict[str, int] = {}
    raw = [(s, lines_within(song, s.start, s.end)) for s in song.sections]
    lyric_counts: dict[str, int] = {}
    for s, _ in raw:
        lyric_counts[s.label] = lyric_counts.get(s.label, 0) + 1
    for s, lines in raw:
        norm = {x.strip().lower() for x in lines}
        home = None
        for g in groups:
            shared = norm & {x.strip().lower() for x in g.lines}
            if s.label == "chorus" and g.label == "chorus":
                home = g
            elif norm and shared and len(shared) >= SAME_BLOCK * min(len(norm), len(g.lines)):
                home = g
            elif not norm and not g.lines and g.label == s.label:
                home = g
            if home:
                break
        if home is None:
            by_label[s.label] = by_label.get(s.label, 0) + 1
            many = lyric_counts[s.label] > 1 and s.label != "chorus" and norm
            key = f"{s.label} {by_label[s.label]}" if many else s.label
            home = SectionGroup(key=key, label=s.label)
            groups.append(home)
        home.sections.append(s)
        home.lines += [x for x in lines if x not in home.lines]
    return groups


def group_of(groups: list[SectionGroup], section: Section | None) -> SectionGroup | None:
    for g in groups:
        if any(s is section or (s.start == section.start and s.end == section.end) for s in g.sections):
            return g
    return None


def to_ask(groups: list[SectionGroup]) -> list[SectionGroup]:
    """The groups the walk asks about, in song order: every one (a repeat is one group, asked once)."""
    return list(groups)


def spoken_name(name: str) -> str:
    """A section's name as 'Now the … ' says it: an analysis label 'B' → 'second section'."""
    phrase = section_phrase(name)
    return phrase[4:] if phrase.startswith("the ") else "next part"


def question(group: SectionGroup) -> str:
    first = group.sections[0]
    span = f"{_mmss(first.start)}–{_mmss(first.end)}"
    if not group.lines:
        return load_prompt("guided/section_question_instrumental.md").format(name=spoken_name(group.name), span=span).strip()
    quote = "\n".join(f"  “{line}”" for line in group.lines[:4])
    return load_prompt("guided/section_question.md").format(name=spoken_name(group.name), span=span, quote=quote).strip()
