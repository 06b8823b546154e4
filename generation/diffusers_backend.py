"""`diffusers-video` and `diffusers-stills`: local generation with Hugging Face diffusers.

    backend = get_backend("diffusers-video")            # preset ltx-video, or settings.model = any id/folder
    backend.render(job, Path("shot07.mp4"), progress)

Phases of a video render: 1. load the pipeline once per backend (`DiffusionPipeline.from_pretrained`,
device auto, fp16/bf16 where the device allows, offload/tiling on request); 2. plan the generations:
a shot longer than the model's longest clip is *chained* (several generations, each conditioned on
the last frame of the one before when the model does image-to-video, else on its own seed + i);
3. generate; 4. *conform*: the generated frames are retimed to the shot's exact frame count (the
k·m+1 frame rules make them differ by a fraction of a second) and resized to cover the output;
5. encode with the same settings as every clip. `diffusers-stills` makes one keyframe per shot with a
text-to-image model and gives it the animatic's camera move.
"""

from __future__ import annotations

import inspect
import math
from pathlib import Path
from typing import Any

import numpy as np

from .backend import Cancelled, Progress, RenderSettings, ShotJob, file_key, register_backend
from .ffmpeg import FrameWriter
from .presets import StillPreset, VideoPreset, still_preset, video_preset

PIPELINE_VERSION = 1  # part of the cache key


def pick_device(preference: str = "auto") -> str:
    import torch

    if preference != "auto":
        return preference
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def pick_dtype(device: str):
    import torch

    if device == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32


def build_prompt(job: ShotJob) -> tuple[str, str]:
    """The shot's prompt with the style bible's look and the characters it names; negatives from both."""
    shot, style = job.shot, job.style
    parts = [shot.prompt or ", ".join(x for x in (shot.subject, shot.action, shot.setting) if x)]
    text = parts[0].lower()
    parts += [f"{c.name}: {c.description}" for c in style.characters if c.name.lower() in text]
    if style.look and style.look.strip(" .").lower() not in text:  # a prompt built from the fields has it
        parts.append(style.look)
    negative = ", ".join(x for x in (shot.negative_prompt, style.negative_prompt) if x)
    return ". ".join(p.strip(" .") for p in parts if p), negative


def generation_size(settings: RenderSettings, native: tuple[int, int], divisor: int) -> tuple[int, int]:
    """The model's native area at the output's aspect ratio, on its divisor (or options gen_width/height)."""
    if "gen_width" in settings.options:
        return int(settings.options["gen_width"]), int(settings.options["gen_height"])
    area = native[0] * native[1]
    aspect = settings.width / settings.height
    w = max(divisor, round(math.sqrt(area * aspect) / divisor) * divisor)
    h = max(divisor, round(math.sqrt(area / aspect) / divisor) * divisor)
    return w, h


def cover(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize an RGB uint8 frame to cover width×height, cropping the overflow from the centre."""
    import cv2

    h, w = frame.shape[:2]
    scale = max(width / w, height / h)
    nw, nh = max(width, round(w * scale)), max(height, round(h * scale))
    resized = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    x, y = (nw - width) // 2, (nh - height) // 2
    return resized[y : y + height, x : x + width]


def retime(n_out: int, n_in: int) -> list[int]:
    """Which generated frame each output frame shows, spreading `n_in` frames evenly over `n_out`."""
    return [min(n_in - 1, int(i * n_in / n_out)) for i in range(n_out)]


def _accepted(pipe, kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(pipe.__call__).parameters
    return {k: v for k, v in kwargs.items() if k in params and v is not None}


def _to_uint8(frames) -> np.ndarray:
    arr = np.asarray(frames)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0, 1) * 255).round().astype(np.uint8)
    return arr


class _Loader:
    """Loads a pipeline once and keeps it for every shot this backend renders."""

    def __init__(self) -> None:
        self._pipes: dict[tuple, Any] = {}

    def load(self, model_id: str, settings: RenderSettings, adapter_id: str | None = None):
        from diffusers import DiffusionPipeline

        device = pick_device(settings.device)
        dtype = pick_dtype(device)
        key = (model_id, adapter_id, device, str(dtype), settings.offload, settings.vae_tiling)
        if key not in self._pipes:
            kwargs: dict[str, Any] = {"dtype": dtype}
            if adapter_id:  # AnimateDiff from the hub: motion adapter + SD 1.5 base
                from diffusers import AnimateDiffPipeline, MotionAdapter

                adapter = MotionAdapter.from_pretrained(adapter_id, dtype=dtype)
                pipe = AnimateDiffPipeline.from_pretrained(model_id, motion_adapter=adapter, **kwargs)
            else:
                pipe = DiffusionPipeline.from_pretrained(model_id, **kwargs)
            if settings.offload and device == "cuda":
                pipe.enable_model_cpu_offload()
            else:
                pipe.to(device)
            if settings.vae_tiling and hasattr(pipe, "vae"):
                for name in ("enable_tiling", "enable_slicing"):
                    if hasattr(pipe.vae, name):
                        getattr(pipe.vae, name)()
            pipe.set_progress_bar_config(disable=True)
            self._pipes[key] = pipe
        return self._pipes[key]


def _step_callback(job: ShotJob, progress: Progress, done: float, share: float, steps: int):
    def callback(pipe, i, t, kwargs):
        if job.cancel.is_set():
            raise Cancelled(f"shot {job.number}")
        progress(done + share * (i + 1) / steps, f"step {i + 1}/{steps}")
        return kwargs

    return callback


# what build_prompt reads of a shot (subject, action and setting stand in for an empty prompt)
PROMPT_READS = ("prompt", "negative_prompt", "seed", "subject", "action", "setting")


class DiffusersVideoBackend:
    name = "diffusers-video"
    needs_gpu = True
    makes_keyframes = False
    reads = PROMPT_READS

    def __init__(self, **options: Any):
        self.options = options
        self.loader = _Loader()

    def preset(self, settings: RenderSettings) -> VideoPreset:
        return video_preset(settings.model, settings.options.get("preset"))

    def key(self, job: ShotJob) -> dict[str, Any]:
        p = self.preset(job.settings)
        return {"pipeline": PIPELINE_VERSION, "model": p.model_id, "adapter": p.adapter_id,
                "gen": generation_size(job.settings, (p.width, p.height), p.divisor),
                "still": file_key(job.still) if p.i2v_pipeline else None, "options": job.settings.options,
                "style": job.style.model_dump()}

    def plan(self, job: ShotJob) -> tuple[int, list[int]]:
        """How many generations (chained when the shot outlasts the model) and their frame counts."""
        p = self.preset(job.settings)
        segments = max(1, math.ceil(job.duration / p.max_seconds - 1e-9))
        return segments, [p.frames_for(job.duration / segments)] * segments

    def render(self, job: ShotJob, out: Path, progress: Progress) -> None:
        p = self.preset(job.settings)
        s = job.settings
        pipe = self.loader.load(p.model_id, s, p.adapter_id)
        steps = s.steps or int(s.options.get("steps", p.steps))
        width, height = generation_size(s, (p.width, p.height), p.divisor)
        prompt, negative = build_prompt(job)
        segments, counts = self.plan(job)
        progress(0.0, f"{p.name}: {segments} generation(s) of {counts[0]} frames at {width}x{height}")
        frames: list[np.ndarray] = []
        condition = _keyframe(job.still) if (job.still and p.i2v_pipeline) else None
        for seg, n in enumerate(counts):
            frames.extend(self._generate(pipe, p, job, prompt, negative, width, height, n, steps, seg, condition,
                                         _step_callback(job, progress, seg / segments, 1 / segments, steps)))
            if p.i2v_pipeline:
                condition = frames[-1]  # the next generation continues from here
        self._write(job, out, frames, p.fps)
        progress(1.0, f"conformed {len(frames)} generated frames ({len(frames) / p.fps:.2f}s at {p.fps:g} fps) "
                      f"to {job.frames} frames ({job.duration:.2f}s)")

    def _generate(self, pipe, p: VideoPreset, job: ShotJob, prompt: str, negative: str, width: int, height: int,
                  n: int, steps: int, seg: int, condition, callback) -> list[np.ndarray]:
        import torch

        generator = torch.Generator(device="cpu").manual_seed(job.seed + seg)
        kwargs = {"prompt": prompt, "negative_prompt": negative or None, "num_frames": n, "width": width,
                  "height": height, "num_inference_steps": steps, "guidance_scale": job.settings.options.get(
                      "guidance", p.guidance), "generator": generator, "output_type": "np",
                  "max_sequence_length": job.settings.options.get("max_sequence_length", p.max_sequence_length),
                  "callback_on_step_end": callback}
        if condition is not None:
            import diffusers
            from PIL import Image

            i2v = getattr(diffusers, p.i2v_pipeline).from_pipe(pipe)
            i2v.set_progress_bar_config(disable=True)
            out = i2v(**_accepted(i2v, {**kwargs, "image": Image.fromarray(condition)}))
        else:
            out = pipe(**_accepted(pipe, kwargs))
        return list(_to_uint8(out.frames[0]))

    def _write(self, job: ShotJob, out: Path, frames: list[np.ndarray], native_fps: float) -> None:
        import cv2

        s = job.settings
        writer = FrameWriter(out, s.width, s.height, s.fps)
        try:
            for idx in retime(job.frames, len(frames)):
                writer.write_i420(cv2.cvtColor(cover(frames[idx], s.width, s.height), cv2.COLOR_RGB2YUV_I420))
        except BaseException:
            writer.abort()
            raise
        writer.close()


def _keyframe(path: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


class DiffusersStillsBackend:
    """One keyframe per shot from a text-to-image model, moved like the animatic. Saves the keyframe
    beside the clip (`<key>.png`): the storyboard frame, and the image the animatic and LTX's
    image-to-video start from."""

    name = "diffusers-stills"
    needs_gpu = True
    makes_keyframes = True  # later video renders animate its keyframe; the cut skips its clip
    reads = (*PROMPT_READS, "movement", "start")  # the keyframe is moved like the animatic, its timecode burnt in

    def __init__(self, **options: Any):
        self.options = options
        self.loader = _Loader()

    def preset(self, settings: RenderSettings) -> StillPreset:
        return still_preset(settings.model)

    def key(self, job: ShotJob) -> dict[str, Any]:
        p = self.preset(job.settings)
        return {"pipeline": PIPELINE_VERSION, "model": p.model_id, "options": job.settings.options,
                "gen": generation_size(job.settings, (p.width, p.height), p.divisor), "style": job.style.model_dump()}

    def keyframe(self, job: ShotJob, progress: Progress):
        import torch
        from PIL import Image

        p = self.preset(job.settings)
        s = job.settings
        pipe = self.loader.load(p.model_id, s)
        steps = s.steps or int(s.options.get("steps", p.steps))
        width, height = generation_size(s, (p.width, p.height), p.divisor)
        prompt, negative = build_prompt(job)
        kwargs = {"prompt": prompt, "negative_prompt": negative or None, "width": width, "height": height,
                  "num_inference_steps": steps, "guidance_scale": s.options.get("guidance", p.guidance),
                  "generator": torch.Generator(device="cpu").manual_seed(job.seed), "output_type": "np",
                  "callback_on_step_end": _step_callback(job, progress, 0.0, 0.8, steps)}
        image = _to_uint8(pipe(**_accepted(pipe, kwargs)).images[0])
        return Image.fromarray(image)

    def render(self, job: ShotJob, out: Path, progress: Progress) -> None:
        from .animatic import render_moving_still

        still = self.keyframe(job, progress)
        still.save(out.with_suffix(".png"))
        render_moving_still(job, out, lambda f, msg: progress(0.8 + 0.2 * f, msg), lambda size: _cover_image(still, size))


def _cover_image(image, size: tuple[int, int]):
    from PIL import Image

    return Image.fromarray(cover(np.asarray(image.convert("RGB")), size[0], size[1]))


register_backend("diffusers-video", DiffusersVideoBackend)
register_backend("diffusers-stills", DiffusersStillsBackend)
