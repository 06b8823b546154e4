"""`shotcaller`: the command line. Front end only: it parses, calls `shotlist` / `assistant` /
`generation`, and prints. A `ShotcallerError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from shotlist.errors import ShotcallerError

from .cli_brief import add_brief_command
from .cli_chat import cmd_chat
from .cli_edit import add_commands, cmd_import, cmd_pick, fit_to_model
from .cli_grid import add_grid_commands


def _store():
    from shotlist.store import ProjectStore

    return ProjectStore()


def _analyse_with(lyrics: str | None):
    from shotlist.song import analyse_song

    return lambda path: analyse_song(path, lyrics=lyrics)


def cmd_analyze(args: argparse.Namespace) -> None:
    from shotlist.song import analyse_song

    if args.bpm is not None:
        from shotlist.regrid import GridChange

        GridChange(bpm=args.bpm)  # refuses a tempo no musician would count, with the reason
    song = analyse_song(args.song, lyrics=args.lyrics, bpm=args.bpm)
    if args.json:
        print(song.model_dump_json(indent=2))
        return
    from shotlist.lyrics import fmt_time

    print(f"{Path(song.path).name}: {fmt_time(song.duration)} ({song.duration:.2f}s), {song.sample_rate} Hz")
    print(f"tempo {song.tempo:.1f} BPM, {len(song.beats)} beats, {len(song.bars)} bars"
          + (f", beat-grid confidence {song.confidence:.2f}" if song.confidence is not None else ""))
    if song.confidence_note():
        print(song.confidence_note())
    for s in song.sections:
        print(f"  {fmt_time(s.start)}-{fmt_time(s.end)}  {s.label:<8} energy {s.energy:.2f}")
    timed = sum(1 for line in song.lyrics if line.timed)
    print(f"{len(song.lyrics)} lyric lines ({timed} timed)")


def cmd_new(args: argparse.Namespace) -> None:
    project = _store().create(args.song, _analyse_with(args.lyrics), title=args.title, lyrics_path=args.lyrics)
    print(f"created {project.title!r}: {len(project.song.sections)} sections, {project.song.tempo:.1f} BPM")
    print(project.id)


def cmd_list(args: argparse.Namespace) -> None:
    rows = _store().list()
    if not rows:
        print("no projects yet: shotcaller new --song SONG")
    for r in rows:
        print(f"{r.id:<32} v{r.version:<4} {r.shots:>3} shots  {r.duration:7.1f}s  {r.title}")


def cmd_show(args: argparse.Namespace) -> None:
    from shotlist.table import shot_table

    project = _store().load(args.project)
    print(f"{project.title} ({project.id}) version {project.version}")
    print(shot_table(project))


def cmd_recover(args: argparse.Namespace) -> None:
    project = _store().recover(args.project)
    print(f"{project.id} restored to version {project.version}")


def cmd_delete(args: argparse.Namespace) -> None:
    _store().delete(args.project)
    print(f"deleted {args.project}")


def cmd_export(args: argparse.Namespace) -> None:
    from shotlist.export import export, get_format

    store = _store()
    project = store.load(args.project)
    if args.with_media:
        from shotlist.export.media import DEFAULT_START_TC
        from shotlist.export.package import offline_shots, write_media_package

        if args.out == "-":
            raise ShotcallerError("--with-media writes a folder: give --out a folder, not -")
        folder = store.folder(project.id)
        out = Path(args.out) if args.out else folder / "exports" / f"{project.id}-with-media"
        print(write_media_package(project, folder, out, args.start_tc or DEFAULT_START_TC))
        if offline := offline_shots(project, folder):
            many = len(offline) > 1
            print(f"{len(offline)} shot{'s have' if many else ' has'} no render yet and {'are' if many else 'is'} "
                  f"offline in the package: {', '.join(map(str, offline))}")
        return
    fmt = get_format(args.format)
    data = export(fmt.name, project, store.folder(project.id), start_tc=args.start_tc)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out = Path(args.out) if args.out else store.folder(project.id) / "exports" / f"{project.id}{fmt.suffix}"
    from shotlist.store import write_atomic

    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, data)
    print(out)


class ProgressBar:
    """One line on stderr: which shot, how far, what is happening."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = ""

    def update(self, label: str, fraction: float, message: str) -> None:
        filled = int(fraction * 20)
        line = f"{label:<14} [{'#' * filled}{'.' * (20 - filled)}] {message}"
        if self.tty:
            print("\r" + line[:100].ljust(100), end="", file=sys.stderr, flush=True)
        elif fraction >= 1.0 or message.startswith(("failed", "worker lost")):
            print(line, file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def cmd_render(args: argparse.Namespace) -> None:
    from generation.route import RenderOptions, render_shots
    from shotlist.shot_range import shots_named

    store = _store()
    if args.fit_model:
        notes = fit_to_model(args)
        if notes:
            print("\n".join(notes), file=sys.stderr)
    shots = shots_named(store.load(args.project), args.shots)
    bar = ProgressBar()
    options = RenderOptions(width=args.width, height=args.height, fps=args.fps, model=args.model, takes=args.takes or 1,
                            steps=args.steps, offload=args.offload, vae_tiling=args.vae_tiling, ray=args.ray,
                            workers=args.workers, cut=Path(args.out) if args.out else None, report=bar.update)
    try:
        result = render_shots(store, args.project, shots, args.backend, options)
    finally:
        bar.done()
    print(f"{len(result.rendered)} rendered, {len(result.cached)} from the cache, {len(result.failed)} failed",
          file=sys.stderr)
    if result.why:
        print(f"rendered now: {result.reasons()}", file=sys.stderr)  # which shots, and what changed in each
    for n, reason in result.failed.items():
        print(f"shot {n} failed: {reason}", file=sys.stderr)
    if result.cancelled:
        raise ShotcallerError("render cancelled; run it again to resume (finished shots are kept)")
    print(result.cut)


def cmd_formats(args: argparse.Namespace) -> None:
    """Every export/import format the registry holds, built-in or from a plugin."""
    from shotlist import plugins
    from shotlist.export import formats, get_format

    for name in formats():
        fmt = get_format(name)
        can = "export, import" if fmt.read else "export"
        print(f"{name:<9} {fmt.suffix:<8} {can:<15} {fmt.description} ({plugins.origin(plugins.FORMATS, name)})")


def cmd_backends(args: argparse.Namespace) -> None:
    """Every render backend the registry holds, with what it declares."""
    from generation.backend import backend_factory, backends, makes_keyframes, needs_gpu
    from shotlist import plugins

    for name in backends():
        factory = backend_factory(name)
        says = ", ".join(w for w, yes in (("needs a GPU", needs_gpu(factory)), ("makes keyframes",
                                                                                makes_keyframes(factory))) if yes)
        print(f"{name:<17} {says or 'CPU'} ({plugins.origin(plugins.BACKENDS, name)})")


def cmd_prune(args: argparse.Namespace) -> None:
    from generation.render import Renderer

    removed = Renderer(_store(), args.project).prune()
    print(f"removed {len(removed)} unreferenced render files")


def cmd_eval(args: argparse.Namespace) -> None:
    from evals.runner import run_all

    md, data = run_all(args.llm, Path(args.scenarios) if args.scenarios else None, Path(args.out))
    print(md)
    if data["pass_rate"] < 1.0:
        raise ShotcallerError(f"eval pass rate {data['pass_rate']:.0%} is below 100 %: see {args.out}")


def cmd_score(args: argparse.Namespace) -> int:
    from evals.score import report_json, report_text, score_target

    persona = {"constraints": args.constraints or "", "feeling": args.feeling or ""}
    report = score_target(args.target, _store(), persona, args.tempo)
    print(report_json(report) if args.json else report_text(report))
    return 0 if report.passed else 1


def cmd_ui(args: argparse.Namespace) -> None:
    from ui.studio import launch

    print(f"Shotcaller studio on http://{args.host}:{args.port}", flush=True)
    if args.mcp:
        import importlib.util

        from ui.studio import is_loopback

        if importlib.util.find_spec("mcp") is None:
            raise ShotcallerError("--mcp needs the mcp package: pip install 'shotcaller[mcp]'")
        if not is_loopback(args.host) and not args.insecure:
            raise ShotcallerError(f"--mcp lets any MCP client on the network edit projects: serve it on 127.0.0.1, "
                                  f"not {args.host} (or add --insecure, if you mean it)")
        print(f"MCP server (project tools) on http://{args.host}:{args.port}/gradio_api/mcp/", flush=True)
    launch(args.host, args.port, auth=args.auth, share=args.share, insecure=args.insecure, mcp=args.mcp)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shotcaller", description="Concept-to-video assistant for musicians.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("analyze", help="analyse a song: tempo, beats, bars, sections, lyrics")
    p.add_argument("song")
    p.add_argument("--lyrics", help="LRC or plain-text lyrics")
    p.add_argument("--json", action="store_true", help="print the Song as JSON")
    p.add_argument("--bpm", type=float, help="the tempo you know (e.g. 95): the grid keeps it, phase and bars by evidence")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("new", help="create a project from a song; prints its id last")
    p.add_argument("--song", required=True)
    p.add_argument("--lyrics")
    p.add_argument("--title")
    p.set_defaults(func=cmd_new)

    sub.add_parser("list", help="list projects").set_defaults(func=cmd_list)

    for name, func, text in (
        ("show", cmd_show, "show a project's shot list"),
        ("recover", cmd_recover, "restore project.json from the last good version"),
        ("delete", cmd_delete, "delete a project"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("project", help="project id or folder")
        p.set_defaults(func=func)

    p = sub.add_parser("export", help="export the shot list")
    p.add_argument("project")
    p.add_argument("--format", "-f", default="json")
    p.add_argument("--out", "-o", help="file to write, or - for stdout (default: the project's exports/)")
    p.add_argument("--with-media", action="store_true",
                   help="write a folder: EDL, FCPXML, FCP7 XML, OTIO and MLT with the chosen clips and the song, "
                        "all referenced relatively (--out names the folder)")
    p.add_argument("--start-tc", metavar="HH:MM:SS:FF",
                   help="timecode of the timeline's first frame in edl, fcpxml, fcp7xml and otio (default 01:00:00:00)")
    p.set_defaults(func=cmd_export)

    sub.add_parser("formats", help="list the export and import formats (plugins' too)").set_defaults(func=cmd_formats)
    sub.add_parser("backends", help="list the render backends (plugins' too)").set_defaults(func=cmd_backends)

    p = sub.add_parser("import", help="import a shot list into a project (a new version)")
    p.add_argument("project")
    p.add_argument("file")
    p.add_argument("--format", help="default: from the file's content (its extension breaks a tie)")
    p.set_defaults(func=cmd_import)

    add_commands(sub)
    add_grid_commands(sub)
    add_brief_command(sub)

    p = sub.add_parser("chat", help="talk with the director about a project (reads stdin when piped)")
    p.add_argument("project", nargs="?", help="the project (or --song to start one and talk while it is analysed)")
    p.add_argument("--song", help="start a new project on this song; what you type meanwhile is kept")
    p.add_argument("--lyrics", help="with --song: LRC or plain-text lyrics")
    p.add_argument("--title", help="with --song: the project's title")
    p.add_argument("--llm", help="openai:MODEL, ollama:MODEL, local[:MODEL] (a small model run here) or offline "
                   "(default: SHOTCALLER_LLM, then auto)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("render", help="render shots and cut them on the song; prints the video's path last")
    p.add_argument("project")
    p.add_argument("--backend", default="animatic",
                   help="animatic (default), diffusers-video, diffusers-stills, or a plugin's (shotcaller backends)")
    p.add_argument("--model", help="preset name, diffusers model id or local folder")
    p.add_argument("--shots", help="which shots: 3, 1,4-6, '3 to 5', last, or a section like chorus (default: all)")
    p.add_argument("--takes", type=int, default=1, help="variants per shot, each with its own seed")
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--fps", type=float)
    p.add_argument("--steps", type=int, help="diffusion steps (default: the preset's)")
    p.add_argument("--offload", action="store_true", help="model CPU offload (less GPU memory)")
    p.add_argument("--vae-tiling", action="store_true", help="VAE tiling/slicing (less memory)")
    p.add_argument("--fit-model", action="store_true",
                   help="first split shots longer than the video model's longest clip, on the bar grid")
    p.add_argument("--out", help="where to write the cut (default: the project's renders/)")
    p.add_argument("--ray", nargs="?", const="local", metavar="local|ADDRESS",
                   help="render on a Ray cluster: 'local' (default) starts one here, or an address such as auto or "
                        "ray://head:10001 (pip install 'shotcaller[ray]'; see docs/scale.md)")
    p.add_argument("--workers", type=int, help="with --ray: at most this many workers (default: one per GPU, "
                                               "or per CPU for the animatic and GPU-less clusters)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("pick", help="choose the take a shot uses in the cut")
    p.add_argument("project")
    p.add_argument("shot", help="shot number or id")
    p.add_argument("take", help="take id, e.g. t2")
    p.set_defaults(func=cmd_pick)

    p = sub.add_parser("prune", help="delete render files nothing refers to")
    p.add_argument("project")
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("eval", help="score the director on the scenario suite")
    p.add_argument("--llm", default="offline",
                   help="offline (default), scripted, openai:MODEL, ollama:MODEL or local[:MODEL]")
    p.add_argument("--scenarios", help="folder of scenario YAML files (default: evals/scenarios)")
    p.add_argument("--out", default="evals/reports", help="where to write the Markdown and JSON reports")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("score", help="score any shot list (project JSON, CSV, OTIO or a project id) with "
                                     "the quality evaluators; exit 1 when one fails")
    p.add_argument("target", metavar="FILE|PROJECT")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--tempo", type=float, help="the song's tempo (BPM) for a file without one")
    p.add_argument("--feeling", help="the song's feeling, in the artist's words (pacing reads it)")
    p.add_argument("--constraints", help="what the artist ruled out, e.g. 'no people, 9:16'")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("ui", help="start the studio")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="USER:PASS; required for a non-loopback host")
    p.add_argument("--share", action="store_true", help="a public Gradio share link (needs --auth)")
    p.add_argument("--insecure", action="store_true", help="serve a non-loopback host without auth")
    p.add_argument("--mcp", action="store_true",
                   help="also serve the project tools to MCP clients at /gradio_api/mcp/ (needs the mcp package)")
    p.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    if "HF_HUB_OFFLINE" not in os.environ:  # the artist did not ask for offline: the local director may download
        os.environ.setdefault("SHOTCALLER_HUB_ONLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from shotlist.paths import numba_cache

    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache()))
    args = build_parser().parse_args(argv)
    try:
        rc = args.func(args)  # a command may return its exit status (score: 1 when an evaluator fails)
    except ShotcallerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; saved work is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
