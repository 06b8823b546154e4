"""Questions about the plan, answered from what is stored: the critic's ranking, a shot's why-generative,
what changed since the last render. They save nothing."""

from __future__ import annotations

from pydantic import Field

from .. import arrange
from ..editor import ProjectEditor
from ..errors import ShotcallerError
from ..models import Project
from ..shot_ops import content
from .table import Operation, Result, ShotRef, operation


def _planned(editor: ProjectEditor) -> Project:
    project = editor.project()
    if not project.shots:
        raise ShotcallerError(f"{project.title} has no plan yet: plan it first ('plan it', /plan)")
    return project


@operation("weakest_shots")
class WeakestShots(Operation):
    """Name the weakest shots by the critic's ranking (clichés first, then the least grounded), and why."""

    asks = True
    count: int = Field(default=1, ge=1, le=10, description="How many to name.")

    def apply(self, editor: ProjectEditor) -> Result:
        project = _planned(editor)
        ranked = sorted(project.shots, key=lambda s: (not s.critique.generic, s.critique.grounding))[:self.count]
        lines = [f"shot {s.index} ({s.subject or 'untitled'}): " + ("; ".join(s.critique.notes) or
                 f"grounding {s.critique.grounding:.2f}") for s in ranked]
        return Result(self.name, "weakest: " + " | ".join(lines), None, [s.index for s in ranked])


@operation("why_generative")
class WhyGenerative(Operation):
    """Say why a shot needs generated video rather than a camera (its why-generative)."""

    asks = True
    shot: ShotRef

    def apply(self, editor: ProjectEditor) -> Result:
        project = _planned(editor)
        n = arrange.number(project, self.shot)
        why = project.shots[n - 1].why_generative
        line = f"shot {n} needs generation because {why[:1].lower()}{why[1:]}" if why else \
            f"shot {n} has no reason to be generated: a camera could film it (tell me why it should be generated)"
        return Result(self.name, line, None, [n])


@operation("changes_since")
class ChangesSince(Operation):
    """Say what changed since a version, by default since the last render: shots added, removed, changed."""

    asks = True
    version: int | None = Field(default=None, ge=1, description="Version to compare with; empty: the last render.")

    def apply(self, editor: ProjectEditor) -> Result:
        now = _planned(editor)
        store, pid = editor.store, editor.project_id
        since, what = self.version, f"version {self.version}"
        if since is None:
            since = _last_render(store, pid, now.version)
            what = f"the last render (version {since})" if since else "the first plan"
            since = since or next((v for v, label in store.history(pid) if label in ("plan", "re-plan")), 1)
        old = store.load_version(pid, since)
        before = {s.id: s for s in old.shots}
        added = [s.index for s in now.shots if s.id not in before]
        changed = [s.index for s in now.shots if s.id in before and content(s) != content(before[s.id])]
        gone = len([i for i in before if i not in {s.id for s in now.shots}])
        names = [label for v, label in store.history(pid) if since < v <= now.version and label]
        parts = [f"{len(added)} added ({', '.join(map(str, added))})" if added else "",
                 f"{len(changed)} changed ({', '.join(map(str, changed))})" if changed else "",
                 f"{gone} removed" if gone else ""]
        said = ", ".join(p for p in parts if p) or "nothing"
        line = f"since {what}: {said}" + (f" — {'; '.join(names)}" if names else "")
        return Result(self.name, line, None, sorted(set(added + changed)))


def _last_render(store, pid: str, upto: int) -> int | None:
    """The newest version up to `upto` whose save added takes (a render writes them)."""
    history = [v for v in store.versions(pid) if v <= upto]
    takes = {v: sum(len(s.takes) for s in store.load_version(pid, v).shots) for v in history[-30:]}
    for v in sorted(takes, reverse=True):
        if v - 1 in takes and takes[v] > takes[v - 1]:
            return v
    return None
