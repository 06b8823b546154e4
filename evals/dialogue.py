"""Evaluators of the conversation: answers filed under their topic, revisions that touch only the
named shots, and pushback on a cliché before the plan."""

from __future__ import annotations

import re

import numpy as np

from shotlist.models import Brief, Shot
from shotlist.sizes import closeness

from .case import GENERIC_WORDS, TOPICS, Case, content_words, embed
from .quality import Evaluator

TIMING = ("start", "end", "lyric")
CONTENT = ("shot_size", "angle", "movement", "lens", "subject", "action", "setting", "prompt", "negative_prompt",
           "reason", "why_generative", "transition", "seed", "locked")


def brief_fields(brief: Brief) -> dict[str, str]:
    """Each brief field as text, under the interview topic it answers."""
    c = brief.constraints
    notes = "; ".join(c.notes)
    return {
        "meaning": brief.meaning, "story": brief.story, "motifs": "; ".join(brief.motifs),
        "feeling": " ".join(x for x in (brief.feeling, brief.palette) if x),
        "why_generative": brief.why_generative,
        "constraints": f"{c.aspect}, {c.fps:g} fps" + (f"; {notes}" if notes else ""),
    }


class AnswerFiling(Evaluator):
    name = "answer_filing"
    kinds = ("misfiled",)
    about = ("share of the artist's answers whose brief field is closest (MiniLM cosine, 0.02 tolerance for "
             "answers that say the same thing) to that answer among all the artist's answers; empty = wrong")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        given = case.persona if case.said is None else case.said
        said = {t: given[t].strip() for t in TOPICS if given.get(t, "").strip()}
        if case.brief is None or not said:
            return {self.name: None}
        filed = brief_fields(case.brief)
        topics = list(said)
        answers = embed([said[t] for t in topics])
        right = []
        for i, t in enumerate(topics):
            if not filed[t].strip():
                continue
            sims = answers @ embed([filed[t]])[0]
            if sims[i] >= sims.max() - 0.02:
                right.append(t)
        return {self.name: len(right) / len(topics)}


def changed_shots(before: list[Shot], after: list[Shot]) -> dict[int, set[str]]:
    """Shot number → the fields that changed (every shot, when the count changed)."""
    if len(before) != len(after):
        return {n: {"count"} for n in range(1, max(len(before), len(after)) + 1)}
    out = {}
    for n, (a, b) in enumerate(zip(before, after), 1):
        fields = {f for f in TIMING + CONTENT if getattr(a, f) != getattr(b, f)}
        if fields:
            out[n] = fields
    return out


AXES = {  # intent → (the pole it asks for, the opposite pole), as MiniLM anchors
    "colder": ("cold icy blue light, frost, winter", "warm amber golden light, firelight, heat"),
    "warmer": ("warm amber golden light, firelight, heat", "cold icy blue light, frost, winter"),
    "darker": ("dark, deep shadow, night, dim light", "bright, sunlit, high-key white light"),
    "brighter": ("bright, sunlit, high-key white light", "dark, deep shadow, night, dim light"),
}


def wrong_way(intent: str, before: Shot, after: Shot) -> bool:
    """True when a named shot changed the other way from what was asked ("colder" made warmer, "closer"
    made wider, "longer" made shorter); unchanged or unjudgeable aspects are not wrong."""
    if intent in ("closer", "wider") and before.shot_size != after.shot_size:
        step = closeness(after.shot_size) - closeness(before.shot_size)
        return step < 0 if intent == "closer" else step > 0
    if intent in ("longer", "shorter", "slower") and abs((after.end - after.start) - (before.end - before.start)) > 1e-3:
        longer = (after.end - after.start) > (before.end - before.start)
        return not longer if intent in ("longer", "slower") else longer
    if intent in AXES:
        text = [" ".join(x for x in (s.prompt, s.subject, s.action, s.setting) if x) for s in (before, after)]
        if text[0] == text[1]:
            return False
        b, a = embed(text)
        want, avoid = embed(list(AXES[intent]))
        return float(a @ want - a @ avoid) < float(b @ want - b @ avoid)
    return False


class RevisionLocality(Evaluator):
    name = "revision_locality"
    kinds = ("touched_others", "wrong_direction")
    about = ("the worst revision request's |changed ∩ named| / |changed ∪ named| (1 when nothing was named "
             "and nothing changed); a neighbour whose cut moved with a retimed shot is not a change; a locked "
             "shot that changed, or a named shot changed the other way from the request (MiniLM against "
             "cold/warm and dark/bright anchors, the size order, the length), scores the request 0")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if not case.revisions:
            return {self.name: None}
        scores = []
        for r in case.revisions:
            changed = changed_shots(r.before, r.after)
            moved_cut = {n for n, f in changed.items() if f <= set(TIMING) and n not in r.targets
                         and ({n - 1, n + 1} & r.targets)}
            touched = set(changed) - moved_cut
            if touched & (r.locked - r.targets if r.intent in ("lock", "unlock") else r.locked):
                scores.append(0.0)
                continue
            if any(wrong_way(r.intent, r.before[n - 1], r.after[n - 1]) for n in touched & r.targets
                   if len(r.before) == len(r.after)):
                scores.append(0.0)
                continue
            union = touched | r.targets
            scores.append(len(touched & r.targets) / len(union) if union else 1.0)
        return {self.name: min(scores), "revision_locality_mean": float(np.mean(scores))}


RISK = re.compile(r"clich|generic|most common|very common|familiar|stock|worn|overused|seen (it|that|this|in)|"
                  r"predictable|every other|countless|thousand|greeting-card|default image", re.I)
ALT = re.compile(r"\b(instead|what if|alternatively|another option|option|"
                 r"how about|could|or the|we could|let's|try)\b", re.I)
ROW = re.compile(r"\|.*\||\b\d{1,2}:\d{2}\s*[-–]\s*\d{1,2}:\d{2}\b|^\s*critic\s*:|^\s*shot list saved", re.I)
FILLER = frozenset("nothing special really whatever dunno idk sure stuff fine good nice cool guess maybe "
                   "know time whole".split())


OFFER = frozenset("instead what about alternatively option options another try maybe could let call "
                  "feel feels closer want".split())
MIN_IMAGE_WORDS = 4  # an alternative is an image described ("the tide clock runs the video …"), not a keyword
WHY = re.compile(r"\b(because|so |says nothing|doesn't|does not|nothing about|blur|reads as|looks like|risks?|"
                 r"instead of|rather than|would|will (?:feel|look|read)|next to|every other|could film|stock footage)", re.I)


def _says_why(text: str, meaning: set[str]) -> bool:
    """Naming a cliché counts when it says why it fails the song: a reason word, or the song's meaning."""
    return bool(WHY.search(text) or content_words(text) & meaning)


BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)]|\(?[a-z]\))\s+")


def _units(text: str) -> list[str]:
    """A bulleted line is one unit; other lines split into sentences, clauses after a colon, ', or …'
    and (a)/(b) items."""
    out = []
    for line in text.splitlines():
        if BULLET.match(line):
            out.append(line)
        else:
            out += [u for u in re.split(r"(?<=[.!?:])\s+|;\s+|,\s+or\s+|\s(?=\([a-z]\)\s)", line) if u.strip()]
    return out


class Pushback(Evaluator):
    name = "pushback"
    kinds = ("no_pushback", "empty_pushback")
    about = ("on a cliché concept, the replies before the plan (shot-table rows and critic lines dropped): ½ if "
             "one names the artist's image and says why it fails the song, + ¼ for each alternative (up to "
             f"two) that describes an image (≥ {MIN_IMAGE_WORDS} content words) built from the artist's own "
             "non-cliché, non-filler words")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if not case.generic:
            return {self.name: None}
        concept = content_words(case.persona.get("story", ""), GENERIC_WORDS | FILLER)
        for item in re.split(r"[;\n]", case.persona.get("motifs", "")):  # a motif that is the cliché is not material
            words_of = content_words(item, GENERIC_WORDS | FILLER)
            if words_of and len(words_of & concept) * 2 >= len(words_of):
                concept |= words_of
        own = set()
        for topic in ("meaning", "motifs", "feeling"):
            own |= content_words(case.persona.get(topic, ""), GENERIC_WORDS | FILLER)
        own -= concept
        said = [m["content"] for m in case.before_plan if m.get("role") == "assistant"]
        meaning = content_words(case.persona.get("meaning", ""), GENERIC_WORDS | FILLER)
        named = False
        alternatives: set[str] = set()
        for text in said:
            offering = False  # a lead-in ("Options:", "what if …") makes the grounded units after it offers
            for u in _units(text):
                if ROW.search(u):
                    continue
                named = named or bool(RISK.search(u) and content_words(u) & concept and _says_why(u, meaning))
                if ((offering or BULLET.match(u) or ALT.search(u)) and content_words(u, GENERIC_WORDS) & own
                        and len(content_words(u, GENERIC_WORDS | OFFER)) >= MIN_IMAGE_WORDS):
                    alternatives.add(u)
                offering = offering or bool(ALT.search(u) or u.rstrip().endswith(":"))
            named = named or bool(RISK.search(text) and content_words(text) & concept and not ROW.search(text)
                                  and _says_why(text, meaning))
        score = 0.5 * named + 0.25 * min(2, len(alternatives))
        return {self.name: score, "pushback_alternatives": float(len(alternatives))}
