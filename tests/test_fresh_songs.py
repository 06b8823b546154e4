"""The fresh test source (`shotlist.fresh_songs`): MIDI lumps read out of a Doom WAD, the grid filter
that keeps only files whose notes sit on their own grid, the MMA song text, and the degraded copies
picked by name. No package needed: the WAD and the MIDI files are built here."""

from __future__ import annotations

import struct

import mido
import pytest

from shotlist.fresh_songs import mma_text, on_grid, wad_midis
from shotlist.midi_songs import fresh_audio_variants


def _midi_bytes(tmp_path, onsets, tpb=96) -> bytes:
    mid = mido.MidiFile(ticks_per_beat=tpb)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    last = 0
    for t in onsets:
        tr.append(mido.Message("note_on", channel=9, note=36, velocity=100, time=t - last))
        tr.append(mido.Message("note_off", channel=9, note=36, velocity=0, time=1))
        last = t + 1
    path = tmp_path / "x.mid"
    mid.save(str(path))
    return path.read_bytes()


def _wad(path, lumps: dict[str, bytes]):
    """A PWAD: 12-byte header, the lumps, then the directory (offset, size, 8-byte name)."""
    body, directory, pos = b"", b"", 12
    for name, data in lumps.items():
        directory += struct.pack("<ii8s", pos, len(data), name.encode())
        body += data
        pos += len(data)
    path.write_bytes(struct.pack("<4sii", b"PWAD", len(lumps), pos) + body + directory)
    return path


def test_music_lumps_that_are_midi_files_are_read_out_of_a_wad(tmp_path):
    song = _midi_bytes(tmp_path, [0, 48, 96])
    wad = _wad(tmp_path / "a.wad", {"D_E1M1": song, "D_OLD": b"MUS\x1a" + b"\0" * 20, "DEMO1": song, "D_RUNNIN": song})
    lumps = wad_midis(wad)
    assert sorted(lumps) == ["e1m1", "runnin"]  # MUS lumps and non-music lumps are left out
    assert lumps["e1m1"] == song


def test_only_files_whose_notes_sit_on_their_own_grid_are_trusted(tmp_path):
    on = tmp_path / "on.mid"
    on.write_bytes(_midi_bytes(tmp_path, [24 * i for i in range(64)]))  # 16ths at 96 ticks a beat
    late = tmp_path / "late.mid"
    late.write_bytes(_midi_bytes(tmp_path, [5 + 24 * i for i in range(64)]))  # all 5 ticks late: a sequencer offset
    free = tmp_path / "free.mid"
    free.write_bytes(_midi_bytes(tmp_path, [int(i * 37.3) for i in range(64)]))  # free time: a tracker conversion
    assert on_grid(on) == 1.0 and on_grid(late) == 1.0
    assert on_grid(free) < 0.5


def test_an_mma_song_has_its_tempo_intro_and_enough_bars():
    grooves = {"ballad", "balladintro", "balladsus"}
    text = mma_text("ballad72", "Ballad", 72, grooves, 4)
    lines = text.splitlines()
    assert lines[0].startswith("RndSeed ") and lines[0] == mma_text("ballad72", "Ballad", 72, grooves, 4).splitlines()[0]
    assert lines[1] == "Tempo 72" and lines[2] == "Groove BalladIntro"
    assert "Groove Ballad" in lines and "Groove BalladSus" in lines
    chords = [ln for ln in lines if not ln.startswith(("Tempo", "Groove", "RndSeed"))]
    assert len(chords) * 4 * 60 / 72 >= 120  # fills the benchmark's cut
    plain = mma_text("x", "Waltz", 150, {"waltz"}, 3)
    assert "Intro" not in plain and "Sus" not in plain


def test_an_mma_song_with_a_tempo_change_changes_it_half_way():
    lines = mma_text("folkrock112to140", "FolkRock", 112, {"folkrock"}, 4).splitlines()
    i = lines.index("Tempo 140")
    assert 0.3 < i / len(lines) < 0.7


def test_the_degraded_copies_are_picked_by_name_not_by_score():
    names = [f"freedoom_s{i}" for i in range(40)]
    picked = fresh_audio_variants(names)
    assert picked == fresh_audio_variants(list(reversed(names)))  # order does not matter
    assert 5 <= len(picked) <= 15 and {e for _, e in picked} == {"noise", "reverb", "lofi"}


@pytest.mark.parametrize("bundle", ["nope"])
def test_an_unknown_bundle_names_the_available_ones(tmp_path, bundle):
    from shotlist.midi_songs import midi_songs

    with pytest.raises(ValueError, match="available: midi, fresh"):
        midi_songs(tmp_path, bundle=bundle)


def test_the_built_fresh_songs_carry_the_tempo_they_were_written_at():
    """The truth of the built test split (skipped where `make songs` could not build it): each MMA
    song's grid runs at the tempo MMA was told, and the split covers ballads, fast songs, 3/4 and copies."""
    from shotlist.fresh_songs import MMA_SONGS
    from shotlist.midi_songs import midi_songs, split_of

    songs, why = midi_songs(build_missing=False, bundle="fresh")
    if not songs:
        pytest.skip(f"fresh benchmark songs unavailable: {why}")
    by_name = {s.name: s for s in songs}
    mma = [(f"mma_{name}", bpm) for name, _, bpm, _ in MMA_SONGS if f"mma_{name}" in by_name]
    assert mma, "no MMA song was built"
    for name, bpm in mma:
        assert by_name[name].tempo == pytest.approx(bpm, rel=1e-3), name
    assert {split_of(s.name) for s in songs} == {"test"} and len(songs) >= 40
    tempi = [s.tempo for s in songs]
    assert min(tempi) < 80 and max(tempi) > 160
    assert {"midi", "midi+noise", "midi+reverb", "midi+lofi"} <= {s.kind for s in songs}
