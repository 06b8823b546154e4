"""Guided mode's turns for what an answer says about the interview itself (assistant.remarks): a correction
edits what it names (a section's answer, a brief field), an aside is filed where it belongs, "no, that's
verse two" moves the last answer, "scratch that" takes it back, an answer in another language is kept in
the chat and not filed. None of them ever becomes a shot's content; each reply says where things went."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shotlist.models import Constraints

from . import interview, ledger, planner, remarks, rules, walk
from .conversation import Reply
from .phrases import is_clause
from .replies import say

GLOBAL_FIELDS = ("meaning", "story", "why_generative")  # fields a correction replaces (lists and rules add)
SWAPPED_FIELDS = ("meaning", "story", "feeling", "palette", "why_generative", "logline")  # where a swap looks


READ = {"Spanish"}  # languages guided mode files answers in; others get a clear reply, unfiled


class RemarkTurns:
    """Mixed into GuidedDirector (which supplies tools, conversation, _say, _user, _file, _advance, filed)."""

    def _groups(self) -> list[walk.SectionGroup]:
        return walk.section_groups(self.tools.project().song)

    def _section_names(self) -> str:
        """'intro, first verse, chorus, …': the parts a correction may name."""
        return ", ".join(re.sub(r"^the ", "", remarks.where_line(f"section:{g.key}")) for g in self._groups())

    def where(self, target: str) -> str:
        """'Filed as the chorus. Say "no, that's the second verse" to move it.'"""
        return say("filed_where", where=remarks.where_line(target), other=self._other(target))

    def _other(self, target: str) -> str:
        """A plausible other home for an answer, to show how a move is said."""
        if target.startswith("section:"):
            keys = [g.key for g in walk.to_ask(self._groups())]
            key = target.split(":", 1)[1]
            i = keys.index(key) if key in keys else -1
            other = keys[i + 1] if 0 <= i < len(keys) - 1 else (keys[i - 1] if i > 0 else "")
            return remarks.where_line(f"section:{other}") if other else "the story"
        answered = self.filed().answered
        left = [t for t in interview.TOPICS if t != target and t not in answered]
        return interview.topic_name((left or [t for t in interview.TOPICS if t != target])[0])

    def _note(self, op: dict) -> None:
        self.conversation.append(ledger.note(op))

    def remark_turn(self, text: str, pending: str) -> Iterator[Reply] | None:
        """The turn for a message that corrects, adds an aside, moves or takes back; None for a plain answer."""
        lang = remarks.language_of(text)
        if lang and lang not in READ:  # Spanish answers are read and filed (assistant/spanish.py, spanish-answers)
            self._user(text, None)
            return iter([self._say(say("foreign", language=lang, question=self._question(pending)), topic=pending)])
        groups = self._groups()
        move = remarks.move_target(text, groups)
        if move and self.filed().last():
            return self._move(text, move)
        scratch = remarks.SCRATCH.match(text)
        if scratch:
            rest = text[scratch.end():].strip()
            if not rest:
                return self._scratch(text)
            text = f"actually {rest}"
        found = remarks.pieces(text)
        if all(p.kind == "answer" and not p.edited for p in found):
            return None
        return self._pieces(text, [remarks.read(p, groups) for p in found], pending)

    def _question(self, pending: str) -> str:
        if pending.startswith("section:"):
            group = next((g for g in self._groups() if f"section:{g.key}" == pending), None)
            return walk.question(group) if group else ""
        return self.questions.get(pending, "")

    def _move(self, text: str, move: tuple[str, remarks.Named | str]) -> Iterator[Reply]:
        kind, where = move
        last = self.filed().last()
        if kind == "section" and where.key is None:
            self._user(text, None)
            yield self._say(say("no_part", name=where.said, parts=self._section_names()), topic=self._pending())
            return
        target = f"section:{where.key}" if kind == "section" else where
        steps = []
        if not last.target.startswith("section:"):
            steps.append(self.tools.update_brief(**{last.target: self._restored(last)}))
        if not target.startswith("section:"):
            steps += self._file(interview.Filing(parts=[(target, last.text)]))
        self._user(text, None)
        self._note({"op": "move", "target": target})
        yield from self._advance(steps, prefix=say("moved", old=remarks.where_line(last.target),
                                                   new=remarks.where_line(target)))

    def _restored(self, last: ledger.Filed) -> str | list:
        """A brief field as it was before the last filing (empty when it was the first)."""
        earlier = [f for f in self.filed().history[:-1] if f.target == last.target]
        if last.target == "motifs":
            gone = {m.lower() for m in planner.split_list(last.text)}
            return [m for m in self.tools.project().brief.motifs if m.lower() not in gone]
        if last.target == "constraints":
            out = Constraints()
            for f in earlier:
                out = rules.parse_constraints(f.text, out)
            return out
        return interview.clip(earlier[-1].text) if earlier else ""

    def _scratch(self, text: str) -> Iterator[Reply]:
        last = self.filed().last()
        self._user(text, None)
        if not last:
            yield self._say(say("nothing_to_scratch"), topic=self._pending())
            return
        steps = [] if last.target.startswith("section:") else \
            [self.tools.update_brief(**{last.target: self._restored(last)})]
        self._note({"op": "scratch"})
        yield from self._advance(steps, prefix=say("scratched", where=remarks.where_line(last.target)))

    def _pieces(self, text: str, found: list[remarks.Piece], pending: str) -> Iterator[Reply]:
        lines: list[str] = []
        steps: list[str] = []
        ops: list[dict] = []
        answer = " ".join(p.text for p in found if p.kind == "answer").strip()
        asked = pending if pending in interview.TOPICS else None
        answered: list[dict] = []  # filed last, so "no, that's verse two" moves the answer, not an aside
        for p in [p for p in found if p.swap]:  # 'scratch the boots - its his jacket': swapped wherever it was filed
            answer, line = self._swap(p.swap, answer, ops, steps, said=p.text)
            if line:
                lines.append(line)
                found.remove(p)
        if answer and pending.startswith("section:"):
            scene = ledger.scene(answer)
            if scene:
                answered.append({"op": "set", "target": pending, "text": scene})
                lines.append(self.where(pending))
        elif answer and asked:
            filing = interview.file_message(answer, asked)
            if filing.parts:
                steps += self._file(filing)
                answered += [{"op": "set", "target": t, "text": x} for t, x in filing.parts if t in interview.TOPICS]
                lines.append(self.where(next(t for t in interview.TOPICS if t in filing.topics)))
        for p in found:
            if p.kind == "correction":
                sent: list[tuple[str, remarks.Named]] = []
                source = p.section
                if source and source.key:  # '…, the stairs go in the second verse'
                    p.text, sent = remarks.sent_elsewhere(p.text, source, self._groups())
                    remarks.read(p, self._groups())
                lines.append(self._correction(p, ops, steps))
                lines += [self._send(thing, source, to, ops) for thing, to in sent]
            elif p.kind == "aside":
                lines.append(self._aside(p, ops, steps))
        self._user(text, None)
        for op in [*ops, *answered]:
            self._note(op)
        yield from self._advance(steps, prefix="\n".join(x for x in lines if x))

    def _correction(self, p: remarks.Piece, ops: list[dict], steps: list[str]) -> str:
        """A correction edits what it names: a section (its answer, what it takes back, a state to keep), a
        brief field (replaced), else the last thing filed."""
        if p.section and p.section.key is None:
            return say("no_part", name=p.section.said, parts=self._section_names())
        labelled = [(t, x) for t, x in interview.labelled_parts(p.text) if t]
        field = None
        if p.section:
            target = f"section:{p.section.key}"
        elif labelled or remarks.named_field(p.text):
            target = labelled[0][0] if labelled else remarks.named_field(p.text)
        elif self._pending() in interview.TOPICS and not (field := self._corrected_field(p.text)):
            # "actually no — forget the flood: the street becomes a sea of paper …" answers the question asked
            filing = interview.file_message(p.text, self._pending())
            if filing.confirm:
                filing = interview.Filing(parts=[(self._pending(), p.text)])
            if not filing.parts:
                return ""
            steps += self._file(filing)
            main = next(t for t in interview.TOPICS if t in filing.topics)
            filed = [{"op": "set", "target": t, "text": x} for t, x in filing.parts if t in interview.TOPICS]
            ops += sorted(filed, key=lambda op: op["target"] == main)  # the line names the last filing
            return self.where(main)
        elif field:  # "wait, actually no - it's about the house being sold" at the story question
            target = field
        else:
            last = self.filed().last()
            target = last.target if last else self._pending() or "meaning"
            if interview.says_what_it_is_about(p.text):  # 'actually, it's about her leaving' is never a picture
                target = "meaning"
            elif re.search(interview.FORMAT, p.text.lower()):  # 'actually 4:5 not 16:9' is the format, never a picture
                target = "constraints"
            elif target in interview.TOPICS:  # the walk's first question: the brief field its words are about
                target = interview.classify(p.text, target)[0]
        if target.startswith("section:"):
            scene = remarks.scene_of(p) if p.section else ledger.scene(p.text)
            ops.append({"op": "fix", "target": target, "text": scene, "takeback": p.takeback, "keep": p.keep})
            said = [f"took back {', '.join(p.takeback)}" if p.takeback else "", f"kept it {p.keep}" if p.keep else "",
                    "changed what we see" if scene else ""]
            return say("corrected", where=remarks.where_line(target), what="; ".join(x for x in said if x) or "noted")
        body = labelled[0][1] if labelled else re.sub(
            rf"(?i)^.*?\b(?:the|my)\s+(?:{'|'.join(remarks.FIELD_NAMES)})\s+(?:is|should be|was|=|:)?\s*", "", p.text)
        old = ", ".join(sorted(rules.replaced_formats(body))) if target == "constraints" else \
            next((f.text for f in reversed(self.filed().history) if f.target == target and f.text), "")  # rules add up,
        # but a format the correction rules out ('actually 4:5 not 16:9') is replaced
        if target in GLOBAL_FIELDS or target in ("feeling", "palette"):
            steps.append(self.tools.update_brief(**{target: interview.clip(body)}, said=p.text))
        elif target == "motifs":
            steps.append(self.tools.update_brief(motifs=planner.split_list(interview.clip(body)), said=p.text))
        else:
            steps += self._file(interview.Filing(parts=[(target, body)]))
        ops.append({"op": "fix", "target": target, "text": body, "replaced": old})
        if not old:
            return say("corrected_new", where=remarks.where_line(target), other=self._other(target))
        return say("corrected_field", where=remarks.where_line(target), old=_quoted(old), other=self._other(target))

    def _swap(self, swap: tuple[str, str], answer: str, ops: list[dict], steps: list[str],
              said: str) -> tuple[str, str]:
        """A correction that swaps one thing for another ('scratch the boots - its his jacket on the hook') done
        wherever the thing was filed: this message's answer, the brief's fields and the parts' notes. The
        answer as swapped, and the line that says where ('' when nothing names the thing)."""
        old, new = swap
        now = remarks.swapped(answer, old, new) if answer else answer
        if now == answer and is_clause(new):  # 'forget the flood: the street becomes a sea of paper': an answer
            return answer, ""
        brief = self.tools.project().brief
        fields = {f: getattr(brief, f) for f in SWAPPED_FIELDS}
        changed = {f: remarks.swapped(v, old, new) for f, v in fields.items() if v and remarks.swapped(v, old, new) != v}
        motifs = [remarks.swapped(m, old, new) for m in brief.motifs]
        if motifs != brief.motifs:
            changed["motifs"] = [m for m in motifs if m]
        notes = [k for k, v in self.section_notes().items() if remarks.swapped(v, old, new) != v]
        if not changed and not notes and now == answer:
            return answer, ""
        if changed:
            steps.append(self.tools.update_brief(**changed, said=said))
        if notes:
            ops.append({"op": "swap", "old": old, "new": new})
        where = ([interview.topic_name(f) for f in changed] + [remarks.where_line(f"section:{k}") for k in notes]
                 + (["this answer"] if now != answer else []))
        places = where[0] if len(where) == 1 else ", ".join(where[:-1]) + " and " + where[-1]
        return now, say("swapped" if new else "swapped_out", old=old, new=new, where=places)

    def _send(self, thing: str, source: remarks.Named, to: remarks.Named, ops: list[dict]) -> str:
        """'…, the stairs go in the second verse': what the source part said of the thing goes to the other part."""
        said = self.section_notes().get(source.key, "")
        clauses = [c for c in re.split(r"(?<=[;.!?])\s+", said) if re.search(rf"(?i)\b{re.escape(thing)}", c)]
        if not clauses:
            return ""
        ops.append({"op": "add", "target": f"section:{to.key}", "text": " ".join(clauses).strip(" ,;")})
        return say("moved", old=remarks.where_line(f"section:{source.key}"), new=remarks.where_line(f"section:{to.key}"))

    def _corrected_field(self, text: str) -> str | None:
        """The brief field an unlabelled correction at a global question changes: the last answer's topic, or the
        field its words are plainly about ('actually no - it's about the house being sold' at the story question
        changes what the song is about); None when its words answer the question asked."""
        last, pending = self.filed().last(), self._pending()
        if not last or last.target not in interview.TOPICS or pending not in interview.TOPICS:
            return None
        scores = interview.topic_scores(text)
        best = max(scores, key=scores.get)
        if best == pending:
            return None
        if best == last.target:
            return best
        nearest = max(scores[pending], scores[last.target])
        if scores[best] - nearest >= interview.OVERRIDE_MARGIN:
            return best
        return last.target if scores[last.target] > scores[pending] else None

    def _aside(self, p: remarks.Piece, ops: list[dict], steps: list[str]) -> str:
        """An aside goes where it belongs: the section it names, else the brief by its topic; never the
        section being asked about."""
        if p.section and p.section.key is None:
            return say("no_part", name=p.section.said, parts=self._section_names())
        if p.section:
            target = f"section:{p.section.key}"
            scene = remarks.scene_of(p)
            if p.takeback or p.keep:
                ops.append({"op": "fix", "target": target, "text": "", "takeback": p.takeback, "keep": p.keep})
            if scene:
                ops.append({"op": "add", "target": target, "text": scene})
            return say("aside_filed", where=remarks.where_line(target))
        low = p.text.lower()
        if re.match(interview.PROHIBITION, low) or re.search(interview.FORMAT, low):
            filing = interview.Filing(parts=[("constraints", p.text)])  # "before I forget, no flags": a rule
        else:
            filing = interview.file_message(p.text, None)
        if filing.confirm:
            filing = interview.Filing(parts=[(filing.confirm[0], p.text)])
        if not filing.parts:
            return ""
        steps += self._file(filing)
        for t in sorted(filing.topics):
            ops.append({"op": "add", "target": t, "text": p.text})
        return say("aside_filed", where=interview.topic_names(filing.topics))


def _quoted(text: str, words: int = 8) -> str:
    """An earlier answer named in a reply: its first few words."""
    said = text.split()
    return " ".join(said[:words]) + ("…" if len(said) > words else "")
