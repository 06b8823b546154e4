"""What the exporters need from a project folder: each shot's clip or keyframe, and exact frame rates."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
from fractions import Fraction
from pathlib import Path

from ..errors import ShotcallerError
from ..models import Project, Shot, Take, fields_tagged

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


DEFAULT_START_TC = "01:00:00:00"  # where NLE timelines conventionally start (and what Resolve relinks best)
_TIMECODE = re.compile(r"(\d{2}):(\d{2}):(\d{2})[:;.](\d{2})")


def timecode_frames(timecode: str, fps: float) -> int:
    """SMPTE timecode → frame number, the inverse of `smpte_timecode` (drop-frame at 29.97 and 59.94,
    whichever separator is written)."""
    nominal = round(exact_rate(fps))
    found = _TIMECODE.fullmatch(timecode.strip())
    if not found:
        raise ShotcallerError(f"start timecode {timecode!r} is not HH:MM:SS:FF: write it like {DEFAULT_START_TC}")
    hh, mm, ss, ff = map(int, found.groups())
    if hh > 23 or mm > 59 or ss > 59 or ff >= nominal:
        raise ShotcallerError(f"start timecode {timecode!r} is out of range at {fps:g} fps: hours run to 23, minutes and "
                              f"seconds to 59, frames to {nominal - 1}")
    frames = ((hh * 60 + mm) * 60 + ss) * nominal + ff
    if is_drop_frame(fps):
        drop = nominal // 15
        if ff < drop and ss == 0 and mm % 10:
            raise ShotcallerError(f"start timecode {timecode!r} does not exist in drop-frame timecode at {fps:g} fps "
                                  f"(frames 00 to {drop - 1:02d} are skipped at the start of that minute)")
        minutes = hh * 60 + mm
        frames -= drop * (minutes - minutes // 10)
    return frames


def picked_take(shot: Shot, skip_backends: tuple[str, ...] = ()) -> Take | None:
    """The picked take (else the latest finished one)."""
    done = [t for t in shot.takes if t.status == "done" and t.path and t.backend not in skip_backends]
    return next((t for t in done if t.id == shot.picked_take), None) or (done[-1] if done else None)


def clip_path(folder: Path, shot: Shot, skip_backends: tuple[str, ...] = ()) -> Path | None:
    """The picked take's clip (else the latest finished one), if it exists on disk."""
    pick = picked_take(shot, skip_backends)
    if pick is None or not pick.path:
        return None
    p = folder / pick.path
    return p if p.is_file() else None


def is_keyframe_take(folder: Path, take: Take) -> bool:
    """A keyframe take: its keyframe (`<clip>.png`) lies beside its clip, as a backend that `makes_keyframes`
    writes it (`generation.backend`). Its clip is that still moved like the animatic with its timecode burnt
    in, a preview and a source for later video renders, never footage for an editor."""
    return bool(take.path) and (folder / take.path).with_suffix(".png").is_file()


def timeline_media(folder: Path, shot: Shot) -> Path | None:
    """What the shot is on an editor's timeline (the OTIO, EDL, FCPXML, FCP7 and MLT exports and the media
    package): the picked video take's clip, else the newest video take's; with no video take, the keyframe
    itself (.png), which the timelines hold for the shot's duration; None when nothing is rendered. A keyframe
    take's own clip is never used."""
    done = [t for t in shot.takes if t.status == "done" and t.path and (folder / t.path).is_file()]
    video = [t for t in done if not is_keyframe_take(folder, t)]
    pick = next((t for t in video if t.id == shot.picked_take), None) or (video[-1] if video else None)
    return folder / pick.path if pick is not None else keyframe_path(folder, shot)


def is_still(path: Path | str) -> bool:
    return Path(str(path)).suffix.lower() in (".png", ".jpg", ".jpeg")


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


THUMB_VERSION = 3  # bump when the card layout or the thumbnail size changes: old files are not reused


def _clip_frame(clip: Path, at: float):
    from PIL import Image

    from ..audio import ffmpeg_exe

    proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{max(0.0, at):.3f}", "-i", str(clip), "-frames:v",
                           "1", "-f", "image2pipe", "-vcodec", "png", "-"], capture_output=True)
    if proc.returncode == 0 and proc.stdout:
        return Image.open(io.BytesIO(proc.stdout)).convert("RGB")
    return None


def frame_image(folder: Path, shot: Shot, number: int, size: tuple[int, int] = FRAME_SIZE):
    """The best picture of the shot: its keyframe, a frame from its clip, or its storyboard card (at
    `size`: a portrait project's card is laid out portrait)."""
    from PIL import Image

    key = keyframe_path(folder, shot)
    if key:
        return Image.open(key).convert("RGB")
    clip = clip_path(folder, shot)
    if clip:
        frame = _clip_frame(clip, shot.duration / 2)
        if frame is not None:
            return frame
    from ..cards import draw_card

    return draw_card(shot, number, size)


def thumbnail_key(folder: Path, shot: Shot, number: int, size: tuple[int, int] = FRAME_SIZE) -> str:
    """What the storyboard thumbnail depends on: the picked clip (its render-cache key, else its bytes'
    hash) or keyframe, else every field the card shows."""
    h = hashlib.sha256(f"v{THUMB_VERSION}:{size}".encode())
    take = picked_take(shot)
    clip = clip_path(folder, shot)
    still = keyframe_path(folder, shot)
    source = still or clip
    if source is not None:
        st = source.stat()  # the render-cache key names the clip's content; without one, its size and time do
        ident = (take.cache_key if take is not None and take.cache_key else "") + f":{st.st_size}:{st.st_mtime_ns}"
        h.update(f"{'still' if still else 'clip'}:{source.name}:{ident}:{shot.duration:.3f}".encode())
    else:
        shown = shot.model_dump(include=set(fields_tagged(Shot, "card")))  # what the card draws and grades by
        h.update(f"card:{number}:".encode() + json.dumps(shown, sort_keys=True).encode())
    return h.hexdigest()[:24]


def thumbnail(folder: Path, shot: Shot, number: int, size: tuple[int, int] = FRAME_SIZE) -> Path:
    """The storyboard picture of a shot as a JPEG in `<project>/renders/thumbs/`, at most `size` (the
    project's aspect), made once per clip (or card content) and reused by every later view: no ffmpeg
    call when nothing changed."""
    thumbs = folder / "renders" / "thumbs"
    out = thumbs / f"{thumbnail_key(folder, shot, number, size)}.jpg"
    if out.is_file():
        return out
    thumbs.mkdir(parents=True, exist_ok=True)
    image = frame_image(folder, shot, number, size)
    image.thumbnail(size)
    tmp = out.with_name(f".{out.name}.{id(image)}.tmp")
    image.save(tmp, "JPEG", quality=85)
    tmp.replace(out)
    return out
