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
