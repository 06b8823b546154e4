"""Chat spellings written out: 'abt two skaters who cant meet' → 'about two skaters who can't meet'. Guided mode
reads an answer this way to file it, and writes the artist's words this way where it says them as its own prose
(a logline, a treatment); the brief keeps what was typed (prompts/guided/spellings.yaml lists the words)."""

from __future__ import annotations

import functools
import re

from .prompts import load_yaml


@functools.cache
def _spellings() -> tuple[dict[str, str], re.Pattern[str]]:
    words = {str(k).lower(): str(v) for k, v in load_yaml("guided/spellings.yaml").items()}
    return words, re.compile(r"(?i)(?<![\w'’])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                             + r")(?![\w'’])")


def spelled(text: str) -> str:
    """The text with chat spellings written out, keeping a capital the artist typed ('Abt' → 'About')."""
    words, pattern = _spellings()

    def out(m: re.Match[str]) -> str:
        said, word = m.group(1), words[m.group(1).lower()]
        return word[:1].upper() + word[1:] if said[:1].isupper() and said.lower() != "u" else word

    return pattern.sub(out, text)
