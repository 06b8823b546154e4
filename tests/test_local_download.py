"""The local director's first download, for real: `huggingface_hub` (our `fetch`) against a Hugging Face
hub on 127.0.0.1 (tests/fake_hub.py) that serves a tiny saved model, with `HF_ENDPOINT` pointing at it
and a fresh HF cache. huggingface_hub reads `HF_ENDPOINT` when it is imported, so each download runs in
a child process started with that environment, as the CLI and the studio would be.
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fake_hub import FakeHub

MODEL = "shotcaller-tests/tiny-qwen3"
BIG = "shotcaller-tests/big"
SCRIPTED = "shotcaller-tests/scripted-qwen3"  # answers with a tool call, then REPLY
MEANING = "a lover asks for impossible tasks"
REPLY = "Noted. Why generated video?"
MB = 2**20

CHILD = r"""
import json, sys
from assistant.local_model import DownloadProgress, fetch
from shotlist.errors import ShotcallerError

progress, said, seen = DownloadProgress(), [], []
out = {"said": said}
Bar = progress.bar

class Recording(Bar):  # what a front end would draw, sampled at every update
    def update(self, n=1):
        shown = super().update(n)
        seen.append(progress.done)
        return shown

def say(text):
    said.append(text)
    out["bytes_when_said"] = progress.done
    progress.say(text)

try:
    out["folder"] = str(fetch(sys.argv[1], say=say, tqdm_class=Recording))
except ShotcallerError as e:
    out.update(error=str(e), kind=type(e).__name__)
out.update(seen=seen, total=progress.total, describe=progress.describe())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, Path]:
    import tiny_llm
    from safetensors.numpy import save_file
    import numpy as np

    root = tmp_path_factory.mktemp("hub-repos")
    tiny = tiny_llm.qwen3(root / "tiny")
    scripted = tiny_llm.scripted(root / "scripted", {"name": "update_brief", "arguments": {"meaning": MEANING}},
                                 REPLY)
    big = root / "big"  # 24 MB of weights: more than the client's 10 MB write chunk, to see it resume
    big.mkdir()
    (big / "config.json").write_text('{"model_type": "qwen3"}')
    save_file({"w": np.random.default_rng(0).standard_normal(6 * MB, dtype=np.float32)},
              str(big / "model.safetensors"))
    return {MODEL: tiny, BIG: big, SCRIPTED: scripted}


@pytest.fixture
def hub(repos):
    hub = FakeHub(repos).start()
    yield hub
    hub.stop()


def fetch_in_child(hub_url: str, home: Path, model: str, **env: str) -> dict:
    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "SHOTCALLER_LOCAL_MODEL")}
    child_env.update(HF_ENDPOINT=hub_url, HF_HOME=str(home), **env)
    out = subprocess.run([sys.executable, "-c", CHILD, model], env=child_env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def file_gets(hub: FakeHub) -> list[str]:
    return [p for m, p, _ in hub.requests if m == "GET" and ("/resolve/" in p or "/cdn/" in p)]


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return names == sorted(p.name for p in b.iterdir()) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def test_first_use_states_the_size_shows_progress_and_fills_the_hf_cache(hub, repos, tmp_path):
    r = fetch_in_child(hub.url, tmp_path / "home", MODEL)
    size = sum(p.stat().st_size for p in repos[MODEL].iterdir())
    assert "error" not in r, r
    folder = Path(r["folder"])
    # the ordinary HF cache layout, so `hf download` / transformers find the same files
    assert folder.parent.parent == tmp_path / "home" / "hub" / "models--shotcaller-tests--tiny-qwen3"
    assert same_files(folder, repos[MODEL])
    # the size is stated once, before any byte is fetched
    assert len(r["said"]) == 1 and f"{MODEL}: {size / 1e6:.1f} MB in 6 files" in r["said"][0]
    assert r["bytes_when_said"] == 0
    assert r["total"] == size
    # progress moves forward, ending at the whole size
    assert r["seen"] == sorted(r["seen"]) and r["seen"][-1] == size and len(set(r["seen"])) > 2
    assert "Downloaded the local director model" in r["describe"]
    assert len(file_gets(hub)) == 6
    # a second start finds the model in the cache: nothing asked of the hub
    before = len(hub.requests)
    again = fetch_in_child(hub.url, tmp_path / "home", MODEL)
    assert again["folder"] == r["folder"] and again["said"] == [] and len(hub.requests) == before


def test_a_connection_dropped_mid_file_resumes_where_it_stopped(hub, repos, tmp_path):
    size = (repos[BIG] / "model.safetensors").stat().st_size
    hub.drop["model.safetensors"] = [15 * MB]  # the first GET is cut 15 MB in
    r = fetch_in_child(hub.url, tmp_path / "home", BIG)
    assert "error" not in r, r
    assert same_files(Path(r["folder"]), repos[BIG])
    # the client asked for the rest from the last 10 MB chunk it had written, not from the start
    assert hub.gets("model.safetensors") == [None, f"bytes={10 * MB}-"]
    assert hub.bytes_sent < size + 6 * MB
    assert r["seen"][-1] == size + (repos[BIG] / "config.json").stat().st_size


def test_a_download_that_stops_keeps_the_finished_files_and_says_how_to_fetch(hub, repos, tmp_path):
    hub.drop["model.safetensors"] = [3 * MB] + [0] * 6  # cut, then every retry fails: the client gives up
    r = fetch_in_child(hub.url, tmp_path / "home", BIG)
    assert r["kind"] == "LocalModelUnavailable"
    assert f"`hf download {BIG}`" in r["error"] and "guided mode meanwhile" in r["error"]
    assert "the download stopped" in r["error"] and "kept" in r["error"]
    config_gets = len(hub.gets("config.json"))
    assert config_gets == 1
    # next time: only the missing file is fetched
    again = fetch_in_child(hub.url, tmp_path / "home", BIG)
    assert "error" not in again and same_files(Path(again["folder"]), repos[BIG])
    assert len(hub.gets("config.json")) == config_gets
    assert again["total"] == (repos[BIG] / "model.safetensors").stat().st_size


def test_not_enough_disk_space_refuses_before_any_byte(repos, tmp_path):
    hub = FakeHub(repos, claims={"model.safetensors": 10**15}).start()  # the hub says: 1 PB of weights
    try:
        r = fetch_in_child(hub.url, tmp_path / "home", BIG)
    finally:
        hub.stop()
    assert r["kind"] == "ShotcallerError" and "not enough disk space" in r["error"]
    assert "1050000.0 GB" in r["error"] and "HF_HOME" in r["error"] and str(tmp_path / "home") in r["error"]
    assert file_gets(hub) == []
    assert r["said"] == []


def test_offline_a_hub_that_is_down_and_an_unknown_model_each_say_what_to_do(hub, repos, tmp_path):
    offline = fetch_in_child(hub.url, tmp_path / "home", MODEL, HF_HUB_OFFLINE="1")
    assert offline["kind"] == "LocalModelUnavailable" and "HF_HUB_OFFLINE=1 is set" in offline["error"]
    assert f"`hf download {MODEL}`" in offline["error"] and not hub.requests
    unknown = fetch_in_child(hub.url, tmp_path / "home", "org/no-such-model")
    assert unknown["kind"] == "ShotcallerError" and "has no open model named org/no-such-model" in unknown["error"]
    url = hub.url
    hub.stop()  # nothing listens there any more
    down = fetch_in_child(url, tmp_path / "home", MODEL)
    assert down["kind"] == "LocalModelUnavailable" and "cannot be reached" in down["error"]
    assert f"`hf download {MODEL}`" in down["error"] and "guided mode meanwhile" in down["error"]



def test_the_studio_shows_the_download_then_the_director_answers_from_the_cache(chaos_god, repos, tmp_path,
                                                                                monkeypatch):
    """The studio in this process: huggingface_hub was imported before HF_ENDPOINT could be set here, so
    its endpoint and cache constants are set as HF_ENDPOINT / HF_HOME would have set them at import."""
    from huggingface_hub import constants

    from assistant.local_server import shared_server
    from ui.handlers import Session, Studio

    folder = repos[SCRIPTED]
    hub = FakeHub({SCRIPTED: folder}).start()
    hub.pause_s = 0.05  # about 2 s for the whole model: the bar is drawn while it runs
    home = tmp_path / "home"
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_HOME", str(home))  # for the server process, which loads the model from this cache
    monkeypatch.setenv("SHOTCALLER_HUB_ONLINE", "1")  # as `shotcaller ui` says when the artist did not ask offline
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setenv("SHOTCALLER_DIRECTOR", "agent")  # the scripted model answers with a tool call
    shared_server().stop()
    store, pid = chaos_god
    studio, session = Studio(store), Session()
    session, _ = studio.open(session, pid)
    session.llm = f"local:{SCRIPTED}"
    studio.opening(session)
    assert f"downloads the local director model {SCRIPTED} once" in session.chat[-1]["content"]
    assert not hub.requests  # nothing fetched before the artist talks
    studio.submit(session, "It is about a lover who asks for impossible tasks.")
    shown: list[str] = []
    try:
        for _ in studio.drain(session):
            shown += [m["content"] for m in session.chat if "local director model" in m["content"]][-1:]
    finally:
        hub.stop()
        shared_server().stop()
    size = sum(p.stat().st_size for p in folder.iterdir())
    bars = [s for s in shown if "▱" in s or "▰" in s]
    assert bars and all(f"{SCRIPTED}: {size / 1e6:.1f} MB in 6 files" in s for s in bars)
    percents = [int(s.rsplit("(", 1)[1].rstrip("%)")) for s in bars]
    assert percents == sorted(percents)
    assert shown[-1] == f"Downloaded the local director model {SCRIPTED} ({size / 1e6:.1f} MB)."
    # then the real server loaded it from the cache, and the turn went through the agent
    assert store.load(pid).brief.meaning == MEANING
    assert [m["content"] for m in session.chat if m["role"] == "assistant"][-1] == REPLY


def test_the_cli_states_the_size_and_shows_the_hubs_bars(hub, repos, tmp_path, chaos_god):
    """`shotcaller chat --llm local:MODEL` on first use: the size line, then huggingface_hub's own bars
    (forced on with the hub's TQDM_POSITION=-1, since stderr is a pipe here), then the director."""
    from conftest import SHOTCALLER

    _, pid = chaos_god
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / "home"), TQDM_POSITION="-1",
               SHOTCALLER_DIRECTOR="agent")  # the scripted model's greeting comes through the agent
    out = subprocess.run([SHOTCALLER, "chat", pid, "--llm", f"local:{SCRIPTED}"], input="/quit\n", env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-3000:]
    size = sum(p.stat().st_size for p in repos[SCRIPTED].iterdir())
    said = out.stderr.index(f"Downloading the local director model {SCRIPTED}: {size / 1e6:.1f} MB in 6 files")
    assert "[dry-run]" not in out.stderr  # the size line is the first thing shown
    assert "Fetching 6 files: 100%" in out.stderr[said:] and "Reconstruction complete: 100%" in out.stderr[said:]
    assert f"[local:{SCRIPTED} at http://127.0.0.1:" in out.stdout and REPLY in out.stdout


def test_with_progress_says_when_a_download_stopped_and_passes_the_result_through(monkeypatch):
    """The studio's driver of a download (what it shows in place, line by line), on a plan whose
    transfer stops half-way, and on a build that fails."""
    from assistant.local_model import DownloadPlan, with_progress

    def stops(say, tqdm_class):
        tqdm_class.progress.plan(DownloadPlan("org/m", 4_000_000_000, 4_000_000_000, 2))
        say("Downloading the local director model org/m: 4.0 GB in 2 files")
        with tqdm_class(total=4_000_000_000, unit="B") as bar:
            bar.update(1_500_000_000)
        return "guided director"

    steps = with_progress(stops, every_s=0.01)
    lines = []
    try:
        while True:
            lines.append(next(steps))
    except StopIteration as done:
        assert done.value == "guided director"
    assert lines[-1] == ("The download of the local director model org/m stopped at 1.5 GB of 4.0 GB; the files "
                         "already fetched are kept for next time. Guided mode meanwhile.")

    def fails(say, tqdm_class):
        raise ValueError("no such project")

    with pytest.raises(ValueError, match="no such project"):
        list(with_progress(fails, every_s=0.01))

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SHOTCALLER_HUB_ONLINE", raising=False)

    def offline(say, tqdm_class):  # as open_director does: fetch fails, guided mode meanwhile
        from assistant.local_model import LocalModelUnavailable, fetch

        try:
            fetch("org/absent", say=say, tqdm_class=tqdm_class)
        except LocalModelUnavailable:
            return "guided director"

    assert list(with_progress(offline, every_s=0.01))[-1].startswith(
        "the local director model org/absent is not downloaded and cannot be fetched now (HF_HUB_OFFLINE=1 is set)")
