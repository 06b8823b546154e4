"""Prompts are files in `prompts/`, loaded by name."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@functools.cache
def load_prompt(name: str) -> str:
    return (PROMPTS / name).read_text()


@functools.cache
def load_yaml(name: str) -> Any:
    import yaml

    return yaml.safe_load((PROMPTS / name).read_text())
