"""Where the CPU goes during a render: every process of the Ray cluster this process started, the driver
and the render processes, sampled twice a second and read over a time window (interpolated at its ends).
Only the driver's own process tree is sampled (a local cluster's raylet, GCS and workers all descend
from it): another Ray cluster on the same machine, a test suite's say, is not counted.

    with CpuSampler(render_pids) as cpu:
        ...                                  # the render
    cpu.window(first_done, last_done)        # perf_counter times → {"workers": 9.1, "driver": 0.2, ...} CPU s

`cpu.machine(start, end)` says how the machine's CPUs spent the same window (busy with anything, idle,
stolen by the hypervisor), so what other users of the machine took is the busy time no process here
accounts for. A process's CPU includes its reaped children (a worker's ffmpeg encoder counts as the
worker's). The sampler's own thread runs in the driver; its CPU is taken out of the driver's.
"""

from __future__ import annotations

import os
import threading
import time

import psutil

RAY_PROCESSES = (("raylet", "raylet"), ("gcs_server", "gcs"), ("log_monitor", "log monitor"),
                 ("monitor.py", "other Ray processes"), ("dashboard", "other Ray processes"))
BUSY, IDLE, STEAL = -1, -2, -3  # the machine's own counters, kept beside the processes'
ROLES = ("workers", "driver", "raylet", "gcs", "log monitor", "other Ray processes")


def role(p: psutil.Process, driver: int) -> str | None:
    if p.pid == driver:
        return "driver"
    try:
        name, cmd = p.name(), p.cmdline()
    except psutil.Error:
        return None
    if name.startswith("ray::"):  # Ray names its worker processes after what they run
        return "other Ray processes" if "Agent" in name else "workers"
    program = " ".join(os.path.basename(a) for a in cmd[:3])  # the executable, or python's script
    for needle, r in RAY_PROCESSES:
        if needle in program:
            return r
    return "workers" if "default_worker.py" in program else None


class CpuSampler:
    """Cumulative CPU seconds of each process of interest, sampled every `every` seconds."""

    def __init__(self, known: dict[int, str] | None = None, every: float = 0.5):
        self.every, self.driver = every, os.getpid()
        self.roles: dict[int, str] = dict(known or {})  # pid → role, for processes found otherwise
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.own: list[tuple[float, float]] = []  # (time, the sampler thread's CPU)
        self._stop = threading.Event()

    def sample(self) -> None:
        now: dict[int, float] = {}
        me = psutil.Process(self.driver)
        for p in [me, *me.children(recursive=True)]:
            if p.pid not in self.roles:
                r = role(p, self.driver)
                if r is None:
                    continue
                self.roles[p.pid] = r
            try:
                if self.roles[p.pid] == "workers" and p.name() == "ray::IDLE":
                    continue  # a worker Ray started ahead, not working: not ours until it is
                t = p.cpu_times()
            except psutil.Error:
                continue
            now[p.pid] = t.user + t.system + t.children_user + t.children_system
        m = psutil.cpu_times()  # the whole machine, every CPU: stored under negative keys
        now[BUSY] = m.user + m.nice + m.system + m.irq + m.softirq
        now[IDLE] = m.idle + m.iowait
        now[STEAL] = m.steal
        at = time.perf_counter()
        self.samples.append((at, now))
        self.own.append((at, time.thread_time()))  # called in the sampler's thread: its own CPU

    def __enter__(self) -> CpuSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        self.sample()
        while not self._stop.wait(self.every):
            self.sample()
        self.sample()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _at(self, t: float, pid: int) -> float:
        """A process's cumulative CPU at time t, interpolated between the samples around it; a process not
        yet seen counts as 0, one gone keeps its last value."""
        before = [(at, s[pid]) for at, s in self.samples if pid in s and at <= t]
        after = [(at, s[pid]) for at, s in self.samples if pid in s and at > t]
        if not before:
            return 0.0
        if not after:
            return before[-1][1]
        (a, va), (b, vb) = before[-1], after[0]
        return va + (vb - va) * (t - a) / (b - a)

    def window(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds by role between two times (perf_counter)."""
        out = dict.fromkeys(ROLES, 0.0)
        for pid, r in self.roles.items():
            out[r] += self._at(end, pid) - self._at(start, pid)
        def own(t: float) -> float:
            return max((c for at, c in self.own if at <= t), default=0.0)

        out["driver"] = max(0.0, out["driver"] - (own(end) - own(start)))
        return out

    def machine(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds of the whole machine between two times: busy (any process), idle, stolen."""
        return {name: self._at(end, key) - self._at(start, key)
                for name, key in (("busy", BUSY), ("idle", IDLE), ("steal", STEAL))}


class EmptyShots:
    """A backend with no pixels to make: it reports `steps` steps `pace` seconds apart (sleeping, as a
    worker waiting on a GPU would) and writes `size` bytes as its clip. What a render of it costs in CPU
    is what it costs to get shots to workers, their progress and clips back, and into the cache."""

    name = "empty-shots"

    def __init__(self, steps: int = 24, pace: float = 0.04, size: int = 1_000_000):
        self.steps, self.pace, self.size = steps, pace, size

    def key(self, job) -> dict:
        return {"steps": self.steps, "size": self.size}

    def render(self, job, out, progress) -> None:
        progress(0.0, f"{self.steps} empty steps")
        for i in range(self.steps):
            time.sleep(self.pace)
            progress((i + 1) / (self.steps + 1), f"step {i + 1}/{self.steps}")
        out.write_bytes(job.seed.to_bytes(8, "little") * (self.size // 8))
        progress(1.0, "written")


def register() -> None:
    from generation.backend import register_backend

    register_backend(EmptyShots.name, EmptyShots)
