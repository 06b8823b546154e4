"""What the exporters need from a project folder: each shot's clip or keyframe, and exact frame rates."""

from __future__ import annotations

import io
import subprocess
from fractions import Fraction
from pathlib import Path

from ..models import Project, Shot

NTSC = {23.976: 24000 / 1001, 23.98: 24000 / 1001, 29.97: 30000 / 1001, 47.952: 48000 / 1001,
        59.94: 60000 / 1001, 119.88: 120000 / 1001}


def exact_rate(fps: float) -> float:
    """23.976 → 24000/1001 and friends: timecode must use the true NTSC rate."""
    return NTSC.get(round(fps, 3), NTSC.get(round(fps, 2), fps))


def rate_fraction(fps: float) -> Fraction:
    """The frame rate as an exact rational: 24000/1001 for 23.976, 25 for 25."""
    exact = exact_rate(fps)
    if exact != fps or round(fps, 2) in NTSC:
        return Fraction(round(exact * 1001), 1001)
    return Fraction(fps).limit_denominator(1000)


def is_drop_frame(fps: float) -> bool:
    """Drop-frame timecode exists for 29.97 and 59.94 only (SMPTE 12M)."""
    return round(fps, 2) in (29.97, 59.94)


def smpte_timecode(frame: int, fps: float) -> str:
    """Frame number → SMPTE timecode, drop-frame (`;`) at 29.97 and 59.94, non-drop otherwise."""
    nominal = round(exact_rate(fps))
    if is_drop_frame(fps):
        drop = nominal // 15  # frame numbers skipped each minute but every tenth: 2 at 29.97, 4 at 59.94
        per_ten, per_minute = nominal * 600 - 9 * drop, nominal * 60 - drop
        tens, rest = divmod(frame, per_ten)
        frame += 9 * drop * tens + (drop * ((rest - drop) // per_minute) if rest >= drop else 0)
    seconds, ff = divmod(frame, nominal)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if is_drop_frame(fps) else ':'}{ff:02d}"


def clip_path(folder: Path, shot: Shot, skip_backends: tuple[str, ...] = ()) -> Path | None:
    """The picked take's clip (else the latest finished one), if it exists on disk."""
    done = [t for t in shot.takes if t.status == "done" and t.path and t.backend not in skip_backends]
    pick = next((t for t in done if t.id == shot.picked_take), None) or (done[-1] if done else None)
    if pick is None:
        return None
    p = folder / pick.path
    return p if p.is_file() else None


def keyframe_path(folder: Path, shot: Shot) -> Path | None:
    for t in reversed(shot.takes):
        if t.status == "done" and t.path:
            png = (folder / t.path).with_suffix(".png")
            if png.is_file():
                return png
    return None


def song_file(folder: Path, project: Project) -> Path:
    return (folder / project.song.path) if not Path(project.song.path).is_absolute() else Path(project.song.path)


def timecode(seconds: float, rate: float) -> str:
    import opentimelineio as otio

    rt = otio.opentime.RationalTime(round(seconds * rate), rate)
    return otio.opentime.to_timecode(rt, rate)


FRAME_SIZE = (480, 270)


def frame_image(folder: Path, shot: Shot, number: int):
    """The best picture of the shot: its keyframe, a frame from its clip, or its storyboard card."""
    from PIL import Image

    key = keyframe_path(folder, shot)
    if key:
        return Image.open(key).convert("RGB")
    clip = clip_path(folder, shot)
    if clip:
        from ..audio import ffmpeg_exe

        mid = max(0.0, shot.duration / 2)
        proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{mid:.3f}", "-i", str(clip), "-frames:v", "1",
                               "-f", "image2pipe", "-vcodec", "png", "-"], capture_output=True)
        if proc.returncode == 0 and proc.stdout:
            return Image.open(io.BytesIO(proc.stdout)).convert("RGB")
    from ..cards import draw_card

    return draw_card(shot, number, FRAME_SIZE)
