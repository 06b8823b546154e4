"""What guided mode says, by name, from prompts/guided/replies.yaml (every text it says is a prompt file)."""

from __future__ import annotations

from .prompts import load_yaml


def say(key: str, /, **slots: object) -> str:
    """The reply `key` with its slots filled (str.format over the artist's words is avoided: a brace in
    an answer must not break a reply)."""
    text = load_yaml("guided/replies.yaml")[key]
    for slot, value in slots.items():
        text = text.replace("{" + slot + "}", str(value))
    return text.strip()
