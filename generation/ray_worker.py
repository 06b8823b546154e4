"""The worker side of a Ray render: an actor that keeps one backend loaded and renders many takes.

Each take is one streaming task (`num_returns="streaming"`): it yields its progress (the newest message
at most every half second: two or three for a one-second shot) and then its result, so the
driver learns everything about a shot from that shot's own stream, with no shared progress actor to
call and no polling. Where the clip goes depends on where the worker runs:

- a worker that sees the project's folder (the same machine, or a shared filesystem) writes the clip
  straight into the project's `renders/` (staged beside it, then renamed into place atomically) and
  returns only the suffixes it wrote;
- any other worker renders into its own scratch space and returns the files' bytes, which the driver
  writes into the project's cache.

Which applies is found out once per worker, when it starts: the driver leaves a token in a staging
folder under `renders/`; a worker that can read that token back shares the filesystem.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shotlist.models import Shot, StyleBible

from .backend import Backend, RenderSettings, ShotJob
from .render import render_clip

PROGRESS_EVERY = 0.5  # seconds between a take's progress items (the newest is sent; the result at once)
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


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
    still: bytes | None  # the keyframe's bytes, for a worker that does not see the project
    still_path: str | None  # the keyframe itself, for one that does
    stage: str | None  # the project's staging folder, when this worker writes the clip in place


def pin_threads(threads: int) -> None:
    """Give the math libraries as many threads as the worker reserved CPUs, not as many as the node has:
    two one-CPU workers on two cores must not run four busy threads between them."""
    for var in THREAD_VARS:
        os.environ[var] = str(threads)  # read by torch/MKL/OpenBLAS when first imported
    if "torch" in sys.modules:  # already imported (by unpickling the backend): set it directly
        sys.modules["torch"].set_num_threads(threads)


def sees_stage(stage: str, token: str) -> bool:
    """True when this process can read the driver's token back: it shares the project's filesystem."""
    try:
        return (Path(stage) / "token").read_text() == token
    except OSError:
        return False


_DONE = object()  # the render finished: its result follows


def newest_every(get: Callable[[float | None], object], every: float = PROGRESS_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> Iterator[tuple]:
    """The progress items `get` returns, at most one every `every` seconds and always the newest one: the
    first at once, then each one held until its time and replaced by any newer one meanwhile, so a
    message the render then stays on (a long decode after the last step) is still sent. Ends at `_DONE`
    (a progress item still held then is dropped: the result follows at once); raises an exception item.
    `get(timeout)` blocks up to `timeout` seconds (None: for ever) and raises `queue.Empty`."""
    due = float("-inf")
    while True:
        item = get(None)
        while (wait := due - clock()) > 0 and item is not _DONE and not isinstance(item, BaseException):
            try:
                item = get(wait)
            except queue.Empty:
                break
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield item
        due = clock() + every


class RenderWorker:
    """A Ray actor: builds one backend (so its pipeline loads once) and renders many takes with it."""

    def __init__(self, backend: Backend, threads: int = 1):
        pin_threads(threads)
        self.backend = backend
        self.where = f"{socket.gethostname()} pid {os.getpid()}"
        self.scratch = Path(tempfile.mkdtemp(prefix="shotcaller-ray-"))

    def ready(self, stage: str, token: str) -> tuple[str, bool]:
        """Where this worker runs, and whether it sees the project's staging folder."""
        return self.where, sees_stage(stage, token)

    def render(self, task: ShotTask) -> Iterator[tuple]:
        """Render one take; yields ("progress", fraction, message) items and then ("done", where, files),
        `files` being the bytes by suffix (.mp4, and .png for a keyframe) or, for a clip already written
        into the project's cache, the suffixes only."""
        folder = Path(task.stage) if task.stage else self.scratch
        stem = f"{task.key}-{os.getpid()}-{task.attempt}"
        out = folder / f"{stem}.mp4"
        still = Path(task.still_path) if task.still_path else None
        if task.still is not None:
            still = self.scratch / f"{stem}-still.png"
            still.write_bytes(task.still)
        job = ShotJob(shot=task.shot, number=task.number, seed=task.seed, frames=task.frames,
                      settings=task.settings, style=task.style, still=still, cancel=threading.Event())
        # the backend reports progress through a callback from inside its own call: run it in a thread
        # and stream what it reports from here, the newest item every PROGRESS_EVERY seconds
        items: queue.SimpleQueue = queue.SimpleQueue()
        items.put(("progress", 0.0, f"rendering on {self.where}"))

        def progress(fraction: float, message: str) -> None:
            if fraction < 1.0:  # the end is said by the result
                items.put(("progress", fraction, message))

        def run() -> None:
            try:
                render_clip(self.backend, job, out, progress)
                items.put(_DONE)
            except BaseException as e:  # noqa: BLE001 - raised again in the task, below
                items.put(e)

        threading.Thread(target=run, name=f"render {task.key}", daemon=True).start()
        try:
            yield from newest_every(lambda timeout: items.get(timeout=timeout))
            made = sorted(folder.glob(f"{stem}.*"))
            if task.stage:  # in place: the project's cache, renamed atomically like a local render's clip
                renders = Path(task.stage).parent
                for p in made:
                    p.replace(renders / f"{task.key}{p.suffix}")
                yield ("done", self.where, {p.suffix: None for p in made})
            else:
                yield ("done", self.where, {p.suffix: p.read_bytes() for p in made})
        finally:
            for p in [*folder.glob(f"{stem}*"), *self.scratch.glob(f"{stem}*")]:
                p.unlink(missing_ok=True)


def remove_stage(stage: Path) -> None:
    """The driver's cleanup: a worker killed mid-shot can leave a partial clip in the staging folder."""
    shutil.rmtree(stage, ignore_errors=True)
