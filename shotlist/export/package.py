"""`export --with-media`: a folder an editor opens on another machine without relinking.

    folder = write_media_package(project, store.folder(project.id), Path("~/Desktop/my-video").expanduser())

writes

    my-video/
        <id>.edl  <id>.fcpxml  <id>.xml (FCP7)  <id>.otio  <id>.mlt (Shotcut / melt)
        renders/<key>.mp4 …   the chosen clip of every rendered shot (the picked video take, else the newest;
                              a shot with only a keyframe take: its keyframe, renders/<key>.png, held as a still)
        media/song.<ext>      the song

The clips and the song keep the paths they have inside the project folder, so the package is laid out
like the project and every shot's fields (takes included) ride along in the .otio unchanged: importing
it back into the project restores exactly what was exported. Every reference in the five timelines is a
relative path (`renders/3f…e1.mp4`), resolved from the folder the timeline sits in, so the folder
can be zipped, moved or copied to another machine as a whole. Shots with no render yet stay offline
(placeholders under `renders/offline/` in the EDL and XML, missing references in the .otio).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ShotcallerError
from ..models import Project
from ..store import write_atomic
from .media import DEFAULT_START_TC, song_file, timecode_frames, timeline_media

MARKER = ".shotcaller-package"  # names a folder this function wrote, so a re-export may replace it
COPIED = ("renders", "media")


def offline_shots(project: Project, project_folder: Path) -> list[int]:
    """Numbers (1-based) of the shots with nothing rendered on disk (no video take, no keyframe)."""
    return [n for n, shot in enumerate(project.shots, start=1) if timeline_media(project_folder, shot) is None]


def write_media_package(project: Project, project_folder: Path, out_dir: Path,
                        start_tc: str = DEFAULT_START_TC) -> Path:
    """Copy the chosen clips and the song into `out_dir` and write the EDL, FCPXML, FCP7 XML, OTIO and
    MLT timelines beside them with relative references. Returns `out_dir`."""
    project_folder, out_dir = Path(project_folder), Path(out_dir).expanduser()
    timecode_frames(start_tc, project.brief.constraints.fps)  # a bad start timecode fails before any copy
    if not project.shots:
        raise ShotcallerError(f"{project.id} has no shots yet: plan the video before exporting it")
    if len(offline_shots(project, project_folder)) == len(project.shots):
        raise ShotcallerError(f"no shot of {project.id} has a rendered clip yet: run `shotcaller render "
                              f"{project.id}` first, or export without --with-media")
    song = song_file(project_folder, project)
    if not song.is_file():
        raise ShotcallerError(f"the song of {project.id} is missing at {song}: restore it before exporting with media")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise ShotcallerError(f"{out_dir} already exists and is not empty: choose a new folder for the package")
    for sub in COPIED:  # a previous package of this project: its clips may be stale
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text(f"{project.id} version {project.version}\n")

    shots = []
    for shot in project.shots:
        media = timeline_media(project_folder, shot)  # the video clip, or the keyframe with no video take
        if media is not None:
            shot = _inside(shot, media, project_folder)
            target = out_dir / (_relative(media, project_folder) or f"renders/{media.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(media, target)
        shots.append(shot)
    song_path = _relative(song, project_folder) or f"media/{song.name}"
    (out_dir / song_path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(song, out_dir / song_path)
    packaged = project.model_copy(update={"shots": shots, "song": project.song.model_copy(update={"path": song_path})})
    for suffix, data in _timelines(packaged, out_dir, start_tc).items():
        write_atomic(out_dir / f"{project.id}{suffix}", data)
    return out_dir


def _relative(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` when it lies inside it, else None."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def _inside(shot, media: Path, folder: Path):
    """The shot, the take its media comes from (its clip, or its keyframe beside it) given a path inside the
    package's renders/ when it pointed outside the project folder."""
    if _relative(media, folder) is not None:
        return shot
    takes = [t.model_copy(update={"path": f"renders/{Path(t.path).name}"})
             if t.path and media in (folder / t.path, (folder / t.path).with_suffix(".png")) else t for t in shot.takes]
    return shot.model_copy(update={"takes": takes})


def _timelines(project: Project, folder: Path, start_tc: str) -> dict[str, bytes]:
    from .edl_format import write_edl
    from .fcp7_format import write_fcp7
    from .fcpxml_format import write_fcpxml
    from .mlt_format import write_mlt
    from .otio_format import write as write_otio

    return {".edl": write_edl(project, folder, start_tc=start_tc),  # the EDL's paths are always relative
            ".fcpxml": write_fcpxml(project, folder, relative=True, start_tc=start_tc),
            ".xml": write_fcp7(project, folder, relative=True, start_tc=start_tc),
            ".otio": write_otio(project, folder, relative=True, start_tc=start_tc),
            ".mlt": write_mlt(project, folder, relative=True)}
