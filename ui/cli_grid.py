"""`shotcaller regrid`: the artist corrects a project's beat grid (a stated tempo, double, halve, shift
half a beat); every cut moves to the new grid and each shot keeps its content (the table's `set_tempo` operation)."""

from __future__ import annotations

import argparse

from shotlist.errors import ShotcallerError


def set_tempo(args: argparse.Namespace):
    """The table's `set_tempo` operation from the flags (one of --bpm, --double, --halve, --shift-half)."""
    from shotlist.operations.tempo import SetTempo

    ops = [op for op in ("double", "halve", "shift_half") if getattr(args, op, False)]
    if args.bpm is None and len(ops) != 1 or args.bpm is not None and ops:
        raise ShotcallerError("give one of --bpm N, --double, --halve or --shift-half")
    try:
        return SetTempo(bpm=args.bpm) if args.bpm is not None else SetTempo(change=ops[0])
    except ValueError as e:
        raise ShotcallerError(f"--bpm {args.bpm:g}: give the beats per minute a musician would count, 30-300") from e


def cmd_regrid(args: argparse.Namespace) -> None:
    from .cli_edit import editor

    result = set_tempo(args).apply(editor(args))
    print(result.text())
    song = result.edit.project.song if result.edit else None
    if song is not None and song.confidence_note():
        print(song.confidence_note())


def add_grid_commands(sub) -> None:
    p = sub.add_parser("regrid", help="correct a project's beat grid; cuts move to the new grid, shots keep their content")
    p.add_argument("project")
    p.add_argument("--bpm", type=float, help="the tempo a musician would count, e.g. 95")
    p.add_argument("--double", action="store_true", help="twice as many beats")
    p.add_argument("--halve", action="store_true", help="every other beat")
    p.add_argument("--shift-half", dest="shift_half", action="store_true", help="move every beat half a beat later")
    p.set_defaults(func=cmd_regrid)
