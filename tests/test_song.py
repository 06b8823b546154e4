"""Song analysis on real audio (the fixture song) and on synthetic songs with known answers."""

import subprocess

import numpy as np
import pytest
import soundfile as sf

from shotlist.audio import ffmpeg_exe
from shotlist.errors import ShotcallerError
from shotlist.song import analyse_song
from shotlist.synth import write_click_song

TRUE_TEMPO, TRUE_DURATION, TRUE_PHASE = 170.0, 183.53, 0.026


def off_grid(times, bpm, phase):
    period = 60.0 / bpm
    x = (np.asarray(times) - phase) % period
    return np.minimum(x, period - x)


def test_fixture_song_tempo_duration_and_beats(fixture_song, fixture_lrc):
    song = analyse_song(fixture_song, lyrics=fixture_lrc)
    assert abs(song.tempo - TRUE_TEMPO) / TRUE_TEMPO <= 0.04, song.tempo  # not the 85/340 octave
    assert abs(song.duration - TRUE_DURATION) <= 0.05
    assert song.sample_rate == 44100
    # beats sit on the chart's grid (tempo from the MIDI chart, phase from the onsets)
    assert (off_grid(song.beats, TRUE_TEMPO, TRUE_PHASE) <= 0.035).mean() >= 0.95
    assert set(song.bars) <= set(song.beats) and 120 <= len(song.bars) <= 140
    # sections are contiguous, on bar lines, and cover the song
    assert song.sections[0].start == 0 and abs(song.sections[-1].end - song.duration) < 1e-3
    for a, b in zip(song.sections, song.sections[1:]):
        assert a.end == b.start and b.start in song.bars
    assert len(song.lyrics) == 18 and song.title.startswith("Scarborough Fair")
    assert 0 < len(song.energy) and max(song.energy) == 1.0


@pytest.mark.parametrize("bpm", [96.0, 128.0, 150.0])
def test_synthetic_tempo_and_beat_phase(tmp_path, bpm):
    path = tmp_path / f"click{bpm}.wav"
    beats, _ = write_click_song(path, bpm=bpm, offset=0.37)
    song = analyse_song(path, use_cache=False)
    assert abs(song.tempo - bpm) / bpm <= 0.02, song.tempo
    # every true beat has an analysed beat within 30 ms
    nearest = np.abs(np.asarray(beats)[:, None] - np.asarray(song.beats)[None, :]).min(axis=1)
    assert (nearest <= 0.03).mean() >= 0.95


def test_synthetic_sections_and_downbeats(click_wav):
    path, beats, spans = click_wav
    song = analyse_song(path)
    true_bars = beats[::4]
    nearest = np.abs(np.asarray(true_bars)[:, None] - np.asarray(song.bars)[None, :]).min(axis=1)
    assert (nearest <= 0.03).mean() >= 0.9, "bar lines must land on the true downbeats"
    true_changes = [start for _, start, _ in spans[1:]]
    found = [s.start for s in song.sections[1:]]
    for change in true_changes:
        assert min(abs(change - f) for f in found) <= 2.0 + 0.03, (change, found)  # within one bar
    labels = {s.label for s in song.sections}
    assert "chorus" in labels
    loud = [s for s in song.sections if s.label == "chorus"]
    assert all(s.energy >= max(x.energy for x in song.sections) * 0.8 for s in loud)


def test_untimed_lyrics_are_spread(click_wav, tmp_path):
    path, _, _ = click_wav
    txt = tmp_path / "words.txt"
    txt.write_text("first line\nsecond line\nthird line\n")
    song = analyse_song(path, lyrics=txt)
    times = [line.time for line in song.lyrics]
    assert all(t is not None for t in times) and times == sorted(times)
    assert not any(line.timed for line in song.lyrics)


@pytest.mark.parametrize("fmt, args", [("mp3", ["-c:a", "libmp3lame"]), ("flac", []), ("m4a", ["-c:a", "aac"])])
def test_other_formats_decode(click_wav, tmp_path, fmt, args):
    path, _, _ = click_wav
    out = tmp_path / f"song.{fmt}"
    proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(path), *args, str(out)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"this ffmpeg cannot encode {fmt}: {proc.stderr[-200:]!r}")
    song = analyse_song(out)
    assert abs(song.tempo - 120.0) <= 2.4
    assert abs(song.duration - sf.info(str(path)).duration) <= 0.1


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name, data, message", [
    ("notes.txt", b"hello", "not a supported audio file"),
    ("empty.wav", b"", "empty"),
    ("fake.wav", b"this is not a wave file at all" * 100, "not audio|could not be decoded"),
    ("junk.mp3", bytes(range(256)) * 400, "not audio|could not be decoded|no audio"),
])
def test_bad_audio_gets_one_clear_error(tmp_path, name, data, message):
    with pytest.raises(ShotcallerError, match=message):
        analyse_song(_write(tmp_path, name, data))


def test_truncated_and_silent_and_too_long(tmp_path, click_wav):
    path, _, _ = click_wav
    truncated = _write(tmp_path, "cut.ogg", path.read_bytes()[:5000])
    with pytest.raises(ShotcallerError):
        analyse_song(truncated)
    silent = tmp_path / "silent.wav"
    sf.write(str(silent), np.zeros(22050 * 5, dtype=np.float32), 22050)
    with pytest.raises(ShotcallerError, match="silent"):
        analyse_song(silent)
    long = tmp_path / "long.wav"
    sf.write(str(long), np.zeros(8000 * 60 * 31, dtype=np.int16), 8000, subtype="PCM_16")
    with pytest.raises(ShotcallerError, match="31.0 minutes; the limit is 30"):
        analyse_song(long)


def test_lyrics_after_the_end_are_refused(click_wav, tmp_path):
    path, _, _ = click_wav
    lrc = tmp_path / "late.lrc"
    lrc.write_text("[00:01.00]early\n[59:00.00]far too late\n")
    with pytest.raises(ShotcallerError, match="after the end of the song"):
        analyse_song(path, lyrics=lrc)
