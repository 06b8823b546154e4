"""The Timeline tab's picture: the song's loudness, sections, bar lines and lyric lines, with the
shots as blocks coloured by the critic (green grounded, amber weak, red generic)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from shotlist.cards import font, section_colour
from shotlist.models import Project

from .views import TIMELINE_PAD, TIMELINE_SHOT_BAND, TIMELINE_SIZE


def shot_colour(grounding: float, generic: bool) -> tuple[int, int, int]:
    if generic:
        return (200, 70, 70)
    if grounding < 0.25:
        return (220, 160, 60)
    return (70, 170, 110)


def draw_timeline(project: Project, width: int = TIMELINE_SIZE[0], height: int = TIMELINE_SIZE[1]) -> Image.Image:
    """The song across the picture: sections, loudness, bars, lyric lines, then the shots in the band
    `TIMELINE_SHOT_BAND` (the page's overlay and `views.shot_at` use the same geometry)."""
    song = project.song
    img = Image.new("RGB", (width, height), (20, 20, 26))
    d = ImageDraw.Draw(img)
    pad = TIMELINE_PAD
    top, bottom = (round(f * height) for f in TIMELINE_SHOT_BAND)
    span = width - 2 * pad

    def x(t: float) -> float:
        return pad + span * t / song.duration

    # sections band
    for s in song.sections:
        d.rectangle((x(s.start), 4, x(s.end), 32), fill=section_colour(s.label))
        d.text((x(s.start) + 4, 9), s.label, font=font(15), fill=(240, 240, 240))
    # waveform (loudness envelope)
    mid, amp = 82, 42
    env = song.energy
    if env:
        step = max(1, len(env) // span)
        for i in range(0, len(env), step):
            xi = x(i * song.energy_hop)
            v = env[i] * amp
            d.line((xi, mid - v, xi, mid + v), fill=(110, 140, 190))
    # bar lines
    for b in song.bars:
        d.line((x(b), 38, x(b), 128), fill=(55, 55, 70))
    # lyric lines
    for line in song.lyrics:
        if line.time is not None:
            d.line((x(line.time), 132, x(line.time), top - 8), fill=(255, 220, 140), width=2)
    d.text((pad, 134), "lyrics", font=font(13), fill=(255, 220, 140))
    # shots
    for n, s in enumerate(project.shots, start=1):
        box = (x(s.start), top, max(x(s.start) + 1, x(s.end) - 1), bottom)
        d.rectangle(box, fill=shot_colour(s.critique.grounding, s.critique.generic), outline=(15, 15, 20))
        if box[2] - box[0] > 18:
            d.text((box[0] + 3, top + 4), str(n), font=font(15), fill=(10, 10, 10))
        if s.locked:
            d.rectangle((box[0], bottom - 8, box[2], bottom), fill=(240, 240, 240))
    d.text((pad, bottom + 12), f"{project.title} · {len(project.shots)} shots · {song.tempo:.0f} BPM · "
                       f"green grounded · amber weakly grounded · red generic · white bar locked",
           font=font(15), fill=(200, 200, 200))
    return img
