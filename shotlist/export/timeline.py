"""The shot list as an OpenTimelineIO timeline: the one source for otio, EDL, FCPXML and FCP7 XML.

Video track: a clip per shot, named "07 subject", pointing at the rendered clip, or — when the shot is
not rendered yet — at an offline placeholder named after the shot (NLEs relink it later; OTIO itself
gets a MissingReference). Audio track: the song. Markers on the stack: sections and lyric lines. Every
shot's fields ride along in `clip.metadata["shotcaller"]`, so an .otio file round-trips exactly.
"""

from __future__ import annotations

from pathlib import Path

from ..models import Project
from ..timing import frame_spans
from .media import clip_path, exact_rate, song_file

META = "shotcaller"


def build_timeline(project: Project, folder: Path, placeholders: bool = False, audio: bool = True,
                   markers: bool = True, rate: float | None = None):
    import opentimelineio as otio
    from opentimelineio.opentime import RationalTime, TimeRange

    rate = rate or exact_rate(project.brief.constraints.fps)

    def span(frames: int, start: int = 0) -> TimeRange:
        return TimeRange(RationalTime(start, rate), RationalTime(frames, rate))

    timeline = otio.schema.Timeline(name=project.title, global_start_time=RationalTime(0, rate))
    timeline.metadata[META] = {"project": project.id, "version": project.version, "fps": project.brief.constraints.fps}
    video = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    for n, (shot, (_, frames)) in enumerate(zip(project.shots, frame_spans(project.shots, rate)), start=1):
        name = f"{n:02d} {shot.subject or shot.section}".strip()[:60]
        clip = clip_path(folder, shot)
        if clip is not None:
            ref = otio.schema.ExternalReference(target_url=clip.resolve().as_uri(), available_range=span(frames))
        elif placeholders:
            offline = (folder / "renders" / "offline" / f"{n:02d}-{shot.id}.mp4").resolve()
            ref = otio.schema.ExternalReference(target_url=offline.as_uri(), available_range=span(frames))
        else:
            ref = otio.schema.MissingReference(name=name, available_range=span(frames))
        item = otio.schema.Clip(name=name, media_reference=ref, source_range=span(frames))
        item.metadata[META] = shot.model_dump(mode="json")
        video.append(item)
    timeline.tracks.append(video)
    total = sum(f for _, f in frame_spans(project.shots, rate))
    if audio:
        track = otio.schema.Track(name="Song", kind=otio.schema.TrackKind.Audio)
        song = song_file(folder, project)
        ref = otio.schema.ExternalReference(target_url=song.resolve().as_uri(), available_range=span(total))
        track.append(otio.schema.Clip(name=song.name, media_reference=ref, source_range=span(total)))
        timeline.tracks.append(track)
    if markers:
        for s in project.song.sections:
            first = round(s.start * rate)
            timeline.tracks.markers.append(otio.schema.Marker(
                name=s.label, marked_range=span(max(1, round(s.end * rate) - first), first),
                color=otio.schema.MarkerColor.BLUE, metadata={META: {"kind": "section", "energy": s.energy}}))
        for line in project.song.lyrics:
            if line.time is not None:
                timeline.tracks.markers.append(otio.schema.Marker(
                    name=line.text, marked_range=span(1, round(line.time * rate)),
                    color=otio.schema.MarkerColor.YELLOW, metadata={META: {"kind": "lyric"}}))
    return timeline


def video_clips(timeline) -> list:
    import opentimelineio as otio

    tracks = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return list(tracks[0].find_clips()) if tracks else []
