"""How far a llama.cpp build has come, for whoever asks: `assistant.local_runtime.build` keeps it in a small
JSON file beside the build (`build-progress.json` in the runtime folder), so the studio sees a build that
`make run` started in the background as well as one it started itself.

    progress = BuildProgress(folder / PROGRESS_FILE, say=print)   # in the build
    progress.say("unpacking llama.cpp …")   # a step: said, and kept
    progress.line("[ 43%] Building CXX object …/server.cpp.o")     # CMake's output: the percent and the file
    read_build(folder).describe()           # anywhere: "building llama.cpp 0.3.36: compiling 43% (server.cpp) …"

A build whose process is gone before it finished is said to have stopped, with how to start it again.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROGRESS_FILE = "build-progress.json"
CMAKE_STEP = re.compile(r"^\[\s*(\d{1,3})%\]\s+(.*)$")  # "[ 43%] Building CXX object tools/server/CMakeFiles/…"
WRITE_EVERY_S = 0.5  # a compile line comes every few ms at the end of a build: the file is rewritten at most this often
AGAIN = "python -m assistant.local_runtime build"  # `make llama-cpp` runs it


@dataclass
class BuildState:
    """One build, as the file keeps it."""

    version: str = ""
    pid: int = 0
    started: float = 0.0
    updated: float = 0.0
    state: str = "running"  # running | done | failed
    step: str = ""  # the last thing the build said ("unpacking …", "configuring …", "compiling")
    percent: int | None = None  # CMake's, while compiling
    compiling: str = ""  # the file (or target) CMake named last
    error: str = ""  # the failure, as one line

    @property
    def alive(self) -> bool:
        """The process that builds is still there (a build in another process included)."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return self.pid > 0

    @property
    def running(self) -> bool:
        return self.state == "running" and self.alive

    def describe(self) -> str:
        """One line: what the build does and how far along it is, or how it ended."""
        name = f"llama.cpp {self.version}".strip()
        if self.state == "failed":
            return f"The {name} build failed: {self.error}"
        if self.state == "done":
            return f"Built {name} in {self.updated - self.started:.0f} s: the local director runs on it."
        at = f" at {self.percent}%" if self.percent is not None else ""
        if not self.alive:
            return (f"The {name} build stopped{at} (its process is gone, {self.step or 'early'}); start it again "
                    f"with `{AGAIN}` (`make llama-cpp`).")
        minutes = (time.time() - self.started) / 60
        doing = (f"compiling {self.percent}%" + (f" ({self.compiling})" if self.compiling else "")
                 if self.percent is not None else self.step or "starting")
        return f"Building {name}: {doing} · {minutes:.0f} min so far (several minutes, once)."

    def badge(self) -> str:
        """A few words for a header badge."""
        if self.state == "failed":
            return "llama.cpp build failed"
        if self.state == "done":
            return "llama.cpp built"
        if not self.alive:
            return "llama.cpp build stopped"
        return f"building llama.cpp {self.percent}%" if self.percent is not None else "building llama.cpp"


@dataclass
class BuildProgress:
    """The build's side: each step said and kept, CMake's percent read from its output."""

    path: Path
    say_to: Callable[[str], None] = print
    state: BuildState = field(default_factory=BuildState)
    _written: float = 0.0

    def start(self, version: str) -> None:
        now = time.time()
        self.state = BuildState(version=version, pid=os.getpid(), started=now, updated=now)
        self._write(force=True)

    def say(self, text: str) -> None:
        self.say_to(text)
        self.state.step = text.strip()
        self._write(force=True)

    def line(self, text: str) -> None:
        """A line of CMake's build output."""
        m = CMAKE_STEP.match(text.strip())
        if not m:
            return
        # parallel jobs print their steps' percents a little out of order: the build's own never goes back
        self.state.percent = max(self.state.percent or 0, min(100, int(m.group(1))))
        what = m.group(2)
        self.state.compiling = Path(what.split()[-1]).name.removesuffix(".o") if "object" in what else what
        self._write()

    def finish(self) -> None:
        self.state.state, self.state.percent = "done", 100
        self._write(force=True)

    def fail(self, error: str) -> None:
        self.state.state, self.state.error = "failed", " ".join(error.split())
        self._write(force=True)

    def _write(self, force: bool = False) -> None:
        now = time.time()
        if not force and now - self._written < WRITE_EVERY_S:
            return
        self.state.updated, self._written = now, now
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(asdict(self.state)))
        os.replace(tmp, self.path)  # whole or absent: a reader never sees half a file


def read_build(folder: Path) -> BuildState | None:
    """The last build's state in `folder` (the runtime folder), or None when none was recorded."""
    try:
        data = json.loads((folder / PROGRESS_FILE).read_text())
        return BuildState(**{k: v for k, v in data.items() if k in BuildState.__dataclass_fields__})
    except (OSError, ValueError, TypeError):
        return None
