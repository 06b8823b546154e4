"""`shotcaller import FILE` chooses the format by the file's content (`shotlist.export.sniff`): the extension
only breaks a tie, `--format` overrides it, a plugin without a sniff is chosen by its suffix, and content
no format claims is one line naming what was seen and what import takes."""

import json

import pytest

from helpers import planned_song, project_of
from shotlist.errors import ShotcallerError
from shotlist.export import _FORMATS, Format, export, formats, register
from shotlist.export.sniff import chosen, import_format
from shotlist.store import ProjectStore

SNIFFED = ("json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "mlt", "pdf", "srt")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, bytes]:
    from shotlist.models import Brief, LyricLine

    project = project_of(12.0, n=4, brief=Brief(meaning="m", why_generative="w"))
    project = project.model_copy(update={"song": project.song.model_copy(update={
        "lyrics": [LyricLine(time=1.0, text="scarborough fair")]})})
    folder = tmp_path_factory.mktemp("proj")
    return {name: export(name, project, folder) for name in formats()}


@pytest.mark.parametrize("name", SNIFFED)
def test_every_format_is_known_by_its_content_whatever_the_file_is_called(exported, name):
    assert chosen("untitled.bin", exported[name]).name == name
    assert chosen("untitled", exported[name]).name == name


@pytest.mark.parametrize("filename, fmt", [
    ("cut.xml", "otio"),        # an .xml that is OTIO JSON
    ("list.txt", "edl"),        # a .txt that is an EDL
    ("shots.txt", "csv"),
    ("project.otio", "json"),   # a shotcaller project named as a timeline
    ("timeline.json", "otio"),  # OTIO JSON named .json: the schema decides, not the name
    ("resolve.xml", "fcpxml"),
    ("premiere.fcpxml", "fcp7xml"),
])
def test_a_misnamed_file_is_read_as_what_it_holds(exported, filename, fmt):
    assert chosen(filename, exported[fmt]).name == fmt


def test_format_overrides_the_content(exported):
    assert chosen("cut.otio", exported["otio"], "csv").name == "csv"
    with pytest.raises(ShotcallerError, match="not supported"):
        chosen("cut.otio", exported["otio"], "docx")


@pytest.mark.parametrize("data, seen", [
    (b"hello there, this is my video idea\n", "text starting 'hello there, this is my video idea'"),
    (b'{"title": "x", "clips": []}', "JSON with keys title, clips"),
    (b"<?xml version='1.0'?>\n<!-- a comment --><storyboard/>", "XML whose root element is <storyboard>"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data starting"),
    (b"   \n", "an empty file"),
])
def test_content_no_format_claims_is_one_line_naming_what_was_seen_and_what_is_taken(data, seen):
    with pytest.raises(ShotcallerError) as e:
        chosen("notes.txt", data)
    line = str(e.value)
    assert "\n" not in line and line.startswith("notes.txt is not a format shotcaller knows") and seen in line
    assert all(f"{name} (" in line for name in ("csv", "json", "otio")) and "--format" in line


def test_a_known_extension_lets_its_reader_say_what_is_wrong():
    assert chosen("broken.json", b'{"schema": "shotcaller.project/1", "shots": [').name == "json"


def test_a_format_that_only_exports_is_refused_by_name(exported):
    with pytest.raises(ShotcallerError, match=r"resolve.xml is Final Cut Pro X / DaVinci Resolve XML \(fcpxml, by its "
                                              r"content\): shotcaller exports it but it cannot be imported"):
        import_format("resolve.xml", exported["fcpxml"])
    assert import_format("cut.xml", exported["otio"]).name == "otio"
    assert import_format("list.txt", exported["edl"]).name == "edl"


def test_plugins_sniff_or_fall_back_to_their_suffix(exported):
    """A plugin format without a sniff is chosen by its suffix; one with a sniff that claims what another
    does is told apart by the extension, and without a telling extension it is one line asking for --format."""
    register(Format("storyboardx", ".sbx", lambda p, f: b"", lambda d, p: p, "a plugin's storyboard"))
    register(Format("jsonish", ".jsh", lambda p, f: b"", lambda d, p: p, "anything JSON",
                    sniff=lambda data: data.lstrip()[:1] == b"{"))
    try:
        assert chosen("board.sbx", b"anything at all").name == "storyboardx"
        assert chosen("x.jsh", exported["json"]).name == "jsonish"
        assert chosen("x.json", exported["json"]).name == "json"
        with pytest.raises(ShotcallerError, match="reads as any of json, jsonish: name one with --format"):
            chosen("x.bin", exported["json"])
        assert chosen("x.csv", exported["csv"]).name == "csv"  # it does not claim what is not JSON
    finally:
        _FORMATS.pop("storyboardx")
        _FORMATS.pop("jsonish")


def test_the_cli_imports_a_misnamed_file_and_refuses_unknown_content(click_wav, tmp_path, capsys):
    from ui.cli import main

    store = ProjectStore()
    pid = planned_song(store, click_wav[0], 4, title="Sniffed")
    project = store.load(pid)
    shots = [s.model_copy(update={"subject": f"picture {n}"}) for n, s in enumerate(project.shots, 1)]
    timeline = export("otio", project.model_copy(update={"shots": shots}), store.folder(pid))
    (tmp_path / "cut.xml").write_bytes(timeline)
    assert main(["import", pid, str(tmp_path / "cut.xml")]) == 0
    assert "(otio)" in capsys.readouterr().out
    after = store.load(pid)
    assert after.version == project.version + 1 and [s.subject for s in after.shots] == [s.subject for s in shots]

    (tmp_path / "idea.txt").write_text("make it look like the sea\n")
    assert main(["import", pid, str(tmp_path / "idea.txt")]) == 2
    err = capsys.readouterr().err
    assert "idea.txt is not a format shotcaller knows: it holds text starting 'make it look like the sea'" in err
    assert store.load(pid).version == after.version
    assert json.loads(export("json", store.load(pid), store.folder(pid)))["version"] == after.version


def test_the_cli_imports_an_edl_named_txt_and_an_editors_own_list(click_wav, tmp_path, capsys):
    """An EDL (a .txt here) imports: events that are this project's clips keep their shots, timed by the
    record timecodes; an editor's own events become shots of their comments or clip names."""
    from ui.cli import main

    store = ProjectStore()
    pid = planned_song(store, click_wav[0], 4, title="Edl")
    project = store.load(pid)
    (tmp_path / "list.txt").write_bytes(export("edl", project, store.folder(pid)))
    assert main(["import", pid, str(tmp_path / "list.txt")]) == 0
    assert "(edl)" in capsys.readouterr().out
    back = store.load(pid)
    assert back.version == project.version + 1
    assert [s.id for s in back.shots] == [s.id for s in project.shots]  # the same shots, found by their clips
    assert [s.subject for s in back.shots] == [s.subject for s in project.shots]
    assert all(abs(a.end - b.end) < 1 / 24 + 1e-6 for a, b in zip(back.shots, project.shots))

    mid, end = round(project.song.duration / 2 * 24), round(project.song.duration * 24)

    def tc(frames: int, hour: int = 1) -> str:
        return f"{hour:02d}:{frames // 1440:02d}:{frames // 24 % 60:02d}:{frames % 24:02d}"
    own = (f"TITLE: recut\nFCM: NON-DROP FRAME\n\n"
           f"001  AX       V     C        {tc(0, 0)} {tc(mid, 0)} {tc(0)} {tc(mid)}\n"
           f"* FROM CLIP NAME: B-ROLL_0042.MOV\n"
           f"002  AX       V     C        {tc(0, 0)} {tc(end - mid, 0)} {tc(mid)} {tc(end)}\n"
           f"* FROM CLIP NAME: sea.mp4\n* COMMENT: SHOT 02 the sea at night, a lamp swinging over\n"
           f"* COMMENT: the water\n* COMMENT: Reason: the lamp keeps the promise\n")
    (tmp_path / "recut.edl").write_text(own)
    assert main(["import", pid, str(tmp_path / "recut.edl")]) == 0, capsys.readouterr().err
    recut = store.load(pid)
    assert len(recut.shots) == 2 and abs(recut.shots[0].end - mid / 24) < 0.5  # the cut lands on the nearest beat
    assert recut.shots[0].subject == "B-ROLL_0042"
    assert recut.shots[1].subject == "the sea at night, a lamp swinging over the water"
    assert recut.shots[1].reason == "the lamp keeps the promise"
