"""Beat benchmark: Shotcaller's beat grid against the true grids of 60+ songs, per song and per split.

    python -m benchmarks.beats [--split dev|test|all] [--only NAME ...] [--no-reference] [--no-stated] [--madmom]

Songs: the four recorded muldjord songs (truth from their charts), the songs rendered from Debian's
MIDI files with their tempo, audio and meter variants (`shotlist.midi_songs`, built by `make songs`)
and the synthetic grids (`shotlist.synth_grids`). Each song belongs to the dev or the test split by its
source (`benchmarks/beat_split.json`, fixed before any score was read): tune on dev only.

Per song, with mir_eval: beat F-measure, CMLt, AMLt; the tempo right within ±0.5 % of the truth's
quarter-note tempo (another octave counts wrong); the phase right (median phase error ≤ 70 ms and
CMLt ≥ 0.5); downbeats right (≥ 80 % of true bar lines found, judged on 4/4 songs); our confidence.
The artist's correction, scored the same way: our grid when the artist states the true tempo
(`analyse_song(bpm=...)`, what `shotcaller analyze --bpm` and "the tempo is 95" do), columns `stated_*`.
References in the same run on the same songs: librosa's `beat_track` (trim off, every 4th beat a
bar line) and madmom's RNN+DBN downbeat tracker where it imports (`--madmom`).

Writes benchmarks/beats.json and the tables between the `beats` markers in benchmarks/README.md
(only for a full run of all songs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- beats:start -->", "<!-- beats:end -->"
TEMPO_TOLERANCE = 0.005  # ±0.5 %
DOWNBEAT_TARGET = 0.8


def ours(path: Path, bpm: float | None = None) -> dict:
    """Our grid; `bpm`: the tempo the artist states."""
    from shotlist.song import analyse_song

    t = time.perf_counter()
    song = analyse_song(path, use_cache=False, bpm=bpm)
    return {"beats": song.beats, "bars": song.bars, "bpm": song.tempo, "confidence": song.confidence or 0.0,
            "seconds": time.perf_counter() - t}


def librosa_reference(path: Path) -> dict:
    import librosa

    t = time.perf_counter()
    y, sr = librosa.load(str(path), sr=22050, mono=True)
    tempo, beats = librosa.beat.beat_track(y=y, sr=sr, units="time", trim=False)
    return {"beats": list(beats), "bars": list(beats[::4]), "bpm": float(np.atleast_1d(tempo)[0]),
            "seconds": time.perf_counter() - t}


def madmom_tracker(path: Path) -> dict | None:
    try:
        from madmom.audio.signal import Signal
        from madmom.features.downbeats import DBNDownBeatTrackingProcessor, RNNDownBeatProcessor
    except Exception:
        return None
    from shotlist.audio import load_audio

    t = time.perf_counter()
    audio = load_audio(path, 44100)
    act = RNNDownBeatProcessor()(Signal(audio.samples, sample_rate=44100, num_channels=1))
    out = DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)(act)
    beats = out[:, 0]
    return {"beats": list(beats), "bars": list(out[out[:, 1] == 1, 0]),
            "bpm": float(60.0 / np.median(np.diff(beats))) if len(beats) > 1 else 0.0,
            "seconds": time.perf_counter() - t}


def judge(song, est: dict) -> dict:
    """mir_eval scores plus the three yes/no goals for one tracker's output on one song."""
    from shotlist.benchmark_songs import right_phase, score

    s = score(song, est["beats"], est["bars"])
    bpm = float(est["bpm"])
    return {**s, "bpm": bpm, "tempo_ok": abs(bpm / song.tempo - 1) <= TEMPO_TOLERANCE,
            "right_phase": right_phase(s), "beats_ok": s["f_measure"] >= 0.9 and right_phase(s),
            "downbeats_ok": s["downbeat_accuracy"] >= DOWNBEAT_TARGET}


def meter_of(song) -> int:
    """Beats per bar of the truth (median), so downbeats are judged on 4/4 songs only."""
    if len(song.downbeats) < 2:
        return 0
    idx = np.searchsorted(song.beats, song.downbeats)
    return int(np.median(np.diff(idx)))


def all_songs(workdir: Path, bundles: tuple[str, ...] = ("midi", "fresh")) -> list:
    from shotlist.benchmark_songs import real_songs, synthetic_songs
    from shotlist.midi_songs import midi_songs

    real, why = real_songs()
    if not real:
        print(f"muldjord songs unavailable: {why}", file=sys.stderr)
    midi = []
    for bundle in bundles:
        songs, why = midi_songs(bundle=bundle)
        if not songs:
            print(f"MIDI songs ({bundle}) unavailable: {why} (run `make songs`)", file=sys.stderr)
        midi += songs
    return real + midi + synthetic_songs(workdir / "synthetic")


def run(split: str = "all", only: list[str] | None = None, reference: bool = True, madmom: bool = False,
        stated: bool = True) -> list[dict]:
    from shotlist.midi_songs import split_of

    rows = []
    with tempfile.TemporaryDirectory() as d:
        os.environ.setdefault("SHOTCALLER_HOME", d)
        for song in all_songs(Path(d)):
            sp = split_of(song.name)
            if (split != "all" and sp != split) or (only and song.name not in only):
                continue
            row = {"song": song.name, "split": sp, "kind": song.kind, "note": song.note, "true_bpm": song.tempo,
                   "meter": meter_of(song)}
            o = ours(song.audio)
            row |= judge(song, o) | {"confidence": o["confidence"], "seconds": o["seconds"]}
            if stated:
                row |= {f"stated_{k}": v for k, v in judge(song, ours(song.audio, round(song.tempo, 2))).items()}
            if reference:
                r = judge(song, librosa_reference(song.audio))
                row |= {f"librosa_{k}": v for k, v in r.items()}
            if madmom and (m := madmom_tracker(song.audio)) is not None:
                row |= {f"madmom_{k}": v for k, v in judge(song, m).items()}
            rows.append(row)
            print(json.dumps(row, default=float), flush=True)
    return rows


def summary(rows: list[dict], prefix: str = "") -> dict[str, str]:
    """Per split: share of songs with the tempo exact, beats right (F ≥ 0.9, right phase), downbeats
    right on 4/4 songs; mean F."""
    out = {}
    for sp in ("dev", "test"):
        rs = [r for r in rows if r["split"] == sp and f"{prefix}f_measure" in r]
        if not rs:
            continue
        four = [r for r in rs if r["meter"] == 4]
        out[sp] = (f"tempo exact {sum(r[f'{prefix}tempo_ok'] for r in rs)}/{len(rs)}, "
                   f"beats right {sum(r[f'{prefix}beats_ok'] for r in rs)}/{len(rs)}, "
                   f"downbeats right {sum(r[f'{prefix}downbeats_ok'] for r in four)}/{len(four)} (4/4), "
                   f"mean F {np.mean([r[f'{prefix}f_measure'] for r in rs]):.3f}")
    return out


def table(rows: list[dict]) -> str:
    def ms(x: float) -> str:
        return "–" if x != x else f"{x * 1000:+.0f}"

    def yn(x: bool) -> str:
        return "yes" if x else "**no**"

    head = ("| song | split | true BPM | BPM | tempo | F | CMLt | AMLt | phase ms | beats | downbeats | conf "
            "| stated: F | stated: beats | librosa BPM | librosa F | librosa beats |\n|" + "---|" * 17)
    lines = [head]
    for r in sorted(rows, key=lambda r: (r["split"], r["song"])):
        db = f"{r['downbeat_accuracy']:.0%}" + ("" if r["meter"] == 4 else f" ({r['meter']}/4)")
        lines.append(
            f"| {r['song']} | {r['split']} | {r['true_bpm']:g} | {r['bpm']:.2f} | {yn(r['tempo_ok'])} "
            f"| {r['f_measure']:.3f} | {r['cmlt']:.3f} | {r['amlt']:.3f} | {ms(r['phase_error'])} | {yn(r['beats_ok'])} "
            f"| {db} | {r['confidence']:.2f} | {r.get('stated_f_measure', float('nan')):.3f} "
            f"| {yn(r.get('stated_beats_ok', False))} | {r.get('librosa_bpm', float('nan')):.1f} "
            f"| {r.get('librosa_f_measure', float('nan')):.3f} | {yn(r.get('librosa_beats_ok', False))} |")
    lines.append("")
    for name, prefix in (("Shotcaller", ""), ("Shotcaller, the true tempo stated", "stated_"),
                         ("librosa beat_track", "librosa_"), ("madmom", "madmom_")):
        for sp, text in summary(rows, prefix).items():
            lines.append(f"- {name}, {sp}: {text}")
    return "\n".join(lines)


def write_readme(rows: list[dict]) -> None:
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text() if readme.is_file() else "# Benchmarks\n"
    block = f"{START}\n{table(rows)}\n{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Beat grid (`python -m benchmarks.beats`)\n\n" + block + "\n"
    readme.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--only", nargs="*", help="song names to run (default: all in the split)")
    ap.add_argument("--no-reference", action="store_true", help="skip librosa's beat_track reference")
    ap.add_argument("--no-stated", action="store_true", help="skip the run with the true tempo stated")
    ap.add_argument("--madmom", action="store_true", help="also score madmom when it imports")
    args = ap.parse_args()
    rows = run(args.split, args.only, reference=not args.no_reference, madmom=args.madmom,
               stated=not args.no_stated)
    if args.split == "all" and not args.only:
        (ROOT / "benchmarks" / "beats.json").write_text(json.dumps(rows, indent=1, default=float))
        write_readme(rows)
    print(table(rows))


if __name__ == "__main__":
    main()
