"""The studio's chat: messages queued per tab and answered in order by the tab's director, the
reply streamed into the chat as the artist reads it.

A mixin of `ui.handlers.Studio` (which provides `store`, `_directors`, `_building`, `project`, `history`,
`display`, `describe_director`, `log_folder` and `_disk_version`)."""

from __future__ import annotations

import inspect
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from . import views
from .errors import explain
from .session import Session

THIS_SHOT = re.compile(r"\b(this|that|the selected|the clicked)\s+(shot|one|card|frame|image)\b", re.I)
NAMES_A_SHOT = re.compile(r"^\s*shots?\s+\d+", re.I)
STREAM_EVERY_S = 0.1


class ChatTurns:
    """Queue, answer, stream: one tab's conversation with its director."""

    def warm_director(self, spec: str = "", session: Session | None = None) -> threading.Thread:
        """Pay the first-use costs in the background, before anyone waits on them: the automatic
        choice's probes (and huggingface_hub's import), the guided director and its tools, the
        critic's embedding model (seconds to load; a first revision would wait for it), LangChain
        when the director is an LLM, and the tab's director itself when a project is open."""
        def warm() -> None:
            try:
                import assistant.session  # noqa: F401 - the directors, their tools, the project editor
                from assistant import critic

                described = self.describe_director(spec)
                if not described.startswith(("offline", "not usable")):
                    import langchain.agents  # noqa: F401
                    import langchain_openai  # noqa: F401
                from assistant.llm import local_download_needed

                if session is not None and session.project and not local_download_needed(spec or None):
                    self.director(session)  # an LLM agent's graph: built now, not on the first Enter
                critic.banks()
            except Exception:  # noqa: BLE001 - a turn that needs what failed here says what is wrong
                pass

        thread = threading.Thread(target=warm, name="shotcaller-warm", daemon=True)
        thread.start()
        return thread

    def director(self, session: Session, **progress: Any):
        """This tab's director, built once per project and LLM (an LLM agent's graph is not free to
        build); its conversation is re-read every turn, since another tab may have talked meanwhile.
        `progress` (say=, tqdm_class=) goes to the local model's first download."""
        from assistant.conversation import Conversation
        from assistant.session import open_director

        key = (session.project, session.llm)
        # a turn that comes while `warm_director` builds this one waits for it, rather than building
        # a second one beside it (twice the work, on the same GIL)
        with self._building.setdefault(session.key, threading.Lock()):
            if self._directors.get(session.key, (None, None))[0] != key:
                self._directors[session.key] = (key, open_director(self.store, session.project, session.llm or None,
                                                                   renderer=self.renderer(session), **progress))
        director = self._directors[session.key][1]
        director.conversation = Conversation(self.store.folder(session.project) / "chat.jsonl")
        return director

    def submit(self, session: Session, text: str) -> bool:
        """Queue a typed message (never dropped). "this shot" means the selected one."""
        text = (text or "").strip()
        if not text:
            return False
        if session.selected_shot and THIS_SHOT.search(text) and not NAMES_A_SHOT.match(text):
            text = f"shot {session.selected_shot}: {text}"
        session.inbox.put(text)
        return True

    def ready(self, session: Session) -> bool:
        return bool(session.project) and not session.creating and not session.held

    def drain(self, session: Session) -> Iterator[bool]:
        """Answer the waiting messages in order. Yields after each streamed piece: True once a turn
        has changed the project (the views then refresh once), False otherwise."""
        yield from session.inbox.drain(lambda: self.ready(session), lambda text: self.answer(session, text))

    def answer(self, session: Session, message: str) -> Iterator[bool]:
        session.chat.append(views.chat_message("user", message))
        yield False
        before = self._disk_version(session)
        chat = session.chat
        try:
            director = yield from self._director_downloading(session)
            if message == "/plan":
                replies = director.plan()
            else:
                wants = "selected_shot" in inspect.signature(director.turn).parameters
                replies = director.turn(message, **({"selected_shot": session.selected_shot} if wants else {}))
            live: int | None = None  # index of the message being streamed into, if any
            streamed = False
            shown = 0.0  # when a growing message was last sent to the page
            for reply in replies:
                if reply.final and streamed:  # the agent's whole text: already on screen, piece by piece
                    if live is not None:
                        chat[live] = views.chat_message("assistant", chat[live]["content"])
                    yield False
                    continue
                for step in reply.steps:
                    if chat and chat[-1].get("metadata") and str(chat[-1]["content"]).endswith("…"):
                        chat.pop()  # a step in progress ("writing the chorus: section 2 of 5…"), now done
                    chat.append(views.chat_message("assistant", step, step=True))
                    live = None
                if reply.final and reply.text:
                    chat.append(views.chat_message("assistant", reply.text))
                elif reply.text:
                    streamed = True
                    grows = live is not None
                    if live is None:
                        chat.append({"role": "assistant", "content": ""})
                        live = len(chat) - 1
                    chat[live] = {"role": "assistant", "content": chat[live]["content"] + reply.text}
                    # every message to the page costs the browser a pass over every output it holds
                    # (a 100-row table included): a growing reply is sent at most STREAM_EVERY_S, its
                    # first words at once, and the whole of it when the turn ends
                    if grows and time.monotonic() - shown < STREAM_EVERY_S:
                        continue
                    shown = time.monotonic()
                yield False
        except Exception as e:  # noqa: BLE001 - every failure is one line in the chat; tracebacks go to the log
            chat.append({"role": "assistant", "content": explain(e, "the director's turn", self.log_folder(session))})
        after = self._disk_version(session)
        session.version = after
        yield after != before

    def _director_downloading(self, session: Session) -> Iterator[bool]:
        """`director(session)`; when that first downloads the local model, one chat message shows the
        download's size and progress bar meanwhile, updated in place."""
        from assistant.llm import local_download_needed

        built = self._directors.get(session.key, (None, None))[0] == (session.project, session.llm)
        if built or not local_download_needed(session.llm or None):
            return self.director(session)
        from assistant.local_model import with_progress

        session.chat.append(views.chat_message("assistant", "Preparing the local director…"))
        at, steps = len(session.chat) - 1, with_progress(lambda **progress: self.director(session, **progress))
        while True:
            try:
                session.chat[at] = views.chat_message("assistant", next(steps))
            except StopIteration as done:
                return done.value
            yield False

    def chat(self, session: Session, message: str, history: Any = None) -> Iterator[list[dict[str, Any]]]:
        """Queue `message` and answer everything waiting, yielding the chat as it grows."""
        self.submit(session, message)
        yield self.display(session)
        if not session.project:
            session.chat.append({"role": "assistant", "content": "Create or open a project first: your message "
                                 "waits in the queue."})
            yield self.display(session)
            session.chat.pop()
            return
        for _ in self.drain(session):
            yield self.display(session)

    def opening(self, session: Session) -> list[dict[str, Any]]:
        """On a new project the director opens the interview itself (unless its local model must be
        downloaded first: that happens, with its progress shown, on the artist's first message)."""
        from assistant.llm import local_download_needed

        if model := local_download_needed(session.llm or None):
            session.chat.append(views.chat_message(
                "assistant", f"Your first message downloads the local director model {model} once; its size "
                "and progress show here. Tell me about the song meanwhile."))
            return session.chat
        try:
            reply = self.director(session).opening()
        except Exception as e:  # noqa: BLE001
            session.chat.append({"role": "assistant", "content": explain(e, "the director", self.log_folder(session))})
            return session.chat
        if reply:
            session.chat = self.history(self.project(session))
        session.version = self._disk_version(session)
        return session.chat
