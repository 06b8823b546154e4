"""Song sections: boundaries from self-similarity, labels from repetition (music and lyrics).

    >>> sections = find_sections(feats, bars, duration)      # doctest: +SKIP  (acoustic labels)
    >>> sections = label_sections(sections, lyrics, duration) # doctest: +SKIP  (with the words)

Boundaries: bar-synchronous chroma+MFCC, a self-similarity matrix, Foote's checkerboard novelty
along its diagonal; the strongest peaks become section starts (on bar lines). Groups: sections whose
mean chroma+MFCC are alike share a `group` letter (same music). Labels:
- a section most of whose lyric lines (at least two) also occur in another section is a chorus;
- sections of a repeated group whose words differ are verses (same melody, new words);
- with no words: the loudest repeated group is the chorus, the next one the verse;
- a one-off section in the second half that is not the last is the bridge;
- the first/last section is the intro/outro when it is a one-off or quiet and holds no words;
- no label covers more of the song than its role allows (`MAX_SHARE`): the extra becomes a letter.
"""

from __future__ import annotations

import re

import numpy as np

from .models import LyricLine, Section

SECONDS_PER_SECTION = 14.0  # how many sections to look for: one per this many seconds
MIN_SECTION = 4.0  # seconds: shorter segments merge into their neighbour
SAME_GROUP = 0.92  # cosine of mean features above which two sections are the same music
MAX_SHARE = {"intro": 0.2, "outro": 0.2, "bridge": 0.2, "chorus": 0.5, "verse": 0.6}


def novelty(sync: np.ndarray, half: int) -> np.ndarray:
    """Foote novelty: a Gaussian-tapered checkerboard kernel of `half` columns slid along the
    diagonal of the cosine self-similarity matrix of `sync` (features × columns)."""
    unit = sync / (np.linalg.norm(sync, axis=0, keepdims=True) + 1e-9)
    ssm = unit.T @ unit
    n = ssm.shape[0]
    k = np.arange(-half, half)
    taper = np.exp(-0.5 * ((k + 0.5) / (half / 2)) ** 2)
    sign = np.sign(k + 0.5)
    kernel = np.outer(sign, sign) * np.outer(taper, taper)
    padded = np.pad(ssm, half, mode="edge")
    out = np.array([float((padded[i : i + 2 * half, i : i + 2 * half] * kernel).sum()) for i in range(n)])
    return np.maximum(out, 0.0)


def find_sections(mel_db: np.ndarray, chroma: np.ndarray, rms: np.ndarray, bars: np.ndarray,
                  duration: float, fps: float) -> list[Section]:
    """Sections on bar lines, with `group` letters and acoustic labels (see `label_sections`)."""
    import librosa

    n_frames = mel_db.shape[1]
    bar_frames = np.unique(np.clip(np.round(np.asarray(bars) * fps).astype(int), 0, n_frames - 1))
    if len(bar_frames) < 6:
        return [Section(start=0.0, end=round(duration, 4), label="verse", energy=1.0, group="A")]
    chroma_f = librosa.util.fix_length(np.repeat(chroma, 4, axis=1), size=n_frames, axis=1)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=13)
    feats = np.vstack([librosa.util.normalize(chroma_f, axis=0),
                       (mfcc - mfcc.mean(1, keepdims=True)) / (mfcc.std(1, keepdims=True) + 1e-6)])
    starts = np.concatenate([[0], bar_frames[bar_frames > fps / 2]])
    sync = librosa.util.sync(feats, list(starts) + [n_frames], aggregate=np.mean, pad=False)[:, : len(starts)]
    nov = novelty(sync, half=min(8, max(2, sync.shape[1] // 8)))
    want = int(np.clip(round(duration / SECONDS_PER_SECTION), 2, 16)) - 1
    order = [int(i) for i in np.argsort(-nov) if 0 < i < len(starts) and nov[i] > 0]
    chosen: list[int] = []
    for i in order:  # strongest peaks first, at least MIN_SECTION apart
        t = starts[i] / fps
        if all(abs(t - starts[j] / fps) >= MIN_SECTION for j in chosen) and t >= MIN_SECTION \
                and duration - t >= MIN_SECTION:
            chosen.append(i)
        if len(chosen) >= want:
            break
    bar_times = np.asarray(bars, float)
    inner = sorted(float(bar_times[np.abs(bar_times - starts[i] / fps).argmin()]) for i in chosen)
    edges = [0.0] + [t for t in inner if 0 < t < duration] + [duration]
    spans = list(zip(edges, edges[1:]))
    rms_t = np.arange(len(rms)) / fps
    energy = np.array([float(rms[(rms_t >= a) & (rms_t < b)].mean()) if ((rms_t >= a) & (rms_t < b)).any() else 0.0
                       for a, b in spans])
    energy = energy / (energy.max() or 1.0)
    frame_t = np.arange(feats.shape[1]) / fps
    vectors = np.array([feats[:, (frame_t >= a) & (frame_t < b)].mean(axis=1) for a, b in spans])
    groups = group_sections(vectors)
    sections = [Section(start=round(a, 4), end=round(b, 4), label="", energy=round(float(e), 3), group=g)
                for (a, b), e, g in zip(spans, energy, groups)]
    return label_sections(sections, [], duration)


def group_sections(vectors: np.ndarray, same: float = SAME_GROUP) -> list[str]:
    """A letter per section; sections whose vectors are alike (cosine ≥ `same`) share it."""
    unit = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
    reps: list[int] = []
    out = []
    for i in range(len(unit)):
        for g, r in enumerate(reps):
            if float(unit[i] @ unit[r]) >= same:
                out.append(chr(65 + g % 26))
                break
        else:
            reps.append(i)
            out.append(chr(65 + (len(reps) - 1) % 26))
    return out


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", text.lower()).strip()


def lines_in(section: Section, lyrics: list[LyricLine]) -> list[str]:
    return [_norm(x.text) for x in lyrics if x.time is not None and section.start <= x.time < section.end and _norm(x.text)]


def label_sections(sections: list[Section], lyrics: list[LyricLine], duration: float) -> list[Section]:
    """Name sections by repetition of their words and music, position and energy (module docstring)."""
    n = len(sections)
    if n == 0:
        return sections
    if n == 1:
        return [sections[0].model_copy(update={"label": "verse"})]
    words = [lines_in(s, lyrics) for s in sections]
    counts: dict[str, int] = {}
    for ws in words:
        for w in set(ws):
            counts[w] = counts.get(w, 0) + 1
    sung = [bool(ws) for ws in words]
    # a chorus block: at least two of its lines, and most of them, come back elsewhere (one refrain
    # line inside each verse, as in a ballad, does not make every verse a chorus)
    repeats_words = [sum(counts[w] > 1 for w in set(ws)) >= max(2, 0.6 * len(set(ws))) for ws in words]
    group_count = {g: sum(s.group == g for s in sections) for g in {s.group for s in sections}}
    labels: list[str] = [""] * n
    if any(repeats_words):
        for i in range(n):
            if repeats_words[i]:
                labels[i] = "chorus"
            elif sung[i] and (group_count[sections[i].group] > 1
                              or (i not in (0, n - 1) and sections[i].start < 0.5 * duration)):
                labels[i] = "verse"  # new words on repeated music; a sung one-off late in the song is a bridge
    else:
        repeated = sorted((g for g, c in group_count.items() if c > 1),
                          key=lambda g: -np.mean([s.energy for s in sections if s.group == g]))
        names = dict(zip(repeated[:2], ("chorus", "verse")))
        labels = [names.get(s.group, "") for s in sections]
    median = float(np.median([s.energy for s in sections]))
    for i in (0, n - 1):
        s = sections[i]
        if not sung[i] and (labels[i] == "" or s.energy < 0.8 * median) and (group_count[s.group] == 1 or s.energy < 0.8 * median):
            labels[i] = "intro" if i == 0 else "outro"
    for i in range(1, n - 1):
        if labels[i] == "" and group_count[sections[i].group] == 1 and sections[i].start >= 0.5 * duration:
            labels[i] = "bridge"
    labels = [lab or sections[i].group or "part" for i, lab in enumerate(labels)]
    labels = _cap_shares(sections, labels, duration)
    return [s.model_copy(update={"label": lab}) for s, lab in zip(sections, labels)]


def _cap_shares(sections: list[Section], labels: list[str], duration: float) -> list[str]:
    """Keep each role within its share of the song: past the cap, the later ones take their group letter
    (a bridge is one short passage, the intro one opening)."""
    out = list(labels)
    for role, share in MAX_SHARE.items():
        total = 0.0
        spans = [i for i, lab in enumerate(out) if lab == role]
        if role == "bridge" and spans:  # one bridge: the longest one-off late in the song
            keep = max(spans, key=lambda i: sections[i].end - sections[i].start)
            spans_sorted = [keep] + [i for i in spans if i != keep]
        else:
            spans_sorted = spans
        for i in spans_sorted:
            length = sections[i].end - sections[i].start
            if total + length > share * duration + 1e-6 or (role == "bridge" and total > 0):
                out[i] = sections[i].group or "part"
            else:
                total += length
    return out
