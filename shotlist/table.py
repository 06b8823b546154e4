"""The shot list as a plain-text table (CLI `show`, chat `/show`)."""

from __future__ import annotations

from .lyrics import fmt_time
from .models import Project


def shot_table(project: Project, width: int = 40) -> str:
    if not project.shots:
        return "(no shots yet)"
    rows = [f"{'#':>3}  {'start':>8}  {'end':>8}  {'section':<8} {'size':<16} {'movement':<10} {'flags':<5} subject / lyric"]
    for n, s in enumerate(project.shots, start=1):
        flags = ("L" if s.locked else "") + ("G" if s.critique.generic else "") + ("C" if s.critique.camera_shootable else "")
        text = s.subject + (f' — "{s.lyric}"' if s.lyric else "")
        rows.append(
            f"{n:>3}  {fmt_time(s.start):>8}  {fmt_time(s.end):>8}  {s.section[:8]:<8} {s.shot_size:<16} "
            f"{s.movement:<10} {flags:<5} {text[:width]}"
        )
    return "\n".join(rows)
