"""The one adapter between the eval runner and the director: everything the runner needs from
`assistant` goes through `open_session`, so that when the director or the editor API changes, only
this file is re-pointed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shotlist.models import Project
from shotlist.store import ProjectStore


@dataclass
class Said:
    role: str
    content: str
    topic: str | None = None


class Session:
    """A director on one project, driven turn by turn to completion."""

    def __init__(self, director: Any, store: ProjectStore, project_id: str):
        self._director = director
        self._store = store
        self._project_id = project_id

    def opening(self) -> None:
        self._director.opening()

    def say(self, text: str) -> None:
        for _reply in self._director.turn(text):
            pass

    def plan(self) -> None:
        for _reply in self._director.plan():
            pass

    def phase_seconds(self) -> dict[str, float]:
        """Seconds the model spent per phase (interview, section, revision, critique); empty for a director
        that does not count its calls by phase (guided mode, the agent)."""
        ledger = getattr(self._director, "ledger", None)
        if ledger is None:
            return {}
        return {phase: sum(c.seconds for c in calls) for phase, calls in ledger.by_phase().items()}

    def messages(self) -> list[Said]:
        return [Said(m.role, m.content, getattr(m, "topic", None)) for m in self._director.conversation.messages]

    def project(self) -> Project:
        return self._store.load(self._project_id)


def open_session(store: ProjectStore, project_id: str, llm: str) -> Session:
    from assistant.session import open_director

    return Session(open_director(store, project_id, llm), store, project_id)
