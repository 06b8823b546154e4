"""`python -m benchmarks.ray_bench`: shots per hour on a local Ray cluster with 1 and 2 workers, and the
per-shot cost of dispatch, against a local render of the same shots measured in the same run.

The work is real and CPU-bound: a tiny random-weight Wan pipeline (built here, saved and loaded with
`from_pretrained`) denoising 20 equal shots of a planned project at 96x96, 24 steps, single-threaded (Ray
gives each one-CPU worker one thread; the local reference is set to one thread too). Each run starts
from an empty `renders/`, so every run does the same shots; the configurations run in the order
A B C C B A and are averaged, so a load that drifts during the run weighs on each alike. Writes benchmarks/ray_results.json and the
"Rendering on Ray" section of benchmarks/README.md (between its markers).

- steady shots/hour: (n - 1) shots over the time from the first finished shot to the last, so worker
  start-up (imports, pipeline load) is left out; end-to-end shots/hour counts everything.
- dispatch overhead per shot: the median gap between consecutive finished shots on one Ray worker
  minus the same median for the local render (both sequential on one thread).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- ray-bench:begin -->", "<!-- ray-bench:end -->"
STEPS, GEN, SHOTS = 24, 96, 20  # ~2 s a shot here: closer to a real generation than dispatch


def timed_render(make, n_expected: int) -> dict[str, float]:
    finished: dict[str, float] = {}  # shot label → when it was first reported complete
    t0 = time.perf_counter()

    def report(label: str, fraction: float, message: str) -> None:
        if fraction >= 1.0:
            finished.setdefault(label, time.perf_counter() - t0)

    renderer = make(report)
    result = renderer.render(assemble_cut=False)
    wall = time.perf_counter() - t0
    if result.failed or len(result.rendered) != n_expected:
        raise SystemExit(f"benchmark render incomplete: {result.failed or len(result.rendered)}")
    done = sorted(finished.values())
    gaps = [b - a for a, b in zip(done, done[1:])]
    return {"wall_s": wall, "first_done_s": done[0], "steady_s": done[-1] - done[0],
            "steady_shots_per_hour": (len(done) - 1) * 3600 / (done[-1] - done[0]),
            "end_to_end_shots_per_hour": len(done) * 3600 / wall, "median_gap_s": statistics.median(gaps),
            "shots": len(done)}


def main() -> None:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT / "tests"))
    work = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    os.environ["SHOTCALLER_HOME"] = str(work / "home")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    from shotlist.paths import numba_cache

    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache()))
    import ray
    import torch

    import tiny_models
    from generation.backend import RenderSettings
    from generation.ray_render import RayRenderer
    from generation.render import Renderer
    from test_ray import make_project

    load_before = os.getloadavg()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    model = tiny_models.wan(work / "tiny-wan")
    settings = RenderSettings(width=128, height=128, fps=24, model=str(model), steps=STEPS,
                              options={"gen_width": GEN, "gen_height": GEN, "max_sequence_length": 16,
                                       "preset": "wan2.1-t2v-1.3b"})
    store, p = make_project(work, bars=SHOTS // 2)
    step = p.song.duration / SHOTS  # equal shots, so every shot is the same work
    planned = p.shots
    shots = [planned[i % len(planned)].model_copy(update={"id": f"bench{i}", "start": round(i * step, 6),
                                                          "end": round((i + 1) * step, 6), "takes": []})
             for i in range(SHOTS)]
    p = store.save(p.model_copy(update={"shots": shots}))
    n = len(p.shots)
    renders = store.folder(p.id) / "renders"

    def fresh() -> None:
        for f in renders.glob("*"):
            f.unlink()

    torch.set_num_threads(1)  # what one Ray worker with one CPU gets
    samples: dict[str, list[dict[str, float]]] = {"local": [], "ray-1": [], "ray-2": []}
    # A B C C B A: a load that drifts linearly during the run weighs on each configuration alike
    for name in ["local", "ray-1", "ray-2", "ray-2", "ray-1", "local"]:
        fresh()
        workers = {"local": None, "ray-1": 1, "ray-2": 2}[name]
        if workers is None:
            run = timed_render(lambda rep: Renderer(store, p.id, "diffusers-video", settings, report=rep), n)
        else:
            run = timed_render(lambda rep, w=workers: RayRenderer(store, p.id, "diffusers-video", settings,
                                                                  report=rep, workers=w), n)
        samples[name].append(run | {"loadavg": os.getloadavg()[0]})
        print(name, json.dumps({k: round(v, 3) for k, v in run.items()}), flush=True)
    ray.shutdown()
    runs = {name: {k: statistics.mean(x[k] for x in xs) for k in xs[0]} for name, xs in samples.items()}
    out = {"shots": n, "steps": STEPS, "gen": GEN, "cpus": os.cpu_count(), "ray": ray.__version__,
           "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "runs": runs, "samples": samples,
           "speedup_2_vs_1": runs["ray-2"]["steady_shots_per_hour"] / runs["ray-1"]["steady_shots_per_hour"],
           "dispatch_overhead_s": runs["ray-1"]["median_gap_s"] - runs["local"]["median_gap_s"],
           "local_shot_s": runs["local"]["median_gap_s"]}
    (ROOT / "benchmarks" / "ray_results.json").write_text(json.dumps(out, indent=2) + "\n")
    write_readme(out)
    print(table(out))


def table(r: dict) -> str:
    runs = r["runs"]
    rows = [f"Tiny Wan pipeline, {r['shots']} shots of a planned project, {r['gen']}x{r['gen']}, {r['steps']} steps, "
            f"one thread per worker; Ray {r['ray']}, {r['cpus']} CPUs; each configuration run twice (A B C C B A) "
            f"and averaged; 1-minute load average {r['loadavg_before'][0]:.1f} before, "
            f"{r['loadavg_after'][0]:.1f} after.", "",
            "| run | wall s | first shot done s | steady shots/hour | end-to-end shots/hour | median s per shot "
            "| load average |", "|---|---|---|---|---|---|---|"]
    names = {"local": "local render, 1 thread (reference)", "ray-1": "Ray, 1 worker", "ray-2": "Ray, 2 workers"}
    for key, label in names.items():
        x = runs[key]
        rows.append(f"| {label} | {x['wall_s']:.1f} | {x['first_done_s']:.1f} | {x['steady_shots_per_hour']:.0f} | "
                    f"{x['end_to_end_shots_per_hour']:.0f} | {x['median_gap_s']:.2f} | {x['loadavg']:.1f} |")
    rows += ["", f"2 workers vs 1 (steady): **{r['speedup_2_vs_1']:.2f}×** (target ≥ 1.8×). Dispatch overhead per shot: "
                 f"**{r['dispatch_overhead_s'] * 1000:.0f} ms** on a {r['local_shot_s']:.2f} s local shot "
                 f"({r['dispatch_overhead_s'] / r['local_shot_s'] * 100:.1f} %)."]
    return "\n".join(rows)


def write_readme(r: dict) -> None:
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text() if readme.is_file() else "# Benchmarks\n"
    section = (f"{BEGIN}\n## Rendering on Ray\n\n`python -m benchmarks.ray_bench` (needs `shotcaller[ray]`) "
               f"regenerates this section and `ray_results.json`.\n\n{table(r)}\n{END}")
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    readme.write_text(text)


if __name__ == "__main__":
    main()
