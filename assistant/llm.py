"""LLM providers: `openai:MODEL`, `ollama:MODEL`, `offline`; from `--llm` or `SHOTCALLER_LLM`.

Default when nothing is set: OpenAI if `OPENAI_API_KEY` is present, else Ollama if it answers on
localhost within a short timeout, else `offline` (guided mode). The key is never logged or saved:
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
    kind: str  # openai | ollama | offline
    model: str = ""
    base_url: str | None = None
    api_key: str = field(default="", repr=False)
    timeout: float = 60.0
    max_retries: int = 3

    def describe(self) -> str:
        if self.kind == "offline":
            return "offline (guided mode, no LLM)"
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
            spec = "offline"
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
    raise ShotcallerError(f"unknown LLM {spec!r}; use openai:MODEL, ollama:MODEL or offline")
