"""The Timeline tab's picture: the song's loudness, sections, bar lines and lyric lines, with the
shots as blocks coloured by the critic (green grounded, amber weak, red generic)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from shotlist.cards import font, section_colour
from shotlist.models import Project


def shot_colour(grounding: float, generic: bool) -> tuple[int, int, int]:
    if generic:
        return (200, 70, 70)
    if grounding < 0.25:
        return (220, 160, 60)
    return (70, 170, 110)


def draw_timeline(project: Project, width: int = 1600, height: int = 360) -> Image.Image:
    song = project.song
    img = Image.new("RGB", (width, height), (20, 20, 26))
    d = ImageDraw.Draw(img)
    pad = 10
    span = width - 2 * pad

    def x(t: float) -> float:
        return pad + span * t / song.duration

    # sections band
    for s in song.sections:
        d.rectangle((x(s.start), 6, x(s.end), 40), fill=section_colour(s.label))
        d.text((x(s.start) + 4, 14), s.label, font=font(14), fill=(240, 240, 240))
    # waveform (loudness envelope)
    mid, amp = 110, 60
    env = song.energy
    if env:
        step = max(1, len(env) // span)
        for i in range(0, len(env), step):
            xi = x(i * song.energy_hop)
            v = env[i] * amp
            d.line((xi, mid - v, xi, mid + v), fill=(110, 140, 190))
    # bar lines
    for b in song.bars:
        d.line((x(b), 48, x(b), 172), fill=(55, 55, 70))
    # lyric lines
    for line in song.lyrics:
        if line.time is not None:
            d.line((x(line.time), 172, x(line.time), 200), fill=(255, 220, 140), width=2)
    d.text((pad, 178), "lyrics", font=font(12), fill=(255, 220, 140))
    # shots
    for n, s in enumerate(project.shots, start=1):
        box = (x(s.start), 210, max(x(s.start) + 1, x(s.end) - 1), 300)
        d.rectangle(box, fill=shot_colour(s.critique.grounding, s.critique.generic), outline=(15, 15, 20))
        if box[2] - box[0] > 18:
            d.text((box[0] + 3, 214), str(n), font=font(13), fill=(10, 10, 10))
        if s.locked:
            d.rectangle((box[0], 292, box[2], 300), fill=(240, 240, 240))
    d.text((pad, 310), f"{project.title} · {len(project.shots)} shots · {song.tempo:.0f} BPM · "
                       f"green grounded · amber weakly grounded · red generic · white bar locked",
           font=font(14), fill=(200, 200, 200))
    return img
