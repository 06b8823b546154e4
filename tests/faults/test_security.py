"""Path traversal, prompt injection and secrets: nothing escapes a project folder or leaks a key."""

import json

import pytest

from assistant.tools import ProjectTools, ShotPatch
from shotlist.errors import ShotcallerError
from shotlist.paths import inside
from shotlist.song import analyse_song
from shotlist.store import ProjectStore
from shotlist.synth import write_click_song

TRAVERSALS = ["../x", "../../etc/passwd", "/etc/passwd", "a/../../b", "..", ".", "~root", "x\x00y", "A B",
              "%2e%2e%2f", "con", "-rf"]


@pytest.fixture
def two_projects(tmp_path):
    song = tmp_path / "s.wav"
    write_click_song(song, bpm=120.0, sections=(("verse", 4, 146.8, 0.7),))
    store = ProjectStore(tmp_path / "projects")
    return store, store.create(song, analyse_song, title="One"), store.create(song, analyse_song, title="Two")


@pytest.mark.parametrize("ref", TRAVERSALS)
def test_project_ids_never_escape(two_projects, ref):
    store, _, _ = two_projects
    try:
        folder = store.folder(ref)
    except ShotcallerError:
        return
    assert folder.parent == store.root  # only a real project folder resolves


@pytest.mark.parametrize("name", TRAVERSALS)
def test_inside_refuses_escapes(tmp_path, name):
    try:
        target = inside(tmp_path, name)
    except (ShotcallerError, ValueError):
        return
    assert tmp_path.resolve() in [target, *target.parents]


@pytest.mark.parametrize("fmt", ["../../evil", "json/../../x", "/etc/passwd", "csv\x00"])
def test_export_tool_arguments_cannot_name_paths(two_projects, fmt):
    store, one, _ = two_projects
    with pytest.raises(ShotcallerError, match="not supported"):
        ProjectTools(store, one.id).export(fmt)


def test_tool_arguments_cannot_reach_another_project(two_projects):
    store, one, two = two_projects
    tools = ProjectTools(store, one.id)
    tools.update_brief(meaning="x")
    with pytest.raises(ShotcallerError):
        tools.revise_shots([ShotPatch(shot=f"../{two.id}/1", changes={"prompt": "pwned"})])
    assert store.load(two.id).version == 1


def test_uploaded_file_names_do_not_matter(tmp_path):
    evil = tmp_path / "..%2f..%2fevil name;rm -rf.wav"
    write_click_song(evil, bpm=120.0, sections=(("verse", 2, 146.8, 0.7),))
    store = ProjectStore(tmp_path / "projects")
    p = store.create(evil, analyse_song)
    folder = store.folder(p.id)
    assert p.song.path == "media/song.wav" and (folder / "media" / "song.wav").is_file()
    assert folder.parent == store.root


def test_api_keys_never_reach_files(two_projects, monkeypatch):
    store, one, _ = two_projects
    monkeypatch.setenv("OPENAI_API_KEY", "sk-super-secret-key")
    from assistant.llm import resolve_provider

    provider = resolve_provider("openai:gpt")
    assert "sk-super" not in repr(provider) and "sk-super" not in provider.describe()
    tools = ProjectTools(store, one.id)
    tools.update_brief(meaning="x")
    for fmt in ("json", "csv", "otio", "md"):
        tools.export(fmt)
    for f in store.folder(one.id).rglob("*"):
        if f.is_file() and f.suffix != ".wav":
            assert b"sk-super" not in f.read_bytes(), f
    assert "sk-super" not in json.dumps(store.load(one.id).model_dump())
