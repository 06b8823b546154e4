"""Storyboard cards: one designed frame per shot (the animatic's picture and the PDF's fallback frame).

Layout: section colour field with a framing guide (a figure scaled by the shot size, a horizon and a tilt
set by the angle) on the right; shot number, section and time range on top; subject and action large
on the left; the lyric in quotes; the setting; camera line at the bottom. A still (a keyframe from
`diffusers-stills`) replaces the colour field when there is one. The picture is then graded by the
shot's look (`look.grade`: palette, warmth, brightness, contrast), so a look revision changes the card.
Only the fields tagged `card` on `Shot` are read here: they are the animatic's render-cache key.
Every text block has a box: its text is wrapped by measured width and its font shrinks until the
block fits (`card_layout`), so no glyph ever leaves the frame, whatever the length of the text.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .look import grade
from .models import Shot

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
SECTION_COLOURS = {
    "intro": (38, 52, 74), "verse": (44, 70, 62), "chorus": (112, 48, 52), "bridge": (86, 62, 110),
    "outro": (40, 40, 56),
}
# how much of the frame height a figure fills at each shot size: the framing guide
SIZE_FILL = {"extreme wide": 0.12, "wide": 0.25, "full": 0.55, "medium wide": 0.7, "medium": 0.9,
             "medium close-up": 1.2, "close-up": 1.6, "extreme close-up": 2.6, "insert": 2.0}
# the angle as the framing guide shows it: (horizon height as a share of the frame or None, figure scale)
ANGLE_VIEW = {"eye level": (0.5, 1.0), "low": (0.72, 1.15), "worm's eye": (0.88, 1.3), "high": (0.3, 0.85),
              "overhead": (None, 0.7), "dutch": (0.5, 1.0), "pov": (0.5, 1.0), "over the shoulder": (0.5, 1.0)}
DUTCH_DEGREES = 12
FIGURE_X = 0.74  # the figure's centre, as a share of the width; the title keeps left of TEXT_RIGHT
TEXT_RIGHT = 0.56
MIN_FONT_PX = 7
ELLIPSIS = "…"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.lru_cache(maxsize=256)
def font(size: int, bold: bool = False, mono: bool = False) -> Font:
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


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Placement:
    """One line of text on a card: where, in which font, and the box it must stay inside."""

    text: str
    xy: tuple[float, float]
    font: Font
    fill: tuple[int, int, int]
    box: Box


def line_height(fnt: Font) -> int:
    ascent, descent = fnt.getmetrics() if hasattr(fnt, "getmetrics") else (fnt.size, 0)
    return ascent + descent


def width_of(text: str, fnt: Font) -> float:
    left, _, right, _ = fnt.getbbox(text) if text else (0, 0, 0, 0)
    return max(fnt.getlength(text), right) - min(0, left)


def wrap(text: str, fnt: Font, width: float) -> list[str]:
    """Greedy wrap by measured width; a word longer than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if width_of(candidate, fnt) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while width_of(word, fnt) > width:  # a word wider than the line: break it
            cut = max(1, next((i for i in range(len(word), 0, -1) if width_of(word[:i], fnt) <= width), 1))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def ellipsize(line: str, fnt: Font, width: float) -> str:
    line = line.rstrip(" .,;:") + ELLIPSIS
    while len(line) > 1 and width_of(line, fnt) > width:
        line = line[:-2].rstrip(" .,;:") + ELLIPSIS
    return line


def fit(text: str, box: Box, size: int, bold: bool = False, mono: bool = False,
        min_size: int | None = None) -> tuple[Font, list[str]]:
    """The largest font (from `size` down to `min_size`) whose wrapped lines fit in `box`; at the
    smallest size, the lines that fit, the last one ending in an ellipsis."""
    floor = max(MIN_FONT_PX, min_size or size // 2)
    size = max(size, floor)
    words = len(text.split())
    while True:
        fnt = font(size, bold, mono)
        lines = wrap(text, fnt, box.width)
        room = max(0, box.height // line_height(fnt))
        # a word broken across lines reads badly: a smaller size that keeps every word whole is better
        whole = sum(len(line.split()) for line in lines) == words
        if (len(lines) <= room and whole) or size <= floor:
            break
        size = max(floor, int(size * 0.9))
    if len(lines) > room:
        lines = lines[:room]
        if lines:
            lines[-1] = ellipsize(lines[-1], fnt, box.width)
    return fnt, lines


def _block(text: str, box: Box, size: int, fill: tuple[int, int, int], **style) -> list[Placement]:
    if not text.strip() or box.width <= 0 or box.height <= 0:
        return []
    fnt, lines = fit(text, box, size, **style)
    step = line_height(fnt)
    return [Placement(line, (box.left, box.top + i * step), fnt, fill, box) for i, line in enumerate(lines)]


def card_layout(shot: Shot, number: int, size: tuple[int, int], title: bool = True) -> list[Placement]:
    """Every line of text on the card, each inside its own box inside the frame."""
    w, h = size
    u = unit(size)
    pad = int(64 * u)  # a safe margin: push-ins crop up to 4 % a side
    placements: list[Placement] = []
    # top bar: shot number left, section and time range right
    bar = Box(pad, int(10 * u), w - pad, int(66 * u))
    label = f"SHOT {number:02d}"
    placements += _block(label, Box(bar.left, bar.top, bar.left + bar.width // 3, bar.bottom), int(40 * u),
                         (255, 255, 255), bold=True)
    right = f"{(shot.section or '').upper()}  {shot.start:.2f}–{shot.end:.2f}s"
    rbox = Box(bar.left + bar.width // 3 + int(16 * u), int(20 * u), bar.right, bar.bottom)
    rfont, rlines = fit(right, Box(rbox.left, rbox.top, rbox.right, rbox.top + line_height(font(int(24 * u), mono=True))),
                        int(24 * u), mono=True)
    if rlines:
        placements.append(Placement(rlines[0], (rbox.right - width_of(rlines[0], rfont), rbox.top), rfont,
                                    (230, 230, 230), rbox))
    lower = int(h - 250 * u)
    if title:  # left of the framing guide, which fills the right of the card
        text = ", ".join(x for x in (shot.subject, shot.action) if x) or shot.prompt
        placements += _block(text, Box(pad, int(110 * u), int(w * TEXT_RIGHT), lower - int(12 * u)), int(44 * u),
                             (255, 255, 255), bold=True)
    camera_top = h - int(58 * u)
    band = Box(pad, lower + int(14 * u), w - pad, camera_top - int(8 * u))
    if shot.lyric:
        lyric_box = Box(band.left, band.top, band.right, band.top + int(band.height * 0.45))
        lyric = _block(f"“{shot.lyric}”", lyric_box, int(30 * u), (255, 236, 180))
        placements += lyric
        used = (lyric[-1].xy[1] + line_height(lyric[-1].font) + int(6 * u)) if lyric else band.top
        band = Box(band.left, int(used), band.right, band.bottom)
    placements += _block(shot.setting, band, int(22 * u), (210, 210, 210))
    camera = f"{shot.shot_size} · {shot.angle} · {shot.movement} · {shot.lens}".upper()
    cbox = Box(pad, camera_top, w - pad, h - int(8 * u))
    cfont, clines = fit(camera, Box(cbox.left, cbox.top, cbox.right, cbox.top + line_height(font(int(24 * u), mono=True))),
                        int(24 * u), mono=True)
    placements += [Placement(clines[0], (cbox.left, cbox.top), cfont, (160, 220, 255), cbox)] if clines else []
    return placements


def unit(size: tuple[int, int]) -> float:
    """The layout unit: everything scales with the frame height on a landscape card, and with its width
    on a portrait one (a 9:16 card's words are sized for its width, not cut at its edges)."""
    w, h = size
    return min(h / 720, w / 500)


def draw_card(shot: Shot, number: int, size: tuple[int, int], still: Path | None = None) -> Image.Image:
    """The card for `shot` at `size` (width, height)."""
    w, h = size
    u = unit(size)
    base = section_colour(shot.section or "")
    has_still = still is not None and still.is_file()
    if has_still:
        img = Image.open(still).convert("RGB")
        scale = max(w / img.width, h / img.height)
        img = img.resize((max(w, round(img.width * scale)), max(h, round(img.height * scale))), Image.BICUBIC)
        left, top = (img.width - w) // 2, (img.height - h) // 2
        img = img.crop((left, top, left + w, top + h))
    else:
        img = Image.new("RGB", (w, h), base)
        grad = Image.linear_gradient("L").resize((w, h)).point(lambda v: int(v * 0.55))
        img.paste((8, 8, 14), mask=grad)
        _framing_guide(img, shot, base)
    img = grade(img, shot.warmth, shot.brightness, shot.contrast, shot.palette)
    draw = ImageDraw.Draw(img, "RGBA")
    draw.rectangle((0, 0, w, int(70 * u)), fill=(0, 0, 0, 140))
    draw.rectangle((0, int(h - 250 * u), w, h), fill=(0, 0, 0, 150))
    for p in card_layout(shot, number, size, title=not has_still):
        draw.text(p.xy, p.text, font=p.font, fill=p.fill)
    return img


def figure_box(shot: Shot, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """Where the framing guide's figure stands (left, top, right, bottom), before a dutch tilt: its height
    reads as the shot size (wide: small; close-up: a head past the frame), scaled by the angle."""
    w, h = size
    horizon, scale = ANGLE_VIEW.get(shot.angle, (0.5, 1.0))
    fh = h * 0.5 * SIZE_FILL.get(shot.shot_size, 0.9) * scale
    floor = h * 0.64 + (fh * 0.35 if fh > h * 0.5 else 0)
    cx = w * FIGURE_X
    return cx - fh * 0.2, floor - fh, cx + fh * 0.2, floor


def _framing_guide(img: Image.Image, shot: Shot, base: tuple[int, int, int]) -> None:
    """A horizon and a figure silhouette: size and angle made visible (a dutch angle tilts them)."""
    w, h = img.size
    layer = img.copy()
    draw = ImageDraw.Draw(layer)
    tone = tuple(min(255, c + 45) for c in base)
    horizon, _ = ANGLE_VIEW.get(shot.angle, (0.5, 1.0))
    if horizon is not None:
        y = int(h * horizon)
        draw.rectangle((0, y, w, h), fill=tuple(max(0, c - 18) for c in base))
        draw.line((0, y, w, y), fill=tuple(min(255, c + 25) for c in base), width=max(1, h // 240))
    left, top, right, floor = figure_box(shot, (w, h))
    fh = floor - top
    head = fh * 0.14
    cx = (left + right) / 2
    if shot.angle == "overhead":  # from above: a head and shoulders seen as rings
        draw.ellipse((cx - fh * 0.2, floor - fh * 0.6, cx + fh * 0.2, floor - fh * 0.2), fill=tone)
        draw.ellipse((cx - head, floor - fh * 0.4 - head, cx + head, floor - fh * 0.4 + head),
                     fill=tuple(min(255, c + 30) for c in tone))
    else:
        draw.ellipse((cx - head, top, cx + head, top + 2 * head), fill=tone)
        draw.rounded_rectangle((left, top + 2.1 * head, right, floor), radius=int(head), fill=tone)
    if shot.angle in ("over the shoulder", "pov"):  # the foreground shoulder the camera looks past
        draw.ellipse((-w * 0.12, h * 0.45, w * 0.3, h * 1.3), fill=(10, 10, 14))
    if shot.angle == "dutch":  # tilted, grown a little so no corner of the frame is left empty
        big = layer.resize((int(w * 1.3), int(h * 1.3)), Image.BICUBIC).rotate(DUTCH_DEGREES, resample=Image.BICUBIC)
        left, top = (big.width - w) // 2, (big.height - h) // 2
        layer = big.crop((left, top, left + w, top + h))
    img.paste(layer)
