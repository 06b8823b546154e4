"""LLM providers: `openai:MODEL`, `ollama:MODEL`, `local[:MODEL]`, `offline`; from `--llm` or `SHOTCALLER_LLM`.

Default when nothing is set: OpenAI if `OPENAI_API_KEY` is present, else Ollama if it answers on
localhost within a short timeout, else `local` (a small model served by llama.cpp or `transformers serve`, see
assistant/local_model.py) when its model is cached or the hub can be reached, else `offline` (guided
mode) with a note saying how to fetch the model. The key is never logged or saved:
`Provider.describe()` shows the endpoint and model only.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass, field

from shotlist.errors import ShotcallerError

OLLAMA_URL = "http://127.0.0.1:11434/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_OLLAMA_MODEL = "llama3.1"


@dataclass(frozen=True)
class Provider:
    kind: str  # openai | ollama | local | offline
    model: str = ""
    base_url: str | None = None
    api_key: str = field(default="", repr=False)
    timeout: float = 60.0
    max_retries: int = 3
    max_tokens: int | None = None  # local models: a reply is cut here (finish_reason "length")
    note: str = ""  # why this provider was chosen instead of the one asked for

    def describe(self) -> str:
        if self.kind == "offline":
            return "offline (guided mode, no LLM)" + (f" — {self.note}" if self.note else "")
        return f"{self.kind}:{self.model}" + (f" at {self.base_url}" if self.base_url else "")


def _ollama_answers(url: str, timeout: float = 0.3) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/models", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def resolve_provider(spec: str | None = None) -> Provider:
    spec = (spec or os.environ.get("SHOTCALLER_LLM") or "").strip()
    if not spec:
        if os.environ.get("OPENAI_API_KEY"):
            spec = f"openai:{DEFAULT_OPENAI_MODEL}"
        elif _ollama_answers(os.environ.get("OLLAMA_BASE_URL", OLLAMA_URL)):
            spec = f"ollama:{DEFAULT_OLLAMA_MODEL}"
        else:
            return _auto_local()
    timing = {"timeout": float(os.environ.get("SHOTCALLER_LLM_TIMEOUT", 60)),
              "max_retries": int(os.environ.get("SHOTCALLER_LLM_RETRIES", 3))}
    kind, _, model = spec.partition(":")
    kind = kind.lower()
    if kind == "offline":
        return Provider("offline")
    if kind == "openai":
        base = os.environ.get("OPENAI_BASE_URL") or None
        key = os.environ.get("OPENAI_API_KEY", "")
        if not key and not base:
            raise ShotcallerError("openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server); "
                                  "or use --llm offline")
        return Provider("openai", model or DEFAULT_OPENAI_MODEL, base, key or "not-needed", **timing)
    if kind == "ollama":
        base = os.environ.get("OLLAMA_BASE_URL", OLLAMA_URL)
        return Provider("ollama", model or DEFAULT_OLLAMA_MODEL, base, "ollama", **timing)
    if kind == "local":
        return local_provider(model)
    raise ShotcallerError(f"unknown LLM {spec!r}; use openai:MODEL, ollama:MODEL, local[:MODEL] or offline")


def local_provider(model: str = "") -> Provider:
    """A local model; its server is started (and the model fetched) by `assistant.session`."""
    from .local_model import default_model

    return Provider("local", model or default_model(), None, "local",
                    timeout=float(os.environ.get("SHOTCALLER_LLM_TIMEOUT", 600)),
                    max_retries=0, max_tokens=int(os.environ.get("SHOTCALLER_LLM_MAX_TOKENS", 1024)))


def _auto_local() -> Provider:
    """No key and no server answering: the local model if it is cached or can be fetched."""
    from .local_model import cached_folder, default_model, hub_reachable, unavailable

    model = default_model()
    if cached_folder(model) or hub_reachable():
        return local_provider(model)
    return Provider("offline", note=str(unavailable(model)))


def local_download_needed(spec: str | None = None) -> str | None:
    """The local model that opening a director for `spec` would download first; None when the choice is
    not a local model or its model is already on disk (a front end then shows no download progress)."""
    try:
        provider = resolve_provider(spec)
    except ShotcallerError:
        return None  # the director itself says what is wrong with the spec
    if provider.kind != "local":
        return None
    from .local_model import cached_folder

    return None if cached_folder(provider.model) else provider.model
