"""The shot list as cuts on the frame grid, and as an OpenTimelineIO timeline (otio, FCP7 XML).

`cuts()` is the one place that turns shots into frames and media references, so every exporter (EDL,
FCPXML, FCP7 XML, OTIO) cuts on the same frames as `shotlist.timing.frame_spans`.

Video track: a clip per shot, named "07 subject", pointing at the rendered clip, or — when the shot is
not rendered yet — at an offline placeholder named after the shot (NLEs relink it later; OTIO itself
gets a MissingReference). Audio track: the song. Markers: sections on the stack, each timed lyric line on
the clip it falls in. Every shot's fields ride along in `clip.metadata["shotcaller"]`, so an .otio file
round-trips exactly; `shot_note()` is the same reason, why-generative and lyric as text, for the
formats that carry a note or comment per clip. The timeline starts at `start` frames (01:00:00:00 by
default, what NLE timelines start at); clips keep their own source time from 0.

References are absolute `file://` URLs by default; `relative=True` writes them as relative URL paths
from the export folder (the `--with-media` package), so the folder opens wherever it is moved.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from ..models import Project, Shot
from ..timing import frame_spans
from .media import exact_rate, is_still, song_file, timeline_media

META = "shotcaller"
NAME_CHARS = 60
# characters XML 1.0 cannot carry at all (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters that no XML 1.0 document may contain."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Cut:
    """One shot on the timeline: where it sits in frames and what media it points at."""

    number: int
    shot: Shot
    name: str
    first: int  # first frame on the timeline
    frames: int
    url: str  # the rendered clip, the keyframe (a still held for the shot), or an offline placeholder
    offline: bool

    @property
    def still(self) -> bool:
        """The shot is its keyframe, a still image held for `frames` (no video take yet)."""
        return is_still(unquote(self.url))

    @property
    def file_name(self) -> str:
        """The media file's name, what NLEs match when they relink a clip."""
        return Path(unquote(self.url)).name


@dataclass(frozen=True)
class Mark:
    """A point on the timeline an editor should see: a section start or a timed lyric line."""

    frame: int
    text: str
    kind: str  # "section" or "lyric"


def marks(project: Project) -> list[Mark]:
    """Section starts and timed lyric lines on the frame grid, in time order (sections first at a tie)."""
    rate = exact_rate(project.brief.constraints.fps)
    found = [Mark(round(s.start * rate), xml_text(s.label), "section") for s in project.song.sections]
    found += [Mark(round(line.time * rate), xml_text(line.text), "lyric")
              for line in project.song.lyrics if line.time is not None]
    return sorted(found, key=lambda m: (m.frame, m.kind != "section"))


def shot_note(cut: Cut) -> str:
    """The reason the shot is there, as lines of text: reason, why generative, lyric, and — for a shot
    with no rendered clip — what stands in for it."""
    shot = cut.shot
    lines = [f"Reason: {shot.reason}" if shot.reason else "",
             f"Why generative: {shot.why_generative}" if shot.why_generative else "",
             f"Lyric: {shot.lyric}" if shot.lyric else ""]
    if cut.offline:
        lines.append(f"Offline: not rendered yet, placeholder {cut.file_name} stands in")
    elif cut.still:
        lines.append(f"Still: the keyframe {cut.file_name}, held for the shot until a video take is rendered")
    return "\n".join(" ".join(xml_text(line).split()) for line in lines if line)


def media_url(path: Path, folder: Path, relative: bool) -> str:
    """An absolute file URL, or (relative=True) the URL path of `path` relative to `folder`."""
    if relative:
        return quote(Path(os.path.relpath(path, folder)).as_posix())
    return path.resolve().as_uri()


def clip_name(number: int, shot: Shot) -> str:
    return " ".join(xml_text(f"{number:02d} {shot.subject or shot.section}").split())[:NAME_CHARS].strip()


def cuts(project: Project, folder: Path, relative: bool = False) -> list[Cut]:
    rate = exact_rate(project.brief.constraints.fps)
    out = []
    for n, (shot, (first, frames)) in enumerate(zip(project.shots, frame_spans(project.shots, rate)), start=1):
        clip = timeline_media(folder, shot)
        path = clip if clip is not None else folder / "renders" / "offline" / f"{n:02d}-{shot.id}.mp4"
        out.append(Cut(n, shot, clip_name(n, shot), first, frames, media_url(path, folder, relative), clip is None))
    return out


def song_url(project: Project, folder: Path, relative: bool = False) -> str:
    return media_url(song_file(folder, project), folder, relative)


def total_frames(project: Project) -> int:
    spans = frame_spans(project.shots, exact_rate(project.brief.constraints.fps))
    return spans[-1][0] + spans[-1][1] if spans else 0


def build_timeline(project: Project, folder: Path, placeholders: bool = False, audio: bool = True,
                   markers: bool = True, relative: bool = False, start: int = 0):
    import opentimelineio as otio
    from opentimelineio.opentime import RationalTime, TimeRange

    rate = exact_rate(project.brief.constraints.fps)

    def span(frames: int, start: int = 0) -> TimeRange:
        return TimeRange(RationalTime(start, rate), RationalTime(frames, rate))

    timeline = otio.schema.Timeline(name=xml_text(project.title), global_start_time=RationalTime(start, rate))
    timeline.metadata[META] = {"project": project.id, "version": project.version, "fps": project.brief.constraints.fps}
    video = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    lyrics = [m for m in marks(project) if m.kind == "lyric"] if markers else []
    placed: set[int] = set()  # indexes of the lyric lines on a clip
    for cut in cuts(project, folder, relative):
        if cut.offline and not placeholders:
            ref = otio.schema.MissingReference(name=cut.name, available_range=span(cut.frames))
        else:
            ref = otio.schema.ExternalReference(target_url=cut.url, available_range=span(cut.frames))
        item = otio.schema.Clip(name=cut.name, media_reference=ref, source_range=span(cut.frames))
        item.metadata[META] = cut.shot.model_dump(mode="json")
        for n, mark in enumerate(lyrics):
            if cut.first <= mark.frame < cut.first + cut.frames:
                item.markers.append(otio.schema.Marker(name=mark.text, marked_range=span(1, mark.frame - cut.first),
                                                       color=otio.schema.MarkerColor.YELLOW,
                                                       metadata={META: {"kind": "lyric"}}))
                placed.add(n)
        video.append(item)
    timeline.tracks.append(video)
    total = total_frames(project)
    if audio:
        track = otio.schema.Track(name="Song", kind=otio.schema.TrackKind.Audio)
        ref = otio.schema.ExternalReference(target_url=song_url(project, folder, relative), available_range=span(total))
        name = xml_text(song_file(folder, project).name)
        track.append(otio.schema.Clip(name=name, media_reference=ref, source_range=span(total)))
        timeline.tracks.append(track)
    if markers:
        for s in project.song.sections:
            first = round(s.start * rate)
            timeline.tracks.markers.append(otio.schema.Marker(
                name=xml_text(s.label), marked_range=span(max(1, round(s.end * rate) - first), first),
                color=otio.schema.MarkerColor.BLUE, metadata={META: {"kind": "section", "energy": s.energy}}))
        for mark in (m for n, m in enumerate(lyrics) if n not in placed):  # lines no clip covers
            timeline.tracks.markers.append(otio.schema.Marker(name=mark.text, marked_range=span(1, mark.frame),
                                                              color=otio.schema.MarkerColor.YELLOW,
                                                              metadata={META: {"kind": "lyric"}}))
    return timeline


def video_clips(timeline) -> list:
    import opentimelineio as otio

    tracks = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return list(tracks[0].find_clips()) if tracks else []
