"""Every NLE export checked by tools that did not write it: FCPXML against the FCPXML 1.10 DTD rules
with xmllint, the EDL with pycmx (an independent CMX 3600 parser), FCP7 XML by a structural reader and
OTIO's fcp_xml reader, MLT by a structural reader (melt renders it in test_export_mlt.py), and property
tests over names, notes and frame rates: no crash, every format cuts on the project's frames, and every
format carries each shot's reason."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import song_of
from nle_readers import (edl_comments, edl_cuts, fcp7_cuts, fcpxml_cuts, has_doctype, mlt_cuts, otio_cuts,
                         xmllint_dtd_errors)
from shotlist.export import get_format
from shotlist.export.media import exact_rate
from shotlist.models import Brief, Constraints, LyricLine, Project, Section, Shot
from shotlist.timing import frame_spans

RATES = [23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94]
NASTY = ["the song's central image", 'a "quoted" <b>bold</b> & co', "🎸🔥", "x" * 200, "", "Café — été, Straße",
         "tab\there\nnewline", "bell\x07 and \x1b escape", "it's ' \" & < > all"]
FOLDER = "/project"
NTSC_FRAME = {23.976: Fraction(1001, 24000), 29.97: Fraction(1001, 30000), 59.94: Fraction(1001, 60000)}


def project_with(names: list[str], fps: float, cuts: list[float], duration: float, title: str = "T",
                 notes: list[str] | None = None) -> Project:
    """Shots named `names` cut at `cuts` (seconds, ascending, inside the song) on a song of `duration`;
    with `notes`, each shot's reason, why-generative and lyric are drawn from them in turn."""
    bounds = [0.0, *cuts, duration]
    n = len(notes or [])
    shots = [Shot(id=f"s{i:07d}", start=a, end=b, subject=names[i % len(names)], section="verse",
                  reason=notes[i % n] if n else "r", why_generative=notes[(i + 1) % n] if n else "w",
                  lyric=notes[(i + 2) % n] or None if n else None)
             for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    song = song_of(duration, sections=[Section(start=0, end=duration / 2, label=names[0] or "intro", energy=0.5),
                                       Section(start=duration / 2, end=duration, label="chorus", energy=1.0)],
                   lyrics=[LyricLine(time=duration / 3, text=names[-1] or "la")])
    return Project(id="prop", title=title, song=song, shots=shots, version=1,
                   brief=Brief(constraints=Constraints(fps=fps, resolution="1920x1080")))


def write(fmt: str, project: Project) -> bytes:
    from pathlib import Path

    return get_format(fmt).write(project, Path(FOLDER))


def every_format_cuts(project: Project) -> dict[str, list[tuple[int, int]]]:
    rate = exact_rate(project.brief.constraints.fps)
    fcpxml, fcpxml_total, frame = fcpxml_cuts(write("fcpxml", project))
    fps = project.brief.constraints.fps
    assert frame == NTSC_FRAME.get(fps, Fraction(1, round(fps))), f"FCPXML frame duration {frame}s at {fps} fps"
    fcp7, fcp7_rate = fcp7_cuts(write("fcp7xml", project))
    edl, _ = edl_cuts(write("edl", project).decode("ascii"), rate)
    total = round(project.song.duration * rate)
    assert fcpxml_total == fcp7_rate["duration"] == total, "a timeline is longer or shorter than the song"
    mlt, mlt_total, mlt_rate = mlt_cuts(write("mlt", project))
    assert mlt_total == total and mlt_rate == (NTSC_FRAME[fps] ** -1 if fps in NTSC_FRAME else round(fps))
    return {"project": frame_spans(project.shots, rate), "fcpxml": fcpxml, "fcp7xml": fcp7, "edl": edl,
            "otio": otio_cuts(write("otio", project)), "mlt": mlt}


# ------------------------------------------------------------------------------------------ FCPXML


@pytest.mark.parametrize("fps", RATES)
def test_fcpxml_is_valid_against_the_dtd_and_exact_at_every_rate(fps):
    p = project_with(NASTY, fps, [i * 3.37 for i in range(1, 12)], 41.3, title="Tom's \"Song\" & <Co> 🎵")
    data = write("fcpxml", p)
    assert xmllint_dtd_errors(data) == ""
    root = ET.fromstring(data)
    fmt = root.find("resources/format")
    assert (fmt.get("width"), fmt.get("height")) == ("1920", "1080") and fmt.get("name").startswith("FFVideoFormat1080p")
    expected = {23.976: "1001/24000s", 29.97: "1001/30000s", 59.94: "1001/60000s"}.get(fps, f"1/{int(fps)}s")
    assert fmt.get("frameDuration") == expected
    assert root.find(".//sequence").get("tcFormat") == ("DF" if fps in (29.97, 59.94) else "NDF")
    assert [c.get("name") for c in root.iterfind(".//spine/asset-clip")][:2] == ["01 the song's central image",
                                                                                  '02 a "quoted" <b>bold</b> & co']
    cuts = every_format_cuts(p)
    assert cuts["fcpxml"] == cuts["edl"] == cuts["fcp7xml"] == cuts["otio"] == cuts["mlt"] == cuts["project"]


@pytest.mark.parametrize("fps", [24.0, 25.0, 30.0])
def test_fcpxml_reads_back_in_otios_fcpx_reader(fps):
    """OTIO's own fcpx_xml reader (only at whole rates: it computes NTSC times at 23.98) finds every clip
    on the plan's frames from 01:00:00:00, with its section and lyric markers."""
    import opentimelineio as otio

    p = project_with(NASTY[:4], fps, [3.0, 6.5, 9.0], 12.0)
    found = otio.adapters.read_from_string(write("fcpxml", p).decode(), "fcpx_xml")
    (timeline,) = found.find_children(descended_from_type=otio.schema.Timeline) if not isinstance(
        found, otio.schema.Timeline) else [found]
    clips = list(timeline.video_tracks()[0].find_clips())
    hour = 3600 * round(fps)
    assert [(c.range_in_parent().start_time.to_frames() - hour, c.duration().to_frames()) for c in clips] == \
        frame_spans(p.shots, fps)
    assert [m.name for c in clips for m in c.markers] == [NASTY[0], NASTY[3], "chorus"]  # sections, lyric at 4 s


def test_the_dtd_check_rejects_what_final_cut_rejects():
    good = write("fcpxml", project_with(["a"], 24.0, [2.0], 4.0))
    assert xmllint_dtd_errors(good) == ""
    for broken, why in [(good.replace(b' width="1920"', b""), "width"),
                        (good.replace(b'version="1.10"', b'version="1.8"'), "version"),
                        (good.replace(b'ref="r2"', b'ref="r99"'), "r99"),
                        (good.replace(b"<spine>", b"<spine><clip duration=\"1s\"/>"), "clip")]:
        assert why in xmllint_dtd_errors(broken)


def test_the_bare_error_of_an_apostrophe_is_gone():
    """Guided mode's default subject crashed the OTIO fcpx adapter ("SyntaxError: invalid predicate")."""
    data = write("fcpxml", project_with(["the song's central image"], 23.976, [4.0], 10.0))
    assert b"the song&apos;s central image" in data or b"the song's central image" in data


# ------------------------------------------------------------------------------------------ EDL


@pytest.mark.parametrize("fps", RATES)
def test_edl_reads_in_pycmx_with_the_right_frame_code_mode(fps):
    p = project_with(NASTY, fps, [i * 2.9 for i in range(1, 14)], 41.3, title="Ünïcødé “title” — " + "long " * 30)
    text = write("edl", p).decode("ascii")  # 7-bit ASCII or this raises
    lines = text.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0].startswith("TITLE: Unicode \"title\" - long") and len(lines[0]) - len("TITLE: ") <= 70
    drop = fps in (29.97, 59.94)
    assert lines[1] == ("FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME")
    cuts, edl = edl_cuts(text, exact_rate(fps))
    assert edl.format == "3600" and not [s for s in edl.unrecognized_statements if s.content.strip()]  # blank: ok
    fcm = [s for s in edl.event_statements if type(s).__name__ == "StmtFCM"]
    assert [s.drop for s in fcm] == [drop]
    edits = [e.edits[0] for e in edl.events]
    assert all(";" in e.record_in for e in edits) == drop and all(e.clip_name and e.source_file for e in edits)
    assert all(e.clip_name == e.source_file.rsplit("/", 1)[-1] for e in edits)  # the file's name: what relinks
    shots = [edl_comments(e)[0] for e in edl.events]
    assert shots[0] == "SHOT 01 the song's central image" and shots[2] == "SHOT 03"  # emoji only: dropped
    assert shots[5] == "SHOT 06 Cafe - ete, Strasse" and edl_comments(list(edl.events)[0])[1:3] == [
        "Reason: r", "Why generative: w"]
    assert cuts == frame_spans(p.shots, exact_rate(fps))


# ------------------------------------------------------------------------------------------ FCP7 XML


@pytest.mark.parametrize("fps, timebase, ntsc", [(23.976, 24, "TRUE"), (24.0, 24, "FALSE"), (25.0, 25, "FALSE"),
                                                 (29.97, 30, "TRUE"), (50.0, 50, "FALSE"), (59.94, 60, "TRUE")])
def test_fcp7_xml_structure(fps, timebase, ntsc):
    p = project_with(NASTY, fps, [i * 3.1 for i in range(1, 10)], 33.0)
    data = write("fcp7xml", p)
    assert has_doctype(data, "xmeml")
    cuts, rate = fcp7_cuts(data)
    assert (rate["timebase"], rate["ntsc"]) == (timebase, ntsc)
    assert cuts == frame_spans(p.shots, exact_rate(fps)) and rate["duration"] == round(33.0 * exact_rate(fps))
    root = ET.fromstring(data)
    chars = root.find(".//sequence/media/video/format/samplecharacteristics")
    assert (chars.findtext("width"), chars.findtext("height")) == ("1920", "1080")
    names = [c.findtext("name") for c in root.iterfind(".//sequence/media/video/track/clipitem")]
    assert names[0] == "01 the song's central image" and names[7] == "08 bell and escape"


# ------------------------------------------------------------------------------------------ reasons inside

LONG_REASON = ("The tailor's \"impossible\" task & the fog — 🎵 made visible: " + "a seam of mist that never holds " * 6).strip()


@pytest.mark.parametrize("fps", [23.976, 29.97, 59.94])
def test_the_reasons_and_lyrics_sit_on_the_clips(fps):
    """Each clip carries its reason, why-generative and lyric; lyric lines are markers at their frame on
    the clip they fall in; a shot with no rendered clip says so; all on the one frame grid."""
    import opentimelineio as otio

    rate = exact_rate(fps)
    p = project_with(NASTY, fps, [4.0, 8.0], 12.0, notes=[LONG_REASON, "no camera flies through fog", ""])
    lyric_at = round(12.0 / 3 * rate)  # project_with's lyric line, at a third of the song: shot 2's first frame
    spans = frame_spans(p.shots, rate)
    assert spans[1][0] == lyric_at
    # FCPXML
    root = ET.fromstring(write("fcpxml", p))
    frame = Fraction(root.find("resources/format").get("frameDuration")[:-1])
    clips = root.findall(".//spine/asset-clip")
    assert clips[0].findtext("note").splitlines() == [
        f"Reason: {' '.join(LONG_REASON.split())}", "Why generative: no camera flies through fog",
        "Offline: not rendered yet, placeholder 01-s0000000.mp4 stands in"]
    lyric = [m for m in clips[1].iter("marker") if m.get("value") == p.song.lyrics[0].text]
    assert [Fraction(m.get("start")[:-1]) / frame for m in lyric] == [lyric_at - spans[1][0]]
    # FCP7, read by OTIO: master comments and the lyric marker on clip 2
    fcp7 = otio.adapters.read_from_string(write("fcp7xml", p).decode(), "fcp_xml")
    video = list(fcp7.video_tracks()[0].find_clips())
    assert video[0].metadata["fcp_xml"]["comments"]["mastercomment4"].startswith("Offline: not rendered yet")
    assert [(m.name, m.marked_range.start_time.to_frames()) for m in video[1].markers] == [
        (p.song.lyrics[0].text, lyric_at - spans[1][0])]
    # OTIO: the same marker on the clip, the shot's fields in its metadata
    timeline = otio.adapters.read_from_string(write("otio", p).decode(), "otio_json")
    clips = list(timeline.video_tracks()[0].find_clips())
    assert [(m.name, m.marked_range.start_time.to_frames()) for m in clips[1].markers] == [
        (p.song.lyrics[0].text, lyric_at - spans[1][0])]
    assert clips[0].metadata["shotcaller"]["reason"] == LONG_REASON
    # EDL: ASCII comment lines of at most 80 columns, the reason wrapped across them
    text = write("edl", p).decode("ascii")
    assert max(map(len, text.splitlines())) <= 80
    _, edl = edl_cuts(text, rate)
    first = edl_comments(list(edl.events)[0])
    assert first[0] == "SHOT 01 the song's central image" and first[1].startswith("Reason: The tailor's \"impossible\"")
    assert " ".join(c for c in first if not c.startswith(("SHOT", "Why", "Offline"))) == (
        "Reason: " + " ".join(LONG_REASON.replace(" — 🎵", " -").split()))
    assert first[-1] == "Offline: not rendered yet, placeholder 01-s0000000.mp4 stands in"
    third = edl_comments(list(edl.events)[2])
    assert not [c for c in third if c.startswith("Reason:")]  # no reason: no empty line for it
    assert third[1].startswith("Why generative: The tailor's \"impossible\" task & the fog - made")


# ------------------------------------------------------------------------------------------ properties

def clean(text: str) -> str:
    """What a note keeps of `text`: no control characters XML cannot hold, white space made single."""
    return " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text).split())


def check_reasons(project: Project) -> None:
    """Every NLE format carries each shot's reason and why-generative (and lyric) where an editor sees it
    on the clip, read back by readers that did not write it."""
    import opentimelineio as otio

    from shotlist.export.edl_format import ascii_text

    shots = project.shots
    # FCPXML: the clip's <note>
    notes = [c.findtext("note") or "" for c in ET.fromstring(write("fcpxml", project)).iterfind(".//spine/asset-clip")]
    # FCP7 XML, read by OTIO's fcp_xml adapter: master comments 1-3 of each clipitem
    fcp7 = otio.adapters.read_from_string(write("fcp7xml", project).decode(), "fcp_xml")
    comments = [c.metadata.get("fcp_xml", {}).get("comments") or {} for c in fcp7.video_tracks()[0].find_clips()]
    # EDL, read by pycmx: the event's * COMMENT: lines, joined
    _, edl = edl_cuts(write("edl", project).decode("ascii"), exact_rate(project.brief.constraints.fps))
    edl_text = [" ".join(edl_comments(e)) for e in edl.events]
    # OTIO: the clip's metadata
    timeline = otio.adapters.read_from_string(write("otio", project).decode(), "otio_json")
    meta = [c.metadata["shotcaller"] for c in timeline.video_tracks()[0].find_clips()]
    # MLT: the producer's shotcut:comment
    root = ET.fromstring(write("mlt", project))
    producers = {p.get("id"): p.findtext("property[@name='shotcut:comment']") or "" for p in root.iter("producer")}
    mlt = [producers[e.get("producer")] for e in root.find("playlist[@id='shots']").iter("entry")]
    assert len(notes) == len(comments) == len(edl_text) == len(meta) == len(mlt) == len(shots)
    for n, (shot, note, comment, edl_line, data, mlt_note) in enumerate(zip(shots, notes, comments, edl_text, meta, mlt)):
        reason, why = clean(shot.reason), clean(shot.why_generative)
        assert data["reason"] == shot.reason and data["why_generative"] == shot.why_generative
        if reason:
            assert f"Reason: {reason}" in " ".join(note.split()) and f"Reason: {reason}" in " ".join(mlt_note.split())
            assert clean(comment["mastercomment1"]) == reason, n
            if len(ascii_text(reason)) < 200:  # longer ones are cut after six lines; long words wrap mid-word
                assert f"Reason:{ascii_text(reason)}".replace(" ", "") in edl_line.replace(" ", "")
        if why:
            assert f"Why generative: {why}" in " ".join(note.split()) and clean(comment["mastercomment2"]) == why


names = st.lists(st.sampled_from(NASTY) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=220),
                 min_size=1, max_size=8)


@st.composite
def timelines(draw):
    fps = draw(st.sampled_from(RATES))
    duration = draw(st.floats(3.0, 600.0, allow_nan=False))
    gaps = draw(st.lists(st.floats(0.1, 1.0), min_size=0, max_size=24))
    scale = (duration - 0.1) / (sum(gaps) + 1.0)  # keep every shot at least a few frames long
    cuts, at = [], 0.0
    for g in gaps:
        at += g * scale
        cuts.append(round(at, 6))
    return project_with(draw(names), fps, cuts, duration, title=draw(st.text(max_size=120)), notes=draw(names))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_every_format_cuts_on_the_projects_frames_whatever_the_names_and_rate(project):
    cuts = every_format_cuts(project)
    assert cuts["fcpxml"] == cuts["edl"] == cuts["fcp7xml"] == cuts["otio"] == cuts["mlt"] == cuts["project"]
    assert xmllint_dtd_errors(write("fcpxml", project)) == ""
    edl = write("edl", project).decode("ascii")
    assert max(map(len, edl.splitlines())) <= 80
    check_reasons(project)
