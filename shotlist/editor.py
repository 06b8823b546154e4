"""The project editor: the one way a project changes.

    editor = ProjectEditor(store, "chaos-god", review=critic.apply)
    edit = editor.revise([ShotPatch(shot="7", changes={"prompt": "a colder frame"})])
    edit.project.version, edit.changed, edit.notes    # the saved project, the shot ids changed, notes

Brief, style, title, proposals, revisions, splits, merges, locks, takes, imports, fitting, undo and
redo all come through here, and every save goes through `_commit`: it checks that no locked shot
changed, applies the injected `review` (the critic: `shotlist` never imports `assistant`) by one rule
for every edit (whenever what it reads, the song, brief and shots' content, changed), and saves
optimistically. Results are typed (`Edit`), never prose; the agent's
tools, the studio, the CLI and the MCP server each word them for their own reader.

Pass `version=` (the version the person is looking at) to refuse edits made from a stale view: two
tabs on one project get a `VersionConflict` carrying the fresh project instead of a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import LockedShot, PlanExists, ShotcallerError, VersionConflict
from .models import Brief, Constraints, Project, Shot, ShotPatch, StyleBible, new_shot_id
from .plan_rules import follow
from .prompting import follow_fields, restyled
from .regrid import GridChange
from .shot_range import expand
from .shot_ops import (agreeing, around_locked, check_locks, content, current, differs, move_neighbours, rebuilt,
                       refuse_locked, reviewed_part, validated)
from .store import ProjectStore, write_atomic
from .timing import conform, nearest

Review = Callable[[Project], Project]
SAID_CHARS = 1000  # the artist's words kept beside a brief field (a longer answer stays whole in the chat)


class RenderOutcome(Protocol):
    """What a renderer reports (generation.render.RenderResult has this shape)."""

    rendered: list[str]
    cached: list[str]
    failed: dict[int, str]
    why: dict[int, str]  # shot number rendered now → what changed since its last take ("colder")
    cut: Path | None
    cancelled: bool


# renderer(project_id, shot numbers or None for all, backend name) -> outcome; built by the front end
Renderer = Callable[[str, "list[int] | None", str], RenderOutcome]


@dataclass
class Arrangement:
    """What a `rearrange` step returns: the new shots (conformed by the editor) and what it did."""

    shots: list[Shot]
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    update: dict[str, Any] = field(default_factory=dict)  # other project fields to set, e.g. {"brief": {...}}
    unlocked: list[str] = field(default_factory=list)  # ids of locked shots this same step unlocks first


@dataclass(frozen=True)
class Edit:
    """The result of one editor operation."""

    project: Project  # the project as saved (or as it now is, for undo/redo and no-op edits)
    changed: list[str] = field(default_factory=list)  # ids of shots added or changed
    removed: list[str] = field(default_factory=list)  # ids of shots that are gone
    fields: list[str] = field(default_factory=list)  # other changed fields: "brief.meaning", "title", …
    notes: list[str] = field(default_factory=list)  # what the editor did on its own (snapped cuts, kept locks)
    saved: bool = True  # False when nothing changed, so no version was written

    @property
    def version(self) -> int:
        return self.project.version

    def numbers(self) -> list[int]:
        """1-based positions of the changed shots in the saved project."""
        wanted = set(self.changed)
        return [n for n, s in enumerate(self.project.shots, 1) if s.id in wanted]


class ProjectEditor:
    def __init__(self, store: ProjectStore, project_id: str, review: Review | None = None,
                 renderer: Renderer | None = None, version: int | None = None):
        self.store = store
        self.project_id = project_id
        self.review = review
        self.renderer = renderer
        self.version = version  # None: edit whatever is newest; else refuse edits from an older view
        self._held: tuple[tuple[int, int, int] | None, Project] | None = None  # (project.json's stamp, project)

    # ------------------------------------------------------------------ reading

    def project(self) -> Project:
        """The project as it is on disk: held in memory between calls, read again only when project.json was
        written by someone else since (another window, the CLI, an undo elsewhere)."""
        stamp = self.store.stamp(self.project_id)
        if self._held is not None and stamp is not None and self._held[0] == stamp:
            return self._held[1]
        project = self.store.load(self.project_id)  # stamped before reading: a write in between is seen next time
        self._held = (stamp, project)
        return project

    def _hold(self, project: Project) -> Project:
        self._held = (self.store.written(self.project_id), project)
        return project

    def folder(self) -> Path:
        return self.store.folder(self.project_id)

    def _base(self) -> Project:
        """The project to edit; a `VersionConflict` when the caller's view is stale."""
        project = self.project()
        if self.version is not None and project.version != self.version:
            raise VersionConflict(
                f"{project.title} changed in another window (you were looking at version {self.version}, "
                f"it is now at {project.version}): reloaded it; make the change again", project)
        return project

    # ------------------------------------------------------------------ the one save path

    def _commit(self, before: Project, after: Project, changed: Iterable[str] = (), removed: Iterable[str] = (),
                fields: Iterable[str] = (), notes: Iterable[str] = (), force_review: bool = False,
                label: str = "", unlocked: Iterable[str] = ()) -> Edit:
        check_locks(before, after, set(unlocked))
        if self.review is not None and after.shots and (force_review or reviewed_part(before) != reviewed_part(after)):
            after = self.review(after)
        try:
            saved = self._hold(self.store.save(after, label=label))
        except VersionConflict as e:
            raise VersionConflict(f"{before.title} changed while this edit was being made: reloaded it "
                                  "(nothing was overwritten); make the change again", e.project) from None
        if self.version is not None:
            self.version = saved.version
        return Edit(saved, list(dict.fromkeys(changed)), list(dict.fromkeys(removed)), list(fields), list(notes))

    def _unchanged(self, project: Project, note: str) -> Edit:
        return Edit(project, notes=[note], saved=False)

    # ------------------------------------------------------------------ brief, style, title

    def update_brief(self, said: str | None = None, **fields: Any) -> Edit:
        """Set brief fields (a partial `constraints` keeps the rest of the constraints). `said`: the artist's
        words the fields were filed from, kept verbatim beside each of them (`Brief.said`)."""
        _check_fields(Brief, fields, "brief")
        base = self._base()
        current = base.brief.model_dump()
        if said and said.strip():
            said = said.strip() if len(said.strip()) <= SAID_CHARS else said.strip()[:SAID_CHARS].rstrip() + "…"
            words = {k: list(v) for k, v in current["said"].items()}
            for name in fields:
                if said not in words.setdefault(name, []):
                    words[name].append(said)
            fields = fields | {"said": words}
        if "constraints" in fields:
            given = fields["constraints"]
            if isinstance(given, Constraints):
                given = given.model_dump(exclude_unset=True)
            if not isinstance(given, dict):
                raise ShotcallerError("constraints must be an object like {\"aspect\": \"9:16\", \"fps\": 24}")
            fields = fields | {"constraints": current["constraints"] | given}
        brief = validated(Brief, current | fields, "brief")
        return self._set(base, "brief", brief)

    def move_answer(self, said: str, source: str, target: str) -> Edit:
        """Refile an answer the interview filed under the wrong brief field: its text and words move together."""
        from .brief_view import moved

        base = self._base()
        return self._set(base, "brief", moved(base.brief, said, source, target))

    def update_style(self, **fields: Any) -> Edit:
        """Set style-bible fields: look, characters, negative_prompt. A new look rebuilds the prompts built
        from the fields (not the artist's own, not a locked shot's), in the same version."""
        _check_fields(StyleBible, fields, "style")
        base = self._base()
        style = validated(StyleBible, base.style.model_dump() | fields, "style")
        shots = restyled(base.shots, style) if style.look != base.style.look else base.shots
        if shots == base.shots:
            return self._set(base, "style", style)
        after = rebuilt(base, {"style": style.model_dump(), "shots": [s.model_dump() for s in shots]})
        return self._commit(base, after, changed=[s.id for s, old in zip(shots, base.shots) if s != old],
                            fields=["style.look"])

    def rename(self, title: str) -> Edit:
        title = " ".join((title or "").split())
        if not title:
            raise ShotcallerError("a project needs a title: type one")
        if len(title) > 200:
            raise ShotcallerError(f"the title is {len(title)} characters; keep it under 200")
        base = self._base()
        if title == base.title:
            return self._unchanged(base, "the title is already that")
        return self._commit(base, base.model_copy(update={"title": title}), fields=["title"], label="rename")

    def sections(self, action: str, ref: int | str, label: str | None = None, at: float | None = None) -> Edit:
        """Rename, split or merge the song's sections (shotlist.sections); each shot's section follows."""
        from . import sections as ops

        base = self._base()
        if action == "rename":
            after = ops.rename_section(base, ref, label or "")
        elif action == "split":
            if at is None:
                raise ShotcallerError("split a section at a time in seconds, e.g. split 3 95.5")
            after = ops.split_section(base, ref, at, label=label)
        elif action == "merge":
            after = ops.merge_sections(base, ref, label=label)
        else:
            raise ShotcallerError(f"unknown section action {action!r}: rename, split or merge")
        changed = [s.id for s, t in zip(base.shots, after.shots) if s.section != t.section]
        return self._commit(base, after, changed=changed, fields=["sections"], label=f"{action} section {ref}")

    def _set(self, base: Project, part: str, value: Brief | StyleBible) -> Edit:
        old, new = getattr(base, part).model_dump(), value.model_dump()
        names = [f"{part}.{k}" for k in new if new[k] != old.get(k)]
        names = [n for n in names if n != "brief.said"] or names  # the words kept beside a field are not news
        if not names:
            return self._unchanged(base, f"the {part} already says that")
        after = rebuilt(base, {part: new})
        return self._commit(base, after, fields=names, label=f"{part}: " + ", ".join(n.split(".", 1)[1] for n in names))

    # ------------------------------------------------------------------ whole lists

    def propose(self, shots: list[Shot], replan: bool = False) -> Edit:
        """Replace the shot list. Refused over an existing plan unless `replan` (the artist asked)."""
        if not shots:
            raise ShotcallerError("a shot list needs at least one shot")
        base = self._base()
        if base.shots and not replan:
            raise PlanExists(
                f"{base.title} already has a plan of {len(base.shots)} shots: revise the shots you mean "
                "(e.g. 'make shot 5 colder'), or ask to re-plan the whole song ('re-plan', /plan)")
        return self._replace(base, shots)

    def import_shots(self, data: bytes, format: str) -> Edit:
        """Take brief, style and shots from an exported file (csv, json, otio…); locked shots stay."""
        from .export import get_format, importable

        fmt = get_format(format)
        if fmt.read is None:
            raise ShotcallerError(f"{fmt.name} files cannot be imported; importable: {', '.join(importable())}")
        base = self._base()
        read = fmt.read(data, base)
        if not read.shots:
            raise ShotcallerError(f"the {fmt.name} file holds no shots")
        base_with_intent = base.model_copy(update={"brief": read.brief, "style": read.style})
        return self._replace(base_with_intent, read.shots, before=base)

    def fit(self, max_seconds: float, model: str = "the video model") -> Edit:
        """Split shots longer than one generation of the model, on the bar grid; locked shots stay."""
        from .fitting import fit_shots

        if max_seconds <= 0:
            raise ShotcallerError(f"a model's longest clip must be positive, got {max_seconds}")
        base = self._base()
        fitted, notes = fit_shots(base, max_seconds, model)
        if len(fitted) == len(base.shots):
            return self._unchanged(base, f"every shot already fits {model}")
        old = {s.id for s in base.shots}
        after = self._timeline(base, fitted)
        changed = [s.id for s in after.shots if s.id not in old or differs(s, base, s.id)]
        return self._commit(base, after, changed=changed, notes=notes, label=f"fit to {model}")

    def _replace(self, base: Project, shots: list[Shot], before: Project | None = None) -> Edit:
        before = before or base
        # a re-plan keeps the locked shots and the ones the artist wrote in their own words, in their slots
        kept_shots = [s for s in base.shots if s.locked or s.origin == "artist"]
        new, notes = conform(shots, base.song)
        if kept_shots:
            new = around_locked(new, kept_shots)
            locked = [str(s.index) for s in kept_shots if s.locked]
            written = [str(s.index) for s in kept_shots if not s.locked]
            if locked:
                notes.append("kept locked shots " + ", ".join(locked) + " as they were")
            if written:
                notes.append("kept shots " + ", ".join(written) + " in your own words")
        kept = {s.id for s in kept_shots}
        new = [s if s.id in kept else follow(base, s) for s in new]  # the artist's standing rules reach new shots
        after = self._timeline(base, new)
        return self._commit(before, after, changed=[s.id for s in after.shots if s.id not in kept],
                            removed=[s.id for s in base.shots if s.id not in {x.id for x in after.shots}],
                            fields=[f for f in ("brief", "style") if getattr(base, f) != getattr(before, f)],
                            notes=notes, label="re-plan" if base.shots else "plan")

    # ------------------------------------------------------------------ shots

    def revise(self, patches: list[ShotPatch]) -> Edit:
        """Patch the named shots only; a moved cut moves the neighbour's matching cut."""
        patches = [p for p in patches if p.fields()]
        if not patches:
            raise ShotcallerError("nothing to change: each patch needs at least one field in `changes`")
        base = self._base()
        shots = list(base.shots)
        changed: list[str] = []
        notes: list[str] = []
        for patch in patches:
            target = current(shots, base, patch.shot)
            refuse_locked(target, shots)
            changes = patch.fields()
            i = shots.index(target)
            retimed = {"start", "end"} & set(changes) and "lyric" not in changes
            shots[i] = validated(Shot, target.model_dump() | ({"lyric": None} if retimed else {}) | changes,
                                  f"shot {i + 1}")
            shots[i], said = follow_fields(shots[i], changes, base.style, i + 1)  # the prompt follows the fields
            notes += said
            changed.append(shots[i].id)
            changed.extend(move_neighbours(shots, i, "start" in changes, "end" in changes))
        after = self._timeline(base, shots)
        numbers = ", ".join(str(base.shots.index(base.shot(p.shot)) + 1) for p in patches)
        return self._commit(base, after, changed=changed, notes=notes, label=f"revise {numbers}")

    def rearrange(self, label: str, change: Callable[[Project], Arrangement]) -> Edit:
        """One operation on the list's order or timing (insert, delete, move, swap, rules): `change` reads the
        project and returns the new shots; the list is conformed to the song and saved as one version."""
        base = self._base()
        if not base.shots:
            raise ShotcallerError(f"{base.title} has no plan yet: plan it first ('plan it', /plan)")
        done = change(base)
        after = self._timeline(base, done.shots, unlocked=set(done.unlocked))
        after, agreed = agreeing(after, done.changed)  # a neighbour that gave or took time may carry other lines
        done.notes = list(dict.fromkeys([*done.notes, *agreed]))
        if done.update:
            after = rebuilt(after, done.update)
        if after.shots == base.shots and not done.update:
            return self._unchanged(base, "; ".join(done.notes) or "nothing to change")
        return self._commit(base, after, changed=done.changed, removed=done.removed, notes=done.notes, label=label,
                            fields=list(done.update), unlocked=done.unlocked)

    def split(self, shot: str | int, at: float) -> Edit:
        """Cut one shot in two at `at` seconds, snapped to the nearest beat."""
        base = self._base()
        target = base.shot(shot)
        i = base.shots.index(target)
        refuse_locked(target, base.shots)
        cut = nearest(at, base.song.beats)
        if not target.start < cut < target.end:
            raise ShotcallerError(f"{at:.2f}s (beat {cut:.2f}s) is not inside shot {i + 1} "
                                  f"({target.start:.2f}-{target.end:.2f}s)")
        first = target.model_copy(update={"end": cut, "lyric": None})
        second = target.model_copy(update={"id": new_shot_id(), "start": cut, "lyric": None, "takes": [],
                                           "picked_take": None})
        after, notes = agreeing(self._timeline(base, [*base.shots[:i], first, second, *base.shots[i + 1:]]),
                                 [first.id, second.id])
        return self._commit(base, after, changed=[first.id, second.id], notes=notes, label=f"split {i + 1}")

    def merge(self, first: str | int, last: str | int) -> Edit:
        """Merge shots first..last into the first one."""
        base = self._base()
        a, b = base.shot(first), base.shot(last)
        i, j = base.shots.index(a), base.shots.index(b)
        if j <= i:
            raise ShotcallerError(f"shot {last} must come after shot {first} to merge them")
        for s in base.shots[i:j + 1]:
            refuse_locked(s, base.shots)
        merged = a.model_copy(update={"end": b.end, "lyric": None})
        after = self._timeline(base, [*base.shots[:i], merged, *base.shots[j + 1:]])
        return self._commit(base, after, changed=[a.id], removed=[s.id for s in base.shots[i + 1:j + 1]],
                            label=f"merge {i + 1}–{j + 1}")

    def regrid(self, change: GridChange) -> Edit:
        """Correct the beat grid (a stated tempo, double, halve, shift half a beat) and move every cut to
        the nearest beat of the new grid, each shot's content kept: one version (`shotlist.regrid`)."""
        from .regrid import move_cuts, regridded_song

        base = self._base()
        audio = Path(base.song.path)
        song = regridded_song(base.song, change, audio if audio.is_absolute() else self.folder() / audio)
        regridded = rebuilt(base, {"song": song.model_dump()})
        shots, notes = move_cuts(base.shots, song) if base.shots else ([], [])
        after = self._timeline(regridded, shots) if shots else regridded
        old = {s.id: (s.start, s.end) for s in base.shots}
        moved = [s.id for s in after.shots if old.get(s.id) != (s.start, s.end)]
        return self._commit(base, after, changed=moved, fields=["song.beats"],
                            notes=[f"{change.describe()}: {song.tempo:g} BPM", *notes], label=change.describe())

    def lock(self, shots: list[str | int], locked: bool = True) -> Edit:
        """Lock shots against every change (or unlock them)."""
        if not shots:
            raise ShotcallerError("name the shots to lock, e.g. 3 or 4-6")
        base = self._base()
        ids = [base.shot(s).id for s in expand(shots, len(base.shots))]
        todo = {i for i in ids if base.shot(i).locked != locked}
        word = "locked" if locked else "unlocked"
        if not todo:
            return self._unchanged(base, f"already {word}")
        after = base.model_copy(update={"shots": [s.model_copy(update={"locked": locked}) if s.id in todo else s
                                                  for s in base.shots]})
        numbers = ", ".join(str(n) for n, s in enumerate(base.shots, 1) if s.id in todo)
        return self._commit(base, after, changed=[i for i in ids if i in todo], notes=[word],
                            label=f"{'lock' if locked else 'unlock'} {numbers}")

    def pick_take(self, shot: str | int, take: str) -> Edit:
        """Choose the take a shot uses in the cut (allowed on a locked shot: it changes no content)."""
        base = self._base()
        target = base.shot(shot)
        if not any(t.id == take for t in target.takes):
            have = ", ".join(t.id for t in target.takes) or "none (render it first)"
            raise ShotcallerError(f"shot {base.shots.index(target) + 1} has no take {take!r}; takes: {have}")
        if target.picked_take == take:
            return self._unchanged(base, f"shot {base.shots.index(target) + 1} already uses {take}")
        after = base.model_copy(update={"shots": [s.model_copy(update={"picked_take": take}) if s.id == target.id
                                                  else s for s in base.shots]})
        return self._commit(base, after, changed=[target.id], label=f"pick {take} for {base.shots.index(target) + 1}")

    def critique(self) -> Edit:
        """Run the review (the critic) on the current list and save its findings."""
        if self.review is None:
            raise ShotcallerError("no critic is attached to this editor")
        base = self._base()
        if not base.shots:
            return self._unchanged(base, "no shots yet")
        return self._commit(base, base, notes=["critic run"], force_review=True, label="critic")

    # ------------------------------------------------------------------ history

    def undo(self) -> Edit:
        return self._step(-1)

    def redo(self) -> Edit:
        return self._step(+1)

    def revert(self, version: int) -> Edit:
        """Make the project what it was at `version` again, as one new version (the versions between
        stay in the history; undo goes back to the one before the revert). Locked shots still hold:
        a revert that would change or remove one is refused by name."""
        base = self._base()
        old = self.store.load_version(self.project_id, version)
        if version == base.version:
            return self._unchanged(base, f"already at version {version}")
        after = Project.model_validate(old.model_dump(by_alias=True) | {"version": base.version})
        now = {s.id: s for s in base.shots}
        changed = [s.id for s in after.shots if s.id not in now or content(now[s.id]) != content(s)]
        removed = [i for i in now if i not in {s.id for s in after.shots}]
        fields = [f for f in ("title", "brief", "style") if getattr(base, f) != getattr(after, f)]
        edit = self._commit(base, after, changed=changed, removed=removed, fields=fields,
                            label=f"revert to version {version}")
        return Edit(edit.project, edit.changed, edit.removed, edit.fields, [f"reverted to version {version}"])

    def _step(self, delta: int) -> Edit:
        base = self._base()
        now = self._hold(self.store.undo(self.project_id) if delta < 0 else self.store.redo(self.project_id))
        if self.version is not None:
            self.version = now.version
        old = {s.id: s for s in base.shots}
        changed = [s.id for s in now.shots if s.id not in old or content(old[s.id]) != content(s)]
        gone = [i for i in old if i not in {s.id for s in now.shots}]
        fields = [f for f in ("title", "brief", "style") if getattr(base, f) != getattr(now, f)]
        return Edit(now, changed, gone, fields, [f"back to version {now.version}" if delta < 0
                                                 else f"forward to version {now.version}"])

    # ------------------------------------------------------------------ output

    def render(self, shots: list[int] | None = None, backend: str = "animatic") -> RenderOutcome:
        """Render shots (1-based numbers; all when None) with the injected renderer."""
        if self.renderer is None:
            raise ShotcallerError("rendering is not available here: no renderer was given to the editor")
        self._base()
        return self.renderer(self.project_id, shots, backend)

    def export(self, format: str) -> Path:
        """Write an export into the project's exports/ folder and return its path."""
        from .export import get_format

        fmt = get_format(format)
        project = self.project()
        folder = self.folder()
        out = folder / "exports" / f"{project.id}-v{project.version}{fmt.suffix}"
        out.parent.mkdir(exist_ok=True)
        write_atomic(out, fmt.write(project, folder))
        return out

    # ------------------------------------------------------------------ helpers

    def _timeline(self, base: Project, shots: list[Shot], unlocked: set[str] = frozenset()) -> Project:
        """`shots` conformed to the song (cuts on beats, contiguous, numbered, lyrics filled) with every
        locked shot of `base` exactly as it was (but those the same step `unlocked`)."""
        conformed, _ = conform(shots, base.song)
        locked = {s.id: s for s in base.shots if s.locked and s.id not in unlocked}
        out = []
        for s in conformed:
            if s.id in locked:
                old = locked[s.id]
                if abs(old.start - s.start) > 1e-3 or abs(old.end - s.end) > 1e-3:
                    raise LockedShot(f"shot {s.index} is locked: this change would move it "
                                     f"({old.start:.2f}-{old.end:.2f}s); unlock it first")
                s = old.model_copy(update={"index": s.index})
            out.append(s)
        return rebuilt(base, {"shots": [s.model_dump() for s in out]})


def _check_fields(model: type, fields: dict[str, Any], what: str) -> None:
    """At least one field, and only the model's own (the error lists them)."""
    known = ", ".join(model.model_fields)
    if not fields:
        raise ShotcallerError(f"nothing to update: name at least one {what} field ({known})")
    unknown = sorted(set(fields) - set(model.model_fields))
    if unknown:
        raise ShotcallerError(f"unknown {what} fields {unknown}; known: {known}")
