"""`python -m benchmarks.ray_bench`: shots per hour on a local Ray cluster with 1 and 2 workers, the
per-shot cost of dispatch, and where the CPU goes, against renders without Ray of the same shots measured
in the same run.

The work is real and CPU-bound: a tiny random-weight Wan pipeline (built here, saved and loaded with
`from_pretrained`) denoising 20 equal shots of a planned project at 96x96, 24 steps, single-threaded (Ray
gives each one-CPU worker one thread; the references are set to one thread too). Each run starts from an
empty `renders/`, so every run does the same shots. Four configurations, each run twice in the order
A B C D D C B A and averaged, so a load that drifts during the run weighs on each alike:

- local: one plain local render (the reference for one worker);
- local x2: two plain processes, each rendering every other shot with the same per-take function, no
  Ray: the most two workers can make on this machine (the ceiling for Ray's 2 workers);
- Ray, 1 worker and Ray, 2 workers, on a cluster started the way `--ray local` starts it.

Figures: steady shots/hour sums each worker's own rate from its first finished shot to its last, so
worker start-up (imports, pipeline load) is left out and workers that start a moment apart are not
miscounted; end-to-end shots/hour counts everything. Dispatch overhead per shot: the median gap between
consecutive shots of one Ray worker minus the same median locally. CPU per shot: the CPU time of every
process of the cluster, the driver and the workers over the steady window, per shot finished in it
(`benchmarks/ray_cpu.py`), and how the machine's CPUs spent that window: ours, other users' processes,
idle, stolen. Each 2-vs-1 ratio is then split into its two factors, cores kept busy and CPU a shot
(throughput = cores busy / CPU a shot), which says what limits it. Writes benchmarks/ray_results.json
and the "Rendering on Ray" section of benchmarks/README.md (between its markers).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ray_cpu import ROLES, CpuSampler

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- ray-bench:begin -->", "<!-- ray-bench:end -->"
STEPS, GEN, SHOTS = 24, 96, 20  # ~0.9 s a shot on one idle core: long enough that dispatch is not all
NAMES = {"local": "local render, 1 thread (reference)", "local-2": "2 local processes, no Ray (ceiling)",
         "ray-1": "Ray, 1 worker", "ray-2": "Ray, 2 workers"}


def rates(done: dict[str, list[float]], t0: float, wall: float) -> dict[str, float]:
    """Throughput from each worker's finish times (perf_counter; the run started at t0)."""
    done = {w: [t - t0 for t in ts] for w, ts in done.items()}
    every = sorted(t for ts in done.values() for t in ts)
    per_worker = [sorted(ts) for ts in done.values() if len(ts) > 1]
    gaps = [b - a for ts in per_worker for a, b in zip(ts, ts[1:])]
    return {"wall_s": wall, "first_done_s": every[0], "shots": len(every),
            "steady_shots_per_hour": sum((len(ts) - 1) * 3600 / (ts[-1] - ts[0]) for ts in per_worker),
            "steady_all_shots_per_hour": (len(every) - 1) * 3600 / (every[-1] - every[0]),
            "end_to_end_shots_per_hour": len(every) * 3600 / wall, "median_gap_s": statistics.median(gaps),
            "window": (t0 + min(ts[0] for ts in per_worker), t0 + max(ts[-1] for ts in per_worker))}


def cpu_per_shot(sampler, r: dict) -> dict[str, float]:
    """CPU ms a shot by role over the steady window; also puts in `r` how the machine's CPUs spent it, in
    cores: ours (every process here), others (busy with processes not ours), idle, stolen."""
    start, end = r.pop("window")
    cpu = sampler.window(start, end)
    m = sampler.machine(start, end)
    ours = sum(cpu.values())
    r["machine_cores"] = {"ours": ours, "others": max(0.0, m["busy"] - ours), "idle": m["idle"],
                          "steal": m["steal"]}
    r["machine_cores"] = {k: v / (end - start) for k, v in r["machine_cores"].items()}
    return {k: v * 1000 / (r["shots"] - 1) for k, v in cpu.items()}  # the first finishes as it opens


def timed_render(make, n_expected: int) -> tuple[dict[str, list[float]], float]:
    """Run a renderer: each shot's finish time by the worker named in its "done on … pid N" message, and
    when the run started."""
    done: dict[str, list[float]] = {}

    seen: set[str] = set()

    def report(label: str, fraction: float, message: str) -> None:
        if fraction >= 1.0 and label not in seen:  # a shot's first word that it is complete
            seen.add(label)
            worker = message.split(" pid ", 1)[1].split()[0] if " pid " in message else "local"
            done.setdefault(worker, []).append(time.perf_counter())

    t0 = time.perf_counter()
    result = make(report).render(assemble_cut=False)
    if result.failed or len(result.rendered) != n_expected:
        raise SystemExit(f"benchmark render incomplete: {result.failed or len(result.rendered)}")
    return done, t0


def render_share(home: str, pid: str, settings, start: int, of: int, started, results) -> None:
    """One plain render process of the "local x2" ceiling: every `of`-th take from `start`, with the
    per-take function Ray workers call, on one thread; puts when each finished (perf_counter)."""
    os.environ["SHOTCALLER_HOME"] = home
    import torch

    from generation.render import Renderer, render_clip
    from shotlist.store import ProjectStore

    torch.set_num_threads(1)
    r = Renderer(ProjectStore(), pid, "diffusers-video", settings)
    planned = r.plan(r.store.load(pid))[start::of]
    started.wait()  # both started (imports done): the clock starts; the pipeline loads on the first shot
    times = []
    for p in planned:
        render_clip(r.backend, p.job, r.folder / p.take.path, lambda f, m: None)
        times.append(time.perf_counter())
    results.put((start, times))


class LocalPair:
    """Two plain render processes (no Ray) sharing the shots: what two workers can make on this machine."""

    def __init__(self, home: str, pid: str, settings, n: int):
        ctx = multiprocessing.get_context("spawn")
        self.started, self.results = ctx.Barrier(3), ctx.Queue()
        self.procs = [ctx.Process(target=render_share, args=(home, pid, settings, k, 2, self.started, self.results))
                      for k in range(2)]
        self.n = n
        for proc in self.procs:
            proc.start()
        self.pids = {proc.pid: "workers" for proc in self.procs}

    def run(self) -> tuple[dict[str, list[float]], float]:
        """Each process's finish times, and when they started (once both had imported everything)."""
        self.started.wait()
        t0 = time.perf_counter()
        times = dict(self.results.get() for _ in self.procs)
        for proc in self.procs:
            proc.join()
        if sum(map(len, times.values())) != self.n:
            raise SystemExit("benchmark local x2 render incomplete")
        return {str(k): ts for k, ts in times.items()}, t0


def overhead(store, pid: str, settings, renderers: dict, shots: int) -> dict[str, float]:
    """CPU per shot of the driver and the workers for shots with no work (`EmptyShots`: 24 progress steps,
    a 1 MB clip), locally and on 2 Ray workers: the difference is what Ray costs a shot on top of the
    work. Ray's own processes (raylet, GCS, …) cost by the second, not by the shot: said apart."""
    from benchmarks.ray_cpu import EmptyShots

    out = {}
    for name, make in renderers.items():
        for f in (store.folder(pid) / "renders").glob("*"):
            f.unlink()
        with CpuSampler() as cpu:
            done, t0 = timed_render(lambda rep, make=make: make(store, pid, EmptyShots.name, settings, report=rep), shots)
        run = rates(done, t0, time.perf_counter() - t0)
        start, end = run["window"]
        c = cpu_per_shot(cpu, run)
        out[name] = c["driver"] + c["workers"]
        out[f"{name} ray processes ms/s"] = sum(c[k] for k in ROLES[2:]) * (run["shots"] - 1) / (end - start)
    out["ray_extra_ms"] = out["ray-2"] - out["local"]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ray_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=STEPS, help="denoising steps a shot (heavier shots: more)")
    parser.add_argument("--shots", type=int, default=SHOTS)
    args = parser.parse_args(argv)
    steps, shot_count = args.steps, args.shots
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
    from benchmarks.ray_cpu import register
    from generation.backend import RenderSettings
    from generation.ray_render import RayRenderer, init_local
    from generation.render import Renderer
    from test_ray import make_project

    load_before = os.getloadavg()
    model = tiny_models.wan(work / "tiny-wan")
    settings = RenderSettings(width=128, height=128, fps=24, model=str(model), steps=steps,
                              options={"gen_width": GEN, "gen_height": GEN, "max_sequence_length": 16,
                                       "preset": "wan2.1-t2v-1.3b"})
    store, p = make_project(work, bars=max(1, shot_count // 2))
    step = p.song.duration / shot_count  # equal shots, so every shot is the same work
    planned = p.shots
    shots = [planned[i % len(planned)].model_copy(update={"id": f"bench{i}", "start": round(i * step, 6),
                                                          "end": round((i + 1) * step, 6), "takes": []})
             for i in range(shot_count)]
    p = store.save(p.model_copy(update={"shots": shots}))
    n = len(p.shots)
    renders = store.folder(p.id) / "renders"
    init_local(num_cpus=2)  # the cluster `--ray local` starts

    def fresh() -> None:
        for f in renders.glob("*"):
            f.unlink()

    torch.set_num_threads(1)  # what one Ray worker with one CPU gets
    register()  # the empty-shots backend, for the dispatch overhead in CPU
    empty = overhead(store, p.id, settings, {
        "local": Renderer, "ray-2": lambda *a, **k: RayRenderer(*a, **k, workers=2)}, n)
    print("empty shots, CPU ms a shot:", json.dumps({k: round(v, 1) for k, v in empty.items()}), flush=True)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in NAMES}
    order = list(NAMES)
    for name in order + order[::-1]:  # a load that drifts linearly weighs on each configuration alike
        fresh()
        pair = LocalPair(os.environ["SHOTCALLER_HOME"], p.id, settings, n) if name == "local-2" else None
        with CpuSampler(pair.pids if pair else None) as cpu:
            if name == "local":
                done, t0 = timed_render(lambda rep: Renderer(store, p.id, "diffusers-video", settings,
                                                             report=rep), n)
            elif pair:
                done, t0 = pair.run()
            else:
                done, t0 = timed_render(lambda rep, w=int(name[-1]): RayRenderer(
                    store, p.id, "diffusers-video", settings, report=rep, workers=w), n)
        run = rates(done, t0, time.perf_counter() - t0)
        run["cpu_ms_per_shot"] = cpu_per_shot(cpu, run)
        samples[name].append(run | {"loadavg": os.getloadavg()[0]})
        print(name, json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in run.items()}), flush=True)
    ray.shutdown()
    runs = {name: average(xs) for name, xs in samples.items()}
    out = {"shots": n, "steps": steps, "gen": GEN, "cpus": os.cpu_count(), "ray": ray.__version__,
           "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "runs": runs, "samples": samples,
           "speedup_2_vs_1": runs["ray-2"]["steady_shots_per_hour"] / runs["ray-1"]["steady_shots_per_hour"],
           "ceiling_2_vs_1": runs["local-2"]["steady_shots_per_hour"] / runs["local"]["steady_shots_per_hour"],
           "dispatch_overhead_s": runs["ray-1"]["median_gap_s"] - runs["local"]["median_gap_s"],
           "local_shot_s": runs["local"]["median_gap_s"], "empty_shots_cpu_ms": empty}
    (ROOT / "benchmarks" / "ray_results.json").write_text(json.dumps(out, indent=2) + "\n")
    write_readme(out)
    print(table(out))


def average(xs: list[dict]) -> dict:
    out = {k: statistics.mean(x[k] for x in xs) for k in xs[0] if not isinstance(xs[0][k], dict)}
    for part in ("cpu_ms_per_shot", "machine_cores"):
        out[part] = {k: statistics.mean(x[part][k] for x in xs) for k in xs[0][part]}
    return out


def table(r: dict) -> str:
    runs = r["runs"]
    rows = [f"Tiny Wan pipeline, {r['shots']} shots of a planned project, {r['gen']}x{r['gen']}, {r['steps']} steps, "
            f"one thread per worker; Ray {r['ray']}, {r['cpus']} CPUs; each configuration run twice "
            f"(A B C D D C B A) and averaged; 1-minute load average {r['loadavg_before'][0]:.1f} before, "
            f"{r['loadavg_after'][0]:.1f} after.", "",
            "| run | wall s | first shot done s | steady shots/hour | end-to-end shots/hour | median s per shot "
            "| load average |", "|---|---|---|---|---|---|---|"]
    for key, label in NAMES.items():
        x = runs[key]
        rows.append(f"| {label} | {x['wall_s']:.1f} | {x['first_done_s']:.1f} | {x['steady_shots_per_hour']:.0f} | "
                    f"{x['end_to_end_shots_per_hour']:.0f} | {x['median_gap_s']:.2f} | {x['loadavg']:.1f} |")
    rows += ["", "Why 2 workers are not 2x: throughput = cores kept busy / CPU a shot, so each ratio is the product "
                 "of the two (cores busy = all CPU in the steady window / its length):", ""]
    for two, one in (("local-2", "local"), ("ray-2", "ray-1")):
        a, b = runs[two], runs[one]
        ca, cb = sum(a["cpu_ms_per_shot"].values()), sum(b["cpu_ms_per_shot"].values())
        busy_a, busy_b = (ca * a["steady_shots_per_hour"] / 3.6e6, cb * b["steady_shots_per_hour"] / 3.6e6)
        rows.append(f"- {NAMES[two]} vs {NAMES[one]}: {a['steady_shots_per_hour'] / b['steady_shots_per_hour']:.2f}× "
                    f"= {busy_a:.2f} / {busy_b:.2f} cores busy ({busy_a / busy_b:.2f}×) × {cb:.0f} / {ca:.0f} ms "
                    f"of CPU a shot ({cb / ca:.2f}×)")
    rows += ["", "How the machine's CPUs spent each steady window, in cores (ours: every process of the run; "
                 "others: busy with processes not ours; the rest idle or stolen by the hypervisor):", "",
             "| run | ours | others | idle | steal |", "|---|---|---|---|---|"]
    for key, label in NAMES.items():
        m = runs[key].get("machine_cores")
        if m:
            rows.append(f"| {label} | {m['ours']:.2f} | {m['others']:.2f} | {m['idle']:.2f} | {m['steal']:.2f} |")
    rows += ["", "CPU per shot in the steady window (ms; workers include their ffmpeg encoders):", "",
             "| run | " + " | ".join(runs["local"]["cpu_ms_per_shot"]) + " | all |",
             "|---|" + "---|" * (len(runs["local"]["cpu_ms_per_shot"]) + 1)]
    for key, label in NAMES.items():
        c = runs[key]["cpu_ms_per_shot"]
        rows.append(f"| {label} | " + " | ".join(f"{v:.0f}" for v in c.values()) + f" | {sum(c.values()):.0f} |")
    e = r["empty_shots_cpu_ms"]
    rows += ["", f"Shots with no work (24 progress steps, a 1 MB clip; `EmptyShots`), CPU per shot of the driver and "
                 f"the workers: {e['local']:.0f} ms rendered locally, {e['ray-2']:.0f} ms on 2 Ray workers: Ray adds "
                 f"**{e['ray_extra_ms']:.0f} ms of CPU a shot**; Ray's own processes (raylet, GCS, log monitor, "
                 f"dashboard head, agents) take {e['ray-2 ray processes ms/s']:.0f} ms of CPU a second while it runs."]
    others = statistics.mean(x.get("machine_cores", {}).get("others", 0.0) for x in runs.values())
    if others > 0.2:  # the figures below assume the machine's cores are the run's
        rows += ["", f"**Other users' processes took {others:.2f} of the {r['cpus']} CPUs in these windows**: the "
                     "throughput ratios and the dispatch overhead below are not this machine's; the CPU a shot is "
                     "the figure to read (re-run on an idle machine)."]
    rows += ["", f"2 workers vs 1 (steady): **{r['speedup_2_vs_1']:.2f}×** (target ≥ 1.8×); two plain processes "
                 f"without Ray on the same machine: {r['ceiling_2_vs_1']:.2f}×. Dispatch overhead per shot: "
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
