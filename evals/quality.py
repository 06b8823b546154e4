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


def _specificity(texts: list[str]) -> tuple[float, float, float]:
    """(score, share of unique texts, largest share of texts holding one shared RUN_WORDS-word run)."""
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
    return min(unique, 1.0 - shared), unique, shared


class ReasonSpecificity(Evaluator):
    name = "reason_specificity"
    field = "reason"
    kinds = ("templated_reasons", "one_reason", "partly_templated")
    about = ("min(share of shots with a reason no other shot has, 1 − the largest share of reasons that "
             f"share one {RUN_WORDS}-word run); quoted lyrics are removed first")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if not case.shots:
            return {self.name: None}
        texts = [strip_quotes(getattr(s, self.field), s.lyric) for s in case.shots]
        score, unique, shared = _specificity(texts)
        key = self.name.removesuffix("_specificity")
        return {self.name: score, f"{key}_unique": unique, f"{key}_shared_run": shared}


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
    kinds = ("generic_montage",)
    about = ("1 − mean over shots of the best MiniLM cosine between the depiction and the eval's own bank of "
             "stock music-video images (evals/data/cliches.txt); n/a when the artist insisted on the cliché")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if not case.shots or case.kept_generic:
            return {self.name: None}
        sims = embed([case.depiction(s) for s in case.shots]) @ embed(_bank()).T
        return {self.name: float(1.0 - sims.max(axis=1).mean())}


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


class VisualVariety(Evaluator):
    name = "visual_variety"
    kinds = ("monotonous",)
    about = ("mean of: evenness of shot sizes and of camera moves (entropy over its maximum), distinct actions "
             "(share of distinct verb heads), distinct subjects (≥ 3 effective) and settings (≥ 4 effective)")

    def evaluate(self, case: Case) -> dict[str, float | None]:
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
        return {self.name: float(np.mean(list(parts.values()))), **parts}
