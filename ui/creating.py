"""Creating a project from the studio: the song analysed and the project opened, its steps reported
as they happen, one creation per tab at a time, and the work done on a thread of its own, so a tab
closed during the analysis loses nothing (the project is saved, the waiting messages answered).

A mixin of `ui.handlers.Studio` (which provides `store`, `open`, `opening` and `drain`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shotlist.errors import ShotcallerError

from .edits import Outcome
from .session import Session

MAX_UPLOAD_MB = 300
# what creating a project does, in order; `Creation.step` counts them
CREATE_STEPS = ("checking the file", "analysing the song (beats, bars, sections, lyrics)", "saving the project",
                "the director's first question")


@dataclass
class Creation:
    """One project being created: its step, and its outcome once done."""

    song: str
    step: int = 0  # 1-based index into CREATE_STEPS; 0 before the first
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None
    watched: bool = True  # an event is showing its progress; else the thread answers the waiting messages

    def line(self) -> str:
        """What the status line says meanwhile: the step, how far along, how long so far."""
        what = CREATE_STEPS[max(self.step, 1) - 1]
        return (f"Creating the project from {self.song}: step {max(self.step, 1)} of {len(CREATE_STEPS)}, {what}… "
                f"({time.monotonic() - self.started:.0f} s). Messages you type now are answered when it opens.")

    @property
    def fraction(self) -> float:
        return max(self.step - 1, 0) / len(CREATE_STEPS)


class ProjectCreation:
    """`create` (blocking) and `start_create` (on a thread, for the page)."""

    def create(self, session: Session, song: str | None, lyrics: str | None, title: str,
               report: Callable[[int], None] | None = None) -> tuple[Session, Outcome]:
        """Analyse the song and open the new project; the director asks its first question. Messages
        typed meanwhile wait in the inbox for the new project. A second call while one is under way
        for this tab is refused (one project per click)."""
        if not song:
            return session, Outcome(False, "Choose a song file first (wav, mp3, ogg, flac or m4a).")
        with session.creation_lock:
            if session.creating:
                return session, Outcome(False, f"⚠ {session.creating} is still being analysed: the project opens "
                                               "when it is ready (no second project was made).")
            session.creating = Path(song).name
        try:
            return session, self._create(session, song, lyrics, title, report or (lambda step: None))
        finally:
            session.creating = ""

    def _create(self, session: Session, song: str, lyrics: str | None, title: str,
                report: Callable[[int], None]) -> Outcome:
        from shotlist.audio import check_audio_file
        from shotlist.song import analyse_song

        try:
            report(1)
            size_mb = Path(song).stat().st_size / 2**20
            if size_mb > MAX_UPLOAD_MB:
                raise ShotcallerError(f"the upload is {size_mb:.0f} MB; the limit is {MAX_UPLOAD_MB} MB")
            check_audio_file(song)
            report(2)
            analysed = analyse_song(song, lyrics=lyrics)
            report(3)
            project = self.store.create(song, lambda p: analysed, title=title or None, lyrics_path=lyrics)
            # until the director has asked its first question, queued answers wait (they answer it)
            self.open(session, project.id)
            report(4)
            self.opening(session)
        except ShotcallerError as e:
            waiting = len(session.inbox)
            session.held = bool(waiting)  # typed for the song that failed: not for the project still open
            kept = f" Your {waiting} waiting message(s) stay queued for the next project you open." if waiting else ""
            return Outcome(False, f"⚠ {Path(song).name}: {e}{kept}")
        unsure = project.song.confidence_note()
        return Outcome(True, f"Created {project.title}: {len(project.song.sections)} sections, "
                             f"{project.song.tempo:.0f} BPM." + (f" ⚠ {unsure}" if unsure else ""))

    def waiting(self, session: Session) -> str:
        """The status line while messages wait for a project: being made, or still to be chosen."""
        n = len(session.inbox)
        if session.creating:
            return (f"{n} message(s) will be answered when the project is ready: analysing {session.creating}… "
                    "(a few seconds per minute of music).")
        return f"{n} message(s) wait for a project: create or open one."

    def start_create(self, session: Session, song: str | None, lyrics: str | None, title: str) -> Creation:
        """`create` on a thread of its own; the returned `Creation` reports its step and, once `done`,
        its outcome. If nobody watches it any more (the tab was closed), the thread also answers the
        messages that were waiting for the project, so they are in its chat when it is reopened."""
        job = Creation(Path(song).name if song else "")

        def run() -> None:
            try:
                _, job.outcome = self.create(session, song, lyrics, title, report=lambda step: setattr(job, "step", step))
            except Exception as e:  # noqa: BLE001 - the watcher shows it as one line
                job.outcome = Outcome(False, f"⚠ creating the project failed ({type(e).__name__}: {e})")
            job.done.set()
            if not job.watched and job.outcome.ok:
                for _ in self.drain(session):
                    pass

        threading.Thread(target=run, name="shotcaller-create", daemon=True).start()
        return job
