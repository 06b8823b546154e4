"""Song analysis with librosa: tempo, beats, bars, energy, sections; cached by the file's hash.

    >>> song = analyse_song("song.ogg", lyrics="lyrics.lrc")     # doctest: +SKIP
    >>> song.tempo, len(song.beats), [s.label for s in song.sections]

Phases: 1. decode (shotlist.audio) and refuse what cannot be analysed → 2. onset features →
3. tempo, beats, phase by evidence, bar lines and a confidence (shotlist.beats) → 4. sections by
agglomerative clustering of bar-synchronous chroma+MFCC, labelled by repetition and energy → 5. lyrics.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .audio import check_audio_file, load_audio
from .beats import HOP
from .errors import ShotcallerError
from .lyrics import check_against_duration, read_lyrics, spread_untimed
from .models import LyricLine, Section, Song
from .paths import cache_dir

ANALYSIS_VERSION = 6  # bump when the analysis changes, so cached results are recomputed
SR = 22050
SECONDS_PER_SECTION = 14.0  # how many sections to look for: one per this many seconds
MIN_SECTION = 4.0  # seconds: shorter segments merge into their neighbour


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
    from .beats import onset_features, track

    audio = load_audio(p, SR)
    y = audio.samples
    check_analysable(p.name, y, audio.duration)
    feats = onset_features(y, SR)
    fps = feats.fps
    grid = track(feats, audio.duration)
    beats, bars = grid.beats, grid.bars
    rms = feats.rms
    energy_hop = 0.25
    step = max(1, int(round(energy_hop * fps)))
    padded = np.pad(rms, (0, (-len(rms)) % step), mode="edge").reshape(-1, step).mean(axis=1)
    env_curve = np.round(padded / (padded.max() or 1.0), 4).tolist()
    sections = find_sections(y, feats.mel_db, rms, bars if len(bars) >= 6 else beats, audio.duration, fps)
    return Song(
        path=str(p), sha256=sha, duration=round(audio.duration, 4), sample_rate=audio.native_rate,
        tempo=round(grid.tempo, 2), beats=[round(float(b), 4) for b in beats], bars=[round(float(b), 4) for b in bars],
        sections=sections, energy=env_curve, energy_hop=energy_hop,
        confidence=grid.confidence, analysis_notes=grid.notes,
    )


def check_analysable(name: str, y: np.ndarray, duration: float) -> None:
    """Refuse, with the reason, what no beat grid can describe: too short, silent."""
    if duration < 2.0:
        raise ShotcallerError(f"{name} lasts {duration:.2f}s; a song must last at least 2 seconds")
    if float(np.sqrt(np.mean(y**2))) < 1e-5:
        raise ShotcallerError(f"{name} is silent: nothing to analyse")


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
