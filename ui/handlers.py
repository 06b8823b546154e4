"""The studio's handlers: plain methods from inputs to outputs, testable without a server.

Each works on a `Session` (one per browser tab, kept on the server: which project and version, which
LLM, which render settings, the chat as shown, the inbox of waiting messages) and calls the same
`shotlist` / `assistant` / `generation` code as the CLI. Expected failures come back as a "⚠" status
line; a failed action leaves the project as it was.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any


from shotlist.errors import ShotcallerError
from shotlist.models import Project, ShotPatch
from shotlist.store import ProjectStore

from . import views
from .edits import Outcome, column_of, table_edits
from .errors import explain, one_line
from .session import Session, Sessions
from .views import TABLE_COLUMNS

__all__ = ["MAX_UPLOAD_MB", "TABLE_COLUMNS", "Session", "Studio"]
MAX_UPLOAD_MB = 300
THIS_SHOT = re.compile(r"\b(this|that|the selected|the clicked)\s+(shot|one|card|frame|image)\b", re.I)
NAMES_A_SHOT = re.compile(r"^\s*shots?\s+\d+", re.I)


class Studio:
    """Holds what outlives one event: the store, the live sessions, and each session's cancel flag."""

    def __init__(self, store: ProjectStore | None = None):
        self.store = store or ProjectStore()
        self.sessions = Sessions()
        self.cancels: dict[str, threading.Event] = {}
        self._directors: dict[str, tuple[tuple[str | None, str], Any]] = {}

    # ------------------------------------------------------------------ views of a project

    def session(self, key: str | None) -> Session:
        return self.sessions.get(key)

    def project(self, session: Session) -> Project | None:
        return self.store.load(session.project) if session.project else None

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

    def history(self, project: Project | None) -> list[dict[str, Any]]:
        if not project:
            return []
        from assistant.conversation import Conversation

        conv = Conversation(self.store.folder(project.id) / "chat.jsonl")
        return [views.chat_message(m.role, m.content) for m in conv.messages if m.role in ("user", "assistant")]

    def header(self, session: Session, project: Project | None) -> str:
        from assistant.llm import resolve_provider

        try:
            provider = resolve_provider(session.llm or None).describe()
        except ShotcallerError as e:
            provider = f"not usable ({e})"
        name = f"**{project.title}** (`{project.id}`, version {project.version}, {len(project.shots)} shots)" \
            if project else "no project open"
        w, h, fps = self.output(session, project)
        return f"{name} · director: {provider} · renderer: {session.backend} {w}x{h} {fps:g} fps"

    def output(self, session: Session, project: Project | None) -> tuple[int, int, float]:
        """The render size and rate: the session's settings, else the project's constraints."""
        c = project.brief.constraints if project else None
        return (session.width or (c.size[0] if c else 1280), session.height or (c.size[1] if c else 720),
                session.fps or (c.fps if c else 24.0))

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

    def create(self, session: Session, song: str | None, lyrics: str | None, title: str) -> tuple[Session, Outcome]:
        """Analyse the song and open the new project; the director asks its first question. Messages
        typed meanwhile wait in the inbox for the new project."""
        if not song:
            return session, Outcome(False, "Choose a song file first (wav, mp3, ogg, flac or m4a).")
        from shotlist.audio import check_audio_file
        from shotlist.song import analyse_song

        session.creating = True
        try:
            size_mb = Path(song).stat().st_size / 2**20
            if size_mb > MAX_UPLOAD_MB:
                raise ShotcallerError(f"the upload is {size_mb:.0f} MB; the limit is {MAX_UPLOAD_MB} MB")
            check_audio_file(song)
            project = self.store.create(song, lambda p: analyse_song(p, lyrics=lyrics), title=title or None,
                                        lyrics_path=lyrics)
            # until the director has asked its first question, queued answers wait (they answer it)
            self.open(session, project.id)
            self.opening(session)
        except ShotcallerError as e:
            waiting = len(session.inbox)
            session.held = bool(waiting)  # typed for the song that failed: not for the project still open
            kept = f" Your {waiting} waiting message(s) stay queued for the next project you open." if waiting else ""
            return session, Outcome(False, f"⚠ {e}{kept}")
        finally:
            session.creating = False
        return session, Outcome(True, f"Created {project.title}: {len(project.song.sections)} sections, "
                                      f"{project.song.tempo:.0f} BPM.")

    def open(self, session: Session, project_id: str | None) -> tuple[Session, Outcome]:
        if not project_id:
            return session, Outcome(False, "Choose a project to open.")
        try:
            project = self.store.load(project_id)
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

    # ------------------------------------------------------------------ chat

    def director(self, session: Session, **progress: Any):
        """This tab's director, built once per project and LLM (an LLM agent's graph is not free to
        build); its conversation is re-read every turn, since another tab may have talked meanwhile.
        `progress` (say=, tqdm_class=) goes to the local model's first download."""
        from assistant.conversation import Conversation
        from assistant.session import open_director

        key = (session.project, session.llm)
        if self._directors.get(session.key, (None, None))[0] != key:
            self._directors[session.key] = (key, open_director(self.store, session.project, session.llm or None,
                                                               **progress))
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
            for reply in replies:
                if reply.final and streamed:  # the agent's whole text: already on screen, piece by piece
                    if live is not None:
                        chat[live] = views.chat_message("assistant", chat[live]["content"])
                    yield False
                    continue
                for step in reply.steps:
                    chat.append(views.chat_message("assistant", step, step=True))
                    live = None
                if reply.final and reply.text:
                    chat.append(views.chat_message("assistant", reply.text))
                elif reply.text:
                    streamed = True
                    if live is None:
                        chat.append({"role": "assistant", "content": ""})
                        live = len(chat) - 1
                    chat[live] = {"role": "assistant", "content": chat[live]["content"] + reply.text}
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

    def _disk_version(self, session: Session) -> int | None:
        try:
            return self.project(session).version if session.project else None
        except ShotcallerError:
            return None

    # ------------------------------------------------------------------ shot list edits

    def editor(self, session: Session, stale_ok: bool = False):
        """The project editor for this tab: edits made from the version the tab shows, so an edit
        from a stale view is a `VersionConflict`, never a silent overwrite."""
        from assistant import critic
        from shotlist.editor import ProjectEditor

        return ProjectEditor(self.store, session.project, review=critic.apply,
                             version=None if stale_ok else session.version)

    def edit(self, session: Session, action: str, fn) -> Outcome:
        """Run `fn(editor) -> (Edit, message)`; conflicts reload the tab's view and say so."""
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
        session.version = edit.version
        return Outcome(True, message if edit.saved else "; ".join(edit.notes) or "No changes.")

    def rename(self, session: Session, title: str) -> Outcome:
        if not title.strip():
            return Outcome(False, "Type the project's new title first.")
        return self.edit(session, "rename", lambda e: (ed := e.rename(title), f"Renamed to {ed.project.title}."))

    def step(self, session: Session, redo: bool) -> Outcome:
        return self.edit(session, "redo" if redo else "undo", lambda e: (
            ed := e.redo() if redo else e.undo(), f"Now at version {ed.version}."))

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
        result = self.edit(session, "table edit", lambda e: (
            ed := e.revise(applied), f"Revised shots {', '.join(map(str, ed.numbers()))}; version {ed.version}.")
        ) if applied else Outcome(True, "")
        if refused:
            return Outcome(False, f"⚠ This project changed in another tab (version {seen} → {current.version}); "
                           f"the table is reloaded. Not applied, because the other tab changed the same cells: "
                           f"{'; '.join(refused)}. " + (f"Applied the rest: {result.message}" if result.message
                                                         else "Type them again if you still want them."))
        return result

    def lock(self, session: Session, numbers: str, locked: bool) -> Outcome:
        refs = [n.strip() for n in numbers.replace(" ", ",").split(",") if n.strip()]
        if not refs and session.selected_shot:
            refs = [str(session.selected_shot)]
        word = "Locked" if locked else "Unlocked"
        return self.edit(session, word.lower(), lambda e: (
            ed := e.lock(refs, locked), f"{word} shots {', '.join(map(str, ed.numbers()))}; version {ed.version}."))

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

    def pick(self, session: Session, shot: int | None, take: str) -> Outcome:
        if not shot:
            return Outcome(False, "Select a shot (table, timeline or storyboard) first.")
        return self.edit(session, "pick a take", lambda e: (e.pick_take(shot, take), f"Shot {shot} uses {take}."))

    # ------------------------------------------------------------------ render and export

    def render(self, session: Session, shots: list[int] | None = None, report=None) -> tuple[str | None, str]:
        from generation.backend import RenderSettings
        from generation.ray_render import make_renderer

        if not session.project:
            return None, "No project open."
        cancel = self.cancels.setdefault(session.key, threading.Event())
        cancel.clear()
        w, h, fps = self.output(session, self.project(session))
        settings = RenderSettings(width=w, height=h, fps=fps, model=session.model or None, takes=session.takes)

        def renderer(project_id: str, numbers: list[int] | None, backend: str):
            return make_renderer(self.store, project_id, backend, settings, report=report, cancel=cancel,
                                 ray=session.ray or None).render(shots=numbers)

        from shotlist.editor import ProjectEditor

        try:
            result = ProjectEditor(self.store, session.project, renderer=renderer).render(shots, session.backend)
        except ShotcallerError as e:
            return None, f"⚠ {e}"
        finally:
            session.version = self._disk_version(session)
        self.storyboard(self.project(session))  # each new clip's thumbnail, made once, now
        if result.cancelled:
            return self.latest_cut(self.project(session)), "Render cancelled; render again to resume."
        failed = "; ".join(f"shot {n}: {why}" for n, why in result.failed.items())
        return str(result.cut), (f"Rendered {len(result.rendered)}, {len(result.cached)} from the cache."
                                 + (f" Failed: {failed}" if failed else ""))

    def cancel(self, session: Session) -> str:
        self.cancels.setdefault(session.key, threading.Event()).set()
        return "Cancelling…"

    def export(self, session: Session, fmt: str) -> tuple[str | None, str]:
        """Write the export into the project's exports/ folder; any failure is one line, logged."""
        if not session.project:
            return None, "No project open."
        try:
            out = self.editor(session, stale_ok=True).export(fmt)
        except Exception as e:  # noqa: BLE001 - a writer's crash is a failed export, not a dead page
            return None, explain(e, f"export {fmt}", self.log_folder(session))
        return str(out), f"exported {fmt}: {out}"
