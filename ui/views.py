"""What the studio shows of a project: the shot table, the timeline picture, the storyboard, the
selected shot, and the chat as the artist reads it. Pure functions of a project and its folder;
pictures are files cached by content, so a view costs a file name when nothing changed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from shotlist.look import look_text
from shotlist.lyrics import fmt_time
from shotlist.models import Project, Shot

TABLE_COLUMNS = ["#", "Start", "End", "Section", "Lyric", "Shot size", "Angle", "Movement", "Subject", "Action",
                 "Prompt", "Reason", "Why generative", "Look", "Flags"]
LOOK_COLUMN = "Look"  # one cell for the look fields ("cold, dark, teal"): `shotlist.look.look_text` / `parse_look`
EDITABLE = {"End": "end", "Shot size": "shot_size", "Angle": "angle", "Movement": "movement", "Subject": "subject",
            "Action": "action", "Prompt": "prompt", "Reason": "reason", "Why generative": "why_generative"}
THUMB_SHORT_SIDE = 270
TIMELINE_SIZE = (1600, 300)  # the timeline picture (`ui.timeline.draw_timeline`)
TIMELINE_PAD = 10
TIMELINE_SHOT_BAND = (0.58, 0.85)  # the shot blocks' band, as fractions of the picture's height
# the words a flag shows: plain text and symbols DejaVu Sans has, so no machine shows an empty box
FLAGS = (("locked", "■ locked"), ("generic", "⚠ generic"), ("filmable", "◉ filmable"), ("drift", "⚑ prompt drift"))
TOOL_STEP = "⚙ tool step"
TABLE_HEADER = re.compile(r"^\s*#\s+start\s+end\b", re.I)
TABLE_ROW = re.compile(r"^\s*\d+\s+\d+:\d\d(\.\d+)?\s")
MARKDOWN_ROW = re.compile(r"^\s*\|.*\|\s*$")


def table(project: Project | None) -> dict[str, Any]:
    rows = []
    for n, s in enumerate(project.shots if project else [], start=1):
        on = {"locked": s.locked, "generic": s.critique.generic, "filmable": s.critique.camera_shootable,
              "drift": bool(s.prompt_drift)}
        flags = " ".join(text for key, text in FLAGS if on[key])
        rows.append([n, round(s.start, 2), round(s.end, 2), s.section, s.lyric or "", s.shot_size, s.angle,
                     s.movement, s.subject, s.action, s.prompt, s.reason, s.why_generative, shot_look(s), flags])
    return {"headers": TABLE_COLUMNS, "data": rows}


def shot_look(shot: Shot) -> str:
    return look_text(shot.warmth, shot.brightness, shot.contrast, shot.palette)


def content_key(project: Project) -> str:
    """Changes whenever anything the timeline shows changes (the version alone does not: a save
    after an undo reuses a version number)."""
    shown = project.model_dump_json(include={"title": True, "shots": {"__all__": {"start", "end", "locked",
                                                                                  "critique"}}})
    return hashlib.sha256(f"{project.song.sha256}:{len(project.song.lyrics)}:{shown}".encode()).hexdigest()[:20]


def timeline(project: Project | None, folder: Path | None) -> str | None:
    """The Timeline tab's picture as a PNG in `<project>/renders/thumbs/`, drawn once per content."""
    if not project or folder is None:
        return None
    out = folder / "renders" / "thumbs" / f"timeline-{TIMELINE_SIZE[1]}-{content_key(project)}.png"
    if not out.is_file():
        from ui.timeline import draw_timeline

        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        draw_timeline(project).save(tmp, "PNG")
        tmp.replace(out)
    return str(out)


def aspect(project: Project | None) -> float:
    """The project's frame aspect (width / height) from its constraints: "9:16", "2.39:1", else its resolution."""
    if not project:
        return 16 / 9
    c = project.brief.constraints
    w, _, h = c.aspect.partition(":")
    try:
        ratio = float(w) / float(h)
    except (ValueError, ZeroDivisionError):
        ratio = c.size[0] / c.size[1]
    return min(max(ratio, 0.25), 4.0)


def frame_size(project: Project | None, short_side: int = THUMB_SHORT_SIDE) -> tuple[int, int]:
    """A storyboard frame in the project's aspect, its short side `short_side` (even sizes): 480x270
    at 16:9, 270x480 at 9:16, 646x270 at 2.39:1."""
    ratio = aspect(project)
    long_side = max(2, round(short_side * max(ratio, 1 / ratio) / 2) * 2)
    return (long_side, short_side) if ratio >= 1 else (short_side, long_side)


def storyboard(project: Project | None, folder: Path | None) -> list[tuple[str, str]]:
    """One cached picture per shot in the project's aspect: a frame of its clip (made once per clip)
    or its card, laid out for that aspect."""
    if not project or folder is None:
        return []
    from shotlist.export.media import thumbnail

    size = frame_size(project)
    return [(str(thumbnail(folder, s, n, size)), f"{n}. {s.subject or s.section}")
            for n, s in enumerate(project.shots, 1)]


def timeline_data(project: Project | None, selected: int | None) -> dict[str, Any]:
    """What the page's timeline overlay needs (`ui.page_js.TIMELINE`): the song's length, each shot's
    span, the selected shot, the picture's margins and the frame aspect for the storyboard."""
    if not project:
        return {}
    return {"project": project.id, "duration": project.song.duration, "shots": [[s.start, s.end] for s in project.shots],
            "selected": selected, "pad": TIMELINE_PAD / TIMELINE_SIZE[0], "band": TIMELINE_SHOT_BAND,
            "aspect": aspect(project)}


def shot_detail(project: Project | None, number: int | None) -> str:
    """The selected shot in full: what the table cuts short."""
    if not project or not number:
        return "*Click a shot (a table row, the timeline or a storyboard card) to talk about it.*"
    if not 1 <= number <= len(project.shots):
        return f"*Shot {number} is not in this project any more (it has {len(project.shots)} shots).*"
    s: Shot = project.shots[number - 1]
    lines = [f"**Shot {number}** · {s.section or 'no section'} · {fmt_time(s.start)}–{fmt_time(s.end)} "
             f"({s.duration:.2f} s) · {s.shot_size}, {s.angle}, {s.movement}, {s.lens}" + (" · ■ locked" if s.locked
                                                                                           else "")]
    if s.lyric:
        lines.append(f"> “{s.lyric}”")
    lines.append(f"**{s.subject or '(no subject)'}** — {s.action or '(no action)'}"
                 + (f" · *{s.setting}*" if s.setting else ""))
    lines.append(f"**Look:** {shot_look(s) or 'neutral'}")
    lines.append(f"**Prompt{' (yours)' if s.prompt_by_artist else ''}:** {s.prompt or '(empty)'}")
    if s.prompt_drift:
        lines.append(f"⚑ your prompt no longer says: {', '.join(f.replace('_', ' ') for f in s.prompt_drift)} "
                     "(empty the prompt to rebuild it from the fields)")
    lines.append(f"**Reason:** {s.reason or '(none yet)'}")
    lines.append(f"**Why generative:** {s.why_generative or '(none yet)'}")
    if s.critique.notes:
        lines.append("**Critic:** " + "; ".join(s.critique.notes))
    return "\n\n".join(lines)


def shot_at(project: Project | None, x: float, width: int = TIMELINE_SIZE[0], pad: int = TIMELINE_PAD) -> int | None:
    """The shot under pixel column `x` of the timeline picture (the same mapping `draw_timeline` uses)."""
    if not project or not project.shots:
        return None
    t = (x - pad) / (width - 2 * pad) * project.song.duration
    for n, s in enumerate(project.shots, start=1):
        if s.start <= t < s.end:
            return n
    return 1 if t < 0 else len(project.shots)


def compact(text: str) -> str:
    """A reply as the chat shows it: a shot table becomes one line pointing at the Shot list tab,
    where the real table is (the director's full text stays in chat.jsonl)."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if TABLE_HEADER.match(lines[i]) or MARKDOWN_ROW.match(lines[i]):
            j = i + 1
            row = TABLE_ROW if TABLE_HEADER.match(lines[i]) else MARKDOWN_ROW
            while j < len(lines) and row.match(lines[j]):
                j += 1
            rows = j - i - 1
            if rows >= 3:
                out.append(f"▤ **{rows} shots** — the full list is in the **[Shot list](#shot-table)** tab: "
                           "click a row (or a storyboard card) to talk about that shot.")
                i = j
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def chat_message(role: str, content: str, step: bool = False) -> dict[str, Any]:
    if step:
        return {"role": "assistant", "content": content, "metadata": {"title": TOOL_STEP}}
    return {"role": role, "content": compact(content) if role == "assistant" else content}


def queued_message(text: str) -> dict[str, Any]:
    return {"role": "user", "content": f"{text}\n\n*(queued — answered in order)*"}
