"""The beat benchmark's fresh test source: MIDI songs nobody tuned on, with exact truth.

Two Debian packages, fetched with `apt-get download` and unpacked with `dpkg -x` like the others:
- `freedoom`: the music lumps (`D_*`) of its two WADs are Standard MIDI Files (rock and metal with
  drums, 70-186 BPM). Kept only where the file's grid is trustworthy (`on_grid`): at least
  `ON_GRID_SHARE` of its note onsets on a 16th-note line (after `grid_offset`), so files converted from
  trackers or played in free time (tempo maps that ramp, onsets off every grid) are left out: their
  tempo map is not the beat a listener hears.
- `mma` (Musical MIDI Accompaniment): renders a style's groove at any tempo we write, so the truth is
  exact by construction. `MMA_SONGS` lists the songs (groove, tempo, why): ballads under 100 BPM,
  swing and shuffles, bossa, funk, waltzes in 3/4, songs over 160, one with a tempo change; each starts
  with its style's intro and switches to the sustained variant half way. 6/8 grooves are left out:
  MMA writes them as quarter-note beats under a 6/8 signature, so the file's grid is not the counted one.

Both are the test split (`benchmarks/beat_split.json`, by prefix): they were chosen and fixed before
any of them was scored. Rendering and the noise/reverb/lo-fi copies are `shotlist.midi_songs`'s.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

from .benchmark_songs import fetch_package, grid_offset, songs_cache

FREEDOOM_WADS = Path("usr/share/games/doom")
MMA_ROOT = Path("usr/share/mma")
ON_GRID_SHARE = 0.8
# (name, MMA groove, BPM, why); a second (groove, BPM) after '>' changes groove and tempo half way
MMA_SONGS = (
    ("ballad72", "Ballad", 72, "ballad"),
    ("popballad84", "PopBallad", 84, "pop ballad"),
    ("slowblues62", "SlowBlues", 62, "slow blues, triplet feel"),
    ("rockballad92", "RockBallad", 92, "rock ballad"),
    ("folkballad96", "FolkBallad", 96, "folk ballad"),
    ("bvfunk98", "BVFunk", 98, "funk, syncopated"),
    ("softrock104", "SoftRock", 104, "soft rock"),
    ("strut110", "Strut", 110, "strut"),
    ("beguine116", "Beguine", 116, "beguine, latin"),
    ("8beat120", "8Beat", 120, "straight 8ths"),
    ("swing126", "Swing", 126, "swing"),
    ("bossanova132", "BossaNova", 132, "bossa nova, off-beat accents"),
    ("trance138", "Trance", 138, "four on the floor"),
    ("shuffleboggie140", "ShuffleBoggie", 140, "shuffle"),
    ("ska150", "Ska", 150, "ska, accents off the beat"),
    ("bigband164", "BigBand", 164, "big band swing"),
    ("jive168", "Jive", 168, "jive"),
    ("50srock172", "50sRock", 172, "fast rock and roll"),
    ("fastswing208", "FastSwing", 208, "fast swing"),
    ("waltz150", "Waltz", 150, "waltz, 3/4"),
    ("jazzwaltz132", "JazzWaltz", 132, "jazz waltz, 3/4"),
    ("folkrock112to140", "FolkRock", 112, "a tempo change, 112 then 140 BPM"),
)
TEMPO_CHANGES = {"folkrock112to140": 140}
PROGRESSIONS = (("C", "Am", "F", "G"), ("Dm7", "G7", "Cmaj7", "A7"), ("C", "F", "C", "G7"),
                ("Am", "Dm", "E7", "Am"), ("F", "G", "Em", "Am"), ("C", "C7", "F", "Fm"))


def wad_midis(wad: Path) -> dict[str, bytes]:
    """{lump name: bytes} of a Doom WAD's music lumps that are Standard MIDI Files."""
    data = wad.read_bytes()
    _, count, offset = struct.unpack("<4sii", data[:12])
    out = {}
    for i in range(count):
        pos, size, raw = struct.unpack("<ii8s", data[offset + 16 * i : offset + 16 * i + 16])
        name = raw.rstrip(b"\0").decode("ascii", "replace")
        if name.startswith("D_") and data[pos : pos + 4] == b"MThd":
            out[name[2:].lower()] = data[pos : pos + size]
    return out


def on_grid(mid_path: Path) -> float:
    """Share of the file's note onsets on a 16th-note line of its own grid (after `grid_offset`)."""
    import mido

    mid = mido.MidiFile(str(mid_path))
    onsets = []
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                onsets.append(tick)
    if not onsets:
        return 0.0
    q = max(1, mid.ticks_per_beat // 4)
    shift = grid_offset(onsets, mid.ticks_per_beat)
    return float(np.mean((np.asarray(onsets) - shift) % q == 0))


def freedoom_files(cache: Path) -> tuple[dict[str, Path], str]:
    """{"freedoom_<lump>": .mid} for every distinct music lump on a trustworthy grid."""
    folder, why = fetch_package("freedoom", FREEDOOM_WADS, "*.wad", cache)
    if folder is None:
        return {}, why
    out_dir = cache / "freedoom-midi"
    out_dir.mkdir(parents=True, exist_ok=True)
    seen, out = set(), {}
    for wad in sorted(folder.glob("freedoom*.wad")):
        for lump, data in wad_midis(wad).items():
            digest = hashlib.sha1(data).hexdigest()
            if digest in seen:  # the same tune under two lump names
                continue
            seen.add(digest)
            path = out_dir / f"{lump}.mid"
            path.write_bytes(data)
            if on_grid(path) >= ON_GRID_SHARE:
                out[f"freedoom_{lump}"] = path
    return out, why


def mma_text(name: str, groove: str, bpm: float, grooves: set[str], beats_per_bar: int) -> str:
    """An MMA song: the style's intro (4 bars) where it has one, the groove, its sustained variant half
    way, chords from a progression picked by the name, MMA's random humanising seeded by the name; long
    enough to fill the benchmark's cut."""
    from .midi_songs import MAX_SECONDS

    digest = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    prog = PROGRESSIONS[digest % len(PROGRESSIONS)]
    bars = int(np.ceil(MAX_SECONDS / (beats_per_bar * 60.0 / bpm))) + 4
    # the grooves humanise timing and velocity at random: seeded, every build writes the same file
    lines = [f"RndSeed {digest % 10000}", f"Tempo {bpm:g}"]

    def part(g: str, n: int) -> None:
        lines.append(f"Groove {g}")
        lines.extend(prog[i % len(prog)] for i in range(n))

    if f"{groove}Intro".lower() in grooves:
        part(f"{groove}Intro", 4)
    half = bars // 2
    part(groove, half)
    if name in TEMPO_CHANGES:
        lines.append(f"Tempo {TEMPO_CHANGES[name]:g}")
    part(f"{groove}Sus" if f"{groove}Sus".lower() in grooves else groove, bars - half)
    return "\n".join(lines) + "\n"


def _style_info(lib: Path, groove: str) -> tuple[set[str], int]:
    """Groove names defined in the style file that defines `groove`, and its beats per bar."""
    for f in sorted(lib.glob("*.mma")):
        text = f.read_text(errors="replace")
        names = {ln.split()[1].lower() for ln in text.splitlines() if ln.lower().startswith("defgroove ") and len(ln.split()) > 1}
        if groove.lower() in names:
            time = next((int(ln.split()[1]) for ln in text.splitlines() if ln.strip().lower().startswith("time ")), 4)
            return names, time
    raise ValueError(f"MMA groove {groove!r} not found in {lib}")


def mma_files(cache: Path) -> tuple[dict[str, Path], str]:
    """{"mma_<name>": .mid} for `MMA_SONGS`, written by MMA from the unpacked package."""
    folder, why = fetch_package("mma", MMA_ROOT / "lib" / "stdlib", "*.mma", cache)
    if folder is None:
        return {}, why
    home = cache / "root" / MMA_ROOT
    script = cache / "root" / "usr" / "bin" / "mma"
    env = dict(os.environ, MMA_HOME=str(home))
    (home / "plugins").mkdir(exist_ok=True)
    if not (folder / ".mmaDB").is_file():  # MMA's groove index, built once
        subprocess.run([sys.executable, str(script), "-G"], env=env, capture_output=True, text=True)
    out_dir = cache / "mma-midi"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, groove, bpm, _ in MMA_SONGS:
        grooves, beats_per_bar = _style_info(folder, groove)
        src, mid = out_dir / f"{name}.mma", out_dir / f"{name}.mid"
        src.write_text(mma_text(name, groove, bpm, grooves, beats_per_bar))
        proc = subprocess.run([sys.executable, str(script), str(src), "-f", str(mid)], env=env,
                              capture_output=True, text=True)
        if proc.returncode != 0 or not mid.is_file():
            return {}, f"mma failed on {name}: {(proc.stdout + proc.stderr).strip()[-200:]}"
        out[f"mma_{name}"] = mid
    return out, why


def mma_note(name: str) -> str:
    """Why an MMA song is in the benchmark."""
    return next((f"MMA {g} at {b} BPM: {why}" for n, g, b, why in MMA_SONGS if f"mma_{n}" == name), "")


def fresh_files(cache: Path | None = None) -> tuple[dict[str, Path], str]:
    """Both sources' MIDI files; whichever cannot be had is left out and said why."""
    cache = cache or songs_cache()
    found, whys = {}, []
    for fetch in (freedoom_files, mma_files):
        try:
            files, why = fetch(cache)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            files, why = {}, f"{fetch.__name__}: {exc}"
        found |= files
        whys.append(why)
    return found, "; ".join(whys)


if __name__ == "__main__":  # list what would be built
    files, why = fresh_files()
    print(why)
    for n in sorted(files):
        print(n)
