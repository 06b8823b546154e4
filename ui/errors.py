"""Every studio failure reaches the artist as one line; the traceback goes to `<project>/studio.log`
(or `<store>/studio.log` when no project is open), where a bug report can pick it up."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from shotlist.errors import ShotcallerError

LOG_NAME = "studio.log"
_handlers: dict[Path, logging.Handler] = {}
_lock = threading.Lock()


def logger_for(folder: Path) -> logging.Logger:
    """A logger writing to `folder/studio.log` (one file handler per folder, opened once)."""
    path = (folder / LOG_NAME).resolve()
    log = logging.getLogger(f"shotcaller.studio.{abs(hash(path))}")
    with _lock:
        if path not in _handlers:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False
            _handlers[path] = handler
    return log


def one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def explain(e: BaseException, action: str, folder: Path) -> str:
    """The status line for a failed `action`: the error's own words for a ShotcallerError; for
    anything else the exception's name and first line, with the traceback logged in `folder`."""
    log = logger_for(folder)
    if isinstance(e, ShotcallerError):
        log.info("%s: %s", action, one_line(e))
        return f"⚠ {action}: {one_line(e)}"
    log.error("%s failed", action, exc_info=e)
    return (f"⚠ {action} failed ({type(e).__name__}: {one_line(e)[:200]}). "
            f"Details are in {folder / LOG_NAME}")
