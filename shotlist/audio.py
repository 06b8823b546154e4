"""Reading audio files safely: type and size checks first, one clear error for anything that is not audio.

soundfile (libsndfile) reads wav, flac, ogg and mp3; anything else (m4a/aac, …) is decoded by the
ffmpeg binary that imageio-ffmpeg ships, so no system codec is needed.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ShotcallerError

AUDIO_EXTENSIONS = (".wav", ".mp3", ".ogg", ".oga", ".flac", ".m4a", ".aac", ".aif", ".aiff")
MAX_AUDIO_BYTES = 300 * 1024 * 1024
MAX_DURATION = 30 * 60.0


@dataclass
class Audio:
    samples: np.ndarray  # mono float32 at `sample_rate`
    sample_rate: int  # rate of `samples`
    native_rate: int  # rate of the file
    duration: float  # exact length of the file, seconds


def check_audio_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise ShotcallerError(f"audio file {str(path)!r} does not exist")
    if p.suffix.lower() not in AUDIO_EXTENSIONS:
        raise ShotcallerError(
            f"{p.name} is not a supported audio file; use one of {', '.join(AUDIO_EXTENSIONS)}"
        )
    size = p.stat().st_size
    if size == 0:
        raise ShotcallerError(f"{p.name} is empty (0 bytes)")
    if size > MAX_AUDIO_BYTES:
        raise ShotcallerError(
            f"{p.name} is {size / 2**20:.0f} MB; the limit is {MAX_AUDIO_BYTES / 2**20:.0f} MB"
        )
    return p


def _too_long(name: str, duration: float) -> ShotcallerError:
    return ShotcallerError(
        f"{name} lasts {duration / 60:.1f} minutes; the limit is {MAX_DURATION / 60:.0f} minutes"
    )


def load_audio(path: str | Path, sample_rate: int = 22050) -> Audio:
    """Decode `path` to mono float32 at `sample_rate`; raise `ShotcallerError` if it is not usable audio."""
    p = check_audio_file(path)
    try:
        import soundfile as sf

        info = sf.info(str(p))
        if info.frames <= 0 or info.samplerate <= 0:
            raise ShotcallerError(f"{p.name} holds no audio samples")
        duration = info.frames / info.samplerate
        if duration > MAX_DURATION:
            raise _too_long(p.name, duration)
        data, native = sf.read(str(p), dtype="float32", always_2d=True)
        mono = data.mean(axis=1)
    except ShotcallerError:
        raise
    except Exception:
        mono, native = _decode_with_ffmpeg(p)
        duration = len(mono) / native
        if duration > MAX_DURATION:
            raise _too_long(p.name, duration) from None
    if mono.size == 0:
        raise ShotcallerError(f"{p.name} holds no audio samples")
    if not np.isfinite(mono).all():
        raise ShotcallerError(f"{p.name} holds invalid samples (NaN or infinity); re-export it")
    if native != sample_rate:
        import librosa

        mono = librosa.resample(mono, orig_sr=native, target_sr=sample_rate, res_type="soxr_hq")
    return Audio(np.ascontiguousarray(mono, dtype=np.float32), sample_rate, int(native), float(duration))


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _decode_with_ffmpeg(p: Path) -> tuple[np.ndarray, int]:
    exe = ffmpeg_exe()
    probe = subprocess.run([exe, "-hide_banner", "-i", str(p)], capture_output=True, text=True, errors="replace")
    m = re.search(r"Audio: .*?(\d+) Hz", probe.stderr)
    if not m:
        raise ShotcallerError(f"{p.name} is not audio (no audio stream found): upload a wav, mp3, ogg, flac or m4a")
    native = int(m.group(1))
    limit = str(MAX_DURATION + 1)
    proc = subprocess.run(
        [exe, "-v", "error", "-i", str(p), "-t", limit, "-vn", "-ac", "1", "-f", "f32le", "-"],
        capture_output=True,
    )
    samples = np.frombuffer(proc.stdout, dtype=np.float32)
    if proc.returncode != 0 or samples.size == 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no samples"]
        raise ShotcallerError(f"{p.name} could not be decoded as audio ({detail[0][:120]})")
    return samples.copy(), native
