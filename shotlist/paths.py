"""Where Shotcaller keeps things, and the one rule for names that come from users."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import ShotcallerError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def home() -> Path:
    """`$SHOTCALLER_HOME`, default `~/.shotcaller`."""
    return Path(os.environ.get("SHOTCALLER_HOME") or Path.home() / ".shotcaller").expanduser()


def cache_dir(kind: str) -> Path:
    d = home() / "cache" / kind
    d.mkdir(parents=True, exist_ok=True)
    return d


def numba_cache() -> Path:
    """A kept folder for numba's compiled code (librosa's kernels): the first analysis on a machine
    compiles them (~30-60 s on 2 cores), every later process loads them. Shared by all projects."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "shotcaller" / "numba"


def slugify(text: str, fallback: str = "project") -> str:
    """A safe folder name: lowercase ascii letters, digits and dashes, at most 48 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].strip("-")
    return slug or fallback


def check_slug(value: str, what: str = "project id") -> str:
    if not SLUG_RE.match(value or ""):
        raise ShotcallerError(
            f"{what} {value!r} is not valid: use lowercase letters, digits and dashes (e.g. 'chaos-god')"
        )
    return value


def inside(root: Path, relative: str | Path) -> Path:
    """`root / relative`, refusing anything that would land outside `root` (.., absolute, links)."""
    root_resolved = root.resolve()
    target = (root_resolved / relative).resolve()
    if target != root_resolved and root_resolved not in target.parents:
        raise ShotcallerError(f"path {str(relative)!r} leaves the project folder; use a name inside it")
    return target
