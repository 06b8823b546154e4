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
from .errors import ShotcallerError
from .lyrics import check_against_duration, find_aligner, read_lyrics, spread_untimed
from .models import LyricLine, Song
from .paths import cache_dir
from .structure import find_sections, label_sections

ANALYSIS_VERSION = 17  # bump when the analysis changes, so cached results are recomputed
SR = 22050


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def analyse_song(path: str | Path, lyrics: str | Path | None = None, use_cache: bool = True,
                 bpm: float | None = None) -> Song:
    """Analyse an audio file (cached by content hash), then attach lyrics from LRC or plain text.
    `bpm`: the tempo the artist states; the grid keeps it and finds the phase and bars by evidence."""
    p = check_audio_file(path)
    lines: list[LyricLine] = []
    tags: dict[str, str] = {}
    if lyrics:
        lines, tags = read_lyrics(lyrics)  # read first: a bad LRC fails before the slow part
    sha = file_sha256(p)
    stated = f"-bpm{bpm:g}" if bpm else ""
    cached = cache_dir("analysis") / f"{sha}-v{ANALYSIS_VERSION}{stated}.json"
    song: Song | None = None
    if use_cache and cached.is_file():
        try:
            song = Song.model_validate_json(cached.read_bytes())
        except ValueError:
            song = None
    if song is None:
        song = _analyse(p, sha, bpm)
        from .store import write_atomic

        write_atomic(cached, song.model_dump_json().encode())
    check_against_duration(lines, song.duration, Path(lyrics).name if lyrics else "lyrics")
    notes = list(song.analysis_notes)
    if lines and all(line.time is None for line in lines):
        aligner, why = find_aligner()
        if aligner is not None:
            lines = aligner(p, lines)
            notes.append(f"lyrics aligned to the audio by {why}")
        else:
            lines = spread_untimed(lines, song.sections, song.duration)
            notes.append(f"lyric times are estimated: {why}")
    sections = label_sections(song.sections, lines, song.duration) if lines else song.sections
    return song.model_copy(update={"path": str(p), "lyrics": lines, "sections": sections,
                                   "title": tags.get("ti") or song.title, "analysis_notes": notes})


def _analyse(p: Path, sha: str, bpm: float | None = None) -> Song:
    from .beats import onset_features, track

    audio = load_audio(p, SR)
    y = audio.samples
    check_analysable(p.name, y, audio.duration)
    feats = onset_features(y, SR)
    fps = feats.fps
    grid = track(feats, audio.duration, bpm=bpm)
    beats, bars = grid.beats, grid.bars
    rms = feats.rms
    energy_hop = 0.25
    step = max(1, int(round(energy_hop * fps)))
    padded = np.pad(rms, (0, (-len(rms)) % step), mode="edge").reshape(-1, step).mean(axis=1)
    env_curve = np.round(padded / (padded.max() or 1.0), 4).tolist()
    sections = find_sections(feats.mel_db, feats.chroma, rms, bars if len(bars) >= 6 else beats, audio.duration, fps)
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
