"""Exporters and importers, one module per format, registered by name.

A format is any object with a `name`, a file `suffix`, and `write(project, folder) -> bytes`;
importers have `read(data: bytes, project) -> Project`. Built-ins register exactly as a plugin would.
A format that takes keyword options (`start_tc` for the NLE timelines) names them in `options`;
`export()` passes only those and says which formats take an option that does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

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


_FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    _FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str) -> Format:
    _load_builtins()
    try:
        return _FORMATS[name.lower()]
    except KeyError:
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


def importable() -> list[str]:
    _load_builtins()
    return sorted(n for n, f in _FORMATS.items() if f.read)


def _load_builtins() -> None:
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
