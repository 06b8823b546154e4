"""The last reader of a request after the plan: MiniLM exemplar classification of the operation it asks for,
used only where the rule reader (`assistant.edit_requests`, `assistant.revisions`) maps nothing.

    guess = guess_kind("honestly bin number 4 it does nothing for me")
    guess.kind, guess.margin          # ('delete_shots', 0.09)
    classify("...", project)          # Reading(op=DeleteShots(shots=['4'])) when sure, else None

The exemplars are the requests of `evals/requests/dev.yaml` with their labelled operation, written to
`prompts/guided/exemplars.yaml` by `python -m evals.requests_eval --write-exemplars`, with the margin chosen
there on dev alone (leave-one-out). A kind is acted on only when its nearest exemplar beats the nearest of
any other kind by the margin, and only for kinds whose arguments are the shots the request names (delete,
swap, merge, split, why) or none (undo, redo, weakest, changes since); below the margin, or for a kind that
needs words or a place, nothing is done and guided mode asks (`not_understood`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from shotlist.models import Project
from shotlist.operations.history import Redo, Undo
from shotlist.operations.questions import ChangesSince, WeakestShots, WhyGenerative
from shotlist.operations.shots import DeleteShots, MergeShots, SplitShot, SwapShots

from . import french, spanish
from .edit_requests import Reading
from .prompts import load_yaml
from .targets import resolve

SAFE = {"delete_shots", "swap_shots", "merge_shots", "split_shot", "why_generative", "undo", "redo", "weakest_shots",
        "changes_since"}


@dataclass(frozen=True)
class Guess:
    kind: str
    score: float  # cosine to the nearest exemplar of `kind`
    margin: float  # how much nearer than the nearest exemplar of any other kind


@functools.lru_cache(maxsize=1)
def exemplars() -> tuple[tuple[str, ...], tuple[str, ...], float]:
    data = load_yaml("guided/exemplars.yaml")
    return tuple(e["text"] for e in data["exemplars"]), tuple(e["op"] for e in data["exemplars"]), float(data["margin"])


def guess_kind(text: str, bank: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> Guess:
    """The operation kind whose exemplars `text` is nearest (`bank`: (texts, kinds), by default the shipped one)."""
    from .critic import embed

    texts, kinds = bank or exemplars()[:2]
    sims = (embed([text]) @ embed(list(texts)).T)[0]
    best: dict[str, float] = {}
    for kind, s in zip(kinds, sims):
        best[kind] = max(best.get(kind, -1.0), float(s))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    second = ranked[1][1] if len(ranked) > 1 else -1.0
    return Guess(ranked[0][0], ranked[0][1], ranked[0][1] - second)


def classify(text: str, project: Project, selected: int | None = None, margin: float | None = None,
             bank: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> Reading | None:
    """The operation `text` asks for when the classifier is sure and its arguments are the shots it names;
    None otherwise (the caller asks)."""
    guess = guess_kind(text, bank)
    if guess.margin < (exemplars()[2] if margin is None else margin) or guess.kind not in SAFE:
        return None
    if guess.kind in ("undo", "redo", "weakest_shots", "changes_since"):
        return Reading(op={"undo": Undo, "redo": Redo, "weakest_shots": WeakestShots,
                           "changes_since": ChangesSince}[guess.kind]())
    target = resolve(french.as_english(spanish.as_english(text)), project, selected)
    if target.problem:
        return Reading(ask=f"{target.problem.rstrip('.')}. Nothing changed.")
    shots = [str(n) for n in target.shots]
    if guess.kind == "delete_shots" and shots:
        return Reading(op=DeleteShots(shots=shots))
    if guess.kind == "swap_shots" and len(shots) == 2:
        return Reading(op=SwapShots(first=shots[0], second=shots[1]))
    if guess.kind == "merge_shots" and len(shots) >= 2 and np.all(np.diff(target.shots) == 1):
        return Reading(op=MergeShots(first=shots[0], last=shots[-1]))
    if guess.kind in ("split_shot", "why_generative") and len(shots) == 1:
        return Reading(op=SplitShot(shot=shots[0]) if guess.kind == "split_shot" else WhyGenerative(shot=shots[0]))
    return None
