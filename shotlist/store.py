"""The project store: one folder per project under `$SHOTCALLER_HOME/projects/`.

```
<id>/project.json     the current document (shotcaller.project/1)
<id>/versions/        every saved version, 000001.json …, for undo/redo and diff
<id>/media/           the song (copied in) and lyrics
<id>/renders/ exports/
```
Writes are atomic (temp file, fsync, rename, fsync of the folder) and serialised by a lock file, so
a kill in the middle of a save leaves the previous version or the new one, never half of either.
Saves are optimistic: saving a document loaded at version N fails if the folder moved past N.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .errors import ProjectCorrupt, ShotcallerError, VersionConflict
from .models import Project, Song
from .paths import check_slug, home, slugify

VERSION_FILE = "{:06d}.json"
LABEL_FILE = "{:06d}.label"
LOCK_TIMEOUT = 10.0


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old bytes or the new, nothing between."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        now = time.time_ns()  # the file clock ticks in milliseconds: a fine mtime tells two quick writes apart
        os.utime(tmp, ns=(now, now))
    except OSError as e:
        tmp.unlink(missing_ok=True)
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ShotcallerError(f"no space left to write {path.name}: free some disk space and try again; "
                                  "the previous version is intact") from None
        raise
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    title: str
    version: int
    shots: int
    duration: float
    folder: Path


class ProjectStore:
    """Create, open, save and version projects. Pass `root` to keep tests apart."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else home() / "projects"
        self.root.mkdir(parents=True, exist_ok=True)
        self._written: dict[Path, tuple[int, int, int] | None] = {}  # folder → stamp of this store's last write

    # ------------------------------------------------------------------ finding projects

    def folder(self, ref: str | Path) -> Path:
        """The folder of a project given by id or by path to its folder / project.json."""
        ref_str = str(ref)
        if os.sep in ref_str or ref_str.endswith(".json") or ref_str.startswith("."):
            p = Path(ref_str).expanduser()
            p = p.parent if p.name == "project.json" else p
            if not (p / "project.json").is_file():
                raise ShotcallerError(f"{ref_str!r} is not a project folder (no project.json in it)")
            return p.resolve()
        folder = self.root / check_slug(ref_str)
        if not folder.is_dir():
            known = ", ".join(sorted(i.id for i in self.list())[:10]) or "none yet"
            raise ShotcallerError(f"no project {ref_str!r}; known projects: {known}")
        return folder

    def list(self) -> list[ProjectInfo]:
        out = []
        for d in sorted(self.root.iterdir()):
            if not (d / "project.json").is_file():
                continue
            try:
                data = json.loads((d / "project.json").read_text())
                out.append(ProjectInfo(data["id"], data["title"], data["version"], len(data["shots"]),
                                       data["song"]["duration"], d))
            except (ValueError, KeyError, TypeError):
                out.append(ProjectInfo(d.name, "(corrupt project.json)", -1, 0, 0.0, d))
        return out

    def _new_id(self, title: str) -> str:
        base = slugify(title)
        candidate, n = base, 2
        while (self.root / candidate).exists():
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    # ------------------------------------------------------------------ lifecycle

    def create(
        self,
        song_path: str | Path,
        analyse: Callable[[Path], Song],
        title: str | None = None,
        lyrics_path: str | Path | None = None,
    ) -> Project:
        """Analyse the song, copy it in, and save version 1 with an empty shot list.

        `analyse(path) -> Song` is injected (the CLI passes `song.analyse_song` with the lyrics).
        Nothing is left behind when analysis fails.
        """
        song_path = Path(song_path)
        song = analyse(song_path)
        title = (title or song.title or song_path.stem).strip() or "Untitled"
        pid = self._new_id(title)
        staging = self.root / f".{pid}.creating"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            (staging / "media").mkdir(parents=True)
            for sub in ("versions", "renders", "exports"):
                (staging / sub).mkdir()
            media_name = "song" + song_path.suffix.lower()
            shutil.copyfile(song_path, staging / "media" / media_name)
            if lyrics_path:
                shutil.copyfile(lyrics_path, staging / "media" / ("lyrics" + Path(lyrics_path).suffix.lower()))
            song = song.model_copy(update={"path": f"media/{media_name}"})
            project = Project(id=pid, title=title, song=song, version=1)
            data = project.to_json().encode()
            write_atomic(staging / "versions" / VERSION_FILE.format(1), data)
            write_atomic(staging / "project.json", data)
            os.rename(staging, self.root / pid)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return project

    def delete(self, ref: str | Path) -> None:
        folder = self.folder(ref)
        with self.lock(folder):
            trash = folder.with_name(f".{folder.name}.deleting")
            os.rename(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)

    # ------------------------------------------------------------------ reading

    def load(self, ref: str | Path) -> Project:
        folder = self.folder(ref)
        try:
            return _parse(folder / "project.json")
        except ShotcallerError as e:
            good = self._last_good_version(folder)
            hint = f"; the last good version is {good}: run `shotcaller recover {folder.name}`" if good else ""
            raise ProjectCorrupt(f"{folder.name}/project.json is corrupt ({e}){hint}", good) from None

    def stamp(self, ref: str | Path) -> tuple[int, int, int] | None:
        """What changes whenever project.json is written (every save, undo and redo replaces the file): a
        holder of the project compares it instead of reading the project again."""
        try:
            st = (self.folder(ref) / "project.json").stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size  # every write sets a fine mtime (write_atomic)

    def written(self, ref: str | Path) -> tuple[int, int, int] | None:
        """The stamp of project.json as this store last wrote it (taken under the project's lock)."""
        return self._written.get(self.folder(ref))

    def versions(self, ref: str | Path) -> list[int]:
        folder = self.folder(ref)
        return sorted(int(p.stem) for p in (folder / "versions").glob("[0-9]*.json"))

    def load_version(self, ref: str | Path, version: int) -> Project:
        folder = self.folder(ref)
        path = folder / "versions" / VERSION_FILE.format(version)
        if not path.is_file():
            raise ShotcallerError(f"{folder.name} has no version {version}; it has {self.versions(folder)}")
        return _parse(path)

    def song_path(self, project: Project) -> Path:
        return self.folder(project.id) / project.song.path

    def _last_good_version(self, folder: Path) -> int | None:
        for p in sorted((folder / "versions").glob("[0-9]*.json"), reverse=True):
            try:
                _parse(p)
                return int(p.stem)
            except ShotcallerError:
                continue
        return None

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def lock(self, folder: Path) -> Iterator[None]:
        with open(folder / ".lock", "a+") as fh:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ShotcallerError(
                            f"project {folder.name} is being written by another process; try again"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def save(self, project: Project, label: str = "") -> Project:
        """Record `project` as a new version (its `version` must be the one on disk) and return it.
        `label` names the change in the history ("swap 3 ↔ 4"); `history()` reads it back."""
        folder = self.folder(project.id)
        with self.lock(folder):
            on_disk = _read_version_number(folder / "project.json")
            if on_disk is not None and on_disk != project.version:
                raise VersionConflict(
                    f"{project.id} changed since it was opened (version {project.version}, now {on_disk}): "
                    "reload it and apply the change again", _fresh(folder / "project.json"))
            current = on_disk if on_disk is not None else max(self.versions(folder), default=0)
            # A save after undo starts a new branch: the versions that redo would have reached go.
            for p in (folder / "versions").glob("[0-9]*.*"):
                if p.suffix in (".json", ".label") and int(p.stem) > current:
                    p.unlink()
            for stale in folder.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
            saved = Project.model_validate(project.model_dump(by_alias=True) | {"version": current + 1})
            data = saved.to_json().encode()
            write_atomic(folder / "versions" / VERSION_FILE.format(saved.version), data)
            if label:
                write_atomic(folder / "versions" / LABEL_FILE.format(saved.version), label.encode())
            write_atomic(folder / "project.json", data)
            self._written[folder] = self.stamp(folder)
        return saved

    def history(self, ref: str | Path) -> list[tuple[int, str]]:
        """(version, what changed) for every version, oldest first; '' where no name was recorded."""
        folder = self.folder(ref)
        out = []
        for v in self.versions(folder):
            label = folder / "versions" / LABEL_FILE.format(v)
            out.append((v, label.read_text() if label.is_file() else ""))
        return out

    def recover(self, ref: str | Path) -> Project:
        """Point project.json back at the newest version file that reads."""
        folder = self.folder(ref)
        with self.lock(folder):
            good = self._last_good_version(folder)
            if good is None:
                raise ShotcallerError(f"{folder.name} has no readable version to recover")
            data = (folder / "versions" / VERSION_FILE.format(good)).read_bytes()
            write_atomic(folder / "project.json", data)
        return _parse(folder / "project.json")

    def undo(self, ref: str | Path) -> Project:
        return self._step(ref, -1)

    def redo(self, ref: str | Path) -> Project:
        return self._step(ref, +1)

    def _step(self, ref: str | Path, delta: int) -> Project:
        folder = self.folder(ref)
        with self.lock(folder):
            current = _parse(folder / "project.json").version
            target = current + delta
            path = folder / "versions" / VERSION_FILE.format(target)
            if target < 1 or not path.is_file():
                word = "undo" if delta < 0 else "redo"
                raise ShotcallerError(f"nothing to {word} in {folder.name} (at version {current})")
            write_atomic(folder / "project.json", path.read_bytes())
            self._written[folder] = self.stamp(folder)
            return _parse(folder / "project.json")


def _read_version_number(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text())["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fresh(path: Path) -> Project | None:
    try:
        return _parse(path)
    except ShotcallerError:
        return None


def _parse(path: Path) -> Project:
    try:
        return Project.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise ShotcallerError(f"{path} is missing") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "document"
        raise ShotcallerError(f"{where}: {first['msg']}") from None
    except ShotcallerError as e:
        raise ShotcallerError(str(e)) from None
