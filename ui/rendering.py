"""The studio's render and export actions: the cut (or one shot) on the chosen backend, cancelled
from the page, and every export format written into the project's exports/ folder.

A mixin of `ui.handlers.Studio`: it uses the studio's store, sessions' settings and project views."""

from __future__ import annotations

import re
import threading

from shotlist.errors import ShotcallerError

from .errors import explain
from .session import Session

SHOT_OF = re.compile(r"^shot (\d+)/(\d+)")  # a planned take's label (`generation.render.PlannedTake.label`)


def render_options(session: Session, report=None, cancel: threading.Event | None = None):
    """The studio's render settings (None where the project's constraints hold) as the render route takes them."""
    from generation.route import RenderOptions

    return RenderOptions(width=session.width, height=session.height, fps=session.fps, model=session.model or None,
                         takes=session.takes, ray=session.ray or None, report=report, cancel=cancel)


class RenderAndExport:
    """Render and export for a studio tab (`Studio` provides `store`, `cancels`, `project`, `output`,
    `editor`, `storyboard`, `latest_cut`, `log_folder` and `_disk_version`)."""

    def renderer(self, session: Session, report=None):
        """The renderer this tab's editors and director are given: the render route with the tab's
        settings as they are when it renders, cancelled by the tab's Cancel button."""
        from generation.route import render_shots

        def render(project_id: str, shots: list[int] | None, backend: str):
            cancel = self.cancels.setdefault(session.key, threading.Event())
            cancel.clear()
            return render_shots(self.store, project_id, shots, backend, render_options(session, report, cancel))

        return render

    def render(self, session: Session, shots: list[int] | None = None, report=None) -> tuple[str | None, str]:
        if not session.project:
            return None, "No project open."
        try:
            result = self.editor(session, stale_ok=True, report=report).render(shots, session.backend)
        except ShotcallerError as e:
            return None, f"⚠ {e}"
        finally:
            session.version = self._disk_version(session)
        self.storyboard(self.project(session))  # each new clip's thumbnail, made once, now
        if result.cancelled:
            return self.latest_cut(self.project(session)), "Render cancelled; render again to resume."
        failed = "; ".join(f"shot {n}: {why}" for n, why in result.failed.items())
        why = f" ({result.reasons()})" if result.why else ""
        return str(result.cut), (f"Rendered {len(result.rendered)}{why}, {len(result.cached)} from the cache."
                                 + (f" Failed: {failed}" if failed else ""))

    @staticmethod
    def overall(progress):
        """A render's report for a progress bar: each shot's fraction ("shot 3/12", 0.5) placed in the
        whole render (0.21), so the bar runs once from start to end instead of once a shot."""
        def report(label: str, fraction: float, what: str) -> None:
            m = SHOT_OF.match(label)
            done = (int(m.group(1)) - 1 + fraction) / int(m.group(2)) if m else fraction
            progress(min(max(done, 0.0), 1.0), desc=f"{label}: {what}")
        return report

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
