"""Which local model the director runs, and getting it into the Hugging Face cache.

    model = default_model()                  # by hardware: a 4B instruct model on a GPU with >= 10 GiB,
                                             # a GGUF file for llama.cpp's server on a CPU
    folder = fetch(model, say=print)         # states the size, checks the disk, then downloads
    progress = DownloadProgress()            # for a front end that draws its own bar:
    fetch(model, say=progress.say, tqdm_class=progress.bar)   # progress.describe() from any thread

Models come from the hub into the ordinary HF cache (`HF_HOME`), so `hf download MODEL` fetches the
same files ahead of time. A local folder (`local:/path/to/model`) is used as it is. A model name ending
in `.gguf` is one file for llama.cpp's server: `ORG/REPO/FILE.gguf` on the hub (`hf download ORG/REPO
FILE.gguf`), or a local file; `fetch` then returns the file. With
`HF_HUB_OFFLINE=1` or no network, `LocalModelUnavailable` names the model and how to fetch it.

What "resumable" means with huggingface_hub 2.x: a connection dropped mid-file is resumed by the hub
client itself (a `Range` request from the last 10 MB chunk it wrote); if the download stops for good
(the app quits, the network stays down), the files already complete stay in the cache and the next
attempt fetches only the rest, but a file cut off half-way starts again (the client deletes its
partial file).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shotlist.errors import ShotcallerError

GPU_MODEL = "Qwen/Qwen3-4B-Instruct-2507"  # BFCL-v3 61.9 (maker-reported); ~8 GB in bf16
CPU_MODEL = "Qwen/Qwen3-1.7B"  # BFCL-v3 ~49-55 (third-party runs); ~4 GB in bf16
# the same model quantised to 8 bits by Qwen for llama.cpp (1.83 GB): the default on a CPU when llama.cpp's
# server is built (assistant/local_runtime.py); a token costs a fraction of the bf16 weights' on a CPU
CPU_GGUF = "Qwen/Qwen3-1.7B-GGUF/Qwen3-1.7B-Q8_0.gguf"
# the 4B model's bf16 weights are 7.5 GiB: with the CUDA context and an 8k-token KV cache (~1.1 GiB)
# they do not fit an 8 GB card, which gets the 1.7B model (on the GPU: the server's device is "auto")
GPU_MIN_GB = 10.0
# what `transformers serve` needs of a repository: config, tokenizer, chat template, safetensors weights
PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.jinja", "*.model", "*.tiktoken"]
DISK_MARGIN = 1.05  # the cache needs the files plus a little room


class LocalModelUnavailable(ShotcallerError):
    """The model is not in the cache and cannot be fetched now: guided mode meanwhile."""


@dataclass(frozen=True)
class DownloadPlan:
    model: str
    total_bytes: int
    missing_bytes: int
    files: int

    def describe(self) -> str:
        return (f"{self.model}: {gb(self.total_bytes)} in {self.files} file{'s' if self.files != 1 else ''}"
                + (f", {gb(self.missing_bytes)} still to download" if self.missing_bytes else ", already cached"))


def gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


@functools.lru_cache(maxsize=1)
def gpu_memory_gb() -> float | None:
    """Total memory of the first NVIDIA GPU, from `nvidia-smi` (no torch import); None without one."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=5).stdout.split()
        return float(out[0]) / 1024 if out else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def default_model(gpu_gb: float | None = None, llama_cpp: bool | None = None) -> str:
    """`SHOTCALLER_LOCAL_MODEL`, else the 4B model on a GPU with >= 10 GiB (transformers serve), the 1.7B
    model on a smaller GPU, and on a machine without an NVIDIA GPU the 1.7B model's 8-bit GGUF for
    llama.cpp's server when it is built (`SHOTCALLER_LOCAL_RUNTIME=transformers` keeps transformers serve)."""
    if os.environ.get("SHOTCALLER_LOCAL_MODEL"):
        return os.environ["SHOTCALLER_LOCAL_MODEL"]
    memory = gpu_memory_gb() if gpu_gb is None else gpu_gb
    if memory:
        return GPU_MODEL if memory >= GPU_MIN_GB else CPU_MODEL
    if llama_cpp is None:
        from .local_runtime import server_binary

        llama_cpp = os.environ.get("SHOTCALLER_LOCAL_RUNTIME", "") != "transformers" and server_binary() is not None
    return CPU_GGUF if llama_cpp else CPU_MODEL


def is_gguf(model: str) -> bool:
    """One GGUF file (llama.cpp's server), not a transformers model folder or repository."""
    return model.lower().endswith(".gguf")


def hub_files(model: str) -> tuple[str, list[str]]:
    """(repository, file patterns) a model is fetched as: `ORG/REPO/FILE.gguf` is that one file."""
    if is_gguf(model):
        org, repo, *rest = model.split("/") + ["", ""]
        if not (org and repo and rest[0]):
            raise ShotcallerError(f"a GGUF model on the hub is named ORG/REPO/FILE.gguf, not {model!r} "
                                  "(a local file: give its full path)")
        return f"{org}/{repo}", ["/".join(x for x in rest if x)]
    return model, PATTERNS


def fetch_command(model: str) -> str:
    repo, files = hub_files(model)
    return f"hf download {repo} {files[0]}" if is_gguf(model) else f"hf download {model}"


def hub_offline() -> bool:
    """The artist's own HF_HUB_OFFLINE. The CLI keeps the hub offline for every other load and says,
    with SHOTCALLER_HUB_ONLINE=1, that the artist did not ask for it: the local director's first
    download may use the network."""
    if os.environ.get("SHOTCALLER_HUB_ONLINE") == "1":
        return False
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


@contextlib.contextmanager
def _hub_online(hub: Any) -> Iterator[None]:
    """huggingface_hub reads HF_HUB_OFFLINE once, at import: lift it for this download only."""
    constants = getattr(hub, "constants", None)
    saved = getattr(constants, "HF_HUB_OFFLINE", None)
    if constants is not None and saved is not None:
        constants.HF_HUB_OFFLINE = False
    try:
        yield
    finally:
        if constants is not None and saved is not None:
            constants.HF_HUB_OFFLINE = saved


_REACHABLE: dict[str, tuple[float, bool]] = {}


def hub_reachable(timeout: float = 1.0, ttl_s: float = 60.0) -> bool:
    """A TCP connection to the hub's host answers (cheap; says nothing about the model). Remembered
    for a minute, since the studio asks on every header refresh."""
    if hub_offline():
        return False
    import time
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    key = url.geturl()
    if key in _REACHABLE and time.monotonic() - _REACHABLE[key][0] < ttl_s:
        return _REACHABLE[key][1]
    try:
        with socket.create_connection((url.hostname or "huggingface.co",
                                       url.port or (443 if url.scheme == "https" else 80)), timeout=timeout):
            ok = True
    except OSError:
        ok = False
    _REACHABLE[key] = (time.monotonic(), ok)
    return ok


class DownloadProgress:
    """A download's progress for a front end that draws its own bar (the studio): pass `say` and `bar`
    to `fetch`; `describe()` is one line, safe to call from another thread while the download runs.

    `bar` is a tqdm class that draws nothing: huggingface_hub's bars count into it (its bytes bars
    have unit "B": the largest count among them is the bytes written so far)."""

    def __init__(self) -> None:
        self.model = ""
        self.total = 0  # bytes still to download, from the plan
        self.note = ""
        self.finished = False
        self.failed = False  # then `note` is the error, as one line
        self._bars: list[Any] = []
        self._lock = threading.Lock()

    def say(self, text: str) -> None:
        self.note = text

    def plan(self, p: DownloadPlan) -> None:
        self.model, self.total = p.model, p.missing_bytes

    @property
    def done(self) -> int:
        with self._lock:
            return max((int(b.n) for b in self._bars if getattr(b, "unit", "") == "B"), default=0)

    def describe(self, width: int = 20, ended: bool = False) -> str:
        """One line (two while downloading: the size statement, then the bar). `ended`: the work is
        over, so a download that did not finish is said to have stopped."""
        if self.failed or (ended and not self.model):
            return self.note if self.failed else "The local director is ready."
        if not self.model:
            return self.note or "Preparing the local director…"
        if self.finished:
            return f"Downloaded the local director model {self.model} ({gb(self.total)})."
        if ended:
            return (f"The download of the local director model {self.model} stopped at {gb(self.done)} of "
                    f"{gb(self.total)}; the files already fetched are kept for next time. Guided mode meanwhile.")
        done = min(self.done, self.total)
        share = done / self.total if self.total else 0.0
        filled = int(share * width)
        return (f"{self.note}\n{'▰' * filled}{'▱' * (width - filled)} {gb(done)} of {gb(self.total)} "
                f"({share:.0%})")

    @property
    def bar(self) -> type:
        import io

        from tqdm import tqdm

        progress = self

        class Bar(tqdm):  # counts like tqdm, writes nowhere
            progress: DownloadProgress

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.pop("name", None)
                kwargs.update(disable=False, file=io.StringIO())
                super().__init__(*args, **kwargs)
                with progress._lock:
                    progress._bars.append(self)

        Bar.progress = progress
        return Bar


def with_progress(build: Callable[..., Any], every_s: float = 0.5) -> Generator[str, None, Any]:
    """Run `build(say=…, tqdm_class=…)` (e.g. `open_director`) in a thread; yield a `DownloadProgress`
    line every `every_s` while it runs and once at the end; return its result (or raise its error).
    A front end shows each line in place: `result = yield from …` in a streaming handler."""
    progress, result = DownloadProgress(), {}

    def work() -> None:
        try:
            result["value"] = build(say=progress.say, tqdm_class=progress.bar)
        except Exception as e:  # noqa: BLE001 - raised again in the caller's thread
            result["error"] = e

    worker = threading.Thread(target=work, name="local-model-download", daemon=True)
    worker.start()
    while worker.is_alive():
        yield progress.describe()
        worker.join(every_s)
    yield progress.describe(ended=True)
    if "error" in result:
        raise result["error"]
    return result["value"]


def _hub() -> Any:
    import huggingface_hub

    return huggingface_hub


def _local(model: str) -> bool:
    return Path(model).is_absolute() or model.startswith(".") or Path(model).exists()


def cached_folder(model: str, hub: Any = None) -> Path | None:
    """The model's folder when it is complete on disk (a local folder, or a full snapshot in the cache);
    for a GGUF model, its file."""
    if _local(model):
        path = Path(model)
        return path if (path.is_file() if is_gguf(model) else (path / "config.json").is_file()) else None
    try:
        repo, patterns = hub_files(model)
        folder = Path((hub or _hub()).snapshot_download(repo, allow_patterns=patterns, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached (LocalEntryNotFoundError) or a broken cache entry
        return None
    return _complete(folder, model)


def _complete(folder: Path, model: str) -> Path | None:
    """What `fetch` returns (the folder, or the GGUF file in it) when it is all there."""
    import json

    if is_gguf(model):
        file = folder / hub_files(model)[1][0]
        return file if file.is_file() and file.stat().st_size > 0 else None
    if not (folder / "config.json").is_file():
        return None
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        shards = set(json.loads(index.read_text()).get("weight_map", {}).values())
        return folder if shards and all((folder / s).is_file() for s in shards) else None
    return folder if any(folder.glob("*.safetensors")) else None


def plan(model: str, hub: Any = None) -> DownloadPlan:
    """Ask the hub what a download would fetch (no bytes fetched)."""
    hub = hub or _hub()
    repo, patterns = hub_files(model)
    try:
        with _hub_online(hub):  # drawn by no bar: the size line comes first, then the download's bars
            files = hub.snapshot_download(repo, allow_patterns=patterns, dry_run=True,
                                          tqdm_class=DownloadProgress().bar)
    except Exception as e:  # noqa: BLE001 - offline, no network, unknown repository, gated model
        cause: BaseException | None = e  # a dry run wraps the hub's answer in DryRunError
        while cause is not None and type(cause).__name__ not in ("RepositoryNotFoundError", "GatedRepoError"):
            cause = cause.__cause__
        if cause is not None:
            raise ShotcallerError(f"the Hugging Face hub has no open model named {model} ({type(cause).__name__}); "
                                  "check the name, or use --llm local for the default model") from None
        raise unavailable(model, f"the Hugging Face hub cannot be reached: {type(e).__name__}") from None
    total = sum(f.file_size or 0 for f in files)
    missing = sum(f.file_size or 0 for f in files if f.will_download)
    return DownloadPlan(model, total, missing, len(files))


def cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def check_disk(p: DownloadPlan, folder: Path | None = None) -> None:
    folder = folder or cache_dir()
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    need = int(p.missing_bytes * DISK_MARGIN)
    if need > free:
        raise ShotcallerError(f"not enough disk space for the local director model {p.model}: it needs "
                              f"{gb(need)} and {folder} has {gb(free)} free; free some space, or point HF_HOME "
                              "at a larger disk, or use --llm offline")


def unavailable(model: str, why: str = "") -> LocalModelUnavailable:
    reason = "HF_HUB_OFFLINE=1 is set" if hub_offline() else (why or "the Hugging Face hub cannot be reached")
    return LocalModelUnavailable(
        f"the local director model {model} is not downloaded and cannot be fetched now ({reason}); fetch it "
        f"once with `{fetch_command(model)}` on a connected machine (without HF_HUB_OFFLINE=1), then choose "
        "--llm local again; guided mode meanwhile")


def fetch(model: str, say: Callable[[str], None] = print, tqdm_class: Any = None, hub: Any = None,
          folder: Path | None = None) -> Path:
    """The model's folder, downloading it first if needed: size stated, disk checked, progress
    through `tqdm_class` (the hub's own bars when None; a `DownloadProgress.bar` also learns the
    plan's size), resumable as the module docstring says."""
    progress: DownloadProgress | None = getattr(tqdm_class, "progress", None)
    try:
        return _fetch(model, say, tqdm_class, hub, folder, progress)
    except ShotcallerError as e:
        if progress is not None:
            progress.note, progress.failed = str(e), True
        raise


def _fetch(model: str, say: Callable[[str], None], tqdm_class: Any, hub: Any, folder: Path | None,
           progress: DownloadProgress | None) -> Path:
    found = cached_folder(model, hub)
    if found:
        return found
    if _local(model):
        raise ShotcallerError(f"no GGUF file at {model}" if is_gguf(model) else
                              f"no model folder at {model} (it needs config.json and safetensors weights)")
    if hub_offline():
        raise unavailable(model)
    hub = hub or _hub()
    p = plan(model, hub)
    check_disk(p, folder)
    say(f"Downloading the local director model {p.describe()} into {folder or cache_dir()} "
        "(once; if it stops, the files already fetched are kept)")
    if progress is not None:  # after `say`: a bar is never drawn without its size line
        progress.plan(p)
    kwargs = {"tqdm_class": tqdm_class} if tqdm_class is not None else {}
    repo, patterns = hub_files(model)
    try:
        with _hub_online(hub):
            folder = Path(hub.snapshot_download(repo, allow_patterns=patterns, **kwargs))
    except Exception as e:  # noqa: BLE001 - the network went away mid-download: resumable next time
        raise unavailable(model, f"the download stopped: {type(e).__name__}; the files already fetched are "
                                 "kept for next time") from None
    path = _complete(folder, model)
    if path is None:
        raise ShotcallerError(f"the download of {model} is incomplete at {folder}; run `{fetch_command(model)}`")
    if progress is not None:
        progress.finished = True
    return path
