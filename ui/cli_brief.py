"""`shotcaller brief PROJECT`: the brief as filed, each field beside the artist's words it came from and the
shots it touches; `--set FIELD=VALUE` edits a field in place, `--move "WORDS" --from F --to G` refiles an
answer. Each change is one version (one undo step), made through the project editor."""

from __future__ import annotations

import argparse
from typing import Any

from shotlist.errors import ShotcallerError


def section_answers(store, project_id: str, editor=None) -> dict[str, str]:
    """What the artist said about each section in guided mode (kept in the project's conversation); `editor`:
    the command's own, when it has one (reading needs no critic)."""
    from assistant.conversation import Conversation
    from assistant.guided import GuidedDirector
    from assistant.tools import ProjectTools

    conversation = Conversation(store.folder(project_id) / "chat.jsonl")
    tools = ProjectTools(store, project_id, run_critic=False, editor=editor)
    return GuidedDirector(tools, conversation).section_notes()


def brief_text(store, project_id: str, editor=None) -> str:
    from shotlist.brief_view import as_text, brief_rows

    project = editor.project() if editor else store.load(project_id)
    return as_text(brief_rows(project, section_answers(store, project_id, editor)))


def cmd_brief(args: argparse.Namespace) -> None:
    from shotlist.brief_view import touched_shots, value_text

    from .cli_edit import editor, saved_line

    ed = editor(args)
    if args.move is not None:
        if not (args.source and args.to):
            raise ShotcallerError('--move needs --from FIELD and --to FIELD, e.g. --move "that distance" '
                                  "--from why_generative --to meaning")
        edit = ed.move_answer(args.move, args.source, args.to)
        print(saved_line(edit, f"moved the answer from {args.source} to {args.to}"))
    for pair in args.set or []:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ShotcallerError(f'{pair!r} is not FIELD=VALUE, e.g. --set meaning="a letter nobody sent"')
        name = name.strip()
        edit = ed.update_brief(**{name: [v.strip() for v in value.split(";") if v.strip()]
                                  if name in ("motifs", "references") else value})
        shots = touched_shots(edit.project, value_text(edit.project.brief, name)) if name != "constraints" else []
        print(saved_line(edit, f"set {name}") + (f" (touches shots {', '.join(map(str, shots))})" if shots else ""))
    print(brief_text(ed.store, args.project, ed))


def add_brief_command(sub: Any) -> None:
    p = sub.add_parser("brief", help="show the brief as filed beside your words; --set or --move to fix a field")
    p.add_argument("project")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE", help="set a brief field (motifs: a; b; c)")
    p.add_argument("--move", metavar="WORDS", help="an answer to refile, as shown under 'you said'")
    p.add_argument("--from", dest="source", metavar="FIELD", help="the field it was filed under")
    p.add_argument("--to", metavar="FIELD", help="the field it belongs to")
    p.set_defaults(func=cmd_brief)
