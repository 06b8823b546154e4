"""Quality evaluators on what the director wrote: each a small class with a primary score (`name`)
and the bad kinds of the calibration set it must separate from good work (`kinds`).

Scores are in 0..1, higher is better; `evaluate` returns None for the primary score when the case
has nothing to judge (no shots, no lyric lines). Pass thresholds live in evals/thresholds.yaml and
are fixed on evals/calibration/ only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import ClassVar

import numpy as np

from shotlist.models import MOVEMENTS, SHOT_SIZES

from .case import STOP, Case, embed, strip_quotes, words

RUN_WORDS = 8  # an n-word run shared by many reasons is a template


class Evaluator:
    name: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]] = ()  # calibration bad kinds this evaluator must catch
    about: ClassVar[str] = ""

    def evaluate(self, case: Case) -> dict[str, float | None]:
        raise NotImplementedError


def _skeleton(norm: list[str]) -> float:
    """The mean share of a text's word pairs that half the texts or more also use: a template's fixed
    part ("it is about the X and nothing else", "the X stands for home") however short it is."""
    pairs = [{" ".join(p) for p in zip(t.split(), t.split()[1:])} for t in norm]
    df: Counter[str] = Counter(p for ps in pairs for p in ps)
    common = {p for p, k in df.items() if k >= max(2, len(norm) / 2)}
    return float(np.mean([len(ps & common) / len(ps) if ps else 0.0 for ps in pairs]))


def _specificity(texts: list[str]) -> tuple[float, float, float, float]:
    """(score, share of unique texts, largest share of texts holding one shared RUN_WORDS-word run,
    template skeleton share)."""
    n = len(texts)
    norm = [" ".join(words(t)) for t in texts]
    counts = Counter(norm)
    unique = sum(1 for t in norm if t and counts[t] == 1) / n
    runs: Counter[str] = Counter()
    for t in norm:
        w = t.split()
        runs.update({" ".join(w[i:i + RUN_WORDS]) for i in range(len(w) - RUN_WORDS + 1)})
    top = max(runs.values(), default=0)
    shared = top / n if top >= 2 else 0.0
    skeleton = _skeleton(norm)
    return min(unique, 1.0 - shared, 1.0 - skeleton), unique, shared, skeleton


class ReasonSpecificity(Evaluator):
    name = "reason_specificity"
    field = "reason"
    kinds = ("templated_reasons", "one_reason", "partly_templated", "short_template")
    about = ("min(share of shots with a reason no other shot has, 1 − the largest share of reasons that "
             f"share one {RUN_WORDS}-word run, 1 − the mean share of a reason's word pairs that half the "
             "reasons use); quoted lyrics are removed first")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if not case.shots:
            return {self.name: None}
        texts = [strip_quotes(getattr(s, self.field), s.lyric) for s in case.shots]
        score, unique, shared, skeleton = _specificity(texts)
        key = self.name.removesuffix("_specificity")
        return {self.name: score, f"{key}_unique": unique, f"{key}_shared_run": shared,
                f"{key}_skeleton": skeleton}


class WhyGenerativeSpecificity(ReasonSpecificity):
    name = "why_generative_specificity"
    field = "why_generative"
    kinds = ("templated_why", "one_why", "partly_templated_why")
    about = "the same measure on why_generative"


SAME_LINE = 0.9  # two lines this close (MiniLM cosine) are one line sung two ways ("orbit me" / "orbit me now")


class LyricRelevance(Evaluator):
    """Does each reason speak to its own line? The quoted lyric is removed, so quoting is not enough.

    The margin (cosine with its own line − mean cosine with the song's other lines) is divided by the
    margin the line itself would get (1 − the line's mean cosine with those lines): on a song whose lines
    share their words ("I wore your coat all winter" / "Your coat wore me") no reason can be much nearer
    one than the other, and a raw margin would fail even a director's. Shots are averaged per line, then
    over lines, so a line sung on many shots does not outweigh the rest (one reason on every shot scores
    about 0 whatever the shot count per line). Lines at ≥ SAME_LINE cosine are not contrasted.
    """

    name = "lyric_relevance"
    kinds = ("templated_reasons", "one_reason", "shuffled_reasons")
    about = ("mean over lines of the mean over their shots of: (MiniLM cosine of the reason, quotes and lyric "
             "removed, with its own line − its mean cosine with the song's other lines) / (1 − the own line's "
             "mean cosine with those lines), i.e. the margin as a share of the margin the line itself gets")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        sung = [s for s in case.shots if words(s.lyric or "")]
        parts = {id(s): [" ".join(words(p)) for p in re.split(r"\s*/\s*", s.lyric) if words(p)] for s in sung}
        lines = sorted({" ".join(words(t)) for _, t in case.lyrics} | {p for ps in parts.values() for p in ps})
        lines = [x for x in lines if x]
        if not sung or len(lines) < 2:
            return {self.name: None}
        reasons = embed([strip_quotes(s.reason, s.lyric) or "-" for s in sung])
        line_vecs = embed(lines)
        between = line_vecs @ line_vecs.T
        index = {x: i for i, x in enumerate(lines)}
        per_line: dict[int, list[float]] = {}
        raw, closest = [], []
        for r, shot in zip(reasons, sung):
            sims = line_vecs @ r
            own = {index[p] for p in parts[id(shot)]}
            best = max(own, key=lambda i: sims[i])
            others = [i for i in range(len(lines)) if i not in own and between[best, i] < SAME_LINE]
            if not others:
                continue
            margin = float(sims[best] - np.mean(sims[others]))
            room = float(1.0 - np.mean(between[best, others]))
            per_line.setdefault(best, []).append(margin / room)
            raw.append(margin)
            closest.append(margin > 0)
        if not per_line:
            return {self.name: None}
        return {self.name: float(np.mean([np.mean(v) for v in per_line.values()])),
                "lyric_raw_margin": float(np.mean(raw)), "lyric_closest_share": sum(closest) / len(closest)}


class Grounding(Evaluator):
    name = "grounding"
    kinds = ("ungrounded_shots",)
    about = ("mean over shots of the best MiniLM cosine between what the shot shows (subject, action, setting) "
             "and the artist's own words or the song's lines")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        material = case.material()
        if not case.shots or not material:
            return {self.name: None}
        sims = embed([case.depiction(s) for s in case.shots]) @ embed(material).T
        return {self.name: float(sims.max(axis=1).mean())}


def _bank() -> list[str]:
    lines = (Path(__file__).parent / "data" / "cliches.txt").read_text().splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


class Originality(Evaluator):
    name = "originality"
    kinds = ("generic_montage", "stock_reworded")
    about = ("1 − mean over shots of the best MiniLM cosine between the depiction (as written, and with the "
             "artist's own words taken out, so a stock image with a motif tacked on is still stock) and the "
             "eval's own bank of stock music-video images (evals/data/cliches.txt); n/a when the artist "
             "insisted on the cliché")

    def evaluate(self, case: Case) -> dict:
        if not case.shots or case.kept_generic:
            return {self.name: None}
        own = {w for piece in case.material() for w in words(piece) if w not in STOP and len(w) > 2}
        pictures = [case.depiction(s) for s in case.shots]
        bare = [" ".join(w for w in words(p) if w not in own) or p for p in pictures]
        stock = embed(_bank()).T
        best = np.maximum((embed(pictures) @ stock).max(axis=1), (embed(bare) @ stock).max(axis=1))
        flags = {n: f"a stock image ({b:.2f} like one)" for n, b in enumerate(best, 1) if b >= 0.6}
        return {self.name: float(1.0 - best.mean()), "flags": flags}


def _evenness(values: list[str], options: int) -> float:
    """Entropy of the values over the most it could be for this many shots (1 = as varied as possible)."""
    n = len(values)
    if n < 2:
        return 1.0
    counts = Counter(values).values()
    h = -sum(c / n * math.log(c / n) for c in counts)
    return h / math.log(min(n, options))


def _distinct(values: list[str], target: int) -> float:
    """Effective number of distinct values (exp entropy), against `target`, capped at 1."""
    n = len(values)
    if n < 2:
        return 1.0
    counts = Counter(values).values()
    effective = math.exp(-sum(c / n * math.log(c / n) for c in counts))
    return min(1.0, effective / min(n, target))


def _key(text: str, n: int = 2) -> str:
    """The head of a phrase: its first content words ('reaches for the lamp' → 'reaches lamp')."""
    return " ".join([w for w in words(text) if len(w) > 2 and w not in STOP][:n])


def _rotated(values: list[str]) -> bool:
    """A sequence that repeats with a period of 2 or 3 (close, wide, close, wide …): rotation, not choice."""
    n = len(values)
    return len(set(values)) > 1 and any(n >= 2 * p + 1 and all(values[i] == values[i + p] for i in range(n - p))
                                        for p in (2, 3))


class VisualVariety(Evaluator):
    name = "visual_variety"
    kinds = ("monotonous", "fake_variety")
    about = ("min(harmonic mean of: evenness of shot sizes and of camera moves, distinct actions, distinct subjects "
             "(≥ 3 effective) and settings (≥ 4 effective); distinct depictions: (1 − mean pairwise MiniLM "
             "cosine of the pictures) / 0.6), × 0.75 for sizes rotated with a period of 2–3 and × 0.75 for moves")

    def evaluate(self, case: Case) -> dict:
        shots = case.shots
        if not shots:
            return {self.name: None}
        parts = {
            "variety_sizes": _evenness([s.shot_size for s in shots], len(SHOT_SIZES)),
            "variety_moves": _evenness([s.movement for s in shots], len(MOVEMENTS)),
            "variety_actions": len({_key(s.action) for s in shots}) / len(shots),
            "variety_subjects": _distinct([" ".join(words(s.subject)) for s in shots], 3),
            "variety_settings": _distinct([" ".join(words(s.setting)) for s in shots], 4),
        }
        depictions = 1.0
        if len(shots) >= 2:
            v = embed([case.depiction(s) for s in shots])
            sims = v @ v.T
            mean = (sims.sum() - np.trace(sims)) / (len(shots) * (len(shots) - 1))
            depictions = min(1.0, (1.0 - float(mean)) / 0.6)
        rotation = 0.75 ** (_rotated([s.shot_size for s in shots]) + _rotated([s.movement for s in shots]))
        # a harmonic mean: each part is one way a plan is monotonous, and one near its floor (one setting on
        # every shot) is not averaged away by the others being varied
        values = [max(0.0, v) for v in parts.values()]
        spread = 0.0 if min(values) == 0 else len(values) / sum(1 / v for v in values)
        score = min(spread, depictions) * rotation
        return {self.name: score, **parts, "variety_depictions": depictions, "variety_rotation": rotation}
