"""Compile librosa's numba kernels once into the kept cache (`make` runs this after installing),
so a person's first analysis does not pay ~40 s of compilation."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .paths import numba_cache


def main() -> None:
    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache()))
    Path(os.environ["NUMBA_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    from .song import analyse_song
    from .synth import write_click_song

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "warmup.wav"
        write_click_song(path, bpm=120.0)
        analyse_song(path, use_cache=False)
    print(f"song analysis ready ({time.perf_counter() - t:.1f}s, numba cache {os.environ['NUMBA_CACHE_DIR']})")


if __name__ == "__main__":
    main()
