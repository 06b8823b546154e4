"""llama.cpp's build in the studio: a header badge while a build runs or after it failed (the whole line one
click away, in the header's details), the status line following it while this page is open, and a "Build
llama.cpp" button under Settings for a studio started without `make run` (which builds in the background).

The build keeps its state in a file beside it (`assistant.runtime_progress`), so a build another process
runs shows here as truthfully as one this studio started. Kept apart from the layout (`ui.studio` calls
`build_row` and `wire_build`). (No `from __future__ import annotations` here: Gradio reads the handler's
`gr.Request` annotation.)"""

import threading
import time
from types import SimpleNamespace

from .edits import Outcome

POLL_S = 1.0  # how often an open page reads the build's state while it runs
RECENT_S = 600.0  # a finished build's badge stays this long


def build_state():
    """The last recorded build, or None (no build here, or none recorded)."""
    from assistant.local_runtime import runtime_dir
    from assistant.runtime_progress import read_build

    return read_build(runtime_dir())


def badge_and_line() -> tuple[str, str] | None:
    """(badge words, the whole line) for the header, while a build is worth mentioning."""
    state = build_state()
    if state is None or (state.state == "done" and time.time() - state.updated > RECENT_S):
        return None
    return state.badge(), state.describe()


def start_build(studio) -> Outcome:
    """Build llama.cpp on a thread of the studio's own; its progress is read from the build's file."""
    from assistant import local_runtime

    if local_runtime.server_binary() is not None and local_runtime.source_dir() is not None:
        return Outcome(False, f"llama.cpp {local_runtime.VERSION} is already built in {local_runtime.runtime_dir()}.")
    if missing := local_runtime.missing_tools():
        return Outcome(False, f"Building llama.cpp needs {' and '.join(missing)}: install them (Debian: apt-get "
                              "install cmake g++), or choose another director under Settings.")
    state = build_state()
    if state is not None and state.running:
        return Outcome(True, state.describe())
    started = threading.Event()

    def run() -> None:
        try:
            local_runtime.build(say=lambda _: started.set())
        except Exception:  # noqa: BLE001 - the build's file says how it failed; the page reads it
            pass
        finally:
            started.set()

    threading.Thread(target=run, name="llama-cpp-build", daemon=True).start()
    started.wait(5)  # its first step recorded, so the first read shows it
    state = build_state()
    return Outcome(True, state.describe() if state else "Building llama.cpp…")


def following(gr):
    """The page's timer, on while a build runs (the page load asks: `ui.wiring`)."""
    state = build_state()
    return gr.Timer(active=bool(state and state.running))


def build_row(gr, c: SimpleNamespace) -> None:
    """Call inside the Settings accordion: the button, and the page's timer while a build runs."""
    c.build_btn = gr.Button("Build llama.cpp (the local director's CPU runtime; minutes, once)", size="sm",
                            elem_id="build-llama")
    c.build_timer = gr.Timer(POLL_S, active=False)


def wire_build(wiring) -> None:
    gr, c, studio = wiring.gr, wiring.c, wiring.studio

    shown: dict[str, str] = {}  # per tab, the header it shows: resent only when it changed (an open
    # header's details would otherwise close every second)

    def follow(session, line: str | None = None) -> dict:
        """The header while the build runs (its badge: the step or the percent); the status line when it
        starts and when it ends (done, failed, or its process gone)."""
        state = build_state()
        running = state is not None and state.running
        header = studio.header(session, studio.project(session))
        update = {c.build_timer: gr.Timer(active=running)}
        if shown.get(session.key) != header:
            shown[session.key] = update[c.header] = header
        if line or not running:
            update[c.status] = line or (state.describe() if state else "")
        return update

    @wiring.guarded("building llama.cpp")
    def on_build(request: gr.Request):
        session = wiring.me(request)
        return follow(session, str(start_build(studio)))

    @wiring.guarded("following the llama.cpp build")
    def on_tick(request: gr.Request):
        return follow(wiring.me(request))

    outputs = [c.status, c.header, c.build_timer]
    wiring.on(c.build_btn.click, on_build, None, outputs)
    wiring.on(c.build_timer.tick, on_tick, None, outputs, show_progress="hidden")
