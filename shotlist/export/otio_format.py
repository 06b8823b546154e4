"""`otio`: the OpenTimelineIO JSON timeline; imports back exactly (shots from clip metadata).

The timeline's `global_start_time` is `start_tc` (01:00:00:00 by default, as in the EDL and XML); each
clip's metadata holds the shot's fields, reason and why generative included, and its lyric lines are
markers on it."""

from __future__ import annotations

from pathlib import Path

from ..errors import ShotcallerError
from ..models import Project, Shot
from . import Format, register
from .media import DEFAULT_START_TC, timecode_frames
from .timeline import META, build_timeline, video_clips

MAX_IMPORT_BYTES = 50 * 1024 * 1024


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
        timeline = otio.adapters.read_from_string(data.decode("utf-8"), "otio_json")
    except UnicodeDecodeError as e:
        raise ShotcallerError(f"the file is not UTF-8 text (byte {e.start})") from None
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


register(Format("otio", ".otio", write, read, "OpenTimelineIO timeline", frozenset({"start_tc"})))
