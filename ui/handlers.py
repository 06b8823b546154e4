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

from pydantic import ValidationError

from shotlist.errors import ShotcallerError
from shotlist.models import Project, Shot
from shotlist.store import ProjectStore

from . import views
from .errors import explain
from .session import Session, Sessions
from .views import EDITABLE, TABLE_COLUMNS

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
        except ShotcallerError:
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

    def create(self, session: Session, song: str | None, lyrics: str | None, title: str) -> tuple[Session, str]:
        """Analyse the song and open the new project; the director asks its first question. Messages
        typed meanwhile wait in the inbox for the new project."""
        if not song:
            return session, "Choose a song file first (wav, mp3, ogg, flac or m4a)."
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
        except ShotcallerError as e:
            waiting = len(session.inbox)
            kept = f" Your {waiting} waiting message(s) stay queued for the next project you open." if waiting else ""
            return session, f"⚠ {e}{kept}"
        finally:
            session.creating = False
        self.open(session, project.id)
        self.opening(session)
        return session, f"Created {project.title}: {len(project.song.sections)} sections, {project.song.tempo:.0f} BPM."

    def open(self, session: Session, project_id: str | None) -> tuple[Session, str]:
        if not project_id:
            return session, ""
        try:
            project = self.store.load(project_id)
        except ShotcallerError as e:
            return session, f"⚠ {e}"
        session.project, session.version, session.selected_shot = project.id, project.version, None
        session.chat = self.history(project)
        return session, f"Opened {project.title}."

    def rename(self, session: Session, title: str) -> str:
        project = self.project(session)
        if not project or not title.strip():
            return "Open a project and type its new title."
        saved = self.store.save(project.model_copy(update={"title": title.strip()}))
        session.version = saved.version
        return f"Renamed to {saved.title}."

    def delete(self, session: Session) -> tuple[Session, str]:
        if not session.project:
            return session, "No project open."
        self.store.delete(session.project)
        old, session.project, session.version, session.chat = session.project, None, None, []
        return session, f"Deleted {old}."

    def step(self, session: Session, redo: bool) -> str:
        if not session.project:
            return "No project open."
        try:
            p = self.store.redo(session.project) if redo else self.store.undo(session.project)
        except ShotcallerError as e:
            return f"⚠ {e}"
        session.version = p.version
        return f"Now at version {p.version}."

    def reload(self, session: Session) -> Project | None:
        """Show the project as it is on disk now (another tab may have saved)."""
        project = self.project(session)
        session.version = project.version if project else None
        return project

    # ------------------------------------------------------------------ chat

    def director(self, session: Session):
        from assistant.session import open_director

        return open_director(self.store, session.project, session.llm or None)

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
        return bool(session.project) and not session.creating

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
            director = self.director(session)
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
        """On a new project the director opens the interview itself."""
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

    def apply_table(self, session: Session, table: Any) -> str:
        """Apply the cells the artist changed. Changes are found against the version this tab shows,
        so a stale table never undoes another tab's edit; an edit to a field another tab changed
        meanwhile is refused by name (with the typed value), the others are applied."""
        current = self.project(session)
        if not current:
            return "No project open."
        base = current
        if session.version is not None and session.version != current.version:
            try:
                base = self.store.load_version(current.id, session.version)
            except ShotcallerError:
                base = None
        rows = table.get("data", []) if isinstance(table, dict) else table.values.tolist()
        edits = self._table_edits(base or current, rows)
        if isinstance(edits, str):
            return edits
        if not edits:
            return "No changes."
        applied, refused = [], []
        by_id = {s.id: s for s in current.shots}
        for number, shot, changes in edits:
            now = by_id.get(shot.id)
            clash = [f for f in changes if base is None or now is None or getattr(now, f) != getattr(shot, f)]
            if clash:
                refused.append(f"shot {number} " + ", ".join(f"{_column(f)}={changes[f]!r}" for f in clash))
                changes = {f: v for f, v in changes.items() if f not in clash}
            if changes and now is not None:
                applied.append((shot.id, changes))
        message = ""
        if applied:
            message = self._revise(session, applied)
        if refused:
            moved = f"version {session.version} → {current.version}"
            session.version = self._disk_version(session)
            message = (f"⚠ This project changed in another tab ({moved}); the table is reloaded. Not applied, "
                       f"because the other tab changed the same cells: {'; '.join(refused)}. "
                       + (f"Applied the rest: {message}" if message else "Type them again if you still want them."))
        return message

    def _table_edits(self, base: Project, rows: list[list[Any]]) -> list[tuple[int, Shot, dict[str, Any]]] | str:
        edits = []
        for row in rows:
            cells = dict(zip(TABLE_COLUMNS, row))
            try:
                number = int(float(cells["#"]))
                shot = base.shots[number - 1]
                if number < 1:
                    raise IndexError
            except (ValueError, IndexError, TypeError):
                return f"⚠ row {cells.get('#')!r} is not a shot number of this project"
            changes: dict[str, Any] = {}
            for column, name in EDITABLE.items():
                old, new = getattr(shot, name), cells.get(column)
                if name == "end":
                    try:
                        new = float(new) if new not in (None, "") else old
                    except (TypeError, ValueError):
                        return f"⚠ shot {number}, End: {new!r} is not a time in seconds (e.g. 42.5)"
                    if abs(new - old) < 0.005:
                        continue
                elif (new or "") == (old or ""):
                    continue
                changes[name] = new
            if changes:
                try:
                    Shot.model_validate(shot.model_dump() | changes)
                except ValidationError as e:
                    first = e.errors()[0]
                    field = _column(str(first["loc"][0])) if first["loc"] else "a cell"
                    return f"⚠ shot {number}, {field}: {first['msg']}"
                edits.append((number, shot, changes))
        return edits

    def _revise(self, session: Session, patches: list[tuple[str, dict[str, Any]]]) -> str:
        from assistant.tools import ProjectTools, ShotPatch

        try:
            msg = ProjectTools(self.store, session.project).revise_shots(
                [ShotPatch(shot=i, changes=c) for i, c in patches])
        except (ShotcallerError, ValueError) as e:
            return f"⚠ {str(e).splitlines()[0]}"
        finally:
            session.version = self._disk_version(session)
        return msg

    def lock(self, session: Session, numbers: str, locked: bool) -> str:
        from assistant.tools import ProjectTools

        if not session.project:
            return "No project open."
        refs = [n.strip() for n in numbers.replace(" ", ",").split(",") if n.strip()]
        if not refs and session.selected_shot:
            refs = [str(session.selected_shot)]
        try:
            return ProjectTools(self.store, session.project).lock_shots(refs, locked)
        except ShotcallerError as e:
            return f"⚠ {e}"
        finally:
            session.version = self._disk_version(session)

    # ------------------------------------------------------------------ render and export

    def render(self, session: Session, shots: list[int] | None = None, report=None) -> tuple[str | None, str]:
        from generation.backend import RenderSettings
        from generation.render import Renderer

        if not session.project:
            return None, "No project open."
        cancel = self.cancels.setdefault(session.key, threading.Event())
        cancel.clear()
        w, h, fps = self.output(session, self.project(session))
        settings = RenderSettings(width=w, height=h, fps=fps, model=session.model or None, takes=session.takes)
        try:
            result = Renderer(self.store, session.project, session.backend, settings, report=report,
                              cancel=cancel).render(shots=shots)
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

    def pick(self, session: Session, shot: int | None, take: str) -> str:
        from generation.render import Renderer

        if not (session.project and shot):
            return "Select a shot in the storyboard first."
        try:
            Renderer(self.store, session.project).pick(str(shot), take)
        except ShotcallerError as e:
            return f"⚠ {e}"
        finally:
            session.version = self._disk_version(session)
        return f"Shot {shot} uses {take}."

    def export(self, session: Session, fmt: str) -> tuple[str | None, str]:
        """Write the export into the project's exports/ folder; any failure is one line, logged."""
        from shotlist.export import get_format
        from shotlist.store import write_atomic

        if not session.project:
            return None, "No project open."
        try:
            kind = get_format(fmt)
            project = self.project(session)
            folder = self.store.folder(project.id)
            out = folder / "exports" / f"{project.id}-v{project.version}{kind.suffix}"
            out.parent.mkdir(exist_ok=True)
            write_atomic(out, kind.write(project, folder))
        except Exception as e:  # noqa: BLE001 - a writer's crash is a failed export, not a dead page
            return None, explain(e, f"export {fmt}", self.log_folder(session))
        return str(out), f"exported {fmt}: {out}"


def _column(field: str) -> str:
    return next((c for c, f in EDITABLE.items() if f == field), field)
