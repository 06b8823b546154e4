"""Tempo from the onset envelope: a comb search over constant beat grids, octave and third errors
settled by how much a faster pulse adds (`estimate_tempo`), one tempo per chunk of a long recording
(`song_tempo`) and local tempi around it (`local_tempi`). Used by `shotlist.beats`."""

from __future__ import annotations

import numpy as np

MAX_BPM = 210.0  # a faster pulse than this is a subdivision, not the beat
ADDED_SHARE = 0.6  # a k× faster pulse above `PREFERRED_MAX` wins when its added beats carry this share
ADDED_SHARE_PREFERRED = 0.35  # ... and this share when it lands in the common range (≤ PREFERRED_MAX)
PREFERRED_MAX = 150.0
KICK_SHARE = 0.6  # ... and, above PREFERRED_MAX, its added beats must carry this share of the kick too
LOCAL_WINDOW = 12.0  # seconds of music per local tempo estimate


def peak_at(x: np.ndarray, times: np.ndarray, fps: float, reach: int = 2) -> np.ndarray:
    """The largest value of `x` within ±`reach` frames (±23 ms at hop 256) of each time."""
    idx = np.round(np.asarray(times) * fps).astype(int)
    padded = np.pad(x, reach, mode="constant")
    win = np.stack([padded[np.clip(idx + reach + d, 0, len(padded) - 1)] for d in range(-reach, reach + 1)])
    return win.max(axis=0)


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


def refine(env: np.ndarray, fps: float, bpm: float, span: float = 0.02) -> tuple[float, float, float]:
    """Fine comb search around `bpm` (±`span`, then ±0.05 BPM): returns (score, bpm, phase seconds)."""
    coarse = np.linspace(bpm * (1 - span), bpm * (1 + span), 41)
    s, _ = comb_scores(env, fps, coarse)
    b = coarse[int(s.argmax())]
    fine = np.linspace(b - 0.05, b + 0.05, 21)
    s, ph = comb_scores(env, fps, fine, n_phase=96)
    j = int(s.argmax())
    return float(s[j]), float(fine[j]), float(ph[j])


def added_share(x: np.ndarray, fps: float, bpm: float, phase: float, k: int) -> float:
    """On the grid (`bpm`, `phase`) split into `k` interleaved classes: the salience of `x` above its
    mean on the classes other than the strongest, as a share of the strongest's."""
    grid = np.arange(phase, len(x) / fps, 60.0 / bpm)
    v, base = peak_at(x, grid, fps), float(x.mean())
    classes = [float(v[r::k].mean()) for r in range(k)]
    r = int(np.argmax(classes))
    rest = float(np.mean([c for j, c in enumerate(classes) if j != r]))
    return (rest - base) / (classes[r] - base + 1e-9)


def step_margin(env: np.ndarray, fps: float, score: float, faster: tuple[float, float, float], k: int,
                kick: np.ndarray | None = None) -> float:
    """How far the k× faster grid `faster` (score, bpm, phase) clears the rule that moves a tempo up to
    it (`estimate_tempo`): the share its added beats carry minus the share required, and above
    `PREFERRED_MAX` the kick's share minus `KICK_SHARE`; ≥ 0 moves up, near 0 is a close call."""
    base = float(env.mean())
    k_score, k_bpm, k_phase = faster
    added = (k * (k_score - base) - (score - base)) / (k - 1)
    margin = added / max(score - base, 1e-9) - (ADDED_SHARE_PREFERRED if k_bpm <= PREFERRED_MAX else ADDED_SHARE)
    if k_bpm > PREFERRED_MAX and kick is not None:
        margin = min(margin, added_share(kick, fps, k_bpm, k_phase, k) - KICK_SHARE)
    return float(margin)


def octave_margin(env: np.ndarray, fps: float, bpm: float, kick: np.ndarray | None = None) -> float:
    """How clearly `bpm` wins over its neighbouring metrical levels (½×, ⅓×, 2×, 3×) by the rule that
    picks the level (`step_margin`): the smallest margin, so a value near 0 means another octave scored
    almost as well and the tempo may be half or double what we read."""
    score = refine(env, fps, bpm)[0]
    margins = []
    for k in (2, 3):
        if bpm * k <= MAX_BPM:  # would the rule have moved up from here? (it did not: margin < 0)
            margins.append(-step_margin(env, fps, score, refine(env, fps, bpm * k), k, kick))
        if bpm / k >= 40:  # would it have moved up from the slower level to here?
            slow = refine(env, fps, bpm / k)[0]
            margins.append(step_margin(env, fps, slow, refine(env, fps, bpm), k, kick))
    return min(margins, default=1.0)


def estimate_tempo(env: np.ndarray, fps: float, kick: np.ndarray | None = None) -> tuple[float, float]:
    """Global tempo (BPM) and a salience 0..1, from autocorrelation peaks refined by comb search.

    Trackers' classic errors are octaves (½×, 2×) and thirds (⅓×, ⅔×); a ⅔× reading moves to 1.5×
    when that grid's mean onset strength is higher although it has more beats. A slow grid scores high because
    it lands only on the strongest hits; so from the best candidate T we move to k·T (k = 2, 3, then
    again) while the beats that k·T adds between T's beats carry at least `ADDED_SHARE` of T's
    salience above the mean (`ADDED_SHARE_PREFERRED` when k·T ≤ `PREFERRED_MAX`), and k·T stays ≤
    `MAX_BPM`. Above `PREFERRED_MAX` the added beats must also carry the kick (`KICK_SHARE`): fast
    hats alone make a subdivision, not a faster beat.
    """
    import librosa
    from scipy.signal import find_peaks

    base = float(env.mean())
    centred = env - base
    ac = librosa.autocorrelate(centred, max_size=int(4 * fps))
    lags = np.arange(1, len(ac))
    bpms = 60.0 * fps / lags
    peaks, _ = find_peaks(ac[1:])
    peaks = [k for k in peaks if 40 <= bpms[k] <= 260]
    peaks = sorted(peaks, key=lambda k: -ac[1:][k])[:5] or [int(np.argmin(abs(bpms - 120)))]
    candidates = [refine(env, fps, float(bpms[k])) for k in peaks]
    score, bpm, _ = max(candidates)
    for _ in range(3):
        moved = False
        for k in (2, 3, 1.5):
            if bpm * k > MAX_BPM:
                continue
            k_score, k_bpm, k_phase = refine(env, fps, bpm * k)
            if k == 1.5:  # the ⅔ error (80 read for 120): grids do not nest; the faster one must score higher
                if k_score > score:
                    score, bpm, moved = k_score, k_bpm, True
                    break
                continue
            if step_margin(env, fps, score, (k_score, k_bpm, k_phase), k, kick) >= 0:
                score, bpm, moved = k_score, k_bpm, True
                break
        if not moved:
            break
    salience = (score - base) / (float(env.std()) * 2 + 1e-9)
    return bpm, float(np.clip(salience, 0.0, 1.0))


CHUNK = 30.0  # seconds: long recordings get a tempo per chunk, so a drifting band does not smear the comb


def song_tempo(env: np.ndarray, fps: float, kick: np.ndarray | None = None) -> float:
    """`estimate_tempo` over the whole song; past two chunks, also on each `CHUNK` seconds with sound.
    When most chunks hear a 2× or 3× faster beat than the whole (a live band drifts, and a constant comb
    over ten minutes smears into the slower level), the faster one wins; a chunk hearing a slower level
    (a quiet passage) never pulls the tempo down."""
    whole = estimate_tempo(env, fps, kick)[0]
    n = int(CHUNK * fps)
    if len(env) < 2 * n:
        return whole
    tempi = []
    for a in range(0, len(env) - n // 2, n):
        seg = env[a : a + n]
        if len(seg) >= n // 2 and seg.mean() >= 0.2 * env.mean():
            tempi.append(estimate_tempo(seg, fps, None if kick is None else kick[a : a + n])[0])
    for k in (2, 3):
        faster = [t for t in tempi if abs(t / (k * whole) - 1) <= 0.05]
        if k * whole <= MAX_BPM and len(faster) > len(tempi) / 2:
            return float(np.median(faster))
    return whole


def pulse(seg: np.ndarray, period: float, low: float = 0.7, high: float = 1.3) -> float:
    """How periodic a stretch of onset envelope is at a beat of `period` frames: the normalised
    autocorrelation's peak at lags `low`-`high` × the period. Noise ≈ 0.1; produced music 0.3-0.8;
    a metronome ≈ 0.95."""
    x = seg - seg.mean()
    ac = np.correlate(x, x, "full")[len(x) - 1 :]
    ac = ac / (ac[0] + 1e-9)
    lo, hi = int(period * low), min(len(ac) - 1, int(np.ceil(period * high)))
    return float(ac[lo : hi + 1].max()) if lo < hi else 0.0


NO_PULSE = 0.15  # a window less periodic than this (`pulse`; noise ≈ 0.1) has no beat to read a tempo from


def windows(env: np.ndarray, fps: float, bpm: float) -> list[tuple[int, np.ndarray, bool]]:
    """`LOCAL_WINDOW`-second windows, half overlapping: (start frame, envelope, whether it has a beat:
    long enough, loud enough and periodic somewhere from half to twice `bpm`'s period, so a tempo
    change still counts (a noisy tail or a break has no beat))."""
    w = int(LOCAL_WINDOW * fps)
    out = []
    for a in range(0, max(1, len(env) - w // 2), w // 2):
        seg = env[a : a + w]
        sound = len(seg) >= w // 2 and seg.std() >= 1e-3 * (env.std() + 1e-9) and seg.mean() >= 0.2 * env.mean()
        out.append((a, seg, sound and pulse(seg, 60.0 / bpm * fps, 0.5, 2.0) >= NO_PULSE))
    return out


def local_tempi(env: np.ndarray, fps: float, bpm: float) -> tuple[np.ndarray, np.ndarray]:
    """Best tempo near `bpm` (±30 %, same metrical level) in windows of `LOCAL_WINDOW` seconds, half
    overlapping: (window centres s, BPM). Windows with no beat (`windows`) get NaN."""
    centres, tempi = [], []
    bpms = np.linspace(bpm * 0.7, bpm * 1.3, 121)
    for a, seg, beat in windows(env, fps, bpm):
        centres.append((a + len(seg) / 2) / fps)
        if not beat:
            tempi.append(np.nan)
            continue
        s, _ = comb_scores(seg - seg.mean(), fps, bpms, n_phase=24)
        tempi.append(float(bpms[int(s.argmax())]))
    return np.array(centres), np.array(tempi)


FIT_RATIO = 0.9  # a window fits the song's tempo when a grid at it scores this share of the window's best


def fit_share(env: np.ndarray, fps: float, bpm: float) -> float:
    """Share of `LOCAL_WINDOW` windows with sound where a constant grid at `bpm` scores at least
    `FIT_RATIO` of the best grid within ±30 %. A sequenced or click-tracked song: ≈ 1 even where
    its local peak is a related tempo (a ¾ or ⅘ figure); a tempo change or a drifting band: much less.
    Windows with no beat (`windows`: silence, a noisy tail) do not count."""
    bpms = np.linspace(bpm * 0.7, bpm * 1.3, 121)
    fits = []
    for _, seg, beat in windows(env, fps, bpm):
        if not beat:
            continue
        x = seg - seg.mean()
        best, _ = comb_scores(x, fps, bpms, n_phase=24)
        here, _ = comb_scores(x, fps, np.array([bpm]), n_phase=48)
        fits.append(here[0] >= FIT_RATIO * best.max())
    return float(np.mean(fits)) if fits else 0.0
