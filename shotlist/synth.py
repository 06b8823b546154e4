"""Synthetic songs with known tempo and sections, for tests, evals and benchmarks.

Each section has its own chord, timbre and loudness over a kick/hat pattern on the beat grid, so a
correct analysis must find the tempo, beat phase and section changes exactly where they were put.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DEFAULT_SECTIONS: tuple[tuple[str, int, float, float], ...] = (
    # (label, bars, root Hz, loudness)
    ("intro", 4, 110.0, 0.35),
    ("verse", 8, 146.8, 0.6),
    ("chorus", 8, 196.0, 1.0),
    ("verse", 8, 146.8, 0.6),
    ("chorus", 8, 196.0, 1.0),
    ("outro", 4, 110.0, 0.35),
)


def click_song(
    bpm: float = 120.0,
    sections: tuple[tuple[str, int, float, float], ...] = DEFAULT_SECTIONS,
    sr: int = 22050,
    offset: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, int, list[float], list[tuple[str, float, float]]]:
    """Render a song; returns (samples, sr, beat times, [(label, start, end)])."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    total_beats = sum(bars * 4 for _, bars, _, _ in sections)
    duration = offset + total_beats * beat + beat
    n = int(duration * sr)
    y = np.zeros(n, dtype=np.float32)
    t_kick = np.arange(int(0.12 * sr)) / sr
    kick = (np.sin(2 * np.pi * 60 * t_kick * (1 - t_kick * 3)) * np.exp(-t_kick * 30)).astype(np.float32)
    click = rng.standard_normal(int(0.01 * sr)) * np.exp(-np.arange(int(0.01 * sr)) / sr * 400)
    kick[: len(click)] += (0.5 * click).astype(np.float32)  # the stick: a broadband transient on the beat
    hat = (rng.standard_normal(int(0.03 * sr)) * np.exp(-np.arange(int(0.03 * sr)) / sr * 150)).astype(np.float32)
    beats, spans = [], []
    t0, b = offset, 0
    for label, bars, root, loud in sections:
        start = t0
        for _ in range(bars * 4):
            i = int(t0 * sr)
            y[i : i + len(kick)] += kick[: n - i] * (1.0 if b % 4 == 0 else 0.6) * loud
            j = int((t0 + beat / 2) * sr)
            y[j : j + len(hat)] += hat[: max(0, n - j)] * 0.05 * loud
            beats.append(round(t0, 6))
            t0 += beat
            b += 1
        a, e = int(start * sr), int(t0 * sr)
        tt = np.arange(e - a) / sr
        chord = sum(np.sin(2 * np.pi * root * r * tt) for r in (1.0, 1.26, 1.5)) / 3
        bright = np.sin(2 * np.pi * root * 4 * tt) * (0.3 if label == "chorus" else 0.0)
        y[a:e] += ((chord + bright) * 0.25 * loud).astype(np.float32)
        spans.append((label, start, t0))
    y /= max(1e-9, float(np.abs(y).max())) / 0.9
    return y, sr, beats, spans


def write_click_song(path: str | Path, **kwargs) -> tuple[list[float], list[tuple[str, float, float]]]:
    import soundfile as sf

    y, sr, beats, spans = click_song(**kwargs)
    sf.write(str(path), y, sr)
    return beats, spans
