"""The director's tools: every change to a project goes through here, validated, and is saved as a
new version. The guided mode calls these methods directly; the LLM agent gets them as typed tools
(`registry`). The store is injected, never global.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from shotlist.errors import ShotcallerError
from shotlist.models import Brief, Project, Shot, StyleBible, new_shot_id
from shotlist.store import ProjectStore
from shotlist.timing import conform, nearest

from . import critic


class ShotPatch(BaseModel):
    """Changes to one shot; fields left out stay as they are."""

    shot: str = Field(description="Shot id or 1-based number.")
    changes: dict[str, Any] = Field(description="Shot fields to change, e.g. {'prompt': '...', 'end': 42.5}.")


def _move_neighbours(shots: list[Shot], i: int, moved_start: bool, moved_end: bool) -> None:
    """A moved cut moves the neighbour's matching cut; it may not swallow or cross a neighbour.
    Both shots' lyric is cleared so that `conform` gives each the lines now sung over it."""
    shot = shots[i]
    if moved_end:
        if i + 1 == len(shots):
            raise ShotcallerError(f"shot {i + 1} is the last one: it ends with the song")
        nxt = shots[i + 1]
        if not shot.start < shot.end < nxt.end:
            raise ShotcallerError(f"shot {i + 1} cannot end at {shot.end:.2f}s: it must end after its start "
                                  f"({shot.start:.2f}s) and before shot {i + 2} ends ({nxt.end:.2f}s); merge them instead")
        shots[i + 1] = nxt.model_copy(update={"start": shot.end, "lyric": None})
    if moved_start:
        if i == 0:
            raise ShotcallerError("shot 1 starts with the song")
        prev = shots[i - 1]
        if not prev.start < shot.start < shot.end:
            raise ShotcallerError(f"shot {i + 1} cannot start at {shot.start:.2f}s: it must start after shot {i} "
                                  f"starts ({prev.start:.2f}s) and before its own end ({shot.end:.2f}s)")
        shots[i - 1] = prev.model_copy(update={"end": shot.start, "lyric": None})


class ProjectTools:
    def __init__(self, store: ProjectStore, project_id: str, run_critic: bool = True):
        self.store = store
        self.project_id = project_id
        self.run_critic = run_critic

    # ------------------------------------------------------------------ helpers

    def project(self) -> Project:
        return self.store.load(self.project_id)

    def _save(self, project: Project) -> Project:
        if self.run_critic and project.shots:
            project = critic.apply(project)
        return self.store.save(project)

    def _with_shots(self, project: Project, shots: list[Shot]) -> Project:
        conformed, _ = conform(shots, project.song)
        return Project.model_validate(project.model_dump(by_alias=True) | {
            "shots": [s.model_dump() for s in conformed]})

    # ------------------------------------------------------------------ the tools

    def update_brief(self, **fields: Any) -> str:
        if not fields:
            raise ShotcallerError("nothing to update: name at least one brief field")
        project = self.project()
        unknown = set(fields) - set(Brief.model_fields)
        if unknown:
            raise ShotcallerError(f"unknown brief fields {sorted(unknown)}; known: {sorted(Brief.model_fields)}")
        brief = Brief.model_validate(project.brief.model_dump() | fields)
        saved = self.store.save(project.model_copy(update={"brief": brief}))
        return f"brief updated ({', '.join(sorted(fields))}); version {saved.version}"

    def update_style(self, **fields: Any) -> str:
        project = self.project()
        style = StyleBible.model_validate(project.style.model_dump() | fields)
        saved = self.store.save(project.model_copy(update={"style": style}))
        return f"style updated; version {saved.version}"

    def propose_shot_list(self, shots: list[Shot]) -> str:
        """Replace the shot list: cuts snapped to beats, timing filled from the song, invariants checked."""
        if not shots:
            raise ShotcallerError("a shot list needs at least one shot")
        project = self.project()
        saved = self._save(self._with_shots(project, shots))
        return f"shot list saved: {len(saved.shots)} shots, version {saved.version}\n" + critic.summary(saved)

    def revise_shots(self, patches: list[ShotPatch]) -> str:
        """Patch named shots only; unchanged shots keep id, seed, takes. Locked shots are refused."""
        project = self.project()
        shots = list(project.shots)
        changed = []
        for patch in patches:
            target = project.shot(patch.shot)
            if target.locked:
                raise ShotcallerError(f"shot {target.index} ({target.id}) is locked: unlock it first")
            bad = set(patch.changes) - set(Shot.model_fields) | ({"id", "takes"} & set(patch.changes))
            if bad:
                raise ShotcallerError(f"cannot change {sorted(bad)} of shot {target.index}")
            i = shots.index(target)
            retimed = {"start", "end"} & set(patch.changes) and "lyric" not in patch.changes
            shots[i] = Shot.model_validate(target.model_dump() | ({"lyric": None} if retimed else {}) | patch.changes)
            _move_neighbours(shots, i, "start" in patch.changes, "end" in patch.changes)
            changed.append(shots[i].index)
        saved = self._save(self._with_shots(project, shots))
        return f"revised shots {', '.join(map(str, changed))}; version {saved.version}"

    def split_shot(self, shot: str, at: float) -> str:
        project = self.project()
        target = project.shot(shot)
        cut = nearest(at, project.song.beats)
        if not target.start < cut < target.end:
            raise ShotcallerError(f"{at:.2f}s (beat {cut:.2f}s) is not inside shot {target.index} "
                                  f"({target.start:.2f}-{target.end:.2f}s)")
        i = project.shots.index(target)
        first = target.model_copy(update={"end": cut, "lyric": None})
        second = target.model_copy(update={"id": new_shot_id(), "start": cut, "lyric": None, "takes": []})
        saved = self._save(self._with_shots(project, [*project.shots[:i], first, second, *project.shots[i + 1:]]))
        return f"split shot {target.index} at {cut:.2f}s; {len(saved.shots)} shots, version {saved.version}"

    def merge_shots(self, first: str, last: str) -> str:
        project = self.project()
        a, b = project.shot(first), project.shot(last)
        i, j = project.shots.index(a), project.shots.index(b)
        if j <= i:
            raise ShotcallerError(f"shot {last} must come after shot {first}")
        merged = a.model_copy(update={"end": b.end, "lyric": None})
        saved = self._save(self._with_shots(project, [*project.shots[:i], merged, *project.shots[j + 1:]]))
        return f"merged shots {a.index}-{b.index}; {len(saved.shots)} shots, version {saved.version}"

    def lock_shots(self, shots: list[str], locked: bool = True) -> str:
        project = self.project()
        ids = {project.shot(s).id for s in shots}
        new = [s.model_copy(update={"locked": locked}) if s.id in ids else s for s in project.shots]
        saved = self.store.save(project.model_copy(update={"shots": new}))
        return f"{'locked' if locked else 'unlocked'} {len(ids)} shots; version {saved.version}"

    def show_shots(self, shots: list[str] | None = None) -> str:
        """Compact JSON of the named shots (all when none are named), for the model to read."""
        project = self.project()
        chosen = [project.shot(s) for s in shots] if shots else project.shots
        keep = {"id", "index", "start", "end", "section", "lyric", "shot_size", "angle", "movement", "subject",
                "action", "setting", "prompt", "reason", "why_generative", "locked"}
        rows = [s.model_dump(include=keep) | {"critic": s.critique.notes} for s in chosen]
        return json.dumps(rows, ensure_ascii=False) if rows else "no shots yet"

    def critique(self) -> str:
        project = self.project()
        if not project.shots:
            return "No shots yet."
        saved = self.store.save(critic.apply(project))
        return critic.summary(saved)

    def render(self, shots: str = "", backend: str = "animatic") -> str:
        """Render shots ("1,4-6", or the section name "chorus"; all when empty) and cut them on the song."""
        from generation.render import Renderer, parse_shot_ranges

        project = self.project()
        numbers = None
        if shots.strip():
            labels = {s.section for s in project.shots}
            if shots.strip().lower() in labels:
                numbers = [n for n, s in enumerate(project.shots, 1) if s.section == shots.strip().lower()]
            else:
                numbers = parse_shot_ranges(shots, len(project.shots))
        result = Renderer(self.store, project.id, backend).render(shots=numbers)
        failed = "; ".join(f"shot {n}: {why}" for n, why in result.failed.items())
        return (f"rendered {len(result.rendered)}, {len(result.cached)} unchanged from the cache"
                + (f", failed {failed}" if failed else "") + f"; the cut: {result.cut}")

    def export(self, format: str) -> str:
        """Export the shot list (json, csv, otio, edl, fcpxml, fcp7xml, pdf, srt, md) into the project's exports/."""
        out = self.export_file(format)
        return f"exported {format.lower()}: {out}"

    def export_file(self, format: str) -> Path:
        """Write the export into the project's exports/ folder and return its path."""
        from shotlist.export import get_format
        from shotlist.store import write_atomic

        fmt = get_format(format)
        project = self.project()
        folder = self.store.folder(project.id)
        out = folder / "exports" / f"{project.id}-v{project.version}{fmt.suffix}"
        out.parent.mkdir(exist_ok=True)
        write_atomic(out, fmt.write(project, folder))
        return out

    def undo(self) -> str:
        project = self.store.undo(self.project_id)
        return f"back to version {project.version} ({len(project.shots)} shots)"

    def registry(self) -> dict[str, Callable[..., str]]:
        """Tools by name; later issues add `render` and `export` the same way."""
        return {name: getattr(self, name) for name in (
            "update_brief", "update_style", "propose_shot_list", "revise_shots", "split_shot",
            "merge_shots", "lock_shots", "show_shots", "critique", "render", "export", "undo")}
