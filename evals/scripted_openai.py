"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests, evals and benchmarks.

It speaks `/v1/chat/completions` (plain and `stream: true` SSE, text and tool calls) and `/v1/models`,
so the real `openai` client, LangChain's `ChatOpenAI` and the agent run unchanged against it. Replies
come from a script: a list of `Step`s, or one callable that sees each request. Faults are steps too.

    with ScriptedOpenAI([Step.text("Hello"), Step.call("critique", {})]) as server:
        ChatOpenAI(base_url=server.url, api_key="x", model="scripted")
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def approx_tokens(text: str) -> int:
    """~4 characters a token: the same rule for every request, so ratios are fair."""
    return max(1, len(text) // 4)


@dataclass
class Step:
    content: str | None = None
    tool_calls: list[tuple[str, Any]] = field(default_factory=list)  # (name, arguments dict or raw string)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw_body: bytes | None = None  # sent as is (garbage JSON)
    truncate_stream: bool = False  # stream stops before [DONE] and the connection closes
    finish: str | None = None  # overrides the finish reason ("length": cut at the token limit)

    @classmethod
    def text(cls, content: str) -> Step:
        return cls(content=content)

    @classmethod
    def call(cls, name: str, arguments: Any, content: str | None = None) -> Step:
        return cls(content=content, tool_calls=[(name, arguments)])

    @classmethod
    def error(cls, status: int, message: str = "scripted error", **headers: str) -> Step:
        return cls(status=status, content=message, headers=headers)

    # -- how real small models misbehave (see assistant/repair.py) --------------------------------
    @classmethod
    def call_as_text(cls, name: str, arguments: dict, style: str = "tag", prose: str = "") -> Step:
        """A tool call written in the content: `<tool_call>` tags (Qwen/Hermes), a ```json fence, or bare JSON."""
        body = json.dumps({"name": name, "arguments": arguments})
        text = {"tag": f"<tool_call>\n{body}\n</tool_call>", "fence": f"```json\n{body}\n```", "bare": body}[style]
        return cls(content=f"{text} {prose}".strip())

    @classmethod
    def thinking(cls, thought: str, answer: str, opened: bool = True) -> Step:
        """Reasoning left in the content; `opened=False` as when the chat template prefilled `<think>`."""
        return cls(content=("<think>" if opened else "") + f"{thought}</think>\n\n{answer}")

    @classmethod
    def cut(cls, content: str | None = None, call: tuple[str, str] | None = None) -> Step:
        """A reply cut at the token limit: text, or a tool call whose arguments stop mid-JSON."""
        return cls(content=content, tool_calls=[call] if call else [], finish="length")


Script = list[Step] | Callable[[dict], Step]


class ScriptedOpenAI:
    def __init__(self, script: Script | None = None, model: str = "scripted"):
        self.script: Script = script if script is not None else []
        self.model = model
        self.requests: list[dict] = []
        self.usage: list[tuple[int, int]] = []  # (prompt, completion) tokens per answered request
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def total_tokens(self) -> int:
        """Prompt + completion tokens of every answered request so far (~4 characters a token)."""
        return sum(p + c for p, c in self.usage)

    def push(self, *steps: Step) -> None:
        assert isinstance(self.script, list)
        self.script.extend(steps)

    def _next(self, request: dict) -> Step:
        with self._lock:
            self.requests.append(request)
            if callable(self.script):
                return self.script(request)
            if not self.script:
                return Step.text("(the script has no more replies)")
            return self.script.pop(0)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return self._json(400, {"error": {"message": "bad JSON"}})
                step = server._next(request)
                if step.delay:
                    time.sleep(step.delay)
                if step.status != 200:
                    return self._json(step.status, {"error": {"message": step.content, "type": "scripted"}},
                                      step.headers)
                if step.raw_body is not None:
                    return self._send(200, step.raw_body, "application/json")
                choice = request.get("tool_choice")
                if isinstance(choice, dict) and step.tool_calls:
                    wanted = choice.get("function", {}).get("name")
                    if any(name != wanted for name, _ in step.tool_calls):
                        return self._json(400, {"error": {"message": f"tool_choice requires {wanted}"}})
                calls = [{"id": f"call_{len(server.requests)}_{i}", "type": "function",
                          "function": {"name": name,
                                       "arguments": args if isinstance(args, str) else json.dumps(args)}}
                         for i, (name, args) in enumerate(step.tool_calls)]
                prompt = approx_tokens(json.dumps(request.get("messages", [])) + json.dumps(request.get("tools", [])))
                completion = approx_tokens((step.content or "") + json.dumps([c["function"] for c in calls]))
                server.usage.append((prompt, completion))
                usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
                if request.get("stream"):
                    return self._stream(step, calls, usage)
                message: dict[str, Any] = {"role": "assistant", "content": step.content}
                if calls:
                    message["tool_calls"] = calls
                self._json(200, {
                    "id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
                    "model": server.model, "usage": usage,
                    "choices": [{"index": 0, "message": message,
                                 "finish_reason": step.finish or ("tool_calls" if calls else "stop")}],
                })

            def _stream(self, step: Step, calls: list[dict], usage: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()

                def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> None:
                    body = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
                            "model": server.model,
                            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
                    self.wfile.write(b"data: " + json.dumps(body).encode() + b"\n\n")
                    self.wfile.flush()

                chunk({"role": "assistant", "content": ""})
                words = (step.content or "").split(" ")
                for i, word in enumerate(words if step.content else []):
                    chunk({"content": word + (" " if i < len(words) - 1 else "")})
                    if step.truncate_stream and i >= len(words) // 2:
                        self.close_connection = True
                        return
                for i, call in enumerate(calls):  # tool calls arrive in pieces, as real servers send them
                    args = call["function"]["arguments"]
                    half = len(args) // 2
                    chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                           "function": {"name": call["function"]["name"], "arguments": args[:half]}}]})
                    chunk({"tool_calls": [{"index": i, "function": {"arguments": args[half:]}}]})
                chunk({}, step.finish or ("tool_calls" if calls else "stop"), {"usage": usage})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
                self._send(status, json.dumps(body).encode(), "application/json", headers)

            def _send(self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler
