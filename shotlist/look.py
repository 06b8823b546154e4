"""A shot's look as numbers a picture can be graded by: colour temperature, brightness, contrast and
a palette of colour words. The animatic's card and the PDF's frames are graded by it
(`grade`), so "make shot 3 colder and darker" changes the pixels an artist sees without a GPU.

    img = grade(card, warmth=-0.5, brightness=-0.5, contrast=0.0, palette=["teal"])
"""

from __future__ import annotations

import numpy as np
from PIL import Image

# The colour words the grader knows, and the colour each one tints towards.
PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (200, 40, 40), "crimson": (170, 20, 50), "rust": (170, 80, 40), "orange": (230, 130, 40),
    "amber": (240, 170, 60), "gold": (225, 185, 70), "yellow": (235, 215, 70), "ochre": (200, 150, 60),
    "sepia": (160, 120, 80), "brown": (130, 90, 60), "green": (60, 160, 80), "sage": (140, 170, 130),
    "emerald": (30, 150, 100), "teal": (30, 140, 140), "cyan": (60, 200, 220), "blue": (50, 90, 210),
    "navy": (30, 40, 110), "indigo": (70, 50, 140), "violet": (140, 80, 200), "purple": (120, 50, 150),
    "magenta": (200, 50, 160), "pink": (235, 140, 170), "silver": (190, 195, 205), "grey": (128, 128, 128),
    "white": (235, 235, 235), "black": (25, 25, 25), "ivory": (235, 225, 200),
}
ALIASES = {"gray": "grey", "golden": "gold", "scarlet": "red", "turquoise": "teal", "lilac": "violet"}
# The light each look word puts in a prompt ("make shot 5 colder"); opposites replace each other.
LIGHT = {"colder": "cold blue light, pale frosted highlights", "warmer": "warm amber light, late sun glow",
         "darker": "deep shadows, low-key light", "brighter": "bright high-key light, open sky"}
STEP = 0.5  # how far one "colder", "darker" … moves a look value (values run -1..1)
TINT = 0.4  # how much of a pixel's colour the palette replaces


def palette_word(word: str) -> str:
    """The grader's name for a colour word ('Golden' → 'gold'); a `ValueError` naming the known words."""
    key = " ".join(str(word).lower().split())
    key = ALIASES.get(key, key)
    if key not in PALETTE:
        raise ValueError(f"the animatic's grader does not know the colour {word!r}; palette words it knows: "
                         f"{', '.join(sorted(PALETTE))}")
    return key


def stepped(value: float, direction: int) -> float:
    """`value` moved one STEP up (+1) or down (-1), kept inside -1..1."""
    return round(max(-1.0, min(1.0, value + STEP * direction)), 3)


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def grade(img: Image.Image, warmth: float = 0.0, brightness: float = 0.0, contrast: float = 0.0,
          palette: list[str] | tuple[str, ...] = ()) -> Image.Image:
    """`img` graded: tinted towards the palette, warmed or cooled, darkened or lifted, contrast set.
    A neutral look returns the image unchanged."""
    if not (warmth or brightness or contrast or palette):
        return img
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32)
    # 1. palette: each pixel's brightness carried by the palette's colour
    if palette:
        tint = np.mean([PALETTE[palette_word(p)] for p in palette], axis=0).astype(np.float32)
        coloured = luma(rgb)[..., None] * (tint / max(1.0, float(luma(tint))))
        rgb = rgb * (1 - TINT) + coloured * TINT
    # 2. temperature: warm raises red and lowers blue, cold the other way
    rgb *= np.array([1 + 0.3 * warmth, 1 + 0.04 * warmth, 1 - 0.3 * warmth], dtype=np.float32)
    # 3. brightness: low-key scales light down, high-key lifts the shadows towards white
    if brightness < 0:
        rgb *= 1 + 0.55 * brightness
    elif brightness > 0:
        rgb = 255 - (255 - rgb) * (1 - 0.45 * brightness)
    # 4. contrast around the picture's mean brightness
    if contrast:
        mid = float(luma(rgb).mean())
        rgb = mid + (rgb - mid) * (1 + 0.6 * contrast)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def describe(warmth: float, brightness: float, contrast: float, palette: list[str]) -> list[str]:
    """The look in words for a prompt's `Light:` part, in the order revisions write them."""
    words = []
    if warmth:
        words.append(LIGHT["colder" if warmth < 0 else "warmer"])
    if brightness:
        words.append(LIGHT["darker" if brightness < 0 else "brighter"])
    if contrast:
        words.append("hard contrast" if contrast > 0 else "soft flat contrast")
    if palette:
        words.append(f"{' and '.join(palette)} palette")
    return words


# The look as the studio's table shows it ("cold, dark, teal") and reads it back: one word per value
# that is set, "very " for a value two steps out; palette words as they are.
WORDS = {"warmth": ("cold", "warm"), "brightness": ("dark", "bright"), "contrast": ("soft", "hard")}
SYNONYMS = {"cool": "cold", "icy": "cold", "low-key": "dark", "flat": "soft", "contrasty": "hard", "punchy": "hard",
            "high-key": "bright"}


def look_text(warmth: float, brightness: float, contrast: float, palette: list[str]) -> str:
    """The look in a few words: 'cold, dark, teal'; 'very warm, amber'; '' for a neutral look."""
    out = []
    for value, (low, high) in zip((warmth, brightness, contrast), WORDS.values()):
        if value:
            out.append(("very " if abs(value) >= 2 * STEP else "") + (low if value < 0 else high))
    return ", ".join(out + list(palette))


def parse_look(text: str) -> dict[str, float | list[str]]:
    """`look_text` read back: every look field, neutral where the text names nothing for it. A word that is
    neither a look word nor a colour the grader knows is a `ValueError` naming the words it knows."""
    values: dict[str, float | list[str]] = {"warmth": 0.0, "brightness": 0.0, "contrast": 0.0, "palette": []}
    for item in (w.strip().lower() for w in (text or "").replace(";", ",").split(",")):
        if not item or item == "neutral":
            continue
        very = item.startswith("very ")
        word = SYNONYMS.get(item.removeprefix("very ").strip(), item.removeprefix("very ").strip())
        field = next((f for f, pair in WORDS.items() if word in pair), None)
        if field is None:
            try:
                values["palette"] = list(dict.fromkeys([*values["palette"], palette_word(word)]))
            except ValueError:
                looks = ", ".join(w for pair in WORDS.values() for w in pair)
                raise ValueError(f"{item!r} is not a look the animatic can show; use {looks} (\"very cold\" for "
                                 f"more) and colour words ({', '.join(sorted(PALETTE))})") from None
            continue
        size = 2 * STEP if very else STEP
        values[field] = -size if word == WORDS[field][0] else size
    return values
