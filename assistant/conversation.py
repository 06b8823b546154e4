"""The conversation of a project, kept in `<project>/chat.jsonl` (one message a line, appended and
flushed as it happens), so a restart continues where the artist left off."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field


class Message(BaseModel):
    role: str = Field(description="user, assistant or tool")
    content: str
    topic: str | None = Field(default=None, description="guided mode: the interview topic asked or answered")


@dataclass
class Reply:
    """Director output: text for the artist and the tool steps taken. `final=False` marks a streamed
    piece (a few tokens, or a step) of a reply whose whole text follows with `final=True`."""

    text: str
    steps: list[str] = field(default_factory=list)
    final: bool = True


class Conversation:
    def __init__(self, path: Path):
        self.path = path
        self.messages: list[Message] = []
        if path.is_file():
            for line in path.read_text().splitlines():
                try:
                    self.messages.append(Message.model_validate_json(line))
                except ValueError:
                    continue  # a line cut by a crash: the rest of the conversation still reads

    def append(self, message: Message) -> None:
        self.messages.append(message)
        with open(self.path, "a") as f:
            f.write(json.dumps(message.model_dump(exclude_none=True)) + "\n")
            f.flush()
            os.fsync(f.fileno())
