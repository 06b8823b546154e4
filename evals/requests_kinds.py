"""The MiniLM kind classifier (`assistant.request_kinds`) fitted and cross-validated on the dev bank.

    python -m evals.requests_eval --write-exemplars   # prompts/guided/exemplars.yaml from dev
    python -m evals.requests_eval --folds             # leave one author's split out at a time

`dev.yaml` holds, in order, the splits of several authors, each after a `# split: NAME` line; each file of
`extra/` is one more author's split, named by the file (`extra/ex22a.yaml` is `ex22a`). Fitting on all
of dev and scoring dev is no evidence, so `folds_table` fits the exemplars and both margins on every split but
one and scores that one, for each split. The rules were written having read every split, so the rules' own
score on a split says nothing of new wording; for the splits that were once a fresh held-out split, the
report of its one measurement (`evals/reports/`) gives what the rules did at first sight, and the table also
scores those first-sight readings with the classifier (fitted on the other splits) added.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import yaml

from shotlist.errors import ShotcallerError

from .requests_eval import HERE, changes, check, judge, project, rule_reading

MARK = re.compile(r"^# split: (\S+)")
REPORTS = Path(__file__).parent / "reports"
FIRST_SIGHT = {"ops22d-first": "requests-ops22d.txt", "ops22d-second": "requests-ops22d-second.txt",
               "bank22e-third": "requests-bank22e-third.txt", "bank22f-fourth": "requests-bank22f-fourth.txt",
               "bank22g-fifth": "requests-bank22g-fifth.txt", "ex22a": "requests-ex22a-first.txt",
               "ex22b": "requests-ex22b-first.txt"}


def author_splits() -> dict[str, list[dict]]:
    """dev's requests by the author's split they came in, in order: dev.yaml's, then extra/*.yaml's by name."""
    cases = yaml.safe_load((HERE / "dev.yaml").read_text())
    names, name = [], "unnamed"
    for line in (HERE / "dev.yaml").read_text().splitlines():
        if m := MARK.match(line):
            name = m.group(1)
        elif line.startswith("- "):
            names.append(name)
    assert len(names) == len(cases), "one request a line in dev.yaml"
    out: dict[str, list[dict]] = {}
    for n, c in zip(names, cases):
        out.setdefault(n, []).append(c)
    for extra in sorted((HERE / "extra").glob("*.yaml")):
        out[extra.stem] = yaml.safe_load(extra.read_text())
    return out


def first_sight(split: str) -> dict[str, tuple[str, bool]] | None:
    """What the rules read at the split's one measurement, for the requests they missed: text → (the kind read:
    an operation, 'look' or 'ask'; whether it changed the plan). None when the split was never measured fresh."""
    if split not in FIRST_SIGHT:
        return None
    text = (REPORTS / FIRST_SIGHT[split]).read_text()
    section = re.split(r"requests \S+ \(rules only    \)", text, maxsplit=1)[1]
    section = re.split(r"\nrequests \S+ \(rules \+ MiniLM\)", section, maxsplit=1)[0]
    missed = {}
    for m in re.finditer(r"^  (CHANGED )?(['\"].*['\"]): want \S+, got (\S*)", section, re.M):
        missed[ast.literal_eval(m.group(2))] = (m.group(3) or "ask", bool(m.group(1)))
    return missed


def crossfit_guesses(cases: list[dict], folds: int = 10) -> list:
    """Each request's guess by a classifier fitted on the other nine tenths of `cases` (every tenth request
    left out in turn)."""
    from assistant.request_kinds import Kinds, guess_kind

    guesses: list = [None] * len(cases)
    for k in range(folds):
        rest = [c for i, c in enumerate(cases) if i % folds != k]
        kinds = Kinds(tuple(c["text"] for c in rest), tuple(c["op"] for c in rest))
        for i in range(k, len(cases), folds):
            guesses[i] = guess_kind(cases[i]["text"], kinds)
    return guesses


def fit(cases: list[dict], rules: dict[str, tuple] | None = None):
    """The exemplars of `cases` and the two margins chosen on them, each request guessed by a classifier fitted without it:
    `act` the smallest margin at which no act on a request the rules leave unread is a wrong change; `doubt` the
    smallest at which no right rule reading would be asked."""
    from assistant.request_kinds import Kinds, classify, doubted

    proj = project()
    texts, kinds = [c["text"] for c in cases], [c["op"] for c in cases]
    loose = Kinds(tuple(texts), tuple(kinds), act=-1.0)
    wrong_acts, right_doubts = [], []
    for case, guess in zip(cases, crossfit_guesses(cases)):
        try:
            reading = classify(case["text"], proj, case.get("selected"), loose, guess)
        except ShotcallerError:
            reading = None
        if reading is not None and reading.op is not None and judge(case, reading).wrong_change:
            wrong_acts.append(guess.margin)
        kind, right = (rules or {}).get(case["text"]) or rule_kind(case, proj)
        if kind and changes(kind) and right and doubted(kind, guess, -1.0, loose):
            right_doubts.append(guess.margin)
    act = round(max(wrong_acts) + 0.005, 3) if wrong_acts else 0.0
    doubt = round(max(right_doubts) + 0.005, 3) if right_doubts else 0.0
    return Kinds(tuple(texts), tuple(kinds), act, doubt)


def rule_kind(case: dict, proj) -> tuple[str | None, bool]:
    """(the kind the rules read now: an operation, 'look', or None for a question or nothing; whether right)."""
    try:
        reading, ops, _ = rule_reading(case, proj)
        outcome = check(case, proj)
    except ShotcallerError:
        return None, False
    return ("look" if ops else reading.op.name if reading.op is not None else None), outcome.right


def score_first_sight(cases: list[dict], missed: dict, kinds) -> tuple[int, int, int, int]:
    """(right, wrong changes) of the rules' first-sight readings of `cases`, alone and with the classifier
    `kinds`: a doubted change asked, a question or nothing read by the classifier when it is sure."""
    from assistant.edit_requests import Reading
    from assistant.request_kinds import classify, doubted, guess_kind

    proj = project()
    right0 = wrong0 = right1 = wrong1 = 0
    for case in cases:
        want = case["op"]
        kind, changed = missed.get(case["text"], (want, changes(want)))
        ok = case["text"] not in missed
        right0, wrong0 = right0 + ok, wrong0 + (changed and not ok)
        guess = guess_kind(case["text"], kinds)
        if changed and kind != "ask":
            if doubted(kind, guess, kinds.doubt, kinds):
                ok, changed = want == "ask", False
        elif not ok:
            try:
                reading = classify(case["text"], proj, case.get("selected"), kinds, guess) or Reading()
            except ShotcallerError:
                reading = Reading()
            outcome = judge(case, reading, proj)
            ok, changed = outcome.right, outcome.wrong_change
        right1, wrong1 = right1 + ok, wrong1 + (changed and not ok)
    return right0, wrong0, right1, wrong1


def folds_table() -> str:
    """Leave one author's split out at a time: fit on the others, score it (see the module doc), with the doubt
    off and on (the margin fitted on the other splits), so the doubt's catch and cost are read per fold."""
    from assistant.request_kinds import Kinds, guess_kind

    from .requests_eval import score

    splits = author_splits()
    proj = project()
    rules_now = {c["text"]: rule_kind(c, proj) for cs in splits.values() for c in cs}
    rows = ["split              n  | MiniLM top-1 | rules now + MiniLM, doubt off -> on: mapped, wrong | first sight: "
            "rules alone -> + MiniLM, doubt off -> on (mapped, wrong) | act, doubt"]
    for name, cases in splits.items():
        train = [c for other, cs in splits.items() if other != name for c in cs]
        doubting = fit(train, rules_now)
        quiet = Kinds(doubting.texts, doubting.kinds, doubting.act, np.inf)
        top = sum(guess_kind(c["text"], quiet).kind == c["op"] for c in cases) / len(cases)
        now = []
        for kinds in (quiet, doubting):
            accuracy, wrong, _ = score(cases, True, kinds)
            now.append(f"{accuracy:6.1%}, {wrong}")
        missed = first_sight(name)
        sight = ""
        if missed is not None:
            (r0, w0, r1, w1), (_, _, r2, w2) = (score_first_sight(cases, missed, k) for k in (quiet, doubting))
            sight = (f"{r0 / len(cases):6.1%}, {w0} -> {r1 / len(cases):6.1%}, {w1} -> {r2 / len(cases):6.1%}, {w2}")
        rows.append(f"{name:16} {len(cases):4d}  | {top:12.1%} | {now[0]:>12} -> {now[1]:<12}                   | "
                    f"{sight:56} | {doubting.act:.3f}, {doubting.doubt:.3f}")
    return "\n".join(rows)


def alone(split: str) -> str:
    """The classifier by itself, as if no rule had mapped any request of `split` (dev: each by a classifier fitted without it)."""
    from assistant.request_kinds import classify, guess_kind, shipped

    from .requests_eval import cases_of

    cases, proj, kinds = cases_of(split), project(), shipped()
    guesses = (crossfit_guesses(cases) if split == "dev" else [guess_kind(c["text"], kinds) for c in cases])
    acted = right = wrong = 0
    for case, guess in zip(cases, guesses):
        try:
            reading = classify(case["text"], proj, case.get("selected"), kinds, guess)
        except ShotcallerError:
            continue
        if reading is not None and reading.op is not None:
            o = judge(case, reading)
            acted, right, wrong = acted + 1, right + o.right, wrong + o.wrong_change
    top = sum(g.kind == c["op"] for g, c in zip(guesses, cases)) / len(cases)
    return (f"MiniLM alone on {split} (as if no rule mapped anything): nearest kind right {top:.0%}; "
            f"at margin {kinds.act:g} it acts on {acted} of {len(cases)}, {right} right, {wrong} wrong silent changes, "
            "and asks on the rest")


def write_exemplars() -> Path:
    """prompts/guided/exemplars.yaml from dev.yaml, with both margins chosen on dev."""
    cases = [c for cs in author_splits().values() for c in cs]
    kinds = fit(cases)
    out = Path(__file__).parent.parent / "prompts" / "guided" / "exemplars.yaml"
    head = ("# Written by `python -m evals.requests_eval --write-exemplars` from evals/requests/dev.yaml: do not edit.\n"
            "# act, doubt_fitted: margins chosen on dev, each request guessed by a classifier fitted without it;\n"
            "# doubt: null, the doubt switched off (why: assistant/request_kinds.py).\n")
    body = {"act": kinds.act, "doubt": None, "doubt_fitted": kinds.doubt,
            "exemplars": [{"text": c["text"], "op": c["op"]} for c in cases]}
    out.write_text(head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=200))
    return out
