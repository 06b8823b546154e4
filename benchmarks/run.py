"""`make bench`: speed figures as ratios against a reference measured in the same run.

Writes benchmarks/results.json and prints a Markdown table (also written to benchmarks/README.md).
Song analysis of the fixture song:
- reference: decoding the same file (soundfile → mono float32), the floor any analysis pays;
- cold: a fresh process with an empty analysis cache (numba kernels cached, as after install);
- warm: the same process again with the cache hit, and a warm recompute with the cache bypassed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .growth import bench_growth, bench_ui, vm_hwm_mb
from .studio import STUDIO_BLOCK

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT.parent / "shared" / "fixtures" / "songs" / "chaos_god" / "song.ogg"

CHILD = """
import os, sys, time, json
t0 = time.perf_counter()
from shotlist.song import analyse_song
song = analyse_song(sys.argv[1])
cold = time.perf_counter() - t0
t1 = time.perf_counter(); analyse_song(sys.argv[1]); warm = time.perf_counter() - t1
t2 = time.perf_counter(); analyse_song(sys.argv[1], use_cache=False); recompute = time.perf_counter() - t2
import soundfile as sf
t3 = time.perf_counter(); y, sr = sf.read(sys.argv[1], dtype="float32"); y.mean(axis=1); decode = time.perf_counter() - t3
peak = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")][0] / 1024
print(json.dumps(dict(cold=cold, warm=warm, recompute=recompute, decode=decode, duration=song.duration, tempo=song.tempo, peak_mb=peak)))
"""


def bench_analysis() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, SHOTCALLER_HOME=home)
        from shotlist.paths import numba_cache

        env.setdefault("NUMBA_CACHE_DIR", str(numba_cache()))
        out = subprocess.run([sys.executable, "-c", CHILD, str(FIXTURE)], env=env, check=True,
                             capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return {
        "song_seconds": r["duration"],
        "tempo": r["tempo"],
        "decode_reference_s": r["decode"],
        "cold_s": r["cold"],
        "warm_cached_s": r["warm"],
        "warm_recompute_s": r["recompute"],
        "cold_vs_decode": r["cold"] / r["decode"],
        "recompute_vs_decode": r["recompute"] / r["decode"],
        "cold_fraction_of_song": r["cold"] / r["duration"],
        "recompute_fraction_of_song": r["recompute"] / r["duration"],
        "peak_mb": r["peak_mb"],
    }


def bench_agent(turns: int = 10) -> dict[str, float]:
    """Agent overhead per turn against the scripted server (no LLM time), with a raw `openai` client
    call to the same server as the reference; and a one-shot revision's tokens vs the full plan's."""
    import statistics

    import openai

    from assistant.planner import plan_shots
    from assistant.session import open_director
    from evals.scripted_openai import ScriptedOpenAI, Step
    from shotlist.models import Brief
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    brief = {"meaning": "a lover asks for impossible tasks", "why_generative": "a shirt of fog cannot be filmed",
             "motifs": ["a seamless shirt made of mist", "herbs growing out of cloth"], "story": "a tailor at night"}
    with tempfile.TemporaryDirectory() as home, ScriptedOpenAI() as srv:
        os.environ.update(SHOTCALLER_HOME=home, OPENAI_BASE_URL=srv.url, OPENAI_API_KEY="bench")
        store = ProjectStore()
        lrc = FIXTURE.with_name("lyrics.lrc")
        p = store.create(FIXTURE, lambda path: analyse_song(path, lyrics=lrc), title="Chaos God")
        director = open_director(store, p.id, "openai:scripted")
        client = openai.OpenAI(base_url=srv.url, api_key="bench", max_retries=0)
        raw, turn = [], []
        for _ in range(turns):
            srv.push(Step.text("ok"))
            t = time.perf_counter()
            client.chat.completions.create(model="scripted", messages=[{"role": "user", "content": "hi"}])
            raw.append(time.perf_counter() - t)
            srv.push(Step.text("ok"))
            t = time.perf_counter()
            list(director.turn("hi"))
            turn.append(time.perf_counter() - t)
        planned = p.model_copy(update={"brief": Brief.model_validate(brief)})
        keep = ("start", "end", "shot_size", "angle", "movement", "lens", "subject", "action", "setting", "prompt",
                "reason", "why_generative", "lyric", "transition")
        args = {"shots": [{k: getattr(s, k) for k in keep} for s in plan_shots(planned)]}
        srv.usage.clear()
        srv.push(Step.call("update_brief", brief), Step.call("propose_shot_list", args), Step.text("planned"))
        list(director.turn("plan it"))
        plan_tokens = sum(a + b for a, b in srv.usage)
        shot = store.load(p.id).shots[6]
        srv.usage.clear()
        srv.push(Step.call("revise_shots", {"patches": [{"shot": shot.id, "changes": {"prompt": "colder"}}]}),
                 Step.text("done"))
        list(director.turn("make shot 7 colder"))
        revision_tokens = sum(a + b for a, b in srv.usage)
    raw_ms, turn_ms = statistics.median(raw) * 1000, statistics.median(turn) * 1000
    return {"raw_client_call_ms": raw_ms, "agent_turn_ms": turn_ms, "overhead_ms": turn_ms - raw_ms,
            "turn_vs_raw": turn_ms / raw_ms, "plan_tokens": plan_tokens, "revision_tokens": revision_tokens,
            "revision_vs_plan": revision_tokens / plan_tokens, "shots": len(args["shots"])}


def _guided_project(store, home: str):
    """The fixture song planned by guided mode from the acceptance answers (no LLM)."""
    from assistant.conversation import Conversation
    from assistant.guided import GuidedDirector
    from assistant.tools import ProjectTools
    from shotlist.song import analyse_song

    lrc = FIXTURE.with_name("lyrics.lrc")
    p = store.create(FIXTURE, lambda path: analyse_song(path, lyrics=lrc), title="Chaos God")
    director = GuidedDirector(ProjectTools(store, p.id), Conversation(store.folder(p.id) / "chat.jsonl"))
    director.opening()
    answers = (ROOT.parent / "shared" / "checks" / "scarborough-answers.txt").read_text().splitlines()
    for line in answers:
        list(director.turn(line))
    return store.load(p.id)


def raw_pipe_seconds(shot, frames: int, width: int, height: int, fps: float) -> float:
    """Reference: the same number of ready RGB frames (one of our cards, drawn beforehand) piped
    straight into ffmpeg with the same encoder: what is left is the cost of the moves and cards."""
    import numpy as np

    from shotlist.cards import draw_card
    from generation.ffmpeg import X264
    from shotlist.audio import ffmpeg_exe

    data = np.asarray(draw_card(shot, 1, (width, height))).tobytes()
    with tempfile.TemporaryDirectory() as d:
        cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
               "-r", str(fps), "-i", "-", *X264, f"{d}/raw.mp4"]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        for _ in range(frames):
            proc.stdin.write(data)
        proc.stdin.close()
        proc.wait()
        return time.perf_counter() - t


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run a command; its wall time and peak resident memory (MB). The peak is the child's own VmHWM,
    polled: rusage's ru_maxrss of a child counts the parent's pages it was forked with."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, vm_hwm_mb(proc.pid))
        time.sleep(0.02)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed with {proc.returncode}")
    return time.perf_counter() - t, peak


def bench_render() -> dict[str, float]:
    from generation.backend import RenderSettings
    from generation.render import Renderer
    from shotlist.store import ProjectStore

    settings = RenderSettings(width=1280, height=720, fps=24)
    with tempfile.TemporaryDirectory() as home:
        os.environ["SHOTCALLER_HOME"] = home
        store = ProjectStore()
        p = _guided_project(store, home)
        t = time.perf_counter()
        Renderer(store, p.id, "animatic", settings).render()
        full = time.perf_counter() - t
        frames = round(p.song.duration * settings.fps)
        raw = raw_pipe_seconds(p.shots[9], frames, 1280, 720, 24)
        shots = list(p.shots)
        shots[9] = shots[9].model_copy(update={"prompt": shots[9].prompt + " colder"})
        store.save(store.load(p.id).model_copy(update={"shots": shots}))
        t = time.perf_counter()
        result = Renderer(store, p.id, "animatic", settings).render()
        one = time.perf_counter() - t
        shots[9] = shots[9].model_copy(update={"prompt": shots[9].prompt + " again"})
        store.save(store.load(p.id).model_copy(update={"shots": shots}))
        cli_s, cli_peak = run_measured([str(Path(sys.executable).with_name("shotcaller")), "render", p.id],
                                       dict(os.environ, SHOTCALLER_HOME=home))
    return {"song_seconds": p.song.duration, "shots": len(p.shots), "frames": frames, "full_s": full,
            "raw_pipe_s": raw, "full_vs_raw": full / raw, "x_real_time": p.song.duration / full,
            "one_shot_s": one, "one_shot_vs_full": one / full, "one_shot_rendered": len(result.rendered),
            "one_shot_cli_s": cli_s, "one_shot_cli_peak_mb": cli_peak}


def bench_diffusers(repeats: int = 3) -> dict[str, float]:
    """The diffusers-video wrapper (prompt, conform, encode) against calling the same tiny pipeline
    directly with the same arguments."""
    import statistics

    import torch

    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_models
    from diffusers import DiffusionPipeline

    from generation.backend import RenderSettings, ShotJob, get_backend
    from shotlist.models import Shot, StyleBible

    with tempfile.TemporaryDirectory() as d:
        folder = tiny_models.wan(Path(d) / "wan")
        settings = RenderSettings(width=64, height=64, fps=16, model=str(folder), steps=2,
                                  options={"gen_width": 32, "gen_height": 32, "max_sequence_length": 16,
                                           "preset": "wan2.1-t2v-1.3b"})
        shot = Shot(start=0, end=2.0, prompt="a shirt of fog", negative_prompt="text")
        job = ShotJob(shot=shot, number=1, seed=3, frames=32, settings=settings, style=StyleBible())
        backend = get_backend("diffusers-video")
        pipe = DiffusionPipeline.from_pretrained(str(folder), dtype=torch.float32)
        pipe.set_progress_bar_config(disable=True)
        backend.render(job, Path(d) / "warm.mp4", lambda f, m: None)  # load once, as a render session does
        direct, wrapped = [], []
        for i in range(repeats):
            t = time.perf_counter()
            pipe(prompt="a shirt of fog", negative_prompt="text", num_frames=33, width=32, height=32,
                 num_inference_steps=2, guidance_scale=5.0, max_sequence_length=16, output_type="np",
                 generator=torch.Generator().manual_seed(3))
            direct.append(time.perf_counter() - t)
            t = time.perf_counter()
            backend.render(job, Path(d) / f"w{i}.mp4", lambda f, m: None)
            wrapped.append(time.perf_counter() - t)
    dm, wm = statistics.median(direct), statistics.median(wrapped)
    return {"direct_s": dm, "wrapper_s": wm, "wrapper_vs_direct": wm / dm}


def table(results: dict[str, dict[str, float]]) -> str:
    a = results["analysis"]
    rows = [
        "| benchmark | seconds | × reference | × real time | target |",
        "|---|---|---|---|---|",
        f"| decode fixture song (reference) | {a['decode_reference_s']:.2f} | 1.00 | "
        f"{a['decode_reference_s'] / a['song_seconds']:.3f} | |",
        f"| analysis, cold process, empty cache | {a['cold_s']:.2f} | {a['cold_vs_decode']:.1f} | "
        f"{a['cold_fraction_of_song']:.3f} | ≤ 25 s |",
        f"| analysis, warm, recomputed | {a['warm_recompute_s']:.2f} | {a['recompute_vs_decode']:.1f} | "
        f"{a['recompute_fraction_of_song']:.3f} | ≤ 2 s |",
        f"| analysis, warm, cache hit | {a['warm_cached_s']:.3f} | | | ≤ 2 s |",
        f"| analysis process peak memory | {a['peak_mb']:.0f} MB | | | |",
    ]
    g = results.get("agent")
    if g:
        rows += [
            f"| raw openai call to the scripted server (reference) | {g['raw_client_call_ms'] / 1000:.4f} | 1.00 | | |",
            f"| agent turn, no LLM time (overhead {g['overhead_ms']:.0f} ms) | {g['agent_turn_ms'] / 1000:.4f} | "
            f"{g['turn_vs_raw']:.1f} | | ≤ 50 ms overhead |",
            f"| one-shot revision tokens / full plan tokens ({g['shots']} shots; ~4 chars a token) | "
            f"{g['revision_tokens']} / {g['plan_tokens']} | {g['revision_vs_plan']:.3f} | | ≤ 0.15 |",
        ]
    r = results.get("render")
    if r:
        rows += [
            f"| `shotcaller render` after one change, whole process incl. imports | {r['one_shot_cli_s']:.1f} | "
            f"{r['one_shot_cli_s'] / r['full_s']:.3f} of full | | peak {r['one_shot_cli_peak_mb']:.0f} MB |",
            f"| ready card frames piped to ffmpeg, {r['frames']} × 1280x720 (reference) | {r['raw_pipe_s']:.1f} | 1.00 | "
            f"{r['song_seconds'] / r['raw_pipe_s']:.1f}× | |",
            f"| animatic, full render + cut ({r['shots']} shots) | {r['full_s']:.1f} | {r['full_vs_raw']:.2f} | "
            f"{r['x_real_time']:.1f}× | ≤ 2.0× raw, ≥ 8× real time |",
            f"| one changed shot + re-assembly ({r['one_shot_rendered']} rendered) | {r['one_shot_s']:.1f} | "
            f"{r['one_shot_vs_full']:.3f} of full | | ≤ 0.10 |",
        ]
    d = results.get("diffusers")
    if d:
        rows += [
            f"| tiny Wan pipeline called directly (reference) | {d['direct_s']:.2f} | 1.00 | | |",
            f"| the same through diffusers-video (prompt, conform, encode) | {d['wrapper_s']:.2f} | "
            f"{d['wrapper_vs_direct']:.2f} | | ≤ 1.10 |",
        ]
    m = results.get("machine", {})
    if "bench_process_peak_mb" in m:
        rows.append(f"| peak memory of this process (agent, animatic 720p, tiny diffusers pipelines, growth runs) | "
                    f"{m['bench_process_peak_mb']:.0f} MB | | | |")
    u = results.get("ui")
    if u:
        rows += [
            f"| a one-textbox Gradio app, cold start to HTTP 200 (reference) | {u['minimal_gradio_s']:.1f} | 1.00 | | |",
            f"| the studio, cold start to HTTP 200 | {u['studio_s']:.1f} | {u['studio_vs_minimal']:.2f} | | ≤ 6 s |",
            f"| the studio process peak memory at start | {u['studio_peak_mb']:.0f} MB | | | |",
        ]
    g = results.get("growth")
    if g:
        rows += ["", "How it grows (synthetic songs at 120 BPM; animatic at 640x360; linear would keep the per-minute "
                 "columns flat):", "", "| song | analysis s | per minute | render s | per minute | shots |",
                 "|---|---|---|---|---|---|"]
        for r in g["songs"]:
            rows.append(f"| {r['minutes']} min | {r['analysis_s']:.2f} | {r['analysis_s'] / r['minutes']:.2f} | "
                        f"{r['render_s']:.1f} | {r['render_s'] / r['minutes']:.1f} | {r['shots']} |")
        rows += ["", "| shot list | agent turn ms (scripted server) |", "|---|---|"]
        rows += [f"| {t['shots']} shots | {t['turn_ms']:.0f} |" for t in g["turns"]]
    return "\n".join(rows)


def main() -> None:
    results = {"analysis": bench_analysis(), "agent": bench_agent(), "render": bench_render(),
               "diffusers": bench_diffusers(), "ui": bench_ui(), "growth": bench_growth(),
               "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    results["machine"]["bench_process_peak_mb"] = vm_hwm_mb(os.getpid())
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = table(results)
    readme = ROOT / "benchmarks" / "README.md"
    old = readme.read_text() if readme.is_file() else ""
    # sections written by their own benchmarks (local LLM by hand, ray_bench, benchmarks.studio last) are kept
    starts = [old.find(m) for m in ("<!-- beats:start", "## The local director's server", "<!-- ray-bench:begin -->",
                                 STUDIO_BLOCK)]
    kept = old[min(i for i in starts if i >= 0):] if any(i >= 0 for i in starts) else ""
    readme.write_text(
        "# Benchmarks\n\n`make bench` regenerates this table and `results.json`. Ratios are against a "
        "reference measured in the same run.\n\n" + md + "\n" + (f"\n{kept}" if kept else ""))
    print(md)


if __name__ == "__main__":
    main()
