"""Guided mode's plain-words revisions. Only the shots the artist named change; locked shots never
do; a request with no clear target gets a question, a shot that does not exist a clear reply."""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.look import LIGHT, PALETTE, palette_word, stepped
from shotlist.models import Project
from shotlist.sizes import step_size

from . import critic, rules
from .phrases import handle
from .planner import FALLBACK_IMAGE, _name, neighbours, protagonist, section_material, story_place
from .replies import say
from .targets import intents, resolve
from .tools import ProjectTools, ShotPatch
from .walk import group_of, section_groups
from .writer import Beat, write

MATCH_THRESHOLD = 0.35  # cosine between "the beach shots" and a shot's depiction to count as meant
LOOKS = ("colder", "warmer", "darker", "brighter")
# how a question names each change: "Which shots should I lock?", "… make colder?"
INTENT_WORDS = {w: f"make {w}" for w in ("colder", "warmer", "darker", "brighter", "longer", "shorter", "closer", "wider")}
INTENT_WORDS |= {"more contrast": "give more contrast", "less contrast": "give less contrast", "palette": "tint"}
OPPOSITE = {"colder": "warmer", "warmer": "colder", "darker": "brighter", "brighter": "darker"}
# the look value each word moves, and which way: the animatic grades the card by these values
LOOK_STEPS = {"colder": ("warmth", -1), "warmer": ("warmth", 1), "darker": ("brightness", -1),
              "brighter": ("brightness", 1)}


def apply_request(tools: ProjectTools, text: str, selected_shot: int | None = None,
                  notes: dict[str, str] | None = None, skip_lock: bool = False) -> tuple[str, list[str]]:
    """Apply one request; returns the reply and the tool steps taken (none when nothing changed).
    `skip_lock`: the lock or unlock in it is done by the caller (a change and a lock in one request)."""
    project = tools.project()
    wants = [w for w in intents(text) if not (skip_lock and w in ("lock", "unlock"))]
    colours = palette_words(text)
    wants += ["palette"] if colours else []
    wants += contrast_wants(text)
    target = resolve(text, project, selected_shot)
    if target.problem:
        return target.problem, []
    unknown = None if wants else unknown_look(text)
    if unknown and target.shots:  # "make shot 3 more cinematic": a look the animatic cannot show
        return say("unknown_look", word=unknown, colours=", ".join(SHOWN_COLOURS)), []
    if not wants:
        if target.shots and len(target.shots) <= 3 and "?" in text:  # "what do you think of shot 5?"
            return "\n".join(_about(project, n) for n in target.shots), []
        return say("cannot"), []
    if not target.shots and "replace" in wants:
        matched = _matching(project, text)
        target.shots, target.described = matched, "shots " + ", ".join(map(str, matched))
    if not target.shots:
        if wants == ["replace"]:
            return say("no_replace_target"), []
        return say("which", what=" and ".join(INTENT_WORDS.get(w, w) for w in wants)), []
    try:
        changes = [w for w in wants if w not in ("lock", "unlock")]
        if "unlock" in wants or ("lock" in wants and not changes):
            result = tools.lock_shots([str(n) for n in target.shots], locked="unlock" not in wants)
            said = f"{result[:1].upper()}{result[1:]} ({target.described})."
            if not changes:
                return said, ["lock_shots"]
            more, steps = apply_request(tools, text, selected_shot, notes, skip_lock=True)
            return f"{said} {more}", ["lock_shots", *steps]  # "unlock shot 1, then make it darker"
        if "lock" in wants:  # "make shot 5 darker and lock it": the change first, then the lock
            more, steps = apply_request(tools, text, selected_shot, notes, skip_lock=True)
            result = tools.lock_shots([str(n) for n in target.shots], locked=True)
            return f"{more} {result[:1].upper()}{result[1:]}.", [*steps, "lock_shots"]
        free = [n for n in target.shots if not project.shots[n - 1].locked]
        held = [n for n in target.shots if n not in free]
        if not free:
            return say("all_locked", what=target.described, What=target.described[:1].upper() + target.described[1:],
                       verb="is" if len(held) == 1 else "are"), []
        replies, steps = [], []
        if held:
            replies.append(say("locked", shots=", ".join(map(str, held)), s="s" * (len(held) > 1),
                               verb="are" if len(held) > 1 else "is", it="them" if len(held) > 1 else "it"))
        what = target.described if not held else (f"shot {free[0]}" if len(free) == 1 else
                                                   "shots " + ", ".join(map(str, free)))  # only the shots changed
        patches = _content_patches(project, free, wants, what, notes or {}, replies, avoid=dismissed(text),
                                   colours=colours)
        if patches:
            result = tools.revise_shots(patches)
            replies = [r.replace("{result}", result) for r in replies]
            steps.append("revise_shots")
        timing = [w for w in wants if w in ("longer", "shorter")]
        if timing:
            replies.append(_retime(tools, free, timing[0] == "longer"))
            steps.append("revise_shots")
        return " ".join(r.replace("{result}", "").strip() for r in replies), steps
    except ShotcallerError as e:
        return say("failed", error=e), []


CONTRAST_STEPS = {"more contrast": 1, "less contrast": -1}
_CONTRAST = re.compile(r"\b(?:(more|higher|harder|punchier|stronger)|(less|lower|softer|flatter|gentler))\s+contrast\b"
                       r"|\bcontrast\s+(?:(up)|(down))\b")


def contrast_wants(text: str) -> list[str]:
    """'more contrast', 'harder contrast', 'contrast up' → ['more contrast']; 'flatter contrast' → ['less contrast']."""
    m = _CONTRAST.search(text.lower())
    if not m:
        return []
    return ["more contrast" if (m.group(1) or m.group(3)) else "less contrast"]


SHOWN_COLOURS = tuple(c for c in ("amber", "teal", "blue", "red", "gold", "green", "violet", "sepia") if c in PALETTE)
_LOOK_NOUNS = {"palette", "light", "tones", "tone", "tint", "grade", "look"}
_AFTER_COLOUR = {"", "and", "or", "palette", "light", "tones", "tone", "tint", "grade", "look", "please", "with",
                 "too", "instead", "now", "shot", "shots"}


def palette_words(text: str) -> list[str]:
    """The colours a request asks the picture to lean to: 'make shot 3 teal and gold' → [teal, gold]. A colour
    naming a thing ('the red car shot') is not one: it follows no article and comes before no noun."""
    words = re.findall(r"[a-z]+", text.lower())
    found = []
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        named_thing = i and words[i - 1] in ("the", "a", "an", "that", "this", "those") and after not in _LOOK_NOUNS
        if named_thing or after not in _AFTER_COLOUR:
            continue
        try:
            found.append(palette_word(w))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def unknown_look(text: str) -> str | None:
    """A look word the grader cannot show, in a request with nothing else it can do: 'more cinematic' → 'cinematic'."""
    m = re.search(r"\b(?:more|less|look|feel|feels|looks)\s+(?:more\s+|less\s+)?([a-z][a-z-]{2,})\b", text.lower())
    return m.group(1) if m and m.group(1) not in ("like", "at", "the", "and", "than") else None


_DISMISSED = re.compile(r"(?i)\b(?:the\s+|those\s+|these\s+|that\s+|this\s+)?([a-z][\w\s'-]{1,40}?)\s+(?:is|are|feels?|looks?"
                        r"|seems?)\s+(?:a\s+|so\s+|too\s+|kind\s+of\s+|pretty\s+|really\s+)*(?:clich[eé]\w*|boring"
                        r"|corny|cheesy|generic|overdone|tired|stale)")


def dismissed(text: str) -> set[str]:
    """The words of what a request calls a cliché ('the birds are a cliché, replace shot 4' → {'bird'}): a
    replacement must not bring it back. Shot and section words are not things."""
    m = _DISMISSED.search(text)
    if not m:
        return set()
    words = re.findall(r"[a-z]+", m.group(1).lower())
    skip = {"shot", "shots", "it", "this", "that", "one", "card", "chorus", "verse", "bridge", "intro", "outro", "section",
            "the", "a", "an", "all", "whole", "thing", "idea", "image", "my", "your", "and"}
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in skip and not w.isdigit()}


def _content_patches(project: Project, numbers: list[int], wants: list[str], what: str, notes: dict[str, str],
                     replies: list[str], avoid: set[str] | None = None, colours: list[str] | None = None
                     ) -> list[ShotPatch]:
    changes: dict[int, dict] = {n: {} for n in numbers}
    looks = [w for w in wants if w in LOOKS]
    if looks:
        phrases = LIGHT
        for n in numbers:
            shot = project.shots[n - 1]
            changes[n]["prompt"] = _with_look(shot.prompt, looks, phrases)
            for w in looks:
                name, direction = LOOK_STEPS[w]
                changes[n][name] = stepped(changes[n].get(name, getattr(shot, name)), direction)
        replies.append(say("look_done", what=what, look=" and ".join(looks),
                           phrase="; ".join(phrases[w] for w in looks), result="{result}"))
    contrast = next((w for w in wants if w in CONTRAST_STEPS), None)
    if contrast:
        for n in numbers:
            changes[n]["contrast"] = stepped(project.shots[n - 1].contrast, CONTRAST_STEPS[contrast])
        replies.append(say("contrast_done", what=what, how=contrast.replace("-", " "), result="{result}"))
    if colours:
        for n in numbers:
            changes[n]["palette"] = colours
        replies.append(say("palette_done", what=what, palette=" and ".join(colours), result="{result}"))
    direction = next((w for w in wants if w in ("closer", "wider")), None)
    if direction:
        sizes = []
        for n in numbers:
            shot = project.shots[n - 1]
            size = step_size(shot.shot_size, direction == "closer", project.brief.constraints.banned_sizes)
            blocked = False
            if size in rules.CLOSE_SIZES and rules.face_rule(project.brief.constraints) == "close":
                words = {f: rules.faceless(getattr(shot, f)) for f in ("subject", "action", "setting")}
                if rules.shows_person(" ".join(words.values())):
                    size, blocked = shot.shot_size if shot.shot_size not in rules.CLOSE_SIZES else "medium", True
                else:
                    changes[n].update({f: w for f, w in words.items() if w != getattr(shot, f)})
            prompt = changes[n].get("prompt", shot.prompt)
            changes[n]["shot_size"] = size
            changes[n]["prompt"] = re.sub(rf"^{re.escape(shot.shot_size)} shot", f"{size} shot", prompt)
            edge = ("extreme close-up", "insert") if direction == "closer" else ("extreme wide",)
            move = "push in" if direction == "closer" else "pull out"
            if size == shot.shot_size and (size in edge or blocked):  # no size further: the camera moves, or the lens changes
                if shot.movement != move:
                    changes[n]["movement"] = move
                    changes[n]["prompt"] = changes[n]["prompt"].replace(f", {shot.movement}:", f", {move}:", 1)
                    size = f"{size} ({move})"
                else:
                    changes[n]["lens"] = _next_lens(shot.lens, direction == "closer")
                    size = f"{size} ({changes[n]['lens']} lens)"
            changes[n]["negative_prompt"] = rules.negative_prompt(project.style.negative_prompt or "watermark, logo",
                                                                  project.brief.constraints, size)
            sizes.append(size)
        replies.append(say("size_done", what=what, direction=direction, sizes=", ".join(dict.fromkeys(sizes)),
                           result="{result}"))
    if "replace" in wants:
        images = []
        for n in numbers:
            rewritten = _rewrite(project, n, notes, avoid or set())
            images.append(rewritten["subject"])
            changes[n].update({k: v for k, v in rewritten.items() if k != "prompt"} |
                              {"prompt": _restyle(rewritten["prompt"], changes[n].get("prompt", ""))})
        replies.append(say("replaced", what=what, images="; ".join(dict.fromkeys(images)), result="{result}"))
    return [ShotPatch(shot=project.shots[n - 1].id, changes=c) for n, c in changes.items() if c]


def _about(project: Project, n: int) -> str:
    s = project.shots[n - 1]
    notes = "; ".join(s.critique.notes) or "no notes"
    return say("about_shot", n=n, start=f"{s.start:.1f}", end=f"{s.end:.1f}", size=s.shot_size,
               what=f"{s.subject} {s.action}".strip(), reason=s.reason, notes=notes, lock=" (locked)" if s.locked else "")


LENSES = (14, 18, 24, 28, 35, 50, 85, 100, 135, 200)


def _next_lens(lens: str, closer: bool) -> str:
    """The next longer (closer) or wider focal length: '50mm' → '85mm'."""
    m = re.search(r"(\d+)\s*mm", lens or "")
    mm = int(m.group(1)) if m else 35
    longer = [f for f in LENSES if f > mm] if closer else [f for f in LENSES if f < mm][::-1]
    return f"{(longer or [mm])[0]}mm"


def _with_look(prompt: str, looks: list[str], phrases: dict[str, str]) -> str:
    """The prompt with the named light; an earlier opposite light is taken out, not stacked."""
    m = re.search(r"\s*Light: ([^.]*)\.\s*$", prompt)
    current = [x.strip() for x in m.group(1).split(";")] if m else []
    base = prompt[: m.start()] if m else prompt.rstrip()
    drop = {phrases[OPPOSITE[w]] for w in looks} | {phrases[w] for w in looks}
    kept = [c for c in current if c not in drop]
    return f"{base.rstrip('.')}. Light: {'; '.join([*kept, *(phrases[w] for w in looks)])}."


def _restyle(new_prompt: str, old_prompt: str) -> str:
    m = re.search(r"\s*Light: [^.]*\.\s*$", old_prompt or "")
    return new_prompt.rstrip() + (" " + m.group(0).strip() if m else "")


def _rewrite(project: Project, n: int, notes: dict[str, str], avoid: set[str] = frozenset()) -> dict:
    """New content for shot n from the artist's material: another image of its section, or a motif; never
    one naming what the artist just called a cliché (`avoid`: its words)."""
    shot = project.shots[n - 1]
    b = project.brief
    groups = section_groups(project.song)
    section = project.song.section_at((shot.start + shot.end) / 2)
    group = group_of(groups, section) if section else None
    material = section_material(project, notes)
    images = list(material.get(group.key, ([], ""))[0]) if group else []
    pool = [*images, *[m for m in b.motifs if not rules.leaks(m, b.constraints)]]
    pool = [i for i in pool if not any(re.search(rf"\b{re.escape(w)}", i.lower()) for w in avoid)] or pool
    shown = f"{shot.subject} {shot.action}".lower()  # an image is shown already when its short name is
    fresh = [i for i in dict.fromkeys(pool) if i.lower() not in shown and handle(i).lower() not in shown]
    others = [s for s in project.shots if s.id != shot.id]
    choices = fresh or pool or [FALLBACK_IMAGE]
    on_screen = " | ".join(f"{s.subject} {s.action}".lower() for s in others)
    # the image the rest of the plan shows least (a replacement adds variety), ties taken from shot n on
    image = min(choices, key=lambda i: (on_screen.count(re.sub(r"^(?:the|an?) ", "", handle(i).lower())),
                                        (choices.index(i) - n) % len(choices)))
    nxt = next((i for i in pool if i != image), image)
    norm = lambda t: re.sub(r'"[^"]*"|“[^”]*”', "", t).strip().lower()  # noqa: E731
    used_r, used_w = {norm(s.reason) for s in others}, {norm(s.why_generative) for s in others}
    stage = "detail" if shot.shot_size in ("close-up", "extreme close-up", "insert") else "establish"
    lines = [x.strip() for x in (shot.lyric or "").split(" / ") if x.strip()]
    prev, after = neighbours(project.song, shot.start, shot.end)
    text = write(Beat(stage=stage, variant=n + 3, section=_name(group.key) if group else shot.section, image=image,
                      next_image=nxt, lines=lines, who=protagonist(b.story), setting=story_place(b.story) or shot.setting,
                      section_why=material.get(group.key, ([], ""))[1] if group else "", prev_line=prev,
                      next_line=after), used_r, used_w)
    look = b.palette or ""
    prompt = (f"{shot.shot_size} shot, {shot.angle} angle, {shot.movement}: {text.subject} {text.action}, "
              f"{text.setting}. {look}".strip(" .") + ".")
    return {"subject": text.subject, "action": text.action, "setting": text.setting, "prompt": prompt,
            "reason": text.reason, "why_generative": text.why_generative}


def _retime(tools: ProjectTools, numbers: list[int], longer: bool) -> str:
    """One shot: move its end (or, for the last shot, its start) by a bar. Several: each run of consecutive
    shots stretches or shrinks into a free neighbour; only where no neighbour has room are they merged or split."""
    project = tools.project()
    if len(numbers) == 1:
        return _retime_one(tools, project, numbers[0], longer)
    runs = _runs(numbers)
    moved = [r for r in reversed(runs) if _restretch(tools, r, longer)]
    said = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in reversed(moved))
    replies = [say("retimed", shots=said, how="longer" if longer else "shorter")] if moved else []
    rest = [r for r in runs if r not in moved]
    if rest:  # no neighbour has room: fewer, longer shots (merged) or more, shorter ones (split)
        replies.append(_merge_or_split(tools, rest, longer))
    return " ".join(replies)


def _merge_or_split(tools: ProjectTools, runs: list[list[int]], longer: bool) -> str:
    project = tools.project()
    done = []
    if longer:  # pairs inside each run of consecutive shots become one
        for r in reversed(runs):  # from the end, so the numbers still to merge stay valid
            for k in range(len(r) - 2, -1, -2):
                tools.merge_shots(str(r[k]), str(r[k + 1]))
                done.append(f"{r[k]}+{r[k + 1]}")
        return say("merged", pairs=", ".join(reversed(done))) if done else say("cannot_longer")
    for n in sorted((n for r in runs for n in r), reverse=True):
        shot = project.shots[n - 1]
        mids = [t for t in project.song.beats if shot.start + 0.4 < t < shot.end - 0.4]
        if mids:
            tools.split_shot(str(n), mids[len(mids) // 2])
            done.append(str(n))
    return say("split", shots=", ".join(reversed(done))) if done else say("cannot_shorter")


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = [[numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _restretch(tools: ProjectTools, run: list[int], longer: bool) -> bool:
    """Every shot of a run of consecutive shots a beat or a bar longer (shorter), the shot count kept: the
    run's outer cut moves into (out of) the free neighbour after it, or else the one before it. False when
    neither neighbour has room; nothing changes then."""
    project = tools.project()
    shots, beats = project.shots, project.song.beats
    if len(beats) < 2:
        return False
    beat = float(sorted(b - a for a, b in zip(beats, beats[1:]))[len(beats) // 2 - 1])
    bars = project.song.bars
    bar = float(sorted(b - a for a, b in zip(bars, bars[1:]))[(len(bars) - 1) // 2]) if len(bars) > 1 else 4 * beat
    first, last = shots[run[0] - 1], shots[run[-1] - 1]
    lengths = [shots[n - 1].end - shots[n - 1].start for n in run]
    for unit in (bar, beat):
        steps = [(unit if length >= 2 * unit or longer else beat) for length in lengths]
        new = [length + s if longer else length - s for length, s in zip(lengths, steps)]
        if min(new) < max(beat, 0.3):
            continue
        d = sum(new) - sum(lengths)
        after = shots[run[-1]] if run[-1] < len(shots) else None
        before = shots[run[0] - 2] if run[0] > 1 else None
        for side, nb in (("after", after), ("before", before)):
            if nb is None or nb.locked or (nb.end - nb.start) - d < max(beat, 0.5):
                continue
            start = first.start if side == "after" else first.start - d
            cuts = [start]
            for length in new:
                cuts.append(_nearest(cuts[-1] + length, beats))
            if side == "before":
                cuts[-1] = last.end
            if any(b - a < 0.3 for a, b in zip(cuts, cuts[1:])):
                continue
            if not all((b - a > length + 1e-3) if longer else (b - a < length - 1e-3)
                       for a, b, length in zip(cuts, cuts[1:], lengths)):
                continue
            _move_cuts(tools, project, run, cuts)
            return True
    return False


def _nearest(t: float, beats: list[float]) -> float:
    return min(beats, key=lambda b: abs(b - t)) if beats else t


def _move_cuts(tools: ProjectTools, project: Project, run: list[int], cuts: list[float]) -> None:
    """Move the run's cuts to `cuts` (its start, each shot's end) in one revision; cuts that move later are
    moved from the last one back, earlier ones from the first on, so no shot is ever crossed."""
    shots = project.shots
    old = [shots[run[0] - 1].start, *(shots[n - 1].end for n in run)]
    patches = []
    for j, (a, b) in enumerate(zip(old, cuts)):
        if abs(a - b) < 1e-6:
            continue
        if j == 0:
            patches.append((b, ShotPatch(shot=shots[run[0] - 1].id, changes={"start": b})))
        else:
            patches.append((b, ShotPatch(shot=shots[run[j - 1] - 1].id, changes={"end": b})))
    later = cuts[-1] > old[-1] + 1e-6 or cuts[0] > old[0] + 1e-6
    patches.sort(key=lambda p: p[0], reverse=later)
    if patches:
        tools.revise_shots([p for _, p in patches])


def _retime_one(tools: ProjectTools, project: Project, n: int, longer: bool) -> str:
    shot = project.shots[n - 1]
    bars = project.song.bars or project.song.beats
    last = n == len(project.shots)
    neighbour = project.shots[n - 2] if last else project.shots[n]
    if neighbour.locked:
        return say("neighbour_locked", n=n, m=neighbour.index)
    if not last:
        options = []
        for grid in (bars, project.song.beats):  # a bar if one fits, else a beat
            options = options or ([b for b in grid if shot.end < b < neighbour.end - 0.3] if longer
                                  else [b for b in grid if shot.start + 0.3 < b < shot.end])
        if not options:
            return say("no_room", n=n)
        new_end = options[0] if longer else options[-1]
        result = tools.revise_shots([ShotPatch(shot=shot.id, changes={"end": new_end})])
        return say("ends_at", n=n, t=f"{new_end:.2f}", result=result)
    options = []
    for grid in (bars, project.song.beats):  # a bar if one fits, else a beat
        options = options or ([b for b in grid if neighbour.start + 0.3 < b < shot.start] if longer
                              else [b for b in grid if shot.start < b < shot.end - 0.3])
    if not options:
        return say("last_no_room", m=n - 1)
    new_start = options[-1] if longer else options[0]
    result = tools.revise_shots([ShotPatch(shot=shot.id, changes={"start": new_start})])
    return say("last_starts_at", t=f"{new_start:.2f}", result=result)


def _matching(project: Project, text: str) -> list[int]:
    what = re.sub(r"\b(replace|the|shots?|please|they are|is a|cliché|cliche|generic|boring|with)\b", " ", text,
                  flags=re.I).strip()
    if len(what.split()) < 1:
        return []
    vec = critic.embed([what])[0]
    sims = critic.embed([critic.depiction(s) for s in project.shots]) @ vec
    return [n for n, (s, v) in enumerate(zip(project.shots, sims), 1) if v >= MATCH_THRESHOLD and not s.locked]


