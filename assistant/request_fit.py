"""Whether the shots a request names fit what its operation takes, and a named operation read with the shots the
request names (`assistant.edit_requests`).

    misfit("split", [3, 4], "split 3 and 4")   # Reading(ask='I read “split 3 and 4” as a split, which takes one shot…')
    by_targets("can the last shot be split in half", project, None)   # Reading(op=SplitShot(shot='28'))
"""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.models import Project
from shotlist.operations.shots import DeleteShots, MergeShots, SplitShot, SwapShots
from shotlist.shot_range import compact

from .request_lexicon import SWAPPED_OUT, verbs_said
from .request_reading import Reading
from .request_targets import REF
from .targets import resolve


# the shots each operation's arguments take (SwapShots: first, second; SplitShot, MoveShot: shot; MergeShots: a
# run first..last): a request whose targets do not fit its kind is asked, quoting it, with the closest operations
def misfit(kind: str, numbers: list[int], said: str) -> Reading | None:
    n, run = len(numbers), bool(numbers) and numbers[-1] - numbers[0] == len(numbers) - 1 == len(set(numbers)) - 1
    if {"swap": n == 2, "split": n == 1, "move": n == 1, "merge": n >= 2 and run}[kind]:
        return None
    shots = f"shot {numbers[0]}" if n == 1 else f"shots {compact(numbers)}"
    a, b = numbers[0], numbers[-1]
    offers = {"swap": f"\u201cswap {a} and {a + 1}\u201d, or \u201cmove {b} before {a}\u201d" if n > 1 else
                      f"\u201cswap {a} and {a + 1}\u201d, or \u201cmove {a} after {a + 1}\u201d",
              "split": f"\u201csplit {a}\u201d, or \u201cmerge {a} to {b}\u201d",
              "move": f"\u201cmove {a} after …\u201d one shot at a time, or \u201cswap {a} and {b}\u201d",
              "merge": f"\u201cmerge {a} to {a + 1}\u201d, or \u201cmove {b} after {a}\u201d first"
                       if n > 1 else f"\u201cmerge {a} to {a + 1}\u201d, or \u201csplit {a}\u201d"}[kind]
    needs = {"swap": "two shots", "split": "one shot", "move": "one shot", "merge": "neighbouring shots"}[kind]
    return Reading(ask=f"I read \u201c{said.strip()}\u201d as a {kind}, which takes {needs}, and it names {shots}"
                       f"{' (not neighbours)' if kind == 'merge' and n > 1 else ''}. Nothing changed; closest: {offers}.")


def by_targets(low: str, project: Project, selected: int | None) -> Reading | None:
    """A swap, delete, merge or split its verb names ('can the first and last shots trade places', 'can the last
    shot be split in half') that its own reader did not read: its shots are the ones the request names, in one
    clause, checked against what the operation takes (`_misfit`)."""
    kinds = [k for k in verbs_said(low) if k in ("swap", "delete", "merge", "split")]
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    if kind == "swap" and SWAPPED_OUT.search(low):
        return None  # 'swap the images out': a replace, for assistant.revisions
    if re.search(rf"\b{kind}\s+(?:the|a|an|that|those|these|his|her|their|all the)\s+(?!{REF})[a-z]+(?:\s+[a-z]+)?\s+"
                 r"(?:in|on|from|of|out of)\s", low):
        return None  # 'get rid of the moon in shot 4': the verb's object is something in the shot, not the shot
    head = re.split(r"\s*[:=](?!\d)|[,;.!?]\s|\b(?:because|cause|cuz|since|but)\b", low, maxsplit=1)[0]
    if re.search(r"[,;.!?]\s|\b(?:because|cause|cuz|since|but)\b", low[len(head):]) and re.search(REF, low[len(head):]):
        return None  # another shot named in another clause ('…, it's basically shot 6 again'): not this one's
    target = resolve(head, project, selected)
    if target.problem:
        raise ShotcallerError(target.problem)
    numbers = list(dict.fromkeys(target.shots))
    if not numbers:
        return None
    if kind == "delete" and len(numbers) == len(project.shots):
        return Reading(ask=f"That would delete all {len(numbers)} shots. Nothing changed; name the shots to "
                           "delete, or say \u201cre-plan\u201d for a new plan.")
    if kind == "delete":
        return Reading(op=DeleteShots(shots=[str(n) for n in numbers]))
    if misfit_ := misfit(kind, sorted(numbers), target.described):
        return misfit_
    if kind == "swap":
        return Reading(op=SwapShots(first=str(numbers[0]), second=str(numbers[1])))
    if kind == "merge":
        return Reading(op=MergeShots(first=str(min(numbers)), last=str(max(numbers))))
    return Reading(op=SplitShot(shot=str(numbers[0])))
