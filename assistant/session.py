"""Open a director (guided or LLM) on a project: the one entry point the CLI and the studio use."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Any

from shotlist.editor import ProjectEditor, Renderer
from shotlist.errors import ShotcallerError
from shotlist.store import ProjectStore

from .conversation import Conversation
from .guided import GuidedDirector
from .llm import Provider, resolve_provider
from .tools import ProjectTools


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def start_local(provider: Provider, say: Callable[[str], None] = _say, tqdm_class: Any = None) -> Provider:
    """Fetch the local model if needed (size stated, disk checked, progress shown), start or reuse the
    shared server process (llama-server for a GGUF model, else `transformers serve`), and point the
    provider at it. Raises `LocalModelUnavailable` when the model is not cached and cannot be fetched now."""
    from .local_model import fetch, is_gguf
    from .local_server import shared_server

    path = fetch(provider.model, say=say, tqdm_class=tqdm_class)
    return dataclasses.replace(provider, base_url=shared_server().ensure(path if is_gguf(provider.model) else None))


def local_renderer(store: ProjectStore) -> Renderer:
    """Render on this machine with the project's own size and rate, by the one render route (the studio
    passes its own, with its settings)."""
    from generation.route import renderer

    return renderer(store)


def session_editor(store: ProjectStore, project_id: str, renderer: Renderer | None = None) -> ProjectEditor:
    """The one editor of a session, built where it starts: the critic as its review and the renderer injected
    here, once; the director, its tools (guided revisions, the agent's LangChain tools, the phased steps) and
    the chat's own commands all go through it."""
    from . import critic

    return ProjectEditor(store, project_id, review=critic.apply, renderer=renderer or local_renderer(store))


def open_director(store: ProjectStore, project_id: str, llm: str | None = None,
                  say: Callable[[str], None] = _say, tqdm_class: Any = None, renderer: Renderer | None = None,
                  editor: ProjectEditor | None = None):
    """The director for `llm` on the project, over one editor (`session_editor`, or the one passed)."""
    project = store.load(project_id)  # fails early, clearly, on a missing or corrupt project
    provider = resolve_provider(llm)
    tools = ProjectTools(store, project.id, editor=editor or session_editor(store, project.id, renderer))
    conversation = Conversation(store.folder(project.id) / "chat.jsonl")
    if provider.kind == "local":
        from .local_model import LocalModelUnavailable

        try:
            provider = start_local(provider, say, tqdm_class)
        except LocalModelUnavailable as e:  # guided mode meanwhile, saying how to get the model
            provider = Provider("offline", note=str(e))
    if provider.kind == "offline":
        director = GuidedDirector(tools, conversation)
        if provider.note:
            director.provider = provider.describe()
        return director
    if director_kind(provider) == "phased":
        from .phased import PhasedDirector

        return PhasedDirector(tools, conversation, provider)
    from .agent import AgentDirector

    return AgentDirector(tools, conversation, provider)


def director_kind(provider: Provider) -> str:
    """`phased` (short constrained phases, assistant/phased.py) for a local model, `agent` (the tool-calling
    agent, assistant/agent.py) for API models; `SHOTCALLER_DIRECTOR=agent|phased` chooses either."""
    chosen = os.environ.get("SHOTCALLER_DIRECTOR", "").strip().lower()
    if chosen in ("agent", "phased"):
        return chosen
    if chosen:
        raise ShotcallerError(f"SHOTCALLER_DIRECTOR={chosen!r} is not a director; use agent or phased")
    return "phased" if provider.kind == "local" else "agent"
