"""What the request reader gives back: one typed operation, a question, or neither (see `assistant.edit_requests`)."""

from __future__ import annotations

from dataclasses import dataclass

from shotlist.operations import Operation


@dataclass
class Reading:
    op: Operation | None = None
    ask: str = ""  # a question or a refusal: nothing changes
    legacy: bool = False  # a look/size/timing/replace/lock request: assistant.revisions reads its operations
    unnamed: Operation | None = None  # read from structure alone, so asked (`ask`): the operation it would be
