"""The guided planner: a treatment and a justified shot list from the brief and the song, no LLM.

Timing: every section boundary and every timed lyric line starts a shot (the cut on the beat at or
just before the line, so the shot opens with it); the rest is filled with shots of whole bars, shorter
when the section is loud, longer when it is quiet. Content: each section gets a motif (choruses share
one, so it recurs); shots ride the energy curve (louder → closer, more movement); reasons quote the
lyric and the artist's stated intent; `why_generative` comes from the artist's answer.
"""

from __future__ import annotations

import random
import re

from shotlist.models import Brief, Project, Section, Shot, StyleBible
from shotlist.timing import beat_at_or_before, lines_within

MIN_SHOT_BEATS = 2

# (shot sizes, movements) by energy band: quiet, middle, loud
_SIZES = (("extreme wide", "wide", "medium wide", "full"),
          ("medium", "wide", "medium close-up", "full", "close-up"),
          ("close-up", "medium close-up", "extreme close-up", "medium", "insert"))
_MOVES = (("static", "pull out", "crane up", "tilt up", "pan left"),
          ("push in", "tracking", "pan right", "orbit", "static"),
          ("handheld", "push in", "orbit", "crane down", "tracking"))
_ANGLES = ("eye level", "low", "high", "overhead", "dutch", "eye level", "worm's eye")


def split_list(text: str) -> list[str]:
    parts = re.split(r"[;\n]", text) if (";" in text or "\n" in text) else text.split(",")
    out = []
    for p in parts:
        p = re.sub(r"^\s*(motifs?|images?)\s*:\s*", "", p.strip(), flags=re.I).strip(" .")
        if p:
            out.append(p)
    return out


def _band(energy: float) -> int:
    return 0 if energy < 0.45 else (1 if energy < 0.8 else 2)


def plan_cuts(project: Project, seconds_quiet: float = 6.0, seconds_loud: float = 3.0) -> list[float]:
    """Interior cut times, all on beats: section starts, lyric-line starts, then whole-bar fills."""
    song = project.song
    grid = song.beats
    beat = 60.0 / song.tempo if song.tempo else 0.5
    bar = beat * 4
    must = {round(s.start, 4) for s in song.sections[1:]}
    for line in song.lyrics:
        if line.time is not None:
            must.add(round(beat_at_or_before(line.time, grid), 4))
    must = sorted(t for t in must if beat * MIN_SHOT_BEATS <= t <= song.duration - beat * MIN_SHOT_BEATS)
    anchors = [0.0, *must, song.duration]
    cuts: list[float] = []
    bars = song.bars or grid
    for a, b in zip(anchors, anchors[1:]):
        if cuts and a - cuts[-1] < beat * MIN_SHOT_BEATS:
            continue
        if a > 0:
            cuts.append(a)
        section = song.section_at((a + b) / 2)
        energy = section.energy if section else 0.5
        target = seconds_quiet + (seconds_loud - seconds_quiet) * energy
        n_bars = max(1, round(target / bar))
        inner = [t for t in bars if a + beat * MIN_SHOT_BEATS <= t <= b - beat * MIN_SHOT_BEATS]
        last = a
        for t in inner:
            if t - last >= n_bars * bar - beat / 2:
                cuts.append(round(t, 4))
                last = t
    return sorted(set(cuts))


def treatment(project: Project) -> str:
    b, song = project.brief, project.song
    logline = b.logline or make_logline(b)
    lines = [f"Treatment — {project.title}", f"Logline: {logline}"]
    motifs = section_motifs(song.sections, b.motifs)
    for s, motif in zip(song.sections, motifs):
        words = lines_within(song, s.start, s.end)
        sung = f' — "{words[0]}"' if words else ""
        lines.append(f"  {s.label} ({s.start:.0f}-{s.end:.0f}s, energy {s.energy:.2f}): {motif}{sung}")
    return "\n".join(lines)


def make_logline(b: Brief) -> str:
    story = first_sentence(b.story) or first_sentence(b.meaning) or "the song's story"
    feeling = first_sentence(b.feeling)
    return f"{story}" + (f", told with {feeling.lower()}" if feeling else "") + "."


def first_sentence(text: str) -> str:
    text = re.sub(r"^\s*(the story|story|feeling|meaning|why generative|it is about|it's about|about)\s*:?\s*", "",
                  text.strip(), flags=re.I)
    return re.split(r"(?<=[.!?;])\s", text)[0].strip(" .;") if text else ""


def section_motifs(sections: list[Section], motifs: list[str]) -> list[str]:
    """One motif per section; every chorus gets the same one so it recurs."""
    pool = motifs or ["the song's central image"]
    chorus_motif = pool[0]
    others = pool[1:] or pool
    out, k = [], 0
    for s in sections:
        if s.label == "chorus":
            out.append(chorus_motif)
        else:
            out.append(others[k % len(others)])
            k += 1
    return out


def plan_shots(project: Project, seed: int = 7) -> list[Shot]:
    """The whole shot list; timing from `plan_cuts`, content from the brief."""
    rng = random.Random(seed)
    song, b = project.song, project.brief
    cuts = [0.0, *plan_cuts(project), song.duration]
    motifs = dict(zip([id(s) for s in song.sections], section_motifs(song.sections, b.motifs)))
    story = first_sentence(b.story) or first_sentence(b.meaning) or project.title
    meaning = first_sentence(b.meaning) or story
    why = first_sentence(b.why_generative)
    who = protagonist(b.story)
    shots: list[Shot] = []
    counters: dict[str, int] = {}
    for n, (start, end) in enumerate(zip(cuts, cuts[1:])):
        section = song.section_at((start + end) / 2) or Section(start=0, end=song.duration, label="song", energy=0.5)
        motif = motifs.get(id(section), b.motifs[0] if b.motifs else "the central image")
        if section.label == "chorus" and len(b.motifs) > 1 and counters.get("chorus", -1) % 2 == 0:
            motif = b.motifs[1 + (counters["chorus"] // 2) % (len(b.motifs) - 1)]  # the refrain motif alternates
        band = _band(section.energy)
        k = counters[section.label] = counters.get(section.label, -1) + 1
        size = _SIZES[band][(k + n) % len(_SIZES[band])]
        move = _MOVES[band][(k * 2 + n) % len(_MOVES[band])]
        angle = _ANGLES[rng.randrange(len(_ANGLES))] if band == 2 else _ANGLES[(n * 3) % 4]
        lyric_lines = lines_within(song, start, end)
        lyric = " / ".join(lyric_lines) or None
        subject, action = _subject_action(who, motif, k)
        setting = _setting(b)
        palette = b.palette or first_sentence(b.feeling)
        if lyric:
            reason = (f'Carries "{lyric_lines[0]}" in the {section.label}: {motif} makes the line visible, '
                      f"because the song is about {meaning.lower()}.")
        else:
            reason = (f"Between the sung lines the {section.label} keeps {motif} in view, so the story "
                      f"({story[0].lower() + story[1:]}) keeps moving with the music.")
        why_gen = (f"{motif[0].upper() + motif[1:]} is not something a camera can find"
                   + (f": {why[0].lower() + why[1:]}." if why else "; it has to be made."))
        prompt = f"{size} shot, {angle} angle, {move}: {subject}, {action}, {setting}. {palette}".strip(" .") + "."
        shots.append(Shot(
            index=n + 1, start=round(start, 4), end=round(end, 4), section=section.label, lyric=lyric,
            shot_size=size, angle=angle, movement=move, lens="24mm" if band == 0 else ("50mm" if band == 1 else "35mm"),
            subject=subject, action=action, setting=setting, prompt=prompt,
            negative_prompt=project.style.negative_prompt or "text, watermark, logo",
            reason=reason, why_generative=why_gen,
            transition="crossfade" if band == 0 and n else "cut", seed=rng.randrange(2**31),
        ))
    if shots and shots[-1].section in ("outro",):
        shots[-1] = shots[-1].model_copy(update={"transition": "fade to black"})
    return shots


def protagonist(story: str) -> str:
    """'The story: a tailor stitches …' → 'the tailor' (who the shots follow), or ''."""
    m = re.match(r"^\s*(?:the story\s*:\s*)?(?:a|an|the)\s+([a-z]+(?:\s+[a-z]+)?)\s+(?:who\s+)?[a-z]+s\b",
                 story.strip(), re.I)
    return f"the {m.group(1).split()[-1].lower()}" if m else ""


def _subject_action(who: str, motif: str, k: int) -> tuple[str, str]:
    """Alternate the motif on its own with the protagonist meeting it, so the story stays in view."""
    things = ("takes shape out of the dark", "comes apart and reforms", "drifts closer", "splits in two",
              "blooms on the beat", "dissolves into mist", "rises against gravity")
    people = ("reaches for", "walks through", "is wrapped in", "holds up", "watches", "follows")
    if who and k % 2 == 1:
        return who, f"{people[k // 2 % len(people)]} {motif}"
    return motif, things[k % len(things)]


def _setting(b: Brief) -> str:
    story = b.story or ""
    m = re.search(r"\b(?:at|in|on|inside|under|over)\s+(?:a|an|the)\s+([^,.;]+)", story)
    base = m.group(0) if m else "in the world of the song"
    return base[:80]


def default_style(brief: Brief) -> StyleBible:
    look = "; ".join(x for x in [brief.palette, first_sentence(brief.feeling)] if x)
    notes = " ".join(brief.constraints.notes).lower()
    negative = "text, watermark, logo" if "no text" in notes or not notes else "watermark, logo"
    return StyleBible(look=look or "", negative_prompt=negative)
