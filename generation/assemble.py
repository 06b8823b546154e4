"""The cut on the song: clips in shot order, transitions, the song as AAC, H.264 MP4.

Fast path: every clip is encoded with the same settings (generation.ffmpeg.X264), so the cut is the
concat demuxer copying packets, never decoding. Only a shot whose transition is not a cut is
re-encoded (fade to black on its tail; a crossfade into the next shot's first frame), and that
result is cached by the keys of both clips, so after a revision only the changed shots and their
neighbours' transitions cost an encode.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from shotlist.models import Shot

from .backend import RenderSettings
from .ffmpeg import TIMESCALE, X264, run, timescale

TRANSITION_SECONDS = 0.5


def assemble(clips: list[Path], shots: list[Shot], song: Path, out: Path, settings: RenderSettings,
             work: Path) -> Path:
    parts = []
    for i, (clip, shot) in enumerate(zip(clips, shots)):
        nxt = clips[i + 1] if i + 1 < len(clips) else None
        if shot.transition == "fade to black" or (shot.transition == "crossfade" and nxt is not None):
            parts.append(_transition(clip, nxt if shot.transition == "crossfade" else None, shot, settings, work))
        else:
            parts.append(clip)
    audio = _song_aac(song, work)
    listing = work / f".concat-{out.stem}.txt"
    listing.write_text("".join(f"file '{p.resolve()}'\n" for p in parts))
    duration = shots[-1].end
    tmp = out.with_name(out.stem + ".part.mp4")
    try:
        run(["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
             "-c", "copy", "-t", f"{duration:.4f}", "-movflags", "+faststart", str(tmp)], "assembling the cut")
        tmp.replace(out)
    finally:
        listing.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return out


def _song_aac(song: Path, work: Path) -> Path:
    """The song encoded to AAC once (keyed by its bytes); every later cut copies it."""
    from .backend import file_key

    out = work / f"audio-{file_key(song)}.m4a"
    if not out.is_file():
        tmp = out.with_name(out.stem + ".part.m4a")
        run(["-i", str(song), "-vn", "-c:a", "aac", "-b:a", "192k", str(tmp)], "encoding the song")
        tmp.replace(out)
    return out


def _transition(clip: Path, nxt: Path | None, shot: Shot, settings: RenderSettings, work: Path) -> Path:
    kind = "xfade" if nxt is not None else "fade"
    key = hashlib.sha256(f"{kind}|{clip.name}|{nxt.name if nxt else ''}|{TRANSITION_SECONDS}".encode()).hexdigest()[:20]
    out = work / f"tr-{key}.mp4"
    if out.is_file():
        return out
    d = min(TRANSITION_SECONDS, shot.duration / 3)
    fps = settings.fps
    tail = max(0.0, shot.duration - d)
    if nxt is None:
        args = ["-i", str(clip), "-vf", f"fade=t=out:st={tail:.4f}:d={d:.4f}"]
    else:
        first = work / f"tr-{key}.png"
        run(["-i", str(nxt), "-frames:v", "1", str(first)], "reading the next shot's first frame")
        args = ["-i", str(clip), "-loop", "1", "-framerate", f"{fps}", "-t", f"{d + 1 / fps:.4f}", "-i", str(first),
                "-filter_complex",
                f"[1:v]format=yuv420p,fps={fps},settb=AVTB,setsar=1[b];[0:v]fps={fps},settb=AVTB,setsar=1[a];"
                f"[a][b]xfade=transition=fade:duration={d:.4f}:offset={tail:.4f},trim=end_frame="
                f"{max(1, round(shot.end * fps) - round(shot.start * fps))}"]
    tmp = out.with_name(out.stem + ".part.mp4")
    run([*args, *X264, "-r", f"{fps}", TIMESCALE, timescale(fps), "-an", str(tmp)], f"transition after {shot.id}")
    tmp.replace(out)
    if nxt is not None:
        (work / f"tr-{key}.png").unlink(missing_ok=True)
    return out
