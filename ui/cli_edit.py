"""`shotcaller` commands that edit a project: one subcommand per operation of the table
(`shotlist.operations`), plus the short positional forms kept for the common ones (`revise`, `split`,
`merge`, `lock`, `unlock`, `pick`), which run the same operations; every change goes through
`shotlist.editor.ProjectEditor` with the critic as its review and prints its typed result's line."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from shotlist.errors import ShotcallerError


def editor(args: argparse.Namespace, review: bool = True):
    """The one project editor of this command, for `args.project`, built on first use with the critic as its
    review (every step of the command, and every operation it runs, goes through this same editor)."""
    held = getattr(args, "_editor", None)
    if held is None:
        from shotlist.editor import ProjectEditor
        from shotlist.store import ProjectStore

        critic_apply = None
        if review:
            from assistant.critic import apply as critic_apply
        held = args._editor = ProjectEditor(ProjectStore(), args.project, review=critic_apply)
    return held


def saved_line(edit, what: str) -> str:
    if not edit.saved:
        return f"{edit.project.id}: no change ({'; '.join(edit.notes)}), version {edit.version}"
    shots = edit.numbers()
    where = f" shot{'s' if len(shots) > 1 else ''} {', '.join(map(str, shots))}" if shots else ""
    return f"{edit.project.id}: {what}{where}; version {edit.version}"


def parse_changes(pairs: list[str]) -> dict[str, Any]:
    """FIELD=VALUE pairs → a dict for ShotChanges (numbers stay text: pydantic converts them)."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ShotcallerError(f"{pair!r} is not FIELD=VALUE, e.g. prompt=\"a paper moon\" or end=42.5")
        changes[name.strip()] = None if value == "" and name.strip() == "lyric" else value
    return changes


def run_operation(args: argparse.Namespace, name: str, **values: Any) -> None:
    """Run one operation of the table through the command's editor (`editor`), and print its typed result."""
    from shotlist.operations import parse

    print(parse(name, values).apply(editor(args)).text())


def cmd_revise(args: argparse.Namespace) -> None:
    run_operation(args, "revise_shots", patches=[{"shot": args.shot, "changes": parse_changes(args.changes)}])


def cmd_split(args: argparse.Namespace) -> None:
    run_operation(args, "split_shot", shot=args.shot, at=args.at)


def cmd_merge(args: argparse.Namespace) -> None:
    run_operation(args, "merge_shots", first=args.first, last=args.last)


def cmd_lock(args: argparse.Namespace) -> None:
    run_operation(args, "lock_shots", shots=args.shots, locked=not args.unlock)


def cmd_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise ShotcallerError(f"{args.file!r} does not exist")
    from shotlist.export.sniff import import_format

    data = path.read_bytes()
    fmt = import_format(path.name, data, args.format)  # by the content; the extension breaks a tie
    edit = editor(args).import_shots(data, fmt.name)
    for note in edit.notes:
        print(note)
    print(f"imported {len(edit.project.shots)} shots ({fmt.name}) into {edit.project.id}: version {edit.version}")


def cmd_pick(args: argparse.Namespace) -> None:
    run_operation(args, "pick_take", shot=args.shot, take=args.take)


def fit_to_model(args: argparse.Namespace) -> list[str]:
    """`render --fit-model`: split shots longer than the model's longest clip; the notes to print."""
    from generation.presets import video_preset

    preset = video_preset(args.model)
    edit = editor(args).fit(preset.max_seconds, preset.name)
    if not edit.saved:
        return []
    return [*edit.notes, f"version {edit.version}: {len(edit.project.shots)} shots"]


def cmd_sections(args: argparse.Namespace) -> None:
    from shotlist import sections as edit

    project = editor(args).project()
    if args.action:
        project = editor(args).sections(args.action, args.ref, label=getattr(args, "label", None),
                                        at=getattr(args, "at", None)).project
    print(edit.describe_sections(project))
    if args.action:
        print(f"saved {project.id} (version {project.version})")


def _cli_type(annotation: Any) -> tuple[Any, bool, tuple | None] | None:
    """(argparse type, takes a list, choices) for a field of an operation; None when it is not typed on a
    command line (a nested model: the LLM and MCP tools take it, the CLI leaves it out)."""
    def bare(t: Any) -> Any:
        return get_args(t)[0] if get_origin(t) is Annotated else t

    annotation = bare(annotation)
    args = [bare(a) for a in get_args(annotation) if a is not type(None)] \
        if get_origin(annotation) in (Union, UnionType) else [annotation]
    kind = args[0] if len(args) == 1 else None
    many = get_origin(kind) is list
    if many:
        kind = bare(get_args(kind)[0])
    if get_origin(kind) is Literal:
        return str, many, get_args(kind)
    if kind in (str, int, float) or (kind is bool and not many):
        return kind, many, None
    return None


def cmd_operation(args: argparse.Namespace) -> None:
    run_operation(args, args.op_name, **{k: v for k, v in vars(args).items()
                                                  if k in args.op_fields and v is not None})


def add_operation_commands(sub: Any, taken: set[str]) -> list[str]:
    """One subcommand per operation of the table (`swap-shots PROJECT --first 3 --second 4`), its help the
    operation's description and its options the operation's fields; names the CLI already has are left out."""
    from shotlist.operations import OPERATIONS

    added = []
    for name, cls in OPERATIONS.items():
        command = name.replace("_", "-")
        types = {f: _cli_type(info.annotation) for f, info in cls.model_fields.items()}
        if command in taken or name in taken or any(types[f] is None for f, i in cls.model_fields.items()
                                                    if i.is_required()):
            continue
        p = sub.add_parser(command, help=cls.description())
        p.add_argument("project")
        for field, info in cls.model_fields.items():
            if types[field] is None:
                continue
            kind, many, choices = types[field]  # type: ignore[misc]
            flag = f"--{field.replace('_', '-')}"
            if field in cls.positional:  # `rename PROJECT TITLE`
                p.add_argument(field, type=kind, nargs="+" if many else None, choices=choices, help=info.description)
            elif kind is bool:
                p.add_argument(flag, dest=field, action=argparse.BooleanOptionalAction, default=None,
                               help=info.description)
            else:
                p.add_argument(flag, dest=field, type=kind, nargs="+" if many else None, choices=choices,
                               required=info.is_required(), help=info.description)
        p.set_defaults(func=cmd_operation, op_name=name, op_fields=set(cls.model_fields))
        added.append(command)
    return added


def add_commands(sub: Any) -> None:
    """Register the editing commands on the `shotcaller` sub-parser, then one per operation of the table."""
    p = sub.add_parser("revise", help="change fields of one shot, e.g. revise PROJECT 5 prompt=\"…\" end=42.5")
    p.add_argument("project")
    p.add_argument("shot", help="shot number or id")
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(func=cmd_revise)

    p = sub.add_parser("split", help="split a shot in two at a time (snapped to a beat)")
    p.add_argument("project")
    p.add_argument("shot")
    p.add_argument("at", type=float, help="seconds from the top of the song")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("merge", help="merge shots FIRST..LAST into the first")
    p.add_argument("project")
    p.add_argument("first")
    p.add_argument("last")
    p.set_defaults(func=cmd_merge)

    for name, unlock in (("lock", False), ("unlock", True)):
        p = sub.add_parser(name, help=f"{name} shots (locked shots never change), e.g. {name} PROJECT 3 5-7")
        p.add_argument("project")
        p.add_argument("shots", nargs="+")
        p.set_defaults(func=cmd_lock, unlock=unlock)

    p = sub.add_parser("sections", help="list, rename, split or merge a project's song sections (shots follow)")
    p.add_argument("project", help="project id or folder")
    acts = p.add_subparsers(dest="action", metavar="ACTION")
    a = acts.add_parser("rename", help="rename section N, or every section with a label: rename chorus hook")
    a.add_argument("ref", help="section number or current label")
    a.add_argument("label")
    a = acts.add_parser("split", help="split section N at a time in seconds (snapped to a bar line)")
    a.add_argument("ref", help="section number")
    a.add_argument("at", type=float)
    a.add_argument("--label", help="label of the second part (default: the same)")
    a = acts.add_parser("merge", help="merge section N with the next one")
    a.add_argument("ref", help="section number")
    a.add_argument("--label", help="label of the merged section (default: the first's)")
    p.set_defaults(func=cmd_sections)

    # the hand-kept commands above (and render, export, pick in ui/cli.py) keep their shorter forms; undo, redo
    # and rename are the table's own (`undo PROJECT [--steps N]`, `rename PROJECT TITLE`)
    add_operation_commands(sub, set(sub.choices) | {"lock_shots", "merge_shots", "split_shot", "revise_shots",
                                                    "pick_take", "render", "export"})
