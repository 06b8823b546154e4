"""Compile librosa's numba kernels once into the kept cache (`make` runs this after installing),
so a person's first analysis does not pay ~50 s of compilation.

The compile runs in a child process: a numba cache left half-written by a killed process makes the
next load crash (SIGSEGV), so a crashed child clears the cache and the compile runs once more.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .paths import numba_cache


def compile_once() -> None:
    from .song import analyse_song
    from .synth import write_click_song

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "warmup.wav"
        write_click_song(path, bpm=120.0)
        analyse_song(path, use_cache=False)
    print(f"song analysis ready ({time.perf_counter() - t:.1f}s, numba cache {os.environ['NUMBA_CACHE_DIR']})")


def main() -> None:
    cache = Path(os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache())))
    if "--child" in sys.argv:
        compile_once()
        return
    for _attempt in range(2):
        cache.mkdir(parents=True, exist_ok=True)
        code = subprocess.run([sys.executable, "-m", "shotlist.warmup", "--child"]).returncode
        if code == 0:
            return
        print(f"warm-up failed (exit {code}); clearing the numba cache {cache} and compiling again", file=sys.stderr)
        shutil.rmtree(cache, ignore_errors=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
