"""The phased director: guided mode's conversation with a small model writing in short, constrained phases.

    director = PhasedDirector(ProjectTools(store, "chaos-god"), conversation, provider)
    for reply in director.turn("It is about a lover who asks for impossible tasks."):
        print(reply.text)

The conversation state (which topic was asked, what is answered, /plan, undo, re-plan) is guided mode's
(`GuidedDirector`); the model is asked one phase at a time (assistant/phases.py), each reply constrained by
its JSON schema (assistant/structured.py). Every call is counted in `ledger` (tokens, seconds, by phase).
A reply that cannot be used is one clear line and changes nothing; a plan whose section reply fails keeps
the planner's words for that section.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from shotlist.errors import ShotcallerError

from . import interview, planner
from .conversation import Conversation, Reply
from .guided import PLAN_NOW, UNDO, GuidedDirector, summary
from .llm import Provider
from .local_server import in_use, recover
from .phases import (REVISION_TOKENS, Filed, RevisionOps, critique_request, interview_request, messages, parts,
                     revision_request, section_request, sections_of, system, word_patches, words_budget, words_for)
from .replies import say
from .revisions import apply_request
from .structured import Ledger, StructuredReplyError, ask, native_llama_server, warm_prefix
from .targets import REPLAN, intents
from .tools import ProjectTools

MAX_CRITIQUE_SHOTS = 6  # flagged shots rewritten in the one critique call
FILED_TOKENS = 64  # {"topic":"why_generative","corrects":false}: 44 characters, ~15 tokens of a real vocabulary


class PhasedDirector(GuidedDirector):
    def __init__(self, tools: ProjectTools, conversation: Conversation, provider: Provider,
                 ops: RevisionOps | None = None):
        super().__init__(tools, conversation)
        self._provider = provider
        self.provider = provider.describe()
        self.ops = ops or RevisionOps(tools)
        self.ledger = Ledger()
        self._warming: threading.Thread | None = None
        self._warm_text = ""  # the system prompt last read into the server's cache

    def opening(self) -> Reply | None:
        reply = super().opening()
        self.warm()
        return reply

    def warm(self) -> threading.Thread | None:
        """On our llama-server, read the next phase's prompt (interview before a plan; after it, revision, whose
        prompt holds the plan, after every change) into its cache in the background while the artist reads
        and types: the next call then reads only the artist's words (benchmarks/local_phases.py measures it).
        Nothing when that prompt is the one read last."""
        if not native_llama_server(self._provider):
            return None
        project = self.tools.project()
        text = system("revision" if project.shots else "interview", project)
        if text == self._warm_text:
            return None
        self.warmed()
        self._warm_text = text

        def warm() -> None:
            with in_use(self._provider):
                warm_prefix(self._provider, [{"role": "system", "content": text}], self.ledger)

        self._warming = threading.Thread(target=warm, daemon=True)
        self._warming.start()
        return self._warming

    def warmed(self) -> None:
        """Wait for the warm-up, if one runs (each call does: the server has one slot and would anyway)."""
        if self._warming is not None:
            self._warming.join()
            self._warming = None

    def _ask(self, phase: str, user: str, model, max_tokens: int):
        """One constrained call; a local server that died is restarted once and the call repeated."""
        self.warmed()
        sent = messages(phase, self.tools.project(), user)
        try:
            with in_use(self._provider):
                return ask(self._provider, sent, model, max_tokens, phase, self.ledger)
        except StructuredReplyError:
            raise
        except ShotcallerError:
            provider = recover(self._provider)
            if provider is None:
                raise
            self._provider = provider
            with in_use(self._provider):
                return ask(self._provider, sent, model, max_tokens, phase, self.ledger)

    # ------------------------------------------------------------------ turns

    def turn(self, text: str, selected_shot: int | None = None) -> Iterator[Reply]:
        text = (text or "").strip()
        project = self.tools.project()
        if not text or (project.shots and (REPLAN.search(text) or PLAN_NOW.search(text) or UNDO.search(text))) \
                or (not project.shots and (PLAN_NOW.search(text) or REPLAN.search(text))):
            yield from super().turn(text, selected_shot)  # empty, /plan, re-plan, undo: guided mode's answers
        elif project.shots:
            yield from self._revise(text, selected_shot)
        else:
            yield from self._interview(text)
        self.warm()  # the next call's prompt as it is now (the brief, the plan), read while the artist types

    def _interview(self, text: str) -> Iterator[Reply]:
        """File the answer where the model's `Filed` says, then ask guided mode's question about the next open
        topic, or plan."""
        # the question alone, not the greeting or the remarks around it: fewer tokens for the model to read
        question = self.questions.get(self._pending() or "") or next(
            (m.content for m in reversed(self.conversation.messages) if m.role == "assistant"), "")
        filed = self._ask("interview", interview_request(question, text), Filed, max_tokens=FILED_TOKENS)
        self._user(text, filed.topic)
        steps = self._file_answer(filed, text)
        open_topics = [t for t in interview.TOPICS if t not in self._answered()]
        if not open_topics:
            yield from self.plan(steps=steps)
            return
        yield self._say(self.questions[open_topics[0]], topic=open_topics[0], steps=steps)

    def _file_answer(self, filed: Filed, said: str) -> list[str]:
        brief = self.tools.project().brief
        text = interview.clip(said)
        if filed.corrects and filed.topic in ("motifs",):
            return [self.tools.update_brief(motifs=planner.split_list(text))]
        current = getattr(brief, filed.topic, "")
        if filed.corrects or filed.topic in ("motifs", "constraints") or not isinstance(current, str) or not current:
            return self._file(interview.Filing(parts=[(filed.topic, text)]))
        return [self.tools.update_brief(**{filed.topic: f"{current} {text}"})]

    def _revise(self, text: str, selected_shot: int | None) -> Iterator[Reply]:
        """Guided mode's parser first; the model (one typed `Revision`) only when the parser finds no change."""
        self._user(text, None)
        if intents(text):
            message, steps = apply_request(self.tools, text, selected_shot, self.section_notes())
            yield self._say(message, steps=steps)
            return
        try:
            rev = self._ask("revision", revision_request(text, selected_shot), self.ops.schema(),
                            max_tokens=REVISION_TOKENS)
        except StructuredReplyError as e:
            yield self._say(f"{e}")
            return
        message, steps = self.ops.apply(rev)
        yield self._say(message, steps=steps)

    # ------------------------------------------------------------------ the plan, section by section

    def plan(self, steps: list[str] | None = None, note: str = "") -> Iterator[Reply]:
        """Timing and framing from the planner, saved at once; then the model writes each section (saved and
        shown as it lands) and rewrites the shots the critic flags, once."""
        steps = list(steps or [])
        if not self.conversation.messages or self.conversation.messages[-1].role != "user":
            self._user("/plan", None)  # asked from a button, not in a message: the chat stays whole turns
        project = self.tools.project()
        if not project.brief.logline:
            steps.append(self.tools.update_brief(logline=planner.make_logline(project.brief, project.title)))
        if not self.tools.project().style.look:
            steps.append(self.tools.update_style(**planner.default_style(self.tools.project().brief).model_dump()))
        project = self.tools.project()
        notes = self.section_notes()
        shots = planner.keep_locked(planner.plan_shots(project, notes), project.shots)
        steps.append(self.tools.propose_shot_list(shots, replan=True).splitlines()[0])
        treatment = planner.treatment(self.tools.project(), notes)
        yield Reply("", steps=steps, final=False)  # steps only: a front end shows them at once, text at the end
        kept = []
        sections = sections_of(self.tools.project().shots)
        for k, (label, numbers) in enumerate(sections, 1):
            split = parts(numbers)
            for i, part in enumerate(split, 1):
                of = f" (part {i} of {len(split)})" if len(split) > 1 else ""
                # what the model is doing while it writes (a front end replaces a step ending in "…" by the next)
                yield Reply("", steps=[f"writing {label}: section {k} of {len(sections)}, shots "
                                       f"{part[0]}-{part[-1]}{of}…"], final=False)
                line = self._write(label, part, numbers[:numbers.index(part[0])])
                kept += [f"{label}{of}"] if line.startswith("kept") else []
                yield Reply("", steps=[f"{label} ({k} of {len(sections)}){of}: {line}"], final=False)
        fixed = self._critique()
        project = self.tools.project()
        held = sum(s.locked for s in project.shots)
        lines = [note, treatment, summary(project), say("replan_locked", n=held) if held else "",
                 f"The model's reply for {', '.join(kept)} was unusable: those shots keep the planner's words."
                 if kept else "", fixed]
        self.warm()  # the revision prompt with the plan, read while the artist looks at it
        yield self._say("\n".join(x for x in lines if x), steps=["propose_shot_list", "write sections", "critique"])

    def _write(self, label: str, numbers: list[int], earlier: list[int]) -> str:
        """One call for `numbers` (a section, or a part of a long one after the `earlier` shots of it)."""
        project = self.tools.project()
        free = [n for n in numbers if not project.shots[n - 1].locked]
        if not free:
            return "all locked"
        numbered = [(n, project.shots[n - 1]) for n in free]
        request = section_request(label, numbered, [(n, project.shots[n - 1]) for n in earlier])
        try:
            reply = self._ask("section", request, words_for(len(free)), words_budget(len(free)))
        except StructuredReplyError as e:
            return f"kept the planner's words ({e})"
        self.tools.revise_shots(word_patches(project, free, reply.shots))
        return f"{len(free)} shots written"

    def _critique(self) -> str:
        """The shots the critic flags after writing, rewritten once (fewer than MAX_CRITIQUE_SHOTS at a time)."""
        project = self.tools.project()
        flagged = [(n, s) for n, s in enumerate(project.shots, 1) if s.critique.generic and not s.locked]
        flagged = flagged[:MAX_CRITIQUE_SHOTS]
        if not flagged:
            return ""
        try:
            reply = self._ask("critique", critique_request(flagged), words_for(len(flagged)), words_budget(len(flagged)))
        except StructuredReplyError as e:
            return f"The critic flagged shots {', '.join(str(n) for n, _ in flagged)}; the rewrite failed ({e})."
        self.tools.revise_shots(word_patches(project, [n for n, _ in flagged], reply.shots))
        still = [n for n, s in enumerate(self.tools.project().shots, 1) if s.critique.generic]
        return (f"Rewrote shots {', '.join(str(n) for n, _ in flagged)} the critic flagged"
                + (f"; still flagged: {', '.join(map(str, still))}." if still else "."))
