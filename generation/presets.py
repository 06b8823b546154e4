"""Model presets for the diffusers backends: what each model needs to be used well.

`--model` takes a preset name, or any diffusers model id or local folder (then the defaults of
`CUSTOM` apply, overridable with backend options).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from shotlist.errors import ShotcallerError


@dataclass(frozen=True)
class VideoPreset:
    name: str
    model_id: str
    pipeline: str  # diffusers class, for documentation and the image-to-video switch
    fps: float  # native frame rate of the model's clips
    width: int
    height: int
    frame_multiple: int  # frame count must be k * frame_multiple + 1
    max_frames: int
    steps: int
    guidance: float
    divisor: int = 16  # width and height must be multiples of this
    i2v_pipeline: str | None = None  # image-to-video class for keyframe conditioning
    adapter_id: str | None = None  # AnimateDiff: the motion adapter, loaded beside the base model
    max_sequence_length: int | None = None

    def frames_for(self, seconds: float) -> int:
        """Native frame count for a clip of `seconds`, on the k*m+1 rule, at most `max_frames`."""
        want = max(1, round(seconds * self.fps))
        if self.frame_multiple <= 1:
            return min(want, self.max_frames)
        k = max(1, round((want - 1) / self.frame_multiple))
        return min(k * self.frame_multiple + 1, self.max_frames)

    @property
    def max_seconds(self) -> float:
        return self.max_frames / self.fps


@dataclass(frozen=True)
class StillPreset:
    name: str
    model_id: str
    width: int
    height: int
    steps: int
    guidance: float
    divisor: int = 8


VIDEO_PRESETS = {p.name: p for p in (
    VideoPreset("ltx-video", "Lightricks/LTX-Video", "LTXPipeline", 24, 704, 480, 8, 257, 40, 3.0, 32,
                i2v_pipeline="LTXImageToVideoPipeline", max_sequence_length=128),
    VideoPreset("wan2.1-t2v-1.3b", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "WanPipeline", 16, 832, 480, 4, 81, 30, 5.0,
                16, max_sequence_length=226),
    VideoPreset("cogvideox-2b", "THUDM/CogVideoX-2b", "CogVideoXPipeline", 8, 720, 480, 4, 49, 50, 6.0, 16,
                max_sequence_length=226),
    VideoPreset("animatediff", "emilianJR/epiCRealism", "AnimateDiffPipeline", 8, 512, 512, 1, 32, 25, 7.5, 8,
                adapter_id="guoyww/animatediff-motion-adapter-v1-5-2"),
)}
CUSTOM_VIDEO = VideoPreset("custom", "", "DiffusionPipeline", 24, 512, 512, 8, 121, 30, 5.0, 32,
                           max_sequence_length=None)

STILL_PRESETS = {p.name: p for p in (
    StillPreset("sd-turbo", "stabilityai/sd-turbo", 512, 512, 1, 0.0),
    StillPreset("sdxl-turbo", "stabilityai/sdxl-turbo", 512, 512, 1, 0.0),
    StillPreset("flux.1-schnell", "black-forest-labs/FLUX.1-schnell", 1024, 576, 4, 0.0, 16),
)}
CUSTOM_STILL = StillPreset("custom", "", 512, 512, 4, 5.0)

DEFAULT_VIDEO = "ltx-video"
DEFAULT_STILL = "sd-turbo"


def _lookup(model: str | None, presets: dict, default: str, custom):
    """A preset by name or by its model id; any other id or folder gets `custom`'s defaults."""
    if not model:
        return presets[default]
    if model.startswith("-"):
        raise ShotcallerError(f"model {model!r}: give a preset ({', '.join(presets)}), an id or a folder")
    found = presets.get(model) or next((p for p in presets.values() if p.model_id == model), None)
    return found or replace(custom, model_id=model)


def video_preset(model: str | None, rules: str | None = None) -> VideoPreset:
    """The preset for `model`; a model id or folder that is no preset's gets the `rules` preset's
    frame rules and defaults (e.g. a local CogVideoX checkpoint with rules='cogvideox-2b')."""
    if rules:
        if rules not in VIDEO_PRESETS:
            raise ShotcallerError(f"preset {rules!r} is not known; presets: {', '.join(VIDEO_PRESETS)}")
        return replace(VIDEO_PRESETS[rules], model_id=model or VIDEO_PRESETS[rules].model_id)
    return _lookup(model, VIDEO_PRESETS, DEFAULT_VIDEO, CUSTOM_VIDEO)


def still_preset(model: str | None) -> StillPreset:
    return _lookup(model, STILL_PRESETS, DEFAULT_STILL, CUSTOM_STILL)
