"""Synthetic songs on known beat grids that break naive beat trackers (for the beat benchmark).

Each case is rendered from an explicit list of beat times, so the truth is exact: swing, a tempo
change, a rubato intro, a half-time feel, a long silence at the start, a quiet intro before the drums.

    >>> case = grid_case("swing")                      # doctest: +SKIP
    >>> y, sr = render_grid(case)                      # samples and rate; truth in case.beats
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SR = 22050


@dataclass
class GridCase:
    name: str
    beats: list[float]  # true beat times, seconds
    meter: int = 4
    swing: float = 0.5  # where the off-beat hat falls inside the beat (0.5 straight, 0.667 swung)
    halftime: bool = False  # snare on beat 3 instead of 2 and 4
    drums_from: float = 0.0  # seconds: before this only the pad plays (quiet intro)
    silence_until: float = 0.0  # seconds of digital silence before anything
    offbeat_gain: float = 0.09  # loudness of the off-beat hat (a skank chord when large)
    duration: float = 0.0
    note: str = ""
    bpm: float = 0.0
    downbeats: list[float] = field(default_factory=list)


def _grid(start: float, bpm: float, n: int) -> list[float]:
    return [start + i * 60.0 / bpm for i in range(n)]


def grid_case(name: str) -> GridCase:
    """One of `CASES`, with its true beats (and downbeats every `meter` beats from the first)."""
    if name == "swing":
        c = GridCase(name, _grid(0.5, 116.0, 96), swing=0.667, bpm=116.0, note="116 BPM, swung 8th hats")
    elif name == "tempo-change":
        a = _grid(0.5, 100.0, 48)
        b = _grid(a[-1] + 60.0 / 100.0, 132.0, 64)
        c = GridCase(name, a + b, bpm=132.0, note="100 BPM for 12 bars, then 132 BPM")
    elif name == "rubato-intro":
        rng = np.random.default_rng(7)
        t, intro = 0.4, []
        for _ in range(16):  # free time: each beat 0.5-0.8 s
            intro.append(round(t, 4))
            t += float(rng.uniform(0.5, 0.8))
        c = GridCase(name, intro + _grid(t, 110.0, 80), drums_from=t, bpm=110.0,
                     note="16 free-time beats (pad only), then 110 BPM with drums")
    elif name == "half-time":
        c = GridCase(name, _grid(0.3, 140.0, 112), halftime=True, bpm=140.0,
                     note="140 BPM, snare on beat 3 (half-time feel)")
    elif name == "offbeat-skank":
        c = GridCase(name, _grid(0.45, 140.0, 112), offbeat_gain=1.5, bpm=140.0,
                     note="140 BPM, loud off-beat stabs over kick and snare on the beat")
    elif name == "long-silence":
        c = GridCase(name, _grid(20.0, 124.0, 80), silence_until=20.0, bpm=124.0,
                     note="20 s of silence, then 124 BPM")
    elif name == "quiet-intro":
        c = GridCase(name, _grid(0.6, 96.0, 80), drums_from=0.6 + 32 * 60.0 / 96.0, bpm=96.0,
                     note="8 bars of quiet pad, then drums at 96 BPM")
    else:
        raise ValueError(f"unknown grid case {name!r}; available: {', '.join(CASES)}")
    c.duration = c.beats[-1] + 60.0 / c.bpm + 0.5
    c.downbeats = c.beats[:: c.meter]
    return c


CASES = ("swing", "tempo-change", "rubato-intro", "half-time", "offbeat-skank", "long-silence", "quiet-intro")


def _kick(sr: int) -> np.ndarray:
    t = np.arange(int(0.15 * sr)) / sr
    return (np.sin(2 * np.pi * 55 * t * (1 - t * 2.5)) * np.exp(-t * 25)).astype(np.float32)


def _noise(sr: int, seconds: float, decay: float, rng: np.random.Generator) -> np.ndarray:
    n = int(seconds * sr)
    return (rng.standard_normal(n) * np.exp(-np.arange(n) / sr * decay)).astype(np.float32)


def _add(y: np.ndarray, t: float, sound: np.ndarray, gain: float, sr: int) -> None:
    i = int(round(t * sr))
    if 0 <= i < len(y):
        k = min(len(sound), len(y) - i)
        y[i : i + k] += sound[:k] * gain


def render_grid(case: GridCase, sr: int = SR, seed: int = 0) -> tuple[np.ndarray, int]:
    """Kick on 1 (and 3), snare on the back-beat, hats on the (swung) off-beats, a pad chord per bar
    whose root changes every bar: a song whose only true grid is `case.beats`."""
    rng = np.random.default_rng(seed)
    y = np.zeros(int(case.duration * sr), dtype=np.float32)
    kick, snare, hat = _kick(sr), _noise(sr, 0.12, 35, rng), _noise(sr, 0.03, 160, rng)
    roots = (110.0, 146.8, 130.8, 164.8)
    ts = np.arange(int(0.09 * sr)) / sr
    stab = [(sum(np.sin(2 * np.pi * 2 * r * m * ts) for m in (1.0, 1.26, 1.5)) * np.exp(-ts * 30)
             + 0.5 * _noise(sr, 0.09, 60, rng)).astype(np.float32) / 3 for r in roots]
    beats = case.beats
    for i, t in enumerate(beats):
        pos = i % case.meter
        nxt = beats[i + 1] if i + 1 < len(beats) else t + (t - beats[i - 1])
        if pos == 0:  # a pad chord on each bar, held to the next bar line
            end = beats[i + case.meter] if i + case.meter < len(beats) else case.duration
            a, e = int(t * sr), min(len(y), int(end * sr))
            tt = np.arange(e - a) / sr
            root = roots[(i // case.meter) % len(roots)]
            attack = np.minimum(1.0, tt / 0.02) * np.exp(-tt * 0.8)
            pad = sum(np.sin(2 * np.pi * root * r * tt) for r in (1.0, 1.26, 1.5, 2.0)) / 4
            y[a:e] += (pad * attack * 0.22).astype(np.float32)
        if t < case.drums_from:
            continue
        if pos == 0 or (pos == 2 and not case.halftime):
            _add(y, t, kick, 0.9, sr)
        if (case.halftime and pos == 2) or (not case.halftime and pos in (1, 3)):
            _add(y, t, snare, 0.35, sr)
        _add(y, t, hat, 0.06, sr)
        # off-beat hats a little louder than on the beat (a trap for phase); a chord stab when loud
        off = t + case.swing * (nxt - t)
        _add(y, off, hat, min(case.offbeat_gain, 0.09), sr)
        if case.offbeat_gain > 0.09:
            _add(y, off, stab[(i // case.meter) % len(roots)], case.offbeat_gain, sr)
    if case.silence_until:
        y[: int(case.silence_until * sr)] = 0.0
    y /= max(1e-9, float(np.abs(y).max())) / 0.9
    return y, sr


# ---------------------------------------------------------------------------- awkward input


def click_track(bpm: float = 120.0, seconds: float = 40.0, sr: int = SR) -> tuple[np.ndarray, list[float]]:
    """A bare metronome: 1 kHz blips on every beat, accented on the one."""
    beats = list(np.arange(0.25, seconds - 0.1, 60.0 / bpm))
    y = np.zeros(int(seconds * sr), dtype=np.float32)
    t = np.arange(int(0.02 * sr)) / sr
    blip = (np.sin(2 * np.pi * 1000 * t) * np.exp(-t * 300)).astype(np.float32)
    for i, b in enumerate(beats):
        _add(y, b, blip, 1.0 if i % 4 == 0 else 0.6, sr)
    return y, [round(float(b), 6) for b in beats]


def live_recording(minutes: float = 12.0, sr: int = SR, seed: int = 3) -> tuple[np.ndarray, list[float]]:
    """A long live take: the band drifts between ~116 and ~124 BPM, crowd noise under it all."""
    rng = np.random.default_rng(seed)
    beats, t = [], 1.0
    end = minutes * 60.0 - 1.0
    while t < end:
        beats.append(round(t, 6))
        bpm = 120.0 + 4.0 * np.sin(2 * np.pi * t / 150.0)
        t += 60.0 / bpm
    case = GridCase("live", beats, duration=minutes * 60.0, bpm=120.0)
    y, _ = render_grid(case, sr=sr, seed=seed)
    crowd = np.convolve(rng.standard_normal(len(y)).astype(np.float32), np.ones(32, np.float32) / 32, mode="same")
    y = y + 0.25 * crowd / (np.abs(crowd).max() + 1e-9)
    return (y / np.abs(y).max() * 0.9).astype(np.float32), beats


def noise(seconds: float = 30.0, sr: int = SR, seed: int = 5) -> np.ndarray:
    """Steady pink-ish noise: sound with no beat at all."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(int(seconds * sr)).astype(np.float32)
    return (np.convolve(white, np.ones(8, np.float32) / 8, mode="same") * 0.3).astype(np.float32)
