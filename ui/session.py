"""One studio session per browser tab, kept on the server: which project, which settings, the chat
as shown, and the inbox of messages typed while the director was busy.

A Gradio event only sees the values its inputs had when it was triggered; a message typed while a
song is being analysed would otherwise run against the tab's old state and be lost. The inbox holds
every message in the order it was typed until the director can answer it; `Inbox.drain` answers them
one at a time, so two quick messages are answered in order, never at once and never dropped.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class Inbox:
    """Messages waiting for the director, in the order they were typed."""

    def __init__(self) -> None:
        self._pending: deque[str] = deque()
        self._guard = threading.Lock()  # protects the deque
        self._turn = threading.Lock()  # held while one drain answers messages

    def put(self, text: str) -> None:
        with self._guard:
            self._pending.append(text)

    def pending(self) -> list[str]:
        with self._guard:
            return list(self._pending)

    def __len__(self) -> int:
        with self._guard:
            return len(self._pending)

    def _peek(self) -> str | None:
        with self._guard:
            return self._pending[0] if self._pending else None

    def _pop(self) -> None:
        with self._guard:
            self._pending.popleft()

    def drain(self, ready: Callable[[], bool], answer: Callable[[str], Iterator[T]]) -> Iterator[T]:
        """Answer waiting messages in order while `ready()`; whoever holds the turn answers every
        message, including those that arrive meanwhile. A message leaves the inbox only once its
        answer has started, so a message typed while not ready waits for the next drain."""
        while True:
            if not self._turn.acquire(blocking=False):
                return  # another drain is answering: it will reach our message too
            try:
                while ready():
                    text = self._peek()
                    if text is None:
                        break
                    self._pop()
                    yield from answer(text)
            finally:
                self._turn.release()
            # a message put between our last look and the release would otherwise wait for the next one
            if not (len(self) and ready()):
                return

    @property
    def answering(self) -> bool:
        return self._turn.locked()


@dataclass
class Session:
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    project: str | None = None
    version: int | None = None  # the project version this tab shows: edits are made against it
    llm: str = ""  # empty: automatic (OpenAI key → Ollama → local model → offline)
    backend: str = "animatic"
    model: str = ""
    width: int | None = None  # None: the project's own constraints
    height: int | None = None
    fps: float | None = None
    takes: int = 1
    ray: str = ""  # empty: render here; "local" or a Ray cluster address: render on Ray workers
    selected_shot: int | None = None
    play: str = "animatic"  # what the Video tab plays: "animatic" or "cut" (`ui.playback`)
    tab: str = "tab-storyboard"  # the tab in view: only its picture view is sent when the project changes
    creating: str = ""  # the song being analysed, if any: queued messages wait for the new project
    held: bool = False  # the project they were typed for failed to create: they wait for the next one
    chat: list[dict[str, Any]] = field(default_factory=list)  # the chat as shown in this tab
    inbox: Inbox = field(default_factory=Inbox)
    # held while one of this tab's chat events hands the page an update: the page gets them in the
    # order they were made (see `ui.wiring.Wiring.in_order`)
    showing: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    creation_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def settings(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("llm", "backend", "model", "width", "height", "fps", "takes", "ray")}


class Sessions:
    """The live sessions of a studio, by key (Gradio's per-tab session hash)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, key: str | None) -> Session:
        with self._lock:
            if key is None:
                return Session()
            if key not in self._by_key:
                self._by_key[key] = Session(key=key)
            return self._by_key[key]

    def drop(self, key: str) -> None:
        with self._lock:
            self._by_key.pop(key, None)
