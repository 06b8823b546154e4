"""Exports and imports: round trips, NLE read-back with OTIO, golden files, PDF text, fuzzed imports."""

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import song_of
from shotlist.errors import ShotcallerError
from shotlist.export import formats, get_format
from shotlist.export.media import exact_rate
from shotlist.timing import frame_spans
from shotlist.models import Brief, Constraints, LyricLine, Project, Section, Shot

BASELINES = Path(__file__).with_name("baselines")
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "shotlist" / "schema" / "project.schema.json").read_text())
UPDATE = os.environ.get("UPDATE_BASELINES") == "1"


def small_project(fps: float = 24.0) -> Project:
    """A fixed, hand-made project: deterministic ids and seeds, for golden files."""
    song = song_of(12.0, beats=[i * 0.5 for i in range(24)], bars=[i * 2.0 for i in range(6)],
                   sections=[Section(start=0, end=4, label="intro", energy=0.3),
                             Section(start=4, end=12, label="chorus", energy=1.0)],
                   lyrics=[LyricLine(time=4.0, text="Are you going to Scarborough Fair?"),
                           LyricLine(time=8.0, text="Parsley, sage, rosemary and thyme")])
    rows = [(0.0, 4.0, "intro", None, "a shirt of fog", "wide", "pull out", "crossfade"),
            (4.0, 8.0, "chorus", "Are you going to Scarborough Fair?", "a field between sea and shore", "close-up",
             "push in", "cut"),
            (8.0, 12.0, "chorus", "Parsley, sage, rosemary and thyme", "herbs growing out of cloth", "medium",
             "orbit", "fade to black")]
    shots = [Shot(id=f"s000000{i}", index=i + 1, start=a, end=b, section=sec, lyric=lyr, subject=subj,
                  action="drifts, \"quoted\" | piped", setting="a night market", shot_size=size, movement=move,
                  prompt=f"{size} shot of {subj}", reason=f"reason {i}: the line, made visible",
                  why_generative="fog cannot be sewn", transition=tr, seed=1000 + i)
             for i, (a, b, sec, lyr, subj, size, move, tr) in enumerate(rows)]
    brief = Brief(logline="A tailor sews fog.", meaning="impossible tasks", motifs=["fog", "herbs"],
                  why_generative="fog cannot be sewn", constraints=Constraints(fps=fps))
    return Project(id="golden", title="Golden", song=song, brief=brief, shots=shots, version=3)


FOLDER = Path("/project")  # exports of an unrendered project name paths under the folder only


def export(fmt: str, project: Project | None = None, folder: Path = FOLDER) -> bytes:
    return get_format(fmt).write(project or small_project(), folder)


@pytest.mark.parametrize("fmt", ["json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "mlt", "srt", "md"])
def test_golden_files(fmt):
    data = export(fmt)
    golden = BASELINES / f"small.{fmt}"
    if UPDATE or not golden.exists():
        golden.write_bytes(data)
    assert data == golden.read_bytes(), f"{fmt} export changed; if intended, rerun with UPDATE_BASELINES=1"


def test_every_format_is_registered_and_unknown_ones_list_them():
    assert set(formats()) >= {"json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "mlt", "pdf", "srt", "md"}
    with pytest.raises(ShotcallerError, match="available: .*fcpxml"):
        get_format("docx")


def test_json_validates_against_the_committed_schema():
    jsonschema.validate(json.loads(export("json")), SCHEMA)


@pytest.mark.parametrize("fmt", ["json", "csv", "otio"])
def test_round_trips_are_exact(fmt):
    p = small_project()
    target = p.model_copy(update={"shots": []})
    back = get_format(fmt).read(export(fmt, p), target)
    assert [s.model_dump(exclude={"index"}) for s in back.shots] == [s.model_dump(exclude={"index"}) for s in p.shots]


def test_csv_has_the_professional_columns_and_timecodes():
    rows = list(csv.DictReader(io.StringIO(export("csv").decode())))
    assert rows[1]["Section"] == "chorus" and rows[1]["TC In"] == "00:00:04:00" and rows[1]["TC Out"] == "00:00:08:00"
    assert rows[1]["Lyric"].startswith("Are you going") and rows[1]["Status"] == "planned"
    assert rows[2]["Why generative"] == "fog cannot be sewn" and rows[0]["Duration"] == "4.000"


def looked_project() -> Project:
    """The small project with a graded look on shot 1 and an artist's drifted prompt on shot 2."""
    p = small_project()
    shots = [p.shots[0].model_copy(update={"warmth": -0.5, "brightness": -1.0, "contrast": 0.5,
                                           "palette": ["teal", "amber"]}),
             p.shots[1].model_copy(update={"prompt": "my own words", "prompt_by_artist": True,
                                           "prompt_drift": ["subject", "setting"]}), p.shots[2]]
    return p.model_copy(update={"shots": shots})


def test_csv_carries_the_look_and_the_artists_prompt_through_a_round_trip():
    p = looked_project()
    rows = list(csv.DictReader(io.StringIO(export("csv", p).decode())))
    assert (rows[0]["Warmth"], rows[0]["Brightness"], rows[0]["Contrast"], rows[0]["Palette"]) == \
        ("-0.5", "-1.0", "0.5", "teal, amber")
    assert rows[1]["Prompt by artist"] == "yes" and rows[1]["Prompt drift"] == "subject, setting"
    assert rows[2]["Prompt by artist"] == "no" and rows[2]["Prompt drift"] == ""
    back = get_format("csv").read(export("csv", p), p.model_copy(update={"shots": []}))
    assert [s.model_dump(exclude={"index"}) for s in back.shots] == [s.model_dump(exclude={"index"}) for s in p.shots]


@pytest.mark.parametrize("column, cell, message", [
    ("Warmth", "icy", "row 2, column Warmth: 'icy' is not a number"),
    ("Brightness", "3", "row 2, column Brightness: .*less than or equal to 1"),
    ("Palette", "more cinematic", "row 2, column Palette: .*does not know the colour 'more cinematic'"),
    ("Prompt by artist", "maybe", "row 2, column Prompt by artist: 'maybe' is not yes or no"),
    ("Prompt drift", "mood", "row 2, column Prompt drift: 'mood' is not a field a prompt is built from"),
])
def test_csv_look_columns_reject_bad_cells_naming_row_and_column(column, cell, message):
    data = f"Start,End,{column}\n0,12,{cell}\n".encode()
    with pytest.raises(ShotcallerError, match=message):
        get_format("csv").read(data, small_project().model_copy(update={"shots": []}))


@pytest.mark.parametrize("fps", [23.976, 24.0, 25.0, 29.97, 30.0])
def test_nle_exports_read_back_with_otio(fps):
    import opentimelineio as otio

    p = small_project(fps)
    rate = exact_rate(fps)
    expected = frame_spans(p.shots, rate)
    edl = export("edl", p).decode()
    back = otio.adapters.read_from_string(edl, "cmx_3600", rate=rate)
    clips = list(back.find_clips())
    assert [c.source_range.duration.to_frames() for c in clips] == [f for _, f in expected]
    assert [c.range_in_parent().start_time.to_frames() for c in clips] == [s for s, _ in expected]
    events = [line for line in edl.splitlines() if line[:3].isdigit()]
    assert all((";" in e) == (fps == 29.97) for e in events)  # drop-frame timecode at 29.97 only
    fcp7 = otio.adapters.read_from_string(export("fcp7xml", p).decode(), "fcp_xml")
    video = [t for t in fcp7.tracks if t.kind == "Video"][0]
    assert [c.source_range.duration.to_frames() for c in video.find_clips()] == [f for _, f in expected]
    assert {m.name for m in fcp7.tracks.markers} >= {"intro", "chorus"}
    assert abs(fcp7.duration().to_seconds() - p.song.duration) <= 0.5 / rate
    one_hour = otio.opentime.from_timecode("01:00:00;00" if fps == 29.97 else "01:00:00:00", rate)
    assert fcp7.global_start_time.to_frames() == one_hour.to_frames()  # the sequence starts at 01:00:00:00
    # FCPXML: OTIO's reader rounds NTSC rates down, so read the rational times from the XML itself
    root = ET.fromstring(export("fcpxml", p))
    frame = Fraction(root.find("resources/format").get("frameDuration").rstrip("s"))
    start = Fraction(root.find(".//sequence").get("tcStart").rstrip("s"))
    assert start == one_hour.to_frames() * frame
    clips = root.findall(".//spine/asset-clip")
    assert len(clips) == 3
    for (first, frames), clip in zip(expected, clips):
        assert Fraction(clip.get("offset").rstrip("s")) - start == first * frame
        assert Fraction(clip.get("duration").rstrip("s")) == frames * frame
    assert {m.get("value") for m in root.iter("marker")} >= {"intro", "chorus", "Parsley, sage, rosemary and thyme"}
    assert abs(float(Fraction(root.find(".//sequence").get("duration").rstrip("s"))) - p.song.duration) <= 0.5 / rate


def test_cli_start_timecode(fixture_song, tmp_path):
    from test_cli import run

    pid = run("new", "--song", fixture_song, "--title", "TC").stdout.split()[-1]
    doc = json.loads(run("export", pid, "--out", "-").stdout)
    doc["shots"] = [{"start": 0, "end": 90.0, "subject": "a", "reason": "r", "why_generative": "w"},
                    {"start": 90.0, "end": doc["song"]["duration"], "subject": "b", "reason": "r", "why_generative": "w"}]
    (tmp_path / "p.json").write_text(json.dumps(doc))
    run("import", pid, tmp_path / "p.json")
    default = run("export", pid, "--format", "edl", "--out", "-").stdout.splitlines()
    assert default[3].split()[-2:] == ["01:00:00:00", "01:01:30:00"]
    moved = run("export", pid, "--format", "edl", "--out", "-", "--start-tc", "00:59:58:12").stdout.splitlines()
    assert moved[3].split()[-2:] == ["00:59:58:12", "01:01:28:12"]
    fcpxml = ET.fromstring(run("export", pid, "--format", "fcpxml", "--out", "-", "--start-tc", "00:00:00:00").stdout)
    assert fcpxml.find(".//sequence").get("tcStart") == "0s" and fcpxml.find(".//spine/asset-clip").get("offset") == "0s"
    for args, message in [(("--format", "pdf", "--start-tc", "01:00:00:00"),
                           "--start-tc does not apply to pdf; it applies to: edl, fcp7xml, fcpxml, otio"),
                          (("--format", "edl", "--start-tc", "1:00"), "'1:00' is not HH:MM:SS:FF"),
                          (("--format", "edl", "--start-tc", "01:00:00:24"), "frames to 23")]:
        err = run("export", pid, *args, "--out", "-", check=False)
        assert err.returncode == 2 and message in err.stderr, err.stderr


def test_srt_and_markdown():
    srt = export("srt").decode()
    assert srt.startswith("1\n00:00:04,000 --> 00:00:08,000\nAre you going")
    md = export("md").decode()
    assert "## Why generative video" in md and "\\|" in md and md.count("\n| ") == 1 + 3  # header and three shots


def test_pdf_storyboard_pages_and_text(tmp_path):
    from pypdf import PdfReader

    p = small_project()
    many = p.model_copy(update={"shots": [s.model_copy(update={"id": f"s{i:07d}", "start": i * 0.5,
                                                              "end": (i + 1) * 0.5}) for i, s in
                                          enumerate(p.shots * 8)][:24]})
    reader = PdfReader(io.BytesIO(export("pdf", many, tmp_path)))
    assert len(reader.pages) == 1 + 4  # title page + 24 shots / 6 a page
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "impossible tasks" in text and "reason 1: the line, made visible" in text


@pytest.mark.parametrize("fmt, data, message", [
    ("csv", b"Foo,Bar\n1,2\n", "missing column"),
    ("csv", b"Start,End,Shot size\n0,6,close-up\n5,12,wide\n", "overlap"),
    ("csv", b"Start,End,Id\n0,12,nope\n", "row 2, column Id: unknown shot id"),
    ("csv", b"Start,End\n0,abc\n", "row 2, column End"),
    ("csv", b"Start,End,Movement\n0,12,moonwalk\n", "row 2, column Movement"),
    ("csv", b"\xff\xfe\x00bad", "not UTF-8"),
    ("json", b"{", "not JSON"),
    ("json", b'{"schema": "other/1"}', "not a shotcaller.project/1"),
    ("otio", b'{"OTIO_SCHEMA": "Clip.2"}', "not a timeline|not an OpenTimelineIO"),
    ("otio", b"garbage", "not an OpenTimelineIO"),
])
def test_bad_imports_name_the_problem(fmt, data, message):
    p = small_project()
    with pytest.raises(ShotcallerError, match=message):
        get_format(fmt).read(data, p)


def test_huge_files_are_refused_before_parsing():
    junk = b"x" * (100 * 1024 * 1024)
    for fmt in ("csv", "json", "otio"):
        with pytest.raises(ShotcallerError, match="at most"):
            get_format(fmt).read(junk, small_project())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_fuzzed_csv_and_json_imports_only_raise_our_error(data):
    for fmt in ("csv", "json"):
        try:
            get_format(fmt).read(data, small_project())
        except ShotcallerError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 20), st.floats(-5, 20), st.sampled_from(["wide", "close up", "x", ""])),
                max_size=6))
def test_fuzzed_csv_rows_only_raise_our_error(rows):
    text = "Start,End,Shot size\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    try:
        get_format("csv").read(text.encode(), small_project())
    except ShotcallerError:
        pass


def test_cli_import_of_csv_and_otio_and_export_of_all(fixture_song, fixture_lrc, tmp_path):
    from test_cli import run

    bare = run("new", "--song", fixture_song, "--title", "Bare").stdout.split()[-1]
    assert "no timed lyrics" in run("export", bare, "--format", "srt", "--out", tmp_path / "b.srt", check=False).stderr
    pid = run("new", "--song", fixture_song, "--lyrics", fixture_lrc, "--title", "Round").stdout.split()[-1]
    doc = json.loads(run("export", pid, "--out", "-").stdout)
    dur = doc["song"]["duration"]
    doc["shots"] = [{"start": 0, "end": 90.0, "subject": "a", "reason": "r", "why_generative": "w"},
                    {"start": 90.0, "end": dur, "subject": "b", "reason": "r", "why_generative": "w"}]
    (tmp_path / "p.json").write_text(json.dumps(doc))
    run("import", pid, tmp_path / "p.json")
    for fmt in ("json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "mlt", "pdf", "srt", "md"):
        out = tmp_path / f"x.{fmt}"
        run("export", pid, "--format", fmt, "--out", out)
        assert out.stat().st_size > 0, fmt
    csv_text = (tmp_path / "x.csv").read_text().replace("a,", "changed subject,", 1)
    (tmp_path / "edited.csv").write_text(csv_text)
    assert "version 3" in run("import", pid, tmp_path / "edited.csv").stdout
    assert "version 4" in run("import", pid, tmp_path / "x.otio").stdout
    assert "version 5" in run("import", pid, tmp_path / "x.edl").stdout  # an EDL imports (by its content)
    assert re.search(r"error: .*cannot be imported", run("import", pid, tmp_path / "x.fcpxml", check=False).stderr)


@pytest.mark.parametrize("how, said", [("segfault", "crashed (SIGSEGV)"), ("hang", "hung")])
def test_an_otio_file_that_crashes_or_hangs_otios_reader_is_refused_and_the_app_lives_on(monkeypatch, how, said):
    """OTIO's C++ reader segfaulted the test process on one fuzzed export: an import reads the file in a
    forked child first, so a reader that dies (or hangs) costs one clear line, not the studio."""
    import signal
    import time

    import opentimelineio as otio

    from shotlist.export import otio_format

    def dies(*_args, **_kw):
        if how == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        time.sleep(60)

    data = export("otio")
    monkeypatch.setattr(otio_format, "TRIAL_READ_S", 0.5)
    monkeypatch.setattr(otio.adapters, "read_from_string", dies)
    with pytest.raises(ShotcallerError, match=re.escape(f"OTIO's reader {said} on it")):
        get_format("otio").read(data, small_project().model_copy(update={"shots": []}))
    monkeypatch.undo()
    assert len(get_format("otio").read(data, small_project().model_copy(update={"shots": []})).shots) == 3
