"""The table of project operations: one typed class per thing an artist (or the director, or a button)
can do to a project. Each is a pydantic model of its arguments, its docstring is the one-line
description every front end shows (the LLM's tool description, the MCP tool's, the CLI's help), and
`apply` runs it through `ProjectEditor` (one version, one undo step, named in the history) and returns
a typed `Result` that carries its own one-line wording.

    ops = Operations(store, review=critic.apply)
    result = ops.run("chaos-god", SwapShots(first="3", second="4"))
    result.line        # 'swapped the pictures of shots 3 and 4; version 9'
    store.history("chaos-god")[-1]   # (9, 'swap 3 ↔ 4')

A new operation is one class here (or in a sibling module) decorated with `@operation`: the LangChain
tools, the MCP tools and the CLI subcommands are generated from `OPERATIONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..editor import Edit, ProjectEditor, Renderer, Review
from ..errors import ShotcallerError, one_line
from ..store import ProjectStore

MAX_WORDS = 600  # characters of a picture or a rule: longer is a paste, not a request


def _has_words(text: str) -> str:
    text = " ".join(text.split())
    if not re.search(r"[^\W\d_]", text):
        raise ValueError("say it in words: there are no letters in it")
    return text


def _as_text(v: object) -> object:
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


ShotRef = Annotated[str, BeforeValidator(_as_text),
                    Field(description="Shot number (1-based), id, or 'last'.", max_length=40)]
Words = Annotated[str, Field(min_length=1, max_length=MAX_WORDS,
                             description="The artist's own words, as they said them."), AfterValidator(_has_words)]
Part = Annotated[str, Field(max_length=60, description=(
    "A section of the song: 'chorus' (every chorus), 'chorus 2', 'last chorus', 'second verse', 'bridge'."))]


@dataclass(frozen=True)
class Result:
    """What an operation did: its one-line wording, the saved edit (None for questions), and any answer."""

    operation: str
    line: str
    edit: Edit | None = None
    shots: list[int] = field(default_factory=list)  # 1-based numbers the reader should look at
    notes: list[str] = field(default_factory=list)  # what the editor did on its own (reasons rewritten, kept shots)

    @property
    def changed(self) -> bool:
        return self.edit is not None and self.edit.saved

    def text(self) -> str:
        """The line and its notes, as a chat or a terminal shows them."""
        return "\n".join([self.line, *self.notes])


class Operation(BaseModel):
    """Base of every operation: subclasses give a docstring (the description) and `apply`."""

    model_config = ConfigDict(extra="forbid")
    name: ClassVar[str] = ""
    asks: ClassVar[bool] = False  # a question: reads the project, saves nothing
    positional: ClassVar[tuple[str, ...]] = ()  # fields the CLI subcommand takes in order, without a --flag

    def apply(self, editor: ProjectEditor) -> Result:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @classmethod
    def description(cls) -> str:
        return " ".join((cls.__doc__ or cls.name).split())


OPERATIONS: dict[str, type[Operation]] = {}


def operation(name: str):
    """Register an operation class under `name` (the tool's and the CLI subcommand's name)."""
    def register(cls: type[Operation]) -> type[Operation]:
        if name in OPERATIONS:
            raise ValueError(f"operation {name!r} is registered twice")
        cls.name = name
        OPERATIONS[name] = cls
        return cls
    return register


def parse(name: str, args: dict[str, Any]) -> Operation:
    """The operation `name` with `args`, validated; one clear line when either is wrong."""
    cls = OPERATIONS.get(name)
    if cls is None:
        raise ShotcallerError(f"unknown operation {name!r}; known: {', '.join(sorted(OPERATIONS))}")
    try:
        return cls.model_validate(args)
    except ValidationError as e:
        raise ShotcallerError(f"{name}: {one_line(e)}") from None


def saved_line(edit: Edit, said: str) -> str:
    if not edit.saved:
        return f"no change ({'; '.join(edit.notes) or 'nothing to do'}); version {edit.version}"
    return f"{said}; version {edit.version}"


class Operations:
    """Runs operations on any project of a store, with the critic and the renderer injected once.

        Operations(store, review=critic.apply).run(project_id, DeleteShots(shots=["10"]))
    """

    def __init__(self, store: ProjectStore, review: Review | None = None, renderer: Renderer | None = None):
        self.store = store
        self.review = review
        self.renderer = renderer

    def editor(self, project_id: str, version: int | None = None) -> ProjectEditor:
        return ProjectEditor(self.store, project_id, review=self.review, renderer=self.renderer, version=version)

    def run(self, project_id: str, op: Operation, version: int | None = None) -> Result:
        """Apply `op` to the project; `version`: refuse when the caller's view is stale."""
        return op.apply(self.editor(project_id, version))

    def call(self, project_id: str, name: str, **args: Any) -> Result:
        return self.run(project_id, parse(name, args))
