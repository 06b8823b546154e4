"""`shotcaller ui --mcp`: the project tools served through Gradio's MCP server.

Inside a `gr.Blocks` context, `add_mcp_tools(studio_or_store)` registers one `gr.api` endpoint per
operation of the table (`shotlist.operations`), plus `list_projects`; `launch(mcp_server=True)` then
lists them as MCP tools at `/gradio_api/mcp/` (streamable HTTP; `/gradio_api/mcp/sse` for SSE clients). Each tool takes the project id first and
does exactly what the director's tool of the same name does (`assistant.tools.ProjectTools`, over the
project editor: validated, locked shots kept, the critic applied, saved as a new version). Gradio
reads each tool's description and parameter notes from the docstring and its input schema from the
type hints, so the argument types below are generated from the domain models.

    with gr.Blocks() as demo:
        add_mcp_tools(ProjectStore())
    demo.launch(mcp_server=True)
"""

import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, TypedDict, get_args, get_origin

from pydantic import BaseModel, ValidationError

from assistant import critic
from shotlist.errors import ShotcallerError, one_line
from shotlist.operations import OPERATIONS, Operation, Operations, parse
from shotlist.store import ProjectStore



def _typed(annotation: Any) -> Any:
    """A field annotation with every pydantic model in it replaced by a TypedDict of its fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return typed_dict(annotation)
    origin = get_origin(annotation)
    if origin is list:
        return list[_typed(get_args(annotation)[0])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        args = tuple(_typed(a) for a in get_args(annotation))
        return typing.Union[args]  # noqa: UP007 - built from a tuple
    return annotation


def typed_dict(model: type[BaseModel], fields: tuple[str, ...] | None = None, name: str | None = None) -> type:
    """A TypedDict (all keys optional) mirroring `model`: how Gradio turns a type hint into a schema."""
    names = fields or tuple(model.model_fields)
    spec = {n: _typed(model.model_fields[n].annotation) for n in names}
    return TypedDict(name or f"{model.__name__}Fields", spec, total=False)  # type: ignore[operator]


def _store_of(studio_or_store: Any) -> ProjectStore:
    store = getattr(studio_or_store, "store", studio_or_store)
    if not isinstance(store, ProjectStore):
        raise TypeError(f"add_mcp_tools needs a ProjectStore or an object with .store, got {type(studio_or_store)}")
    return store


def make_tools(store: ProjectStore) -> list[Callable[..., str]]:
    """The MCP tool functions over `store` (plain functions: the docstring is the tool's description)."""
    import gradio as gr

    def guarded(fn: Callable[..., str]) -> Callable[..., str]:
        # MCP clients show the text: an error is one line, never a traceback
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> str:
            try:
                return fn(*args, **kwargs)
            except ValidationError as e:
                raise gr.Error(one_line(e), print_exception=False) from None
            except (ShotcallerError, ValueError) as e:
                raise gr.Error(str(e).splitlines()[0] if str(e) else type(e).__name__, print_exception=False) from None
        return run

    def list_projects() -> str:
        """List the Shotcaller projects: id, version, number of shots, length and title, one per line."""
        rows = [f"{i.id}  v{i.version}  {i.shots} shots  {i.duration:.1f}s  {i.title}" for i in store.list()]
        return "\n".join(rows) or "no projects yet"

    ops = Operations(store, review=critic.apply)  # the critic injected once, for every tool and project
    return [guarded(list_projects)] + [guarded(op_tool(ops, name, cls)) for name, cls in OPERATIONS.items()]


def op_tool(ops: Operations, name: str, cls: type[Operation]) -> Callable[..., str]:
    """One operation of the table as a plain function Gradio can serve: the project id first, then the
    operation's fields as typed parameters; the description and the parameter notes come from the table."""
    params = [inspect.Parameter("project", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)]
    notes = ["    project: Project id (see list_projects)."]
    for field, info in cls.model_fields.items():
        default = inspect.Parameter.empty if info.is_required() else info.get_default(call_default_factory=True)
        params.append(inspect.Parameter(field, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default,
                                        annotation=_typed(info.annotation)))
        notes.append(f"    {field}: {info.description or field.replace('_', ' ')}")
    signature = inspect.Signature(params, return_annotation=str)

    def run(*args: Any, **kwargs: Any) -> str:
        bound = signature.bind(*args, **kwargs)
        values = dict(bound.arguments)
        project = values.pop("project")
        ops.store.load(project)  # a clear error for an unknown or corrupt project
        op = parse(name, {k: dict(v) if isinstance(v, dict) else v for k, v in values.items()})
        return ops.run(project, op).text()

    run.__name__ = run.__qualname__ = name
    run.__signature__ = signature  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": str}
    run.__doc__ = f"{cls.description()}\n\nArgs:\n" + "\n".join(notes)
    return run


def add_mcp_tools(studio_or_store: Any, only: bool = True) -> list[str]:
    """Register the project tools as API (and so MCP) endpoints of the enclosing gr.Blocks; returns their names.

    With `only` (call it after the app's own events), the app's other events become "undocumented":
    still callable by Gradio clients, but off the API page and so off the MCP tool list, which then
    holds the project tools alone instead of every button's handler.
    """
    import gradio as gr
    from gradio.context import get_blocks_context

    store = _store_of(studio_or_store)
    names, ours = [], []
    for fn in make_tools(store):
        # the tool's name is the function's; the endpoint's is prefixed, clear of the studio's own (/export…)
        gr.api(fn, api_name=f"tool_{fn.__name__}", queue=False)
        names.append(fn.__name__)
        ours.append(fn)
    config = get_blocks_context()
    if only and config is not None:
        for block_fn in config.fns.values():
            if block_fn.fn not in ours and block_fn.api_visibility == "public":
                block_fn.api_visibility = "undocumented"
    return names
