"""Songs with known beat grids, and their scores: the beat benchmark's data and metrics.

Real songs: Debian's `fretsonfire-songs-muldjord` holds four recorded songs (music and charts
(c) Muldjord, CC BY-SA 3.0). Each song's Frets on Fire chart (`notes.mid`) carries the exact tempo
map and time signature the chart was written to, so its beat and bar times are the ground truth.
The package is fetched with `apt-get download` and unpacked with `dpkg -x` into an ignored cache
folder (`make songs`); where it cannot be had, `real_songs()` is empty and says why.

Synthetic songs: `shotlist.synth_grids` renders grids that break naive trackers.

    >>> songs = real_songs()                                     # doctest: +SKIP
    >>> score(songs[0], beats=[...], downbeats=[...])             # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACKAGE = "fretsonfire-songs-muldjord"
SONGS_SUBDIR = Path("usr/share/games/fretsonfire/data/songs/muldjord")
ROOT = Path(__file__).resolve().parents[1]
PHASE_TOLERANCE = 0.07  # seconds: mir_eval's F-measure window, and our "right phase" bound


@dataclass
class TruthSong:
    name: str
    audio: Path
    beats: np.ndarray  # true beat times, seconds
    downbeats: np.ndarray  # true bar lines, seconds
    tempo: float  # BPM of the (last) tempo in the map
    kind: str  # "real" or "synthetic"
    note: str = ""


def songs_cache() -> Path:
    """`$SHOTCALLER_SONGS_CACHE`, default `~/.cache/shotcaller/songs` (`$XDG_CACHE_HOME` honoured): outside
    the checkout, so a fresh clone on the same machine reuses what `make songs` built."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(os.environ.get("SHOTCALLER_SONGS_CACHE") or base / "shotcaller" / "songs").expanduser()


def fetch_package(package: str, subdir: Path, pattern: str, cache: Path | None = None) -> tuple[Path | None, str]:
    """`cache/root/subdir` holding files matching `pattern` from the Debian `package`, fetched with
    `apt-get download` and unpacked with `dpkg -x` if needed; (None, why) if it cannot be had (no
    apt-get, no network, package unknown)."""
    cache = cache or songs_cache()
    folder = cache / "root" / subdir
    if folder.is_dir() and any(folder.glob(pattern)):
        return folder, "cached"
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        return None, "apt-get/dpkg not available on this machine"
    cache.mkdir(parents=True, exist_ok=True)
    debs = sorted(cache.glob(f"{package}_*.deb"))
    if not debs:
        proc = subprocess.run(["apt-get", "download", package], cwd=cache, capture_output=True, text=True)
        if proc.returncode != 0 and os.geteuid() == 0:  # a fresh machine has no package lists yet
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
            proc = subprocess.run(["apt-get", "download", package], cwd=cache, capture_output=True, text=True)
        debs = sorted(cache.glob(f"{package}_*.deb"))
        if not debs:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, f"apt-get download {package} failed: {tail[0][:160]} (run 'apt-get update' first?)"
    proc = subprocess.run(["dpkg", "-x", str(debs[-1]), str(cache / "root")], capture_output=True, text=True)
    if proc.returncode != 0 or not folder.is_dir():
        return None, f"dpkg -x {debs[-1].name} failed: {proc.stderr.strip()[:160]}"
    return folder, "fetched"


def fetch_muldjord(cache: Path | None = None) -> tuple[Path | None, str]:
    """The unpacked muldjord songs folder (see `fetch_package`)."""
    return fetch_package(PACKAGE, SONGS_SUBDIR, "*/notes.mid", cache)


def chart_grid(mid_path: str | Path, duration: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Beat and bar times from a MIDI chart's tempo map and time signatures, from tick 0 to the end
    of the bar holding the last note, cut at `duration`. Returns (beats, downbeats, last tempo BPM)."""
    import mido

    mid = mido.MidiFile(str(mid_path))
    tpb = mid.ticks_per_beat
    tempos: list[tuple[int, int]] = [(0, 500000)]
    meters: list[tuple[int, int, int]] = [(0, 4, 4)]
    last_note, onsets = 0, []
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempos.append((tick, msg.tempo))
            elif msg.type == "time_signature":
                meters.append((tick, msg.numerator, msg.denominator))
            elif msg.type == "note_on" and msg.velocity > 0:
                last_note = max(last_note, tick)
                onsets.append(tick)
    tempos.sort(key=lambda x: x[0])
    tempos = [t for i, t in enumerate(tempos) if i + 1 == len(tempos) or tempos[i + 1][0] != t[0]]
    meters.sort(key=lambda x: x[0])

    def seconds(tick: int) -> float:
        total, prev_tick, prev_tempo = 0.0, 0, tempos[0][1]
        for t, tempo in tempos:
            if t >= tick:
                break
            total += (t - prev_tick) * prev_tempo / 1e6 / tpb
            prev_tick, prev_tempo = t, tempo
        return total + (tick - prev_tick) * prev_tempo / 1e6 / tpb

    beats, downbeats = [], []
    offset = grid_offset(onsets, tpb)
    tick = bar_start = offset
    meter_i = 0
    while True:
        while meter_i + 1 < len(meters) and meters[meter_i + 1][0] <= tick:
            meter_i += 1
            bar_start = meters[meter_i][0] + offset
        _, num, den = meters[meter_i]
        step = tpb * 4 // den
        if (tick - bar_start) % (step * num) == 0:
            if tick > last_note:
                break
            downbeats.append(seconds(tick))
        beats.append(seconds(tick))
        tick += step
    b, d = np.array(beats), np.array(downbeats)
    return b[b < duration], d[d < duration], round(60e6 / tempos[-1][1], 3)


def grid_offset(onsets: list[int], tpb: int) -> int:
    """Ticks by which a file's notes sit after its beat grid: some sequencers start every note a few
    ticks late (planetblupi's files: 20 of 192). The most common position of note onsets within a 16th
    note, when it is within a 32nd of the grid line and holds a third of the notes; else 0."""
    q = max(1, tpb // 4)
    if not onsets:
        return 0
    counts = np.bincount(np.asarray(onsets) % q, minlength=q)
    r = int(counts.argmax())
    near = r if r <= q // 2 else r - q
    return near if 0 < near <= q // 2 and counts[r] >= len(onsets) / 3 else 0


def real_songs(cache: Path | None = None) -> tuple[list[TruthSong], str]:
    """The four recorded songs with their chart grids; ([], why) when the package cannot be had."""
    import soundfile as sf

    folder, why = fetch_muldjord(cache)
    if folder is None:
        return [], why
    out = []
    for song_dir in sorted(p for p in folder.iterdir() if (p / "notes.mid").is_file()):
        audio = song_dir / "song.ogg"
        duration = sf.info(str(audio)).duration
        beats, downbeats, tempo = chart_grid(song_dir / "notes.mid", duration)
        out.append(TruthSong(song_dir.name, audio, beats, downbeats, tempo, "real", f"{tempo:g} BPM chart"))
    return out, why


def synthetic_songs(folder: Path, names: tuple[str, ...] | None = None) -> list[TruthSong]:
    """Render each grid case to `folder/NAME.wav` (skipped when already there)."""
    import soundfile as sf

    from .synth_grids import CASES, grid_case, render_grid

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names or CASES:
        case = grid_case(name)
        path = folder / f"{name}.wav"
        if not path.is_file():
            y, sr = render_grid(case)
            sf.write(str(path), y, sr)
        out.append(TruthSong(name, path, np.array(case.beats), np.array(case.downbeats), case.bpm, "synthetic", case.note))
    return out


def phase_error(truth: np.ndarray, beats: np.ndarray) -> float:
    """Median signed distance (s) from each true beat to the nearest estimated beat, over true beats
    that have one within a quarter of the local beat period (so an off-beat grid reads ~±half a beat
    only if it is one). Positive: the estimate is late."""
    truth, beats = np.asarray(truth, float), np.asarray(beats, float)
    if len(truth) < 2 or len(beats) == 0:
        return float("nan")
    j = np.clip(np.searchsorted(beats, truth), 1, max(1, len(beats) - 1))
    cand = np.stack([beats[j - 1], beats[np.minimum(j, len(beats) - 1)]])
    nearest = cand[np.abs(cand - truth).argmin(axis=0), np.arange(len(truth))]
    return float(np.median(nearest - truth))


def score(song: TruthSong, beats: list[float] | np.ndarray, downbeats: list[float] | np.ndarray) -> dict[str, float]:
    """mir_eval beat F-measure, CMLt, AMLt; phase error; downbeat accuracy (share of true bar lines
    with an estimated bar line within 70 ms) and the downbeat F-measure."""
    import mir_eval

    est = np.sort(np.asarray(beats, float))
    ref = np.asarray(song.beats, float)
    ref_t, est_t = mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(est)
    f = mir_eval.beat.f_measure(ref_t, est_t)
    cml = mir_eval.beat.continuity(ref_t, est_t) if len(est_t) > 1 and len(ref_t) > 1 else (0.0, 0.0, 0.0, 0.0)
    est_d = np.sort(np.asarray(downbeats, float))
    ref_d = np.asarray(song.downbeats, float)
    if len(est_d):
        hit = np.abs(ref_d[:, None] - est_d[None, :]).min(axis=1) <= PHASE_TOLERANCE
        db_acc = float(hit.mean())
    else:
        db_acc = 0.0
    return {
        "f_measure": float(f),
        "cmlt": float(cml[1]),
        "amlt": float(cml[3]),
        "phase_error": phase_error(ref_t, est_t),
        "downbeat_accuracy": db_acc,
        "downbeat_f": float(mir_eval.beat.f_measure(ref_d, est_d)) if len(est_d) else 0.0,
    }


def right_phase(scores: dict[str, float]) -> bool:
    """Beats on the true beats, not the off-beats: a small median phase error and continuity at the
    true metrical level (an off-beat grid scores CMLt ≈ 0)."""
    return abs(scores["phase_error"]) <= PHASE_TOLERANCE and scores["cmlt"] >= 0.5
