"""The LLM director: LangChain `create_agent` over the project tools, streaming token by token.

    director = AgentDirector(ProjectTools(store, "chaos-god"), conversation, resolve_provider("ollama:llama3.1"))
    for reply in director.turn("The song is about ..."):
        print(reply.text, end="" if not reply.final else "\\n")

Each turn: 1. the system prompt (prompts/director.md) plus a compact context of the song, brief and
shot index (prompts/context.md); 2. the recent conversation; 3. the agent loop, bounded by
`recursion_limit`; 4. the reply and the user's words are appended to the conversation only when the
turn succeeds, so a failed turn can simply be retried. Network and server faults become one
`ShotcallerError` naming the provider and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from shotlist.errors import ShotcallerError
from shotlist.lyrics import fmt_time
from shotlist.models import Project
from shotlist.operations import OPERATIONS, Operation
from shotlist.operations.plan import DRAFT_FIELDS, ShotDraft, drafts_to_shots  # noqa: F401 - imported from here
from shotlist.operations.plan import ProposeShotList

from .conversation import Conversation, Message, Reply
from .llm import Provider
from .prompts import load_prompt
from .repair import AgentMiddleware, RepairMiddleware, VisibleText
from .targets import REPLAN
from .tools import ProjectTools

HISTORY_MESSAGES = 40
RECURSION_LIMIT = 24
ProposeArgs = ProposeShotList  # the proposal's arguments (the repair layer reads its field names)


def langchain_tools(tools: ProjectTools, force_plan: list[bool], replan_asked: list[bool] | None = None) -> list:
    """Every operation of the table as a LangChain tool: its name, description and argument model are the
    table's. Errors go back to the model as text, so it can fix them. `force_plan[0]`: /plan is running;
    `replan_asked[0]`: the artist's message this turn asked to re-plan. A whole-list proposal needs the brief's
    meaning and why-generative first, and over an existing plan one of those two: the model's own `replan` is
    not enough (the agent's policy, kept here around the generated tool)."""
    replan_asked = replan_asked if replan_asked is not None else [False]
    from langchain_core.tools import StructuredTool

    def run(cls: type[Operation]):
        def body(**kwargs: Any) -> str:
            try:
                op = cls.model_validate({k: v for k, v in kwargs.items() if v is not None})  # None: left out
                refused = _refused(tools, op, force_plan[0], replan_asked[0]) if cls is ProposeShotList else ""
                return refused or tools.run(op).text()
            except (ShotcallerError, ValidationError, ValueError) as e:
                return f"error: {e}"
        return body

    return [StructuredTool.from_function(run(cls), name=name, description=cls.description(), args_schema=cls)
            for name, cls in OPERATIONS.items()]


def _refused(tools: ProjectTools, op: ProposeShotList, forced: bool, asked: bool) -> str:
    """Why the agent may not make this proposal now ('' when it may); a proposal it may make runs with
    `replan` only when the artist asked for it."""
    project = tools.project()
    missing = [f for f in ("meaning", "why_generative") if not getattr(project.brief, f)]
    if missing and not forced:
        return (f"error: interview first — the brief has no {' or '.join(missing)}. Ask the artist, record it "
                "with update_brief, then propose.")
    if project.shots and op.replan and not (forced or asked):
        return ("error: the artist has not asked to re-plan the whole song. Nothing was changed. Use "
                "revise_shots for the shots they named; re-plan only when they say so (\"re-plan\", /plan).")
    op.replan = op.replan and (forced or asked) or forced
    if project.shots and not op.replan:
        return (f"error: {project.title} already has a plan of {len(project.shots)} shots. Nothing was changed. "
                "Use revise_shots for the shots the artist named; set replan=true only if the artist asked to "
                "re-plan the whole song.")
    return ""


def build_chat_model(provider: Provider):
    from langchain_openai import ChatOpenAI

    extra = {"max_tokens": provider.max_tokens} if provider.max_tokens else {}
    return ChatOpenAI(model=provider.model, base_url=provider.base_url, api_key=provider.api_key,
                      timeout=provider.timeout, max_retries=provider.max_retries, streaming=True,
                      stream_usage=True, **extra)


def context_text(project: Project) -> str:
    song, b = project.song, project.brief
    sections = "; ".join(f"{s.label} {s.start:.0f}-{s.end:.0f}s (energy {s.energy:.1f})" for s in song.sections)
    lyrics = "; ".join(f"{fmt_time(x.time)}: {x.text}" for x in song.lyrics if x.time is not None) or "none"
    brief = json.dumps({k: v for k, v in b.model_dump(exclude={"constraints"}).items() if v}) or "{}"
    flagged = [str(s.index) for s in project.shots if s.critique.generic]
    locked = [str(s.index) for s in project.shots if s.locked]
    shots = (f"{len(project.shots)} shots" + (f"; generic: {', '.join(flagged)}" if flagged else "")
             + (f"; locked: {', '.join(locked)}" if locked else "")
             + "; read any with show_shots") if project.shots else "none yet"
    return load_prompt("context.md").format(
        title=project.title, duration=song.duration, tempo=song.tempo, bars=len(song.bars), sections=sections,
        lyrics=lyrics, brief=brief, version=project.version, shots=shots)


class PlanOffer(AgentMiddleware):  # type: ignore[misc,valid-type]
    """Over an existing plan, a turn that did not ask to re-plan is not offered `propose_shot_list`:
    the tool would refuse anyway (see `langchain_tools`), and its schema is the largest one the model
    reads on every call of a revision turn. A model that calls it regardless still gets the refusal."""

    def __init__(self, offered: list[bool]):
        super().__init__()
        self.offered = offered  # set by the agent at the start of each turn

    def wrap_model_call(self, request: Any, handler: Any) -> Any:
        if self.offered[0]:
            return handler(request)
        return handler(request.override(tools=[t for t in request.tools
                                               if getattr(t, "name", None) != "propose_shot_list"]))


class AgentDirector:
    def __init__(self, tools: ProjectTools, conversation: Conversation, provider: Provider,
                 recursion_limit: int = RECURSION_LIMIT):
        self.tools = tools
        self.conversation = conversation
        self.provider = provider.describe()
        self._provider = provider
        self._force_plan = [False]
        self._replan_asked = [False]
        self._plan_offered = [True]
        self.recursion_limit = recursion_limit
        self._build()

    def _build(self) -> None:
        from langchain.agents import create_agent

        # built once: the per-turn song/brief context travels as a system message with the turn
        tools = langchain_tools(self.tools, self._force_plan, self._replan_asked)
        schemas = {t.name: t.args_schema if isinstance(t.args_schema, type) else None for t in tools}
        required = self._repair.required if hasattr(self, "_repair") else None  # kept across a server restart
        self.provider = self._provider.describe()
        self._repair = RepairMiddleware(schemas, provider=self.provider)
        self._repair.required = required
        self._agent = create_agent(build_chat_model(self._provider), tools=tools,
                                   system_prompt=load_prompt("director.md"),
                                   middleware=[PlanOffer(self._plan_offered), self._repair])

    def _history(self) -> list:
        from langchain_core.messages import AIMessage, HumanMessage

        recent = [m for m in self.conversation.messages if m.role in ("user", "assistant")][-HISTORY_MESSAGES:]
        return [HumanMessage(m.content) if m.role == "user" else AIMessage(m.content) for m in recent]

    def opening(self) -> Reply | None:
        if self.conversation.messages:
            return None
        text = ""
        for reply in self._run("(The artist has just opened this project. Greet them in one line and start "
                               "the interview with your first question.)", record_user=False):
            text = reply.text if reply.final else text
        return Reply(text)

    def turn(self, text: str) -> Iterator[Reply]:
        if text.strip():
            self._replan_asked[0] = bool(REPLAN.search(text))
            try:
                yield from self._run(text.strip())
            finally:
                self._replan_asked[0] = False

    def plan(self) -> Iterator[Reply]:
        self._force_plan[0] = True
        self._repair.required = "propose_shot_list"  # a model that answers in text is asked to call it
        try:
            yield from self._run("Plan now with what you know: propose the full shot list with propose_shot_list.")
        finally:
            self._force_plan[0] = False
            self._repair.required = None

    def _run(self, text: str, record_user: bool = True) -> Iterator[Reply]:
        version = self.tools.project().version
        try:
            yield from self._attempt(text, record_user)
        except ShotcallerError:
            from .local_server import recover

            provider = recover(self._provider)  # a local server that died: restarted once, the turn retried
            if provider is None:
                raise
            while self.tools.project().version > version:  # the project as the failed turn found it
                self.tools.editor.undo()
            if provider.base_url != self._provider.base_url:
                self._provider = provider
                self._build()
            yield from self._attempt(text, record_user)

    def _attempt(self, text: str, record_user: bool = True) -> Iterator[Reply]:
        from langchain_core.messages import HumanMessage, SystemMessage

        agent = self._agent
        project = self.tools.project()
        self._plan_offered[0] = not project.shots or self._force_plan[0] or self._replan_asked[0]
        messages = [SystemMessage(context_text(project)), *self._history(), HumanMessage(text)]
        parts: list[str] = []
        steps: list[str] = []
        finished = False
        visible = VisibleText()  # thinking and tool calls written as text stay off the screen
        try:
            for mode, data in agent.stream({"messages": messages}, config={"recursion_limit": self.recursion_limit},
                                           stream_mode=["messages", "updates"]):
                if mode == "messages":
                    chunk, meta = data
                    if meta.get("langgraph_node") == "model" and isinstance(chunk.content, str) and chunk.content:
                        shown = visible.feed(chunk.content, chunk.id)
                        if shown:
                            yield Reply(shown, final=False)
                    if meta.get("langgraph_node") == "model" and getattr(chunk, "response_metadata", {}).get(
                            "finish_reason"):
                        finished = True
                elif mode == "updates":
                    for node, update in (data or {}).items():
                        if node == "model" and update:  # the reviewed (repaired) answer is what is kept
                            parts.extend(m.content for m in update.get("messages", [])
                                         if isinstance(m.content, str) and m.content.strip())
                        if node != "tools" or not update:
                            continue
                        for m in update.get("messages", []):
                            step = f"{m.name}: {str(m.content).splitlines()[0][:160]}"
                            steps.append(step)
                            yield Reply("", steps=[step], final=False)
        except Exception as e:  # noqa: BLE001 - every failure becomes one readable message
            raise ShotcallerError(describe_failure(e, self.provider, self.recursion_limit)) from None
        if not finished:
            raise ShotcallerError(f"the answer from {self.provider} was cut off before it finished; nothing was "
                                  "lost: send your message again")
        reply = "\n".join(p.strip() for p in parts).strip()
        if record_user:
            self.conversation.append(Message(role="user", content=text))
        self.conversation.append(Message(role="assistant", content=reply))
        yield Reply(reply, steps=steps, final=True)


def describe_failure(e: Exception, provider: str, limit: int) -> str:
    import openai

    tail = "nothing was lost: try again, or use --llm offline"
    name = type(e).__name__
    if isinstance(e, ShotcallerError):  # already one clear line (the repair layer gave up)
        return str(e)
    if isinstance(e, openai.APITimeoutError):
        return f"{provider} did not answer in time ({name}); {tail}"
    if isinstance(e, openai.APIConnectionError):
        return f"{provider} could not be reached (is it running?); {tail}"
    if isinstance(e, openai.RateLimitError):
        return f"{provider} is rate-limiting requests (429) even after retries; wait a moment, {tail}"
    if isinstance(e, openai.APIStatusError):
        return f"{provider} answered HTTP {e.status_code}: {str(e.message)[:160]}; {tail}"
    if name == "GraphRecursionError":
        return f"the director took more than {limit} steps without finishing and was stopped; {tail}"
    if isinstance(e, (ValueError, openai.APIResponseValidationError)):
        return f"{provider} sent an answer that is not valid ({name}: {str(e)[:120]}); {tail}"
    return f"the turn failed ({name}: {str(e)[:160]}); {tail}"
