"""llama.cpp's `llama-server`: the local director's runtime on a machine without a CUDA GPU.

    python -m assistant.local_runtime build     # once (minutes): `make test` runs it, `make run` in the background; re-runs skip it
    server_binary()                             # the built llama-server, or None

llama.cpp's source comes from the registry Shotcaller already installs from: the `llama-cpp-python`
sdist on PyPI vendors it (`vendor/llama.cpp`). `build()` downloads that sdist with pip, unpacks the
vendored source and builds `llama-server` and `llama-bench` (the benchmark's direct reference) with
CMake for this CPU, into a cache folder outside the repository keyed by the version:
`~/.cache/shotcaller/llama.cpp-<version>/` (`SHOTCALLER_LLAMA_CPP_DIR` moves it). The source stays
there too, only its GGUF converter (`convert_hf_to_gguf.py` and what it imports), which turns the
tests' tiny model into a GGUF file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shotlist.errors import ShotcallerError

from .runtime_progress import PROGRESS_FILE, BuildProgress

SDIST = "llama-cpp-python"
VERSION = "0.3.36"  # its vendored llama.cpp: ggml 0.25.3, commit 0c1e570
TARGETS = ("llama-server", "llama-bench")
KEPT_SOURCE = ("convert_hf_to_gguf.py", "conversion", "gguf-py", "LICENSE")  # the GGUF converter, its licence
# a CPU build for this machine, nothing fetched at build time (no prebuilt web UI, no HTTPS client),
# static binaries that can be copied out of the build tree
CMAKE_FLAGS = ["-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=OFF", "-DLLAMA_BUILD_TESTS=OFF",
               "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF", "-DLLAMA_OPENSSL=OFF",
               "-DGGML_NATIVE=ON"]


def runtime_dir() -> Path:
    if os.environ.get("SHOTCALLER_LLAMA_CPP_DIR"):
        return Path(os.environ["SHOTCALLER_LLAMA_CPP_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "shotcaller" / f"llama.cpp-{VERSION}"


def binary(name: str = "llama-server") -> Path | None:
    """A built llama.cpp program, or None when `build()` has not run on this machine."""
    path = runtime_dir() / "bin" / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def server_binary() -> Path | None:
    return binary("llama-server")


def source_dir() -> Path | None:
    """The vendored llama.cpp source kept beside the binaries (its GGUF converter), or None."""
    src = runtime_dir() / "src"
    return src if (src / "convert_hf_to_gguf.py").is_file() else None


CONTEXT = 16384  # tokens of context for the one conversation slot: the director's prompt, tools and history
MODEL_IDLE_S = 300  # the server unloads an idle model after this (it reloads it on the next request)

# llama-server started through a few lines of Python that end it when Shotcaller goes away, even on
# SIGKILL: the server dies with this wrapper (PR_SET_PDEATHSIG, set in the wrapper's only thread, which
# lives as long as the wrapper), and the wrapper ends it when its own parent is gone or on SIGTERM
_WATCH = """import ctypes, os, signal, subprocess, sys
parent = os.getppid()
def die_with_wrapper():
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except Exception:
        pass
child = subprocess.Popen(sys.argv[1:], preexec_fn=die_with_wrapper if sys.platform == "linux" else None)
def stop(*_):
    child.terminate()
    try:
        child.wait(8)
    except subprocess.TimeoutExpired:
        child.kill()
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
while True:
    try:
        sys.exit(child.wait(0.5))
    except subprocess.TimeoutExpired:
        if os.getppid() != parent:
            stop()
"""


def has_amx(flags: set[str] | None = None) -> bool:
    """Whether this CPU has Intel AMX (`amx_int8` among its flags). A build with GGML_NATIVE compiles
    ggml's AMX kernels in there, and they segfault on the first matrix product of quantized weights
    (Q8_0, Q4_K...: the tiny model as Q8_0 crashes llama-bench as the real-shape 1.7B did; f32 weights
    never reach them; upstream ggml-org/llama.cpp#20824). Without weight repacking the weights stay in
    plain CPU buffers and run on the AVX-512 kernels."""
    from .local_server import cpu_flags

    return "amx_int8" in (cpu_flags() if flags is None else flags)


def no_repack_args(program: str = "llama-server") -> list[str]:
    """The flag that keeps quantized weights off the AMX kernels (`has_amx`), for `program`; [] elsewhere,
    where repacking (e.g. Q4_K for AVX2) speeds a CPU up."""
    if not has_amx():
        return []
    return ["--repack", "0"] if program == "llama-bench" else ["--no-repack"]


def server_command(port: int, model_file: Path, threads: int | None, host: str = "127.0.0.1",
                   model_idle_s: int = MODEL_IDLE_S) -> list[str]:
    """llama-server on one GGUF file, OpenAI-compatible (`/v1/chat/completions`, tool calls parsed from
    the model's chat template with `--jinja`), one conversation slot, thinking off unless
    SHOTCALLER_LOCAL_REASONING says otherwise (on a CPU a small model's reasoning costs minutes a turn)."""
    exe = server_binary()
    if exe is None:
        raise ShotcallerError(f"{Path(model_file).name} is a GGUF model, served by llama.cpp's server, which is not "
                              "built here: run `python -m assistant.local_runtime build` (`make test` does; `make run` starts it in the background), "
                              "or choose a transformers model with --llm local:ORG/MODEL")
    context = os.environ.get("SHOTCALLER_LOCAL_CONTEXT", str(CONTEXT))
    if not context.isdigit():
        raise ShotcallerError(f"SHOTCALLER_LOCAL_CONTEXT must be a number of tokens, not {context!r}")
    reasoning = os.environ.get("SHOTCALLER_LOCAL_REASONING", "off")
    cmd = [sys.executable, "-c", _WATCH, str(exe), "-m", str(model_file), "--host", host, "--port", str(port),
           "--jinja", "--parallel", "1", "--ctx-size", context, "--reasoning", reasoning,
           "--sleep-idle-seconds", str(model_idle_s), "--no-webui", *no_repack_args()]
    return cmd + (["--threads", str(threads)] if threads else [])


def missing_tools() -> list[str]:
    return [t for t in ("cmake", "c++") if not shutil.which(t)]


def build(say: Callable[[str], None] = print, jobs: int | None = None, sdist: Path | None = None) -> Path:
    """Build llama-server once into `runtime_dir()`; return the folder. Skips when already built; a second
    build started meanwhile (`make run` builds in the background, `make test` in front) waits for the first."""
    root = runtime_dir()
    if _built():
        say(f"llama.cpp {VERSION} already built in {root}")
        return root
    missing = missing_tools()
    if missing:
        raise ShotcallerError(f"building llama.cpp needs {' and '.join(missing)}: install them "
                              "(Debian: apt-get install cmake g++), or use --llm openai/ollama/offline")
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another llama.cpp build is running in {root}: waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        if _built():
            say(f"llama.cpp {VERSION} already built in {root}")
            return root
        # each step and CMake's percent kept beside the build, for the studio (`assistant.runtime_progress`)
        progress = BuildProgress(root / PROGRESS_FILE, say_to=say)
        progress.start(VERSION)
        try:
            _build(root, progress.say, jobs, sdist, progress.line)
        except Exception as e:  # noqa: BLE001 - any failure is said where the studio reads; raised again
            progress.fail(str(e) if isinstance(e, ShotcallerError) else f"{type(e).__name__}: {e}")
            raise
        progress.finish()
    return root


def _built() -> bool:
    return all(binary(t) for t in TARGETS) and source_dir() is not None


def _build(root: Path, say: Callable[[str], None], jobs: int | None, sdist: Path | None,
           on_line: Callable[[str], None] | None = None) -> None:
    jobs = jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        work = Path(tmp)
        if sdist is None and os.environ.get("SHOTCALLER_LLAMA_CPP_SDIST"):  # a copy already downloaded
            sdist = Path(os.environ["SHOTCALLER_LLAMA_CPP_SDIST"])
        sdist = sdist or _download(work, say)
        say(f"unpacking llama.cpp from {sdist.name}")
        src = _unpack(sdist, work)
        build_dir = work / "build"
        say(f"building llama.cpp {VERSION} (llama-server, llama-bench) with {jobs} jobs: several minutes, once")
        _run(["cmake", "-S", str(src), "-B", str(build_dir), *CMAKE_FLAGS], build_dir.with_suffix(".log"))
        _run(["cmake", "--build", str(build_dir), "--config", "Release", "-j", str(jobs), "--target", *TARGETS],
             build_dir.with_suffix(".log"), say, on_line)
        for t in TARGETS:
            if not (build_dir / "bin" / t).is_file():
                raise ShotcallerError(f"the llama.cpp build made no {t}; see {build_dir.with_suffix('.log')}")
        shutil.rmtree(root / "src", ignore_errors=True)
        (root / "src").mkdir()
        for kept in KEPT_SOURCE:
            shutil.move(str(src / kept), root / "src" / kept)
        bin_dir = root / "bin"
        bin_dir.mkdir(exist_ok=True)
        for t in TARGETS:  # last, each whole or absent: a studio looking meanwhile never sees half a binary
            shutil.copy2(build_dir / "bin" / t, work / t)
            os.replace(work / t, bin_dir / t)
    say(f"built llama.cpp {VERSION} into {root} in {time.monotonic() - start:.0f} s")


def _download(work: Path, say: Callable[[str], None]) -> Path:
    say(f"downloading the {SDIST}=={VERSION} source (llama.cpp is vendored in it, ~77 MB) from the package index")
    out = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                          f"{SDIST}=={VERSION}", "-d", str(work)], capture_output=True, text=True)
    found = sorted(work.glob("llama_cpp_python-*.tar.gz"))
    if out.returncode or not found:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise ShotcallerError(f"could not download {SDIST}=={VERSION} for llama.cpp's source: {last}")
    return found[0]


def _unpack(sdist: Path, work: Path) -> Path:
    prefix = f"{sdist.name.removesuffix('.tar.gz')}/vendor/llama.cpp/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        if not members:
            raise ShotcallerError(f"{sdist} holds no vendor/llama.cpp")
        tar.extractall(work, members=members, filter="data")
    return work / prefix.rstrip("/")


def _run(cmd: list[str], log: Path, say: Callable[[str], None] | None = None,
         on_line: Callable[[str], None] | None = None) -> None:
    """Run a build step into `log`; with `say`, tell every tenth of CMake's progress ("[ 40%] …"); `on_line`
    sees every line."""
    shown = 0
    with open(log, "a") as out, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                 text=True, errors="replace") as proc:
        for line in proc.stdout or []:
            out.write(line)
            if on_line:
                on_line(line)
            percent = line[1:4].strip() if line.startswith("[") and line[4:6] == "%]" else ""
            if say and percent.isdigit() and int(percent) >= shown + 10:
                shown = int(percent) // 10 * 10
                say(f"  llama.cpp build {shown}%")
    if proc.returncode:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        kept = log.parent.parent / log.name
        shutil.copy2(log, kept)
        raise ShotcallerError(f"{' '.join(cmd[:2])} failed ({' / '.join(tail)}); full log: {kept}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["build"]:
        print("usage: python -m assistant.local_runtime build", file=sys.stderr)
        return 2
    try:
        build(say=lambda s: print(s, flush=True))
    except ShotcallerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
