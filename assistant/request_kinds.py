"""A second reader of a request after the plan: MiniLM nearest-exemplar classification of the operation it asks
for, beside the rule reader (`assistant.edit_requests`, `assistant.revisions`).

    guess = guess_kind("honestly bin number 4 it does nothing for me")
    guess.kind, guess.margin                 # ('delete_shots', 0.09)
    classify("...", project)                 # Reading(op=DeleteShots(shots=['4'])) when sure, else None
    doubt("remove all the locked shots", "look", project)   # Reading(ask='I'm not sure what “…” asks for…')

The exemplars are the requests of `evals/requests/dev.yaml` with their labelled operation, written to
`prompts/guided/exemplars.yaml` by `python -m evals.requests_eval --write-exemplars` with two margins chosen
there on dev alone, each request guessed from the others (leave-one-out):

- `act`: where the rules read nothing, a kind is acted on when its nearest exemplar beats the nearest of any
  other kind by this margin, and only for kinds whose arguments are the shots the request names (delete, swap,
  merge, split, why) or none (undo, redo, weakest, changes since); below it guided mode asks (`not_understood`).
- `doubt`: where the rules read a change, a different kind guessed by this margin or more makes it a question
  that names both readings and offers both operations for the shots named: a wrong silent change is worse than
  a question. The margin is the smallest at which no right reading of dev would have been asked.
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
from .edit_requests import Reading, offers
from .prompts import load_yaml
from .request_lexicon import canonical
from .targets import normalise, resolve

SAFE = {"delete_shots", "swap_shots", "merge_shots", "split_shot", "why_generative", "undo", "redo", "weakest_shots",
        "changes_since"}
NO_ARGS = {"undo": Undo, "redo": Redo, "weakest_shots": WeakestShots, "changes_since": ChangesSince}


@dataclass(frozen=True)
class Guess:
    kind: str
    score: float  # the probability of `kind`
    margin: float  # how much more probable than the next kind
    runner_up: str = ""  # the next kind


@dataclass(frozen=True)
class Kinds:
    """Labelled exemplars and the margins chosen on them (see the module doc)."""

    texts: tuple[str, ...]
    kinds: tuple[str, ...]
    act: float = 1.0
    doubt: float = 1.0


@functools.lru_cache(maxsize=1)
def shipped() -> Kinds:
    data = load_yaml("guided/exemplars.yaml")
    return Kinds(tuple(e["text"] for e in data["exemplars"]), tuple(e["op"] for e in data["exemplars"]),
                 float(data["act"]), float(data["doubt"]))


def reads(text: str) -> str:
    """What the classifier embeds: the request in English, its verbs canonical and slips corrected, so that
    'smoosh', 'quita' and 'delte' land near the exemplars that say it plainly."""
    return canonical(normalise(french.as_english(spanish.as_english(text))))


@functools.lru_cache(maxsize=4)
def model(kinds: Kinds):
    """A logistic regression over the MiniLM embeddings of the exemplars (fitted in about a second, once)."""
    from sklearn.linear_model import LogisticRegression

    from .critic import embed

    return LogisticRegression(C=10.0, max_iter=2000).fit(embed([reads(t) for t in kinds.texts]), list(kinds.kinds))


def guess_kind(text: str, kinds: Kinds | None = None) -> Guess:
    """The operation kind `text` most likely asks for (by default from the shipped exemplars)."""
    from .critic import embed

    fitted = model(kinds or shipped())
    p = fitted.predict_proba(embed([reads(text)]))[0]
    first, second = np.argsort(-p)[:2]
    return Guess(str(fitted.classes_[first]), float(p[first]), float(p[first] - p[second]),
                 str(fitted.classes_[second]))


def classify(text: str, project: Project, selected: int | None = None, kinds: Kinds | None = None,
             guess: Guess | None = None) -> Reading | None:
    """The operation `text` asks for when the classifier is sure and its arguments are the shots it names;
    None otherwise (the caller asks). `guess`: one made already (the eval's, from the other exemplars)."""
    kinds = kinds or shipped()
    guess = guess or guess_kind(text, kinds)
    if guess.margin < kinds.act or guess.kind not in SAFE:
        return None
    if guess.kind in NO_ARGS:
        return Reading(op=NO_ARGS[guess.kind]())
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


def doubted(kind: str, guess: Guess, margin: float) -> bool:
    """Whether a rule reading of `kind` gives way to a question: the classifier names another kind by `margin`."""
    return guess.kind != kind and guess.margin >= margin


def doubt(text: str, kind: str, project: Project, selected: int | None = None,
          kinds: Kinds | None = None) -> Reading | None:
    """A question instead of the rules' reading of kind `kind` (an operation's name, or 'look' for the
    look/size/timing/lock path) when the classifier is sure of another kind; None when it agrees or is unsure."""
    kinds = kinds or shipped()
    guess = guess_kind(text, kinds)
    if not doubted(kind, guess, kinds.doubt):
        return None
    other = guess.kind if guess.kind != "ask" else guess.runner_up
    quoted = " ".join(text.split())
    quoted = quoted if len(quoted) <= 80 else quoted[:77] + "…"
    return Reading(ask=f"I'm not sure what \u201c{quoted}\u201d asks for, so nothing changed. Did you mean: "
                       f"{offers([kind, other], text, project, selected)}?")
