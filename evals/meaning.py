"""Quality evaluators on meaning (MiniLM), added for issue 25: does each reason and why_generative
speak about its own picture rather than any picture (coherence), does a why_generative say more than a
line true of every shot (substance), and does a picture interpret its lyric rather than restate it.

Each returns its primary score in 0..1 (higher is better) and, under `flags`, the shots it objects to
with the reason (shot number → text), which `shotcaller score` prints.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .case import Case, content_words, embed, strip_quotes
from .quality import Evaluator

DATA = Path(__file__).parent / "data"


def bank(name: str) -> list[str]:
    lines = (DATA / name).read_text().splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


def _own_rank(texts: list[str], pictures: list[str]) -> np.ndarray:
    """For each shot, the share of the other shots' pictures its text is less similar to than to its
    own (1: nearest its own picture; 0.5: no nearer its own than to any other; shuffle negatives)."""
    sims = embed(texts) @ embed(pictures).T
    n = len(texts)
    own = np.diag(sims)
    return np.array([(np.sum(own[i] > np.delete(sims[i], i)) + 0.5 * np.sum(own[i] == np.delete(sims[i], i)))
                     / (n - 1) for i in range(n)])


class Coherence(Evaluator):
    name = "coherence"
    kinds = ("mismatched",)
    about = ("mean over shots and over reason / why_generative of the share of the other shots' pictures "
             "the text is less like (MiniLM) than its own picture: 1 = each text is about its own picture, "
             "0.5 = pictures shuffled")

    def evaluate(self, case: Case) -> dict:
        shots = case.shots
        if len(shots) < 3:
            return {self.name: None}
        pictures = [case.depiction(s) for s in shots]
        reason = _own_rank([strip_quotes(s.reason, s.lyric) or "-" for s in shots], pictures)
        why = _own_rank([s.why_generative or "-" for s in shots], pictures)
        per_shot = (reason + why) / 2
        flags = {n: "its reason and why_generative fit other shots' pictures better than its own"
                 for n, v in enumerate(per_shot, 1) if v < 0.5}
        return {self.name: float(per_shot.mean()), "coherence_reason": float(reason.mean()),
                "coherence_why": float(why.mean()), "flags": flags}


class WhyGenerativeSubstance(Evaluator):
    name = "why_generative_substance"
    kinds = ("generic_why",)
    about = ("share of shots whose why_generative is nearer (MiniLM) its own picture than any line of the "
             "bank of generic 'cannot be filmed' lines (evals/data/generic_why.txt)")

    def evaluate(self, case: Case) -> dict:
        shots = case.shots
        if not shots:
            return {self.name: None}
        whys = embed([s.why_generative or "-" for s in shots])
        own = np.sum(whys * embed([case.depiction(s) for s in shots]), axis=1)
        generic = (whys @ embed(bank("generic_why.txt")).T).max(axis=1)
        flags = {n: "why_generative is a line true of any shot" for n, (o, g) in enumerate(zip(own, generic), 1)
                 if g >= o}
        return {self.name: 1.0 - len(flags) / len(shots), "why_generic_similarity": float(generic.mean()),
                "flags": flags}


class LyricInterpretation(Evaluator):
    name = "lyric_interpretation"
    kinds = ("literal_lyric",)
    about = ("1 − mean over sung shots of how much the picture restates its line: the larger of the share "
             "of the line's content words the picture repeats and the MiniLM cosine of picture and line")

    def evaluate(self, case: Case) -> dict:
        sung = [(n, s) for n, s in enumerate(case.shots, 1) if content_words(s.lyric or "")]
        if not sung:
            return {self.name: None}
        pictures = embed([case.depiction(s) for _, s in sung])
        lines = embed([s.lyric for _, s in sung])
        cos = np.sum(pictures * lines, axis=1)
        literal = []
        flags = {}
        for (n, s), c in zip(sung, cos):
            line = content_words(s.lyric)
            repeated = len(line & content_words(case.depiction(s))) / len(line)
            literal.append(max(repeated, float(c)))
            if literal[-1] >= 0.6:
                flags[n] = f"the picture restates its line ({literal[-1]:.2f})"
        return {self.name: 1.0 - float(np.mean(literal)), "flags": flags}
