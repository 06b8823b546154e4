"""Beat benchmark: Shotcaller's beat grid against the true grids of real and synthetic songs.

    python -m benchmarks.beats [--no-reference] [--madmom]

Real songs: the four recorded songs of Debian's `fretsonfire-songs-muldjord`, truth from their MIDI
charts (shotlist.benchmark_songs). Synthetic songs: shotlist.synth_grids. Each song is scored with
mir_eval (beat F-measure, CMLt, AMLt), the median phase error against the true beats, and the share
of true bar lines found (downbeat accuracy). The reference, measured in the same run, is librosa's own
`beat_track` (default settings, trim off) with every 4th beat as a bar line. `--madmom` also scores
madmom's RNN+DBN downbeat tracker when it imports (see README: it is not a dependency).

Writes benchmarks/beats.json and the table between the `beats` markers in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- beats:start -->", "<!-- beats:end -->"


def ours(path: Path) -> tuple[list[float], list[float], float, float, float]:
    from shotlist.song import analyse_song

    t = time.perf_counter()
    song = analyse_song(path, use_cache=False)
    return song.beats, song.bars, song.tempo, song.confidence or 0.0, time.perf_counter() - t


def librosa_reference(path: Path) -> tuple[list[float], list[float], float]:
    import librosa

    t = time.perf_counter()
    y, sr = librosa.load(str(path), sr=22050, mono=True)
    _, beats = librosa.beat.beat_track(y=y, sr=sr, units="time", trim=False)
    return list(beats), list(beats[::4]), time.perf_counter() - t


def madmom_tracker(path: Path) -> tuple[list[float], list[float], float] | None:
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
    return list(out[:, 0]), list(out[out[:, 1] == 1, 0]), time.perf_counter() - t


def run(reference: bool = True, madmom: bool = False) -> list[dict]:
    from shotlist.benchmark_songs import real_songs, right_phase, score, synthetic_songs

    songs, why = real_songs()
    if not songs:
        print(f"real songs unavailable: {why}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        import os

        os.environ.setdefault("SHOTCALLER_HOME", d)
        for song in songs + synthetic_songs(Path(d) / "synthetic"):
            beats, bars, tempo, conf, secs = ours(song.audio)
            s = score(song, beats, bars)
            row = {"song": song.name, "kind": song.kind, "note": song.note, "true_bpm": song.tempo, "bpm": tempo,
                   "confidence": conf, "seconds": secs, **s, "right_phase": right_phase(s)}
            if reference:
                rb, rbars, rsecs = librosa_reference(song.audio)
                r = score(song, rb, rbars)
                row |= {"ref_f": r["f_measure"], "ref_phase_error": r["phase_error"], "ref_cmlt": r["cmlt"],
                        "ref_downbeat": r["downbeat_accuracy"], "ref_seconds": rsecs}
            if madmom and (m := madmom_tracker(song.audio)) is not None:
                mm = score(song, m[0], m[1])
                row |= {"madmom_f": mm["f_measure"], "madmom_cmlt": mm["cmlt"],
                        "madmom_downbeat": mm["downbeat_accuracy"], "madmom_seconds": m[2]}
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    def ms(x: float) -> str:
        return "–" if x != x else f"{x * 1000:+.0f}"

    head = ("| song | kind | true BPM | BPM | F | CMLt | AMLt | phase ms | right phase | downbeats | confidence "
            "| librosa F | librosa CMLt | librosa phase ms |\n|" + "---|" * 14)
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r['song']} | {r['kind']} | {r['true_bpm']:g} | {r['bpm']:.1f} | {r['f_measure']:.3f} | {r['cmlt']:.3f} "
            f"| {r['amlt']:.3f} | {ms(r['phase_error'])} | {'yes' if r['right_phase'] else '**no**'} "
            f"| {r['downbeat_accuracy']:.0%} | {r['confidence']:.2f} | {r.get('ref_f', float('nan')):.3f} "
            f"| {r.get('ref_cmlt', float('nan')):.3f} | {ms(r.get('ref_phase_error', float('nan')))} |"
        )
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
    ap.add_argument("--no-reference", action="store_true", help="skip librosa's beat_track reference")
    ap.add_argument("--madmom", action="store_true", help="also score madmom when it imports")
    args = ap.parse_args()
    rows = run(reference=not args.no_reference, madmom=args.madmom)
    (ROOT / "benchmarks" / "beats.json").write_text(json.dumps(rows, indent=1))
    write_readme(rows)
    print(table(rows))
    bad = [r["song"] for r in rows if r["kind"] == "real" and not (r["f_measure"] >= 0.9 and r["right_phase"])]
    print(f"real songs under target: {', '.join(bad) or 'none'}; "
          f"downbeats under 80 %: {', '.join(r['song'] for r in rows if r['kind'] == 'real' and r['downbeat_accuracy'] < 0.8) or 'none'}")


if __name__ == "__main__":
    main()
