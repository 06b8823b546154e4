"""Benchmark songs rendered from the MIDI files Debian ships, with exact beat truth from each file.

Sources: `openttd-openmsx` (31 songs) and `planetblupi-music-midi` (10), fetched with `apt-get download`
and unpacked with `dpkg -x`; each is cut at `MAX_SECONDS`, rendered with `fluidsynth` and the General
MIDI soundfont of `fluid-soundfont-gm`, and its beats, bar lines and tempo come from the file's tempo
map and time signatures (`benchmark_songs.chart_grid`). Variants made from them: tempo-scaled copies
(a 95 BPM ballad, a 135.00 BPM song, a fast one: `TEMPO_VARIANTS`) and copies mixed with noise, reverb
or a lo-fi EQ (`AUDIO_VARIANTS`). A second bundle, "fresh", renders the test source nobody tuned on
(freedoom's and MMA's songs: `shotlist.fresh_songs`) into its own cache folder. Every song's split (dev/test) is its source's, fixed by
`benchmarks/beat_split.json` before any score was read.

    python -m shotlist.midi_songs build          # fetch, render, cache (skips cleanly when it cannot)
    >>> songs, why = midi_songs()                 # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from .benchmark_songs import ROOT, TruthSong, chart_grid, fetch_package, songs_cache

PACKAGES = {"openttd-openmsx": Path("usr/share/games/openttd/baseset/openmsx"),
            "planetblupi-music-midi": Path("usr/share/planetblupi/music")}
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
SR = 22050
MAX_SECONDS = 120.0  # long game loops are cut: enough music to judge a grid, and `make songs` stays fast
SPLIT_FILE = ROOT / "benchmarks" / "beat_split.json"
RENDER_VERSION = 1  # bump when rendering or truth changes, so the cache is rebuilt
# (source, new quarter-note BPM, why): the whole tempo map scaled so its main tempo lands here
TEMPO_VARIANTS = (
    ("relax_song", 95.0, "ballad"),
    ("slow_neasy_redfarn", 135.0, "exactly 135 BPM, swung"),
    ("harp_harmony", 74.0, "slow ballad"),
    ("keep_on_rolling", 172.0, "fast"),
    ("music003", 135.0, "exactly 135 BPM"),
    ("wood_whistles", 135.0, "exactly 135 BPM"),
)
# (source, effect): degraded copies of a few songs
AUDIO_VARIANTS = (
    ("busy_schedule", "noise"), ("city_blues_redfarn", "noise"), ("music000", "noise"),
    ("chemistry_lab", "reverb"), ("mighty_giant_run", "reverb"), ("the_hobo_redfarn", "reverb"),
    ("linns_basket", "lofi"), ("say_what_redfarn", "lofi"), ("music005", "lofi"),
    ("ttsong_iv_imuh3", "noise"), ("music004", "reverb"), ("moo_redfarn", "lofi"),
)


def source_name(song: str) -> str:
    """The MIDI (or muldjord) song a benchmark song was made from: its name before any '+'."""
    return song.split("+", 1)[0]


def split_of(song: str) -> str:
    """'dev' or 'test', by the song's source, from the committed split file: its name, else its prefix."""
    split = json.loads(SPLIT_FILE.read_text())
    src = source_name(song)
    by_prefix = next((v for p, v in split.get("prefixes", {}).items() if src.startswith(p)), "dev")
    return split["sources"].get(src, by_prefix)


def midi_files(cache: Path | None = None) -> tuple[dict[str, Path], str]:
    """{song name: .mid path} from both packages (fetched when missing); ({}, why) when none can be had."""
    cache = cache or songs_cache()
    found, whys = {}, []
    for package, sub in PACKAGES.items():
        folder, why = fetch_package(package, sub, "*.mid", cache)
        if folder is None:
            whys.append(why)
            continue
        found |= {p.stem: p for p in sorted(folder.glob("*.mid"))}
    return found, "; ".join(whys) or "cached"


def cut_midi(src: Path, dst: Path, seconds: float, scale: float = 1.0) -> None:
    """Copy `src` to `dst` with every tempo multiplied by `scale` (2 = twice as fast) and nothing
    after `seconds`; every channel gets 'all notes off' at the cut."""
    import mido

    mid = mido.MidiFile(str(src))
    for track in mid.tracks:
        for msg in track:
            if msg.type == "set_tempo":
                msg.tempo = int(round(msg.tempo / scale))
    cut_tick = _tick_at(mid, seconds)
    out = mido.MidiFile(type=mid.type, ticks_per_beat=mid.ticks_per_beat)
    for track in mid.tracks:
        new, tick, last = mido.MidiTrack(), 0, 0
        for msg in track:
            tick += msg.time
            if tick > cut_tick:  # the rest is cut: silence every channel at the cut
                new.extend(mido.Message("control_change", channel=ch, control=123, value=0,
                                        time=cut_tick - last if ch == 0 else 0) for ch in range(16))
                break
            if msg.type != "end_of_track":
                new.append(msg.copy(time=tick - last))
                last = tick
        out.tracks.append(new)
    out.save(str(dst))


def _tick_at(mid, seconds: float) -> int:
    tempos = sorted((t, m.tempo) for t, m in _abs_messages(mid) if m.type == "set_tempo") or [(0, 500000)]
    if tempos[0][0] != 0:
        tempos.insert(0, (0, 500000))
    elapsed, prev_tick, prev_tempo = 0.0, 0, tempos[0][1]
    for tick, tempo in tempos[1:]:
        span = (tick - prev_tick) * prev_tempo / 1e6 / mid.ticks_per_beat
        if elapsed + span >= seconds:
            break
        elapsed, prev_tick, prev_tempo = elapsed + span, tick, tempo
    return prev_tick + int((seconds - elapsed) * 1e6 / prev_tempo * mid.ticks_per_beat)


def _abs_messages(mid):
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            yield tick, msg


def main_bpm(mid_path: Path) -> float:
    """The tempo that lasts longest in the file's tempo map (BPM)."""
    import mido

    mid = mido.MidiFile(str(mid_path))
    tempos = sorted((t, m.tempo) for t, m in _abs_messages(mid) if m.type == "set_tempo") or [(0, 500000)]
    end = max(t for t, _ in _abs_messages(mid))
    spans: dict[int, int] = {}
    for (t, tempo), nxt in zip(tempos, tempos[1:] + [(end, 0)]):
        spans[tempo] = spans.get(tempo, 0) + max(0, nxt[0] - t)
    return 60e6 / max(spans, key=spans.get)


def render(mid_path: Path, wav: Path) -> np.ndarray:
    """Mono float samples at `SR` of `mid_path` rendered with fluidsynth."""
    import soundfile as sf

    proc = subprocess.run(["fluidsynth", "-ni", "-q", "-F", str(wav), "-r", str(SR), str(SOUNDFONT), str(mid_path)],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not wav.is_file():
        raise RuntimeError(f"fluidsynth failed on {mid_path.name}: {proc.stderr.strip()[-200:]}")
    y, _ = sf.read(str(wav), dtype="float32", always_2d=True)
    wav.unlink()
    y = y.mean(axis=1)
    return y / (np.abs(y).max() + 1e-9) * 0.9


def degrade(y: np.ndarray, effect: str, seed: int = 0) -> np.ndarray:
    """`y` mixed with pink noise (6 dB SNR), a 1.8 s reverb tail, or through a lo-fi chain
    (300-3000 Hz band, 8 kHz, 8 bits): what a phone recording or a demo does to the onsets."""
    from scipy.signal import butter, fftconvolve, resample_poly, sosfilt

    rng = np.random.default_rng(seed)
    if effect == "noise":
        white = np.fft.rfft(rng.standard_normal(len(y)))
        pink = np.fft.irfft(white / np.sqrt(np.maximum(np.arange(len(white)), 1)), n=len(y))
        pink *= np.sqrt(np.mean(y**2) / np.mean(pink**2)) * 10 ** (-6 / 20)
        out = y + pink
    elif effect == "reverb":
        t = np.arange(int(1.8 * SR)) / SR
        ir = rng.standard_normal(len(t)) * np.exp(-t * 6.9 / 1.8)
        ir[0] = 8.0
        out = fftconvolve(y, ir)[: len(y)]
    elif effect == "lofi":
        band = sosfilt(butter(4, [300, 3000], btype="band", fs=SR, output="sos"), y)
        low = resample_poly(band, 8000, SR)
        low = np.round(low / (np.abs(low).max() + 1e-9) * 127) / 127
        out = resample_poly(low, SR, 8000)[: len(y)]
    else:
        raise ValueError(f"unknown effect {effect!r}; available: noise, reverb, lofi")
    return (out / (np.abs(out).max() + 1e-9) * 0.9).astype(np.float32)


def _truth_json(mid: Path, duration: float, kind: str, note: str) -> dict:
    beats, downbeats, _ = chart_grid(mid, duration)
    ibi = np.diff(beats)
    return {"beats": beats.round(5).tolist(), "downbeats": downbeats.round(5).tolist(),
            "tempo": round(float(60.0 / np.median(ibi)), 3), "kind": kind, "note": note}


FRESH_VERSION = 1  # the fresh test source's own cache folder, so adding it re-renders nothing else
FRESH_EFFECTS = ("noise", "reverb", "lofi")


def fresh_audio_variants(names: list[str]) -> tuple[tuple[str, str], ...]:
    """Degraded copies of the fresh source: a quarter of its songs, picked by a hash of the name (not
    by any score), each given noise, reverb or lo-fi in turn."""
    picked = sorted(n for n in names if int(hashlib.sha1(n.encode()).hexdigest(), 16) % 4 == 0)
    return tuple((n, FRESH_EFFECTS[i % 3]) for i, n in enumerate(picked))


def build(cache: Path | None = None, log=print, bundle: str = "midi") -> tuple[Path | None, str]:
    """Render every song and variant of `bundle` once: "midi" (openttd-openmsx, planetblupi) into
    `cache/midi-v{RENDER_VERSION}`, "fresh" (freedoom, MMA: `shotlist.fresh_songs`) into
    `cache/fresh-v{FRESH_VERSION}`; (None, why) if it cannot (no fluidsynth, no soundfont, no packages)."""
    from .fresh_songs import fresh_files, mma_note

    cache = cache or songs_cache()
    out = _bundle_folder(cache, bundle)
    if (out / "index.json").is_file():
        return out, "cached"
    if not shutil.which("fluidsynth") or not SOUNDFONT.is_file():
        return None, f"fluidsynth or {SOUNDFONT} missing (apt-get install fluidsynth fluid-soundfont-gm)"
    files, why = midi_files(cache) if bundle == "midi" else fresh_files(cache)
    if not files:
        return None, why
    log(f"{bundle} sources: {len(files)} MIDI files ({why})")
    tempo_variants = TEMPO_VARIANTS if bundle == "midi" else ()
    audio_variants = AUDIO_VARIANTS if bundle == "midi" else fresh_audio_variants(list(files))
    work = out.with_suffix(".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    index, rendered = {}, {}
    jobs = [(name, name, 1.0, mma_note(name)) for name in files]
    for src, bpm, why_variant in tempo_variants:
        if src in files:
            scale = bpm / main_bpm(files[src])
            jobs.append((f"{src}+{bpm:g}bpm", src, scale, f"tempo ×{scale:.3f}: {why_variant}"))
    for name, src, scale, note in jobs:
        mid = work / f"{name}.mid"
        cut_midi(files[src], mid, MAX_SECONDS, scale)
        y = render(mid, work / f"{name}.wav")
        sf_write(work / f"{name}.flac", y)
        rendered[name] = y
        index[name] = _truth_json(mid, len(y) / SR, "midi", note or f"{main_bpm(mid):g} BPM MIDI")
        log(f"rendered {name} ({len(y) / SR:.0f} s)")
    for src, effect in audio_variants:
        if src in rendered:
            name = f"{src}+{effect}"
            sf_write(work / f"{name}.flac", degrade(rendered[src], effect))
            index[name] = dict(index[src], kind="midi+" + effect, note=f"{index[src]['note']}, {effect}")
            log(f"made {name}")
    (work / "index.json").write_text(json.dumps(index))
    shutil.rmtree(out, ignore_errors=True)
    work.rename(out)
    return out, "built"


def sf_write(path: Path, y: np.ndarray) -> None:
    import soundfile as sf

    sf.write(str(path), y, SR)


def _bundle_folder(cache: Path, bundle: str) -> Path:
    if bundle not in BUNDLES:
        raise ValueError(f"unknown song bundle {bundle!r}; available: {', '.join(BUNDLES)}")
    return cache / (f"midi-v{RENDER_VERSION}" if bundle == "midi" else f"fresh-v{FRESH_VERSION}")


BUNDLES = ("midi", "fresh")


def midi_songs(cache: Path | None = None, build_missing: bool = True, bundle: str = "midi") -> tuple[list[TruthSong], str]:
    """The rendered songs of `bundle` with their truth, built first if needed (and `build_missing`);
    ([], why) when they cannot be."""
    built = _bundle_folder(cache or songs_cache(), bundle)
    if not build_missing and not (built / "index.json").is_file():
        return [], f"not built in {built}: run `make songs`"
    folder, why = build(cache, bundle=bundle)
    if folder is None:
        return [], why
    index = json.loads((folder / "index.json").read_text())
    return [TruthSong(name, folder / f"{name}.flac", np.array(t["beats"]), np.array(t["downbeats"]), t["tempo"],
                      t["kind"], t["note"]) for name, t in sorted(index.items())], why


def main(argv: list[str]) -> int:
    if argv[:1] != ["build"]:
        print("usage: python -m shotlist.midi_songs build", file=sys.stderr)
        return 2
    from .benchmark_songs import real_songs

    real, why_real = real_songs()
    print(f"muldjord songs: {len(real)} ({why_real})")
    for bundle in BUNDLES:
        folder, why = build(log=lambda m: print(m, flush=True), bundle=bundle)
        print(f"MIDI songs ({bundle}): {folder or 'skipped'} ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
