"""The studio's handlers: plain functions from inputs to outputs, testable without a server.

Each works on a `Session` (one per browser tab: which project, which LLM, which render settings) and
calls the same `shotlist` / `assistant` / `generation` code as the CLI. Errors come back as a status
line, never a traceback; a failed action leaves the project as it was.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from shotlist.errors import ShotcallerError
from shotlist.models import Project
from shotlist.store import ProjectStore

TABLE_COLUMNS = ["#", "Start", "End", "Section", "Lyric", "Shot size", "Angle", "Movement", "Subject", "Action",
                 "Prompt", "Reason", "Why generative", "Flags"]
EDITABLE = {"End": "end", "Shot size": "shot_size", "Angle": "angle", "Movement": "movement", "Subject": "subject",
            "Action": "action", "Prompt": "prompt", "Reason": "reason", "Why generative": "why_generative"}
MAX_UPLOAD_MB = 300


@dataclass
class Session:
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    project: str | None = None
    llm: str = ""  # empty: automatic (OpenAI key → Ollama → local model → offline)
    backend: str = "animatic"
    model: str = ""
    width: int | None = None  # None: the project's own constraints
    height: int | None = None
    fps: float | None = None
    takes: int = 1
    selected_shot: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, value: dict[str, Any] | None) -> Session:
        return cls(**value) if value else cls()


class Studio:
    """Holds what outlives one event: the store, and each session's cancel flag for renders."""

    def __init__(self, store: ProjectStore | None = None):
        self.store = store or ProjectStore()
        self.cancels: dict[str, threading.Event] = {}

    # ------------------------------------------------------------------ views of a project

    def project(self, session: Session) -> Project | None:
        return self.store.load(session.project) if session.project else None

    def table(self, project: Project | None) -> dict[str, Any]:
        rows = []
        for n, s in enumerate(project.shots if project else [], start=1):
            flags = " ".join(f for f, on in (("🔒 locked", s.locked), ("⚠ generic", s.critique.generic),
                                              ("📷 filmable", s.critique.camera_shootable)) if on)
            rows.append([n, round(s.start, 2), round(s.end, 2), s.section, s.lyric or "", s.shot_size, s.angle,
                         s.movement, s.subject, s.action, s.prompt, s.reason, s.why_generative, flags])
        return {"headers": TABLE_COLUMNS, "data": rows}

    def timeline(self, project: Project | None):
        from ui.timeline import draw_timeline

        return draw_timeline(project) if project else None

    def storyboard(self, project: Project | None) -> list[tuple[Any, str]]:
        if not project:
            return []
        from shotlist.export.media import frame_image

        folder = self.store.folder(project.id)
        return [(frame_image(folder, s, n), f"{n}. {s.subject or s.section}") for n, s in enumerate(project.shots, 1)]

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
        return [{"role": m.role, "content": m.content} for m in conv.messages if m.role in ("user", "assistant")]

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
        return [(f"{i.title} ({i.id})", i.id) for i in self.store.list()]

    # ------------------------------------------------------------------ project bar

    def create(self, session: Session, song: str | None, lyrics: str | None, title: str) -> tuple[Session, str]:
        if not song:
            return session, "Choose a song file first (wav, mp3, ogg, flac or m4a)."
        from shotlist.audio import check_audio_file
        from shotlist.song import analyse_song

        try:
            size_mb = Path(song).stat().st_size / 2**20
            if size_mb > MAX_UPLOAD_MB:
                raise ShotcallerError(f"the upload is {size_mb:.0f} MB; the limit is {MAX_UPLOAD_MB} MB")
            check_audio_file(song)
            project = self.store.create(song, lambda p: analyse_song(p, lyrics=lyrics), title=title or None,
                                        lyrics_path=lyrics)
        except ShotcallerError as e:
            return session, f"⚠ {e}"
        session.project = project.id
        return session, f"Created {project.title}: {len(project.song.sections)} sections, {project.song.tempo:.0f} BPM."

    def open(self, session: Session, project_id: str | None) -> tuple[Session, str]:
        if not project_id:
            return session, ""
        try:
            project = self.store.load(project_id)
        except ShotcallerError as e:
            return session, f"⚠ {e}"
        session.project = project.id
        return session, f"Opened {project.title}."

    def rename(self, session: Session, title: str) -> str:
        project = self.project(session)
        if not project or not title.strip():
            return "Open a project and type its new title."
        saved = self.store.save(project.model_copy(update={"title": title.strip()}))
        return f"Renamed to {saved.title}."

    def delete(self, session: Session) -> tuple[Session, str]:
        if not session.project:
            return session, "No project open."
        self.store.delete(session.project)
        old, session.project = session.project, None
        return session, f"Deleted {old}."

    def step(self, session: Session, redo: bool) -> str:
        if not session.project:
            return "No project open."
        try:
            p = self.store.redo(session.project) if redo else self.store.undo(session.project)
        except ShotcallerError as e:
            return f"⚠ {e}"
        return f"Now at version {p.version}."

    # ------------------------------------------------------------------ chat

    def director(self, session: Session):
        from assistant.session import open_director

        return open_director(self.store, session.project, session.llm or None)

    def chat(self, session: Session, message: str, history: list[dict[str, Any]]):
        """Yields the chat history as it grows: streamed text, and tool steps as collapsible notes."""
        history = list(history or [])
        if not session.project:
            yield history + [{"role": "assistant", "content": "Create or open a project first."}]
            return
        history.append({"role": "user", "content": message})
        yield history
        try:
            director = self.director(session)
            replies = director.plan() if message.strip() == "/plan" else director.turn(message)
            live: int | None = None  # index of the message being streamed into, if any
            streamed = False
            for reply in replies:
                if reply.final and streamed:
                    continue  # the agent's whole text: already on screen, piece by piece
                for step in reply.steps:
                    history.append({"role": "assistant", "content": step, "metadata": {"title": "🛠 tool step"}})
                    live = None
                if reply.final:
                    history.append({"role": "assistant", "content": reply.text})
                elif reply.text:
                    streamed = True
                    if live is None:
                        history.append({"role": "assistant", "content": ""})
                        live = len(history) - 1
                    history[live] = {"role": "assistant", "content": history[live]["content"] + reply.text}
                yield history
        except ShotcallerError as e:
            history.append({"role": "assistant", "content": f"⚠ {e}"})
            yield history

    def opening(self, session: Session) -> list[dict[str, Any]]:
        """On a new project the director opens the interview itself."""
        try:
            reply = self.director(session).opening()
        except ShotcallerError as e:
            return [{"role": "assistant", "content": f"⚠ {e}"}]
        return self.history(self.project(session)) if reply else []

    # ------------------------------------------------------------------ shot list edits

    def apply_table(self, session: Session, table: Any) -> str:
        from assistant.tools import ProjectTools, ShotPatch

        project = self.project(session)
        if not project:
            return "No project open."
        rows = table.get("data", []) if isinstance(table, dict) else table.values.tolist()
        patches = []
        for row in rows:
            cells = dict(zip(TABLE_COLUMNS, row))
            try:
                shot = project.shots[int(cells["#"]) - 1]
            except (ValueError, IndexError, TypeError):
                return f"⚠ row {cells.get('#')!r} is not a shot number of this project"
            changes = {}
            for column, name in EDITABLE.items():
                old, new = getattr(shot, name), cells.get(column)
                if name == "end":
                    new = float(new) if new not in (None, "") else old
                    if abs(new - old) < 0.005:
                        continue
                elif (new or "") == (old or ""):
                    continue
                changes[name] = new
            if changes:
                patches.append(ShotPatch(shot=shot.id, changes=changes))
        if not patches:
            return "No changes."
        try:
            return ProjectTools(self.store, project.id).revise_shots(patches)
        except (ShotcallerError, ValueError) as e:
            return f"⚠ {str(e).splitlines()[0]}"

    def lock(self, session: Session, numbers: str, locked: bool) -> str:
        from assistant.tools import ProjectTools

        if not session.project:
            return "No project open."
        refs = [n.strip() for n in numbers.replace(" ", ",").split(",") if n.strip()]
        try:
            return ProjectTools(self.store, session.project).lock_shots(refs, locked)
        except ShotcallerError as e:
            return f"⚠ {e}"

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
        return f"Shot {shot} uses {take}."

    def export(self, session: Session, fmt: str) -> tuple[str | None, str]:
        from assistant.tools import ProjectTools

        if not session.project:
            return None, "No project open."
        try:
            path = ProjectTools(self.store, session.project).export_file(fmt)
        except ShotcallerError as e:
            return None, f"⚠ {e}"
        return str(path), f"exported {fmt}: {path}"
