"""Open a director (guided or LLM) on a project: the one entry point the CLI and the studio use."""

from __future__ import annotations

from shotlist.store import ProjectStore

from .conversation import Conversation
from .guided import GuidedDirector
from .llm import resolve_provider
from .tools import ProjectTools


def open_director(store: ProjectStore, project_id: str, llm: str | None = None):
    project = store.load(project_id)  # fails early, clearly, on a missing or corrupt project
    provider = resolve_provider(llm)
    tools = ProjectTools(store, project.id)
    conversation = Conversation(store.folder(project.id) / "chat.jsonl")
    if provider.kind == "offline":
        return GuidedDirector(tools, conversation)
    from .agent import AgentDirector

    return AgentDirector(tools, conversation, provider)
