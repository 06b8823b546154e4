"""One local LLM server process for the whole app: the local director's OpenAI-compatible server.

    server = shared_server()                 # process-wide: every studio session talks to the same one
    base_url = server.ensure()               # transformers serve, on 127.0.0.1 at a free port, health-checked
    ChatOpenAI(base_url=base_url, model="/path/or/org/model", ...)
    base_url = server.ensure(gguf_file)      # llama.cpp's llama-server on that GGUF file instead

The server is an existing one: the one that ships with transformers (`transformers serve`, FastAPI +
uvicorn; it loads the model each request names), or llama.cpp's `llama-server` (C++, one GGUF file,
built by assistant/local_runtime.py), the default on a CPU. We only start it, check `/health`, and stop
it. It unloads an idle model by itself (`--model-timeout` / `--sleep-idle-seconds`); the
process itself stops after `SHOTCALLER_LOCAL_IDLE_S` seconds without a request, and with the app
(atexit). A server that died is restarted by `restart()`, once per failed turn (the agent retries).
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from shotlist.errors import ShotcallerError

HOST = "127.0.0.1"
START_TIMEOUT_S = 180.0  # importing torch + transformers on a busy laptop takes a while
MODEL_IDLE_S = 300  # the server unloads an idle model after this
PROCESS_IDLE_S = 1800.0  # and we stop the whole process after this


def free_port(host: str = HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


# `transformers serve`, started through a few lines that end it when its parent goes away, even on
# SIGKILL (a thread polls the parent pid; `preexec_fn` is unsafe in a threaded app such as the studio)
_BOOT = """import os, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv = ["transformers", *sys.argv[1:]]
from transformers.cli.transformers import main
main()
"""


def server_command(port: int, device: str = "auto", model_idle_s: int = MODEL_IDLE_S) -> list[str]:
    # thinking off by default: on a CPU a small model's reasoning costs minutes per turn
    reasoning = os.environ.get("SHOTCALLER_LOCAL_REASONING", "off")
    dtype = os.environ.get("SHOTCALLER_LOCAL_DTYPE") or cpu_dtype(device)
    return [sys.executable, "-c", _BOOT, "serve", "--host", HOST, "--port", str(port), "--device", device,
            "--dtype", dtype, "--reasoning", reasoning, "--model-timeout", str(model_idle_s),
            "--log-level", "warning"]


FLOAT32_MIN_FREE_GB = 16.0  # the CPU default's float32 weights (8.2 GB), its cache, the app and the OS


def _on_cpu(device: str) -> bool:
    if device == "auto":
        from .local_model import gpu_memory_gb

        return not gpu_memory_gb()
    return device.startswith("cpu")


def cpu_flags(path: str = "/proc/cpuinfo") -> set[str]:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return set()
    line = next((x for x in text.splitlines() if x.startswith(("flags", "Features"))), "")
    return set(line.partition(":")[2].split())


def free_memory_gb(path: str = "/proc/meminfo") -> float:
    try:
        line = next(x for x in Path(path).read_text().splitlines() if x.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024**2


def cpu_dtype(device: str, flags: set[str] | None = None, free_gb: float | None = None) -> str:
    """The weights' dtype for the server: as shipped (`auto`, bf16 for the defaults) on a GPU or on a CPU
    with native bf16 (AVX512-BF16 or AMX); float32 on a CPU without it when the memory allows, since
    there bf16 is emulated and reads a prompt 3-5x slower (benchmarks/README.md: 1.1-1.4 against 4-6
    prompt tokens/s on the CPU default), at twice the weights' memory."""
    if not _on_cpu(device):
        return "auto"
    flags = cpu_flags() if flags is None else flags
    if flags & {"avx512_bf16", "amx_bf16", "bf16"}:  # x86 AVX512-BF16 / AMX; "bf16" on Arm (Features)
        return "auto"
    free_gb = free_memory_gb() if free_gb is None else free_gb
    return "float32" if free_gb >= FLOAT32_MIN_FREE_GB else "auto"


def cpu_threads(device: str) -> int | None:
    """Torch threads for a server that computes on the CPU: every core but one. The core left over runs
    the server's event loop (it turns each token into an SSE chunk), the app that reads the stream and
    the OS; with every core computing, torch's threads wait for each other at every op whenever one of
    them loses its core (a model of the CPU default's size on 2 cores: 1 thread 1.46x faster a token
    than 2, with a third less CPU; benchmarks/README.md). None on a GPU, or when OMP_NUM_THREADS is set."""
    if os.environ.get("OMP_NUM_THREADS") or not _on_cpu(device):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores - 1)


class LocalServer:
    def __init__(self, log: Path | None = None, device: str | None = None,
                 idle_stop_s: float | None = None, start_timeout_s: float = START_TIMEOUT_S,
                 threads: int | None = None):
        self.log = log
        self.log_path: Path | None = None
        self.device = device or os.environ.get("SHOTCALLER_LOCAL_DEVICE", "auto")
        env_threads = os.environ.get("SHOTCALLER_LOCAL_THREADS", "")
        if env_threads and not env_threads.isdigit():
            raise ShotcallerError(f"SHOTCALLER_LOCAL_THREADS must be a number of threads, not {env_threads!r}")
        self.threads = threads or int(env_threads or 0) or cpu_threads(self.device)
        self.idle_stop_s = float(os.environ.get("SHOTCALLER_LOCAL_IDLE_S", idle_stop_s or PROCESS_IDLE_S))
        self.start_timeout_s = start_timeout_s
        self.model_idle_s = MODEL_IDLE_S  # the server unloads its model after this (and reloads it on demand)
        self.process: subprocess.Popen | None = None
        self.gguf: Path | None = None  # the GGUF file llama-server serves; None: transformers serve
        self.port: int | None = None
        self.starts = 0
        self.last_used = time.monotonic()
        self._busy = 0  # requests in flight: the idle stop never ends a server in the middle of one
        self._lock = threading.RLock()
        self._watcher: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def healthy(self, timeout: float = 2.0) -> bool:
        if self.process is None or self.process.poll() is not None or self.port is None:
            return False
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/health", timeout=timeout) as r:
                return r.status == 200
        except OSError:
            return False

    @property
    def runtime(self) -> str:
        return "llama.cpp llama-server" if self.gguf else "transformers serve"

    def ensure(self, gguf: Path | None | str = "same") -> str:
        """The base URL of a healthy server, starting one if none is running. `gguf`: serve that GGUF file
        with llama-server (None: transformers serve), replacing a server that runs something else;
        by default, whatever it ran last."""
        with self._lock:
            self.last_used = time.monotonic()
            if gguf != "same" and gguf != self.gguf:
                self.stop()
                self.gguf = Path(gguf) if gguf else None
            if not self.healthy():
                self._start(self.port if self.port and port_free(self.port) else free_port())
            return self.base_url

    def touch(self) -> None:
        self.last_used = time.monotonic()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark a request in flight: idle time counts from its end (a section on a slow CPU can take longer
        than the idle stop; it was killed mid-request and retried from the start)."""
        with self._lock:
            self._busy += 1
            self.touch()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                self.touch()

    def restart(self) -> str:
        """Stop a dead or stuck server and start a new one (on the same port when it is free)."""
        with self._lock:
            self.stop()
            return self.ensure()

    def _start(self, port: int) -> None:
        self.stop()
        log_path = self.log or Path(os.environ.get("SHOTCALLER_HOME", Path.home() / ".shotcaller")) / "logs" / \
            "local-llm.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        # the model is fetched (with its size stated and progress shown) before the server starts,
        # so the server itself never needs the network
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_VERBOSITY="warning", PYTHONUNBUFFERED="1")
        if self.gguf:
            from .local_runtime import server_command as llama_command

            command = llama_command(port, self.gguf, self.threads, HOST, self.model_idle_s)
        else:
            command = server_command(port, self.device, self.model_idle_s)
            if self.threads:
                env["OMP_NUM_THREADS"] = str(self.threads)
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)
        self.port, self.starts = port, self.starts + 1
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = _last_line(log_path)
                self.process = None
                raise ShotcallerError(f"the local LLM server ({self.runtime}) exited at start: {tail}; "
                                      f"see {log_path}, or use --llm offline")
            if self.healthy(timeout=1.0):
                self._watch()
                return
            time.sleep(0.2)
        self.stop()
        raise ShotcallerError(f"the local LLM server ({self.runtime}) did not answer /health within "
                              f"{self.start_timeout_s:.0f} s; "
                              f"see {log_path}, or use --llm offline")

    def stop(self) -> None:
        with self._lock:
            p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)

    def _watch(self) -> None:
        if self._watcher and self._watcher.is_alive():
            return

        def run() -> None:
            while self.process is not None:
                time.sleep(min(5.0, self.idle_stop_s / 4))
                with self._lock:
                    idle = not self._busy and time.monotonic() - self.last_used > self.idle_stop_s
                if self.process is not None and idle:
                    self.stop()

        self._watcher = threading.Thread(target=run, name="local-llm-idle", daemon=True)
        self._watcher.start()


def _last_line(path: Path) -> str:
    try:
        lines = [x for x in path.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        return "no log"
    return lines[-1][:200] if lines else "no output"


_SHARED: LocalServer | None = None
_SHARED_LOCK = threading.Lock()


def shared_server() -> LocalServer:
    """The process-wide server: one for every studio session, stopped when the app exits."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = LocalServer()
            atexit.register(_SHARED.stop)
        return _SHARED


def in_use(provider) -> AbstractContextManager:
    """`busy()` of the shared server when `provider` is the local one, else nothing to do."""
    if getattr(provider, "kind", "") != "local" or _SHARED is None:
        return nullcontext()
    return _SHARED.busy()


def recover(provider) -> object | None:  # Provider | None (no import cycle with .llm)
    """After a failed turn: if the provider is the local server and it is no longer healthy, restart
    it once and return the provider pointed at it; otherwise None (the failure stands)."""
    import dataclasses

    if getattr(provider, "kind", "") != "local" or _SHARED is None or _SHARED.healthy():
        return None
    try:
        url = _SHARED.restart()
    except ShotcallerError:
        return None
    return dataclasses.replace(provider, base_url=url)
