"""Guided mode (`--llm offline`): a deterministic interviewer and planner, useful with no model.

It asks the interview questions (prompts/guided/questions.yaml) one at a time, fills the brief from
the answers, pushes back once on a generic concept with concrete alternatives, then builds the
treatment and the shot list (assistant.planner) and reports the critic's findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shotlist.models import Constraints
from shotlist.table import shot_table

from . import critic, planner
from .conversation import Conversation, Message, Reply
from .prompts import load_prompt, load_yaml
from .tools import ProjectTools

KEEP_IT = re.compile(r"\b(keep it|keep that|my way|go ahead|i insist|do it anyway|yes,? keep)\b", re.I)


class GuidedDirector:
    provider = "offline (guided mode, no LLM)"

    def __init__(self, tools: ProjectTools, conversation: Conversation):
        self.tools = tools
        self.conversation = conversation
        self.questions = load_yaml("guided/questions.yaml")

    # ------------------------------------------------------------------ state from the conversation

    def _answered(self) -> set[str]:
        return {m.topic for m in self.conversation.messages if m.role == "user" and m.topic}

    def _pending_topic(self) -> str | None:
        for m in reversed(self.conversation.messages):
            if m.role == "user":
                return None
            if m.role == "assistant" and m.topic:
                return m.topic
        return None

    def _next_question(self) -> dict | None:
        answered = self._answered()
        return next((q for q in self.questions if q["topic"] not in answered), None)

    def _say(self, text: str, topic: str | None = None, steps: list[str] | None = None) -> Reply:
        self.conversation.append(Message(role="assistant", content=text, topic=topic))
        return Reply(text, steps or [])

    # ------------------------------------------------------------------ turns

    def opening(self) -> Reply | None:
        """The first question, when the conversation is new (or the last question, re-asked)."""
        if self.conversation.messages:
            return None
        project = self.tools.project()
        song = project.song
        intro = (f"I've listened to {project.title}: {song.duration / 60:.1f} minutes at about {song.tempo:.0f} BPM, "
                 f"{len(song.sections)} sections, {len(song.lyrics)} lyric lines.")
        q = self.questions[0]
        return self._say(f"{intro}\n{q['question']}", topic=q["topic"])

    def turn(self, text: str) -> Iterator[Reply]:
        text = text.strip()
        if not text:
            return
        pending = self._pending_topic()
        self.conversation.append(Message(role="user", content=text, topic=pending))
        if pending == "pushback":
            if KEEP_IT.search(text):
                yield from self.plan(note="Understood — planned your way; the critic marks the shots it finds generic.")
            else:
                self.tools.update_brief(story=text)
                yield from self.plan()
            return
        if pending:
            steps = [self._record(pending, text)]
            nxt = self._next_question()
            if nxt:
                yield self._say(nxt["question"], topic=nxt["topic"], steps=steps)
                return
            concept = self._generic_concept()
            if concept:
                yield self._say(self._pushback(concept), topic="pushback", steps=steps)
                return
            yield from self.plan(steps=steps)
            return
        yield from self.revise(text)

    def _record(self, topic: str, text: str) -> str:
        if topic == "motifs":
            return self.tools.update_brief(motifs=planner.split_list(text))
        if topic == "feeling":
            m = re.search(r"palette\s*:\s*(.*)$", text, re.I | re.S)
            feeling = text[: m.start()].strip() if m else text
            return self.tools.update_brief(feeling=feeling, palette=m.group(1).strip(" .") if m else "")
        if topic == "constraints":
            return self.tools.update_brief(constraints=parse_constraints(text, self.tools.project().brief.constraints))
        return self.tools.update_brief(**{topic: text})

    def _generic_concept(self) -> str | None:
        b = self.tools.project().brief
        pieces = [p for p in re.split(r"(?<=[.;])\s+", f"{b.story} {'; '.join(b.motifs)}") if p.strip()]
        if not pieces:
            return None
        bank, _, _ = critic.banks()
        sims = (critic.embed(pieces) @ bank.T).max(axis=1)
        best = int(sims.argmax())
        return pieces[best].strip(" .;") if sims[best] >= critic.GENERIC_THRESHOLD else None

    def _pushback(self, concept: str) -> str:
        motif = (self.tools.project().brief.motifs or ["your central image"])[0]
        alts = "\n".join(f"- {a.format(motif=motif)}" for a in load_yaml("guided/alternatives.yaml"))
        return load_prompt("guided/pushback.md").format(concept=f'"{concept}"', alternatives=alts).strip()

    def plan(self, steps: list[str] | None = None, note: str = "") -> Iterator[Reply]:
        steps = list(steps or [])
        project = self.tools.project()
        if not project.brief.logline:
            steps.append(self.tools.update_brief(logline=planner.make_logline(project.brief)))
            project = self.tools.project()
        if not project.style.look:
            style = planner.default_style(project.brief)
            steps.append(self.tools.update_style(**style.model_dump()))
            project = self.tools.project()
        treatment = planner.treatment(project)
        yield self._say(treatment, steps=steps)
        result = self.tools.propose_shot_list(planner.plan_shots(project))
        project = self.tools.project()
        text = "\n".join(x for x in [note, shot_table(project), result] if x)
        yield self._say(text, steps=["propose_shot_list", "critique"])

    def revise(self, text: str) -> Iterator[Reply]:
        from .revisions import apply_request

        project = self.tools.project()
        if not project.shots:
            nxt = self._next_question()
            if nxt:
                yield self._say(nxt["question"], topic=nxt["topic"])
            else:
                yield from self.plan()
            return
        message, steps = apply_request(self.tools, text)
        yield self._say(message, steps=steps)


def parse_constraints(text: str, current: Constraints) -> Constraints:
    aspect = re.search(r"\b(\d{1,2})\s*:\s*(\d{1,2})\b", text)
    fps = re.search(r"\b(\d{2}(?:\.\d+)?)\s*fps\b", text, re.I)
    res = re.search(r"\b(\d{3,4})\s*[x×]\s*(\d{3,4})\b", text)
    update: dict = {"notes": [p.strip(" .") for p in re.split(r"[,;]", text) if p.strip(" .")]}
    if aspect:
        update["aspect"] = f"{aspect.group(1)}:{aspect.group(2)}"
        w, h = int(aspect.group(1)), int(aspect.group(2))
        if not res and w and h:  # keep the short side at 720
            update["resolution"] = (f"{round(720 * w / h / 2) * 2}x720" if w >= h else f"720x{round(720 * h / w / 2) * 2}")
    if res:
        update["resolution"] = f"{res.group(1)}x{res.group(2)}"
    if fps:
        update["fps"] = float(fps.group(1))
    return Constraints.model_validate(current.model_dump() | update)
