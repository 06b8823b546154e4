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
print(json.dumps(dict(cold=cold, warm=warm, recompute=recompute, decode=decode, duration=song.duration, tempo=song.tempo)))
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
    return "\n".join(rows)


def main() -> None:
    results = {"analysis": bench_analysis(), "agent": bench_agent(), "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = table(results)
    (ROOT / "benchmarks" / "README.md").write_text(
        "# Benchmarks\n\n`make bench` regenerates this table and `results.json`. Ratios are against a "
        "reference measured in the same run.\n\n" + md + "\n")
    print(md)


if __name__ == "__main__":
    main()
