"""The guided planner: a treatment and a justified shot list from the brief and the song, no LLM.

Timing: section boundaries and timed lyric lines start shots (the cut on the beat at or just before
the line), the rest is filled with whole bars. Pacing follows the tempo and the feeling the artist
named: a slow, tender song gets long shots, a fast, loud one short shots. Content: assistant.writer
writes every shot from the artist's words for its section and line.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from shotlist.models import Brief, Project, Shot, StyleBible
from shotlist.timing import beat_at_or_before, lines_within

from . import rules
from .walk import group_of, section_groups
from .writer import Beat, handle, images_of, lyric_key, write

MIN_SHOT_BEATS = 2
FALLBACK_IMAGE = "a shape of light that moves with the music"  # when the artist gave no images at all
MEANING_SHARE = 0.12  # at most this share of reasons restate what the song is about (no repeated runs)
SLOW = re.compile(r"(?i)\b(slow\w*|ballad|tender\w*|aching|ache|gentle|quiet|calm|still|dream\w*|melanchol\w*|sad\w*"
                  r"|lullaby|soft\w*|hushed|mournful|lonely|intimate|unhurried|languid|wistful|sombre|somber|grief|bittersweet"
                  r"|longing|yearning|pensive|reflective|elegiac|serene|peaceful|sleepy|drowsy)")
FAST = re.compile(r"(?i)\b(fast|loud|frantic|energetic|energy|driving|angry|rage|aggressive|euphori\w*|wild|explosive"
                  r"|punchy|urgent|chaotic|hyper|rave|intense|upbeat|frenetic|rush\w*|furious|restless)\b")

# (shot sizes, movements) by stage; the energy band picks within them
_SIZES = {"establish": ("extreme wide", "wide", "full"), "detail": ("close-up", "insert", "extreme close-up"),
          "reaction": ("medium close-up", "medium", "close-up"), "transformation": ("medium wide", "medium", "wide"),
          "payoff": ("wide", "extreme wide", "full")}
_MOVES = {"establish": ("static", "crane down", "tracking"), "detail": ("push in", "static", "tilt up"),
          "reaction": ("static", "handheld", "orbit"), "transformation": ("orbit", "crane up", "tracking"),
          "payoff": ("pull out", "crane up", "pan left")}
_ANGLES = ("eye level", "low", "high", "overhead", "eye level", "worm's eye", "dutch")


@dataclass
class Pace:
    quiet: float  # target seconds per shot in a quiet section
    loud: float  # in a loud one
    min_gap: float  # no two cuts closer than this (lyric lines share a shot instead)
    word: str


def pace(project: Project) -> Pace:
    """Shot lengths from the tempo and the feeling the artist named."""
    b, song = project.brief, project.song
    said = " ".join([b.feeling, b.feeling, b.meaning, b.story, b.palette])
    slow, fast = len(SLOW.findall(said)), len(FAST.findall(said))
    beat = 60.0 / song.tempo if song.tempo else 0.5
    tempo_factor = min(1.4, max(0.75, (120.0 / song.tempo) ** 0.5)) if song.tempo else 1.0
    if slow > fast:
        return Pace(9.0 * tempo_factor, 5.0 * tempo_factor, 4.0, "slow")
    if fast > slow:
        return Pace(3.5 * tempo_factor, 1.8 * tempo_factor, beat * MIN_SHOT_BEATS, "fast")
    return Pace(6.0 * tempo_factor, 3.0 * tempo_factor, beat * MIN_SHOT_BEATS, "even")


def plan_cuts(project: Project, speed: Pace | None = None) -> list[float]:
    """Interior cut times, all on beats: section starts, lyric-line starts, then whole-bar fills."""
    song = project.song
    speed = speed or pace(project)
    grid = song.beats
    beat = 60.0 / song.tempo if song.tempo else 0.5
    bar = beat * 4
    gap = max(speed.min_gap, beat * MIN_SHOT_BEATS)
    must = {round(s.start, 4) for s in song.sections[1:]}
    for line in song.lyrics:
        if line.time is not None:
            must.add(round(beat_at_or_before(line.time, grid), 4))
    anchors = [0.0, *sorted(t for t in must if gap <= t <= song.duration - gap), song.duration]
    cuts: list[float] = []
    bars = song.bars or grid
    for a, b in zip(anchors, anchors[1:]):
        if a > 0 and a - (cuts[-1] if cuts else 0.0) < gap:
            continue
        if a > 0:
            cuts.append(a)
        section = song.section_at((a + b) / 2)
        energy = section.energy if section else 0.5
        target = max(gap, speed.quiet + (speed.loud - speed.quiet) * energy)
        n_bars = max(1, round(target / bar))
        last = a
        for t in bars:
            if a + gap <= t <= b - gap and t - last >= max(n_bars * bar - beat / 2, gap):
                cuts.append(round(t, 4))
                last = t
    return sorted(set(cuts))


def first_sentence(text: str) -> str:
    text = re.sub(r"^\s*(the story|story|feeling|meaning|why generative|it is about|it's about|about)\s*:?\s*", "",
                  text.strip(), flags=re.I)
    return re.split(r"(?<=[.!?;:])\s", text)[0].strip(" .;:") if text else ""


def short_meaning(b: Brief) -> str:
    """'It is about waiting for someone who isn't coming back, and …' → 'waiting for someone who isn't coming back'."""
    m = first_sentence(b.meaning)
    m = re.sub(r"(?i)^(it|this song|the song|this|it's)\s*(is|'s)?\s*about\s+", "", m)
    m = re.split(r",|;|:|\s+-\s+|—", m)[0]
    words = m.split()
    return " ".join(words[:12]).lower().strip(" ,") if 2 <= len(words) <= 12 else ""


def make_logline(b: Brief, title: str = "the song") -> str:
    story = first_sentence(b.story) or first_sentence(b.meaning)
    feeling = first_sentence(b.feeling)
    if not story:
        return f"{title}, built from the song's own lines" + (f" and a feeling of {feeling.lower()}." if feeling else ".")
    return f"{story[0].upper() + story[1:]}" + (f", told with {feeling.lower()}" if feeling else "") + "."


def protagonist(story: str) -> str:
    """'a tailor stitches …' → 'the tailor'; 'It follows an old man who …' → 'the man'; 'statues climb
    down …' → 'the statues' (who the shots follow), or ''."""
    text = re.sub(r"(?i)^\s*(?:the story|story)\s*:\s*", "", story.strip())
    m = (re.match(r"(?i)^(?:it|the video|we|this)\s+follows?\s+(?:a|an|the)\s+((?:[a-z]+\s+)?[a-z]+)", text)
         or re.match(r"(?i)^(?:a|an|the)\s+([a-z]+(?:\s+[a-z]+)?)\s+(?:who\s+)?(?!is\b|was\b|has\b)[a-z]+s\b", text)
         or re.match(r"(?i)^([a-z]+[^s\W]s)\s+(?!is\b|are\b)[a-z]+\b", text))
    return f"the {m.group(1).split()[-1].lower()}" if m else ""


def story_place(story: str) -> str:
    m = re.search(r"\b(?:at|in|on|inside|under|over|through)\s+(?:a|an|the)\s+[^,.;]+", story or "")
    return m.group(0)[:80] if m else ""


def section_material(project: Project, notes: dict[str, str]) -> dict[str, tuple[list[str], str]]:
    """Images (and what a camera can't do) for every section group: the artist's words, else the motifs."""
    b = project.brief
    motifs = [m for m in b.motifs if not rules.leaks(m, b.constraints)] or [FALLBACK_IMAGE]
    groups = section_groups(project.song)
    out: dict[str, tuple[list[str], str]] = {}
    k = 0
    for g in groups:
        images, why = images_of(notes.get(g.key, "")) if notes.get(g.key) else ([], "")
        images = [i for i in images if not rules.leaks(i, b.constraints)]
        if not images and not b.motifs:  # no motifs either: the things the section's own lines name
            keys = [k for k in dict.fromkeys(lyric_key(line) for line in g.lines) if k]
            images = [f"the {k}, made out of light" for k in keys[:3]]
        if not images:
            if g.label == "chorus":
                images = [motifs[0], *motifs[1:2]]
            else:
                rest = motifs[1:] or motifs
                images = [rest[k % len(rest)], rest[(k + 1) % len(rest)]]
                k += 1
        out[g.key] = (images, why)
    return out


def treatment(project: Project, notes: dict[str, str] | None = None) -> str:
    b, song = project.brief, project.song
    lines = [f"Treatment — {project.title}", f"Logline: {b.logline or make_logline(b, project.title)}"]
    material = section_material(project, notes or {})
    groups = section_groups(song)
    for s in song.sections:
        g = group_of(groups, s)
        images = material[g.key][0] if g else [FALLBACK_IMAGE]
        words = lines_within(song, s.start, s.end)
        sung = f' — "{words[0]}"' if words else ""
        lines.append(f"  {s.label} ({s.start:.0f}-{s.end:.0f}s, energy {s.energy:.2f}): {images[0]}{sung}")
    return "\n".join(lines)


def _stages(n: int) -> list[str]:
    """establish → detail → reaction → transformation → payoff over n shots, in that order."""
    if n == 1:
        return ["establish"]
    if n == 2:
        return ["establish", "payoff"]
    middle = n - 2
    mids = [("detail", "reaction", "transformation")[min(2, j * 3 // middle)] for j in range(middle)]
    return ["establish", *mids, "payoff"]


def plan_shots(project: Project, notes: dict[str, str] | None = None, seed: int = 7) -> list[Shot]:
    """The whole shot list; timing from `plan_cuts`, words from `assistant.writer`."""
    rng = random.Random(seed)
    song, b = project.song, project.brief
    speed = pace(project)
    cuts = [0.0, *plan_cuts(project, speed), song.duration]
    spans = list(zip(cuts, cuts[1:]))
    groups = section_groups(song)
    material = section_material(project, notes or {})
    who = protagonist(b.story)
    place = story_place(b.story)
    look = b.palette or first_sentence(b.feeling)
    meaning = short_meaning(b)
    artist_why = first_sentence(b.why_generative)
    faces = rules.face_rule(b.constraints)
    # shots per section instance, to give each its stages
    by_section: dict[int, list[int]] = {}
    for n, (start, end) in enumerate(spans):
        sec = song.section_at((start + end) / 2)
        by_section.setdefault(id(sec), []).append(n)
    stage_of: dict[int, tuple[str, int]] = {}
    for members in by_section.values():
        for j, (n, stage) in enumerate(zip(members, _stages(len(members)))):
            stage_of[n] = (stage, j)
    used_r: set[str] = set()
    used_w: set[str] = set()
    seen_group: dict[str, int] = {}
    meaning_uses = 0
    shots: list[Shot] = []
    for n, (start, end) in enumerate(spans):
        section = song.section_at((start + end) / 2)
        group = group_of(groups, section) if section else None
        key = group.key if group else "song"
        images, section_why = material.get(key, (list(b.motifs) or [FALLBACK_IMAGE], ""))
        stage, j = stage_of[n]
        if stage == "reaction" and faces == "all":
            stage = "detail"  # no person may be seen: the reaction becomes another detail
        if j == 0:
            seen_group[key] = seen_group.get(key, -1) + 1
        visit = seen_group.get(key, 0)
        # a repeated section comes back to its first image (the refrain recurs); the middle shots vary
        middle = stage in ("reaction", "transformation")
        image = images[(visit + 1) % len(images)] if middle else images[0 if group and len(group.sections) > 1
                                                                        else visit % len(images)]
        nxt = images[(images.index(image) + 1) % len(images)] if len(images) > 1 else _other_motif(b, image)
        energy = section.energy if section else 0.5
        band = 0 if energy < 0.45 else (1 if energy < 0.8 else 2)
        lyric_lines = lines_within(song, start, end)
        setting = _setting(images, place, visit, stage, section.label if section else "song")
        say_meaning = meaning if meaning_uses < max(1, int(MEANING_SHARE * len(spans))) else ""
        text = write(Beat(stage=stage, variant=n + visit, section=_name(key), image=image, next_image=nxt,
                          lines=lyric_lines, who=who, setting=setting, section_why=section_why,
                          artist_why=artist_why, meaning=say_meaning), used_r, used_w)
        meaning_uses += bool(say_meaning) and say_meaning in text.reason
        sizes = ("medium wide", "full", "wide") if stage == "reaction" and faces == "close" else _SIZES[stage]
        size = rules.allowed_size(sizes[(band + j) % 3], b.constraints)
        if faces == "close" and size in rules.CLOSE_SIZES:  # "no faces in close-up": a close shot shows no one
            text.subject, text.action, text.setting = (rules.faceless(x) for x in (text.subject, text.action, text.setting))
            if rules.shows_person(f"{text.subject} {text.action} {text.setting}"):
                size = rules.allowed_size("medium wide", b.constraints)
        move = _MOVES[stage][(band + n) % 3]
        angle = _ANGLES[(n * 3 + band) % len(_ANGLES)]
        prompt = (f"{size} shot, {angle} angle, {move}: {text.subject} {text.action}, {text.setting}. "
                  f"{look}".strip(" .") + ".")
        shots.append(Shot(
            index=n + 1, start=round(start, 4), end=round(end, 4), section=section.label if section else "",
            lyric=" / ".join(lyric_lines) or None, shot_size=size, angle=angle, movement=move,
            lens=("24mm", "50mm", "35mm")[band], subject=text.subject, action=text.action, setting=text.setting,
            prompt=prompt, negative_prompt=rules.negative_prompt(project.style.negative_prompt or
                                                                 "watermark, logo", b.constraints, size),
            reason=text.reason, why_generative=text.why_generative,
            transition="crossfade" if band == 0 and n and speed.word != "fast" else "cut",
            seed=rng.randrange(2**31),
        ))
    if shots and shots[-1].section == "outro":
        shots[-1] = shots[-1].model_copy(update={"transition": "fade to black"})
    return shots


def _name(key: str) -> str:
    """'verse 2' → 'second verse' (how a sentence names a section)."""
    m = re.match(r"^(.*) (\d+)$", key)
    if not m:
        return key
    n = int(m.group(2))
    word = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")[n - 1] if n <= 8 else f"{n}th"
    return f"{word} {m.group(1)}"


def _other_motif(b: Brief, image: str) -> str:
    others = [m for m in b.motifs if m != image and not rules.leaks(m, b.constraints)]
    return others[0] if others else image


def _setting(images: list[str], place: str, visit: int, stage: str, label: str) -> str:
    """Where the shot happens: the artist's place for the story, else a space the image makes."""
    found = [re.search(r"\b(?:at|in|on|inside|under|over|through|between)\s+(?:a|an|the)?\s*[^,.;]+", i)
             for i in images]
    places = list(dict.fromkeys([m.group(0) for m in found if m] + ([place] if place else [])))
    h = handle(images[visit % len(images)])
    if places and stage in ("establish", "reaction", "payoff"):  # the artist's places, and the image's own ground
        places += [f"the ground beneath {h}"] if len(places) < 3 else []
        return places[(visit + ("establish", "reaction", "payoff").index(stage)) % len(places)][:80]
    return {"detail": f"inside {h}", "transformation": f"a space made of {h}"}.get(stage, f"around {h}")


def keep_locked(new: list[Shot], old: list[Shot]) -> list[Shot]:
    """A re-plan never changes a locked shot: locked shots stay as they are, new shots fill around them."""
    locked = [s for s in old if s.locked]
    if not locked:
        return new
    out: list[Shot] = []
    for s in new:
        start, end = s.start, s.end
        for lk in locked:
            if lk.start <= start < lk.end:
                start = lk.end
            if lk.start < end <= lk.end:
                end = lk.start
        if end - start > 0.2 and not any(start < lk.start and end > lk.end for lk in locked):
            out.append(s.model_copy(update={"start": start, "end": end, "lyric": None}))
        elif end - start > 0.2:  # the new shot spans a locked one: keep its part before
            first = next(lk for lk in locked if start < lk.start and end > lk.end)
            out.append(s.model_copy(update={"start": start, "end": first.start, "lyric": None}))
    merged = sorted([*out, *locked], key=lambda x: x.start)
    fixed: list[Shot] = []
    for s in merged:  # close the gaps left behind by stretching the unlocked neighbour
        if fixed and abs(fixed[-1].end - s.start) > 1e-6:
            if not fixed[-1].locked:
                fixed[-1] = fixed[-1].model_copy(update={"end": s.start})
            elif not s.locked:
                s = s.model_copy(update={"start": fixed[-1].end})
        fixed.append(s)
    return fixed


def default_style(brief: Brief) -> StyleBible:
    look = "; ".join(x for x in [brief.palette, first_sentence(brief.feeling)] if x)
    negative = rules.negative_prompt("watermark, logo", brief.constraints)
    return StyleBible(look=look or "", negative_prompt=negative)


def split_list(text: str) -> list[str]:
    """'a; b; c' or 'a, b and c' → ['a', 'b', 'c'] (a motif list). A short lead-in ("Things I keep seeing:",
    "Images —") and a closing remark about the list ("Those keep coming back.") are not motifs."""
    text = re.sub(r"^\s*(?:\w+[ ']?){1,5}\s*(?::|\s[—–])\s+", "", text.strip())
    text = re.sub(r"(?<=[.!?])\s+(?:those|these|they|that|all of (?:them|those)|it)\b[^;\n]*$", "", text, flags=re.I)
    if ";" in text or "\n" in text:
        parts = re.split(r"[;\n]", text)
    else:
        parts = text.split(",")
        if all(len(p.split()) <= 4 for p in parts):
            parts = [x for p in parts for x in re.split(r"\band\b", p)]
    out = []
    for p in parts:
        p = re.sub(r"^\s*(motifs?|images?)\s*:\s*", "", p.strip(), flags=re.I).strip(" .")
        if p:
            out.append(p)
    return out


__all__ = ["plan_shots", "plan_cuts", "treatment", "make_logline", "default_style", "keep_locked"]
