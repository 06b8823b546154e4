"""Octave evidence on the dev songs: can onset, accent or harmony evidence pick the written tempo's
metrical level better than the tracker's rule (`shotlist.tempo.estimate_tempo`)?

    python -m benchmarks.beat_levels [--cache FILE]   # FILE: a pickle of the dev songs' levels, reused

Dev split only (`benchmarks/beat_split.json`); the test songs are never loaded. For each dev song:
the tracker's tempo T (`song_tempo`) and its related levels (⅓, ½, ⅔, 3/2, 2, 3 × T, 40-260 BPM),
each refined on the percussive onsets, and per level:
  rule      1 for the level the tracker's rule picked
  prior     (log2(BPM / 120))², the log-normal tempo prior of Ellis 2007 / librosa
  salience  mean percussive onset strength on the level's grid (z units)
  density   log2 onsets per beat (a beat holds one to four onsets more often than eight)
  half      accent of the half-beat against the beat (percussive onsets), −1..1
  backbeat  kick / snare alternation over two beats (kick on 1 and 3, snare on 2 and 4)
  bar       harmonic change periodic at four beats rather than two (chroma novelty autocorrelation)
  log tempo log2(BPM / 120): with `prior`, a preferred tempo learnt from the songs
  density²  `density` squared: with `density`, a preferred number of onsets per beat
  alternate share of every other beat's percussive salience against the stronger half (near 1 when
            the level's beats are alike, low when every other one is a subdivision: `added_share`)
  kick alt  the same on the kick
  faster    `alternate` of the level twice as fast (high when its added beats are beats too)
  harmony   log2 chord changes per beat (peaks of chroma novelty), and `harmony²`: a preferred
            harmonic rhythm (a chord every one to four beats) moves the prior with the song
  triple    percussive onsets at the beat's thirds against its half (a beat split in three: the 2:3 errors)
  third     1 for the ⅓, ⅔, 3/2 and 3× levels (a bias against or for the triple relations)
  kick density  log2 kick onsets per beat
A conditional logit over each song's levels is fit on the other sources' songs and scored on the
held-out source (leave one source out: a song and its noise/reverb/tempo copies go together);
a model earns its place only if it picks the written level on more held-out songs than `rule` alone,
and the nested score (`nested_leave_one_source_out`: the model itself chosen inside each fold) is the
one that counts, since the best of many models on one pass is partly luck.

Bar lines the same way, on the 4/4 dev songs' true beats: each kind of evidence at the beat (chord change
over one or two beats, loudness, bass-note onsets, kick; and, as a second grid, the chord change half a beat
before the beat, for chords pushed ahead of the bar line) folded onto the four places of the true bar;
weights chosen from a small grid on the other sources' songs, scored on the held-out source's, against
the tracker's weights (`shotlist.beats.DOWNBEAT_WEIGHTS`: chord change over one beat and loudness).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

RATIOS = (1 / 3, 1 / 2, 2 / 3, 1.0, 3 / 2, 2.0, 3.0)
FEATURES = ("rule", "prior", "salience", "density", "half", "backbeat", "bar", "log tempo", "density²", "alternate",
            "kick alt", "faster", "harmony", "harmony²", "triple", "third", "kick density")
MODELS = (("rule",), ("rule", "prior"), ("rule", "prior", "salience"), ("rule", "prior", "density"),
          ("rule", "prior", "half"), ("rule", "prior", "backbeat"), ("rule", "prior", "bar"),
          ("rule", "prior", "salience", "density", "half", "backbeat", "bar"),
          # fourth pass (issue 24): the rule's own evidence, a learnt preferred tempo, harmonic rhythm
          ("prior", "salience"), ("prior", "log tempo", "salience"), ("prior", "alternate", "faster"),
          ("rule", "prior", "alternate", "kick alt", "faster"), ("rule", "prior", "log tempo"),
          ("rule", "density", "density²"), ("rule", "harmony", "harmony²"),
          ("prior", "harmony", "harmony²", "salience"),
          ("harmony", "harmony²", "density", "density²", "salience"),
          ("rule", "harmony", "harmony²", "density", "density²", "salience"),
          ("harmony", "harmony²", "density", "density²", "salience", "alternate", "faster"),
          ("rule", "prior", "salience", "alternate", "kick alt", "faster", "density", "harmony", "harmony²"),
          # fifth pass (70 dev songs): sub-beat structure (triple vs duple), the ratio's kind, the kick's density
          ("rule", "triple"), ("rule", "triple", "third"), ("rule", "prior", "triple", "third"),
          ("rule", "prior", "kick density"), ("rule", "density", "density²", "triple", "third"),
          ("rule", "prior", "salience", "bar"), tuple(FEATURES))
L2 = 0.05


def _contrast(a: float, b: float) -> float:
    return (a - b) / (a + b + 1e-9)


def song_levels(song) -> tuple[list[dict], list[bool], dict[str, np.ndarray] | None]:
    """Each related level's evidence, whether it is the written tempo (±0.5 %), and on a 4/4 song the
    bar-line evidence per place of the true bar (`bar_places`)."""
    import librosa
    from scipy.signal import find_peaks

    from shotlist.audio import load_audio
    from shotlist.beats import HOP, chord_change, onset_features
    from shotlist.song import SR
    from shotlist.tempo import added_share, peak_at, refine, song_tempo

    audio = load_audio(song.audio, SR)
    feats = onset_features(audio.samples, SR)
    fps, dur = feats.fps, audio.duration
    mel = librosa.feature.melspectrogram(y=audio.samples, sr=SR, hop_length=HOP, n_mels=96, fmax=SR / 2)
    harm, perc = librosa.decompose.hpss(mel, kernel_size=(17, 17), margin=1.0)
    perc_db = librosa.power_to_db(perc + 1e-10, ref=np.max)
    freqs = librosa.mel_frequencies(98, fmax=SR / 2)[1:-1]
    snare = librosa.onset.onset_strength(S=perc_db[(freqs >= 150) & (freqs < 2500)], sr=SR, hop_length=HOP)
    bass = librosa.onset.onset_strength(S=librosa.power_to_db(harm[freqs < 250] + 1e-10, ref=np.max), sr=SR, hop_length=HOP)
    z = (feats.env - feats.env.mean()) / (feats.env.std() + 1e-9)
    onsets_per_s = len(find_peaks(z, height=0.5, distance=max(1, int(0.06 * fps)))[0]) / dur
    zk = (feats.kick - feats.kick.mean()) / (feats.kick.std() + 1e-9)
    kick_per_s = len(find_peaks(zk, height=1.0, distance=max(1, int(0.1 * fps)))[0]) / dur
    novelty = chord_change(feats, np.arange(0, dur, 0.125), 0.25)
    wide = chord_change(feats, np.arange(0, dur, 0.125), 0.5)
    changes_per_s = len(find_peaks((wide - wide.mean()) / (wide.std() + 1e-9), height=0.5, distance=3)[0]) / dur

    def autocorr(lag_s: float) -> float:
        lag = int(round(lag_s * 8))
        return float(np.corrcoef(novelty[:-lag], novelty[lag:])[0, 1]) if 0 < lag < len(novelty) // 2 else 0.0

    rule = song_tempo(feats.perc, fps, feats.kick)
    levels, written = [], []
    for k in RATIOS:
        if not 40 <= rule * k <= 260:
            continue
        _, bpm, phase = refine(feats.perc, fps, rule * k)
        period = 60.0 / bpm
        grid = np.arange(phase, dur, period)
        n = len(grid) // 2 * 2
        kick, snr = peak_at(feats.kick, grid, fps)[:n], peak_at(snare, grid, fps)[:n]
        on = peak_at(feats.perc, grid, fps)
        levels.append({
            "rule": float(k == 1.0),
            "prior": float(np.log2(bpm / 120.0) ** 2),
            "salience": float((on.mean() - feats.perc.mean()) / (feats.perc.std() + 1e-9)),
            "density": float(np.log2(onsets_per_s * period + 1e-3)),
            "half": _contrast(float(peak_at(feats.perc, grid + period / 2, fps).mean()), float(on.mean())),
            "backbeat": abs(_contrast(kick[::2].mean(), kick[1::2].mean()) - _contrast(snr[::2].mean(), snr[1::2].mean())),
            "bar": autocorr(4 * period) - autocorr(2 * period),
            "log tempo": float(np.log2(bpm / 120.0)),
            "density²": float(np.log2(onsets_per_s * period + 1e-3) ** 2),
            "alternate": added_share(feats.perc, fps, bpm, phase, 2),
            "kick alt": added_share(feats.kick, fps, bpm, phase, 2),
            "faster": added_share(feats.perc, fps, *refine(feats.perc, fps, 2 * bpm)[1:], 2),
            "harmony": float(np.log2(changes_per_s * period + 1e-3)),
            "harmony²": float(np.log2(changes_per_s * period + 1e-3) ** 2),
            # fifth pass: sub-beat structure (a beat split in three rather than two: the 2:3 errors),
            # the ratio's kind, the kick's density per beat
            "triple": _contrast(float(peak_at(feats.perc, np.concatenate([grid + period / 3, grid + 2 * period / 3]), fps).mean()),
                                float(peak_at(feats.perc, grid + period / 2, fps).mean())),
            "third": float(k in (1 / 3, 2 / 3, 3 / 2, 3.0)),
            "kick density": float(np.log2(kick_per_s * period + 1e-3)),
        })
        written.append(abs(bpm / song.tempo - 1) <= 0.005)
    return levels, written, bar_places(song, feats, bass)


BAR_GRID = [{c: 1.0, "loudness": lw, "bass": bw, "kick": kw} for c in ("chord 1", "chord 2")
            for lw in (0.0, 0.5, 1.0) for bw in (0.0, 0.25, 0.5, 1.0) for kw in (0.0, 0.25, 0.5)]
# fourth pass: a chord pushed ahead of the bar line (an anticipation on the 'and' of 4) changes half a beat early
BAR_GRID_PUSHED = [w | {"pushed": pw} for w in BAR_GRID for pw in (0.25, 0.5, 1.0)]
TRACKER_BAR_WEIGHTS = {"chord 1": 1.0, "loudness": 1.0}


def bar_places(song, feats, bass: np.ndarray) -> dict[str, np.ndarray] | None:
    """Each kind of bar-line evidence at the true beats, averaged per place in the true 4/4 bar (place
    0 the bar line) and z-scored over the four places; None unless the song is in 4/4."""
    from benchmarks.beats import meter_of
    from shotlist.beats import ONSET_LATENCY, chord_change
    from shotlist.tempo import peak_at

    if meter_of(song) != 4:
        return None
    beats = song.beats[song.beats < len(feats.env) / feats.fps - 0.5] + ONSET_LATENCY  # where onsets peak
    is_bar = np.zeros(len(beats), bool)
    downbeats = song.downbeats[song.downbeats <= beats[-1]]
    is_bar[np.unique(np.abs(beats[:, None] - ONSET_LATENCY - downbeats[None, :]).argmin(axis=0))] = True
    place = np.minimum(np.arange(len(beats)) - np.maximum.accumulate(np.where(is_bar, np.arange(len(beats)), 0)), 3)
    period = float(np.median(np.diff(beats)))
    series = {"chord 1": chord_change(feats, beats, period), "chord 2": chord_change(feats, beats, 2 * period),
              "loudness": np.interp(beats * feats.fps, np.arange(len(feats.rms)), feats.rms),
              "bass": peak_at(bass, beats, feats.fps), "kick": peak_at(feats.kick, beats, feats.fps),
              "pushed": chord_change(feats, beats - period / 2, period / 2)}
    out = {}
    for name, x in series.items():
        p = np.array([x[place == i].mean() for i in range(4)])
        out[name] = (p - p.mean()) / (p.std() + 1e-9)
    return out


def bar_right(weights: dict[str, float], places: dict[str, np.ndarray]) -> bool:
    return int(np.argmax(sum(w * places[k] for k, w in weights.items()))) == 0


def bars_leave_one_source_out(songs: list[tuple[str, dict[str, np.ndarray]]], grid: list[dict] = BAR_GRID) -> int:
    """Held-out songs whose bar line the weights chosen (from `grid`) on the other sources put on the true one."""
    from shotlist.midi_songs import source_name

    right = 0
    for src in sorted({source_name(n) for n, _ in songs}):
        train = [p for n, p in songs if source_name(n) != src]
        best = max(grid, key=lambda w: sum(bar_right(w, p) for p in train))  # ties: the first
        right += sum(bar_right(best, p) for n, p in songs if source_name(n) == src)
    return right


def fit(data: list[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> np.ndarray:
    """Conditional logit weights: each song's written level against its other levels."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * w @ w, 2 * l2 * w
        for x, y in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y / (p * y).sum()
            total -= np.log((p * y).sum() + 1e-12)
            grad -= x.T @ (q - p)
        return total, grad

    return minimize(loss, np.zeros(data[0][0].shape[1]), jac=True, method="L-BFGS-B").x


def leave_one_source_out(songs: list[dict], keys: tuple[str, ...]) -> tuple[int, list[str]]:
    """Held-out songs whose written level the model picks, and the names of those it misses."""
    from shotlist.midi_songs import source_name

    right, missed = 0, []
    for src in sorted({source_name(s["name"]) for s in songs}):
        train = [(s["x"][:, [s["keys"].index(k) for k in keys]], s["y"]) for s in songs if source_name(s["name"]) != src]
        w = fit(train)
        for s in (s for s in songs if source_name(s["name"]) == src):
            ok = bool(s["y"][int(np.argmax(s["x"][:, [s["keys"].index(k) for k in keys]] @ w))])
            right += ok
            missed += [] if ok else [s["name"]]
    return right, missed


def source_folds(names: list[str], folds: int) -> dict[str, int]:
    """Each source's fold, round robin over the sorted source names (a song and its copies together)."""
    from shotlist.midi_songs import source_name

    return {src: i % folds for i, src in enumerate(sorted({source_name(n) for n in names}))}


def _picks(train: list[dict], test: list[dict], keys: tuple[str, ...], l2: float) -> list[bool]:
    idx = lambda s: [s["keys"].index(k) for k in keys]  # noqa: E731
    w = fit([(s["x"][:, idx(s)], s["y"]) for s in train], l2)
    return [bool(s["y"][int(np.argmax(s["x"][:, idx(s)] @ w))]) for s in test]


def _cross_validated(songs: list[dict], model: tuple[tuple[str, ...], float], folds: int) -> int:
    """Songs whose written level `model` picks, `folds`-fold cross-validated by source."""
    from shotlist.midi_songs import source_name

    fold = source_folds([s["name"] for s in songs], folds)
    return sum(sum(_picks([s for s in songs if fold[source_name(s["name"])] != f],
                          [s for s in songs if fold[source_name(s["name"])] == f], *model)) for f in range(folds))


def nested_leave_one_source_out(songs: list[dict], family: list[tuple[tuple[str, ...], float]],
                                inner_folds: int = 5) -> tuple[int, dict]:
    """The honest score of choosing a model: for each held-out source, the model (keys, L2) is chosen
    from `family` by `inner_folds`-fold cross-validation by source on the other sources only (ties: the
    first in `family`), fit on them, and scored on the held-out source. Picking the best of many models
    on one leave-one-source-out pass overstates what the choice is worth; this does not.
    Returns (held-out songs right, {model: how many outer folds chose it})."""
    from shotlist.midi_songs import source_name

    right, chosen = 0, {}
    for src in sorted({source_name(s["name"]) for s in songs}):
        train = [s for s in songs if source_name(s["name"]) != src]
        scores = [_cross_validated(train, m, inner_folds) for m in family]
        best = family[int(np.argmax(scores))]
        chosen[best] = chosen.get(best, 0) + 1
        right += sum(_picks(train, [s for s in songs if source_name(s["name"]) == src], *best))
    return right, chosen


# fifth pass: the family the nested cross-validation chooses from (the rule alone first: it wins ties)
NESTED_FAMILY = [(("rule",), L2)] + [(m, l2) for l2 in (0.05, 0.5) for m in (
    ("rule", "prior"), ("rule", "prior", "salience"), ("rule", "prior", "density"), ("rule", "prior", "bar"),
    ("rule", "prior", "log tempo"), ("rule", "prior", "kick density"), ("rule", "density", "density²", "triple", "third"),
    ("rule", "harmony", "harmony²", "density", "density²", "salience"), ("harmony", "harmony²", "density", "density²", "salience"),
    ("rule", "prior", "salience", "bar"), ("rule", "prior", "triple", "third"))]


def dev_levels(cache: Path | None = None) -> tuple[list[dict], list[str], list]:
    """Every dev song's levels (`song_levels`), read from `cache` (a pickle) when given and there."""
    import pickle

    from benchmarks.beats import all_songs
    from shotlist.midi_songs import split_of

    if cache is not None and cache.is_file():
        return pickle.loads(cache.read_bytes())
    songs, unreachable, bar_songs = [], [], []
    with tempfile.TemporaryDirectory() as d:
        for song in all_songs(Path(d), bundles=("midi",)):  # the fresh bundle is all test: never loaded
            if split_of(song.name) != "dev":
                continue
            levels, written, places = song_levels(song)
            if places is not None:
                bar_songs.append((song.name, places))
            if not any(written):
                unreachable.append(song.name)
                continue
            keys = list(levels[0])
            songs.append({"name": song.name, "keys": keys, "y": np.array(written, float),
                          "x": np.array([[lv[k] for k in keys] for lv in levels])})
            rule_right = written[[lv["rule"] for lv in levels].index(1.0)]
            print(f"{song.name}: the rule's level is {'right' if rule_right else 'wrong'}", file=sys.stderr, flush=True)
    if cache is not None:
        cache.write_bytes(pickle.dumps((songs, unreachable, bar_songs)))
    return songs, unreachable, bar_songs


def main(argv: list[str]) -> int:
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv else None
    songs, unreachable, bar_songs = dev_levels(cache)
    print(f"dev songs: {len(songs)} with the written tempo among the levels; not reachable: {', '.join(unreachable) or 'none'}")
    for keys in MODELS:
        right, missed = leave_one_source_out(songs, keys)
        print(f"{' + '.join(keys):60s} {right}/{len(songs)} held-out; missed: {', '.join(missed)}")
    right, chosen = nested_leave_one_source_out(songs, NESTED_FAMILY)
    print(f"nested (the model chosen by 5-fold CV on the other sources, from {len(NESTED_FAMILY)}): {right}/{len(songs)} held-out; "
          f"chosen: {'; '.join(f'{n}x ' + ' + '.join(k) + f' (L2 {l2})' for (k, l2), n in chosen.items())}")
    n = len(bar_songs)
    print(f"bar lines on the true beats of {n} 4/4 dev songs: the tracker's weights "
          f"{sum(bar_right(TRACKER_BAR_WEIGHTS, p) for _, p in bar_songs)}/{n}; weights chosen on the other "
          f"sources {bars_leave_one_source_out(bar_songs)}/{n} held-out; with the chord change half a beat early "
          f"{bars_leave_one_source_out(bar_songs, BAR_GRID_PUSHED)}/{n} held-out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
