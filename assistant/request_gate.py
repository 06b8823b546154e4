"""When a read request changes the plan silently: only when its operation is named and every slot it needs is read.

    gated(Reading(op=MoveShot(shot="2", before="19")), "shot 2 would hit harder before the bridge")
    # Reading(ask='I read “shot 2 would hit harder before the bridge” as “move shot 2 before shot 19”, but no word
    #   in it names a move. Nothing changed; say “move shot 2 before shot 19” and I will.', unnamed=MoveShot(...))

The principle (issue #22): a wrong silent change costs the artist their work, a question costs them a sentence.
A reading of a shot operation is acted on only when

- its operation is *named*: a word or phrase of prompts/guided/lexicon.yaml for it is said (`kinds_named`), and
  no word naming another shot operation is (`verbs_said`: 'stitch 1 and 2 together' is never a swap); a kind
  inferred from the request's structure alone (two numbers, one shot and a place, 'before X') is not named, and
  is asked with the operation it would have been, which the classifier may confirm (`Reading.unnamed`);
- its picture slot, where it has one (the artist's words for a shot or a section, an insert's new shot), is a
  phrase that shows something (`assistant.request_words.shows_something`): 'add something before the bridge' and 'can 21
  and 22 become one shot' name no picture.

The artist's words for a shot need no verb: a target and a concrete picture, however framed, name the change
(`assistant.request_words.framed_picture`). History, questions, tempo and rules are read by readers of their own
words (`assistant.request_answers`, `shotlist.plan_rules`) and pass as read.
"""

from __future__ import annotations

import re

from shotlist.operations import Operation

from .request_lexicon import kinds_named, verbs_said
from .request_reading import Reading
from .request_words import shows_something

# the lexicon's verb for each shot operation; the artist's words for a shot or a section: 'replace'
VERB = {"swap_shots": "swap", "delete_shots": "delete", "move_shot": "move", "merge_shots": "merge",
        "split_shot": "split", "insert_shot": "insert", "write_shots": "replace", "write_section": "replace"}
PICTURED = ("write_shots", "write_section", "insert_shot")


def gated(reading: Reading, low: str, said: str, total: int = 0) -> Reading:
    """`reading` when its change may be made silently (see the module doc); otherwise a question quoting `said`
    that restates the operation read, kept as `unnamed` when only its naming is missing."""
    op = reading.op
    if op is None or op.name not in VERB:
        return reading
    verb = VERB[op.name]
    quoted = _quoted(said)
    others = [v for v in verbs_said(low) if v != verb]
    if others:  # another operation is named: never a guess between them
        return Reading(ask=f"I read \u201c{quoted}\u201d with a {others[0]}, but as a {_KIND[verb]} of "
                           f"{_targets(op)}. Nothing changed; say which: \u201c{restate(op)}\u201d, or the "
                           f"{others[0]} with the shots it takes.")
    then = re.search(r"\b(?:and then also|and then|and also|then also)\s+(\w+)", low)
    if then and [k for k in kinds_named(then.group(1)) if k not in ("replace", verb)]:  # '… and then also put …'
        return Reading(ask=f"I read two changes in \u201c{quoted}\u201d: say one at a time, \u201c{restate(op)}\u201d "
                           "first. Nothing changed.")
    look = _look_beside(low, getattr(op, "words", None) or "")
    if look:  # a look change asked in another clause ('… and make 5 warmer'): two changes, one at a time
        return Reading(ask=f"I read two changes in \u201c{quoted}\u201d: \u201c{restate(op)}\u201d and "
                           f"\u201c{look}\u201d. Nothing changed; say one at a time.")
    if op.name == "delete_shots" and len(op.shots) >= 2 and _every(op.shots, total):
        return Reading(ask=f"That would delete every shot ({len(op.shots)}). Nothing changed; name fewer shots, "
                           "or say \u201cre-plan\u201d for a new plan.")
    if op.name in PICTURED and not shows_something(op.words):
        what = "the new shot" if op.name == "insert_shot" else _targets(op)
        return Reading(ask=f"I read \u201c{quoted}\u201d as a new picture for {what}, but \u201c{op.words}\u201d "
                           "is no picture I can put there. Nothing changed; say what it shows (\u201c"
                           f"{restate(op, 'a kettle boiling over')}\u201d).")
    if verb != "replace" and verb not in kinds_named(low):
        return Reading(ask=f"I read \u201c{quoted}\u201d as \u201c{restate(op)}\u201d, but no word in it names "
                           f"a {_KIND[verb]}. Nothing changed; say \u201c{restate(op)}\u201d and I will.",
                       unnamed=op)
    return reading


_KIND = {"swap": "swap", "delete": "delete", "move": "move", "merge": "merge", "split": "split",
         "insert": "new shot", "replace": "new picture"}


# a clause that asks a look, size or timing change of its own: 'and make 5 warmer', 'also turn it darker'
_LOOK_CLAUSE = re.compile(r"(?:^|[,;]\s*|\b(?:and also|and then|and|also|then|plus)\s+)((?:please\s+|pls\s+|can you\s+|could you\s+)?"
                          r"(?:make|turn|give|set|have)\b(?:(?!\b(?:and|also|then|plus)\b)[^,;])*)")


def _look_beside(low: str, words: str) -> str:
    """The clause of `low` (less the picture `words`) that asks a look change as a second request; '' for none."""
    from .targets import intents

    rest = low.replace(words, " ") if words else low
    for m in _LOOK_CLAUSE.finditer(rest):
        clause = m.group(1).strip()
        if intents(clause) and not verbs_said(clause) and not kinds_named(clause.split(" ", 1)[-1]):
            return clause
    return ""


def _every(shots: list, total: int) -> bool:
    return {str(s) for s in shots} >= {str(n) for n in range(1, total + 1)}


def _quoted(said: str) -> str:
    quoted = " ".join(said.split())
    return quoted if len(quoted) <= 80 else quoted[:77] + "\u2026"


def _targets(op: Operation) -> str:
    data = op.model_dump()
    if "section" in data:
        return f"the {data['section']}"
    shots = data.get("shots") or [data[k] for k in ("shot", "first", "second", "last") if data.get(k)]
    return f"shot {shots[0]}" if len(shots) == 1 else "shots " + ", ".join(map(str, shots))


def restate(op: Operation, words: str | None = None) -> str:
    """The operation said as the plainest request that names it, which the reader maps back to it."""
    d = op.model_dump()
    where = next((f"{k.split('_')[0]} {'the ' if k.endswith('section') else 'shot '}{d[k]}"
                  for k in ("before", "after", "before_section", "after_section") if d.get(k)), "")
    if d.get("at") is not None and op.name == "insert_shot":
        where = f"at {int(d['at']) // 60}:{int(d['at']) % 60:02d}"
    words = words or d.get("words") or ""
    return {"swap_shots": lambda: f"swap shots {d.get('first')} and {d.get('second')}",
            "delete_shots": lambda: f"delete {_targets(op)}",
            "move_shot": lambda: f"move shot {d.get('shot')} {where}",
            "merge_shots": lambda: f"merge shots {d.get('first')} to {d.get('last')}",
            "split_shot": lambda: f"split shot {d.get('shot')}",
            "insert_shot": lambda: f"add a shot of {words} {where}",
            "write_shots": lambda: f"{_targets(op)}: {words}",
            "write_section": lambda: f"{_targets(op)}: {words}"}[op.name]()
