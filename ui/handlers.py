"""The studio's handlers: plain methods from inputs to outputs, testable without a server.

Each works on a `Session` (one per browser tab, kept on the server: which project and version, which
LLM, which render settings, the chat as shown, the inbox of waiting messages) and calls the same
`shotlist` / `assistant` / `generation` code as the CLI. Expected failures come back as a "⚠" status
line; a failed action leaves the project as it was.
"""

from __future__ import annotations

import threading
import time
from html import escape
from pathlib import Path
from typing import Any

from shotlist.errors import ShotcallerError
from shotlist.models import Project, ShotPatch
from shotlist.store import ProjectStore

from . import views
from .build_panel import badge_and_line
from .edits import Outcome, column_of, table_edits
from .chat import ChatTurns
from .creating import MAX_UPLOAD_MB, ProjectCreation
from .errors import one_line
from .rendering import RenderAndExport
from .session import Session, Sessions
from .views import TABLE_COLUMNS

__all__ = ["MAX_UPLOAD_MB", "TABLE_COLUMNS", "Session", "Studio"]


class Studio(ChatTurns, ProjectCreation, RenderAndExport):
    """Holds what outlives one event: the store, the live sessions, and each session's cancel flag."""

    def __init__(self, store: ProjectStore | None = None):
        self.store = store or ProjectStore()
        self.sessions = Sessions()
        self.cancels: dict[str, threading.Event] = {}
        self._directors: dict[str, tuple[tuple[str | None, str], Any]] = {}
        self._building: dict[str, threading.Lock] = {}  # per tab: a turn waits for the warm-up's director
        self._loaded: dict[str, tuple[tuple[int, int, int], Project]] = {}
        self._described: dict[str, tuple[float, str]] = {}

    # ------------------------------------------------------------------ views of a project

    def session(self, key: str | None) -> Session:
        return self.sessions.get(key)

    def project(self, session: Session) -> Project | None:
        return self.load(session.project) if session.project else None

    def load(self, project_id: str) -> Project:
        """The project as it is on disk, parsed once per write: a save replaces project.json (a new
        inode and time), so a turn's several looks at a 100-shot project cost one parse, and another
        tab's or process's save is seen at once. Callers treat the result as read-only."""
        try:
            st = (self.store.folder(project_id) / "project.json").stat()
        except (OSError, ShotcallerError):
            return self.store.load(project_id)  # its error names what is wrong
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        hit = self._loaded.get(project_id)
        if hit is not None and hit[0] == key:
            return hit[1]
        project = self.store.load(project_id)
        self._loaded[project_id] = (key, project)
        return project

    def folder(self, session: Session) -> Path | None:
        return self.store.folder(session.project) if session.project else None

    def log_folder(self, session: Session) -> Path:
        """Where a failure's traceback goes: the open project's folder, else the store's."""
        try:
            return self.folder(session) or self.store.root
        except (ShotcallerError, OSError):
            return self.store.root

    def table(self, project: Project | None) -> dict[str, Any]:
        return views.table(project)

    def timeline(self, project: Project | None) -> str | None:
        return views.timeline(project, self.store.folder(project.id) if project else None)

    def storyboard(self, project: Project | None) -> list[tuple[str, str]]:
        return views.storyboard(project, self.store.folder(project.id) if project else None)

    def latest_cut(self, project: Project | None) -> str | None:
        if not project:
            return None
        cuts = sorted((self.store.folder(project.id) / "renders").glob("cut-v*.mp4"), key=lambda p: p.stat().st_mtime)
        return str(cuts[-1]) if cuts else None

    def playable(self, session: Session, project: Project | None = None) -> tuple[str | None, str]:
        """The file the Video tab plays (the newest of the tab's chosen kind, `session.play`), and the
        line that says what it is, or why there is none and how to make it."""
        from .playback import latest, shown_line

        project = project if project is not None else self.project(session)
        path = latest(self.store, project, session.play)
        return (str(path) if path else None), shown_line(self.store, project, session.play, path, session.backend)

    def history(self, project: Project | None) -> list[dict[str, Any]]:
        if not project:
            return []
        from assistant.conversation import Conversation

        conv = Conversation(self.store.folder(project.id) / "chat.jsonl")
        return [views.chat_message(m.role, m.content) for m in conv.messages if m.role in ("user", "assistant")]

    def header(self, session: Session, project: Project | None) -> str:
        """One line: the project, then the director and the renderer as short badges; why (offline,
        how to fetch the model) is one click away, in the line's own disclosure."""
        provider = self.describe_director(session.llm)
        if project:
            name = (f"<b>{escape(project.title)}</b> <code>{project.id}</code> · version {project.version} · "
                    f"{len(project.shots)} shots")
        elif session.creating:
            name = f"<b>analysing {escape(session.creating)}…</b>"
        else:
            name = "no project open"
        w, h, fps = self.output(session, project)
        director, _, why = provider.partition(" — ")
        badge = director.split(" (")[0] if why or "(" in director else director
        line = (f"{name} <span class='badge'>director: {escape(badge)}</span> "
                f"<span class='badge'>renderer: {escape(session.backend)} {w}x{h} {fps:g} fps</span>")
        details = [f"**Director:** {escape(director)}" + (f". {escape(why)}" if why else ""),
                   f"**Renderer:** {escape(session.backend)}, {w}x{h} at {fps:g} fps"
                   + (f", model {escape(session.model)}" if session.model else "") + ". Change both under Settings."]
        if build := badge_and_line():  # llama.cpp being built (here or by `make run`), or its build failed
            line += f" <span class='badge' id='build-badge'>{escape(build[0])}</span>"
            details.append(f"**llama.cpp:** {escape(build[1])}")
        return f"<details><summary>{line}</summary>\n\n" + "\n\n".join(details) + "\n\n</details>"

    def describe_director(self, spec: str, ttl_s: float = 30.0) -> str:
        """Which director a tab talks to, in words. The automatic choice probes Ollama and the hub, so
        the answer is kept for half a minute: the header is redrawn after every change."""
        from assistant.llm import resolve_provider

        now = time.monotonic()
        hit = self._described.get(spec)
        if hit is not None and now - hit[0] < ttl_s:
            return hit[1]
        try:
            text = resolve_provider(spec or None).describe()
        except ShotcallerError as e:
            text = f"not usable ({e})"
        self._described[spec] = (now, text)
        return text

    def output(self, session: Session, project: Project | None) -> tuple[int, int, float]:
        """The render size and rate: the session's settings, else the project's constraints."""
        from generation.route import settings_for
        from shotlist.models import Constraints

        from .rendering import render_options

        s = settings_for(project.brief.constraints if project else Constraints(), render_options(session))
        return s.width, s.height, s.fps

    def projects(self) -> list[tuple[str, str]]:
        """Read fresh from the store every time (a page load, a create, a delete)."""
        return [(f"{i.title} ({i.id})", i.id) for i in self.store.list() if i.version >= 0]

    def display(self, session: Session) -> list[dict[str, Any]]:
        """The chat as this tab shows it: what was said, then what waits in the inbox."""
        return [*session.chat, *(views.queued_message(t) for t in session.inbox.pending())]

    def select(self, session: Session, number: int | None) -> tuple[str, str | None]:
        """Select a shot for the chat: its full text, and its clip when it has one."""
        from shotlist.export.media import clip_path

        project = self.project(session)
        if project and number and 1 <= number <= len(project.shots):
            session.selected_shot = number
            clip = clip_path(self.store.folder(project.id), project.shots[number - 1])
            return views.shot_detail(project, number), str(clip) if clip else None
        return views.shot_detail(project, number), None

    # ------------------------------------------------------------------ project bar

    def open(self, session: Session, project_id: str | None) -> tuple[Session, Outcome]:
        if not project_id:
            return session, Outcome(False, "Choose a project to open.")
        try:
            project = self.load(project_id)
        except ShotcallerError as e:
            return session, Outcome(False, f"⚠ {e}")
        session.project, session.version, session.selected_shot = project.id, project.version, None
        session.held = False
        session.chat = self.history(project)
        return session, Outcome(True, f"Opened {project.title}.")

    def delete(self, session: Session) -> tuple[Session, Outcome]:
        if not session.project:
            return session, Outcome(False, "No project open.")
        self.store.delete(session.project)
        old, session.project, session.version, session.chat = session.project, None, None, []
        return session, Outcome(True, f"Deleted {old}.")

    def reload(self, session: Session) -> Project | None:
        """Show the project as it is on disk now (another tab may have saved)."""
        project = self.project(session)
        session.version = project.version if project else None
        return project

    def _disk_version(self, session: Session) -> int | None:
        try:
            return self.project(session).version if session.project else None
        except ShotcallerError:
            return None

    # ------------------------------------------------------------------ shot list edits

    def editor(self, session: Session, stale_ok: bool = False, report=None):
        """The project editor for this tab, the one place the studio builds one, with the critic and the
        tab's renderer (`report`: its progress): edits made from the version the tab shows, so an edit
        from a stale view is a `VersionConflict`, never a silent overwrite."""
        from assistant import critic
        from shotlist.editor import ProjectEditor

        return ProjectEditor(self.store, session.project, review=critic.apply,
                             renderer=self.renderer(session, report), version=None if stale_ok else session.version)

    def edit(self, session: Session, action: str, fn) -> Outcome:
        """Run `fn(editor) -> (Edit, message)` (Edit None: a question, nothing saved); conflicts reload the
        tab's view and say so."""
        from shotlist.errors import VersionConflict

        if not session.project:
            return Outcome(False, "No project open.")
        try:
            edit, message = fn(self.editor(session))
        except VersionConflict as e:
            session.version = e.project.version if e.project else self._disk_version(session)
            return Outcome(False, f"⚠ {e}")
        except ShotcallerError as e:
            session.version = self._disk_version(session)
            return Outcome(False, f"⚠ {action}: {one_line(e)}")
        if edit is None:
            return Outcome(True, message)
        session.version = edit.version
        return Outcome(True, message if edit.saved else "; ".join(edit.notes) or "No changes.")

    def operate(self, session: Session, name: str, args: dict[str, Any] | None = None, doing: str | None = None,
                follow=None) -> Outcome:
        """Run the table's operation `name` (`shotlist.operations`) on this tab's project: `args` validated
        by its pydantic model, a shot argument left out being the selected shot (`ui.operate`), through the
        tab's version-checked editor; the status line is the operation's own typed wording. `follow(result)`:
        the shot selected afterwards. Every studio button that edits the plan comes here (`ui.operate`)."""
        from shotlist.operations import parse

        from .operate import selection, sentence, with_selection

        doing = doing or name.replace("_", " ")
        if not session.project:
            return Outcome(False, "No project open.")
        project = self.project(session)
        filled = with_selection(name, dict(args or {}), selection(project, session.selected_shot))
        if isinstance(filled, str):
            return Outcome(False, filled)
        try:
            op = parse(name, filled)
        except ShotcallerError as e:
            return Outcome(False, f"⚠ {doing}: {one_line(e).removeprefix(name + ': ')}")

        def run(editor):
            result = op.apply(editor)
            if result.changed and follow is not None:
                session.selected_shot = follow(result)
            return result.edit, sentence(result)
        return self.edit(session, doing, run)

    def apply_table(self, session: Session, table: Any) -> Outcome:
        """Apply the cells the artist changed. Changes are found against the version this tab shows,
        so a stale table never undoes another tab's edit; an edit to a field another tab changed
        meanwhile is refused by name (with the typed value), the others are applied."""
        current = self.project(session)
        if not current:
            return Outcome(False, "No project open.")
        base = current
        if session.version is not None and session.version != current.version:
            try:
                base = self.store.load_version(current.id, session.version)
            except ShotcallerError:
                base = None
        rows = table.get("data", []) if isinstance(table, dict) else table.values.tolist()
        edits = table_edits(base or current, rows)
        if isinstance(edits, Outcome):
            return edits
        if not edits:
            return Outcome(True, "No changes.")
        applied, refused = [], []
        by_id = {s.id: s for s in current.shots}
        for number, shot, changes in edits:
            now = by_id.get(shot.id)
            clash = [f for f in changes if base is None or now is None or getattr(now, f) != getattr(shot, f)]
            if clash:
                refused.append(f"shot {number} " + ", ".join(f"{column_of(f)}={changes[f]!r}" for f in clash))
                changes = {f: v for f, v in changes.items() if f not in clash}
            if changes and now is not None:
                applied.append(ShotPatch.model_validate({"shot": shot.id, "changes": changes}))
        seen = session.version
        session.version = current.version  # the patches are made against what is on disk now
        result = self.operate(session, "revise_shots", {"patches": applied}, "table edit") if applied \
            else Outcome(True, "")
        if refused:
            return Outcome(False, f"⚠ This project changed in another tab (version {seen} → {current.version}); "
                           f"the table is reloaded. Not applied, because the other tab changed the same cells: "
                           f"{'; '.join(refused)}. " + (f"Applied the rest: {result.message}" if result.message
                                                         else "Type them again if you still want them."))
        return result

    def sections(self, session: Session, command: str) -> Outcome:
        """"rename 3 hook", "rename chorus hook", "split 3 95.5 [label]", "merge 4 [label]": the plan follows."""
        words = command.split()
        if len(words) < 2 or words[0].lower() not in ("rename", "split", "merge"):
            return Outcome(False, "Sections: type 'rename 3 hook', 'split 3 95.5' or 'merge 4'.")
        action, ref, rest = words[0].lower(), words[1], words[2:]
        at = None
        if action == "split":
            try:
                at, rest = float(rest[0]), rest[1:]
            except (IndexError, ValueError):
                return Outcome(False, "Sections: split needs a time in seconds, e.g. 'split 3 95.5'.")
        label = " ".join(rest) or None
        if action == "rename" and not label:
            return Outcome(False, "Sections: rename needs the new label, e.g. 'rename 3 hook'.")
        return self.edit(session, f"{action} sections", lambda e: (
            ed := e.sections(action, ref, label=label, at=at),
            f"Sections {action}d; {len(ed.changed)} shots follow; version {ed.version}."))

    # ------------------------------------------------------------------ the selected shot, the history

    def versions(self, session: Session) -> list[tuple[str, int]]:
        from .history import versions

        return versions(self.store, session.project) if session.project else []

    def version_diff(self, session: Session, version: int | None) -> str:
        from .history import diff_text

        if not session.project or not version:
            return "*Choose a version to see what it changed.*"
        try:
            return diff_text(self.store, session.project, int(version), session.version or 0)
        except ShotcallerError as e:
            return f"⚠ {e}"
