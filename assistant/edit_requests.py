"""What an artist types after the plan, read as one typed operation of `shotlist.operations`.

    reading = read_request("swap shots 3 and 4", project)
    reading.op          # SwapShots(first='3', second='4')
    read_request("split 3 and 4", project).ask    # 'I read “split 3 and 4” as a split, which takes one shot…'

A request is read in three steps. (1) The operation kind: `assistant.request_lexicon` rewrites the verbs of
each operation (synonyms, inflections, one-letter slips, Spanish and French; Spanish and French targets first
through `spanish`, `french`) to one canonical verb, and the reader of each kind named is asked, in the order
named; history, questions and tempo first (`assistant.request_answers`). One target and one concrete picture
phrase, however framed, is the artist's words for it (`assistant.request_words.framed_picture`). A kind read
from the request's structure alone (one shot and one place, `assistant.request_places`) is never made
silently: `assistant.request_gate` lets a change through only when a word of the lexicon names its operation,
no other operation is named and its picture slot shows something; otherwise it asks, restating the operation
it would be (`Reading.unnamed`, which the classifier may confirm: `request_kinds.confirmed`). A verb named whose
own reader finds no shot takes the shots the request names in that clause (`assistant.request_fit.by_targets`). (2) The targets:
`assistant.request_targets` (through `assistant.targets` and `shotlist.shot_range`), checked against what the
kind's arguments take (`assistant.request_fit.misfit`: a swap two shots, a split or a move one, a merge a run of
neighbours) and a part against the song's sections. (3) The arguments: the artist's picture by `assistant.request_words`, kept
as typed; counts, versions and the tempo's direction by `assistant.request_slots`; a rule's kind by
`shotlist.plan_rules`, its scope the section named. Two operations in one request, targets that do not fit
the kind, or a slot said two ways that disagree ('double it, it's too fast') get a question (`ask`) quoting
the request with the closest operations, never a guess. Look, size, timing, replace and lock requests are marked `legacy` here and read into typed operations
by `assistant.revisions.read_revision`. The MiniLM classifier (`assistant.request_kinds`) reads each request
too: what neither reader maps it acts on only when sure, and a change it is sure is another kind can be asked
(switched off for now: see its module doc).
"""

from __future__ import annotations

import re

from shotlist.errors import ShotcallerError
from shotlist.models import Project
from shotlist.operations.rules import SetRule
from shotlist.operations.shots import (DeleteShots, InsertShot, MergeShots, MoveShot, SplitShot, SwapShots,
                                       WriteSection, WriteShots)
from shotlist.plan_rules import parse_rule
from shotlist.shot_range import compact

from . import french, spanish
from .request_answers import going_back, history, question, tempo
from .request_fit import by_targets, misfit
from .request_gate import gated
from .request_lexicon import LEXICON, OBJECT, SWAPPED_OUT, canonical, kinds_named, phrases_named, verbs_said
from .request_places import moved, swapped
from .request_reading import Reading
from .request_targets import REF, REFS, one_shot, section_edges, section_pattern, shots_of, song_part
from .request_words import as_typed, framed_picture, is_picture, judged, looks_only, picture, picture_words
from .targets import NUMBER_WORDS, intents, normalise, resolve

__all__ = ["Reading", "read_request"]

MAX_REQUEST = 2000  # characters: more is a paste, not a request
FROM_MATERIAL = re.compile(r"(?:something|anything|another|a different|one of|a motif|an? (?:other|new) (?:image|idea|one))\b")
LEADS = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|hmm+|um+|uh+|well|hey|right|yeah|honestly|actually|also|and|please|pls|"
                   r"would you mind(?: \w+ly)?|could you|can you|can we|would you|i'?d like (?:you )?to|i want (?:you )?to|"
                   r"do let'?s|let'?s|now|(?:i )?wonder (?:whether|if)|i was wondering (?:whether|if)|would it be possible to|"
                   r"i(?:'d| would) be (?:so |very )?grateful if you (?:could|would))\b[\s,]*)+")
# politeness said inside a request, before a colon or a clause's end: 'shot twelve, if you would be so kind: …'
POLITE = re.compile(r",?\s*\b(?:if you (?:would|could|don'?t mind|please)(?: be so kind)?|if (?:that is|it is|it'?s) (?:at all )?"
                    r"possible|if you follow me|do you (?:think|suppose)|i should say|i think|please|pls|thank you|thanks)\b"
                    r"\s*(?=[:,;.!?]|$)")


def read_request(text: str, project: Project, selected: int | None = None) -> Reading:
    """The operation `text` asks for, a question when it is unclear, or an empty Reading when it names none."""
    if len(text) > MAX_REQUEST:
        return Reading(ask=f"That's {len(text):,} characters: too long to read as one change. Nothing changed; "
                           "say the change in a sentence or two (\"shot 7: …\", \"swap 3 and 4\").")
    if not re.search(r"[^\W\d_]", text):
        return Reading(ask="I can't read a change in that (no words). Nothing changed; try \"swap 3 and 4\", "
                           "\"delete shot 10\" or \"shot 7: a kettle boiling over\".")
    english = french.as_english(spanish.as_english(text))
    typed = normalise(english)
    reading = _read(canonical(typed), project, selected, said=english)
    words = getattr(reading.op, "words", None)
    if isinstance(words, str):
        reading.op = reading.op.model_copy(update={"words": as_typed(words, typed)})
    return reading


def _read(text: str, project: Project, selected: int | None, said: str) -> Reading:
    low = normalise(LEADS.sub("", POLITE.sub("", text))).strip()
    low = re.sub(rf"\b({'|'.join(LEXICON)})\s+({'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\b",
                 lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2)]}", low)  # 'swap eight with 19'
    low = re.sub(r"^(\w{3,}?)ing\b", lambda m: canonical(m.group(1) + "e") if canonical(m.group(1) + "e") in LEXICON
                 else m.group(0), low)  # 'would you mind replacing …' (its lead taken off): 'replace …'
    low = section_edges(re.sub(r"\s+", " ", low), project)
    if selected is not None:  # 'glue this to the next shot', 'trade this with …': the selected card
        low = re.sub(r"\bthis\b(?=\s+(?:with|to|onto|and|into|&|for)\b|[\s.!?]*$)", "this shot", low)
    back = going_back(low)
    if back:
        return back
    verbs = verbs_said(low)
    if len(verbs) > 1:  # two operations in one request: never half of it
        quoted = " ".join(said.split())[:80]
        return Reading(ask=f"I read two changes in \u201c{quoted}\u201d ({' and '.join(verbs)}): say one at a time, "
                           f"the {verbs[0]} first. Nothing changed.")
    doubted: Reading | None = None  # the first reading the gate asks about: said if no other reader maps it
    for reader in _readers(low):
        try:
            found = reader(low, project, selected)
        except ShotcallerError as e:  # a target that does not exist, an invalid argument: said, nothing changed
            said = re.sub(r"[.\s]*(?:Nothing changed)?[.\s]*$", "", str(e))
            return doubted or Reading(ask=f"{said[:1].upper()}{said[1:]}. Nothing changed.")
        if found is None:
            continue
        passed = gated(found, low, said, len(project.shots))
        if passed is found:
            return found
        doubted = doubted or passed
    if doubted:
        return doubted
    if intents(normalise(said)):  # as typed: 'get rid of the moon in shot 4' is a replace, for assistant.revisions
        named = [v for v in (*verbs_said(low), *phrases_named(low))  # 'swap shot 4, it's corny': a replace
                 if v not in ("undo", "redo", "swap", "replace", "insert")]
        if named:  # a look change where an operation of the table is named: which is never guessed
            return Reading(ask=f"I read \u201c{' '.join(said.split())[:80]}\u201d with a {named[0]}, but could not "
                               f"read it as one. Nothing changed; say the {named[0]} with the shots it takes "
                               f"(\u201c{_EXAMPLE[named[0]]}\u201d), or the look change alone.")
        return Reading(legacy=True)
    return Reading()


_EXAMPLE = {"swap": "swap 3 and 4", "delete": "delete shot 10", "move": "move shot 4 after shot 6",
            "merge": "merge 25 to 27", "split": "split shot 4", "insert": "add a shot of the empty chair before shot 12"}


def _readers(low: str) -> list:
    """Who reads `low`, in order: history, questions and tempo (no verb of the table); then the reader of each
    operation the lexicon finds named, in the order named; then the others (a picture, a section, a rule)."""
    by_verb = {"undo": history, "redo": history, "swap": _swap, "move": _move, "merge": _merge, "split": _split,
               "delete": _delete, "insert": _insert, "replace": _write_shots}
    named = [by_verb[k] for k in kinds_named(low)]
    return list(dict.fromkeys([history, _locked, question, tempo, *named, _write_shots, _write_section, _rule,
                               _placed, _insert, _framed, by_targets]))


# ------------------------------------------------------------------ readers (each: a Reading or None)


def _locked(low: str, project: Project, selected: int | None) -> Reading | None:
    """'delete the locked shots', 'move all the unlocked ones to the end': an operation on shots named by their
    lock is asked, naming them: a lock keeps a shot as it is, and a request that would undo that is said twice."""
    m = re.search(r"\b(?:all\s+|every\s+|each\s+|any\s+)?(?:of\s+)?(?:the\s+)?(un)?locked\s+(?:shots?|ones?|cards?)\b"
                  r"|\bshots?\s+(?:that\s+are\s+|i\s+)(un)?locked\b", low)
    verbs = verbs_said(low)
    if not m or not verbs:
        return None
    unlocked = bool(m.group(1) or m.group(2))
    shots = [k for k, s in enumerate(project.shots, 1) if s.locked != unlocked]
    which = f"shots {compact(shots)}" if shots else "none"
    return Reading(ask=f"I read \u201c{m.group(0)}\u201d with a {verbs[0]} ({'un' if unlocked else ''}locked: {which}). "
                       f"Nothing changed; name the shots (\u201c{verbs[0]} shot …\u201d), or unlock them first.")


def _swap(low: str, project: Project, selected: int | None) -> Reading | None:
    if op := swapped(low, project, selected):
        return Reading(op=op)
    verb = re.search(r"\b(?:swap|flip)\b(?:\s+places)?(?:\s+(?:the\s+)?(?:order|positions?|places)"
                     r"\s+of)?[:,]?\s*", low)
    if not verb or SWAPPED_OUT.search(low):
        return None  # "swap it out", "swap the images out": a replace, for assistant.revisions
    after = re.match(rf"\s*({REFS})(?:\s*(?:and|with|&|,|for)\s*({REF}))?", low[verb.end():])
    m = after or re.search(rf"({REFS})()\s+(?:(?:should|can|could|would)\s+)?$", low[:verb.start()])  # '5 and 6 swap'
    one = not m or not m.group(2) and len(shots_of(m.group(1), project, selected)) == 1
    if one and m and not after:
        return None  # '… and the last shot swap places': one shot before the verb, the others read by `_by_targets`
    if one and "replace" in intents(low[:verb.start()] + " " + low[verb.end():]):
        return None  # "that moon is so corny, swap shot 4": replace it, for assistant.revisions
    if not m:
        if resolve(low, project, selected).shots:
            return None  # 'the opening and closing shots … traded places': the shots read by `_by_targets`
        return Reading(ask="Swap which two shots? Say \"swap 3 and 4\". Nothing changed.") if "swap" in low else None
    named = shots_of(m.group(1), project, selected)
    named += [one_shot(m.group(2), project, selected, after=named[-1])] if m.group(2) else []
    said = verb.group(0) + m.group(0) if after else m.group(0) + verb.group(0)
    asked = misfit("swap", list(dict.fromkeys(named)), said)
    return asked or Reading(op=SwapShots(first=str(named[0]), second=str(named[1])))


_IT = r"(?:it|that|this)(?!\s+(?:one|shot|card))"
_MOVE = rf"(?:move|{'|'.join(map(re.escape, OBJECT['move']))})"  # the lexicon's verb and those that say it with a shot
_EDGE = r"(?:to|at)\s+the\s+(?:very\s+)?(?:end|back|start|beginning|front|top)"


def _move(low: str, project: Project, selected: int | None) -> Reading | None:
    if op := moved(low, project, selected):  # one shot, one place, nothing else said
        return Reading(op=op)
    place = rf"(?:(?:right|just|straight)\s+)?(before|after|first|last|{_EDGE})\s*({REF})?"
    m = (re.search(rf"\b{_MOVE}\s+({REFS}|{_IT})\s+(?:to\s+)?(?:so\s+(?:that\s+)?(?:it|that)(?:'s|\s+is|\s+comes|"
                   rf"\s+goes|\s+sits|\s+lands|\s+falls|\s+plays)?\s+|to\s+come\s+)?{place}", low)
         or re.search(rf"({REF})\s+(?:(?:should|can|could|would|must|needs? to|has to)\s+)?(?:go|come|be|move)\s+{place}",
                      low))
    if not m:
        if re.search(rf"\bmove\s+{REF}", low):
            return Reading(ask="Move it before or after which shot? Say \"move shot 4 before shot 3\". Nothing changed.")
        return None
    if re.fullmatch(_IT, m.group(1)):  # "shot 4 feels out of place, move it after shot 6": the one shot named before
        named = _named_before(low[:m.start()], project, selected)
        if not named:
            return Reading(ask="Move which shot? Say \"move shot 4 after shot 6\". Nothing changed.")
        shot = named[0]
    else:
        named = shots_of(m.group(1), project, selected)
        if misfit_ := misfit("move", named, m.group(0)):
            return misfit_
        shot = named[0]
    side, to = m.group(2), m.group(3)
    if side == "first" or re.search(r"start|beginning|front|top", side):
        return Reading(op=MoveShot(shot=str(shot), before="1"))
    if side == "last" or re.search(r"end|back", side):
        return Reading(op=MoveShot(shot=str(shot), after=str(len(project.shots))))
    part = not to and side in ("before", "after") and re.match(rf"\s*({section_pattern(project)})\b", low[m.end():])
    if part:  # 'so that it falls before the last chorus': the part's first shot, or after its last
        shots = resolve(part.group(1), project).shots
        to = str(shots[0] if side == "before" else shots[-1]) if shots else None
    if not to:
        return Reading(ask=f"Move shot {shot} {side} which shot? Nothing changed.")
    other = one_shot(to, project, selected)
    if other == shot:
        return Reading(ask=f"Shot {shot} cannot move {side} itself: name another shot. Nothing changed.")
    return Reading(op=MoveShot(shot=str(shot), before=str(other)) if side == "before" else
                   MoveShot(shot=str(shot), after=str(other)))


def _named_before(said: str, project: Project, selected: int | None) -> list[int]:
    """The one shot named before 'it' ('shot 4 has two things going on, chop it in two'); [] for none or several."""
    named = {n for x in re.findall(REFS, said) if not re.fullmatch(r"\d+", x.strip())
             for n in shots_of(x, project, selected)}
    return sorted(named) if len(named) == 1 else []


def _merge(low: str, project: Project, selected: int | None) -> Reading | None:
    part = rf"{section_pattern(project)}\s+(?:shots|ones)"  # 'all four bridge shots': a part's shots, as a run
    m = (re.search(rf"\b(?:merge|join)\s+(?:the\s+)?({REFS}|{part})(?:\s*(?:with|into|to|onto|and)\s*({REFS}))?", low)
         or re.search(rf"^(?:(?:can|could|should|would)\s+)?(?:the\s+)?({REFS})\s+(?:(?:should|could|can|must|would)\s+)?"
                      r"(?:be(?:come)?|make)\s+(?:just\s+)?"
                      r"(?:one|a single)\s+(?:(?:long|continuous|big)\s+)?(?:shot|take)\b()", low)
         or re.search(rf"\bmake\s+({REFS}|{section_pattern(project)})\s+(?:into\s+)?"
                      r"(?:just\s+)?one(?:\s+(?:long\s+)?shot)?\b()", low)
         or re.search(rf"\b\w+\s+({REFS})\s+together\b()", low))
    if not m:
        return Reading(ask="Merge which shots? Say \"merge 25 to 27\". Nothing changed.") if "merge" in low else None
    first = shots_of(m.group(1), project, selected)
    numbers = sorted(set(first + ([one_shot(m.group(2), project, selected, after=first[-1])] if m.group(2) and
                                  re.match(r"(?:the\s+)?(?:next|previous) (?:one|shot)|the (?:shot|one) ", m.group(2)) else
                                  shots_of(m.group(2), project, selected) if m.group(2) else [])))
    return misfit("merge", numbers, m.group(0)) or Reading(op=MergeShots(first=str(numbers[0]),
                                                                          last=str(numbers[-1])))


def _split(low: str, project: Project, selected: int | None) -> Reading | None:
    m = re.search(rf"\b(?:split|break)\s+({REFS}|{_IT})(?:\s+(?:up|in(?:to)?\s+(?:two|half|2)(?:\s+shots)?))?"
                  r"(?:\s+at\s+(\d+):(\d\d))?", low) or re.search(rf"\b(?:cut|chop)\s+({REF}|{_IT})\s+(?:up\b|in(?:to)?\s+(?:two|half|2)\b)()()", low)
    if not m:
        chop = re.search(rf"\bchop\s+({REFS})", low)  # 'chop 12': cut out, or cut in two? asked
        return Reading(ask=f"Split {chop.group(1)} in two, or delete it? Say \u201csplit {chop.group(1)}\u201d or "
                           f"\u201cdelete {chop.group(1)}\u201d. Nothing changed.") if chop else None
    named = _named_before(low[:m.start()], project, selected) if re.fullmatch(_IT, m.group(1)) else \
        shots_of(m.group(1), project, selected)
    if not named:
        return Reading(ask="Split which shot? Say \"split shot 4\". Nothing changed.")
    if misfit_ := misfit("split", named, m.group(0)):
        return misfit_
    shot = named[0]
    at = int(m.group(2)) * 60 + int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(2) else None
    return Reading(op=SplitShot(shot=str(shot), at=at))


# the lexicon's verb, and the everyday verbs that say it with a shot as their object (prompts/guided/lexicon.yaml)
_DELETE = rf"(?:delete|{'|'.join(map(re.escape, OBJECT['delete']))})"
_NEGATED = r"\b(?:don'?t|do not|never|not|no need to|without|shouldn'?t)\s+(?:\w+\s+)?"
# after "delete shot 5": a clause that only gives the reason ("it adds nothing", "that should tighten it up")
_REASON = (r"^\s*(?:[,;.!?\-–—(]+\s*|\s)(?:and\s+|so\s+)?(?:it|it'?s|its|that|that'?s|this|they|they'?re|which|because|cause"
           r"|cuz|since|as|i think|i feel|too|now|already|honestly|really|we don'?t|i don'?t|doesn'?t|don'?t)\b")
# a clause that asks for another change: an imperative, or another shot named
_ANOTHER = (r"\b(?:make|swap|move|put|add|insert|merge|split|replace|change|lock|unlock|then|also)\b"
            rf"|{REF}")
# what continues the object when "cut shot 5" means a trim, not a delete: "cut shot 5 down", "by a bar"
_TRIM = r"^\s*(?:down|back|short|shorter|by|to\s+\d|to\s+(?:one|two|half)|a\s+(?:bit|little)|in half|in two|into)\b"
# what follows "pull shot 1 out" / "take 4 out" when the camera is meant, not a removal: "pull shot 1 out wider"
_FRAMING = r"^\s*(?:wider|further|farther|more|closer|tighter|to\s+(?:a\s+)?(?:wide|full|medium|long))\b"


def _delete(low: str, project: Project, selected: int | None) -> Reading | None:
    """'delete shot 10', 'get rid of 22', 'lose the last shot, it drags': a verb of removal whose object is a
    shot (not something in it: "get rid of the moon in shot 4" is a replace). Never a replace: what else
    follows the shot is a reason (deleted), a trim ("cut shot 5 down"), or asked about."""
    m = (re.search(rf"\b{_DELETE}\s+(?:the\s+)?({REFS}|{_IT})(?!\s*:)", low)
         or re.search(rf"\b(?:take|pull)\s+(?:the\s+)?({REFS}|{_IT})\s+out\b(?! of)", low))  # 'take 3 and 4 out'
    if m and re.search(_NEGATED + r"$", low[:m.start()]):
        return None  # "don't cut shot 5"
    if m:
        rest = re.sub(r"^\s*(?:completely|entirely|altogether|please|pls|for good|for me|as well|out(?: of (?:it|there|the"
                      r" \w+))?)\b", "", low[m.end():])
        if re.search(_TRIM, rest) or re.search(_FRAMING, rest):
            return None  # a timing or framing change, for assistant.revisions
        it = re.fullmatch(_IT, m.group(1))  # 'nah shot 20 is bad, bin it': the one shot named before
        shots = [str(n) for n in (_named_before(low[:m.start()], project, selected) if it else
                                  shots_of(m.group(1), project, selected))]
        if not shots:
            return Reading(ask="Delete which shot? Say \"delete shot 10\". Nothing changed.")
        said = f"delete shot{'s' if len(shots) > 1 else ''} {', '.join(shots)}"
        if not rest.strip(" .!?") or re.search(_REASON, rest) and not re.search(_ANOTHER, rest):
            return Reading(op=DeleteShots(shots=shots))
        if re.search(_REASON, rest) or re.match(r"^\s*(?:[,;]\s*|\s+)(?:and\s+)?(?:make|swap|move|add|merge|split|lock)\b",
                                                rest):
            return Reading(ask=f"I read \u201c{said}\u201d and another change after it: say one change at a time "
                               f"(\u201c{said}\u201d first). Nothing changed.")
        return Reading(ask=f"Do you mean {said}? Say \u201c{said}\u201d and I will. Nothing changed.")
    part = re.search(rf"\b{_DELETE}\s+({section_pattern(project)})\b", low)
    if part and not re.search(_NEGATED + r"$", low[:part.start()]):  # a whole part: its shots named, and asked
        shots = compact(resolve(part.group(1), project).shots)
        return Reading(ask=f"I read \u201c{part.group(0)}\u201d as deleting every shot of {part.group(1)} (shots "
                           f"{shots}). Nothing changed; say \u201cdelete shots {shots}\u201d if you mean that.")
    gone = re.search(rf"({REFS})\s*(?:'s|is|has)?\s+(?:gotta|got to|has to|have to|will have to|needs? to|must|should|"
                     r"can(?: all)?|could(?: all)?|ought to)\s+(?:go|come out|go out)\b"
                     r"(?!\s+(?:before|after|to|at|in|first|last|earlier|later|somewhere|back|forward|up|down|further|"
                     r"\w+\s+(?:shots?|places?|spots?|slots?)))", low)
    if gone and not re.search(_NEGATED + r"$", low[:gone.start()]):  # "this one's gotta go": out
        return Reading(op=DeleteShots(shots=[str(n) for n in shots_of(gone.group(1), project, selected)]))
    if re.fullmatch(rf"{_DELETE}(?: it| that| one| a shot| something)?[.!?]*", low):
        return Reading(ask="Delete which shot? Say \"delete shot 10\". Nothing changed.")
    return None


# what says a new shot: a verb of adding, or 'one more', 'another one', 'a quick one of'
_INSERT_CUE = (r"\b(?:add|insert|put in|new shot|tack(?:\s+on)?|(?:stick|throw|pop|slip|sneak|squeeze)\s+in"
               r"|(?:stick|put|throw|pop|slip|get)(?=\s+(?:in\s+)?(?:a|an|one)\s+(?:new\s+|more\s+)?shot\b)"
               r"|one more|another (?:one|shot)|a (?:quick|new|short|little|brief) (?:one|shot)(?: of)?"
               r"|an? (?:extra|additional) (?:one|shot|image|picture)(?: of)?"
               r"|get(?=\s+(?!rid\b)[\w\s']+?\s+in\s+(?:right\s+|just\s+)?(?:before|after|between|at)\b))\b")
_EDGE_OF_SONG = r"\b(?:at|to)\s+the\s+(?:very\s+)?(start|beginning|top|front|end|finish)(?:\s+of\s+(?:the\s+)?(?:song|video|thing))?\b(?!\s+of\b)"


def _insert(low: str, project: Project, selected: int | None) -> Reading | None:
    verb = re.search(_INSERT_CUE, low)
    between = re.search(rf"\bbetween\s+{REF}\s+(?:and|&)\s+{REF}", low)
    if not verb and between:  # "put the mailbox flag going up between 14 and 15": a picture between two shots
        verb = re.match(r"\s*(?:(?:put|place|stick|i want|we need)\b\s*)?", low)
    if not verb or re.search(r"\badd (?:more|some|a bit|a little)\b", low):
        return None
    section = section_pattern(project)
    where = (re.search(rf"\b(before|after)\s+(?:the\s+)?({section})\b", low)
             or re.search(rf"\bat the (start|beginning|end) of\s+({section})\b", low)
             or re.search(rf"\b(between)\s+({REF})\s+(?:and|&)\s+({REF})", low)
             or re.search(rf"\b(before|after)\s+({REFS})", low)
             or re.search(r"\b(at)\s+(\d+):(\d\d)\b", low)
             or re.search(_EDGE_OF_SONG, low))
    rest = low[verb.end():]  # the picture: what follows the verb, less the place
    if where and where.start() > verb.end():
        rest = low[verb.end():where.start()] + " " + low[where.end():]
    rest = re.sub(r"^\s*(?:(?:in|on|one more|another(?: one| shot)?|a (?:quick|new|short|little|brief) (?:one|shot)(?: of)?)"
                  r"\b[\s,]*)+|(?:\s+(?:in|on|right|just|somewhere|here|there))+\s*$", " ", re.sub(r"\s+", " ", rest))
    words = picture_words(re.sub(r"\s+", " ", rest))
    if not verb.group(0).strip(" ") or verb.group(0).strip() in ("put", "place", "stick", "i want", "we need"):
        if not is_picture(words):  # no verb of adding: only a picture between two shots is a new shot
            return None
    if not where:
        if words and words not in ("a shot", "shot", "one", "a new shot"):
            return Reading(ask=f"Where should the shot of {words} go? Say \"before shot 12\", \"after the bridge\" or "
                               "\"at 1:30\". Nothing changed.")
        return Reading(ask="What should the new shot show, and where? Say \"add a shot of the empty chair before the "
                           "last chorus\". Nothing changed.")
    if not words or words in ("a shot", "shot", "one"):
        return Reading(ask="What should the new shot show? Nothing changed.")
    side, target = where.group(1), where.group(2) if where.lastindex and where.lastindex >= 2 else ""
    if side in ("start", "beginning", "top", "front") and not target:
        return Reading(op=InsertShot(words=words, before="1"))
    if side in ("end", "finish") and not target:
        return Reading(op=InsertShot(words=words, after=str(len(project.shots))))
    if side == "between":
        a, b = sorted((one_shot(target, project, selected), one_shot(where.group(3), project, selected)))
        if b != a + 1:
            return Reading(ask=f"Shots {a} and {b} are not next to each other: say \"after shot {a}\" or \"before shot "
                               f"{b}\". Nothing changed.")
        return Reading(op=InsertShot(words=words, after=str(a)))
    if side == "at":
        return Reading(op=InsertShot(words=words, at=int(where.group(2)) * 60 + int(where.group(3))))
    if re.fullmatch(section, target):
        part = song_part(target, project)
        if side in ("start", "beginning"):
            side = "before"
        if side == "end":
            side = "after"
        return Reading(op=InsertShot(words=words, **{f"{side}_section": part}))
    return Reading(op=InsertShot(words=words, **{side: str(one_shot(target, project, selected))}))


def _write_shots(low: str, project: Project, selected: int | None) -> Reading | None:
    found = picture(low, REFS)
    if not found:
        return None
    said, words = found
    if not words or looks_only(words) or FROM_MATERIAL.match(words) or judged(words):
        return None  # a look change, "something else" (assistant.revisions writes it from the material), a judgement
    return Reading(op=WriteShots(shots=[str(n) for n in shots_of(said, project, selected)], words=words))


def _write_section(low: str, project: Project, selected: int | None) -> Reading | None:
    section = section_pattern(project)
    found = picture(low, section) or picture(re.sub(
        rf"^(?:every time|whenever|each time)\s+({section})\s+(?:comes? (?:back|in|round|around)|hits|kicks in)\s*,?\s*",
        r"in \1, ", low), section)
    if not found:
        return None
    said, words = found
    if not words or looks_only(words) or _is_rule(words):
        return None
    return Reading(op=WriteSection(section=song_part(said, project), words=words))


def _placed(low: str, project: Project, selected: int | None) -> Reading | None:
    """One shot and one place, nothing else said: a move (`assistant.request_places`)."""
    op = moved(low, project, selected)
    return Reading(op=op) if op else None


def _framed(low: str, project: Project, selected: int | None) -> Reading | None:
    """A shot or a section and a concrete picture phrase around its framing, no verb of the table said: the
    artist's words for it ("for shot 11 i'm picturing …", "put … for shot 13 instead", "the bridge should all be
    …"); see `assistant.request_words.framed_picture`."""
    if verbs_said(low) or FROM_MATERIAL.search(low):
        return None
    found = framed_picture(low, REFS)
    if found and re.fullmatch(r"[\d\s,&+\-–]+|[\d\s]+(?:and|to|thru|through)[\d\s]+", found[0]):
        return None  # a bare number is weak evidence of a shot ('… from version 4'): only 'shot 4' frames a picture
    if found:
        said, words = found
        return Reading(op=WriteShots(shots=[str(n) for n in shots_of(said, project, selected)], words=words))
    found = framed_picture(low, section_pattern(project))
    if found and not _is_rule(found[1]):
        return Reading(op=WriteSection(section=song_part(found[0], project), words=found[1]))
    return None


def _is_rule(text: str) -> bool:
    try:
        parse_rule(text)
        return True
    except ShotcallerError:
        return False


# a part of the song said by position, which the song's sections do not name
_VAGUE_PART = (r"\b(?:the\s+)?(?:(?:middle|start|beginning|end|opening|ending|first|second|back|front|later|early|last)"
               r"\s+)?(?:bit|part|section|stretch|chunk|portion)s?\b|\b(?:the\s+)?(?:first|second|back|front|last)\s+half\b")


def _rule(low: str, project: Project, selected: int | None) -> Reading | None:
    bare = re.sub(rf"\b\d{{1,2}}\s*[:x/]\s*\d{{1,2}}\b|\b\d{{2,3}}\s*(?:bpm|%)|\b(?:{section_pattern(project)})\b", " ",
                  low)  # an aspect, a tempo, a part ('verse 1'): no shot
    if re.search(r"\b(?:shots?\s*#?\d|#\d)|\bthis (?:shot|one)\b|(?<![\d.])\b\d{1,2}\b(?![\d.])", bare) or any(
            re.search(r"[a-z]", m.group(0)) for m in re.finditer(REF, low)):  # not a bare number: '9:16' is a rule
        return None  # a change to named shots, not a rule over the plan
    low = re.sub(r"\bslow (?:the |those |these |all the )?(?:cuts|cutting|edits|editing|pace) down\b", "slower cuts", low)
    if not _is_rule(low):
        return None
    m = re.search(rf"\b({section_pattern(project)})\b", low)  # the rule's scope: the part of the song named
    vague = re.search(_VAGUE_PART, low)
    if vague and not m:  # a scope said but not read ('the middle bit drags'): never the whole plan
        return Reading(ask=f"Which part is \u201c{vague.group(0)}\u201d? Nothing changed; name it (\u201c"
                           f"{parse_rule(low).kind} in the bridge\u201d, \u201c… in shots 12-18\u201d).")
    words = re.sub(r"[\s.!?]+$", "", low)
    return Reading(op=SetRule(rule=words[:200], part=song_part(m.group(1), project) if m else None))
