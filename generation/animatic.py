"""`animatic`: the default backend. No model: a designed card per shot with a simulated camera move
and timecode burn-in, encoded straight to H.264. Fast enough to re-cut a whole song in seconds.

    backend = get_backend("animatic")
    backend.render(job, Path("shot07.mp4"), progress=lambda f, what: None)

Phases: 1. draw the card once, oversized by `moves.MARGIN` (or the still, when the shot has one);
2. per frame, cut the move's window and resize it (OpenCV), burn in the timecode, convert to I420;
3. pipe the frames to ffmpeg. Python and ffmpeg run side by side on the two cores.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from .backend import Cancelled, Progress, ShotJob, file_key, register_backend
from shotlist.cards import draw_card, font
from shotlist.models import Shot, fields_tagged
from .ffmpeg import FrameWriter
from .moves import MARGIN, window

VERSION = 4  # bump when the card's design changes: part of the cache key


class AnimaticBackend:
    name = "animatic"
    needs_gpu = False
    makes_keyframes = False
    reads = fields_tagged(Shot, "card")  # what the card draws and grades by: never the reason

    def __init__(self, **options: Any):
        self.options = options

    def key(self, job: ShotJob) -> dict[str, Any]:
        return {"animatic": VERSION, "still": file_key(job.still)}

    def render(self, job: ShotJob, out: Path, progress: Progress) -> None:
        card = draw_card(job.shot, job.number, (job.settings.width, job.settings.height), job.still)
        render_moving_still(job, out, progress, lambda size: on_canvas(card, size))


def on_canvas(card, size: tuple[int, int]):
    """The card, sharp, in the middle of a soft blown-up copy of itself: the move's margin never
    crops the card's text at rest, and the edges the camera reveals still look like the card."""
    from PIL import ImageFilter

    canvas = card.resize(size).filter(ImageFilter.GaussianBlur(radius=max(4, size[1] // 40)))
    canvas.paste(card, ((size[0] - card.width) // 2, (size[1] - card.height) // 2))
    return canvas


def render_moving_still(job: ShotJob, out: Path, progress: Progress, draw) -> None:
    """Shared with diffusers-stills: animate one picture with the shot's camera move.

    The picture is converted to YUV 4:2:0 once; each frame crops the move's window from the three
    planes (and resizes them only when the window is not the output's size), so a pan costs a copy."""
    import cv2

    s = job.settings
    w, h = s.width, s.height
    src_size = (int(round(w * MARGIN / 2)) * 2, int(round(h * MARGIN / 2)) * 2)
    yuv = cv2.cvtColor(np.asarray(draw(src_size).convert("RGB")), cv2.COLOR_RGB2YUV_I420)
    sw, sh = src_size
    planes = (yuv[:sh], yuv[sh:].reshape(2, sh // 2, sw // 2)[0], yuv[sh:].reshape(2, sh // 2, sw // 2)[1])
    frame = np.empty((h * 3 // 2, w), dtype=np.uint8)
    out_y, out_u, out_v = frame[:h], frame[h:].reshape(2, h // 2, w // 2)[0], frame[h:].reshape(2, h // 2, w // 2)[1]
    writer = FrameWriter(out, w, h, s.fps)
    stamp = Timecode(h, s.fps)
    first_frame = int(round(job.shot.start * s.fps))
    try:
        for i in range(job.frames):
            if job.cancel.is_set():
                raise Cancelled(f"shot {job.number}")
            x, y, ww, hh = window(job.shot.movement, i / max(1, job.frames - 1), src_size, job.seed)
            x0, y0 = int(x) & ~1, int(y) & ~1  # even, so the chroma planes stay aligned
            if abs(ww - w) < 1 and abs(hh - h) < 1:
                out_y[:] = planes[0][y0 : y0 + h, x0 : x0 + w]
                out_u[:] = planes[1][y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2]
                out_v[:] = planes[2][y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2]
            else:
                cw, ch = int(ww) & ~1, int(hh) & ~1
                cv2.resize(planes[0][y0 : y0 + ch, x0 : x0 + cw], (w, h), dst=out_y, interpolation=cv2.INTER_LINEAR)
                for src_plane, dst_plane in ((planes[1], out_u), (planes[2], out_v)):
                    cv2.resize(src_plane[y0 // 2 : (y0 + ch) // 2, x0 // 2 : (x0 + cw) // 2], (w // 2, h // 2),
                               dst=dst_plane, interpolation=cv2.INTER_LINEAR)
            stamp.burn(out_y, out_u, out_v, first_frame + i)
            writer.write_i420(frame)
            if i % 24 == 0:
                progress(i / job.frames, "drawing frames")
    except BaseException:
        writer.abort()
        raise
    writer.close()
    progress(1.0, "done")


class Timecode:
    """HH:MM:SS:FF burned into the lower right, from pre-drawn glyphs (a copy per character)."""

    def __init__(self, height: int, fps: float):
        self.fps = fps
        self.glyphs, self.gw, self.gh = _glyphs(max(10, int(height * 0.03)))
        self.margin = max(4, int(height * 0.02))

    def burn(self, y_plane: np.ndarray, u_plane: np.ndarray, v_plane: np.ndarray, frame_number: int) -> None:
        """White digits on a dark box, written into the luma plane; the box's chroma goes neutral."""
        fps = int(round(self.fps))
        secs, ff = divmod(frame_number, fps)
        text = f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}:{ff:02d}"
        h, w = y_plane.shape
        y = (h - self.margin - self.gh) & ~1
        x = (w - self.margin - self.gw * len(text)) & ~1
        top, bottom, left = y - 2, min(h, y + self.gh + 2), x - 4
        if left < 0 or top < 0:  # a thumbnail-sized frame has no room for a timecode
            return
        y_plane[top:bottom, left : w - 2] = 16
        u_plane[top // 2 : bottom // 2, left // 2 : (w - 2) // 2] = 128
        v_plane[top // 2 : bottom // 2, left // 2 : (w - 2) // 2] = 128
        for k, ch in enumerate(text):
            region = y_plane[y : y + self.gh, x + k * self.gw : x + (k + 1) * self.gw]
            np.maximum(region, self.glyphs[ch], out=region)


@functools.lru_cache(maxsize=8)
def _glyphs(size: int) -> tuple[dict[str, np.ndarray], int, int]:
    from PIL import Image, ImageDraw

    fnt = font(size, mono=True)
    gw = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength("0", font=fnt)) + 1
    gh = size + 4
    out = {}
    for ch in "0123456789:":
        im = Image.new("L", (gw, gh))
        ImageDraw.Draw(im).text((0, 0), ch, font=fnt, fill=235)
        out[ch] = np.asarray(im)
    return out, gw, gh


register_backend("animatic", AnimaticBackend)
