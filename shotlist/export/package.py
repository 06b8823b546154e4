"""`export --with-media`: a folder an editor opens on another machine without relinking.

    folder = write_media_package(project, store.folder(project.id), Path("~/Desktop/my-video").expanduser())

writes

    my-video/
        <id>.edl  <id>.fcpxml  <id>.xml (FCP7)  <id>.otio
        media/01-<shot id>.mp4 …   the chosen clip of every rendered shot (the picked take, else the latest)
        media/<song file>          the song

Every reference in the four timelines is a relative URL path (`media/01-s1a2b3c4.mp4`), resolved from
the folder the timeline sits in, so the folder can be zipped, moved or copied to another machine as a
whole. Shots with no render yet stay offline placeholders (`renders/offline/…`) for the NLE to relink.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..errors import ShotcallerError
from ..models import Project, Take
from ..store import write_atomic
from .media import clip_path, song_file

MEDIA = "media"
MARKER = ".shotcaller-package"  # names a folder this function wrote, so a re-export may replace it


def safe_name(name: str) -> str:
    """A file name that survives every file system and URL: letters, digits, '.', '-' and '_'."""
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "song"
    return f"{clean}{dot}{re.sub(r'[^A-Za-z0-9]', '', suffix).lower()}"


def offline_shots(project: Project, project_folder: Path) -> list[int]:
    """Numbers (1-based) of the shots with no rendered clip on disk."""
    return [n for n, shot in enumerate(project.shots, start=1) if clip_path(project_folder, shot) is None]


def write_media_package(project: Project, project_folder: Path, out_dir: Path) -> Path:
    """Copy the chosen clips and the song into `out_dir/media` and write the EDL, FCPXML, FCP7 XML and
    OTIO timelines beside them with relative references. Returns `out_dir`."""
    project_folder, out_dir = Path(project_folder), Path(out_dir).expanduser()
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
    if (out_dir / MEDIA).is_dir():
        shutil.rmtree(out_dir / MEDIA)  # a previous package of this project: its clips may be stale
    (out_dir / MEDIA).mkdir(parents=True)
    (out_dir / MARKER).write_text(f"{project.id} version {project.version}\n")

    shots = []
    for n, shot in enumerate(project.shots, start=1):
        clip = clip_path(project_folder, shot)
        if clip is None:
            shots.append(shot.model_copy(update={"takes": [], "picked_take": None}))
            continue
        name = f"{MEDIA}/{n:02d}-{safe_name(shot.id)}{clip.suffix.lower()}"
        shutil.copy2(clip, out_dir / name)
        take = next(t for t in shot.takes if t.path and project_folder / t.path == clip)
        shots.append(shot.model_copy(update={"takes": [Take.model_validate(take.model_dump() | {"path": name})],
                                             "picked_take": take.id}))
    song_name = f"{MEDIA}/{safe_name(song.name)}"
    shutil.copy2(song, out_dir / song_name)
    packaged = project.model_copy(update={"shots": shots,
                                          "song": project.song.model_copy(update={"path": song_name})})

    for suffix, data in _timelines(packaged, out_dir).items():
        write_atomic(out_dir / f"{project.id}{suffix}", data)
    return out_dir


def _timelines(project: Project, folder: Path) -> dict[str, bytes]:
    from .edl_format import write_edl
    from .fcp7_format import write_fcp7
    from .fcpxml_format import write_fcpxml
    from .otio_format import write as write_otio

    return {".edl": write_edl(project, folder),  # the EDL's paths are always relative to `folder`
            ".fcpxml": write_fcpxml(project, folder, relative=True),
            ".xml": write_fcp7(project, folder, relative=True),
            ".otio": write_otio(project, folder, relative=True)}
