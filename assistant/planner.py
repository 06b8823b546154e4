"""The guided planner: a treatment and a justified shot list from the brief and the song, no LLM.

Timing: section boundaries and timed lyric lines start shots (the cut on the beat at or just before
the line), the rest is filled with whole bars. Pacing follows the tempo and the feeling the artist
named: a slow, tender song gets long shots, a fast, loud one short shots. Content: assistant.writer
writes every shot from the artist's words for its section and line.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from shotlist.models import Brief, Project, Shot, Song, StyleBible
from shotlist.timing import LINE_SLACK, beat_at_or_before, lines_within

from . import arc, rules
from .reading import closest_pieces, section_phrase
from .remarks import language_of
from .spelling import spelled
from .staging import Framing, places_in, setting as stage_setting
from .walk import group_of, section_groups
from .phrases import STOP, handle, images_of, is_clause, lyric_key
from .pictures import is_fragment, pictures_in
from .writer import Beat, write

MIN_SHOT_BEATS = 2
PHRASE_BARS = 8  # a musical phrase: no shot outlasts one (longest_shot)
FALLBACK_IMAGE = "a shape of light that moves with the music"  # when the artist gave no images at all
MEANING_SHARE = 0.12  # at most this share of reasons restate what the song is about (no repeated runs)
SLOW = re.compile(r"(?i)\b(slow\w*|ballad|tender\w*|aching|ache|gentle|quiet|calm|still|dream\w*|melanchol\w*|sad\w*"
                  r"|lullaby|soft\w*|hushed|mournful|lonely|intimate|unhurried|languid|wistful|sombre|somber|grief|bittersweet"
                  r"|longing|yearning|pensive|reflective|elegiac|serene|peaceful|sleepy|drowsy)")
FAST = re.compile(r"(?i)\b(fast|loud|frantic|energetic|energy|driving|angry|rage|aggressive|euphori\w*|wild|explosive"
                  r"|punchy|urgent|chaotic|hyper|rave|intense|upbeat|frenetic|rush\w*|furious|restless)\b")

# (shot sizes, movements) that suit each stage; the energy band rotates them, Framing picks the least used
_SIZES = {"establish": ("extreme wide", "wide", "full"), "detail": ("close-up", "insert", "extreme close-up"),
          "reaction": ("medium close-up", "medium", "close-up"), "transformation": ("medium wide", "medium", "wide"),
          "payoff": ("wide", "extreme wide", "full", "medium wide")}
_MOVES = {"establish": ("static", "crane down", "tracking", "pan right"), "detail": ("push in", "static", "tilt up", "tilt down"),
          "reaction": ("static", "handheld", "orbit", "pan right"), "transformation": ("orbit", "crane up", "tracking"),
          "payoff": ("pull out", "crane up", "pan left", "tilt down")}
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


def longest_shot(target: float, bar: float) -> float:
    """The longest a shot may hold: twice the section's target length, and never past a phrase (8 bars,
    20 s at 96 BPM). A cut inside a phrase is unremarkable; a shot that outlasts the phrase it is in
    reads as a stuck edit, however slow the song."""
    return max(target, min(2 * target, PHRASE_BARS * bar))


def plan_cuts(project: Project, speed: Pace | None = None) -> list[float]:
    """Interior cut times, all on beats: section starts, lyric-line starts, then whole-bar fills; a span
    still longer than `longest_shot` is split on its bar lines."""
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

    def target_at(t: float) -> float:  # the section's target shot length: quiet sections hold longer
        section = song.section_at(t)
        return max(gap, speed.quiet + (speed.loud - speed.quiet) * (section.energy if section else 0.5))

    for a, b in zip(anchors, anchors[1:]):
        last = cuts[-1] if cuts else 0.0
        if a > 0 and a - last >= gap:  # an anchor too close to the last cut is skipped, its span still filled
            cuts.append(a)
            last = a
        n_bars = max(1, round(target_at((a + b) / 2) / bar))
        for t in bars:
            if a + gap <= t <= b - gap and t - last >= max(n_bars * bar - beat / 2, gap):
                cuts.append(round(t, 4))
                last = t
    cuts = sorted(set(cuts))
    ends = [0.0, *cuts, song.duration]
    for x, y in zip(ends, ends[1:]):
        cuts += _split_long(x, y, longest_shot(target_at((x + y) / 2), bar), gap, bars)
    return sorted(set(cuts))


def _split_long(start: float, end: float, longest: float, gap: float, bars: list[float]) -> list[float]:
    """Cuts on bar lines that bring every piece of start..end under `longest` (none when it already is)."""
    if end - start <= longest:
        return []
    inner = [t for t in bars if start + gap <= t <= end - gap]
    if not inner:
        return []
    picks: list[float] = []
    for pieces in range(math.ceil((end - start) / longest), len(inner) + 2):  # equal pieces, snapped to bars
        picks = sorted({min(inner, key=lambda t: abs(t - (start + (end - start) * k / pieces)))
                        for k in range(1, pieces)})
        if all(y - x <= longest for x, y in zip([start, *picks], [*picks, end])):
            break
    return [round(t, 4) for t in picks]


LEAD_IN = re.compile(r"(?i)^[\w' ]{0,30}\b(like this|as follows|here goes|this)$")  # "I picture it like this."


OPENERS = re.compile(r"(?i)^\s*(?:(?:ok(?:ay)?|so|well|um+|uh+|right|honestly|basically|like|yeah|hmm+|alright)"
                     r"\b[\s,.!:;—–-]*)+")  # 'Ok so, a man waits…': talk before the answer


def first_sentence(text: str) -> str:
    """The first thing an answer says, without talk before it, its chat spellings written out (it is said as prose)."""
    text = OPENERS.sub("", spelled(text).strip())
    text = re.sub(r"^\s*(the story|story|feeling|meaning|why generative|it is about|it's about|about)\s*:?\s*", "",
                  text.strip(), flags=re.I)
    text = OPENERS.sub("", text)
    sentences = [x.strip(" .;:") for x in re.split(r"(?<=[.!?;:])\s", text) if x.strip(" .;:")] if text else []
    said = [x for x in sentences if not LEAD_IN.match(x)]  # a lead-in says nothing by itself
    return (said or sentences or [""])[0]


_IT_IS = r"(?i)^(?:it'?s|its|it\s+is|this\s+is|this\s+song\s+is|the\s+song\s+is|the\s+song's|this|it)\s+"


def song_kind(b: Brief) -> str:
    """'its a love song' → 'a love song'; 'A breakup song about …' → 'a breakup song' ('' when the meaning
    does not say what kind of song it is)."""
    m = re.sub(_IT_IS, "", first_sentence(b.meaning).strip())
    k = re.match(r"(?i)^(a|an)\s+((?:[a-z'-]+\s+){0,2}song)\b", m)
    return f"{k.group(1).lower()} {k.group(2).lower()}" if k else ""


MEANING_WORDS = 16  # a meaning longer than this is a paragraph, not a phrase a logline can carry


def short_meaning(b: Brief) -> str:
    """'It is about waiting for someone who isn't coming back, and …' → 'waiting for someone who isn't coming
    back'; 'its a love song about letting go' → 'letting go'; 'its a love song' → '' (a kind, not a meaning)."""
    m = re.sub(_IT_IS, "", _unnegated(first_sentence(b.meaning)).strip())
    # 'a love song that is really about time running out' → 'time running out'
    m = re.sub(r"(?i)^(?:(?:a|an)\s+(?:[a-z'-]+\s+){0,2}song\s+(?:(?:that|which)\s+(?:is|'s)\s+)?"
               r"(?:really\s+|actually\s+|secretly\s+)?|is\s+|'s\s+)?(?:(?:really|actually|just|mostly|all|kind of)\s+)?"
               r"about\s+", "", m)
    if song_kind(b) and not re.search(r"(?i)\babout\b", first_sentence(b.meaning)):
        return ""
    if language_of(b.meaning):  # an answer in another language is the artist's, never our sentence
        return ""
    m = re.split(r",|;|:|\s+-\s+|—", m)[0]
    while len(m.split()) > MEANING_WORDS and re.search(r"\s(?:and|but|while|who|which|because)\s", m):
        m = re.sub(r"\s+(?:and|but|while|who|which|because)\s+(?!.*\s(?:and|but|while|who|which|because)\s).*$", "", m)  # its last clause
    words = m.split()
    said = re.sub(r"\bi\b", "I", " ".join(words).lower().strip(" ,"))  # 'that I knew', not 'that i knew'
    said = re.sub(r"^my\b", "the singer's", said)  # 'my grandad refusing …' is said of the singer's grandad
    return said if 2 <= len(words) <= MEANING_WORDS else ""


def _unnegated(text: str) -> str:
    """'its not us this time, its my grandparents leaving' → 'its my grandparents leaving': what it is, not
    what it is not (a clause that only says what it is not comes first and is not the meaning)."""
    clauses = re.split(r",\s+|;\s+|\s+but\s+", text)
    kept = [c for c in clauses if not re.match(r"(?i)^(?:(?:it'?s|its|it\s+is|this\s+is)\s+)?not\b", c.strip())]
    return ", ".join(kept) if kept and len(kept) < len(clauses) else text


def make_logline(b: Brief, title: str = "the song") -> str:
    """The concept in one sentence, from the story and the meaning: 'A man waits at home while the water
    rises, in a song about waiting for someone who isn't coming back.'"""
    story = re.split(r"\s*[;:]\s*|\s+[-—]\s+", first_sentence(b.story))[0].strip(" ,")
    meaning = short_meaning(b)
    title = said_title(title)
    feeling = first_sentence(b.feeling)
    if len(story.split()) < 3 or language_of(b.story):
        story = ""
    found = only_progression(b)
    # the story is only its progression ('in the first verse it's spring, …', 'each verse a little darker', 'starts
    # with an empty carpark, by the last chorus …'): the meaning (else the title), carried through it
    if found:
        said = f"{song_kind(b)} about {meaning}" if song_kind(b) and meaning else (meaning and about_phrase(meaning) or title)
        said = said[:1].upper() + said[1:]
        first, last = found.steps[0], found.steps[-1]
        if is_clause(first) or is_clause(last):  # 'first the signs are bright, …, by the end the streets are empty'
            return f"{said}: at first {first}, and by the end {last}."
        first, last = (re.sub(r"(?i)^it'?s\s+", "", x) for x in (first, last))  # 'from winter and bare', not "it's"
        goes = {"up": "climbs", "down": "fades"}.get(found.direction, "goes")
        return f"{said}, as {found.what} {goes} from {first} to {last}." if found.what else f"{said}, from {first} to {last}."
    if not story and not meaning and song_kind(b):
        return f"{title[:1].upper() + title[1:]}: {song_kind(b)}, built from the song's own lines."
    if not story and not meaning:
        return f"{title[:1].upper() + title[1:]}, built from the song's own lines" + (f" and a feeling of {feeling.lower()}." if feeling else ".")
    kind = song_kind(b)
    if not story:
        return f"{title[:1].upper() + title[1:]}: a video about {meaning}."
    story = story[0].upper() + story[1:]
    if meaning and not set(meaning.split()) <= set(story.lower().split()):
        return f"{story}, in {kind or 'a song'} about {meaning}."
    return f"{story}, told as {kind}." if kind else f"{story}."


def only_progression(b: Brief) -> arc.Arc | None:
    """The artist's progression when the story says nothing but it ('deep red -> pink -> grey', 'each verse a
    little darker', 'chorus 1: …'); None when there is none or the story also says who does what."""
    found = arc.arc_of(spelled(b.story))
    story = re.split(r"\s*[;:]\s*|\s+[-—]\s+", first_sentence(b.story))[0].strip(" ,")
    if found and (protagonist(b.story) in ("", found.what) or found.steps[0].lower() in story.lower()
                  or arc.SCOPE.match(story)):
        return found
    return None


def stages_said(found: arc.Arc) -> str:
    """The artist's progression told in order: 'the colour fades to deep red, then pink, then grey, then no colour
    at all, in that order across the song'."""
    steps = [re.sub(r"(?i)^it'?s\s+", "", x) if len(x.split()) <= 4 else x for x in found.steps]
    told = ", then ".join(steps)
    reaches = "fades to" if found.direction == "down" else "reaches"
    return f"{found.what} {reaches} {told}, in that order across the song" if found.what else \
        f"{told}, in that order across the song"


def said_title(title: str) -> str:
    """A title as a sentence may say it: a project id ('keeper-ship-nearer', 'my_song_v2') or 'Untitled' is no
    title to a reader, so the video is called 'this video'."""
    if not title.strip() or re.fullmatch(r"[Uu]ntitled(?: project)?|[a-z0-9.]+(?:[-_][a-z0-9.]+)+", title.strip()):
        return "this video"
    return title


def about_phrase(meaning: str) -> str:
    """A meaning said as what the video is: 'a city forgetting its name' stays; 'him getting older' → 'a song
    about him getting older' (a phrase that does not name its own subject)."""
    if re.match(r"(?i)(?:a|an|the|one|two|three|some|this|that)\b|\w+'s\b", meaning):
        return meaning
    return f"a song about {meaning}"


def protagonist(story: str) -> str:
    """'a tailor stitches …' → 'the tailor'; 'It follows an old man who …' → 'the man'; 'statues climb
    down …' → 'the statues' (who the shots follow), or ''."""
    text = re.sub(r"(?i)^\s*(?:the story|story)\s*:\s*", "", story.strip())
    m = (re.match(r"(?i)^(?:it|the video|we|this)\s+follows?\s+(?:a|an|the)\s+((?:[a-z]+\s+)?[a-z]+)", text)
         or re.match(r"(?i)^(?:a|an|the)\s+([a-z]+(?:\s+[a-z]+)??)\s+(?:who\s+)?(?!is\b|was\b|has\b)[a-z]+s\b", text)
         or re.match(r"(?i)^(?!(?:its|lets|thats|whats|heres|theres|ours|yours|theirs|hers|always|perhaps|sometimes"
                     r"|years|months|weeks|days|nights|mornings|evenings)\b)([a-z]+[^s\W]s)\s+(?!is\b|are\b)[a-z]+\b", text))
    who = f"the {m.group(1).split()[-1].lower()}" if m else ""
    found = arc.arc_of(story)
    return "" if found and who == found.what else who  # 'the day ends across the song': what changes, not a who


def story_place(story: str) -> str:
    m = re.search(r"\b(?:at|in|on|inside|under|over|through)\s+(?:a|an|the)\s+[^,.;]+", story or "")
    return m.group(0)[:80] if m else ""


def image_pool(project: Project) -> list[str]:
    """Every image the plan may use when the artist left a section to us: the motifs; when the artist left the
    motifs to us ("you choose"), the things the brief itself names first ('his jacket on the hook', the story's
    places) and the song's lines' pictures ('the porch light', 'a sickle of leather'); with a few motifs, the
    things the lines name ('the cambric shirt') and lines that are an action ('Falling' → 'a figure falling');
    never a function word or a word cut out of a line ('the true')."""
    b, song = project.brief, project.song
    pool = [spelled(m) for m in b.motifs if not rules.leaks(m, b.constraints)]  # said as a picture: 'w' is 'with'
    who = protagonist(b.story) or "a figure"
    if not pool:  # the brief's things, not the one the shots follow ('a lighthouse keeper whose lamp …': the lamp)
        pool += [p for text in (b.story, b.meaning, b.why_generative) for p in pictures_in(text)
                 if p.split()[-1] != who.split()[-1]]
    lines = song.lyrics if len(pool) < 3 or not b.motifs else []
    for line in dict.fromkeys(x.text.strip() for x in lines):
        key = lyric_key(line)
        first = (line.split() or [""])[0].lower()
        if not b.motifs:
            pool += pictures_in(line)
        elif key and len(key) > 3 and not is_fragment(key.split()[-1]):
            pool.append(f"the {key}")
        if (first.endswith("ing") or first in ("never", "always", "still")) and not pictures_in(line):
            pool.append(f"{who} {line.lower().strip(' .,!?')}")  # 'Falling' → 'a figure falling'
    pool = _one_each([p for p in dict.fromkeys(pool) if not rules.leaks(p, b.constraints)])
    return pool or [FALLBACK_IMAGE]


def _one_each(pool: list[str]) -> list[str]:
    """The pool with each picture once: 'the glass' is not said again after 'letters on the glass'."""
    out: list[str] = []
    for p in pool:
        bare = re.sub(r"(?i)^(?:the|a|an|his|her|their|my|our|your)\s+", "", p)
        if not any(re.search(rf"(?i)\b{re.escape(bare)}\b", q) for q in out):
            out.append(p)
    return out


def restates(image: str, lines: list[str]) -> bool:
    """True when a picture only says its line back: half or more of the line's things and at most one of its
    own ('the big sky' for "Big sky"; not 'a teacup full of sky', nor the artist's 'parsley, sage, rosemary
    and thyme growing out of cloth'), so it illustrates the words instead of reading them."""
    def things(text: str) -> set[str]:
        return {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP and len(w) > 2}

    said, shown = things(" ".join(lines)), things(image)
    return bool(said) and bool(shown) and len(shown & said) * 2 >= len(said) and len(shown - said) <= 1


def taken_back(image: str, words: list[str]) -> bool:
    """True when an image names a word the artist took back for its section ('no ankles yet')."""
    return any(re.search(rf"(?i)\b{re.escape(w)}", image) for w in words)


def section_material(project: Project, notes: dict[str, str],
                     takeback: dict[str, list[str]] | None = None) -> dict[str, tuple[list[str], str]]:
    """Images (and what a camera can't do) for every section group: the artist's words for it, else
    images from the pool, each group starting on a different one (a chorus on the first motif); never an
    image that names what the artist took back for that section."""
    b = project.brief
    takeback = takeback or {}
    full_pool = image_pool(project)
    groups = section_groups(project.song)
    out: dict[str, tuple[list[str], str]] = {}
    k = 0
    for g in groups:
        gone = takeback.get(g.key, [])
        pool = [p for p in full_pool if not taken_back(p, gone)] or [FALLBACK_IMAGE]
        images, why = images_of(notes.get(g.key, "")) if notes.get(g.key) else ([], "")
        images = [i for i in images if not rules.leaks(i, b.constraints) and not taken_back(i, gone)]
        if not images:
            if g.label == "chorus" and b.motifs:
                images = [pool[0], *pool[1:2]]
            else:  # the first motif is kept for the chorus, when the song has one
                rest = (pool[1:] if any(x.label == "chorus" for x in groups) else pool) or pool
                images = list(dict.fromkeys([rest[k % len(rest)], rest[(k + 1) % len(rest)]]))
                k += 1
        out[g.key] = (images, why)
    return out


def treatment(project: Project, notes: dict[str, str] | None = None,
              takeback: dict[str, list[str]] | None = None) -> str:
    b, song = project.brief, project.song
    lines = [f"Treatment — {project.title}", f"Logline: {b.logline or make_logline(b, project.title)}"]
    about = short_meaning(b) or song_kind(b)
    found = only_progression(b)
    story = stages_said(found) if found else first_sentence(b.story)  # a progression is told step by step, never pasted
    lines += [f"It is about {about}." if about else "", f"The story: {story[:1].lower() + story[1:]}." if story else ""]
    lines = [x for x in lines if x]
    material = section_material(project, notes or {}, takeback)
    groups = section_groups(song)
    states = _arc_states(project, groups, takeback or {}, {})  # where the artist's progression stands, in order
    for i, s in enumerate(song.sections):
        g = group_of(groups, s)
        images = material[g.key][0] if g else [FALLBACK_IMAGE]
        words = lines_within(song, s.start, s.end)
        sung = f' — "{words[0]}"' if words else ""
        step = f" ({states[i]})" if states.get(i) else ""
        said = section_phrase(s.label)  # 'A' is 'the first section' to the artist
        lines.append(f"  {said[:1].upper() + said[1:]} ({s.start:.0f}-{s.end:.0f}s, energy {s.energy:.2f}): "
                     f"{images[0]}{step}{sung}")
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


def plan_shots(project: Project, notes: dict[str, str] | None = None, seed: int = 7,
               takeback: dict[str, list[str]] | None = None, keep: dict[str, str] | None = None) -> list[Shot]:
    """The whole shot list; timing from `plan_cuts`, words from `assistant.writer`. `takeback`: words the
    artist took back per section group ('verse 2': ['ankles']); `keep`: a state a group keeps ('dry')."""
    takeback, keep = takeback or {}, keep or {}
    rng = random.Random(seed)
    song, b = project.song, project.brief
    speed = pace(project)
    cuts = [0.0, *plan_cuts(project, speed), song.duration]
    spans = list(zip(cuts, cuts[1:]))
    groups = section_groups(song)
    material = section_material(project, notes or {}, takeback)
    who = protagonist(b.story)
    notes = notes or {}
    places = places_in([b.story, *b.motifs, b.meaning, *notes.values()])
    progression = arc.arc_of(b.story)
    # a place that is a step of the artist's progression ('the garden, the stairs, the bedroom') is reached in
    # its own section, in order, never used as an earlier section's backdrop
    places = [p for p in places if not progression
              or not any(re.search(rf"\b{re.escape(p.split()[-1])}\b", x.lower()) for x in progression.steps)]
    pool = image_pool(project)
    pieces = [x for t in (b.meaning, b.story, *notes.values())  # clauses: "waiting …, and finding …" are two
              for x in re.split(r"(?<=[.!?;])\s+|\s+[-—]\s+|,\s+(?:and|but|while|until)\s+", t or "")]
    heard: set[str] = set()
    reads = closest_pieces([x.text for x in song.lyrics], pieces)
    framing = Framing()
    look = b.palette or first_sentence(b.feeling)
    meaning = short_meaning(b)
    artist_why = b.why_generative
    faces = rules.face_rule(b.constraints)
    states = _arc_states(project, groups, takeback, keep)
    # shots per section instance, to give each its stages
    by_section: dict[int, list[int]] = {}
    for n, (start, end) in enumerate(spans):
        sec = song.section_at((start + end) / 2)
        by_section.setdefault(id(sec), []).append(n)
    stage_of: dict[int, tuple[str, int, int]] = {}
    for members in by_section.values():
        for j, (n, stage) in enumerate(zip(members, _stages(len(members)))):
            stage_of[n] = (stage, j, len(members))
    artist_said = {k for k, v in notes.items() if images_of(v)[0]}
    used_r: set[str] = set()
    used_w: set[str] = set()
    seen_group: dict[str, int] = {}
    meaning_uses = 0
    shots: list[Shot] = []
    for n, (start, end) in enumerate(spans):
        section = song.section_at((start + end) / 2)
        group = group_of(groups, section) if section else None
        key = group.key if group else "song"
        images, section_why = material.get(key, ([spelled(m) for m in b.motifs] or [FALLBACK_IMAGE], ""))
        stage, j, count = stage_of[n]
        if stage == "reaction" and faces == "all":
            stage = "detail"  # no person may be seen: the reaction becomes another detail
        if j == 0:
            seen_group[key] = seen_group.get(key, -1) + 1
        visit = seen_group.get(key, 0)
        if notes.get(key) and key in artist_said:  # the artist's images, in their order, across the section
            at = min(len(images) - 1, j * len(images) // count)
            image = images[at]
            nxt = images[at + 1] if at + 1 < len(images) else image
        else:  # a repeated section comes back to its first image (the refrain recurs); the middle shots vary
            middle = stage in ("reaction", "transformation")
            image = images[(visit + 1) % len(images)] if middle else images[0 if group and len(group.sections) > 1
                                                                            else visit % len(images)]
            if shots and image == shots[-1].subject and len(pool) > 1:  # no picture repeats as filler
                image = next((p for p in pool[pool.index(image) + 1:] + pool if p != image), image) \
                    if image in pool else image
            nxt = images[(images.index(image) + 1) % len(images)] if image in images and len(images) > 1 else image
        gone = takeback.get(key, [])
        lyric_lines = lines_within(song, start, end)
        sung = [[x.text] for x in song.lyrics]
        if key not in artist_said and lyric_lines and any(restates(image, x) for x in sung):
            # a filler picture on a sung shot reads its line: never its words said back, nor another line's
            image = next((p for p in pool if p != image and not any(restates(p, x) for x in sung)
                          and not taken_back(p, gone)), image)
        if nxt == image or taken_back(nxt, gone):  # the image turns into another of the artist's, never into itself
            fresh = [p for p in pool if p != image and not taken_back(p, gone)] or [image]
            nxt = fresh[(pool.index(image) if image in pool else 0) % len(fresh)]
        energy = section.energy if section else 0.5
        band = 0 if energy < 0.45 else (1 if energy < 0.8 else 2)
        gi = groups.index(group) if group in groups else 0
        place = places[(gi + visit) % len(places)] if places else ""
        if len(places) == 1 and stage == "detail":  # one place all song: a detail is framed on the image itself
            place = ""
        setting = stage_setting(place, stage, handle(image), handle(nxt), n)
        if keep.get(key):  # "keep it dry in verse two": the state the artist asked this part to keep
            setting = f"{setting}, kept {keep[key]}"
        elif section in song.sections and states.get(song.sections.index(section)):
            setting = f"{setting}, {states[song.sections.index(section)]}"  # the artist's progression, in order
        prev, after = neighbours(song, start, end)
        say_meaning = meaning if meaning_uses < max(1, int(MEANING_SHARE * len(spans))) else ""
        say_meaning = "" if say_meaning.lower() in {h.lower() for h in heard} else say_meaning
        beat = Beat(stage=stage, variant=n + visit, section=_name(key), image=image, next_image=nxt,
                    lines=lyric_lines, who=who, setting=setting, section_why=section_why,
                    artist_why=artist_why, meaning=say_meaning, prev_line=prev, next_line=after,
                    piece=reads.get(lyric_lines[0], "") if lyric_lines else "", heard=heard,
                    recurs=bool(group and len(group.sections) > 1))
        text = write(beat, used_r, used_w)
        if shots and text.subject.lower() == shots[-1].subject.lower():  # no picture twice in a row
            last = shots[-1].subject.lower()
            if handle(nxt).lower() == last:  # what it turns into is the same picture again: the pool's next one
                nxt = next((p for p in pool[(pool.index(nxt) + 1 if nxt in pool else 0):] + pool
                            if handle(p).lower() != last and not taken_back(p, gone)), nxt)
            later = pool[(pool.index(nxt) + 1) % len(pool)] if nxt in pool else image
            beat.stage, beat.image, beat.next_image = ("transformation" if stage != "transformation" else "detail",
                                                       nxt, later if later != nxt else image)
            beat.recurs = False
            text = write(beat, used_r, used_w)
        meaning_uses += bool(say_meaning) and say_meaning in text.reason
        heard.update([say_meaning] if say_meaning and say_meaning in text.reason else [])
        sizes = ("medium wide", "full", "wide") if stage == "reaction" and faces == "close" else _SIZES[stage]
        options = [sizes[(band + j + i) % len(sizes)] for i in range(len(sizes))]
        size = framing.pick("size", list(dict.fromkeys(rules.allowed_size(x, b.constraints) for x in options)))
        if faces == "close" and size in rules.CLOSE_SIZES:  # "no faces in close-up": a close shot shows no one
            text.subject, text.action, text.setting = (rules.faceless(x) for x in (text.subject, text.action, text.setting))
            if rules.shows_person(f"{text.subject} {text.action} {text.setting}"):
                size = rules.allowed_size("medium wide", b.constraints)
        moves = _MOVES[stage]
        move = framing.pick("move", [moves[(band + n + i) % len(moves)] for i in range(len(moves))])
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


def _arc_states(project: Project, groups: list, takeback: dict[str, list[str]],
                keep: dict[str, str]) -> dict[int, str]:
    """Section index → the step of the artist's stated progression it shows (assistant.arc); a section
    the artist held back (a state kept, or a step taken back) shows none and the steps move on."""
    found = arc.arc_of(project.brief.story)
    if not found:
        return {}
    sections = project.song.sections
    held = set()
    for i, s in enumerate(sections):
        g = group_of(groups, s)
        if g and (keep.get(g.key) or (takeback.get(g.key) and len(g.sections) == 1)):
            held.add(i)
    states = arc.steps_by_section(found, sections, held)
    return {i: x for i, x in states.items()
            if not taken_back(x, takeback.get(getattr(group_of(groups, sections[i]), "key", ""), []))}


def neighbours(song: Song, start: float, end: float) -> tuple[str, str]:
    """The line sung before the first line of the shot [start, end) and the line sung after it (each ''
    when there is none): what the first line adds to the one before, and sets up for the one after.
    Found by time, so a chorus sung twice hears its own neighbours each time."""
    timed = sorted((x for x in song.lyrics if x.time is not None), key=lambda x: x.time or 0.0)
    inside = [i for i, x in enumerate(timed) if start - LINE_SLACK <= x.time < end - LINE_SLACK]
    if not inside:
        return "", ""
    i = inside[0]
    return (timed[i - 1].text if i else ""), (timed[i + 1].text if i + 1 < len(timed) else "")


def _name(key: str) -> str:
    """'verse 2' → 'second verse' (how a sentence names a section)."""
    m = re.match(r"^(.*) (\d+)$", key)
    if not m:
        return key
    n = int(m.group(2))
    word = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")[n - 1] if n <= 8 else f"{n}th"
    return f"{word} {m.group(1)}"


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


__all__ = ["plan_shots", "plan_cuts", "longest_shot", "treatment", "make_logline", "default_style", "keep_locked"]
