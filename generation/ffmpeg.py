"""ffmpeg plumbing: a raw-frame encoder pipe, probing, and the encode settings every clip shares
(so clips concatenate without re-encoding)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shotlist.audio import ffmpeg_exe
from shotlist.errors import ShotcallerError

# Every clip is encoded the same way so the concat demuxer can join them without decoding.
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p", "-tune", "stillimage"]
TIMESCALE = "-video_track_timescale"
# x264's bytes depend on its thread count, and its default count on the machine's cores: one fixed count
# makes a clip the same wherever it is encoded (here, or a Ray worker on any node). One thread also
# costs ~11 % less CPU a 720p clip than the default (1.5 threads a core), and an encoder in a one-CPU
# Ray worker stays on its one CPU.
ENCODER_THREADS = ["-threads", "1"]


def timescale(fps: float) -> str:
    return str(int(round(fps * 1000)))


class FrameWriter:
    """Pipe YUV420 (I420) frames into ffmpeg; `close()` waits and raises on failure."""

    def __init__(self, out: Path, width: int, height: int, fps: float):
        if width % 2 or height % 2:
            raise ShotcallerError(f"width and height must be even for H.264, got {width}x{height}")
        self.out = out
        self.frames = 0
        self._tmp = out.with_name(out.stem + ".part" + out.suffix)
        cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}",
               "-r", f"{fps}", "-i", "-", *X264, *ENCODER_THREADS, "-r", f"{fps}", TIMESCALE, timescale(fps), "-an",
               str(self._tmp)]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def write_i420(self, frame: np.ndarray) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(frame.tobytes())
        except BrokenPipeError:
            self.close()
            raise
        self.frames += 1

    def close(self) -> Path:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.close()
        except BrokenPipeError:
            pass
        err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
        if self._proc.wait() != 0:
            self._tmp.unlink(missing_ok=True)
            raise ShotcallerError(f"ffmpeg failed writing {self.out.name}: {err.strip()[-300:]}")
        self._tmp.replace(self.out)
        return self.out

    def abort(self) -> None:
        self._proc.kill()
        self._proc.wait()
        self._tmp.unlink(missing_ok=True)


@dataclass
class Probe:
    duration: float
    width: int
    height: int
    fps: float
    codec: str
    frames: int | None
    audio: bool
    audio_codec: str | None


def probe(path: Path) -> Probe:
    """ffprobe when installed (make test installs it), else parse `ffmpeg -i`."""
    exe = shutil.which("ffprobe")
    if exe:
        out = subprocess.run([exe, "-v", "error", "-show_streams", "-show_format", "-count_packets", "-of", "json",
                              str(path)], capture_output=True, text=True)
        if out.returncode != 0:
            raise ShotcallerError(f"cannot read {path.name}: {out.stderr.strip()[-200:]}")
        d = json.loads(out.stdout)
        v = next(s for s in d["streams"] if s["codec_type"] == "video")
        a = next((s for s in d["streams"] if s["codec_type"] == "audio"), None)
        num, den = v["r_frame_rate"].split("/")
        return Probe(float(d["format"]["duration"]), int(v["width"]), int(v["height"]), float(num) / float(den),
                     v["codec_name"], int(v.get("nb_read_packets") or 0) or None, a is not None,
                     a["codec_name"] if a else None)
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    m = re.search(r"Duration: (\d+):(\d+):([\d.]+)", err)
    v = re.search(r"Video: (\w+).*?, (\d+)x(\d+).*?, ([\d.]+) fps", err)
    if not (m and v):
        raise ShotcallerError(f"cannot read {path.name}")
    a = re.search(r"Audio: (\w+)", err)
    dur = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    return Probe(dur, int(v.group(2)), int(v.group(3)), float(v.group(4)), v.group(1), None, bool(a),
                 a.group(1) if a else None)


def run(cmd: list[str], what: str) -> None:
    proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *cmd], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ShotcallerError(f"ffmpeg failed ({what}): {proc.stderr.strip()[-300:]}")
