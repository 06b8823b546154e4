"""The simulated artist: answers the director's question from the persona, by topic.

Guided mode tags its questions with the topic; for an LLM director the topic is read from the
question's words (an LLM-phrased persona would need an LLM; with none configured we pick the
scripted answer for the topic, as the issue asks)."""

from __future__ import annotations

import re
from typing import Any

TOPICS = ("meaning", "story", "motifs", "feeling", "why_generative", "constraints")
KEYWORDS = {
    "why_generative": r"generat|camera|film|shoot|\bai\b|why .*video",
    "constraints": r"constraint|aspect|frame rate|fps|must not|format|ratio",
    "motifs": r"motif|image|symbol|object|recurr|keep coming",
    "feeling": r"feel|mood|colou?r|palette|light|tone",
    "story": r"story|progression|who is in|happen|character|narrative",
    "meaning": r"about|mean|what is it|song itself",
}


class Artist:
    def __init__(self, persona: dict[str, str]):
        self.persona = persona
        self.given: list[str] = []

    def topic_of(self, message: Any) -> str:
        topic = getattr(message, "topic", None)
        if topic:
            return topic
        text = getattr(message, "content", str(message)).lower()
        for name, pattern in KEYWORDS.items():
            if re.search(pattern, text) and name not in self.given:
                return name
        return next((t for t in TOPICS if t not in self.given), "meaning")

    def answer(self, message: Any) -> str:
        topic = self.topic_of(message)
        if topic == "pushback":
            return self.persona.get("keep_generic") or "keep it"
        self.given.append(topic)
        return self.persona[topic]
