"""Exporters and importers, one module per format, registered by name.

A format is any object with a `name`, a file `suffix`, and `write(project, folder) -> bytes`;
importers have `read(data: bytes, project) -> Project`; `sniff(data) -> bool` says whether a file's content
is this format (`shotlist.export.sniff`: import chooses the format by it, the extension only breaking a tie;
a format without one is chosen by its suffix). Built-ins register exactly as a plugin would.
A format that takes keyword options (`start_tc` for the NLE timelines) names them in `options`;
`export()` passes only those and says which formats take an option that does not apply.
Another package adds a format through the "shotcaller.formats" entry point (`shotlist.plugins`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

from .. import plugins
from ..errors import ShotcallerError
from ..models import Project


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    write: Callable[[Project, Path], bytes]
    read: Callable[[bytes, Project], Project] | None = None
    description: str = ""
    options: frozenset[str] = frozenset()
    sniff: Callable[[bytes], bool] | None = None


_FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    _FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str) -> Format:
    _load_builtins()
    try:
        return _FORMATS[name.lower()]
    except KeyError:
        if why := plugins.failure(plugins.FORMATS, name.lower()):
            raise ShotcallerError(f"export format {name!r}: {why}") from None
        raise ShotcallerError(f"export format {name!r} is not supported; available: {', '.join(formats())}") from None


def export(name: str, project: Project, folder: Path, **options: object) -> bytes:
    """`project` written in format `name`; options left at None are not passed."""
    fmt = get_format(name)
    given = {k: v for k, v in options.items() if v is not None}
    for option in sorted(set(given) - fmt.options):
        takers = ", ".join(n for n in formats() if option in _FORMATS[n].options)
        raise ShotcallerError(f"--{option.replace('_', '-')} does not apply to {fmt.name}; it applies to: {takers}")
    return fmt.write(project, folder, **given)


def formats() -> list[str]:
    _load_builtins()
    return sorted(_FORMATS)


def all_formats() -> list[Format]:
    """Every registered format, built-in and plugin, by name."""
    _load_builtins()
    return [_FORMATS[n] for n in sorted(_FORMATS)]


def importable() -> list[str]:
    _load_builtins()
    return sorted(n for n, f in _FORMATS.items() if f.read)


def _plugin(name: str, fmt: object) -> None:
    if not (isinstance(getattr(fmt, "name", None), str) and getattr(fmt, "suffix", None) and callable(
            getattr(fmt, "write", None))):
        raise TypeError(f"{fmt!r} is not a shotlist.export.Format (a name, a suffix and write(project, folder))")
    if fmt.name != name:
        raise TypeError(f"the entry point is named {name!r} but its format is {fmt.name!r}")
    if name in _FORMATS and plugins.origin(plugins.FORMATS, name) == "built-in":
        raise TypeError(f"{name!r} is a built-in format; a plugin cannot replace it")
    register(fmt)  # type: ignore[arg-type]


def _load_builtins() -> None:
    _builtins()
    plugins.load(plugins.FORMATS, _plugin)


def _builtins() -> None:
    from . import (  # noqa: F401  (each registers itself)
        csv_format,
        edl_format,
        fcp7_format,
        fcpxml_format,
        json_format,
        mlt_format,
        otio_format,
        pdf_format,
        text_formats,
    )
