"""Song analysis with librosa: tempo, beats, bars, energy, sections; cached by the file's hash.

    >>> song = analyse_song("song.ogg", lyrics="lyrics.lrc")     # doctest: +SKIP
    >>> song.tempo, len(song.beats), [s.label for s in song.sections]

Phases: 1. decode (shotlist.audio) → 2. onset envelope → 3. tempo by comb search over the envelope
(octave choice explained below) → 4. beats: librosa's dynamic-programming tracker seeded with that
tempo, replaced by the fitted constant grid when the song is steady (most produced music; a grid
cannot drift) → 5. bars: the beat phase whose beats carry the most low-band onsets → 6. sections by
agglomerative clustering of bar-synchronous chroma+MFCC, labelled by repetition and energy → 7. lyrics.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .audio import check_audio_file, load_audio
from .errors import ShotcallerError
from .lyrics import check_against_duration, read_lyrics, spread_untimed
from .models import LyricLine, Section, Song
from .paths import cache_dir

ANALYSIS_VERSION = 5  # bump when the analysis changes, so cached results are recomputed
SR = 22050
HOP = 256
STEADY_TOLERANCE = 0.035  # seconds: a tracked beat this close to the fitted grid agrees with it
STEADY_SHARE = 0.75  # share of tracked beats that must agree for the grid to replace them
SECONDS_PER_SECTION = 14.0  # how many sections to look for: one per this many seconds
MIN_SECTION = 4.0  # seconds: shorter segments merge into their neighbour
DOUBLE_TEMPO_RATIO = 0.9  # prefer 2×T over T when its comb score is at least this share (and ≤ 200 BPM)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def analyse_song(path: str | Path, lyrics: str | Path | None = None, use_cache: bool = True) -> Song:
    """Analyse an audio file (cached by content hash), then attach lyrics from LRC or plain text."""
    p = check_audio_file(path)
    lines: list[LyricLine] = []
    tags: dict[str, str] = {}
    if lyrics:
        lines, tags = read_lyrics(lyrics)  # read first: a bad LRC fails before the slow part
    sha = file_sha256(p)
    cached = cache_dir("analysis") / f"{sha}-v{ANALYSIS_VERSION}.json"
    song: Song | None = None
    if use_cache and cached.is_file():
        try:
            song = Song.model_validate_json(cached.read_bytes())
        except ValueError:
            song = None
    if song is None:
        song = _analyse(p, sha)
        from .store import write_atomic

        write_atomic(cached, song.model_dump_json().encode())
    check_against_duration(lines, song.duration, Path(lyrics).name if lyrics else "lyrics")
    lines = spread_untimed(lines, song.sections, song.duration)
    return song.model_copy(update={"path": str(p), "lyrics": lines, "title": tags.get("ti") or song.title})


def _analyse(p: Path, sha: str) -> Song:
    import librosa

    audio = load_audio(p, SR)
    y = audio.samples
    if audio.duration < 2.0:
        raise ShotcallerError(f"{p.name} lasts {audio.duration:.2f}s; a song must last at least 2 seconds")
    if float(np.sqrt(np.mean(y**2))) < 1e-5:
        raise ShotcallerError(f"{p.name} is silent: nothing to analyse")
    fps = SR / HOP
    mel = librosa.feature.melspectrogram(y=y, sr=SR, hop_length=HOP, n_mels=64)
    mel_db = librosa.power_to_db(mel, ref=np.max)
    env = librosa.onset.onset_strength(S=mel_db, sr=SR, hop_length=HOP)
    low_env = librosa.onset.onset_strength(S=mel_db[:12], sr=SR, hop_length=HOP)

    tempo, period, phase = estimate_tempo(env, fps)
    beats = track_beats(env, fps, tempo, period, phase, audio.duration)
    if len(beats) >= 8:
        intervals = np.diff(beats)
        tempo = float(60.0 / np.median(intervals))
    bars = downbeats(beats, low_env, fps)

    rms = librosa.feature.rms(y=y, hop_length=HOP)[0]
    energy_hop = 0.25
    step = max(1, int(round(energy_hop * fps)))
    padded = np.pad(rms, (0, (-len(rms)) % step), mode="edge").reshape(-1, step).mean(axis=1)
    env_curve = np.round(padded / (padded.max() or 1.0), 4).tolist()

    sections = find_sections(y, mel_db, rms, bars, audio.duration, fps)
    return Song(
        path=str(p), sha256=sha, duration=round(audio.duration, 4), sample_rate=audio.native_rate,
        tempo=round(tempo, 2), beats=[round(float(b), 4) for b in beats], bars=[round(float(b), 4) for b in bars],
        sections=sections, energy=env_curve, energy_hop=energy_hop,
    )


# ---------------------------------------------------------------------------- tempo and beats


def comb_scores(env: np.ndarray, fps: float, bpms: np.ndarray, n_phase: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """Mean onset strength on a constant beat grid, best over phases, for each tempo; and that phase (s)."""
    frames = np.arange(len(env))
    best, best_phase = np.zeros(len(bpms)), np.zeros(len(bpms))
    for i, bpm in enumerate(bpms):
        period = 60.0 / bpm * fps
        k = np.arange(int((len(env) - 1) / period))
        phases = np.arange(n_phase) / n_phase * period
        vals = np.interp(phases[:, None] + k[None, :] * period, frames, env).mean(axis=1)
        j = int(vals.argmax())
        best[i], best_phase[i] = vals[j], phases[j] / fps
    return best, best_phase


def _refine(env: np.ndarray, fps: float, bpm: float) -> tuple[float, float, float]:
    """Fine comb search around `bpm` (±2 %, then ±0.05 BPM): returns (score, bpm, phase seconds)."""
    coarse = np.linspace(bpm * 0.98, bpm * 1.02, 41)
    s, ph = comb_scores(env, fps, coarse)
    b = coarse[int(s.argmax())]
    fine = np.linspace(b - 0.05, b + 0.05, 21)
    s, ph = comb_scores(env, fps, fine, n_phase=96)
    j = int(s.argmax())
    return float(s[j]), float(fine[j]), float(ph[j])


def estimate_tempo(env: np.ndarray, fps: float) -> tuple[float, float, float]:
    """Global tempo from autocorrelation peaks refined by comb search.

    Beat trackers' classic errors are octaves (½×, 2×) and thirds (⅔×: 113 for 170). Each
    autocorrelation peak in 50-260 BPM is refined on the grid; the best-scoring one wins, and its
    double replaces it when the double scores nearly as well and stays ≤ 200 BPM (a half-time grid
    scores high because it lands on the strongest hits, but cuts want the faster pulse).
    """
    import librosa
    from scipy.signal import find_peaks

    centred = env - env.mean()
    ac = librosa.autocorrelate(centred, max_size=int(4 * fps))
    lags = np.arange(1, len(ac))
    bpms = 60.0 * fps / lags
    peaks, _ = find_peaks(ac[1:])
    peaks = [k for k in peaks if 50 <= bpms[k] <= 260]
    peaks = sorted(peaks, key=lambda k: -ac[1:][k])[:4] or [int(np.argmin(abs(bpms - 120)))]
    candidates = [_refine(env, fps, float(bpms[k])) for k in peaks]
    score, bpm, phase = max(candidates)
    if bpm * 2 <= 200:
        d_score, d_bpm, d_phase = _refine(env, fps, bpm * 2)
        if d_score >= DOUBLE_TEMPO_RATIO * score:
            score, bpm, phase = d_score, d_bpm, d_phase
    return bpm, 60.0 / bpm, phase


def track_beats(env: np.ndarray, fps: float, bpm: float, period: float, phase: float, duration: float) -> np.ndarray:
    """Beats from librosa's tracker seeded with `bpm`; the constant grid when the song is steady."""
    import librosa

    _, frames = librosa.beat.beat_track(
        onset_envelope=env, sr=SR, hop_length=HOP, bpm=bpm, tightness=400, trim=False
    )
    tracked = librosa.frames_to_time(frames, sr=SR, hop_length=HOP)
    grid = np.arange(phase, duration, period)
    if len(tracked) < 4:
        return grid
    nearest = np.abs(tracked[:, None] - grid[None, :]).min(axis=1)
    if float((nearest <= STEADY_TOLERANCE).mean()) >= STEADY_SHARE:
        return grid
    return tracked


def downbeats(beats: np.ndarray, low_env: np.ndarray, fps: float, meter: int = 4) -> np.ndarray:
    """Bar lines: every `meter`-th beat, starting at the phase with the strongest low-band onsets."""
    if len(beats) < meter:
        return beats[:1]
    idx = np.clip(np.round(beats * fps).astype(int), 0, len(low_env) - 1)
    strength = low_env[idx]
    best = max(range(meter), key=lambda o: strength[o::meter].mean())
    return beats[best::meter]


# ---------------------------------------------------------------------------- sections


def find_sections(
    y: np.ndarray, mel_db: np.ndarray, rms: np.ndarray, bars: np.ndarray, duration: float, fps: float
) -> list[Section]:
    """Agglomerative segmentation of bar-synchronous chroma+MFCC, boundaries on bar lines."""
    import librosa

    bar_frames = np.unique(np.clip(np.round(bars * fps).astype(int), 0, mel_db.shape[1] - 1))
    if len(bar_frames) < 6:
        return [Section(start=0.0, end=round(duration, 4), label="A", energy=1.0)]
    chroma = librosa.feature.chroma_stft(y=y, sr=SR, hop_length=HOP * 4)
    chroma = librosa.util.fix_length(np.repeat(chroma, 4, axis=1), size=mel_db.shape[1], axis=1)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=13)
    feats = np.vstack([librosa.util.normalize(chroma, axis=0), (mfcc - mfcc.mean(1, keepdims=True)) / (mfcc.std(1, keepdims=True) + 1e-6)])
    # columns of `sync` start at `starts[i]` (frame 0, then each bar line)
    starts = librosa.util.fix_frames(bar_frames, x_min=0, x_max=mel_db.shape[1])[:-1]
    if len(starts) > 1 and starts[1] < fps / 2:  # a sliver before the first bar line is no column
        starts = np.delete(starts, 1)
    sync = librosa.util.sync(feats, starts, aggregate=np.mean, pad=False)
    k = int(np.clip(round(duration / SECONDS_PER_SECTION), 3, 16))
    k = min(k, sync.shape[1] - 1)
    bounds_idx = librosa.segment.agglomerative(sync, k)
    bar_times = np.asarray(bars)
    changes = {float(bar_times[np.abs(bar_times - starts[i] / fps).argmin()]) for i in bounds_idx if i > 0}
    inner = sorted(t for t in changes if 0 < t < duration)
    edges = [0.0]
    for t in inner:
        if t - edges[-1] >= MIN_SECTION:
            edges.append(t)
    if duration - edges[-1] < MIN_SECTION and len(edges) > 1:
        edges.pop()
    edges.append(duration)
    spans = list(zip(edges, edges[1:]))
    rms_t = np.arange(len(rms)) / fps
    seg_energy = np.array([rms[(rms_t >= a) & (rms_t < b)].mean() if ((rms_t >= a) & (rms_t < b)).any() else 0.0 for a, b in spans])
    seg_energy = seg_energy / (seg_energy.max() or 1.0)
    frame_t = np.arange(feats.shape[1]) / fps
    vectors = np.array([feats[:, (frame_t >= a) & (frame_t < b)].mean(axis=1) for a, b in spans])
    labels = label_sections(vectors, seg_energy, [b - a for a, b in spans])
    return [Section(start=round(a, 4), end=round(b, 4), label=lab, energy=round(float(e), 3))
            for (a, b), lab, e in zip(spans, labels, seg_energy)]


def label_sections(vectors: np.ndarray, energy: np.ndarray, lengths: list[float], same: float = 0.92) -> list[str]:
    """Group sections that sound alike (cosine ≥ `same`), then name them by repetition and energy:
    the loudest repeated group is the chorus, the next repeated one the verse, a one-off in the
    middle a bridge, a quiet or one-off first/last section the intro/outro."""
    n = len(vectors)
    unit = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
    group = [-1] * n
    reps: list[int] = []
    for i in range(n):
        for g, r in enumerate(reps):
            if float(unit[i] @ unit[r]) >= same:
                group[i] = g
                break
        else:
            group[i] = len(reps)
            reps.append(i)
    counts = {g: group.count(g) for g in set(group)}
    repeated = sorted((g for g in counts if counts[g] > 1),
                      key=lambda g: -np.mean([energy[i] for i in range(n) if group[i] == g]))
    names: dict[int, str] = {}
    if repeated:
        names[repeated[0]] = "chorus"
    if len(repeated) > 1:
        names[repeated[1]] = "verse"
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    labels = []
    median = float(np.median(energy))
    for i in range(n):
        g = group[i]
        if g in names:
            labels.append(names[g])
        elif i == 0 and (counts[g] == 1 or energy[i] < 0.8 * median):
            labels.append("intro")
        elif i == n - 1 and (counts[g] == 1 or energy[i] < 0.8 * median):
            labels.append("outro")
        elif counts[g] == 1:
            labels.append("bridge")
        else:
            names[g] = next(letters)
            labels.append(names[g])
    return labels
