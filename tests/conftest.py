"""Shared fixtures: an isolated SHOTCALLER_HOME per test, the fixture song, synthetic songs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DIR = ROOT.parent / "shared" / "fixtures" / "songs" / "chaos_god"
if not FIXTURE_DIR.is_dir():  # CI clones main with shared/ beside it
    FIXTURE_DIR = Path(os.environ.get("SHOTCALLER_FIXTURES", "/work/shared/fixtures/songs/chaos_god"))

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from shotlist.paths import numba_cache  # noqa: E402

os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache()))

SHOTCALLER = str(Path(sys.executable).with_name("shotcaller"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SHOTCALLER_HOME", str(home))
    # share the (content-addressed) analysis cache between tests: same bytes, same analysis
    shared_cache = Path(os.environ.get("SHOTCALLER_TEST_CACHE", ROOT / ".cache" / "test-analysis"))
    shared_cache.mkdir(parents=True, exist_ok=True)
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "analysis").symlink_to(shared_cache, target_is_directory=True)
    return home


@pytest.fixture(scope="session")
def fixture_song() -> Path:
    path = FIXTURE_DIR / "song.ogg"
    if not path.is_file():
        pytest.fail(f"fixture song missing at {path}: shared/ must sit beside the checkout")
    return path


@pytest.fixture(scope="session")
def fixture_lrc() -> Path:
    return FIXTURE_DIR / "lyrics.lrc"


@pytest.fixture(scope="session")
def click_wav(tmp_path_factory):
    """A synthetic 120 BPM song with known beats and sections."""
    from shotlist.synth import write_click_song

    path = tmp_path_factory.mktemp("songs") / "click120.wav"
    beats, spans = write_click_song(path, bpm=120.0)
    return path, beats, spans


@pytest.fixture
def chaos_god(fixture_song, fixture_lrc):
    """A new project on the fixture song, in the test's own store: (store, project id)."""
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    store = ProjectStore()
    p = store.create(fixture_song, lambda path: analyse_song(path, lyrics=fixture_lrc), title="Chaos God")
    return store, p.id


@pytest.fixture
def built(monkeypatch):
    """Every `ProjectEditor` constructed while the test runs (one editor per session or command)."""
    from shotlist.editor import ProjectEditor

    made: list[ProjectEditor] = []
    real = ProjectEditor.__init__

    def init(self, *args, **kwargs):
        made.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(ProjectEditor, "__init__", init)
    return made
