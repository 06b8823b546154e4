import pytest

from shotlist.errors import ShotcallerError
from shotlist.lyrics import parse_lyrics, parse_lrc, read_lyrics, spread_untimed
from shotlist.models import Section


def test_fixture_lrc(fixture_lrc):
    lines, tags = read_lyrics(fixture_lrc)
    assert len(lines) == 18
    assert lines[0].time == 12.0 and lines[0].text == "Are you going to Scarborough Fair?"
    assert tags["length"] == "03:03.53"
    assert [line.time for line in lines] == sorted(line.time for line in lines)


def test_several_stamps_offset_and_tags():
    text = "[ti:Song]\n[offset:+500]\n[00:10.00][01:00.50]chorus line\n[00:20]verse line\n[00:30:25]three part\n"
    lines, tags = parse_lrc(text)
    assert tags["ti"] == "Song"
    assert [(line.time, line.text) for line in lines] == [
        (9.5, "chorus line"), (19.5, "verse line"), (29.75, "three part"), (60.0, "chorus line")]


@pytest.mark.parametrize("bad, line_no", [
    ("[00:10.00]ok\n[0a:11.00]broken", 2),
    ("[00:10.00]ok\n\n[00:75.00]sixty-plus seconds", 3),
    ("[00:10.00]ok\nno stamp here", 2),
    ("[00:10.00][01:x0]half broken", 1),
])
def test_broken_stamps_report_the_line_number(bad, line_no):
    with pytest.raises(ShotcallerError, match=f"line {line_no}"):
        parse_lrc(bad)


def test_bad_offset_is_reported():
    with pytest.raises(ShotcallerError, match="offset"):
        parse_lrc("[offset:soon]\n[00:01.00]a")


def test_plain_text_is_untimed_and_spread_over_vocal_sections():
    lines, tags = parse_lyrics("one\n\ntwo\nthree\nfour\n")
    assert tags == {} and all(line.time is None for line in lines)
    sections = [Section(start=0, end=10, label="intro", energy=0.2), Section(start=10, end=30, label="verse", energy=0.6),
                Section(start=30, end=40, label="outro", energy=0.2)]
    spread = spread_untimed(lines, sections, 40.0)
    assert [line.time for line in spread] == [10.0, 15.0, 20.0, 25.0]
    assert not any(line.timed for line in spread)


def test_binary_and_non_utf8_files(tmp_path):
    p = tmp_path / "x.lrc"
    p.write_bytes(b"\xff\xfe\x00\x00junk")
    with pytest.raises(ShotcallerError, match="UTF-8"):
        read_lyrics(p)
    p.write_bytes(b"[00:01.00]a\x00b")
    with pytest.raises(ShotcallerError, match="binary"):
        read_lyrics(p)


def test_plain_text_without_an_aligner_is_estimated_and_says_so(click_wav, tmp_path):
    from shotlist.lyrics import find_aligner
    from shotlist.song import analyse_song

    aligner, why = find_aligner()
    assert aligner is None and "no forced aligner" in why
    path, _, _ = click_wav
    txt = tmp_path / "words.txt"
    txt.write_text("first verse line\nsecond verse line\n\nthe refrain\nthe refrain again\n")
    song = analyse_song(path, lyrics=txt)
    assert [line.stanza for line in song.lyrics] == [0, 0, 1, 1]
    assert all(line.time is not None and not line.timed for line in song.lyrics)
    assert any("lyric times are estimated" in n for n in song.analysis_notes)
    starts = [s.start for s in song.sections]
    for k in (0, 2):  # each stanza opens a section
        assert min(abs(song.lyrics[k].time - t) for t in starts) < 0.002


def test_a_registered_aligner_times_plain_text(click_wav, tmp_path, monkeypatch):
    from shotlist import lyrics as lyr
    from shotlist.song import analyse_song

    calls = []

    def onsets_aligner(audio_path, lines):
        # places each line on a detected onset of the real audio: an aligner's contract, not a model
        import librosa

        y, sr = librosa.load(str(audio_path), sr=22050)
        onsets = librosa.onset.onset_detect(y=y, sr=sr, units="time")
        calls.append(audio_path)
        return [line.model_copy(update={"time": round(float(onsets[4 * i]), 3), "timed": True})
                for i, line in enumerate(lines)]

    monkeypatch.setattr(lyr, "ALIGNERS", {"onsets": onsets_aligner})
    path, _, _ = click_wav
    txt = tmp_path / "words.txt"
    txt.write_text("one\ntwo\nthree\n")
    song = analyse_song(path, lyrics=txt)
    assert calls and all(line.timed for line in song.lyrics)
    assert any("aligned to the audio by onsets" in n for n in song.analysis_notes)
