"""Rendering on a Ray cluster: shots and takes become tasks on workers that keep their model loaded.

    result = RayRenderer(store, "chaos-god", "diffusers-video", settings, address="auto").render()
    result.cut   # assembled here, on the song, exactly as a local render would

Phases: 1. plan the takes exactly as `Renderer` does (same jobs, same render-cache keys); a take whose
clip is already in the project's `renders/` is skipped, so a re-run resumes and nothing starts when all
are done; 2. join the cluster (`address`: "local" starts one on this machine, anything else is passed
to `ray.init`); 3. start one `RenderWorker` actor per GPU for the diffusers backends, one per CPU for the
animatic: each builds its backend once, so a pipeline loads once and renders many shots; 4. hand each
idle worker the next take (the task is named by its cache key); a worker killed mid-shot is restarted
by Ray and the take goes to the next free worker, at most `MAX_ATTEMPTS` times; 5. each clip comes back
as bytes and lands in the project's own cache under its key, so local and Ray renders share one cache;
6. the takes are recorded and the cut assembled locally, as today.

Progress: workers push (shot, fraction, message) to a small actor that the driver drains into the same
`report(label, fraction, message)` callback a local render calls; the CLI and the studio pass theirs.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shotlist.errors import ShotcallerError
from shotlist.models import Shot, StyleBible, Take
from shotlist.store import ProjectStore

from .backend import Backend, RenderSettings, ShotJob
from .render import PlannedTake, Renderer, RenderResult, Report, failed_take, render_clip

MAX_ATTEMPTS = 3  # a take whose worker dies this many times is marked failed
DEPTH = 2  # takes queued on a worker at once
INSTALL_HINT = "--ray needs Ray, which is not installed here: pip install 'shotcaller[ray]'"


def require_ray():
    """The `ray` module, or one actionable line saying how to get it."""
    try:
        import ray
    except ImportError:
        raise ShotcallerError(INSTALL_HINT) from None
    return ray


def connect(address: str = "local") -> bool:
    """Join the cluster at `address` ("local": start one on this machine) unless this process already
    has; returns True when this call connected (and so should disconnect)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = require_ray()
    if ray.is_initialized():
        return False
    try:
        if address == "local":
            ray.init(address="local", include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    except (ConnectionError, ValueError, RuntimeError) as e:
        raise ShotcallerError(f"cannot join the Ray cluster at {address!r}: {str(e).splitlines()[0][:200]}; "
                              "start one with `ray start --head`, or use --ray local") from None
    return True


def make_renderer(store: ProjectStore, project_id: str, backend: str = "animatic",
                  settings: RenderSettings | None = None, report: Report | None = None,
                  cancel: threading.Event | None = None, ray: str | None = None,
                  workers: int | None = None) -> Renderer:
    """The renderer a front end asks for: here (`ray` empty), or on the Ray cluster at `ray`
    ("local" or an address); both plan, cache and cut the same way and report through `report`."""
    if ray:
        return RayRenderer(store, project_id, backend, settings, report, cancel, address=ray, workers=workers)
    return Renderer(store, project_id, backend, settings, report, cancel)


@dataclass
class ShotTask:
    """What a worker needs to render one take: the job without the driver's files and thread objects."""

    key: str
    label: str
    attempt: int
    shot: Shot
    number: int
    seed: int
    frames: int
    settings: RenderSettings
    style: StyleBible
    still: bytes | None  # the keyframe's bytes: the worker may be on another machine


class RenderWorker:
    """A Ray actor: builds one backend (so its pipeline loads once) and renders many takes with it."""

    def __init__(self, backend: Backend, log_name: str):
        import ray

        self.backend = backend
        # looked up by name: an actor handle among the constructor's arguments would keep a restart
        # depending on the object store (ray-project/ray#53727)
        self.log = ray.get_actor(log_name)
        self.where = f"{socket.gethostname()} pid {os.getpid()}"
        self.scratch = Path(tempfile.mkdtemp(prefix="shotcaller-ray-"))

    def ready(self) -> str:
        return self.where

    def render(self, task: ShotTask) -> tuple[str, dict[str, bytes]]:
        """Render one take in scratch space; returns where it ran and its files by suffix (.mp4, and .png
        for a keyframe)."""
        still = None
        if task.still is not None:
            still = self.scratch / f"{task.key}-still.png"
            still.write_bytes(task.still)
        job = ShotJob(shot=task.shot, number=task.number, seed=task.seed, frames=task.frames,
                      settings=task.settings, style=task.style, still=still, cancel=threading.Event())
        out = self.scratch / f"{task.key}.mp4"
        progress = _Throttled(self.log, task)
        progress(0.0, f"rendering on {self.where}")
        try:
            render_clip(self.backend, job, out, progress)
            return self.where, {p.suffix: p.read_bytes() for p in self.scratch.glob(f"{task.key}.*")}
        finally:
            progress.flush()
            for p in self.scratch.glob(f"{task.key}*"):
                p.unlink(missing_ok=True)


class _Throttled:
    """A backend's progress callback that forwards to the log actor when something changed enough."""

    def __init__(self, log: Any, task: ShotTask):
        self.log, self.task, self.last, self.sent = log, task, (-1.0, ""), None

    def __call__(self, fraction: float, message: str) -> None:
        if message != self.last[1] or fraction - self.last[0] >= 0.1:
            self.last = (fraction, message)
            self.sent = self.log.push.remote((self.task.key, self.task.attempt, self.task.label, fraction, message))

    def flush(self) -> None:
        """Wait until the log holds everything sent (calls from one caller run in order), so the driver
        sees a shot's progress before its result."""
        if self.sent is not None:
            import ray

            ray.get(self.sent)


class ProgressLog:
    """A Ray actor the workers push progress to without waiting; the driver drains it."""

    def __init__(self) -> None:
        self.items: list[tuple] = []

    def push(self, item: tuple) -> None:
        self.items.append(item)

    def drain(self) -> list[tuple]:
        items, self.items = self.items, []
        return items


class RayRenderer(Renderer):
    """`Renderer` whose takes run on a Ray cluster; planning, the cache, the takes and the cut are the same."""

    def __init__(self, store: ProjectStore, project_id: str, backend: str = "animatic",
                 settings: RenderSettings | None = None, report: Report | None = None,
                 cancel: threading.Event | None = None, backend_options: dict | None = None,
                 address: str = "local", workers: int | None = None):
        require_ray()
        super().__init__(store, project_id, backend, settings, report, cancel, backend_options)
        self.address = address
        self.workers = workers
        self.pool = 0  # workers started by the last render
        self.where: list[str] = []  # "host pid N" of each worker, once it answered

    def execute(self, planned: list[PlannedTake], result: RenderResult) -> dict[int, Take]:
        made: dict[int, Take] = {}
        todo = []
        for i, p in enumerate(planned):
            if (self.folder / p.take.path).is_file():
                made[i] = self._render_take(p, result)  # a cache hit: reported, nothing runs
            else:
                todo.append(i)
        if not todo:
            return made
        ray = require_ray()
        started = connect(self.address)
        try:
            made.update(_Dispatch(ray, self, planned, result).run(todo))
        finally:
            if started:
                ray.shutdown()
        return made

    def worker_options(self, ray, wanted: int) -> tuple[int, dict[str, Any]]:
        """How many workers and what each reserves: a GPU each for the diffusers backends when the
        cluster has GPUs, else a CPU each."""
        have = ray.cluster_resources()
        gpus = int(have.get("GPU", 0))
        if gpus and self.backend.name != "animatic":
            count, options = gpus, {"num_gpus": 1, "num_cpus": 1}
        else:
            count, options = max(1, int(have.get("CPU", 1))), {"num_cpus": 1}
        return max(1, min(self.workers or count, wanted)), options


class _Dispatch:
    """One run's workers and its loop: the next take to the next idle worker, retries after a death."""

    def __init__(self, ray, renderer: RayRenderer, planned: list[PlannedTake], result: RenderResult):
        self.ray, self.r, self.planned, self.result = ray, renderer, planned, result
        self.made: dict[int, Take] = {}
        self.finished: set[str] = set()
        self.started: set[tuple[str, int]] = set()  # (key, attempt) a worker has begun

    def run(self, todo: list[int]) -> dict[int, Take]:
        ray, r = self.ray, self.r
        count, options = r.worker_options(ray, len(todo))
        r.pool = count
        log_name = f"shotcaller-progress-{uuid.uuid4().hex}"
        self.log = ray.remote(num_cpus=0)(ProgressLog).options(name=log_name).remote()
        worker = ray.remote(max_restarts=MAX_ATTEMPTS, max_task_retries=0, **options)(RenderWorker)
        actors = [worker.remote(r.backend, log_name) for _ in range(count)]
        # a worker gets work once it answers (at start, and again after Ray restarts it); it then holds up
        # to DEPTH takes, so the next one is already waiting while a finished clip travels back
        pings = {a.ready.remote(): w for w, a in enumerate(actors)}
        free = [0] * count
        down = [True] * count
        gone = [False] * count
        queue = deque((i, 1) for i in todo)
        inflight: dict[Any, tuple[int, int, int]] = {}  # ref → (worker, planned index, attempt)
        try:
            while queue or inflight:
                if r.cancel.is_set():
                    self._cancel(inflight)
                    break
                while queue:
                    # an idle worker first; a second take on a busy one only when the workers still
                    # starting have enough left for them
                    starting = sum(1 for k in range(count) if down[k] and not gone[k])
                    w = max(range(count), key=lambda k: free[k])
                    if free[w] == 0 or (free[w] < DEPTH and len(queue) <= starting):
                        break
                    free[w] -= 1
                    i, attempt = queue.popleft()
                    p = self.planned[i]
                    ref = actors[w].render.options(name=f"shot {p.number} {p.key}").remote(self._task(p, attempt))
                    inflight[ref] = (w, i, attempt)
                if not inflight and not pings:
                    for i, _ in queue:
                        self.made[i] = failed_take(self.planned[i], "every Ray worker died", self.result, r.report)
                    break
                ready, _ = ray.wait([*inflight, *pings], num_returns=1, timeout=0.25)
                self._relay_progress()
                for ref in ready:
                    if ref in pings:
                        w = pings.pop(ref)
                        try:
                            r.where.append(ray.get(ref))
                        except ray.exceptions.RayActorError:
                            gone[w] = True  # its restarts are used up
                            continue
                        down[w] = False
                        free[w] = DEPTH - sum(1 for k, _, _ in inflight.values() if k == w)
                        continue
                    w, i, attempt = inflight.pop(ref)
                    if self._collect(ref, i, attempt, queue):
                        if not down[w]:
                            free[w] += 1
                    elif not down[w] and not gone[w]:  # the worker died: Ray restarts it; ask when it is back
                        down[w], free[w] = True, 0
                        pings[actors[w].ready.remote()] = w
            self._relay_progress()
        finally:
            for a in actors:
                ray.kill(a, no_restart=True)
            ray.kill(self.log, no_restart=True)
        return self.made

    def _task(self, p: PlannedTake, attempt: int) -> ShotTask:
        j = p.job
        return ShotTask(key=p.key, label=p.label, attempt=attempt, shot=j.shot, number=j.number, seed=j.seed,
                        frames=j.frames, settings=j.settings, style=j.style,
                        still=j.still.read_bytes() if j.still else None)

    def _collect(self, ref, i: int, attempt: int, queue: deque) -> bool:
        """Store a finished take's files in the project's cache; False when its worker died."""
        ray, p, report = self.ray, self.planned[i], self.r.report
        try:
            where, files = ray.get(ref)
        except ray.exceptions.RayActorError as e:
            if (p.key, attempt) not in self.started:  # it was waiting behind the shot that was lost
                queue.appendleft((i, attempt))
                return False
            if attempt < MAX_ATTEMPTS:
                report(p.label, 0.0, f"worker lost mid-shot; retrying on another worker "
                                     f"(attempt {attempt + 1}/{MAX_ATTEMPTS})")
                queue.appendleft((i, attempt + 1))
            else:
                reason = f"its Ray worker died {attempt} times: {str(e).splitlines()[0][:160]}"
                self.made[i] = failed_take(p, reason, self.result, report)
            return False
        except ray.exceptions.RayTaskError as e:  # the backend raised: the shot failed, the worker is fine
            self.made[i] = failed_take(p, e.cause if e.cause is not None else str(e), self.result, report)
            self.finished.add(p.key)
            return True
        path = self.r.folder / p.take.path
        for suffix, data in files.items():
            target = path.with_suffix(suffix)
            tmp = target.with_name(f"{target.stem}.ray-part{suffix}")
            tmp.write_bytes(data)
            tmp.replace(target)
        self.finished.add(p.key)
        self.result.rendered.append(p.key)
        self.made[i] = p.take.model_copy(update={"status": "done"})
        report(p.label, 1.0, f"done on {where}" + (f" (attempt {attempt})" if attempt > 1 else ""))
        return True

    def _relay_progress(self) -> None:
        for key, attempt, label, fraction, message in self.ray.get(self.log.drain.remote()):
            self.started.add((key, attempt))
            if key not in self.finished and fraction < 1.0:  # "done" is said once the clip is stored
                self.r.report(label, fraction, message)

    def _cancel(self, inflight: dict) -> None:
        """Stop now: the workers are killed; finished clips stay in the cache, the rest stay pending."""
        self.result.cancelled = True
        for _worker, i, _attempt in inflight.values():
            self.made[i] = self.planned[i].take.model_copy(update={"status": "pending"})
