"""The readers of requests that name no shot operation: history (undo, redo, revert, go back before a change),
questions (the weakest shots, why a shot needs generation, what changed) and the tempo of the beat grid. Their
argument slots (how many times, which version, which way the tempo goes) are read by
`assistant.request_slots`; each reader gives a `Reading` or None (see `assistant.edit_requests`).

    history("undo three times", project, None).op          # Undo(steps=3)
    history("revert to version 2", project, None).op       # Revert(version=2)
    tempo("halve the bpm, it's counting double time", project, None).op   # SetTempo(change='halve')
"""

from __future__ import annotations

import re

from shotlist.models import Project
from shotlist.operations.history import GoBackBefore, Redo, Revert, Undo
from shotlist.operations.questions import ChangesSince, WeakestShots, WhyGenerative
from shotlist.operations.tempo import SetTempo

from .request_reading import Reading
from .request_slots import tempo_fix, times_named, undo_regretted
from .request_targets import REF, one_shot
from .targets import NUMBER_WORDS

_CHANGE = r"(swap|delete|move|insert|add\w*|merge|split|rule|lock|re-?plan)(?:s|ed)?\b"  # as the lexicon wrote them
_COUNT = r"(\d+|two|three|four|five|six)"


def going_back(low: str) -> Reading | None:
    """'go back to before the swap', 'undo the merge': back to before the last change of that kind."""
    m = (re.search(rf"\b(?:go back|back|undo|restore|return)\b(?: (?:to )?(?:how|the way|what|as) (?:it|things|they|we) "
                   r"(?:was|were|looked|had it))?"
                   rf" (?:to )?(?:just |right )?before (?:the |i |we |you )?(?:\w+ )?{_CHANGE}", low)
         or re.search(rf"\bundo (?:the|that|this|my|your) (?:last )?{_CHANGE}(?!\s*(?:and|then|,|\d|shot))", low))
    if not m:
        return None
    later = re.match(rf"\s+(?:(?:that|the|a|an|this|my|new)\s+)?{_CHANGE}", low[m.end():])
    if later and m.group(1).startswith("add"):  # 'before i added that rule': the rule is the change
        m = later
    word = {"add": "insert", "added": "insert", "adding": "insert"}.get(m.group(1), m.group(1).replace("-", ""))
    return Reading(op=GoBackBefore(change=word))


def history(low: str, project: Project, selected: int | None) -> Reading | None:
    v = re.search(r"\b(?:undo|go(?:ing)? back|back|roll\s*back|restore|return|reset)\b(?:\s+\w+){0,3}?\s+(?:to\s+)?"
                  r"(?:version|v)\s*#?(\d+)\b", low)
    if v:  # 'revert to version 3', 'go back to v2': that version again, saved as a new one
        n = int(v.group(1))
        if not 1 <= n <= project.version:
            return Reading(ask=f"The plan is at version {project.version}: go back to which one (1-{project.version})? "
                               "Nothing changed.")
        return Reading(op=Revert(version=n))
    if undo_regretted(low):  # "didn't mean to undo that, put it back": bring it back
        return Reading(op=Redo(steps=times_named(low)))
    redo = re.search(r"\b(?:redo|re-do)\b(.*)$", low)
    last = redo and re.match(rf"\s*(?:the\s+)?last\s+{_COUNT}(?:\s+shots)?\b(.*)$", redo.group(1))
    if last and not _object_named(last.group(2)):  # 'redo the last 2' (normalised 'the last 2 shots'): two changes
        n = last.group(1)
        return Reading(op=Redo(steps=int(n) if n.isdigit() else NUMBER_WORDS[n]))
    if redo and not _object_named(redo.group(1)):
        return Reading(op=Redo(steps=times_named(low)))
    if redo and re.match(rf"\s*(?:the\s+)?{REF}", redo.group(1)):
        return None  # "redo shot 8, it's lame": rewrite it, a replace for assistant.revisions
    if redo:  # 'redo the bridge': bring back an undone change, or rewrite the bridge? asked
        what = redo.group(1).strip(" .!?")
        return Reading(ask=f"Redo brings back a change you undid; to rewrite {what} say \u201c{what}: …\u201d with the "
                           f"picture, or \u201creplace {what} with something else\u201d. Nothing changed.")
    if re.search(r"\bundo\b|^(?:\w+[,!]?\s+){0,3}(?:put|change|set) (?:it|that|them) back\b"
                 r"|\b(?:go|step|jump|roll|move)\s+back\s+(?:\d+|a|an|one|two|three|four|five|six|a couple of)\s+"
                 r"(?:steps?|changes?|edits?|versions?|times?)\b", low):  # 'go back 4 steps'
        return Reading(op=Undo(steps=times_named(low)))
    return None


# what may follow 'redo' when it brings back an undone change, not a shot rewritten: 'that one', 'twice', 'pls'
_NO_OBJECT = (r"\b(?:that|it|this|one|the|last|change|changes|undo|what|you|i|we|just|undid|please|pls|plz|again|for me"
              r"|then|now|thanks|ok|\d+|two|three|four|five|times|x|twice|thrice|steps?|edits?)\b|x\d+|[\s,.!?]")


def _object_named(rest: str) -> bool:
    """Whether what follows 'redo' names something to rewrite ('redo shot 8', 'redo the bridge')."""
    return bool(re.sub(_NO_OBJECT, "", rest).strip())


def question(low: str, project: Project, selected: int | None) -> Reading | None:
    low = re.sub(r"\bleast (?:good|strong|convincing|interesting)\b|\bweakest link\b", "weakest", low)
    if re.search(r"\b(?:weakest|worst)\b", low):
        k = (re.search(r"\b(\d+|two|three|four|five)(?: \w+){0,3}? (?:weakest|worst)\b", low)
             or re.search(r"\b(?:weakest|worst) (\d+|two|three|four|five)\b", low))
        count = (int(k.group(1)) if k.group(1).isdigit() else NUMBER_WORDS[k.group(1)]) if k else 1
        return Reading(op=WeakestShots(count=min(count, 10)))
    if re.search(r"\bwhy\b|\bhow come\b", low) and re.search(r"\b(?:generat\w*|ai|film(?:ed)?|camera|shoot)\b", low):
        m = re.search(REF, low)
        if not m:
            return Reading(ask="Which shot? Say \"why does shot 12 need generation?\". Nothing changed.")
        return Reading(op=WhyGenerative(shot=str(one_shot(m.group(0), project, selected))))
    if re.search(r"\b(?:what|anything|something)(?:'?s|\s+has|\s+is|\s+did)?\s+(?:\w+\s+)?(?:changed?|different|new)\b"
                 r"|^(?:the\s+)?diff\b|\bchanged since\b"
                 r"|\b(?:diff|difference|compare(?:d)?)\s+(?:\w+\s+){0,2}?(?:vs\.?|versus|with|to|from|since|against)\s+"
                 r"(?:the\s+)?(?:version|last render)", low):
        v = re.search(r"\b(?:version|v)\s*(\d+)\b", low)
        return Reading(op=ChangesSince(version=int(v.group(1)) if v else None))
    return None


_TEMPO_WORDS = r"\b(?:tempo|bpm|beats? per minute|the beats?|the grid|grids?|beat grids?|speed|time signature)\b"


def tempo(low: str, project: Project, selected: int | None) -> Reading | None:
    """The beat grid as the artist counts it: "the tempo is 95", "double it", "the cuts are on the off-beat"."""
    if re.search(r"\b(?:shots?\s*#?\d|#\d)", low):
        return None  # "make shot 5 twice as long": a change to a shot, not to the grid
    if re.search(r"\boff-?\s?beats?\b", low) or re.search(r"\b(?:shift|move|nudge)\w*\b.*\bhalf(?: a)? beat\b", low):
        return Reading(op=SetTempo(change="shift_half"))
    bpm = (re.search(r"\b(\d{2,4}(?:\.\d+)?)\s*(?:bpm|beats per minute)\b", low)
           or re.search(r"\b(?:tempo|song|track)\b[^\d]{0,24}?\b(\d{2,4}(?:\.\d+)?)\b(?!\s*(?:s|sec|seconds|%))", low))
    if bpm:
        try:
            return Reading(op=SetTempo(bpm=float(bpm.group(1))))
        except ValueError:
            return Reading(ask=f"A tempo of {bpm.group(1)} BPM is outside 30-300: say the beats per minute you count "
                               "(e.g. \"the tempo is 95\"). Nothing changed.")
    if not re.search(_TEMPO_WORDS, low):
        return None
    fix = tempo_fix(low)
    if fix == "unclear":
        return Reading(ask="Should the tempo be doubled or halved? I read both in that. Nothing changed; say "
                           "\"double the tempo\" or \"halve the tempo\".")
    return Reading(op=SetTempo(change=fix)) if fix else None
