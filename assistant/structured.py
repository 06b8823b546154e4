"""One structured call: a reply constrained to a JSON schema, parsed and validated into a pydantic model.

    reply = ask(provider, [{"role": "system", "content": ...}, {"role": "user", "content": ...}], Filed)

The schema travels as OpenAI's `response_format: {"type": "json_schema", ...}`, which llama-server
(turned into a grammar), vLLM (guided decoding), Ollama's OpenAI endpoint and OpenAI's strict
structured outputs all honour, so a reply from them parses whatever the model's weights are. A
server that ignores it (the scripted test server, an old proxy) is read leniently (thinking and
prose around the object dropped, as the repair middleware does for tool calls). Whatever comes back
is validated; a reply that is cut at the token limit, empty or invalid becomes one `StructuredReplyError`
and nothing is changed by the caller.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shotlist.errors import ShotcallerError

from .gbnf import compact_grammar
from .llm import Provider
from .repair import first_json, strip_thinking

M = TypeVar("M", bound=BaseModel)


class StructuredReplyError(ShotcallerError):
    """The model's reply could not be used; nothing was changed."""


@dataclass
class CallStats:
    """What one structured call cost: tokens as the server counted them, and wall time."""

    phase: str
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    valid: bool = False  # the reply parsed and validated against the schema


@dataclass
class Ledger:
    """Every structured call of a director, in order (the eval and the benchmark read it)."""

    calls: list[CallStats] = field(default_factory=list)

    def by_phase(self) -> dict[str, list[CallStats]]:
        out: dict[str, list[CallStats]] = {}
        for c in self.calls:
            out.setdefault(c.phase, []).append(c)
        return out


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, closed (no extra keys), as strict structured outputs want it."""
    schema = model.model_json_schema()

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                node.setdefault("additionalProperties", False)
            for v in node.values():
                close(v)
        elif isinstance(node, list):
            for v in node:
                close(v)

    close(schema)
    return schema


def request_body(provider: Provider, messages: list[dict], model: type[BaseModel], max_tokens: int) -> dict:
    body: dict[str, Any] = {
        "model": provider.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.7,
        "response_format": {"type": "json_schema",
                            "json_schema": {"name": model.__name__, "schema": schema_of(model), "strict": True}},
    }
    if provider.kind == "local":  # Qwen3: no thinking before a constrained object (it would be cut by the grammar)
        body["chat_template_kwargs"] = {"enable_thinking": False}
    return body


def whole_characters(value: Any) -> Any:
    """Every string with its lone surrogates replaced by U+FFFD: JSON's `\\ud800` escape is valid to a grammar
    and to `json.loads`, but no encoder (a tokenizer, a UTF-8 file) takes half a character."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {whole_characters(k): whole_characters(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_characters(v) for v in value]
    return value


def parse(text: str | None, model: type[M], provider: str) -> M:
    """The reply as `model`: exact JSON first, then the first object in it (a server that ignored the schema)."""
    raw = strip_thinking(text or "")
    try:
        value = json.loads(raw)
    except ValueError:
        found = first_json(raw)
        if found is None:
            raise StructuredReplyError(f"{provider} did not answer with the JSON asked for "
                                       f"({raw[:60]!r}); nothing was lost or changed: say it again") from None
        value = found[0]
    try:
        return model.model_validate(whole_characters(value))
    except ValidationError as e:
        problem = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'reply'}: {err['msg']}" for err in e.errors()[:3])
        raise StructuredReplyError(f"{provider}'s answer did not fit ({problem}); nothing was lost or "
                                   "changed: say it again") from None


def native_llama_server(provider: Provider) -> bool:
    """A GGUF model served by our llama-server: asked through its own `/completion` (see `ask_llama_server`)."""
    from .local_model import is_gguf

    return provider.kind == "local" and bool(provider.base_url) and is_gguf(provider.model)


def ask_llama_server(provider: Provider, messages: list[dict], model: type[BaseModel], max_tokens: int,
                     stats: CallStats) -> tuple[str, bool]:
    """llama-server's own endpoints: the chat template applied by `/apply-template`, then `/completion` with
    the schema as its grammar (assistant/gbnf.py's compact one where it covers the schema). Its OpenAI endpoint re-reads the output with the template's tool-call and
    reasoning parser, which refuses some schema-valid replies (HTTP 500 "does not match the expected
    peg-native format", seen with a random model); the raw completion is exactly what the grammar allowed.
    Returns the text and whether it was cut at the token limit."""
    import httpx

    root = (provider.base_url or "").removesuffix("/").removesuffix("/v1")
    with httpx.Client(timeout=provider.timeout) as http:
        prompt = http.post(f"{root}/apply-template", json={
            "messages": messages, "chat_template_kwargs": {"enable_thinking": False}})
        prompt.raise_for_status()
        schema = schema_of(model)
        grammar = compact_grammar(schema)  # no whitespace between the JSON's tokens: none spent on nothing
        reply = http.post(f"{root}/completion", json={
            "prompt": prompt.json()["prompt"], **({"grammar": grammar} if grammar else {"json_schema": schema}),
            "n_predict": max_tokens, "temperature": 0.7, "cache_prompt": True})
        reply.raise_for_status()
    body = reply.json()
    timings = body.get("timings", {})
    stats.prompt_tokens = int(timings.get("prompt_n", 0)) + int(timings.get("cache_n", 0))
    stats.cached_tokens = int(timings.get("cache_n", 0))
    stats.completion_tokens = int(body.get("tokens_predicted", 0))
    return body.get("content", ""), body.get("stop_type") == "limit"


def warm_prefix(provider: Provider, messages: list[dict], ledger: Ledger | None = None) -> None:
    """Have our llama-server read `messages` (a phase's system prompt) into its prompt cache now, while the
    artist reads and types, so the phase's next call reads only what is new (one slot: the call waits for
    this one). Counted in `ledger` as phase "prefix". A failure costs nothing: the call reads it itself."""
    import httpx

    root = (provider.base_url or "").removesuffix("/").removesuffix("/v1")
    stats = CallStats("prefix")
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=provider.timeout) as http:
            prompt = http.post(f"{root}/apply-template", json={
                "messages": messages, "chat_template_kwargs": {"enable_thinking": False}})
            prompt.raise_for_status()
            reply = http.post(f"{root}/completion", json={"prompt": prompt.json()["prompt"], "n_predict": 1,
                                                          "cache_prompt": True})
            reply.raise_for_status()
        timings = reply.json().get("timings", {})
    except (httpx.HTTPError, ValueError, KeyError):
        return
    stats.prompt_tokens = int(timings.get("prompt_n", 0)) + int(timings.get("cache_n", 0))
    stats.cached_tokens, stats.valid = int(timings.get("cache_n", 0)), True
    stats.seconds = time.perf_counter() - started
    if ledger is not None:
        ledger.calls.append(stats)


def ask(provider: Provider, messages: list[dict], model: type[M], max_tokens: int = 256,
        phase: str = "", ledger: Ledger | None = None) -> M:
    """One constrained completion as `model`; raises `StructuredReplyError` (a `ShotcallerError`) on a
    cut, empty or invalid reply, and a `ShotcallerError` naming the provider on network or server faults."""
    import openai

    name = provider.describe()
    if native_llama_server(provider):
        return _ask_native(provider, messages, model, max_tokens, phase, ledger)
    client = openai.OpenAI(base_url=provider.base_url, api_key=provider.api_key or "x", timeout=provider.timeout,
                           max_retries=provider.max_retries)
    body = request_body(provider, messages, model, max_tokens)
    extra = {k: body.pop(k) for k in ("chat_template_kwargs",) if k in body}
    started = time.perf_counter()
    try:
        reply = client.chat.completions.create(**body, extra_body=extra or None)
    except openai.APIStatusError as e:
        raise ShotcallerError(f"{name} answered HTTP {e.status_code}: {str(e.message)[:160]}; nothing was lost or "
                              "changed: try again, or use --llm offline") from None
    except openai.APIError as e:
        raise ShotcallerError(f"{name} could not be reached or answered badly ({type(e).__name__}); nothing was lost or "
                              "changed: try again, or use --llm offline") from None
    stats = CallStats(phase or model.__name__, seconds=time.perf_counter() - started)
    if reply.usage:
        stats.prompt_tokens, stats.completion_tokens = reply.usage.prompt_tokens, reply.usage.completion_tokens
        details = getattr(reply.usage, "prompt_tokens_details", None)
        stats.cached_tokens = getattr(details, "cached_tokens", 0) or 0
    if ledger is not None:
        ledger.calls.append(stats)
    if not reply.choices:
        raise StructuredReplyError(f"{name} sent no answer; nothing was lost or changed: say it again")
    choice = reply.choices[0]
    if choice.finish_reason == "length":
        raise StructuredReplyError(f"{name}'s answer was cut at its {max_tokens}-token limit before it was "
                                   "complete; nothing was lost or changed: say it again, more briefly")
    parsed = parse(choice.message.content, model, name)
    stats.valid = True
    return parsed


def _ask_native(provider: Provider, messages: list[dict], model: type[M], max_tokens: int, phase: str,
                ledger: Ledger | None) -> M:
    import httpx

    name = provider.describe()
    stats = CallStats(phase or model.__name__)
    started = time.perf_counter()
    try:
        text, cut = ask_llama_server(provider, messages, model, max_tokens, stats)
    except httpx.HTTPStatusError as e:
        raise ShotcallerError(f"{name} answered HTTP {e.response.status_code}: {e.response.text[:160]}; nothing was "
                              "lost or changed: try again, or use --llm offline") from None
    except (httpx.HTTPError, ValueError, KeyError) as e:
        raise ShotcallerError(f"{name} could not be reached or answered badly ({type(e).__name__}); nothing was "
                              "lost or changed: try again, or use --llm offline") from None
    stats.seconds = time.perf_counter() - started
    if ledger is not None:
        ledger.calls.append(stats)
    if cut:
        raise StructuredReplyError(f"{name}'s answer was cut at its {max_tokens}-token limit before it was "
                                   "complete; nothing was lost or changed: say it again, more briefly")
    parsed = parse(text, model, name)
    stats.valid = True
    return parsed
