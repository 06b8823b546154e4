"""The local director: a tiny random-weight Qwen3 model saved with `save_pretrained`, served by the real
`transformers serve` on 127.0.0.1, driven by the real agent; the offline path; the download checks."""

from __future__ import annotations

import os
import signal
import sys
import subprocess
import time

import pytest

from assistant.agent import AgentDirector
from assistant.guided import GuidedDirector
from assistant.llm import resolve_provider
from assistant.local_model import CPU_MODEL, GPU_MODEL, DownloadPlan, check_disk, default_model, fetch
from assistant.local_server import (
    LocalServer,
    cpu_dtype,
    cpu_flags,
    cpu_threads,
    free_memory_gb,
    server_command,
    shared_server,
)
from assistant.session import open_director
from conftest import SHOTCALLER
from helpers import interview
from shotlist.errors import ShotcallerError

ABSENT = "shotcaller-tests/no-such-model"  # never in any cache
MEANING = "a lover asks for impossible tasks"
REPLY = "Noted. Why generated video?"


@pytest.fixture
def project(chaos_god):
    return chaos_god


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    import tiny_llm

    folder = tiny_llm.qwen3(tmp_path_factory.mktemp("llm") / "tiny-qwen3")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOTCALLER_LLM_MAX_TOKENS", "12")  # garbage, but short garbage
        mp.setenv("SHOTCALLER_DIRECTOR", "agent")  # these tests drive the agent on transformers serve
        yield folder
    shared_server().stop()


@pytest.fixture(scope="module")
def scripted_model(tmp_path_factory, tiny_model):
    """Served by the same server process as `tiny_model` (it loads models by name, on demand)."""
    import tiny_llm

    return tiny_llm.scripted(tmp_path_factory.mktemp("llm") / "scripted-qwen3",
                             {"name": "update_brief", "arguments": {"meaning": MEANING}}, REPLY)


def test_a_whole_interview_on_the_real_server_loses_no_turn(project, tiny_model):
    store, pid = project
    director = open_director(store, pid, f"local:{tiny_model}")
    server = shared_server()
    assert isinstance(director, AgentDirector) and server.healthy()
    assert director.provider == f"local:{tiny_model} at {server.base_url}" and server.base_url.startswith(
        "http://127.0.0.1:")
    outcomes = interview(director)
    assert len(outcomes) == 4 and store.load(pid).version >= 1  # the project is intact either way
    answered = server.log_path.read_text().count('"POST /v1/chat/completions HTTP/1.1" 200')
    assert answered >= 4  # every turn reached the model, corrections included
    # a second director (another studio session) shares the same server process
    pid_before, starts_before = server.process.pid, server.starts  # other test files may have started it before
    open_director(store, pid, f"local:{tiny_model}")
    assert server.process.pid == pid_before and server.starts == starts_before


def test_a_tool_call_from_the_model_goes_through_the_real_server_and_agent(project, scripted_model):
    """The model writes `<tool_call>{…}</tool_call>`; transformers serve parses it into a streamed
    OpenAI tool call; the agent runs the tool and streams the model's answer to the tool result."""
    store, pid = project
    director = open_director(store, pid, f"local:{scripted_model}")
    replies = list(director.turn("It is about a lover who asks for impossible tasks."))
    assert store.load(pid).brief.meaning == MEANING
    assert replies[-1].text == REPLY and any(s.startswith("update_brief: brief updated") for s in replies[-1].steps)
    assert "".join(r.text for r in replies if not r.final).strip() == REPLY  # streamed, no tool markup
    # /plan: this model never calls propose_shot_list: reminded twice, then one clear line, nothing recorded
    with pytest.raises(ShotcallerError, match="could not give a usable answer.*propose_shot_list.*nothing was lost"):
        list(director.plan())
    assert [m.content for m in director.conversation.messages][-1] == REPLY and store.load(pid).shots == []


def test_a_crashed_server_is_restarted_once_and_the_turn_retried(project, tiny_model):
    store, pid = project
    director = open_director(store, pid, f"local:{tiny_model}")
    server = shared_server()
    starts, dead = server.starts, server.process
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait(timeout=30)
    try:
        list(director.turn("Are you still there?"))
    except ShotcallerError as e:  # the model's garbage may still fail the review, but not the connection
        assert "could not be reached" not in str(e) and "nothing was lost" in str(e)
    assert server.starts == starts + 1 and server.healthy() and server.process.pid != dead.pid


def test_the_server_stops_when_idle(tiny_model):
    server = shared_server()
    server.ensure()
    server.idle_stop_s, server.last_used = 0.5, time.monotonic() - 60
    deadline = time.monotonic() + 60
    while server.process is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.process is None and not server.healthy()
    server.idle_stop_s = 1800.0


def test_on_a_cpu_the_server_leaves_one_core_to_its_event_loop(tiny_model, monkeypatch):
    from assistant.local_model import gpu_memory_gb

    server = shared_server()
    server.ensure()
    environ = dict(x.split("=", 1) for x in open(f"/proc/{server.process.pid}/environ").read().split("\0") if "=" in x)
    cores = len(os.sched_getaffinity(0))
    if gpu_memory_gb() is None and not os.environ.get("OMP_NUM_THREADS"):  # what the real server got
        assert environ["OMP_NUM_THREADS"] == str(max(1, cores - 1)) == str(server.threads)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert cpu_threads("cpu") == max(1, cores - 1) and cpu_threads("cuda:0") is None
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the artist's own setting wins
    assert cpu_threads("cpu") is None
    monkeypatch.setenv("SHOTCALLER_LOCAL_THREADS", "two")
    with pytest.raises(ShotcallerError, match="SHOTCALLER_LOCAL_THREADS must be a number of threads, not 'two'"):
        LocalServer()
    monkeypatch.setenv("SHOTCALLER_LOCAL_THREADS", "5")
    monkeypatch.setenv("SHOTCALLER_LOCAL_DTYPE", "float32")
    assert LocalServer().threads == 5 and "--dtype float32" in " ".join(server_command(8000))


def test_weights_dtype_follows_the_cpu(tmp_path, monkeypatch):
    cpuinfo, meminfo = tmp_path / "cpuinfo", tmp_path / "meminfo"
    cpuinfo.write_text("processor : 0\nflags : fpu sse2 avx2 fma\n")
    meminfo.write_text("MemTotal: 25000000 kB\nMemAvailable: 20000000 kB\n")
    flags, free = cpu_flags(str(cpuinfo)), free_memory_gb(str(meminfo))
    assert "avx2" in flags and 19 < free < 20
    assert cpu_dtype("cpu", flags, free) == "float32"  # emulated bf16: float32 reads prompts 3-5x faster
    assert cpu_dtype("cpu", flags | {"avx512_bf16"}, free) == "auto"  # native bf16: the weights as shipped
    assert cpu_dtype("cpu", flags, 8.0) == "auto"  # no room for float32 weights
    assert cpu_dtype("cuda:0", flags, free) == "auto"
    assert cpu_flags(str(tmp_path / "none")) == set() and free_memory_gb(str(tmp_path / "none")) == 0.0
    monkeypatch.delenv("SHOTCALLER_LOCAL_DTYPE", raising=False)
    assert f"--dtype {cpu_dtype('cpu')}" in " ".join(server_command(8000, device="cpu"))


def test_the_default_model_follows_the_hardware(monkeypatch):
    monkeypatch.delenv("SHOTCALLER_LOCAL_MODEL", raising=False)
    monkeypatch.delenv("SHOTCALLER_LLM_MAX_TOKENS", raising=False)
    assert default_model(gpu_gb=24.0) == GPU_MODEL and default_model(gpu_gb=10.0) == GPU_MODEL
    # an 8 GB card cannot hold the 4B model's 7.5 GiB of weights plus context and cache
    assert default_model(gpu_gb=7.99) == CPU_MODEL and default_model(gpu_gb=0.0, llama_cpp=False) == CPU_MODEL
    monkeypatch.setenv("SHOTCALLER_LOCAL_MODEL", "org/other")
    assert default_model(gpu_gb=24.0) == "org/other" and resolve_provider("local").model == "org/other"
    assert resolve_provider("local:org/x").model == "org/x" and resolve_provider("local").max_tokens == 1024


def test_offline_guided_mode_names_the_model_and_how_to_fetch_it(project, monkeypatch):
    store, pid = project
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    director = open_director(store, pid, f"local:{ABSENT}")
    assert isinstance(director, GuidedDirector)
    assert f"`hf download {ABSENT}`" in director.provider and "HF_HUB_OFFLINE=1" in director.provider
    # automatic choice: no key, no server answering, model not cached, hub offline -> guided, with the note
    for var in ("OPENAI_API_KEY", "SHOTCALLER_LLM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SHOTCALLER_LOCAL_MODEL", ABSENT)
    auto = resolve_provider(None)
    assert auto.kind == "offline" and f"hf download {ABSENT}" in auto.describe()


def test_no_network_in_the_real_cli_gives_guided_mode_and_the_fetch_command(project):
    store, pid = project
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["HF_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens: the hub cannot be reached
    out = subprocess.run([SHOTCALLER, "chat", pid, "--llm", f"local:{ABSENT}"], input="/quit\n", env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "guided mode" in out.stdout and f"hf download {ABSENT}" in out.stdout
    assert "cannot be reached" in out.stdout
    assert "Traceback" not in out.stderr


class RecordingHub:
    """The hub client at the network edge: answers the dry run with file sizes, records the download."""

    def __init__(self, sizes: dict[str, int], folder):
        self.sizes, self.folder, self.downloads = sizes, folder, []

    def snapshot_download(self, repo_id, allow_patterns=None, local_files_only=False, dry_run=False, tqdm_class=None):
        from huggingface_hub.file_download import DryRunFileInfo

        if local_files_only:
            from huggingface_hub.errors import LocalEntryNotFoundError

            raise LocalEntryNotFoundError("not cached")
        if dry_run:
            return [DryRunFileInfo(commit_hash="0" * 40, file_size=n, filename=f, local_path=str(self.folder / f),
                                   is_cached=False, will_download=True) for f, n in self.sizes.items()]
        self.downloads.append((repo_id, tqdm_class))
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "config.json").write_text("{}")
        (self.folder / "model.safetensors").write_bytes(b"\0" * 8)
        return str(self.folder)


def test_the_download_states_its_size_and_checks_the_disk_first(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOTCALLER_HUB_ONLINE", "1")  # as the CLI says when the artist did not ask for offline
    said: list[str] = []
    hub = RecordingHub({"config.json": 1_000, "model.safetensors": 3_400_000_000}, tmp_path / "snap")
    folder = fetch("org/model", say=said.append, hub=hub, folder=tmp_path, tqdm_class="BAR")
    assert folder == tmp_path / "snap" and hub.downloads == [("org/model", "BAR")]
    assert len(said) == 1 and "org/model: 3.4 GB in 2 files" in said[0] and "kept" in said[0]
    huge = RecordingHub({"model.safetensors": 10**16}, tmp_path / "huge")
    with pytest.raises(ShotcallerError, match=r"needs 10500000\.0 GB and .* free"):
        fetch("org/huge", say=said.append, hub=huge, folder=tmp_path)
    assert huge.downloads == [] and len(said) == 1  # nothing fetched, nothing announced
    assert DownloadPlan("m", 2_000_000_000, 0, 3).describe() == "m: 2.0 GB in 3 files, already cached"
    check_disk(DownloadPlan("m", 10, 10, 1), tmp_path / "not" / "made" / "yet")  # the nearest existing parent


CHILD = """
import sys, time
from assistant.local_server import LocalServer, cpu_threads, server_command, shared_server
server = shared_server()
server.ensure()
print(server.process.pid, flush=True)
if sys.argv[1] == "wait":
    time.sleep(600)
"""


def test_the_server_stops_with_the_app_even_when_the_app_is_killed(tmp_path):
    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return open(f"/proc/{pid}/stat").read().split()[2] != "Z" if os.path.exists(f"/proc/{pid}") else False

    env = dict(os.environ, SHOTCALLER_HOME=str(tmp_path))
    exiting = subprocess.Popen([sys.executable, "-c", CHILD, "exit"], stdout=subprocess.PIPE, text=True, env=env)
    killed = subprocess.Popen([sys.executable, "-c", CHILD, "wait"], stdout=subprocess.PIPE, text=True, env=env)
    servers = [int(exiting.stdout.readline()), int(killed.stdout.readline())]
    assert exiting.wait(timeout=60) == 0  # a normal exit: atexit stops the server
    killed.kill()  # SIGKILL: no atexit; the server notices its parent is gone
    killed.wait(timeout=30)
    deadline = time.monotonic() + 60
    while any(alive(p) for p in servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in servers)
