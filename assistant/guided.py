"""Guided mode (`--llm offline`): a deterministic co-writing director, useful with no model.

It asks the interview questions (prompts/guided/questions.yaml), filing every answer under the topic
it is about (assistant.interview), pushes back once on a cliché or on "it's cheaper", walks the
song's sections asking what we see there (assistant.walk), then writes the treatment and the shot
list (assistant.planner, assistant.writer). Once a plan exists, a message is a revision of the shots
it names (assistant.revisions); nothing re-plans unless the artist asks ("re-plan", /plan).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator

from shotlist.errors import ShotcallerError

from . import critic, interview, ledger, planner, pushback, rules, spanish, walk
from .conversation import Conversation, Message, Reply
from .edit_requests import Reading, read_request
from .ledger import section_parts
from .prompts import load_yaml
from .remark_turns import RemarkTurns
from .request_kinds import classify, confirmed, doubt
from .request_offers import not_understood
from .reading import section_phrase
from .replies import say
from .revisions import apply_request
from .targets import REPLAN, intents
from .tools import ProjectTools, describe

PLAN_NOW = re.compile(r"(?i)^\s*(?:/plan|plan it|just plan|go ahead and plan|make the plan|skip (?:the )?questions"
                      r"|that'?s all|build it|let'?s go)\b")
UNDO = re.compile(r"(?i)^\s*(?:/undo|undo(?: that| it| the last(?: change| one)?)?|revert(?: that| it)?|scratch that"
                  r"|take that back|go back(?: one)?|put it back)\s*[.!]*\s*(?:pls|please)?\s*[.!]*$")
INTERVIEW = set(interview.TOPICS)
PICK_WORDS = 8  # a reply to "is that A or B?" longer than this is an answer of its own, not a choice
ANSWER_WORDS = 4  # ... and a reply that picks neither is one from this many words ('neither really' is not)
REST = re.compile(r"(?i)\b(?:the rest|all of (?:it|them)|everything|every (?:part|section)|the others|all the rest|from here)\b")


class GuidedDirector(RemarkTurns):
    provider = "offline (guided mode, no LLM)"

    def __init__(self, tools: ProjectTools, conversation: Conversation):
        self.tools = tools
        self.conversation = conversation
        self.questions = {q["topic"]: q["question"] for q in load_yaml("guided/questions.yaml")}

    # ------------------------------------------------------------------ state from the conversation

    def filed(self) -> ledger.Ledger:
        return ledger.replay(self.conversation.messages)

    def _answered(self) -> set[str]:
        return self.filed().answered

    def _asked(self) -> set[str]:
        return {m.topic for m in self.conversation.messages if m.role == "assistant" and m.topic}

    def _pending(self) -> str | None:
        for m in reversed(self.conversation.messages):
            if m.role == "user":
                return None
            if m.role == "assistant" and m.topic:
                return m.topic
        return None

    def section_notes(self) -> dict[str, str]:
        """What the artist said about each section group (delegated and filler answers left out; rules and
        global answers typed there went to the brief; corrections, asides and moves applied)."""
        return self.filed().section_notes()

    def _say(self, text: str, topic: str | None = None, steps: list[str] | None = None) -> Reply:
        self.conversation.append(Message(role="assistant", content=text, topic=topic))
        return Reply(text, steps or [])

    def _user(self, text: str, topic: str | None) -> None:
        self.conversation.append(Message(role="user", content=text, topic=topic))

    # ------------------------------------------------------------------ turns

    def opening(self) -> Reply | None:
        """The first question, when the conversation is new."""
        if self.conversation.messages:
            return None
        project = self.tools.project()
        song = project.song
        intro = say("intro", title=project.title, minutes=f"{song.duration / 60:.1f}", bpm=f"{song.tempo:.0f}",
                    sections=len(song.sections), lines=len(song.lyrics))
        unsure = song.confidence_note()  # a grid we are not sure of is said, with the fix, before any plan
        return self._say(f"{intro}\n{unsure + chr(10) if unsure else ''}{self.questions['meaning']}", topic="meaning")

    def turn(self, text: str, selected_shot: int | None = None) -> Iterator[Reply]:
        """One message from the artist. `selected_shot`: the shot selected in the studio ("this shot")."""
        text = (text or "").strip()
        if not text:
            pending = self._pending()
            again = self.questions.get(pending, "") if pending in INTERVIEW else ""
            yield Reply(say("empty", next=again).strip())
            return
        project = self.tools.project()
        pending = self._pending()
        if project.shots:
            yield from self._after_plan(text, selected_shot)
            return
        if pending and interview.is_paste(text):  # an email thread pasted in: kept in the chat, filed nowhere
            self._user(text, None)
            yield self._say(say("paste", n=f"{len(text):,}", question=self._question(pending)), topic=pending)
            return
        if PLAN_NOW.search(text) or REPLAN.search(text):
            self._user(text, None)
            yield from self.plan()
            return
        if pending and pending.startswith("confirm:"):
            yield from self._confirmed(text, pending)
            return
        if pending == "pushback":
            self._user(text, "pushback")
            if pushback.KEEP_IT.search(text) or interview.is_filler(text):
                yield from self._advance(prefix=say("kept"))
            else:
                filing = interview.file_message(text, "story")
                if not filing.parts:
                    filing = interview.Filing(parts=[("story", text)])
                steps = self._file(filing)
                yield from self._advance(steps)
            return
        if pending == "cheap":
            keep = pushback.KEEP_IT.search(text) or interview.is_filler(text)
            self._user(text, "cheap")
            steps = [] if keep else [self.tools.update_brief(why_generative=interview.clip(text), said=text)]
            yield from self._advance(steps)
            return
        if pending and (pending.startswith("section:") or pending in INTERVIEW):
            handled = self.remark_turn(text, pending)
            if handled is not None:
                yield from handled
                return
        if pending and pending.startswith("section:"):
            yield from self._section_answer(text, pending)
            return
        asked = pending if pending in INTERVIEW else None
        if interview.is_greeting(text):  # "hey!", "ok so", "hi, i want a video for this": nothing to file
            self._user(text, None)
            hello = re.search(r"(?i)\b(?:hey|hi|hello|hiya|yo|sup|morning|evening|hola)\b", text)
            if asked:  # the question stands
                yield self._say(say("greeting" if hello else "go_on", question=self.questions[asked]), topic=asked)
            else:
                yield from self._advance(prefix=say("hello") if hello else "")
            return
        filing = interview.file_message(text, asked)
        if filing.confirm:
            self._user(text, None)
            a, b = filing.confirm
            yield self._say(say("confirm", a=interview.topic_name(a), b=interview.topic_name(b)),
                            topic=f"confirm:{a}|{b}")
            return
        if filing.filler:
            self._user(text, asked)
            prefix = say("filler", topic=interview.topic_name(asked)) if asked else ""
            yield from self._advance(prefix=prefix)
            return
        self._user(text, ",".join(sorted(filing.topics)))
        steps = self._file(filing)
        prefix = say("filed", topics=interview.topic_names(filing.topics)) if len(filing.topics) > 1 else ""
        prefix += " " + self.where(next(t for t in interview.TOPICS if t in filing.topics)
                                   if filing.topics & INTERVIEW else sorted(filing.topics)[0])
        if len(text) > interview.MAX_FIELD_CHARS:
            prefix += " " + say("long", n=interview.MAX_FIELD_CHARS)
        yield from self._advance(steps, prefix=prefix.strip())

    def _section_answer(self, text: str, pending: str) -> Iterator[Reply]:
        """What we see in a section; a labelled global answer or a rule typed here ("also no flags") goes to
        the brief instead, never into the section's images, and the section question stands."""
        parts = section_parts(text)
        brief = [(t, p) for t, p in parts if t and not interview.is_filler(p)]
        scene = " ".join(p for t, p in parts if t is None).strip()
        self._user(text, pending if scene or not brief else None)
        if interview.is_delegation(scene) and REST.search(scene):  # "you choose the rest": plan from the motifs
            yield from self.plan(steps=self._file(interview.Filing(parts=brief)) if brief else [])
            return
        where = self.where(pending) if ledger.scene(text) else say("delegated")
        if len(text) > interview.MAX_FIELD_CHARS:
            where += " " + say("long", n=interview.MAX_FIELD_CHARS)
        if not brief:
            yield from self._advance(prefix=where)
            return
        steps = self._file(interview.Filing(parts=brief))
        names = interview.topic_names({t for t, _ in brief})
        if scene:
            yield from self._advance(steps, prefix=f"{say('filed', topics=names)} {where}")
            return
        group = next(g for g in walk.section_groups(self.tools.project().song) if f"section:{g.key}" == pending)
        yield self._say(f"{say('filed', topics=names)}\n{walk.question(group)}", topic=pending, steps=steps)

    def _confirmed(self, text: str, pending: str) -> Iterator[Reply]:
        a, b = pending.split(":", 1)[1].split("|")
        original = next((m.content for m in reversed(self.conversation.messages) if m.role == "user"), "")
        picked = interview.pick_from_reply(text, (a, b))
        if not (picked and len(text.split()) <= PICK_WORDS) and len(text.split()) >= ANSWER_WORDS \
                and not interview.is_filler(text):
            # the artist answered on instead of choosing: the first answer stays with the question it answered,
            # and this one is read as an answer of its own (nothing is lost)
            asked = next((m.topic for m in reversed(self.conversation.messages)
                          if m.role == "assistant" and m.topic in INTERVIEW), a)
            asked = asked if asked in (a, b) else a
            steps = self._file(interview.Filing(parts=[(asked, original)]))
            self._note({"op": "set", "target": asked, "text": original})
            yield from self._advance(steps, prefix=self.where(asked))
            yield from self.turn(text)
            return
        picked = picked or a
        self._user(text, picked)
        steps = self._file(interview.Filing(parts=[(picked, original)]))
        yield from self._advance(steps, prefix=self.where(picked))

    def _file(self, filing: interview.Filing) -> list[str]:
        """Write the filed parts into the brief; constraints become rules."""
        steps = []
        feeling_parts, palette_parts, felt = [], [], []
        for topic, said in filing.parts:  # `said`: the artist's words, kept verbatim beside the field
            part = interview.clip(said)
            if not part:
                continue
            if topic == "motifs":  # a second list of images adds to the first
                current = self.tools.project().brief.motifs
                new = [m for m in planner.split_list(part) if m.lower() not in {c.lower() for c in current}]
                steps.append(self.tools.update_brief(motifs=[*current, *new], said=said))
            elif topic == "constraints":
                current = self.tools.project().brief.constraints
                steps.append(self.tools.update_brief(constraints=rules.parse_constraints(part, current), said=said))
            elif topic == "feeling":
                feeling_parts.append(interview.bare_feeling(part))
                felt.append(said)
            elif topic == "palette":
                palette_parts.append(part)
                felt.append(said)
            else:
                steps.append(self.tools.update_brief(**{topic: part}, said=said))
        if feeling_parts or palette_parts:
            fields = {}
            if feeling_parts:
                fields["feeling"] = " ".join(feeling_parts)
            if palette_parts:
                fields["palette"] = " ".join(palette_parts).strip(" .")
            steps.append(self.tools.update_brief(**fields, said=" / ".join(dict.fromkeys(felt))))
        return steps

    def _advance(self, steps: list[str] | None = None, prefix: str = "") -> Iterator[Reply]:
        """Ask the next thing the plan still needs, or plan."""
        steps = list(steps or [])
        answered, asked = self._answered(), self._asked()
        lead = f"{prefix}\n" if prefix else ""
        nxt = next((t for t in interview.TOPICS if t not in answered), None)
        if nxt:
            yield self._say(lead + self.questions[nxt], topic=nxt, steps=steps)
            return
        project = self.tools.project()
        b = project.brief
        if pushback.cheap_only(b.why_generative) and "cheap" not in asked:
            yield self._say(lead + say("cheap"), topic="cheap", steps=steps)
            return
        if "pushback" not in asked:
            found = pushback.find_generic(b)
            if found:
                text = pushback.pushback_text(found[0], found[1], b, project.song)
                yield self._say(lead + text, topic="pushback", steps=steps)
                return
        for group in walk.to_ask(walk.section_groups(project.song)):
            topic = f"section:{group.key}"
            if topic not in answered:
                yield self._say(lead + walk.question(group), topic=topic, steps=steps)
                return
        yield from self.plan(steps=steps, note=prefix)

    def _after_plan(self, text: str, selected_shot: int | None) -> Iterator[Reply]:
        """With a plan in place a message revises what it names; it never re-plans unless asked."""
        self._user(text, None)
        if REPLAN.search(text):
            yield from self.plan()
            return
        if PLAN_NOW.search(text):
            yield self._say(say("already_planned"))
            return
        if UNDO.search(text):  # "undo that", "scratch that": the last change, as /undo does
            yield self._say(say("undone", result=self.tools.undo()), steps=["undo"])
            return
        reading = read_request(text, self.tools.project(), selected_shot)
        if reading.unnamed is not None:  # read from structure alone: made only when the classifier names it too
            reading = confirmed(text, reading)
        if reading.op is not None or reading.legacy:  # a change the classifier reads as another kind: asked
            reading = doubt(text, reading.op.name if reading.op else "look", self.tools.project(),
                            selected_shot) or reading
        if reading.ask or reading.op is not None:  # one typed operation: one version, its typed result worded once
            yield from self._run_reading(reading)
            return
        said = spanish.as_english(text)  # 'haz el plano 5 más frío' → 'make shot 5 colder' (the chat keeps it as typed)
        parts = interview.labelled_parts(text)
        if any(topic for topic, _ in parts) and not intents(said):
            filing = interview.Filing(parts=[(t, p) for t, p in parts if t])
            steps = self._file(filing)
            names = interview.topic_names(filing.topics)
            yield self._say(say("noted_after_plan", topics=names), steps=steps)
            return
        message, steps = apply_request(self.tools, said, selected_shot, self.section_notes())
        if not steps and message == say("cannot"):  # no rule maps it: the classifier, sure of a kind, or a question
            guess = classify(text, self.tools.project(), selected_shot)
            if guess is not None and (guess.op or guess.ask):
                yield from self._run_reading(guess)
                return
            message = not_understood(text, self.tools.project(), selected_shot)
        yield self._say(message, steps=steps)

    def _run_reading(self, reading: Reading) -> Iterator[Reply]:
        """One read request: its question, or its one typed operation (one version), answered by the result."""
        if reading.ask or reading.op is None:
            yield self._say(reading.ask)
            return
        try:
            result = self.tools.run(reading.op)
        except ShotcallerError as e:
            yield self._say(say("failed", error=e))
            return
        yield self._say(result.text(), steps=[reading.op.name])

    def plan(self, steps: list[str] | None = None, note: str = "") -> Iterator[Reply]:
        """Write the treatment and the whole shot list (kept around locked shots on a re-plan)."""
        steps = list(steps or [])
        project = self.tools.project()
        if not project.brief.logline:
            steps.append(self.tools.update_brief(logline=planner.make_logline(project.brief, project.title)))
            project = self.tools.project()
        if not project.style.look:
            style = planner.default_style(project.brief)
            steps.append(self.tools.update_style(**style.model_dump()))
            project = self.tools.project()
        filed = self.filed()
        notes = filed.section_notes()
        if filed.takeback != project.brief.took_back:  # kept with the project, so the critic holds shots to it
            # guided mode's own record of the artist's corrections: not an operation a model may call
            steps.append(describe(self.tools.editor.update_brief(took_back=filed.takeback), "corrections kept"))
            project = self.tools.project()
        yield self._say(planner.treatment(project, notes, filed.takeback), steps=steps)
        shots = planner.keep_locked(planner.plan_shots(project, notes, takeback=filed.takeback, keep=filed.keep),
                                    project.shots)
        result = self.tools.propose_shot_list(shots, replan=True)  # plan() runs only when asked or first
        project = self.tools.project()
        against = critic.against_corrections(project, filed.takeback)
        if against:
            result += "\n" + "\n".join(f"  shot {n}: {note}" for n, note in against.items())
        held = sum(s.locked for s in project.shots)
        text = "\n".join(x for x in [note, summary(project),
                                     say("replan_locked", n=held) if held else "", result] if x)
        yield self._say(text, steps=["propose_shot_list", "critique"])


def summary(project) -> str:
    """The plan in a few lines; the shot table (/show, the studio's table) is the full view."""
    shots = project.shots
    lengths = [s.end - s.start for s in shots]
    speed = planner.pace(project)
    by_section: dict[str, int] = {}
    for s in shots:
        by_section[s.section or "song"] = by_section.get(s.section or "song", 0) + 1
    parts = ", ".join(f"{v} in {section_phrase(k) if k != 'song' else 'the song'}" for k, v in by_section.items())
    lines = [say("planned", n=len(shots), median=f"{statistics.median(lengths):.1f}", pace=speed.word, parts=parts)]
    for s in shots[:3]:
        lines.append(f"  {s.index}. {s.start:.1f}s {s.shot_size}: {s.subject} {s.action} — {s.reason}")
    lines.append(say("planned_more"))
    return "\n".join(lines)
