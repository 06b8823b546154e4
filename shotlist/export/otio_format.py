"""`otio`: the OpenTimelineIO JSON timeline; imports back exactly (shots from clip metadata).

The timeline's `global_start_time` is `start_tc` (01:00:00:00 by default, as in the EDL and XML); each
clip's metadata holds the shot's fields, reason and why generative included, and its lyric lines are
markers on it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from ..errors import ShotcallerError
from ..models import Project, Shot
from . import Format, register
from .sniff import json_of
from .media import DEFAULT_START_TC, timecode_frames
from .timeline import META, build_timeline, video_clips

MAX_IMPORT_BYTES = 50 * 1024 * 1024
TRIAL_READ_S = 30.0  # how long a trial read of an imported file may take before the file is refused


def write(project: Project, folder: Path, *, relative: bool = False, start_tc: str = DEFAULT_START_TC) -> bytes:
    import opentimelineio as otio

    start = timecode_frames(start_tc, project.brief.constraints.fps)
    timeline = build_timeline(project, folder, relative=relative, start=start)
    return otio.adapters.write_to_string(timeline, "otio_json").encode()


def read(data: bytes, project: Project) -> Project:
    import opentimelineio as otio

    if len(data) > MAX_IMPORT_BYTES:
        raise ShotcallerError(f"the file is {len(data):,} bytes; an .otio timeline is at most {MAX_IMPORT_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ShotcallerError(f"the file is not UTF-8 text (byte {e.start})") from None
    crash = _trial_read(text)
    if crash:
        raise ShotcallerError(f"the file is not a readable OpenTimelineIO timeline: OTIO's reader {crash} on it "
                              "(a corrupt or hand-edited .otio?); export it again from the tool that made it")
    try:
        timeline = otio.adapters.read_from_string(text, "otio_json")
    except Exception as e:  # noqa: BLE001 - OTIO raises many types for a bad file
        raise ShotcallerError(f"the file is not an OpenTimelineIO timeline ({type(e).__name__}: {str(e)[:120]})") from None
    if not isinstance(timeline, otio.schema.Timeline):
        raise ShotcallerError(f"the file holds a {type(timeline).__name__}, not a timeline")
    clips = video_clips(timeline)
    if not clips:
        raise ShotcallerError("the timeline has no video clips")
    shots = []
    for n, clip in enumerate(clips, start=1):
        rng = clip.range_in_parent()
        start, end = rng.start_time.to_seconds(), rng.end_time_exclusive().to_seconds()
        meta = dict(clip.metadata.get(META) or {})
        try:
            fields = {**meta, "start": meta.get("start", start), "end": meta.get("end", end)}
            if not meta:
                fields["subject"] = clip.name
            shots.append(Shot.model_validate(fields))
        except Exception as e:  # noqa: BLE001
            raise ShotcallerError(f"clip {n} ({clip.name!r}): {str(e).splitlines()[0][:160]}") from None
    return Project.model_validate(project.model_dump(by_alias=True) | {"shots": [s.model_dump() for s in shots]})


def _trial_read(text: str) -> str | None:
    """Read the file once in a forked child first: OTIO's C++ JSON reader can take the whole process down
    on some corrupt files (a fuzzed export segfaulted it), and an import must never kill the studio. Returns
    how the child died ("crashed (SIGSEGV)", "hung"), or None when it read (or refused) the file normally."""
    if not hasattr(os, "fork"):
        return None
    import opentimelineio as otio

    pid = os.fork()
    if pid == 0:  # the child: read, then leave without running the parent's exit handlers
        try:
            otio.adapters.read_from_string(text, "otio_json")
        except BaseException:  # noqa: BLE001 - an exception is a normal refusal, said by the parent's own read
            pass
        os._exit(0)
    deadline = time.monotonic() + TRIAL_READ_S
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "hung"
        time.sleep(0.002)
    if os.WIFSIGNALED(status):
        return f"crashed ({signal.Signals(os.WTERMSIG(status)).name})"
    return None


def sniff(data: bytes) -> bool:
    """OpenTimelineIO's JSON: an object that names its OTIO_SCHEMA."""
    doc = json_of(data)
    return isinstance(doc, dict) and "OTIO_SCHEMA" in doc


register(Format("otio", ".otio", write, read, "OpenTimelineIO timeline", frozenset({"start_tc"}), sniff))
