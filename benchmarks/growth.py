"""Benchmarks of how Shotcaller grows (song length, shot-list size) and of the studio's cold start."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


MINIMAL_APP = """
import os; os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
import sys, gradio as gr
with gr.Blocks() as demo:
    gr.Textbox()
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""


def vm_hwm_mb(pid: int) -> float:
    """A process's own peak resident memory (VmHWM), MB; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return 0.0


def _seconds_to_200(cmd: list[str], port: int, env: dict) -> tuple[float, float]:
    """Seconds from spawn to the first HTTP 200, and the process's peak memory (MB) by then."""
    import urllib.request

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = None
    try:
        while time.perf_counter() - t < 120:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).status == 200:
                    seconds = time.perf_counter() - t
                    break
            except OSError:
                time.sleep(0.05)
        if seconds is None:
            raise RuntimeError(f"{cmd[0]} did not answer on port {port}")
    finally:
        peak = vm_hwm_mb(proc.pid)
        proc.terminate()
        proc.wait(10)
    return seconds, peak


def bench_ui() -> dict[str, float]:
    """Studio cold start (fresh process) to HTTP 200, against a one-textbox Gradio app."""
    import socket

    def port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, SHOTCALLER_HOME=home, GRADIO_ANALYTICS_ENABLED="False")
        p1 = port()
        minimal, _ = _seconds_to_200([sys.executable, "-c", MINIMAL_APP, str(p1)], p1, env)
        p2 = port()
        studio, peak = _seconds_to_200([str(Path(sys.executable).with_name("shotcaller")), "ui", "--port", str(p2)],
                                       p2, env)
    return {"minimal_gradio_s": minimal, "studio_s": studio, "studio_vs_minimal": studio / minimal,
            "studio_peak_mb": peak}


def bench_growth(minutes=(1, 3, 6, 12)) -> dict[str, list]:
    """How analysis and render time grow with the song's length (synthetic songs, 640x360 animatic),
    and the agent's per-turn overhead with the shot list's size (scripted server)."""
    from assistant.planner import plan_shots
    from generation.backend import RenderSettings
    from generation.render import Renderer
    from shotlist.models import Brief, Shot
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore
    from shotlist.synth import write_click_song

    songs = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["SHOTCALLER_HOME"] = home
        store = ProjectStore()
        warm = Path(home) / "warm.wav"
        write_click_song(warm, bpm=120.0, sections=(("verse", 4, 146.8, 0.7),))
        analyse_song(warm, use_cache=False)  # compile and import once, outside the timings
        for m in minutes:
            bars = int(m * 60 / 2)  # 120 BPM: a bar is 2 s
            sections = tuple((("verse", "chorus")[i % 2], 5, (146.8, 196.0)[i % 2], (0.7, 1.0)[i % 2])
                             for i in range(bars // 5))
            wav = Path(home) / f"song{m}.wav"
            write_click_song(wav, bpm=120.0, sections=sections)
            t = time.perf_counter()
            song = analyse_song(wav, use_cache=False)
            analysis = time.perf_counter() - t
            p = store.create(wav, analyse_song, title=f"growth {m}")
            p = p.model_copy(update={"brief": Brief(meaning="m", motifs=["fog"], why_generative="w")})
            p = store.save(p.model_copy(update={"shots": plan_shots(p)}))
            t = time.perf_counter()
            Renderer(store, p.id, "animatic", RenderSettings(640, 360, 24)).render()
            render = time.perf_counter() - t
            songs.append({"minutes": m, "seconds": song.duration, "analysis_s": analysis, "render_s": render,
                          "shots": len(p.shots)})
        turns = []
        from assistant.session import open_director
        from evals.scripted_openai import ScriptedOpenAI, Step

        with ScriptedOpenAI() as srv:
            os.environ.update(OPENAI_BASE_URL=srv.url, OPENAI_API_KEY="bench")
            base = store.load(f"growth-{minutes[-1]}")
            for n in (10, 50, 200):
                step = base.song.duration / n
                shots = [Shot(start=round(i * step, 4), end=round((i + 1) * step, 4) if i < n - 1 else base.song.duration,
                              subject=f"shot {i}") for i in range(n)]
                p = store.save(store.load(base.id).model_copy(update={"shots": shots}))
                director = open_director(store, p.id, "openai:scripted")
                times = []
                for _ in range(5):
                    srv.push(Step.text("ok"))
                    t = time.perf_counter()
                    list(director.turn("hi"))
                    times.append(time.perf_counter() - t)
                turns.append({"shots": n, "turn_ms": sorted(times)[2] * 1000})
    return {"songs": songs, "turns": turns}
