"""Rendering on a Ray cluster: shots and takes become tasks on workers that keep their model loaded.

    result = RayRenderer(store, "chaos-god", "diffusers-video", settings, address="auto").render()
    result.cut   # assembled here, on the song, exactly as a local render would

Phases: 1. plan the takes exactly as `Renderer` does (same jobs, same render-cache keys); a take whose
clip is already in the project's `renders/` is skipped, so a re-run resumes and nothing starts when all
are done; 2. join the cluster (`address`: "local" starts a lean one on this machine, anything else is
passed to `ray.init`); 3. start one `RenderWorker` actor per GPU for the diffusers backends, one per CPU
for the animatic: each builds its backend once, so a pipeline loads once and renders many shots, and
says whether it sees the project's folder; 4. keep `DEPTH` takes queued on each worker (the next shot is
already there when one finishes); each take is a streaming task named by its cache key that yields its
progress and then its result; a worker killed mid-shot is restarted by Ray and the take goes to the next
free worker, at most `MAX_ATTEMPTS` times; 5. a worker that sees the project writes the clip straight into
its cache; one elsewhere returns the clip's bytes and the driver writes them; either way local and Ray
renders share one cache; 6. the takes are recorded and the cut assembled locally, as today.

The driver blocks on the takes' streams (waking only to notice a cancel), so while the workers render it
costs next to nothing: on a machine whose cores are all workers, that is what lets them scale.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import deque
from typing import Any

from shotlist.errors import ShotcallerError
from shotlist.models import Take
from shotlist.store import ProjectStore

from .backend import RenderSettings, needs_gpu
from .ray_worker import RenderWorker, ShotTask, remove_stage
from .render import PlannedTake, Renderer, RenderResult, Report, failed_take

MAX_ATTEMPTS = 3  # a take whose worker dies this many times is marked failed
DEPTH = 2  # takes queued on a worker at once
CANCEL_POLL = 0.5  # seconds the driver sleeps on the workers' streams before it looks at the cancel flag
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
            init_local()
        else:
            ray.init(address=address, log_to_driver=False)
    except (ConnectionError, ValueError, RuntimeError) as e:
        raise ShotcallerError(f"cannot join the Ray cluster at {address!r}: {str(e).splitlines()[0][:200]}; "
                              "start one with `ray start --head`, or use --ray local") from None
    return True


def init_local(num_cpus: int | None = None) -> None:
    """Start a Ray cluster on this machine for rendering: without the dashboard's web UI, and with the
    workers' output kept in their log files rather than streamed here. Ray's other settings stay: turning
    off metrics, task events or worker prestart made no measurable difference (docs/scale.md)."""
    require_ray().init(address="local", num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)


def make_renderer(store: ProjectStore, project_id: str, backend: str = "animatic",
                  settings: RenderSettings | None = None, report: Report | None = None,
                  cancel: threading.Event | None = None, ray: str | None = None,
                  workers: int | None = None) -> Renderer:
    """The renderer a front end asks for: here (`ray` empty), or on the Ray cluster at `ray`
    ("local" or an address); both plan, cache and cut the same way and report through `report`."""
    if ray:
        return RayRenderer(store, project_id, backend, settings, report, cancel, address=ray, workers=workers)
    return Renderer(store, project_id, backend, settings, report, cancel)


class RayRenderer(Renderer):
    """`Renderer` whose takes run on a Ray cluster; planning, the cache, the takes and the cut are the same."""

    def __init__(self, store: ProjectStore, project_id: str, backend: str = "animatic",
                 settings: RenderSettings | None = None, report: Report | None = None,
                 cancel: threading.Event | None = None, backend_options: dict | None = None,
                 address: str = "local", workers: int | None = None, in_place: bool = True):
        """`in_place=False` makes every worker send its clips' bytes back, even one that could write them
        into the project's folder itself (say, over a network filesystem slower than Ray's transfers)."""
        require_ray()
        super().__init__(store, project_id, backend, settings, report, cancel, backend_options)
        self.address = address
        self.workers = workers
        self.in_place = in_place
        self.pool = 0  # workers started by the last render
        self.where: dict[str, bool] = {}  # "host pid N" of each worker that answered → writes in place

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
        """How many workers and what each reserves: a GPU each for a backend that declares `needs_gpu` when the
        cluster has GPUs, else a CPU each."""
        have = ray.cluster_resources()
        gpus = int(have.get("GPU", 0))
        if gpus and needs_gpu(self.backend):
            count, options = gpus, {"num_gpus": 1, "num_cpus": 1}
        else:
            count, options = max(1, int(have.get("CPU", 1))), {"num_cpus": 1}
        return max(1, min(self.workers or count, wanted)), options


class _Dispatch:
    """One run's workers and its loop: the next take to the next idle worker, retries after a death."""

    def __init__(self, ray, renderer: RayRenderer, planned: list[PlannedTake], result: RenderResult):
        self.ray, self.r, self.planned, self.result = ray, renderer, planned, result
        self.made: dict[int, Take] = {}
        self.cut_short: list[int] = []  # takes in flight when a cancel came
        self.started: set[tuple[str, int]] = set()  # (key, attempt) a worker has begun
        # where a worker that shares the project's filesystem stages its clips; the token proves it
        self.token = uuid.uuid4().hex
        self.stage = renderer.folder / "renders" / f".ray-{self.token[:12]}"

    def run(self, todo: list[int]) -> dict[int, Take]:
        ray, r = self.ray, self.r
        count, options = r.worker_options(ray, len(todo))
        r.pool = count
        self.stage.mkdir()
        (self.stage / "token").write_text(self.token)
        worker = ray.remote(max_restarts=MAX_ATTEMPTS, max_task_retries=0, **options)(RenderWorker)
        actors = [worker.remote(r.backend, int(options["num_cpus"])) for _ in range(count)]
        # a worker gets work once it answers (at start, and again after Ray restarts it); it then holds up
        # to DEPTH takes, so the next one is already waiting while a finished clip is stored
        pings = {a.ready.remote(str(self.stage), self.token): w for w, a in enumerate(actors)}
        self.shared = [False] * count  # whether each worker writes into the project's cache itself
        free = [0] * count
        down = [True] * count
        gone = [False] * count
        queue = deque((i, 1) for i in todo)
        inflight: dict[Any, tuple[int, int, int]] = {}  # a take's stream → (worker, planned index, attempt)
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
                    stream = actors[w].render.options(name=f"shot {p.number} {p.key}", num_returns="streaming")
                    inflight[stream.remote(self._task(p, attempt, self.shared[w]))] = (w, i, attempt)
                if not inflight and not pings:
                    for i, _ in queue:
                        self.made[i] = failed_take(self.planned[i], "every Ray worker died", self.result, r.report)
                    break
                ready, _ = ray.wait([*inflight, *pings], num_returns=1, timeout=CANCEL_POLL)
                for ref in ready:
                    if ref in pings:
                        w = pings.pop(ref)
                        try:
                            where, sees = ray.get(ref)
                        except ray.exceptions.RayActorError:
                            gone[w] = True  # its restarts are used up
                            continue
                        self.shared[w] = r.where[where] = sees and r.in_place
                        down[w] = False
                        free[w] = DEPTH - sum(1 for k, _, _ in inflight.values() if k == w)
                        continue
                    w, i, attempt = inflight[ref]
                    outcome = self._next(ref, i, attempt, queue)
                    if outcome is None:
                        continue  # a progress item: the take goes on
                    del inflight[ref]
                    if outcome:
                        if not down[w]:
                            free[w] += 1
                    elif not down[w] and not gone[w]:  # the worker died: Ray restarts it; ask when it is back
                        down[w], free[w] = True, 0
                        pings[actors[w].ready.remote(str(self.stage), self.token)] = w
        finally:
            for a in actors:
                ray.kill(a, no_restart=True)
            if self.result.cancelled:
                self._placed_before_the_kill(actors)
            remove_stage(self.stage)
        return self.made

    def _task(self, p: PlannedTake, attempt: int, shared: bool) -> ShotTask:
        j = p.job
        still = j.still if j.still else None
        return ShotTask(key=p.key, label=p.label, attempt=attempt, shot=j.shot, number=j.number, seed=j.seed,
                        frames=j.frames, settings=j.settings, style=j.style,
                        still=still.read_bytes() if still and not shared else None,
                        still_path=str(still) if still and shared else None,
                        stage=str(self.stage) if shared else None)

    def _next(self, stream, i: int, attempt: int, queue: deque) -> bool | None:
        """Take the next item of a take's stream: None for progress (relayed), True once the take is
        finished (stored, or failed by its backend), False when its worker died."""
        ray, p, report = self.ray, self.planned[i], self.r.report
        try:
            item = ray.get(next(stream))
        except StopIteration:  # a stream always ends with its result; one that does not ran nowhere
            item = ("lost",)
        except ray.exceptions.RayActorError as e:
            return self._lost(p, i, attempt, queue, str(e))
        except ray.exceptions.RayTaskError as e:  # the backend raised: the shot failed, the worker is fine
            self.made[i] = failed_take(p, e.cause if e.cause is not None else str(e), self.result, report)
            return True
        if item[0] == "progress":
            self.started.add((p.key, attempt))
            if item[1] < 1.0:  # "done" is said once the clip is stored
                report(p.label, item[1], item[2])
            return None
        if item[0] == "lost":
            return self._lost(p, i, attempt, queue, "its stream ended without a result")
        _, where, files = item
        path = self.r.folder / p.take.path
        for suffix, data in files.items():
            if data is not None:  # bytes from a worker elsewhere; a worker here wrote the file itself
                target = path.with_suffix(suffix)
                tmp = target.with_name(f"{target.stem}.ray-part{suffix}")
                tmp.write_bytes(data)
                tmp.replace(target)
        self.result.rendered.append(p.key)
        self.result.why[p.number] = p.why
        self.made[i] = p.take.model_copy(update={"status": "done"})
        report(p.label, 1.0, f"done on {where}" + (f" (attempt {attempt})" if attempt > 1 else ""))
        return True

    def _lost(self, p: PlannedTake, i: int, attempt: int, queue: deque, error: str) -> bool:
        """A take whose worker died: requeued (a retry if it had begun), or failed after MAX_ATTEMPTS."""
        if (p.key, attempt) not in self.started:  # it was waiting behind the shot that was lost
            queue.appendleft((i, attempt))
        elif attempt < MAX_ATTEMPTS:
            self.r.report(p.label, 0.0, f"worker lost mid-shot; retrying on another worker "
                                        f"(attempt {attempt + 1}/{MAX_ATTEMPTS})")
            queue.appendleft((i, attempt + 1))
        else:
            reason = f"its Ray worker died {attempt} times: {error.splitlines()[0][:160]}"
            self.made[i] = failed_take(p, reason, self.result, self.r.report)
        return False

    def _cancel(self, inflight: dict) -> None:
        """Stop now: the workers are killed; finished clips stay in the cache, the rest stay pending."""
        self.result.cancelled = True
        self.cut_short = [i for _worker, i, _attempt in inflight.values()]
        for i in self.cut_short:
            self.made[i] = self.planned[i].take.model_copy(update={"status": "pending"})

    def _placed_before_the_kill(self, actors: list) -> None:
        """A worker that writes in place may have renamed a clip into the cache after the cancel but
        before its kill: once every worker is known dead, such a clip is recorded as done, so the
        project says what its cache holds (a re-run would find it anyway)."""
        ray = self.ray
        probes = [a.ready.remote(str(self.stage), self.token) for a in actors]
        ray.wait(probes, num_returns=len(probes), timeout=10)  # a killed actor's call fails once it is gone
        for i in self.cut_short:
            p = self.planned[i]
            if (self.r.folder / p.take.path).exists():
                self.result.rendered.append(p.key)
                self.result.why[p.number] = p.why
                self.made[i] = p.take.model_copy(update={"status": "done"})
