"""The local director on llama.cpp's server: tiny random-weight Qwen3 models saved with `save_pretrained`,
turned into GGUF files by llama.cpp's own converter, served by the real `llama-server` (built from the
vendored source by `python -m assistant.local_runtime build`, which `make test` runs), driven by the
real agent; the GGUF download from a hub on 127.0.0.1; the default model on a CPU."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.phased import PhasedDirector
from assistant.phases import parts, sections_of
from assistant.llm import resolve_provider
from assistant.local_model import CPU_GGUF, CPU_MODEL, GPU_MODEL, default_model, fetch_command, hub_files
from assistant.local_runtime import server_binary
from assistant.local_server import LocalServer, shared_server
from assistant.session import open_director
from helpers import interview
from shotlist.errors import ShotcallerError

MEANING = "a lover asks for impossible tasks"
REPLY = "Noted. Why generated video?"
REPO = "shotcaller-tests/tiny-GGUF"

needs_llama_cpp = pytest.mark.skipif(server_binary() is None, reason="llama.cpp is not built here: run "
                                     "`python -m assistant.local_runtime build` (make test does)")


@pytest.fixture(scope="module")
def ggufs(tmp_path_factory):
    """{"garbage": tiny random Qwen3, "scripted": answers with an update_brief call, then REPLY} as f32 GGUF."""
    import tiny_llm

    root = tmp_path_factory.mktemp("gguf")
    tiny = tiny_llm.qwen3(root / "tiny-qwen3")
    scripted = tiny_llm.scripted(root / "scripted-qwen3", {"name": "update_brief", "arguments": {"meaning": MEANING}},
                                 REPLY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOTCALLER_LLM_MAX_TOKENS", "12")  # garbage, but short garbage
        yield {"garbage": tiny_llm.gguf(tiny), "scripted": tiny_llm.gguf(scripted),
               "q8_0": tiny_llm.gguf(tiny, outtype="q8_0")}
    shared_server().stop()
    shared_server().gguf = None  # the next user of the shared server gets transformers serve by default


def served_requests(server: LocalServer) -> int:
    """Completions llama-server finished (it logs each one's timings)."""
    return sum("print_timing" in line and "total time =" in line
               for line in server.log_path.read_text(errors="replace").splitlines())


@needs_llama_cpp
def test_a_whole_interview_on_llama_server_loses_no_turn(chaos_god, ggufs):
    store, pid = chaos_god
    model = str(ggufs["garbage"])
    director = open_director(store, pid, f"local:{model}")
    server = shared_server()
    assert isinstance(director, PhasedDirector) and server.healthy() and server.gguf == ggufs["garbage"]
    assert server.runtime == "llama.cpp llama-server" and server.base_url.startswith("http://127.0.0.1:")
    before_requests = served_requests(server)
    outcomes = interview(director)
    assert len(outcomes) == 4 and store.load(pid).version >= 1, outcomes
    calls = director.ledger.by_phase()  # the opening needs no model; each answer and each section does
    assert len(calls["interview"]) == 2 and calls["section"], (outcomes, [(c.phase, c.valid) for c in director.ledger.calls])
    assert served_requests(server) - before_requests == len(director.ledger.calls)
    # a second director (another studio session) shares the same server process
    pid_before, starts_before = server.process.pid, server.starts
    open_director(store, pid, f"local:{model}")
    assert server.process.pid == pid_before and server.starts == starts_before


@needs_llama_cpp
def test_a_random_model_under_the_schemas_completes_an_interview_a_plan_and_five_revisions(chaos_god, ggufs):
    """A random-weight model's words are noise; constrained by each phase's JSON schema (llama-server turns it
    into a grammar) every one of its replies parses and validates: 100 % of the calls, none repaired."""
    store, pid = chaos_god
    director = open_director(store, pid, f"local:{ggufs['garbage']}")
    assert isinstance(director, PhasedDirector)
    director.opening()
    for answer in ("It is about a lover who asks for impossible tasks.", "A tailor stitches a shirt out of fog."):
        assert list(director.turn(answer))[-1].final
    assert list(director.turn("/plan"))[-1].final
    project = store.load(pid)
    assert project.shots and "unusable" not in director.conversation.messages[-1].content
    for n in range(5):  # requests guided mode's parser cannot map: each one goes to the model
        before = len(director.ledger.by_phase().get("revision", []))
        assert list(director.turn(f"shot {n + 2} should feel like a paper boat in fog"))[-1].final
        assert len(director.ledger.by_phase()["revision"]) == before + 1
    phases = director.ledger.by_phase()
    assert len(phases["interview"]) == 2 and len(phases["revision"]) == 5
    # the opening read the interview prompt into the server's cache; the plan, and each change to it, the
    # revision prompt with the plan in it: every call found its system prompt there and read only what is new
    calls = director.ledger.calls
    assert calls[0].phase == "prefix" and phases["interview"][0].cached_tokens >= calls[0].prompt_tokens - 8
    for i, c in enumerate(calls):
        if c.phase == "revision":
            warmed = next(p for p in reversed(calls[:i]) if p.phase == "prefix")
            assert c.cached_tokens >= warmed.prompt_tokens - 8, [(x.phase, x.prompt_tokens, x.cached_tokens) for x in calls]
            # the artist's words and the template around them (this tiny vocabulary splits words finely)
            assert c.prompt_tokens - c.cached_tokens <= 64 and c.prompt_tokens <= 1500
    # a section call per part of each section (a long one in parts): every call of every phase within budget
    assert max(c.prompt_tokens for c in calls) <= 1500, [(x.phase, x.prompt_tokens) for x in calls]
    assert len(phases["section"]) == sum(len(parts(n)) for _, n in sections_of(project.shots))
    assert all(c.valid for c in director.ledger.calls), [(c.phase, c.valid) for c in director.ledger.calls]


@needs_llama_cpp
def test_quantized_weights_are_served_on_this_cpu(chaos_god, ggufs):
    """Q8_0 weights (the default model's type) reach llama.cpp's AMX kernels on a CPU with AMX, which crash
    the server at its first matrix product (the real-shape 1.7B file did at load); the server runs them
    without repacking there, so the reply comes back valid."""
    store, pid = chaos_god
    director = open_director(store, pid, f"local:{ggufs['q8_0']}")
    starts = shared_server().starts
    director.opening()
    assert list(director.turn("It is about a lover who asks for impossible tasks."))[-1].final
    assert shared_server().healthy() and shared_server().starts == starts
    assert [c.valid for c in director.ledger.by_phase()["interview"]] == [True]


def test_the_server_keeps_quantized_weights_off_the_amx_kernels_only_on_an_amx_cpu(monkeypatch):
    from assistant import local_runtime

    assert local_runtime.has_amx({"avx512f", "amx_bf16", "amx_tile", "amx_int8"})
    assert not local_runtime.has_amx({"avx2", "avx512f"}) and not local_runtime.has_amx(set())
    monkeypatch.setattr(local_runtime, "has_amx", lambda: True)
    assert local_runtime.no_repack_args() == ["--no-repack"]
    assert local_runtime.no_repack_args("llama-bench") == ["--repack", "0"]
    monkeypatch.setattr(local_runtime, "has_amx", lambda: False)
    assert local_runtime.no_repack_args() == []


@needs_llama_cpp
def test_a_tool_call_goes_through_llama_servers_parser_and_the_agent(chaos_god, ggufs, monkeypatch):
    """The model writes `<tool_call>{…}</tool_call>`; llama-server parses it with the chat template's
    format (`--jinja`) into a streamed OpenAI tool call; the agent (chosen for a local model with
    SHOTCALLER_DIRECTOR=agent) runs the tool and streams the answer."""
    import openai

    monkeypatch.setenv("SHOTCALLER_DIRECTOR", "agent")
    store, pid = chaos_god
    director = open_director(store, pid, f"local:{ggufs['scripted']}")
    assert shared_server().gguf == ggufs["scripted"]  # the server now serves this file instead
    # the server itself turns the model's text into a streamed OpenAI tool call (no repair on our side)
    client = openai.OpenAI(base_url=shared_server().base_url, api_key="local", max_retries=0, timeout=60)
    tool = {"type": "function", "function": {"name": "update_brief", "parameters": {
        "type": "object", "properties": {"meaning": {"type": "string"}}}}}
    deltas = [c.choices[0].delta for c in client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "hi"}], tools=[tool], stream=True) if c.choices]
    calls = [t for d in deltas for t in d.tool_calls or []]
    assert calls and calls[0].function.name == "update_brief" and not "".join(d.content or "" for d in deltas)
    assert json.loads("".join(t.function.arguments or "" for t in calls)) == {"meaning": MEANING}
    replies = list(director.turn("It is about a lover who asks for impossible tasks."))
    assert store.load(pid).brief.meaning == MEANING
    assert replies[-1].text == REPLY and any(s.startswith("update_brief: brief updated") for s in replies[-1].steps)
    assert "".join(r.text for r in replies if not r.final).strip() == REPLY  # streamed, no tool markup
    with pytest.raises(ShotcallerError, match="could not give a usable answer.*propose_shot_list.*nothing was lost"):
        list(director.plan())  # never calls propose_shot_list: reminded, then one clear line
    assert [m.content for m in director.conversation.messages][-1] == REPLY and store.load(pid).shots == []


@needs_llama_cpp
def test_a_crashed_llama_server_is_restarted_once_and_the_turn_retried(chaos_god, ggufs, monkeypatch):
    monkeypatch.setenv("SHOTCALLER_DIRECTOR", "agent")  # the scripted model writes a tool call
    store, pid = chaos_god
    director = open_director(store, pid, f"local:{ggufs['scripted']}")
    server = shared_server()
    starts, dead = server.starts, server.process
    os.kill(dead.pid, signal.SIGKILL)  # the wrapper: llama-server dies with it
    dead.wait(timeout=30)
    replies = list(director.turn("It is about a lover who asks for impossible tasks."))
    assert replies[-1].text == REPLY and store.load(pid).brief.meaning == MEANING
    assert server.starts == starts + 1 and server.healthy() and server.process.pid != dead.pid


@needs_llama_cpp
def test_an_idle_llama_server_unloads_its_model_and_reloads_it_for_the_next_turn(tmp_path, ggufs):
    import urllib.request

    import openai

    server = LocalServer(log=tmp_path / "server.log")
    server.model_idle_s = 1
    try:
        url = server.ensure(ggufs["scripted"])

        def sleeping() -> bool:
            with urllib.request.urlopen(url.removesuffix("/v1") + "/props", timeout=5) as r:
                return json.load(r)["is_sleeping"]

        deadline = time.monotonic() + 30
        while not sleeping() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sleeping() and server.healthy()  # unloaded, still answering /health: no restart needed
        client = openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=60)
        tool = {"type": "function", "function": {"name": "update_brief", "description": "Record the brief.",
                                                 "parameters": {"type": "object", "properties": {
                                                     "meaning": {"type": "string"}}}}}
        answer = client.chat.completions.create(model="local", messages=[{"role": "user", "content": "hi"}],
                                                tools=[tool])
        assert answer.choices[0].message.tool_calls, answer.model_dump()  # reloaded on demand
        assert server.starts == 1
    finally:
        server.stop()


@needs_llama_cpp
def test_a_broken_gguf_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    server = LocalServer(log=tmp_path / "server.log")
    with pytest.raises(ShotcallerError, match=r"the local LLM server \(llama.cpp llama-server\) exited at start: .*"
                                              r"see .*server.log, or use --llm offline"):
        server.ensure(bad)
    assert server.process is None


CHILD = """
import sys, time
from pathlib import Path
from assistant.local_server import shared_server
server = shared_server()
server.ensure(Path(sys.argv[2]))
print(server.process.pid, flush=True)
if sys.argv[1] == "wait":
    time.sleep(600)
"""


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(x) for x in (task / "children").read_text().split()]
    return out


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@needs_llama_cpp
def test_llama_server_stops_with_the_app_even_when_the_app_is_killed(tmp_path, ggufs):
    env = dict(os.environ, SHOTCALLER_HOME=str(tmp_path))
    model = str(ggufs["garbage"])
    exiting = subprocess.Popen([sys.executable, "-c", CHILD, "exit", model], stdout=subprocess.PIPE, text=True, env=env)
    killed = subprocess.Popen([sys.executable, "-c", CHILD, "wait", model], stdout=subprocess.PIPE, text=True, env=env)
    wrappers = [int(exiting.stdout.readline()), int(killed.stdout.readline())]
    servers = children(wrappers[1])  # the llama-server process itself, under its wrapper
    assert servers and all(Path(f"/proc/{p}/exe").resolve().name == "llama-server" for p in servers)
    assert exiting.wait(timeout=60) == 0  # a normal exit: atexit stops the server
    killed.kill()  # SIGKILL: no atexit; the wrapper notices its parent is gone
    killed.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(alive(p) for p in wrappers + servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in wrappers + servers)


def test_a_cpu_gets_the_gguf_model_when_llama_cpp_is_built(monkeypatch):
    monkeypatch.delenv("SHOTCALLER_LOCAL_MODEL", raising=False)
    monkeypatch.delenv("SHOTCALLER_LOCAL_RUNTIME", raising=False)
    assert default_model(gpu_gb=0.0, llama_cpp=True) == CPU_GGUF
    assert default_model(gpu_gb=0.0, llama_cpp=False) == CPU_MODEL  # not built: transformers serve
    assert default_model(gpu_gb=24.0, llama_cpp=True) == GPU_MODEL  # a CUDA GPU keeps transformers serve
    assert default_model(gpu_gb=8.0, llama_cpp=True) == CPU_MODEL
    monkeypatch.setenv("SHOTCALLER_LOCAL_RUNTIME", "transformers")
    assert default_model(gpu_gb=0.0) == CPU_MODEL
    assert hub_files(CPU_GGUF) == ("Qwen/Qwen3-1.7B-GGUF", ["Qwen3-1.7B-Q8_0.gguf"])
    assert fetch_command(CPU_GGUF) == "hf download Qwen/Qwen3-1.7B-GGUF Qwen3-1.7B-Q8_0.gguf"
    assert resolve_provider(f"local:{CPU_GGUF}").model == CPU_GGUF
    with pytest.raises(ShotcallerError, match="ORG/REPO/FILE.gguf, not 'model.gguf'"):
        hub_files("model.gguf")


def test_without_llama_cpp_a_gguf_model_says_how_to_build_it(tmp_path, monkeypatch):
    from assistant.local_runtime import server_command

    if server_binary() is not None:
        monkeypatch.setenv("SHOTCALLER_LOCAL_CONTEXT", "lots")
        with pytest.raises(ShotcallerError, match="SHOTCALLER_LOCAL_CONTEXT must be a number of tokens, not 'lots'"):
            server_command(8000, tmp_path / "m.gguf", 1)
        monkeypatch.delenv("SHOTCALLER_LOCAL_CONTEXT")
    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_DIR", str(tmp_path / "none"))
    with pytest.raises(ShotcallerError, match=r"m.gguf is a GGUF model, .*not built here: run "
                                              r"`python -m assistant.local_runtime build`"):
        server_command(8000, tmp_path / "m.gguf", 1)


@needs_llama_cpp
def test_the_cli_downloads_a_gguf_file_and_serves_it(ggufs, tmp_path, chaos_god):
    """`shotcaller chat --llm local:ORG/REPO/FILE.gguf` on first use, against a hub on 127.0.0.1 whose
    repository holds several files: only the named GGUF is fetched (size first), into the HF cache, and
    llama-server serves it to the director."""
    from conftest import SHOTCALLER
    from fake_hub import FakeHub

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "tiny.f32.gguf").write_bytes(ggufs["scripted"].read_bytes())
    (repo / "tiny.q8.gguf").write_bytes(b"\0" * 4096)  # another quantisation, not asked for
    (repo / "README.md").write_text("tiny")
    model = f"{REPO}/tiny.f32.gguf"
    hub = FakeHub({REPO: repo}).start()
    _, pid = chaos_god
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / "home"))
    try:
        out = subprocess.run([SHOTCALLER, "chat", pid, "--llm", f"local:{model}"],
                             input="It is about a lover who asks for impossible tasks.\n/quit\n", env=env,
                             capture_output=True, text=True, timeout=300)
    finally:
        hub.stop()
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-3000:]
    size = ggufs["scripted"].stat().st_size
    assert f"Downloading the local director model {model}: {size / 1e6:.1f} MB in 1 file," in out.stderr
    fetched = [p for m, p, _ in hub.requests if m == "GET" and ("/resolve/" in p or "/cdn/" in p)]
    assert len(fetched) == 1 and "tiny.f32.gguf" in fetched[0]
    cached = list((tmp_path / "home" / "hub" / "models--shotcaller-tests--tiny-GGUF").rglob("tiny.f32.gguf"))
    assert len(cached) == 1 and cached[0].read_bytes() == ggufs["scripted"].read_bytes()
    # served: the phased director's interview reply (a schema-valid filing) came from the model
    assert f"[local:{model} at http://127.0.0.1:" in out.stdout and "· brief updated (" in out.stdout


def test_the_build_is_skipped_once_done_and_unpacks_only_the_vendored_source(tmp_path, monkeypatch):
    import tarfile

    from assistant import local_runtime

    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_DIR", str(tmp_path / "rt"))
    sdist = tmp_path / "llama_cpp_python-0.3.36.tar.gz"
    tree = tmp_path / "tree" / "llama_cpp_python-0.3.36"
    (tree / "vendor" / "llama.cpp").mkdir(parents=True)
    (tree / "vendor" / "llama.cpp" / "convert_hf_to_gguf.py").write_text("# converter")
    (tree / "llama_cpp" / "__init__.py").parent.mkdir()
    (tree / "llama_cpp" / "__init__.py").write_text("# bindings, not needed")
    with tarfile.open(sdist, "w:gz") as tar:
        tar.add(tree, arcname=tree.name)
    src = local_runtime._unpack(sdist, tmp_path / "work")
    assert (src / "convert_hf_to_gguf.py").read_text() == "# converter"
    assert not (tmp_path / "work" / tree.name / "llama_cpp").exists()
    # no compiler: one line saying what to install, before anything is downloaded
    monkeypatch.setattr(local_runtime.shutil, "which", lambda name: None)
    with pytest.raises(ShotcallerError, match="building llama.cpp needs cmake and c\\+\\+: install them"):
        local_runtime.build(say=lambda s: None, sdist=sdist)
    # built already: nothing to do, whatever the tools
    for name in local_runtime.TARGETS:
        exe = tmp_path / "rt" / "bin" / name
        exe.parent.mkdir(parents=True, exist_ok=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    (tmp_path / "rt" / "src").mkdir()
    (tmp_path / "rt" / "src" / "convert_hf_to_gguf.py").write_text("")
    said: list[str] = []
    assert local_runtime.build(say=said.append) == tmp_path / "rt"
    assert said == [f"llama.cpp {local_runtime.VERSION} already built in {tmp_path / 'rt'}"]


def test_a_second_build_waits_for_the_first_and_then_finds_it_done(tmp_path, monkeypatch):
    """`make run` builds in the background; a `make test` started meanwhile must not build beside it."""
    import fcntl
    import threading

    from assistant import local_runtime

    root = tmp_path / "rt"
    monkeypatch.setenv("SHOTCALLER_LLAMA_CPP_DIR", str(root))
    monkeypatch.setattr(local_runtime, "_build", lambda *a: pytest.fail("built a second time"))
    root.mkdir()
    said: list[str] = []
    with open(root / ".build.lock", "w") as first:  # the first build holds the lock
        fcntl.flock(first, fcntl.LOCK_EX)
        second = threading.Thread(target=local_runtime.build, kwargs={"say": said.append})
        second.start()
        for _ in range(200):  # at most 10 s for it to say it waits
            if said:
                break
            second.join(0.05)
        assert said == [f"another llama.cpp build is running in {root}: waiting for it"] and second.is_alive()
        for name in local_runtime.TARGETS:  # the first build finishes
            exe = root / "bin" / name
            exe.parent.mkdir(exist_ok=True)
            exe.write_text("#!/bin/sh\n")
            exe.chmod(0o755)
        (root / "src").mkdir()
        (root / "src" / "convert_hf_to_gguf.py").write_text("")
    second.join(10)
    assert not second.is_alive() and said[-1] == f"llama.cpp {local_runtime.VERSION} already built in {root}"


def test_offline_a_gguf_model_gives_guided_mode_and_the_command_for_that_one_file(chaos_god, monkeypatch):
    from assistant.guided import GuidedDirector

    store, pid = chaos_god
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SHOTCALLER_HUB_ONLINE", raising=False)
    director = open_director(store, pid, f"local:{REPO}/absent.Q8_0.gguf")
    assert isinstance(director, GuidedDirector)
    assert f"`hf download {REPO} absent.Q8_0.gguf`" in director.provider and "HF_HUB_OFFLINE=1" in director.provider


def test_the_idle_stop_never_ends_a_server_in_the_middle_of_a_request():
    """A section on a slow CPU can take longer than the idle stop: the server was killed mid-request and
    the call retried from the start; idle time now counts from the end of the last request."""
    server = LocalServer(idle_stop_s=0.2)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server.process = process
    try:
        with server.busy():
            server._watch()
            time.sleep(1.0)
            assert server.process is process and process.poll() is None
        time.sleep(1.0)
        assert server.process is None and process.poll() is not None
    finally:
        process.kill()
        process.wait()
