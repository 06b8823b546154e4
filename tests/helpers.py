"""Small helpers for tests: projects, a studio process, a scripted OpenAI-compatible server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shotlist.models import Project, Shot, Song


def song_of(duration: float = 10.0, **kw) -> Song:
    return Song(path="song.wav", sha256="0" * 64, duration=duration, sample_rate=22050, tempo=120.0, **kw)


def even_shots(duration: float, n: int) -> list[Shot]:
    step = duration / n
    return [Shot(start=round(i * step, 6), end=round((i + 1) * step, 6), reason="r", why_generative="w") for i in range(n)]


def planned_song(store, wav: Path | str, shots: int, title: str = "Click Song") -> str:
    """A project of the song at `wav` in `store`, analysed, with `shots` even shots proposed: its id."""
    from shotlist.editor import ProjectEditor
    from shotlist.song import analyse_song

    pid = store.create(wav, analyse_song, title=title).id
    ProjectEditor(store, pid).propose(even_shots(store.load(pid).song.duration, shots))
    return pid


def project_of(duration: float = 10.0, n: int = 4, **kw) -> Project:
    return Project(id="test", title="Test", song=song_of(duration), shots=even_shots(duration, n), version=1, **kw)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def studio_process(env: dict[str, str], wait_s: float) -> Iterator[str]:
    """`shotcaller ui` in its own process on a free port; yields its URL once it answers HTTP 200,
    fails the test with the process's last output when it does not start, terminates it after."""
    import pytest

    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("shotcaller")), "ui", "--port", str(port)],
                            env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + wait_s
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"the studio did not start: {proc.stdout.read()[-2000:]}")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


@contextmanager
def scripted_openai(monkeypatch, *, key: str, retries: int, timeout: float) -> Iterator:
    """A scripted OpenAI-compatible server on 127.0.0.1, with the environment pointing the real client at it."""
    from evals.scripted_openai import ScriptedOpenAI

    with ScriptedOpenAI() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_API_KEY", key)
        monkeypatch.setenv("SHOTCALLER_LLM_RETRIES", str(retries))
        monkeypatch.setenv("SHOTCALLER_LLM_TIMEOUT", str(timeout))
        yield srv


def whole_turns(director) -> bool:
    """The conversation is whole turns: every user message has its answer (an opening may come first)."""
    roles = [m.role for m in director.conversation.messages]
    return roles == ["user", "assistant"] * (len(roles) // 2) or roles == ["assistant"] + ["user", "assistant"] * (
        len(roles) // 2)


def interview(director) -> list[str]:
    """An opening, two answers and a plan through a director on a garbage-writing model: each turn either
    answers (a reply, no raw tool-call text) or fails with one clear line and records nothing; the
    conversation stays whole turns. Returns "reply" or "error" per turn."""
    from shotlist.errors import ShotcallerError

    outcomes = []
    turns = [director.opening, lambda: director.turn("It is about a lover who asks for impossible tasks."),
             lambda: director.turn("A tailor stitches a shirt out of fog."), director.plan]
    for run in turns:
        before = len(director.conversation.messages)
        try:
            result = run()
            if hasattr(result, "__next__"):
                assert list(result)[-1].final
            outcomes.append("reply")
            assert len(director.conversation.messages) > before
            assert "<tool_call>" not in director.conversation.messages[-1].content
        except ShotcallerError as e:  # garbage in, one clear line out, nothing half-recorded
            assert "nothing was lost" in str(e) and "Traceback" not in str(e)
            assert len(director.conversation.messages) == before
            outcomes.append("error")
        assert whole_turns(director), [m.role for m in director.conversation.messages]
    return outcomes


def studio_home(tmp_path_factory, name: str) -> Path:
    """A SHOTCALLER_HOME for a studio under test, sharing the suite's song-analysis cache (analysis is
    deterministic; the cache spares each studio the first beat tracking)."""
    home = tmp_path_factory.mktemp(name)
    (home / "cache").mkdir()
    shared = Path(__file__).resolve().parents[1] / ".cache" / "test-analysis"
    shared.mkdir(parents=True, exist_ok=True)
    (home / "cache" / "analysis").symlink_to(shared, target_is_directory=True)
    return home


CHROMIUM = "/usr/bin/chromium"  # Debian's (make system-deps); Playwright downloads no browser here
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
