"""Open a director (guided or LLM) on a project: the one entry point the CLI and the studio use."""

from __future__ import annotations

from shotlist.editor import Renderer
from shotlist.store import ProjectStore

from .conversation import Conversation
from .guided import GuidedDirector
from .llm import resolve_provider
from .tools import ProjectTools


def local_renderer(store: ProjectStore) -> Renderer:
    """Render on this machine with the project's own size and rate (front ends pass their own for settings)."""

    def render(project_id: str, shots: list[int] | None, backend: str):
        from generation.render import Renderer as LocalRenderer

        return LocalRenderer(store, project_id, backend).render(shots=shots)

    return render


def open_director(store: ProjectStore, project_id: str, llm: str | None = None, renderer: Renderer | None = None):
    project = store.load(project_id)  # fails early, clearly, on a missing or corrupt project
    provider = resolve_provider(llm)
    tools = ProjectTools(store, project.id, renderer=renderer or local_renderer(store))
    conversation = Conversation(store.folder(project.id) / "chat.jsonl")
    if provider.kind == "offline":
        return GuidedDirector(tools, conversation)
    from .agent import AgentDirector

    return AgentDirector(tools, conversation, provider)
