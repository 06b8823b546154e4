"""Storyboard cards: one designed frame per shot (the animatic's picture and the PDF's fallback frame).

Layout: section colour field with a framing guide sized by the shot size; shot number, section and
time range on top; subject and action large; the lyric in quotes; a short reason; camera line at
the bottom. A still (a keyframe from `diffusers-stills`) replaces the colour field when there is one.
"""

from __future__ import annotations

import functools
import hashlib
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .models import Shot

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
SECTION_COLOURS = {
    "intro": (38, 52, 74), "verse": (44, 70, 62), "chorus": (112, 48, 52), "bridge": (86, 62, 110),
    "outro": (40, 40, 56),
}
# how much of the frame height a figure fills at each shot size: the framing guide
SIZE_FILL = {"extreme wide": 0.12, "wide": 0.25, "full": 0.55, "medium wide": 0.7, "medium": 0.9,
             "medium close-up": 1.2, "close-up": 1.6, "extreme close-up": 2.6, "insert": 2.0}


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSansMono" if mono else ("DejaVuSans-Bold" if bold else "DejaVuSans")
    for d in FONT_DIRS:
        p = Path(d) / f"{name}.ttf"
        if p.is_file():
            return ImageFont.truetype(str(p), size)
    return ImageFont.load_default(size=size)


def section_colour(label: str) -> tuple[int, int, int]:
    if label in SECTION_COLOURS:
        return SECTION_COLOURS[label]
    h = hashlib.sha256(label.encode()).digest()
    return (40 + h[0] % 60, 40 + h[1] % 60, 50 + h[2] % 60)


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt, width_px: int, max_lines: int) -> list[str]:
    avg = max(1, int(draw.textlength("abcdefghij", font=fnt) / 10))
    lines = textwrap.wrap(text, width=max(8, width_px // avg))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;") + "…"
    return lines


def draw_card(shot: Shot, number: int, size: tuple[int, int], still: Path | None = None) -> Image.Image:
    """The card for `shot` at `size` (width, height)."""
    w, h = size
    u = h / 720  # layout unit: everything scales with the frame height
    base = section_colour(shot.section or "")
    if still is not None and still.is_file():
        img = Image.open(still).convert("RGB")
        scale = max(w / img.width, h / img.height)
        img = img.resize((max(w, round(img.width * scale)), max(h, round(img.height * scale))), Image.BICUBIC)
        left, top = (img.width - w) // 2, (img.height - h) // 2
        img = img.crop((left, top, left + w, top + h))
    else:
        img = Image.new("RGB", (w, h), base)
        grad = Image.linear_gradient("L").resize((w, h)).point(lambda v: int(v * 0.55))
        img.paste((8, 8, 14), mask=grad)
        _framing_guide(ImageDraw.Draw(img), shot, w, h, base)
    draw = ImageDraw.Draw(img, "RGBA")
    pad = int(64 * u)  # a safe margin: push-ins crop up to 4 % a side
    draw.rectangle((0, 0, w, int(70 * u)), fill=(0, 0, 0, 140))
    draw.text((pad, int(14 * u)), f"SHOT {number:02d}", font=font(int(40 * u), bold=True), fill=(255, 255, 255))
    right = f"{(shot.section or '').upper()}  {shot.start:6.2f}–{shot.end:6.2f}s"
    fr = font(int(24 * u), mono=True)
    draw.text((w - pad - draw.textlength(right, font=fr), int(24 * u)), right, font=fr, fill=(230, 230, 230))
    y = int(120 * u)
    if still is None or not still.is_file():
        title = ", ".join(x for x in (shot.subject, shot.action) if x) or shot.prompt
        for line in _wrap(draw, title, font(int(44 * u), bold=True), w - 2 * pad, 3):
            draw.text((pad, y), line, font=font(int(44 * u), bold=True), fill=(255, 255, 255))
            y += int(54 * u)
    lower = int(h - 250 * u)
    draw.rectangle((0, lower, w, h), fill=(0, 0, 0, 150))
    ly = lower + int(16 * u)
    if shot.lyric:
        for line in _wrap(draw, f"“{shot.lyric}”", font(int(30 * u)), w - 2 * pad, 2):
            draw.text((pad, ly), line, font=font(int(30 * u)), fill=(255, 236, 180))
            ly += int(38 * u)
    for line in _wrap(draw, shot.reason, font(int(22 * u)), w - 2 * pad, 3):
        draw.text((pad, ly), line, font=font(int(22 * u)), fill=(210, 210, 210))
        ly += int(28 * u)
    camera = f"{shot.shot_size} · {shot.angle} · {shot.movement} · {shot.lens}".upper()
    draw.text((pad, h - int(60 * u)), camera, font=font(int(24 * u), mono=True), fill=(160, 220, 255))
    return img


def _framing_guide(draw: ImageDraw.ImageDraw, shot: Shot, w: int, h: int, base: tuple[int, int, int]) -> None:
    """A figure silhouette whose size reads as the shot size (wide: small figure; close-up: a head)."""
    fill = SIZE_FILL.get(shot.shot_size, 0.9)
    fh = h * 0.62 * fill
    cx, floor = w * 0.72, h * 0.78 + (fh * 0.35 if fill > 1 else 0)
    tone = tuple(min(255, c + 45) for c in base)
    head = fh * 0.14
    draw.ellipse((cx - head, floor - fh, cx + head, floor - fh + 2 * head), fill=tone)
    draw.rounded_rectangle((cx - fh * 0.2, floor - fh + 2.1 * head, cx + fh * 0.2, floor), radius=int(head), fill=tone)
