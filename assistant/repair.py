"""Repairs for what real (small, local) models get wrong, as one LangChain agent middleware.

Every model answer is reviewed before the agent acts on it:

- thinking (`<think>…</think>`, also unclosed or with the opening tag prefilled) is dropped;
- a tool call written as text in the content (`<tool_call>{…}</tool_call>`, a ```json fence, a bare
  `{"name": …, "arguments": …}`, with or without prose around it) becomes a real tool call;
- arguments with trailing prose or a code fence are cut to their JSON; wrong argument names are
  mapped to the schema's (`song_meaning` → `meaning`, `shot_list` → `shots`), nested objects too;
- arguments that still do not validate and unknown tools go on to the tool node, whose error
  (naming the valid fields or tools) the model reads and fixes;
- an empty reply, a reply cut at the token limit (text: "continue"; a tool call: "send it shorter"),
  and a turn that must call a tool (the plan) but answers in text are sent back to the model with
  one sentence saying what to fix, up to `max_fixes` times; then the turn stops with one clear
  `ShotcallerError` (the agent records nothing, so the artist can simply send the message again).

`VisibleText` does the same for the tokens streamed to the screen: thinking and tool calls written
as text never reach the artist.
"""

from __future__ import annotations

import difflib
import json
import re
import typing
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from shotlist.errors import ShotcallerError

try:  # the middleware base class; the module stays importable (and testable) without LangChain
    from langchain.agents.middleware import AgentMiddleware
except ImportError:  # pragma: no cover
    AgentMiddleware = object  # type: ignore[assignment,misc]

CALL_MARKERS = ("<tool_call>", "```", '{"')
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CONTINUE = "Your reply was cut at the length limit. Continue exactly where you stopped; do not repeat anything."


def strip_thinking(text: str) -> str:
    if THINK_CLOSE in text and THINK_OPEN not in text.split(THINK_CLOSE, 1)[0]:
        text = text.split(THINK_CLOSE, 1)[1]  # the template prefilled `<think>`: all before the close is thought
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.S)
    text = re.sub(r"<think>.*\Z", "", text, flags=re.S)  # cut while thinking
    return text.strip()


def first_json(text: str) -> tuple[Any, int, int] | None:
    """The first JSON object in `text` and its span; prose after it is ignored."""
    decoder = json.JSONDecoder()
    for m in re.finditer(r"\{", text):
        try:
            value, end = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value, m.start(), end
    return None


def lenient_args(raw: Any) -> dict | None:
    """Arguments as a dict: a JSON object, possibly fenced or followed by prose."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        return None
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
        return value if isinstance(value, dict) else None
    except ValueError:
        found = first_json(raw)
        return found[0] if found else None


def _call_parts(obj: dict) -> tuple[str, Any] | None:
    if isinstance(obj.get("function"), dict):
        obj = obj["function"]
    name = obj.get("name") or obj.get("tool") or obj.get("tool_name")
    if not isinstance(name, str):
        return None
    for key in ("arguments", "args", "parameters", "input"):
        if key in obj:
            return name, obj[key]
    return name, {}


def calls_in_text(text: str) -> tuple[list[tuple[str, Any]], str]:
    """Tool calls written as text, and the prose left around them."""
    calls: list[tuple[str, Any]] = []
    rest = text
    pattern = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)|```(?:json|tool_call|tool)?(.*?)(?:```|\Z)", re.S)
    for m in list(pattern.finditer(text)):
        found = first_json(m.group(1) if m.group(1) is not None else m.group(2) or "")
        parts = _call_parts(found[0]) if found else None
        if parts:
            calls.append(parts)
            rest = rest.replace(m.group(0), " ")
    while True:  # bare JSON objects in the prose
        found = first_json(rest)
        parts = _call_parts(found[0]) if found else None
        if not found or not parts:
            break
        calls.append(parts)
        rest = rest[:found[1]] + " " + rest[found[2]:]
    return calls, re.sub(r"[ \t]{2,}", " ", re.sub(r"[ \t]+\n", "\n", rest)).strip()


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def match_name(name: str, options: typing.Iterable[str], exclude: typing.Container[str] = ()) -> str | None:
    options = [o for o in options if o not in exclude]
    if name in options:
        return name
    by_norm = {_norm(o): o for o in options}
    if _norm(name) in by_norm:
        return by_norm[_norm(name)]
    contained = [o for o in options if len(_norm(o)) > 3 and (_norm(o) in _norm(name) or _norm(name) in _norm(o))]
    if len(contained) == 1:
        return contained[0]
    close = difflib.get_close_matches(_norm(name), list(by_norm), n=1, cutoff=0.7)
    return by_norm[close[0]] if close else None


def _item_model(annotation: Any) -> type[BaseModel] | None:
    for t in (annotation, *typing.get_args(annotation)):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        for inner in typing.get_args(t):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def fix_names(args: dict, schema: type[BaseModel], renamed: list[str]) -> dict:
    """Map argument names to the schema's fields, recursively; unknown names are left for validation."""
    fields = schema.model_fields
    if len(args) == 1:  # {"brief": {...}} / {"args": {...}} around the real arguments
        (key, value), = args.items()
        if key not in fields and isinstance(value, dict) and value and match_name(key, fields) is None:
            renamed.append(f"{key}.* → *")
            args = value
    out: dict = {}
    unknown = [k for k in args if k not in fields]
    for k, v in args.items():
        target = k if k in fields else match_name(k, fields, exclude=set(args) | set(out))
        if target is None and len(fields) == 1 and len(unknown) == 1:
            target = next(iter(fields))
        if target is None:
            out[k] = v
            continue
        if target != k:
            renamed.append(f"{k} → {target}")
        inner = _item_model(fields[target].annotation)
        if inner is not None and isinstance(v, list):
            v = [fix_names(x, inner, renamed) if isinstance(x, dict) else x for x in v]
        elif inner is not None and isinstance(v, dict):
            v = fix_names(v, inner, renamed)
        out[target] = v
    return out


@dataclass
class Review:
    message: Any = None  # the (repaired) AIMessage, when usable
    problem: str = ""  # one sentence for the model: what to fix
    followup: list = field(default_factory=list)  # messages that carry the problem back to the model
    repairs: list[str] = field(default_factory=list)


class RepairMiddleware(AgentMiddleware):  # type: ignore[misc,valid-type]
    """Reviews each model answer (see the module docstring). `required` names a tool the current turn
    must call (the plan: `propose_shot_list`); the agent sets and clears it."""

    def __init__(self, schemas: dict[str, type[BaseModel] | None], max_fixes: int = 2, provider: str = "the model"):
        super().__init__()
        self.schemas = schemas
        self.max_fixes = max_fixes
        self.provider = provider
        self._required: str | None = None
        self.reminders = 0  # per turn: a model may call other tools between reminders
        self.repairs: list[str] = []  # what was repaired, most recent last (for logs and tests)

    @property
    def required(self) -> str | None:
        return self._required

    @required.setter
    def required(self, tool: str | None) -> None:
        self._required, self.reminders = tool, 0

    # -- the hook -------------------------------------------------------------------------------
    def wrap_model_call(self, request: Any, handler: Any) -> Any:
        from langchain.agents.middleware import ModelResponse
        from langchain_core.messages import AIMessage

        messages = list(request.messages)
        prefix = ""  # text of an answer cut at the token limit, continued by the next call
        problems: list[str] = []
        for attempt in range(self.max_fixes + 1):
            response = handler(request if attempt == 0 else request.override(messages=messages))
            ai = next((m for m in reversed(response.result) if isinstance(m, AIMessage)), None)
            if ai is None:
                return response
            review = self.review(ai, messages, prefix)
            self.repairs.extend(review.repairs)
            if review.message is not None:
                return ModelResponse(result=[review.message], structured_response=response.structured_response)
            problems.append(review.problem)
            if self.required and self.required in review.problem:
                self.reminders += 1
                if self.reminders > self.max_fixes:
                    break
            if review.followup and review.followup[-1].content == CONTINUE:
                prefix = review.followup[0].content
            messages = [*messages, *review.followup]
        raise ShotcallerError(f"{self.provider} could not give a usable answer after {self.max_fixes} "
                              f"corrections ({problems[-1].rstrip('.')}); nothing was lost: send your message "
                              "again, or use --llm offline")

    # -- the review -----------------------------------------------------------------------------
    def review(self, ai: Any, messages: list, prefix: str = "") -> Review:
        from langchain_core.messages import AIMessage, HumanMessage

        raw = ai.content if isinstance(ai.content, str) else "".join(
            b.get("text", "") for b in ai.content if isinstance(b, dict))
        text = strip_thinking(prefix + raw)
        cut = ai.response_metadata.get("finish_reason") == "length"
        repairs: list[str] = []
        if THINK_OPEN in raw or THINK_CLOSE in raw:
            repairs.append("thinking dropped")
        calls: list[tuple[str, Any, str | None]] = [(c["name"], c["args"], c.get("id")) for c in ai.tool_calls]
        broken: list[dict] = []  # left to LangChain, which answers them with an error the model reads
        for bad in getattr(ai, "invalid_tool_calls", []) or []:
            args = lenient_args(bad.get("args"))
            if args is None or not bad.get("name"):
                broken.append(bad)
            else:
                calls.append((bad["name"], args, bad.get("id")))
                repairs.append(f"{bad['name']}: arguments cut to their JSON")
        if not calls and not broken:
            found, prose = calls_in_text(text)
            if found:
                calls = [(n, a, None) for n, a in found]
                text = prose
                repairs.append("tool call written as text → tool call")

        def ask(problem: str, echo: str) -> Review:
            return Review(problem=problem, followup=[AIMessage(echo or "(empty)"), HumanMessage(problem)],
                          repairs=repairs)

        if (broken or calls) and cut:  # streamed partial JSON parses "completed": never run a cut call
            name = (broken[0].get("name") if broken else calls[-1][0]) or "a tool"
            return ask(f"Your call to {name} was cut at the length limit. Send it again, shorter (fewer items, "
                       "shorter texts).", raw)
        fixed: list[dict] = []
        for name, args, call_id in calls:
            # an unknown tool or arguments that still do not validate go on as they are: the tool node
            # answers them with an error naming the valid tools or fields, and the model tries again
            tool = match_name(name, self.schemas) or name
            if tool != name:
                repairs.append(f"tool {name} → {tool}")
            args = lenient_args(args)
            schema = self.schemas.get(tool)
            if args is None:
                args = {}
            elif schema is not None:
                before = len(repairs)
                args = fix_names(args, schema, repairs)
                if len(repairs) > before:
                    repairs[before:] = [f"{tool}: " + ", ".join(repairs[before:])]
            fixed.append({"name": tool, "args": args, "id": call_id or f"call_{uuid.uuid4().hex[:12]}",
                          "type": "tool_call"})
        if not fixed and not broken:
            if cut:
                return Review(problem="the reply was cut at the token limit",
                              followup=[AIMessage(prefix + raw), HumanMessage(CONTINUE)], repairs=repairs)
            if self.required and not _called(messages, self.required):
                return ask(f"Do not answer in text: call the {self.required} tool now, with your full proposal "
                           "as its arguments.", raw)
            if not text:
                return ask("Your reply was empty. Answer the artist in one or two sentences (or call a tool).", raw)
        if not repairs and text == raw and not prefix:
            return Review(message=ai)
        message = AIMessage(content=text, tool_calls=fixed, invalid_tool_calls=broken, id=ai.id,
                            response_metadata=ai.response_metadata, usage_metadata=ai.usage_metadata)
        return Review(message=message, repairs=repairs)


def _called(messages: list, tool: str) -> bool:
    """Whether `tool` was called since the artist's last message."""
    from langchain_core.messages import AIMessage, HumanMessage

    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            return False
        if isinstance(m, AIMessage) and any(c["name"] == tool for c in m.tool_calls):
            return True
    return False


class VisibleText:
    """What of a streamed answer the artist should see: thinking and tool calls written as text are
    held back. Feed each chunk with the id of the message it belongs to; get back the new visible text."""

    def __init__(self) -> None:
        self.message_id: str | None = None
        self.raw = ""
        self.shown = ""

    def feed(self, chunk: str, message_id: str | None = None) -> str:
        if message_id != self.message_id:
            self.message_id, self.raw, self.shown = message_id, "", ""
        self.raw += chunk
        visible = self.visible(self.raw)
        if not visible.startswith(self.shown):
            return ""
        new, self.shown = visible[len(self.shown):], visible
        return new

    @staticmethod
    def visible(raw: str) -> str:
        text = re.sub(r"<think>.*?</think>", "", raw, flags=re.S)
        text = re.sub(r"<think>.*\Z", "", text, flags=re.S)
        cut = min((i for i in (text.find(m) for m in CALL_MARKERS) if i >= 0), default=len(text))
        text = text[:cut]
        for marker in (*CALL_MARKERS, THINK_OPEN):  # hold back what may be the start of a marker
            for n in range(len(marker) - 1, 0, -1):
                if text.endswith(marker[:n]):
                    return text[:-n].lstrip()
        return text.lstrip()
