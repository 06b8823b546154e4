"""llama.cpp's build tells the truth about itself: each step and CMake's own percent kept in a file beside the
build while it runs (a real CMake build of a tiny project laid out as the sdist is), how it ended, a clear
line when it failed or its process went away; the studio's header and status line read that file, for a
build it started or one `make run` started."""

import json
import os
import subprocess
import threading
import time

import pytest

from assistant import local_runtime
from assistant.runtime_progress import PROGRESS_FILE, BuildProgress, BuildState, read_build
from tiny_llama_cpp import tiny_sdist

needs_tools = pytest.mark.skipif(bool(local_runtime.missing_tools()), reason="cmake and c++ are not installed")


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    root = tmp_path / "rt"
    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_DIR", str(root))
    return root


def watch(root, until: threading.Thread) -> list[BuildState]:
    """Every distinct state a reader sees while `until` runs (as the studio polls)."""
    seen: list[BuildState] = []
    while until.is_alive():
        state = read_build(root)
        if state is not None and (not seen or (state.step, state.percent) != (seen[-1].step, seen[-1].percent)):
            seen.append(state)
        until.join(0.05)
    return seen + [read_build(root)]


def test_cmake_lines_give_the_percent_and_the_file():
    progress = BuildProgress(path=None)
    progress._write = lambda force=False: None  # no file: only the parsing is under test
    progress.line("[ 43%] Building CXX object tools/server/CMakeFiles/llama-server.dir/server.cpp.o\n")
    assert (progress.state.percent, progress.state.compiling) == (43, "server.cpp")
    progress.line("-- Configuring done (0.4s)")  # not a progress line: nothing changes
    progress.line("[ 40%] Generating part4.cpp")  # another job's step, printed late: the percent stays
    assert (progress.state.percent, progress.state.compiling) == (43, "Generating part4.cpp")
    progress.line("[100%] Linking CXX executable bin/llama-server")
    assert (progress.state.percent, progress.state.compiling) == (100, "Linking CXX executable bin/llama-server")


@needs_tools
def test_a_real_build_keeps_each_step_and_cmakes_percent_then_says_it_is_built(runtime, tmp_path):
    sdist = tiny_sdist(tmp_path, steps=6, step_s=0.4)
    said: list[str] = []
    build = threading.Thread(target=local_runtime.build, kwargs={"say": said.append, "sdist": sdist})
    build.start()
    seen = watch(runtime, build)
    assert local_runtime.server_binary() is not None
    steps = [s.step for s in seen if s.percent is None]
    assert any(s.startswith("building llama.cpp") for s in steps)  # CMake configuring: seen before any percent
    percents = [s.percent for s in seen if s.percent is not None]
    assert len(set(percents)) >= 3 and percents == sorted(percents)  # read as it ran, never backwards
    assert any(s.describe().startswith(f"Building llama.cpp {local_runtime.VERSION}: compiling ") for s in seen[:-1])
    last = seen[-1]
    assert last.state == "done" and last.percent == 100 and last.pid == os.getpid()
    assert last.describe().startswith(f"Built llama.cpp {local_runtime.VERSION} in ") and last.badge() == "llama.cpp built"
    assert said[-1].startswith("built llama.cpp")  # the CLI's lines are unchanged


@needs_tools
def test_a_failed_build_is_one_line_with_its_log_and_nothing_half_built(runtime, tmp_path):
    sdist = tiny_sdist(tmp_path, broken=True)
    with pytest.raises(Exception, match="failed") as raised:
        local_runtime.build(say=lambda s: None, sdist=sdist)
    state = read_build(runtime)
    assert state.state == "failed" and state.badge() == "llama.cpp build failed"
    line = state.describe()
    assert line.startswith(f"The llama.cpp {local_runtime.VERSION} build failed: cmake --build failed")
    assert "full log: " in line and "\n" not in line and str(raised.value).split()[0] in line
    log = line.rsplit("full log: ", 1)[1]
    assert "broken" in open(log).read()  # the compiler's own words are in the log it names
    assert local_runtime.server_binary() is None


def test_a_build_whose_process_is_gone_is_said_to_have_stopped(runtime):
    child = subprocess.Popen(["true"])
    child.wait()  # a pid that no longer runs
    runtime.mkdir()
    (runtime / PROGRESS_FILE).write_text(json.dumps({"version": "0.3.36", "pid": child.pid, "started": time.time() - 90,
                                                     "updated": time.time(), "state": "running", "percent": 43,
                                                     "step": "llama.cpp build 40%"}))
    state = read_build(runtime)
    assert not state.running and state.badge() == "llama.cpp build stopped"
    assert state.describe().startswith("The llama.cpp 0.3.36 build stopped at 43% (its process is gone")
    assert "python -m assistant.local_runtime build" in state.describe()
    (runtime / PROGRESS_FILE).write_text("{half a fi")  # a torn or foreign file: as if none
    assert read_build(runtime) is None


@needs_tools
def test_the_studio_starts_a_build_and_its_header_follows_it(runtime, tmp_path, monkeypatch):
    from ui.build_panel import badge_and_line, start_build
    from ui.handlers import Session, Studio
    from shotlist.store import ProjectStore

    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_SDIST", str(tiny_sdist(tmp_path, steps=4, step_s=0.5)))
    studio, session = Studio(ProjectStore(tmp_path / "store")), Session(llm="offline")
    assert badge_and_line() is None and "llama.cpp" not in studio.header(session, None)
    started = start_build(studio)
    assert started.ok and started.message.startswith(f"Building llama.cpp {local_runtime.VERSION}: ")
    again = start_build(studio)  # a second click while it runs starts nothing
    assert again.ok and again.message.startswith("Building llama.cpp")
    badges = set()
    deadline = time.time() + 120
    while (state := read_build(runtime)).running and time.time() < deadline:
        badges.add(badge_and_line()[0])
        time.sleep(0.1)
    assert any(b.startswith("building llama.cpp") for b in badges)
    header = studio.header(session, None)
    assert "<span class='badge' id='build-badge'>llama.cpp built</span>" in header
    assert f"**llama.cpp:** Built llama.cpp {local_runtime.VERSION} in " in header
    done = start_build(studio)
    assert not done.ok and done.message == (f"llama.cpp {local_runtime.VERSION} is already built in {runtime}.")
    assert state.state == "done"


@needs_tools
def test_a_build_the_studio_started_that_fails_is_a_badge_and_one_line(runtime, tmp_path, monkeypatch):
    from ui.build_panel import start_build
    from ui.handlers import Session, Studio
    from shotlist.store import ProjectStore

    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_SDIST", str(tiny_sdist(tmp_path, broken=True)))
    studio, session = Studio(ProjectStore(tmp_path / "store")), Session(llm="offline")
    assert start_build(studio).ok
    deadline = time.time() + 120
    while read_build(runtime).running and time.time() < deadline:
        time.sleep(0.1)
    header = studio.header(session, None)
    assert "<span class='badge' id='build-badge'>llama.cpp build failed</span>" in header
    assert f"**llama.cpp:** The llama.cpp {local_runtime.VERSION} build failed: cmake --build failed" in header
    assert "full log: " in header


def test_a_build_another_process_runs_shows_in_the_studio_and_the_page_follows_it(runtime, tmp_path):
    """`make run` builds in the background: the studio reads that build's file like its own."""
    import gradio as gr

    from shotlist.store import ProjectStore
    from ui.build_panel import following
    from ui.handlers import Session, Studio

    studio, session = Studio(ProjectStore(tmp_path / "store")), Session(llm="offline")
    assert following(gr).active is False
    other = subprocess.Popen(["sleep", "60"])
    try:
        runtime.mkdir()
        (runtime / PROGRESS_FILE).write_text(json.dumps({
            "version": "0.3.36", "pid": other.pid, "started": time.time() - 130, "updated": time.time(),
            "state": "running", "percent": 43, "compiling": "ggml-cpu.c", "step": "  llama.cpp build 40%"}))
        header = studio.header(session, None)
        assert "<span class='badge' id='build-badge'>building llama.cpp 43%</span>" in header
        assert "**llama.cpp:** Building llama.cpp 0.3.36: compiling 43% (ggml-cpu.c) · 2 min so far" in header
        assert following(gr).active is True
    finally:
        other.kill()
        other.wait()
    assert "build-badge'>llama.cpp build stopped<" in studio.header(session, None) and following(gr).active is False
