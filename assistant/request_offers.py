"""What guided mode says when it cannot map a request, or doubts its reading: the request quoted, and the
operations closest to it, said for the shots it names (from `prompts/guided/operations.yaml`).

    not_understood("shot 5 has to go somewhere else", project)
    # 'I didn't understand “shot 5 has to go somewhere else”, so nothing changed. Closest things I can do for
    #  shot 5: move shot 5 before shot 4; …'
    offers(["swap_shots", "delete_shots"], "swap 6 and 7", project)   # 'swap 6 and 7; delete shots 6, 7'
"""

from __future__ import annotations

from shotlist.models import Project

from . import french, spanish
from .targets import resolve


def not_understood(text: str, project: Project, selected: int | None = None) -> str:
    """One reply for a request that maps to no operation: the words quoted, and the operations closest to
    them (MiniLM over the phrasings in prompts/guided/operations.yaml) said for the shots it names."""
    from .critic import embed
    from .prompts import load_yaml

    options = load_yaml("guided/operations.yaml")
    names = [name for name in options if options[name].get("like")]
    phrasings = [(name, p) for name in names for p in options[name]["like"]]
    scores = embed([text]) @ embed([p for _, p in phrasings]).T
    best: dict[str, float] = {}
    for (name, _), score in zip(phrasings, scores[0]):
        best[name] = max(best.get(name, -1.0), float(score))
    ranked = sorted(names, key=lambda k: -best[k])[:3]
    where = _named(text, project, selected)[1]
    quoted = " ".join(text.split())
    quoted = quoted if len(quoted) <= 80 else quoted[:77] + "…"
    return (f"I didn't understand \u201c{quoted}\u201d, so nothing changed. Closest things I can do"
            f"{' for ' + where if where else ''}: {offers(ranked, text, project, selected)}.")


def _named(text: str, project: Project, selected: int | None) -> tuple[int, str]:
    """The first shot `text` names (or the selected one, or a middle one) and how it is named ('' for none)."""
    target = resolve(french.as_english(spanish.as_english(text)), project, selected)
    named = bool(target.shots) and not target.problem
    return (target.shots[0] if named else (selected or max(1, len(project.shots) // 2)),
            target.described if named else "")


def offers(kinds: list[str], text: str, project: Project, selected: int | None = None) -> str:
    """How to say each operation of `kinds` for the shots `text` names ('delete shot 5; split shot 5 in two'),
    from prompts/guided/operations.yaml; a kind it does not list by its name."""
    from .prompts import load_yaml

    options = load_yaml("guided/operations.yaml")
    n, where = _named(text, project, selected)
    total = len(project.shots)
    fill = {"t": where or f"shot {n}", "n": n, "next": min(n + 1, total), "prev": max(n - 1, 1)}
    said = [options[k]["say"].format(**fill) if k in options else k.replace("_", " ") for k in dict.fromkeys(kinds)]
    return "; ".join(said)
