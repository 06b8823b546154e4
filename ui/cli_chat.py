"""`shotcaller chat`: talk with the director in the terminal. Front end only.

Every line typed is read as soon as it is typed (a reader thread) and kept in order: with `--song`
the project is created (the song analysed) while the artist already answers, and those answers are
answered in order once the project exists; a line typed while a turn runs waits for its turn.
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading

from shotlist.errors import ShotcallerError


def _reader(lines: queue.Queue[str | None]) -> None:
    for line in sys.stdin:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _create(args: argparse.Namespace, store, waiting: queue.Queue[str | None]) -> str:
    from shotlist.song import analyse_song

    print(f"analysing {args.song} … type away: what you write now is kept and answered in order once it's ready",
          flush=True)
    try:
        project = store.create(args.song, lambda path: analyse_song(path, lyrics=args.lyrics), title=args.title,
                               lyrics_path=args.lyrics)
    except ShotcallerError:
        unsent = [x for x in list(waiting.queue) if x]
        if unsent:  # nothing typed is lost: give it back to copy
            print("not sent (no project): " + " | ".join(unsent), file=sys.stderr)
        raise
    early = sum(1 for x in list(waiting.queue) if x and x.strip())
    print(f"created {project.title!r} ({project.id})" +
          (f"; answering the {early} message{'s' * (early != 1)} you typed meanwhile, in order" if early else ""),
          flush=True)
    return project.id


def cmd_chat(args: argparse.Namespace) -> None:
    from assistant.session import open_director
    from shotlist.store import ProjectStore
    from shotlist.table import shot_table

    store = ProjectStore()
    if not args.project and not args.song:
        raise ShotcallerError("name a project (shotcaller chat PROJECT) or give a song to start one (--song SONG)")
    interactive = sys.stdin.isatty()
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(lines,), daemon=True).start()
    project_id = args.project or _create(args, store, lines)
    director = open_director(store, project_id, args.llm)
    print(f"[{director.provider}] chatting about {project_id}; /plan /show /critique /undo /quit")

    streaming = [False]

    def show(reply) -> None:
        if not reply.final:  # streamed tokens and tool steps as they happen
            if reply.text:
                if not streaming[0]:
                    print("director> ", end="")
                streaming[0] = True
                print(reply.text, end="", flush=True)
            for step in reply.steps:
                print(f"\n  · {step}", flush=True)
            return
        if streaming[0]:
            streaming[0] = False
            print("\n", flush=True)
            return
        for step in reply.steps:
            print(f"  · {step.splitlines()[0]}")
        print(f"director> {reply.text}\n", flush=True)

    opening = director.opening()
    if opening:
        show(opening)
    while True:
        if interactive and lines.empty():
            print("you> ", end="", flush=True)
        line = lines.get()
        if line is None:
            break
        command = line.strip().lower()
        if not interactive and line.strip():
            print(f"you> {line.strip()}")
        try:
            if command in ("/quit", "/exit"):
                break
            if command == "/show":
                print(shot_table(director.tools.project()))
            elif command == "/critique":
                print(director.tools.critique())
            elif command == "/undo":
                print(director.tools.undo())
            elif command == "/plan":
                for reply in director.plan():
                    show(reply)
            else:
                for reply in director.turn(line):
                    show(reply)
        except ShotcallerError as e:  # the turn failed; the conversation and project are intact
            print(f"error: {e}", file=sys.stderr)
    print(f"saved {project_id} (version {director.tools.project().version})")
