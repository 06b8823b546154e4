"""Formats and render backends from other packages, through entry points.

A package adds a format or a backend by declaring it in its own pyproject.toml; nothing in Shotcaller
changes, and the registries list it beside the built-ins (`shotcaller formats`, `shotcaller backends`,
the studio's menus):

    [project.entry-points."shotcaller.formats"]
    fountain = "shotcaller_fountain:FORMAT"     # a shotlist.export.Format (name, suffix, write, read, …)

    [project.entry-points."shotcaller.backends"]
    comfy = "shotcaller_comfy:ComfyBackend"    # a factory of generation.backend.Backend (its class)

Built-ins register through the same `register` functions. A plugin that fails to load is left out of the
lists, and asking for it by name says why in one line (`failure`), rather than breaking every command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

FORMATS = "shotcaller.formats"
BACKENDS = "shotcaller.backends"

_loaded: dict[str, tuple[str, ...]] = {}  # group -> the sys.path it was last read for
_failed: dict[tuple[str, str], str] = {}  # (group, name) -> why it did not load
_origin: dict[tuple[str, str], str] = {}  # (group, name) -> the distribution that declared it


def load(group: str, register: Callable[[str, Any], None]) -> None:
    """Load every entry point of `group` and hand each to `register(name, object)`: once per `sys.path`
    (a distribution put on the path later is found the next time a registry is read)."""
    key = tuple(sys.path)
    if _loaded.get(group) == key:
        return
    _loaded[group] = key
    for ep in entry_points(group=group):
        dist = getattr(getattr(ep, "dist", None), "name", None) or "a plugin"
        try:
            register(ep.name, ep.load())
        except Exception as e:  # noqa: BLE001 - a broken plugin must not take the built-ins down with it
            _failed[(group, ep.name)] = f"{ep.value} from {dist} did not load: {type(e).__name__}: {e}"
            continue
        _failed.pop((group, ep.name), None)
        _origin[(group, ep.name)] = dist


def failure(group: str, name: str) -> str | None:
    """Why the plugin `name` of `group` did not load, if one by that name was declared and failed."""
    return _failed.get((group, name))


def origin(group: str, name: str) -> str:
    """'built-in', or the distribution a plugin came from."""
    return _origin.get((group, name), "built-in")
