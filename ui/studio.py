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

from shotlist.errors import ShotcallerError

from . import brief_panel
from .handlers import MAX_UPLOAD_MB, TABLE_COLUMNS, Studio
from .tempo_panel import tempo_row, wire_tempo
from .views import shot_detail
from .wiring import Wiring

EXPORT_FORMATS = ["json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "pdf", "srt", "md"]
AUDIO_TYPES = [".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".aif", ".aiff", ".oga"]
CSS = """
#status {min-height: 1.5em}
#timeline img {object-fit: contain; cursor: pointer}
#storyboard img {cursor: pointer}
"""
LAST_PROJECT_KEY = "shotcaller-last-project"


def build(studio: Studio | None = None, mcp: bool = False):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    studio = studio or Studio()
    c = SimpleNamespace()  # the components, by name, for ui.wiring
    with gr.Blocks(title="Shotcaller") as demo:
        c.last_project = gr.BrowserState(None, storage_key=LAST_PROJECT_KEY)
        gr.Markdown("## Shotcaller — a reason for every shot")
        c.header = gr.Markdown("no project open", elem_id="header")
        c.status = gr.Markdown("", elem_id="status")
        with gr.Row():
            c.project_pick = gr.Dropdown(choices=[], label="Open project", elem_id="project-pick", scale=3)
            c.title = gr.Textbox(label="Title", elem_id="title", scale=2)
            c.song = gr.File(label="Song (wav, mp3, ogg, flac, m4a)", file_types=AUDIO_TYPES, elem_id="song-upload",
                           scale=2)
            c.lyrics = gr.File(label="Lyrics (LRC or text, optional)", file_types=[".lrc", ".txt"],
                             elem_id="lyrics-upload", scale=2)
        with gr.Row():
            c.new_btn = gr.Button("New project", variant="primary", elem_id="new-project")
            c.rename_btn = gr.Button("Rename", elem_id="rename")
            c.undo_btn = gr.Button("Undo", elem_id="undo")
            c.redo_btn = gr.Button("Redo", elem_id="redo")
            c.delete_btn = gr.Button("Delete", variant="stop", elem_id="delete")
        with gr.Accordion("Settings", open=False, elem_id="settings"):
            with gr.Row():
                c.llm = gr.Textbox(label="Director (offline, openai:MODEL, ollama:MODEL, local[:MODEL]; empty = automatic)",
                                 elem_id="llm")
                c.backend = gr.Dropdown(["animatic", "diffusers-video", "diffusers-stills"], value="animatic",
                                      label="Renderer", elem_id="backend")
                c.model = gr.Textbox(label="Model (preset, id or folder)", elem_id="model")
            with gr.Row():
                c.resolution = gr.Textbox(value="1280x720", label="Resolution", elem_id="resolution")
                c.fps = gr.Number(value=24, label="fps", elem_id="fps")
                c.takes = gr.Slider(1, 4, value=1, step=1, label="Takes per shot", elem_id="takes")
                c.ray = gr.Textbox(label="Render on Ray (empty = here; local or a cluster address)", elem_id="ray")
                c.save_settings = gr.Button("Apply settings", elem_id="apply-settings")
        with gr.Row():
            with gr.Column(scale=2):
                c.chatbot = gr.Chatbot(label="Director", elem_id="chat", height=520, buttons=["copy"])
                c.message = gr.Textbox(placeholder="Answer, or ask for a change (\"make the chorus colder\"); /plan. "
                                     "You can type while the director works: messages queue.",
                                     show_label=False, elem_id="chat-input")
                with gr.Accordion("Selected shot", open=True, elem_id="selected"):
                    c.detail = gr.Markdown(shot_detail(None, None), elem_id="shot-detail")
                    # Hidden until there is something to play. The page loads the code of every
                    # visible component, even in a tab not yet opened, before its load event runs:
                    # a Video (or a Gallery) brings a player and hls.js (150 kB)
                    c.clip = gr.Video(label="Its clip", elem_id="shot-clip", autoplay=True, height=200, visible=False)
            with gr.Column(scale=3):
                with gr.Tabs(elem_id="tabs") as c.tabs:
                    with gr.Tab("Shot list", id="tab-shots") as c.tab_shots:
                        c.table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=True, wrap=True, elem_id="shot-table")
                        with gr.Row():
                            c.apply_btn = gr.Button("Apply edits", elem_id="apply-edits")
                            c.lock_numbers = gr.Textbox(label="Shots", placeholder="3, 7", elem_id="lock-numbers")
                            c.lock_btn = gr.Button("Lock", elem_id="lock")
                            c.unlock_btn = gr.Button("Unlock", elem_id="unlock")
                        with gr.Row():
                            c.section_cmd = gr.Textbox(label="Sections", placeholder="rename 3 hook · split 3 95.5 · merge 4",
                                                     elem_id="section-command")
                            c.section_btn = gr.Button("Apply to sections", elem_id="apply-sections")
                        tempo_row(gr, c)
                    with gr.Tab("Timeline", id="tab-timeline") as c.tab_timeline:
                        c.timeline = gr.Image(label="Song and shots (click a shot)", type="filepath", interactive=False,
                                            elem_id="timeline", visible=False)  # until its tab is opened
                    with gr.Tab("Storyboard", id="tab-storyboard") as c.tab_storyboard:
                        c.gallery = gr.Gallery(label="One frame per shot (click to talk about it)", columns=4,
                                             elem_id="storyboard", allow_preview=False,
                                             visible=False)  # until its tab is opened: a Gallery loads the video player
                        with gr.Row():
                            c.shot_render = gr.Button("Render selected shot", elem_id="render-shot")
                            c.take = gr.Textbox(label="Take", placeholder="t2", elem_id="take")
                            c.pick_btn = gr.Button("Use this take", elem_id="pick")
                    with gr.Tab("Video", id="tab-video") as c.tab_video:
                        c.video = gr.Video(label="The cut", elem_id="cut", visible=False)  # until there is a cut
                        with gr.Row():
                            c.render_btn = gr.Button("Render the cut", variant="primary", elem_id="render")
                            c.cancel_btn = gr.Button("Cancel", elem_id="cancel")
                    with gr.Tab("Export", id="tab-export") as c.tab_export:
                        c.fmt = gr.Dropdown(EXPORT_FORMATS, value="json", label="Format", elem_id="export-format")
                        c.export_btn = gr.Button("Export", elem_id="export")
                        c.exported = gr.File(label="Download", elem_id="export-file")
                    brief_panel.build(gr, c)

        c.plan_signal = gr.Textbox(visible=False, elem_id="plan-signal")  # a first plan: show the Shot list
        c.views_signal = gr.Textbox(visible=False, elem_id="views-signal")  # a chat turn changed the project

        wiring = Wiring(gr, studio, c)
        wiring.projects(demo)
        wiring.settings()
        wiring.chat(demo)
        wiring.shots()
        wiring.render_and_export()
        wire_tempo(wiring)
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
