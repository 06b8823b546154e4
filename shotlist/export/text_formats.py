"""`srt` (the timed lyrics as subtitles) and `md` (the treatment document)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ShotcallerError
from ..lyrics import fmt_time
from ..models import Project
from . import Format, register
from .sniff import text_of

MAX_SUBTITLE = 6.0  # seconds a lyric line stays up at most


def _srt_time(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(project: Project, folder: Path) -> bytes:
    lines = [line for line in project.song.lyrics if line.time is not None]
    if not lines:
        raise ShotcallerError(f"{project.id} has no timed lyrics to subtitle: create it with --lyrics FILE.lrc")
    out = []
    for n, line in enumerate(lines, start=1):
        nxt = lines[n].time if n < len(lines) else project.song.duration
        end = min(nxt, line.time + MAX_SUBTITLE, project.song.duration)
        out.append(f"{n}\n{_srt_time(line.time)} --> {_srt_time(end)}\n{line.text}\n")
    return "\n".join(out).encode("utf-8")


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def write_md(project: Project, folder: Path) -> bytes:
    b = project.brief
    out = [f"# {project.title} — treatment", ""]
    if b.logline:
        out += [f"**Logline.** {b.logline}", ""]
    for title, text in (("What the song is about", b.meaning), ("Story", b.story), ("Feeling", b.feeling),
                        ("Palette", b.palette), ("Why generative video", b.why_generative)):
        if text:
            out += [f"## {title}", "", text, ""]
    if b.motifs:
        out += ["## Motifs", "", *[f"- {m}" for m in b.motifs], ""]
    out += ["## Section by section", ""]
    for s in project.song.sections:
        shots = [n for n, x in enumerate(project.shots, 1) if s.start <= x.start < s.end]
        subjects = sorted({project.shots[n - 1].subject for n in shots if project.shots[n - 1].subject})
        span = f"shots {shots[0]}-{shots[-1]}" if shots else "no shots"
        out.append(f"- **{s.label}** {fmt_time(s.start)}–{fmt_time(s.end)} (energy {s.energy:.2f}), {span}: "
                   + ("; ".join(subjects[:3]) or "—"))
    out += ["", "## Shot list", "",
            "| # | In | Out | Section | Lyric | Size / angle / move | Subject & action | Reason | Why generative |",
            "|---|---|---|---|---|---|---|---|---|"]
    for n, s in enumerate(project.shots, start=1):
        out.append(f"| {n} | {fmt_time(s.start)} | {fmt_time(s.end)} | {_cell(s.section)} | {_cell(s.lyric)} | "
                   f"{s.shot_size} / {s.angle} / {s.movement} | {_cell(s.subject)}, {_cell(s.action)} | "
                   f"{_cell(s.reason)} | {_cell(s.why_generative)} |")
    return ("\n".join(out) + "\n").encode("utf-8")


_CUE = re.compile(r"^\s*\d+\s*\r?\n\d{2}:\d{2}:\d{2}[,.]\d{3} --> \d{2}:\d{2}:\d{2}[,.]\d{3}")
register(Format("srt", ".srt", write_srt, None, "timed lyrics as subtitles",
                sniff=lambda data: bool(_CUE.match(text_of(data) or ""))))
register(Format("md", ".md", write_md, None, "treatment document with the shot list"))
