"""Beat grid from evidence: tempo, beats, the beat phase, bar lines and how sure we are.

    >>> feats = onset_features(y, sr=22050)            # doctest: +SKIP
    >>> grid = track(feats, duration)                  # doctest: +SKIP
    >>> grid.tempo, grid.beats[:4], grid.bars[:2], grid.confidence

Phases: 1. features: broadband onset strength; percussive onsets from harmonic/percussive separation
(HPSS) of the mel spectrogram; the percussive low band (kick); harmonic change (chroma novelty).
2. tempo by comb search over the onset envelope, octave and third errors settled by how much the
faster pulse adds (`shotlist.tempo`). 3. beats: a constant grid when the song is steady, else
librosa's dynamic-programming tracker with a local tempo curve. 4. phase by evidence: the grid
against its off-beat on percussive onsets, kick energy and harmonic change, not on the comb fit alone
(`choose_phase`); on a steady grid, the bar's accent pattern (`downbeat_phase`) and, in a swung feel,
the long-short pairs (`swing_phase`). 5. bar lines: the beat-in-bar position with the most harmonic change and
loudness (`find_bars`). 6. confidence: how periodic the onsets are and how well the grid explains them (`grid_confidence`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tempo import LOCAL_WINDOW, fit_share, local_tempi, octave_margin, peak_at, pulse, refine, song_tempo

HOP = 256
STEADY_TOLERANCE = 0.035  # seconds: a tracked beat this close to the fitted grid agrees with it
STEADY_SHARE = 0.75  # share of tracked beats that must agree for the grid to replace them
CONSTANT = 0.9  # ... unless this share of windows fits the song's tempo (`fit_share`): a click, a sequencer
TEMPO_CHANGE = 0.04  # relative change of local tempo that counts as a tempo change
# The onset envelope (mel frames of 2048 samples, hop 256, centred) peaks this long after the note it
# comes from: median +16 ms on synthetic clicks, +36 ms on rendered instruments and charted recordings
# (dev songs of the beat benchmark); subtracted at the end.
ONSET_LATENCY = 0.03


@dataclass
class Features:
    fps: float
    env: np.ndarray  # broadband onset strength
    perc: np.ndarray  # onset strength of the percussive part
    kick: np.ndarray  # percussive low-band (≈ < 150 Hz) onset strength
    chroma: np.ndarray  # 12 × frames at `chroma_fps`, for chord changes
    chroma_fps: float
    rms: np.ndarray  # loudness per frame
    mel_db: np.ndarray  # mel spectrogram, dB (for sections)


@dataclass
class Grid:
    tempo: float
    beats: np.ndarray
    bars: np.ndarray
    confidence: float  # 0..1: how sure we are of this grid
    steady: bool
    phase_margin: float  # evidence for the chosen phase over its off-beat, -1..1
    notes: list[str]


def onset_features(y: np.ndarray, sr: int) -> Features:
    import librosa

    fps = sr / HOP
    mel = librosa.feature.melspectrogram(y=y, sr=sr, hop_length=HOP, n_mels=96, fmax=min(11025, sr / 2))
    harm, perc = librosa.decompose.hpss(mel, kernel_size=(17, 17), margin=1.0)
    mel_db = librosa.power_to_db(mel, ref=np.max)
    env = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=HOP)
    perc_db = librosa.power_to_db(perc + 1e-10, ref=np.max)
    perc_env = librosa.onset.onset_strength(S=perc_db, sr=sr, hop_length=HOP)
    low_bins = max(2, int(np.searchsorted(librosa.mel_frequencies(98, fmax=min(11025, sr / 2))[1:-1], 150.0)))
    kick = librosa.onset.onset_strength(S=perc_db[:low_bins], sr=sr, hop_length=HOP)
    del harm
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, hop_length=HOP * 4, n_fft=4096)
    rms = librosa.feature.rms(y=y, hop_length=HOP)[0]
    n = min(len(env), len(perc_env), len(kick), len(rms), mel_db.shape[1])
    return Features(fps, env[:n], perc_env[:n], kick[:n], chroma, fps / 4, rms[:n], mel_db[:, :n])


# ---------------------------------------------------------------------------- evidence at times


def chord_change(feats: Features, times: np.ndarray, width: float) -> np.ndarray:
    """1 − cosine between the mean chroma in the `width` seconds before and after each time."""
    c = feats.chroma
    cum = np.concatenate([np.zeros((12, 1)), np.cumsum(c, axis=1)], axis=1)
    n = c.shape[1]
    t = np.clip(np.round(np.asarray(times) * feats.chroma_fps).astype(int), 0, n)
    w = max(1, int(round(width * feats.chroma_fps)))
    a, b = np.clip(t - w, 0, n), np.clip(t + w, 0, n)
    before, after = (cum[:, t] - cum[:, a]).T, (cum[:, b] - cum[:, t]).T
    num = (before * after).sum(axis=1)
    den = np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1) + 1e-9
    return 1.0 - num / den


PHASE_WEIGHTS = {"percussive onsets": 1.0, "kick": 1.0, "chord changes": 1.0, "all onsets": 0.5}


def phase_evidence(feats: Features, beats: np.ndarray, offbeats: np.ndarray, period: float) -> dict[str, float]:
    """Contrast (on − off)/(on + off) of each kind of evidence between beats and their off-beats."""
    out = {}
    for name, x in (("percussive onsets", feats.perc), ("kick", feats.kick), ("all onsets", feats.env)):
        on, off = peak_at(x, beats, feats.fps).mean(), peak_at(x, offbeats, feats.fps).mean()
        out[name] = float((on - off) / (on + off + 1e-9))
    on, off = chord_change(feats, beats, period / 2).mean(), chord_change(feats, offbeats, period / 2).mean()
    out["chord changes"] = float((on - off) / (on + off + 1e-9))
    return out


def choose_phase(feats: Features, beats: np.ndarray) -> tuple[np.ndarray, float, str]:
    """Keep `beats` or move them half a beat, whichever the weighted evidence favours.
    Returns (beats, margin −1..1 for the kept phase, a note)."""
    if len(beats) < 4:
        return beats, 0.0, "too few beats to check the phase"
    gaps = np.diff(beats)
    offbeats = beats[:-1] + gaps / 2
    ev = phase_evidence(feats, beats[:-1], offbeats, float(np.median(gaps)))
    margin = sum(PHASE_WEIGHTS[k] * v for k, v in ev.items()) / sum(PHASE_WEIGHTS.values())
    detail = ", ".join(f"{k} {v:+.2f}" for k, v in ev.items())
    if margin >= 0:
        return beats, margin, f"phase kept ({detail})"
    shifted = np.append(offbeats, beats[-1] + gaps[-1] / 2)
    return shifted, -margin, f"moved half a beat: the off-beat grid carries the evidence ({detail})"


SLOTS = 6  # places per beat a steady grid's phase may take: the beat, straight 8ths (3), triplet 8ths (2, 4)
METERS = (4, 3)
MOVES = {1: "a sixth of", 2: "a third of", 3: "half", 4: "two thirds of", 5: "five sixths of"}


def bar_profile(feats: Features, times: np.ndarray, n: int, period: float) -> np.ndarray:
    """Each kind of accent (chord change, kick, all and percussive onsets) folded onto `n` places,
    z-scored over the places and summed with the weights that place bar lines (`BAR_WEIGHTS`)."""
    bars = len(times) // n
    t = times[: bars * n]
    series = {"chord changes": chord_change(feats, t, period), "kick": peak_at(feats.kick, t, feats.fps, reach=1),
              "all onsets": peak_at(feats.env, t, feats.fps, reach=1),
              "percussive onsets": peak_at(feats.perc, t, feats.fps, reach=1)}
    total = np.zeros(n)
    for name, x in series.items():
        prof = x.reshape(bars, n).mean(axis=0)
        total += BAR_WEIGHTS[name] * (prof - prof.mean()) / (prof.std() + 1e-9)
    return total / sum(BAR_WEIGHTS.values())


def downbeat_phase(feats: Features, bpm: float, phase: float, duration: float) -> tuple[float, float, str]:
    """The phase of a steady grid from the bar's accent pattern (`bar_profile`) over one bar of
    `SLOTS` places per beat, for 4 and 3 beats a bar: the most accented place is the downbeat, so the
    beats fall on its places. Syncopated parts (a tresillo, pushed chords, a swung off-beat) can
    outweigh the beats on average, but rarely the downbeat. Returns (phase s, margin: the downbeat's
    lead over the strongest place off its beats, in z units, a note)."""
    period = 60.0 / bpm
    slot = period / SLOTS
    times = phase + np.arange(int((duration - phase) / slot)) * slot
    best: tuple[float, int, int, np.ndarray] | None = None
    for meter in METERS:
        n = SLOTS * meter
        if len(times) // n < 4:
            continue
        profile = bar_profile(feats, times, n, period)
        if best is None or profile.max() > best[0]:
            best = (float(profile.max()), meter, int(profile.argmax()), profile)
    if best is None:
        return phase, 0.0, "too few bars to read the accent pattern"
    _, meter, top, profile = best
    r = top % SLOTS
    margin = float(profile[top] - profile[(np.arange(len(profile)) % SLOTS) != r].max())
    why = f"the most accented place in a {meter}-beat bar is on the beat"
    note = f"moved {MOVES[r]} a beat: {why}" if r else f"phase kept: {why}"
    return phase + r * slot, margin, note


SWING = 0.5  # z units by which a triplet off-beat (⅓ or ⅔ of a beat) out-accents the straight one (½): swung


def swing_phase(feats: Features, bpm: float, phase: float, duration: float) -> tuple[float, str]:
    """The beat of a swung feel starts the long note of each long-short pair. Percussive onsets are
    folded onto `SLOTS` places per beat (z units); when a triplet off-beat (place 2 or 4) out-accents
    the straight one (3) by `SWING`, the beat is the triplet place r whose swung 8th (r + 4, ⅔ of a
    beat later) is accented and whose place r + 2 is quiet. A swung 8th louder than the beat (the
    accented 'and' of a shuffle or a jazz comp) otherwise holds a steady grid a third of a beat early.
    Returns (phase s, note; empty when the phase stays)."""
    slot = 60.0 / bpm / SLOTS
    times = phase + np.arange(int((duration - phase) / slot)) * slot
    n = len(times) // SLOTS * SLOTS
    if n < 8 * SLOTS:
        return phase, ""
    fold = peak_at(feats.perc, times[:n], feats.fps, reach=1).reshape(-1, SLOTS).mean(axis=0)
    e = (fold - fold.mean()) / (fold.std() + 1e-9)
    if max(e[2], e[4]) - e[3] < SWING:
        return phase, ""
    r = max((0, 2, 4), key=lambda r: e[r] + e[(r + 4) % SLOTS] - 2 * e[(r + 2) % SLOTS])
    if r == 0:
        return phase, ""
    return phase + r * slot, f"moved {MOVES[r]} a beat: a swung feel, and the beat starts the long note of each pair"


BAR_WEIGHTS = {"chord changes": 2.0, "kick": 1.0, "all onsets": 1.0, "percussive onsets": 0.5}


# Bar lines on a beat grid: harmonic change over one beat either side and loudness at the beat. Onset
# strength is left out: a backbeat (snare on 2 and 4) and pushed kicks outweigh the downbeat on average
# (dev songs of the beat benchmark: 28/34 bar positions right with these two, 20/34 with the onsets).
DOWNBEAT_WEIGHTS = {"chord changes": 1.0, "loudness": 1.0}
BAR_SWITCH_COST = 6.0  # accent evidence (z units) a bar-phase change must win back: a few bars' worth


def find_bars(feats: Features, beats: np.ndarray, meter: int = 4,
              switch_cost: float = BAR_SWITCH_COST) -> tuple[np.ndarray, float]:
    """Bar lines: each beat's accent is its chord change and loudness (z-scored over all beats,
    weighted by `DOWNBEAT_WEIGHTS`); a Viterbi pass over beat-in-bar positions puts bar lines on
    the accented position and changes position only where the evidence outweighs `BAR_SWITCH_COST`
    (a tracker that added or dropped a beat at a tempo change; a constant grid drops none, so
    `track` passes an infinite cost for it). Returns (bars, mean margin of the
    chosen position over the next best, in z units)."""
    if len(beats) < 2 * meter:
        return beats[:1], 0.0
    period = float(np.median(np.diff(beats)))
    series = {
        "chord changes": chord_change(feats, beats, period),
        "loudness": np.interp(beats * feats.fps, np.arange(len(feats.rms)), feats.rms),
    }
    accent = sum(DOWNBEAT_WEIGHTS[k] * (x - x.mean()) / (x.std() + 1e-9) for k, x in series.items())
    accent = accent / sum(DOWNBEAT_WEIGHTS.values())
    n = len(beats)
    score = np.where(np.arange(meter) == 0, accent[0], 0.0)
    back = np.zeros((n, meter), dtype=int)
    for i in range(1, n):
        stay = np.roll(score, 1)  # position p follows p-1 in the same bar grid
        jump = score.max() - switch_cost
        back[i] = np.where(stay >= jump, (np.arange(meter) - 1) % meter, int(score.argmax()))
        score = np.maximum(stay, jump) + np.where(np.arange(meter) == 0, accent[i], 0.0)
    states = np.zeros(n, dtype=int)
    states[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        states[i - 1] = back[i, states[i]]
    per_pos = np.array([accent[(np.arange(n) - o) % meter == 0].mean() for o in range(meter)])
    ranked = np.sort(per_pos)[::-1]
    return beats[states == 0], float(ranked[0] - ranked[1])


# ---------------------------------------------------------------------------- the grid


def _local_bpm_curve(centres: np.ndarray, tempi: np.ndarray, n_frames: int, fps: float, bpm: float) -> np.ndarray:
    ok = ~np.isnan(tempi)
    if not ok.any():
        return np.full(n_frames, bpm)
    from scipy.ndimage import median_filter

    smooth = median_filter(np.interp(centres, centres[ok], tempi[ok]), size=3, mode="nearest")
    return np.interp(np.arange(n_frames) / fps, centres, smooth)


def _drop_silent(beats: np.ndarray, feats: Features, min_gap: float = 8.0) -> np.ndarray:
    """No beats inside a silent stretch of at least `min_gap` seconds (a long silent intro or tail)."""
    quiet = feats.rms < max(1e-4, 0.01 * float(feats.rms.max()))
    keep = np.ones(len(beats), bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(int), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if (b - a) / feats.fps >= min_gap:
            keep &= ~((beats >= a / feats.fps) & (beats < b / feats.fps))
    return beats[keep]


def periodicity(env: np.ndarray, fps: float, bpm: float) -> float:
    """How periodic the onsets are at the beat: the median `pulse` over 12-second windows with sound.
    Noise ≈ 0.1; produced music 0.3-0.6; a metronome ≈ 0.95. Tracker-independent, so a tracker that
    picks noise peaks cannot raise it."""
    w, period = int(LOCAL_WINDOW * fps), 60.0 / bpm * fps
    vals = [pulse(env[a : a + w], period) for a in range(0, max(1, len(env) - w // 2), w // 2)
            if len(env[a : a + w]) >= w // 2 and env[a : a + w].mean() >= 0.2 * env.mean()]
    return float(np.median(vals)) if vals else 0.0


OCTAVE_MARGIN = 0.1  # an octave margin (`shotlist.tempo.octave_margin`) under this lowers the confidence


def grid_confidence(feats: Features, beats: np.ndarray, periodic: float, phase_margin: float,
                    steady: bool, duration: float, octave: float = 1.0) -> tuple[float, list[str]]:
    """0..1, with the reasons when it is low: how periodic the onsets are (the main factor), the share
    of beats on an onset peak, the phase margin, how much of the song has beats, and how clearly the
    tempo's metrical level beats half and double (`octave`: its margin, scaled by `OCTAVE_MARGIN`)."""
    if len(beats) < 8:
        return 0.0, ["fewer than 8 beats found"]
    on = peak_at(feats.perc, beats, feats.fps)
    hit = float((on > np.percentile(feats.perc, 75)).mean())
    covered = min(1.0, len(beats) * float(np.median(np.diff(beats))) / max(duration, 1e-9))
    parts = {
        "periodic onsets": min(1.0, periodic / 0.3),
        "beats on onsets": min(1.0, hit / 0.7),
        "phase evidence": min(1.0, max(phase_margin, 0.0) / 0.08),
        "song covered by beats": min(1.0, covered / 0.6),
    }
    conf = parts["periodic onsets"] * float(np.prod([v**0.5 for k, v in parts.items() if k != "periodic onsets"]))
    notes = [f"weak {k} ({v:.2f})" for k, v in parts.items() if v < 0.7]
    if octave < OCTAVE_MARGIN:  # the level is a close call: say so, and do not present the grid as sure
        conf *= max(octave, 0.0) / OCTAVE_MARGIN
        notes.append(f"weak octave evidence ({octave:+.2f}): the tempo may be half or double")
    if not steady:
        conf *= 0.85
    return round(float(conf), 3), notes


STATED_SPAN = 0.005  # a tempo the artist states is searched within ±0.5 % (their rounding)


def track(feats: Features, duration: float, bpm: float | None = None) -> Grid:
    """The beat grid of a song from its features (see the module docstring for the phases). `bpm`:
    the tempo the artist states: it sets the level; a steady grid stays within `STATED_SPAN` of it, and
    a song whose tempo changes (its windows do not fit one tempo, `fit_share`) keeps following the
    changes around it, as without it: the artist names the tempo they count, not a click."""
    import librosa

    fps = feats.fps
    stated = bpm
    bpm = stated or song_tempo(feats.perc, fps, feats.kick)  # percussive onsets: steady noise (a crowd) drops out
    centres, tempi = local_tempi(feats.perc, fps, bpm)
    valid = tempi[~np.isnan(tempi)]
    # a stated tempo may count another level than the onsets pulse at (60 over a 120 BPM click): the song
    # is constant when it fits one tempo at the stated level, twice it or half it
    levels = (1.0, 2.0, 0.5) if stated else (1.0,)
    constant_tempo = max(fit_share(feats.perc, fps, bpm * k) for k in levels) >= CONSTANT
    steady = constant_tempo or len(valid) == 0 or float((np.abs(valid / bpm - 1) <= TEMPO_CHANGE).mean()) >= 0.85
    notes: list[str] = [f"tempo {stated:g} BPM as the artist stated"] if stated else []
    if steady:
        _, bpm, phase = refine(feats.env, fps, bpm, STATED_SPAN if stated else 0.02)
        _, frames = librosa.beat.beat_track(onset_envelope=feats.env, sr=fps * HOP, hop_length=HOP,
                                            bpm=bpm, tightness=400, trim=False)
        tracked = frames / fps
        grid = np.arange(phase, duration, 60.0 / bpm)
        near = np.abs(tracked[:, None] - grid[None, :]).min(axis=1) if len(tracked) else np.zeros(0)
        agree = len(tracked) < 4 or float((near <= STEADY_TOLERANCE).mean()) >= STEADY_SHARE
        beats = grid if agree or constant_tempo else tracked
    else:
        curve = _local_bpm_curve(centres, tempi, len(feats.env), fps, bpm)
        _, frames = librosa.beat.beat_track(onset_envelope=feats.env, sr=fps * HOP, hop_length=HOP,
                                            bpm=curve, tightness=200, trim=False)
        beats = frames / fps
        notes.append(f"tempo varies ({np.nanmin(valid):.0f}-{np.nanmax(valid):.0f} BPM): beats follow it")
    constant = steady and beats is grid
    if constant:
        phase, bar_margin, phase_note = downbeat_phase(feats, bpm, phase, duration)
        phase, swing_note = swing_phase(feats, bpm, phase, duration)
        phase_note = swing_note or phase_note
        beats = np.arange(phase % (60.0 / bpm), duration, 60.0 / bpm)
        _, margin, _ = choose_phase(feats, beats)  # evidence for the phase, for the confidence
        margin = max(margin, min(bar_margin, 1.0) * 0.1)
    else:
        beats, margin, phase_note = choose_phase(feats, beats)
    notes.append(phase_note)
    beats = _drop_silent(beats[(beats >= 0) & (beats < duration)], feats)
    bars, _ = find_bars(feats, beats, switch_cost=np.inf if constant else BAR_SWITCH_COST)
    beats, bars = np.maximum(beats - ONSET_LATENCY, 0.0), np.maximum(bars - ONSET_LATENCY, 0.0)
    if not steady and not stated and len(beats) >= 9:  # over 8-beat spans: a frame's rounding is 8× smaller
        bpm = float(60.0 * 8 / np.median(beats[8:] - beats[:-8]))
    octave = 1.0 if stated else octave_margin(feats.perc, fps, bpm, feats.kick)
    conf, why = grid_confidence(feats, beats, periodicity(feats.env, fps, bpm), margin, steady, duration, octave)
    return Grid(bpm, beats, bars, conf, steady, margin, notes + why)
