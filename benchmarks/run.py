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
    return "\n".join(rows)


def main() -> None:
    results = {"analysis": bench_analysis(), "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = table(results)
    (ROOT / "benchmarks" / "README.md").write_text(
        "# Benchmarks\n\n`make bench` regenerates this table and `results.json`. Ratios are against a "
        "reference measured in the same run.\n\n" + md + "\n")
    print(md)


if __name__ == "__main__":
    main()
