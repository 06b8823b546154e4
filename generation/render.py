"""Rendering a project: takes, the content-addressed render cache, the queue, and the cut.

    result = Renderer(store, "chaos-god", "animatic", RenderSettings(640, 360, 24)).render()
    result.cut   # Path of the MP4 on the song

The cache key of a clip is a hash of everything that changes its pixels for the chosen backend: its
name and `key` (version, model, style bible, …), the shot fields it `reads` (the card's fields and look
for the animatic; prompt, negative prompt and seed for diffusers), seed, frame count, size and fps.
A field no backend reads (the reason) can be reworded without a render. Clips live in the
project's `renders/` as `<key>.mp4`, so a revision re-renders only the shots whose key changed, and a
crashed or cancelled run resumes by running again (finished clips are cache hits). Shots render one
at a time (a GPU holds one model); a failing shot is marked failed with its reason and the others go
on; an out-of-memory error is retried once with CPU offload and VAE tiling.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from shotlist.errors import ShotcallerError
from shotlist.models import SHOT_SIZES, Project, Shot, Take, fields_tagged
from shotlist.sizes import closeness
from shotlist.export.media import clip_path
from shotlist.store import ProjectStore
from shotlist.timing import frame_spans

from .assemble import assemble
from .backend import Backend, Cancelled, Progress, RenderSettings, ShotJob, get_backend, keyframe_backends
from .route import settings_for

TAKE_SEED_STEP = 1_000_003

Report = Callable[[str, float, str], None]  # (shot label, fraction, message)


def reads(backend: Backend) -> tuple[str, ...]:
    """The shot fields `backend` declares it reads; a plugin that declares none is taken to read every
    field a revision can set (a needless re-render is better than a stale clip)."""
    return tuple(getattr(backend, "reads", None) or fields_tagged(Shot, "editable"))


def clip_key(backend: Backend, job: ShotJob) -> str:
    s = job.settings
    doc = {"backend": backend.name, **backend.key(job), "shot": job.shot.model_dump(include=set(reads(backend))),
           "number": job.number, "seed": job.seed, "frames": job.frames,
           "size": [int(s.width), int(s.height)], "fps": float(s.fps), "model": s.model, "steps": s.steps}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:24]


# a look value that moved, in the words of the request that moves it that way
LOOK_WORDS = {"warmth": ("colder", "warmer"), "brightness": ("darker", "brighter"), "contrast": ("softer", "harder")}


def why_rendered(before: dict, after: dict) -> list[str]:
    """What changed between what a backend read for the last take and what it reads now, in plain words:
    'colder', 'darker', 'wider', 'longer', or the field's name ('subject', 'prompt')."""
    words = []
    for name in after:
        old, new = before.get(name), after[name]
        if old == new:
            continue
        if name in LOOK_WORDS and isinstance(old, (int, float)) and isinstance(new, (int, float)):
            words.append(LOOK_WORDS[name][new > old])
        elif name == "shot_size" and old in SHOT_SIZES and new in SHOT_SIZES:
            words.append("closer" if closeness(new) > closeness(old) else "wider")
        elif name == "frames" and isinstance(old, int):
            words.append("longer" if new > old else "shorter")
        elif name not in ("start", "end"):  # a moved cut shows as longer or shorter
            words.append(name.replace("_", " "))
    if len(words) > 1 and "prompt" in words:  # a prompt built from the fields moves with them: name the cause
        words.remove("prompt")
    return list(dict.fromkeys(words))


def _why(shot: Shot, backend: str, now: dict) -> str:
    """Why shot needs a new clip: the changes since its last take on this backend, or 'new'."""
    last = next((t for t in reversed(shot.takes) if t.backend == backend and t.status == "done"), None)
    if last is None or not last.reads:
        return "new"
    return ", ".join(why_rendered(last.reads, now)) or "new settings"


@dataclass
class PlannedTake:
    shot_id: str
    label: str  # "shot 3/12", what progress reports name
    job: ShotJob
    key: str  # the render-cache key; the clip is renders/<key>.mp4
    take: Take  # the take record to save once the clip exists (status pending)
    why: str = "new"  # what changed since the shot's last take ("colder, darker"), for the status line

    @property
    def number(self) -> int:
        return self.job.number


def render_clip(backend: Backend, job: ShotJob, out: Path, progress: Progress) -> None:
    """Render one clip to `out`; an out-of-memory error is retried once with CPU offload and VAE tiling.
    The one per-take function local renders and Ray workers both call, so their clips are the same."""
    try:
        backend.render(job, out, progress)
    except Exception as e:  # noqa: BLE001
        if "out of memory" not in str(e).lower():
            raise
        progress(0.0, "out of memory: retrying with CPU offload and VAE tiling")
        backend.render(replace(job, settings=replace(job.settings, offload=True, vae_tiling=True)), out, progress)


def failed_take(p: PlannedTake, error: BaseException | str, result: RenderResult, report: Report) -> Take:
    reason = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:300]
    result.failed[p.number] = reason
    report(p.label, 1.0, f"failed: {reason}")
    return p.take.model_copy(update={"status": "failed", "error": reason})


@dataclass
class RenderResult:
    rendered: list[str] = field(default_factory=list)  # keys rendered now
    cached: list[str] = field(default_factory=list)  # keys found in the cache
    failed: dict[int, str] = field(default_factory=dict)  # shot number → reason
    why: dict[int, str] = field(default_factory=dict)  # shot number rendered now → what changed ("colder")
    cut: Path | None = None
    cancelled: bool = False

    def reasons(self) -> str:
        """The shots rendered now and why: '3: colder, darker; 7: subject'."""
        return "; ".join(f"{n}: {why}" for n, why in sorted(self.why.items()))


class Renderer:
    def __init__(self, store: ProjectStore, project_id: str, backend: str = "animatic",
                 settings: RenderSettings | None = None, report: Report | None = None,
                 cancel: threading.Event | None = None, backend_options: dict | None = None):
        self.store = store
        self.project_id = project_id
        self.backend = get_backend(backend, **(backend_options or {}))
        self.keyframers = keyframe_backends()  # backends whose takes are keyframes, by their declaration
        self.settings = settings or settings_for(store.load(project_id).brief.constraints)
        self.report = report or (lambda label, frac, msg: None)
        self.cancel = cancel or threading.Event()
        self.folder = store.folder(project_id)
        (self.folder / "renders").mkdir(exist_ok=True)

    def _job(self, project: Project, n: int, seed: int, frames: int) -> ShotJob:
        shot = project.shots[n - 1]
        still = self._still(shot)
        return ShotJob(shot=shot, number=n, seed=seed, frames=frames, settings=self.settings, style=project.style,
                       still=still, cancel=self.cancel)

    def _still(self, shot: Shot) -> Path | None:
        for take in shot.takes:
            if take.backend in self.keyframers and take.status == "done" and take.path:
                p = self.folder / take.path
                still = p.with_suffix(".png")
                if still.is_file():
                    return still
        return None

    def plan(self, project: Project, shots: list[int] | None = None, takes: int | None = None) -> list[PlannedTake]:
        """Every take to make, in order, each with its job and cache key: what a local or a Ray render runs."""
        takes = takes or self.settings.takes
        spans = frame_spans(project.shots, self.settings.fps)
        planned = []
        for n in shots or range(1, len(project.shots) + 1):
            shot = project.shots[n - 1]
            for t in range(takes):
                job = self._job(project, n, shot.seed + t * TAKE_SEED_STEP, spans[n - 1][1])
                key = clip_key(self.backend, job)
                read = shot.model_dump(include=set(reads(self.backend))) | {"frames": job.frames}
                take = Take(id=f"t{t + 1}", seed=job.seed, backend=self.backend.name, model=self.settings.model,
                            path=f"renders/{key}.mp4", cache_key=key, reads=read)
                planned.append(PlannedTake(shot.id, f"shot {n}/{len(project.shots)}", job, key, take,
                                           _why(shot, self.backend.name, read)))
        return planned

    def render(self, shots: list[int] | None = None, takes: int | None = None, cut: Path | None = None,
               assemble_cut: bool = True) -> RenderResult:
        project = self.store.load(self.project_id)
        if not project.shots:
            raise ShotcallerError(f"{project.id} has no shots yet: plan them first (shotcaller chat)")
        planned = self.plan(project, shots, takes)
        result = RenderResult()
        made = self.execute(planned, result)
        new_takes: dict[str, list[Take]] = {}
        for i, p in enumerate(planned):
            if i in made:
                new_takes.setdefault(p.shot_id, []).append(made[i])
        project = self._record_takes(new_takes)
        if assemble_cut and not result.cancelled:  # the song's whole length encoded once more: say so
            self.report("the cut", 1.0, f"assembling {len(project.shots)} shots with the song…")
            result.cut = self.cut(project, cut)
        return result

    def execute(self, planned: list[PlannedTake], result: RenderResult) -> dict[int, Take]:
        """Make the planned takes here, one at a time; returns each attempted take by its index in `planned`.
        `generation.ray_render.RayRenderer` overrides this to run them on a Ray cluster."""
        made: dict[int, Take] = {}
        for i, p in enumerate(planned):
            made[i] = self._render_take(p, result)
            if result.cancelled:
                break
        return made

    def _render_take(self, p: PlannedTake, result: RenderResult) -> Take:
        path = self.folder / p.take.path
        if path.is_file():
            result.cached.append(p.key)
            self.report(p.label, 1.0, "cached")
            return p.take.model_copy(update={"status": "done"})
        try:
            render_clip(self.backend, p.job, path, lambda f, msg: self.report(p.label, f, msg))
        except Cancelled:
            result.cancelled = True
            return p.take.model_copy(update={"status": "pending"})
        except Exception as e:  # noqa: BLE001 - one shot's failure must not stop the others
            return failed_take(p, e, result, self.report)
        result.rendered.append(p.key)
        result.why[p.number] = p.why
        return p.take.model_copy(update={"status": "done"})

    def _record_takes(self, new_takes: dict[str, list[Take]]) -> Project:
        project = self.store.load(self.project_id)
        shots = []
        for s in project.shots:
            if s.id in new_takes:
                fresh = {t.cache_key for t in new_takes[s.id]}
                kept = [t for t in s.takes if t.cache_key not in fresh and t.backend in self.keyframers]
                takes = kept + new_takes[s.id]
                picked = s.picked_take if any(t.id == s.picked_take for t in takes) else None
                s = s.model_copy(update={"takes": takes, "picked_take": picked})
            shots.append(s)
        return self.store.save(project.model_copy(update={"shots": shots}))

    def clip_for(self, project: Project, n: int) -> Path | None:
        # a keyframe take (diffusers-stills) is a source for other renders; the cut uses the shot's clips
        return clip_path(self.folder, project.shots[n - 1], skip_backends=self.keyframers)

    def cut(self, project: Project, out: Path | None = None) -> Path:
        """Assemble the cut from each shot's picked (or latest) clip; a missing or failed shot is
        stood in for by its animatic card, so the cut always covers the song."""
        clips = []
        fallback = get_backend("animatic")
        spans = frame_spans(project.shots, self.settings.fps)
        for n in range(1, len(project.shots) + 1):
            clip = self.clip_for(project, n)
            if clip is None:
                job = self._job(project, n, project.shots[n - 1].seed, spans[n - 1][1])
                key = clip_key(fallback, job)
                clip = self.folder / "renders" / f"{key}.mp4"
                if not clip.is_file():
                    fallback.render(job, clip, lambda f, msg: None)
            clips.append(clip)
        out = out or self.folder / "renders" / f"cut-v{project.version}.mp4"
        song = self.store.song_path(project)
        assemble(clips, project.shots, song, out, self.settings, self.folder / "renders")
        return out

    def pick(self, shot_ref: str, take_id: str) -> Project:
        project = self.store.load(self.project_id)
        shot = project.shot(shot_ref)
        if not any(t.id == take_id for t in shot.takes):
            have = ", ".join(t.id for t in shot.takes) or "none (render it first)"
            raise ShotcallerError(f"shot {shot.index} has no take {take_id!r}; takes: {have}")
        shots = [s.model_copy(update={"picked_take": take_id}) if s.id == shot.id else s for s in project.shots]
        return self.store.save(project.model_copy(update={"shots": shots}))

    def prune(self) -> list[Path]:
        """Delete clips no take of the current version refers to (cuts included)."""
        project = self.store.load(self.project_id)
        keep = {t.path for s in project.shots for t in s.takes if t.path}
        removed = []
        for p in (self.folder / "renders").glob("*"):
            rel = f"renders/{p.name}"
            if p.is_file() and rel not in keep and rel.replace(".png", ".mp4") not in keep:
                p.unlink()
                removed.append(p)
        return removed
