"""The Gradio studio: its layout, and its launch; the events are wired in `ui.wiring`, every action
is a `ui.handlers.Studio` method.

    shotcaller ui [--host 127.0.0.1] [--port 7860] [--auth USER:PASS] [--share] [--insecure]

Each tab's session lives on the server (`Studio.session(request.session_hash)`), so an event never
acts on stale state; handlers return dicts of the components they change, so a chat turn streams
only the chat and the views refresh once, when a turn changed the project.
"""

from __future__ import annotations

import ipaddress
import os
from types import SimpleNamespace

from generation.backend import backends
from shotlist.errors import ShotcallerError
from shotlist.export import formats as export_formats

from . import brief_panel
from .build_panel import build_row, wire_build
from .handlers import MAX_UPLOAD_MB, TABLE_COLUMNS, Studio
from .playback import KINDS as PLAY_KINDS
from .shot_actions import shot_actions_rows, storyboard_drop, wire_shot_actions
from .tempo_panel import tempo_row, wire_tempo
from .views import shot_detail
from .wiring import Wiring

AUDIO_TYPES = [".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".aif", ".aiff", ".oga"]
CSS = """
#header summary {list-style-position: inside; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
                 cursor: pointer}
#header summary p {display: inline}
#header .badge {display: inline-block; padding: 0 .5em; margin-left: .4em; border-radius: .7em; font-size: .85em;
                background: var(--block-label-background-fill); border: 1px solid var(--border-color-primary)}
#header details[open] {padding-bottom: .3em}
#status {min-height: 1.4em}
#new-dialog:not(.shown) {display: none}
#project-bar {align-items: center; flex-wrap: nowrap}
#project-bar button {min-width: 0}
#timeline {position: relative}
#timeline img {object-fit: contain; cursor: pointer}
#playhead {position: absolute; top: 0; bottom: 0; width: 2px; background: #fff; pointer-events: none; display: none}
#storyboard img {cursor: pointer; object-fit: contain !important; background: #111}
#storyboard .thumbnail-item {aspect-ratio: var(--frame-aspect, 16 / 9) !important; height: auto !important}
#storyboard .thumbnail-item.playing {outline: 3px solid #ffd34d}
#storyboard .thumbnail-item.dragging {opacity: .4}
#storyboard .thumbnail-item.drop-before {box-shadow: -5px 0 0 #ffd34d}
#storyboard .thumbnail-item.drop-after {box-shadow: 5px 0 0 #ffd34d}
#storyboard-drop {display: none}
#versions {max-height: 320px; overflow-y: auto}
"""
LAST_PROJECT_KEY = "shotcaller-last-project"
COLUMN_WIDTHS = ["40px", "62px", "62px", "78px", "150px", "100px", "90px", "90px", "150px", "150px", "180px", "180px",
                 "180px", "110px", "90px"]  # one per TABLE_COLUMNS


def build(studio: Studio | None = None, mcp: bool = False):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    studio = studio or Studio()
    c = SimpleNamespace()  # the components, by name, for ui.wiring
    with gr.Blocks(title="Shotcaller") as demo:
        c.last_project = gr.BrowserState(None, storage_key=LAST_PROJECT_KEY)
        c.header = gr.Markdown("no project open", elem_id="header", sanitize_html=False)
        # the project bar: one row; the song and lyrics uploads live in the new-project dialog
        with gr.Row(elem_id="project-bar", equal_height=True):
            c.project_pick = gr.Dropdown(choices=[], show_label=False, container=False, elem_id="project-pick",
                                         scale=4, min_width=160, info=None)
            c.title = gr.Textbox(placeholder="Title", show_label=False, container=False, elem_id="title", scale=3,
                                 min_width=120)
            c.new_open = gr.Button("New…", size="sm", variant="primary", elem_id="new-open", scale=0, min_width=70)
            c.rename_btn = gr.Button("Rename", size="sm", elem_id="rename", scale=0, min_width=70)
            c.undo_btn = gr.Button("Undo", size="sm", elem_id="undo", scale=0, min_width=60)
            c.redo_btn = gr.Button("Redo", size="sm", elem_id="redo", scale=0, min_width=60)
            c.delete_btn = gr.Button("Delete", size="sm", variant="stop", elem_id="delete", scale=0, min_width=70)
        with gr.Accordion("New project: a song, and its lyrics if you have them", open=False,
                          elem_id="new-dialog") as c.new_dialog:
            with gr.Row(equal_height=True):
                c.song = gr.File(label="Song (wav, mp3, ogg, flac, m4a)", file_types=AUDIO_TYPES, elem_id="song-upload",
                                 scale=2, height=90)
                c.lyrics = gr.File(label="Lyrics (LRC or text, optional)", file_types=[".lrc", ".txt"],
                                   elem_id="lyrics-upload", scale=2, height=90)
                c.new_btn = gr.Button("Create the project", variant="primary", elem_id="new-project", scale=1)
        c.status = gr.Markdown("", elem_id="status")
        with gr.Row(elem_id="work"):
            with gr.Column(scale=3, min_width=480):
                # the song across the top of the work (room on its header row for a tempo control)
                with gr.Row(elem_id="timeline-bar"):
                    c.song_line = gr.Markdown("", elem_id="song-line")
                    tempo_row(gr, c)
                c.timeline = gr.Image(show_label=False, type="filepath", interactive=False, elem_id="timeline",
                                      visible=False, height=150, container=False, buttons=[])  # until a project opens
                c.timeline_data = gr.JSON(visible=False, elem_id="timeline-data")
                with gr.Tabs(elem_id="tabs") as c.tabs:
                    with gr.Tab("Storyboard", id="tab-storyboard") as c.tab_storyboard:
                        c.gallery = gr.Gallery(show_label=False, columns=5, elem_id="storyboard", allow_preview=False,
                                               height=430, object_fit="contain",
                                               visible=False)  # until its tab is opened: a Gallery loads the video player
                        storyboard_drop(gr, c)  # a card dragged onto another moves it there
                    with gr.Tab("Shot list", id="tab-shots") as c.tab_shots:
                        # one line a row, narrow columns, the shot number pinned while the rest scrolls sideways;
                        # a cell's whole text is in the selected shot's panel (and in the cell while editing)
                        c.table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=True, wrap=False, elem_id="shot-table",
                                               max_height=430, pinned_columns=1, column_widths=COLUMN_WIDTHS)
                        with gr.Row():
                            c.apply_btn = gr.Button("Apply edits", size="sm", elem_id="apply-edits")
                            c.lock_numbers = gr.Textbox(show_label=False, placeholder="shots to lock: 3, 7",
                                                        elem_id="lock-numbers", container=False)
                            c.lock_btn = gr.Button("Lock", size="sm", elem_id="lock")
                            c.unlock_btn = gr.Button("Unlock", size="sm", elem_id="unlock")
                        with gr.Row():
                            c.section_cmd = gr.Textbox(show_label=False, container=False, elem_id="section-command",
                                                       placeholder="sections: rename 3 hook · split 3 95.5 · merge 4")
                            c.section_btn = gr.Button("Apply to sections", size="sm", elem_id="apply-sections")
                    with gr.Tab("History", id="tab-history") as c.tab_history:
                        with gr.Row():
                            with gr.Column(scale=2, min_width=200):
                                c.versions = gr.Radio([], label="Versions (newest first)", elem_id="versions")
                            with gr.Column(scale=3):
                                c.version_diff = gr.Markdown("*Choose a version to see what it changed.*",
                                                             elem_id="version-diff")
                                c.revert_btn = gr.Button("Revert to this one", size="sm", elem_id="revert")
                    with gr.Tab("Video", id="tab-video") as c.tab_video:
                        with gr.Row(equal_height=True):
                            c.play_what = gr.Radio([(label, kind) for kind, label in PLAY_KINDS.items()],
                                                   value="animatic", show_label=False, container=False,
                                                   elem_id="play-what", scale=2)
                            c.play_note = gr.Markdown("", elem_id="play-note")
                        c.video = gr.Video(label="Playing", elem_id="cut", visible=False, height=360)  # until there is one
                        with gr.Row():
                            c.play_btn = gr.Button("▶ Play from the selected shot", size="sm", elem_id="play-from")
                            c.render_btn = gr.Button("Render the cut", variant="primary", size="sm", elem_id="render")
                            c.cancel_btn = gr.Button("Cancel", size="sm", elem_id="cancel")
                    with gr.Tab("Export", id="tab-export") as c.tab_export:
                        c.fmt = gr.Dropdown(export_formats(), value="json", label="Format", elem_id="export-format")
                        c.export_btn = gr.Button("Export", elem_id="export")
                        c.exported = gr.File(label="Download", elem_id="export-file")
                    brief_panel.build(gr, c)
                with gr.Accordion("Settings", open=False, elem_id="settings"):
                    with gr.Row():
                        c.llm = gr.Textbox(label="Director (offline, openai:MODEL, ollama:MODEL, local[:MODEL]; "
                                           "empty = automatic)", elem_id="llm")
                        c.backend = gr.Dropdown(backends(), value="animatic",
                                                label="Renderer", elem_id="backend")
                        c.model = gr.Textbox(label="Model (preset, id or folder)", elem_id="model")
                    with gr.Row():
                        c.resolution = gr.Textbox(value="1280x720", label="Resolution", elem_id="resolution")
                        c.fps = gr.Number(value=24, label="fps", elem_id="fps")
                        c.takes = gr.Slider(1, 4, value=1, step=1, label="Takes per shot", elem_id="takes")
                        c.ray = gr.Textbox(label="Render on Ray (empty = here; local or a cluster address)",
                                           elem_id="ray")
                        c.save_settings = gr.Button("Apply settings", elem_id="apply-settings")
                    build_row(gr, c)
            with gr.Column(scale=2, min_width=360):
                c.chatbot = gr.Chatbot(label="Director", elem_id="chat", height=420, buttons=["copy"])
                c.message = gr.Textbox(placeholder="Answer, or ask for a change (\"make the chorus colder\"); /plan. "
                                       "You can type while the director works: messages queue.",
                                       show_label=False, elem_id="chat-input")
                with gr.Accordion("Selected shot", open=True, elem_id="selected"):
                    c.detail = gr.Markdown(shot_detail(None, None), elem_id="shot-detail")
                    with gr.Row():
                        c.split_btn = gr.Button("Split at its middle beat", size="sm", elem_id="split-shot")
                        c.merge_btn = gr.Button("Merge with the next", size="sm", elem_id="merge-shot")
                    shot_actions_rows(gr, c)  # delete, move earlier / later, add a shot after
                    with gr.Row():
                        c.shot_render = gr.Button("Render it", size="sm", elem_id="render-shot")
                        c.take = gr.Textbox(show_label=False, placeholder="take: t2", elem_id="take", container=False)
                        c.pick_btn = gr.Button("Use this take", size="sm", elem_id="pick")
                    # Hidden until there is something to play. The page loads the code of every
                    # visible component, even in a tab not yet opened, before its load event runs:
                    # a Video (or a Gallery) brings a player and hls.js (150 kB)
                    c.clip = gr.Video(label="Its clip", elem_id="shot-clip", autoplay=True, height=200, visible=False)

        c.plan_signal = gr.Textbox(visible=False, elem_id="plan-signal")  # a first plan: show the Shot list
        c.views_signal = gr.Textbox(visible=False, elem_id="views-signal")  # a chat turn changed the project

        wiring = Wiring(gr, studio, c)
        wiring.projects(demo)
        wiring.settings()
        wiring.chat(demo)
        wiring.shots()
        wiring.controls()
        wiring.render_and_export()
        wiring.playback()
        wiring.history()
        wire_tempo(wiring)
        wire_shot_actions(wiring, demo)
        wire_build(wiring)
        brief_panel.wire(wiring)
        if mcp:  # `shotcaller ui --mcp`: the project tools as MCP tools at /gradio_api/mcp/
            from .mcp import add_mcp_tools

            add_mcp_tools(studio)
    return demo


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def launch(host: str = "127.0.0.1", port: int = 7860, auth: str | None = None, share: bool = False,
           insecure: bool = False, block: bool = True, mcp: bool = False):
    """Serve the studio. A non-loopback host needs --auth (or an explicit --insecure)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not (sep and user and password):
            raise ShotcallerError("--auth takes USER:PASS")
        credentials = (user, password)
    if not is_loopback(host) and not credentials and not insecure:
        raise ShotcallerError(f"refusing to serve on {host} without --auth USER:PASS (or --insecure, if you mean it)")
    if share and not credentials and not insecure:
        raise ShotcallerError("a share link is public: add --auth USER:PASS (or --insecure)")
    studio = Studio()
    studio.warm_director()
    demo = build(studio, mcp=mcp)
    demo.queue(default_concurrency_limit=8)
    return demo.launch(server_name=host, server_port=port, auth=credentials, share=share, show_error=False,
                       max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[str(studio.store.root)],
                       prevent_thread_lock=not block, css=CSS, quiet=not block, mcp_server=mcp)
