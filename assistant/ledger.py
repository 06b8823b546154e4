"""What the interview has filed so far, replayed from the conversation: each section's notes (what we see
there), what the artist took back for a section ("no ankles yet") and the state it keeps ("keep it dry"),
the topics answered, and the order things were filed in, so "scratch that" and "no, that's verse two" act
on the last filing. Guided mode records a correction, an aside, a move or a take-back as a `tool` message
(role "tool", topic "note", a JSON operation) after the artist's own words, which stay as typed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import interview
from .conversation import Message

NOTE = "note"  # the topic of a tool message that records a filing operation


@dataclass
class Filed:
    target: str  # 'section:chorus' or a brief topic ('story')
    text: str
    before: str = ""  # a brief field's value before this filing (what a take-back restores)
    replaced: str = ""  # the answer a correction of a brief field replaced (kept as taken back)


@dataclass
class Ledger:
    notes: dict[str, list[str]] = field(default_factory=dict)  # group key → pieces of what we see there
    takeback: dict[str, list[str]] = field(default_factory=dict)  # group key → words taken back
    keep: dict[str, str] = field(default_factory=dict)  # group key → a state to keep ('dry')
    answered: set[str] = field(default_factory=set)
    history: list[Filed] = field(default_factory=list)

    def section_notes(self) -> dict[str, str]:
        joined = {k: ". ".join(p.strip().rstrip(".") for p in v if p.strip()) for k, v in self.notes.items()}
        return {k: v for k, v in joined.items() if v}  # two things said of one part stay two sentences

    def last(self) -> Filed | None:
        return self.history[-1] if self.history else None

    def _set(self, target: str, text: str, before: str = "", replace: bool = True) -> None:
        if target.startswith("section:"):
            key = target.split(":", 1)[1]
            if text:
                self.notes[key] = [text] if replace else [*self.notes.get(key, []), text]
        self.answered.add(target)
        self.history.append(Filed(target, text, before))

    def _drop(self, filed: Filed) -> None:
        if filed.target.startswith("section:"):
            key = filed.target.split(":", 1)[1]
            kept = [p for p in self.notes.get(key, []) if p != filed.text]
            self.notes[key] = kept
            if not kept and not any(f.target == filed.target for f in self.history):
                self.answered.discard(filed.target)
        elif not any(f.target == filed.target for f in self.history):
            self.answered.discard(filed.target)

    def apply(self, op: dict) -> None:
        kind, target = op.get("op"), op.get("target", "")
        if kind in ("set", "add"):
            self._set(target, op.get("text", ""), op.get("before", ""), replace=kind == "set")
        elif kind == "fix":
            key = target.split(":", 1)[1] if target.startswith("section:") else ""
            if key:
                words = [w.lower() for w in op.get("takeback", [])]
                if words:
                    self.takeback[key] = [*self.takeback.get(key, []), *words]
                    self.notes[key] = [_without(p, words) for p in self.notes.get(key, [])]
                    self.notes[key] = [p for p in self.notes[key] if p]
                if op.get("keep"):
                    self.keep[key] = op["keep"]
            if op.get("text") or not key:
                self._set(target, op.get("text", ""), op.get("before", ""))
                if not key and op.get("replaced"):  # 'actually no - it's about the house being sold'
                    self.history[-1].replaced = op["replaced"]
                    self.takeback[target] = [*self.takeback.get(target, []), op["replaced"]]
            else:
                self.history.append(Filed(target, "", op.get("before", "")))
        elif kind == "swap":  # 'scratch the boots - its his jacket on the hook', in every part that named them
            from .remarks import swapped

            self.notes = {k: [x for x in (swapped(p, op["old"], op.get("new", "")) for p in v) if x]
                          for k, v in self.notes.items()}
        elif kind == "scratch" and self.history:
            scratched = self.history.pop()
            self._drop(scratched)
            if scratched.replaced:  # the correction taken back: what it replaced is back
                self._untake(scratched)
        elif kind == "move" and self.history:
            moved = self.history.pop()
            self._drop(moved)
            if moved.replaced:  # the correction moved elsewhere: what it replaced is back too
                self._untake(moved)
            self._set(target, moved.text, op.get("before", ""), replace=False)

    def _untake(self, filed: Filed) -> None:
        kept = list(self.takeback.get(filed.target, []))
        if filed.replaced in kept:
            kept.remove(filed.replaced)
        if kept:
            self.takeback[filed.target] = kept
        else:
            self.takeback.pop(filed.target, None)


def _without(text: str, words: list[str]) -> str:
    """A note without the sentences or clauses that name a word the artist took back."""
    parts = re.split(r"(?<=[.;!?])\s+|,\s+|\s+[-—–]\s+", text)
    kept = [p for p in parts if not any(re.search(rf"(?i)\b{re.escape(w)}", p) for w in words)]
    return ", ".join(p.strip(" .,;") for p in kept if p.strip(" .,;"))


def section_parts(text: str) -> list[tuple[str | None, str]]:
    """A section answer split into what we see there (None) and labelled or rule parts for the brief."""
    parts = interview.labelled_parts(text)
    if any(t for t, _ in parts):  # "images: …" typed here are this section's images
        return [(None if t == "motifs" else t, p) for t, p in parts]
    low = text.lower()
    if re.match(interview.PROHIBITION, low) or re.search(interview.FORMAT, low):
        split = interview.split_topics(text)
        return split if len(split) > 1 else [("constraints", text)]
    return [(None, text)]


def scene(text: str) -> str:
    """What we see in a section answer: its unlabelled, non-rule part, none when it is filler, 'you choose' or a
    pasted document; a 'you choose which rooms' inside it left out (the choice is ours, the words are no picture)."""
    if interview.is_paste(text):
        return ""
    said = " ".join(p for t, p in section_parts(text) if t is None).strip()
    clauses = re.split(r"(?<=[,;.])\s+|\s+[-—–]+\s+", said)
    if len(clauses) > 1:
        said = " ".join(c for c in clauses if not interview.is_delegation(c)).strip(" ,;-—–")
    return "" if not said or interview.is_filler(said) or interview.is_delegation(said) else interview.clip(said)


def replay(messages: list[Message]) -> Ledger:
    """The ledger after every message, in order."""
    ledger = Ledger()
    for m in messages:
        if m.role == "user" and m.topic:
            for t in m.topic.split(","):
                if t.startswith("section:"):
                    ledger._set(t, scene(m.content))
                else:
                    ledger.answered.add(t)
                    ledger.history.append(Filed(t, m.content))
        elif m.role == "tool" and m.topic == NOTE:
            try:
                ledger.apply(json.loads(m.content))
            except ValueError:
                continue
    return ledger


def note(op: dict) -> Message:
    return Message(role="tool", content=json.dumps(op), topic=NOTE)
