"""Every evaluator, in two groups: quality (calibrated: each separates good work from its bad kind on
evals/calibration/ with ROC AUC ≥ 0.9, threshold fixed there) and sanity (what the tools guarantee:
coverage, cuts on the beat, lyric coverage, exports, asking before planning), reported apart."""

from __future__ import annotations

from .dialogue import AnswerFiling, Pushback, RevisionLocality
from .meaning import Coherence, LyricInterpretation, WhyGenerativeSubstance
from .quality import (Evaluator, Grounding, LyricRelevance, Originality, ReasonSpecificity, VisualVariety,
                      WhyGenerativeSpecificity)
from .rules import ConstraintCompliance, Pacing

QUALITY: tuple[Evaluator, ...] = (
    ReasonSpecificity(), WhyGenerativeSpecificity(), LyricRelevance(), Grounding(), Originality(),
    VisualVariety(), ConstraintCompliance(), Pacing(), AnswerFiling(), RevisionLocality(), Pushback(),
    Coherence(), WhyGenerativeSubstance(), LyricInterpretation(),
)

__all__ = ["QUALITY", "Evaluator"]
