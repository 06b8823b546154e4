"""The Gradio studio: layout and wiring only; every action is a `ui.handlers.Studio` method.
(No `from __future__ import annotations` here: Gradio reads handler annotations such as `gr.SelectData`.)

    shotcaller ui [--host 127.0.0.1] [--port 7860] [--auth USER:PASS] [--share] [--insecure]
"""


import ipaddress
import os

from shotlist.errors import ShotcallerError

from .handlers import MAX_UPLOAD_MB, TABLE_COLUMNS, Session, Studio

EXPORT_FORMATS = ["json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "pdf", "srt", "md"]
AUDIO_TYPES = [".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".aif", ".aiff", ".oga"]
CSS = """
#status {min-height: 1.5em}
#timeline img {object-fit: contain}
"""


def build(studio: Studio | None = None):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    studio = studio or Studio()

    def views(session: Session):
        project = studio.project(session)
        return (studio.header(session, project), studio.table(project), studio.timeline(project),
                studio.storyboard(project), studio.latest_cut(project))

    with gr.Blocks(title="Shotcaller") as demo:
        state = gr.State(Session().to_dict())
        gr.Markdown("## Shotcaller — a reason for every shot")
        header = gr.Markdown("no project open", elem_id="header")
        status = gr.Markdown("", elem_id="status")
        with gr.Row():
            project_pick = gr.Dropdown(choices=studio.projects(), label="Open project", elem_id="project-pick",
                                       scale=3)
            title = gr.Textbox(label="Title", elem_id="title", scale=2)
            song = gr.File(label="Song (wav, mp3, ogg, flac, m4a)", file_types=AUDIO_TYPES, elem_id="song-upload",
                           scale=2)
            lyrics = gr.File(label="Lyrics (LRC or text, optional)", file_types=[".lrc", ".txt"],
                             elem_id="lyrics-upload", scale=2)
        with gr.Row():
            new_btn = gr.Button("New project", variant="primary", elem_id="new-project")
            rename_btn = gr.Button("Rename", elem_id="rename")
            undo_btn = gr.Button("Undo", elem_id="undo")
            redo_btn = gr.Button("Redo", elem_id="redo")
            delete_btn = gr.Button("Delete", variant="stop", elem_id="delete")
        with gr.Accordion("Settings", open=False, elem_id="settings"):
            with gr.Row():
                llm = gr.Textbox(label="Director (offline, openai:MODEL, ollama:MODEL, local[:MODEL]; empty = automatic)",
                                 elem_id="llm")
                backend = gr.Dropdown(["animatic", "diffusers-video", "diffusers-stills"], value="animatic",
                                      label="Renderer", elem_id="backend")
                model = gr.Textbox(label="Model (preset, id or folder)", elem_id="model")
            with gr.Row():
                resolution = gr.Textbox(value="1280x720", label="Resolution", elem_id="resolution")
                fps = gr.Number(value=24, label="fps", elem_id="fps")
                takes = gr.Slider(1, 4, value=1, step=1, label="Takes per shot", elem_id="takes")
                save_settings = gr.Button("Apply settings", elem_id="apply-settings")
        with gr.Row():
            with gr.Column(scale=2):
                chatbot = gr.Chatbot(label="Director", elem_id="chat", height=520, buttons=["copy"])
                message = gr.Textbox(placeholder="Answer, or ask for a change (\"make the chorus colder\"); /plan",
                                     show_label=False, elem_id="chat-input")
            with gr.Column(scale=3):
                with gr.Tabs():
                    with gr.Tab("Shot list", id="tab-shots"):
                        table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=True, wrap=True, elem_id="shot-table")
                        with gr.Row():
                            apply_btn = gr.Button("Apply edits", elem_id="apply-edits")
                            lock_numbers = gr.Textbox(label="Shots", placeholder="3, 7", elem_id="lock-numbers")
                            lock_btn = gr.Button("Lock", elem_id="lock")
                            unlock_btn = gr.Button("Unlock", elem_id="unlock")
                    with gr.Tab("Timeline", id="tab-timeline"):
                        timeline = gr.Image(label="Song and shots", type="pil", elem_id="timeline")
                    with gr.Tab("Storyboard", id="tab-storyboard"):
                        gallery = gr.Gallery(label="One frame per shot (click to talk about it)", columns=4,
                                             elem_id="storyboard")
                        with gr.Row():
                            shot_render = gr.Button("Render selected shot", elem_id="render-shot")
                            take = gr.Textbox(label="Take", placeholder="t2", elem_id="take")
                            pick_btn = gr.Button("Use this take", elem_id="pick")
                    with gr.Tab("Video", id="tab-video"):
                        video = gr.Video(label="The cut", elem_id="cut")
                        with gr.Row():
                            render_btn = gr.Button("Render the cut", variant="primary", elem_id="render")
                            cancel_btn = gr.Button("Cancel", elem_id="cancel")
                    with gr.Tab("Export", id="tab-export"):
                        fmt = gr.Dropdown(EXPORT_FORMATS, value="json", label="Format", elem_id="export-format")
                        export_btn = gr.Button("Export", elem_id="export")
                        exported = gr.File(label="Download", elem_id="export-file")

        outs = [header, table, timeline, gallery, video]

        def on_create(s, song_path, lyrics_path, title_text):
            session, msg = studio.create(Session.of(s), song_path, lyrics_path, title_text)
            opening = studio.opening(session) if session.project and "⚠" not in msg else []
            picked = gr.update(choices=studio.projects(), value=session.project)
            return (session.to_dict(), msg, picked, opening or studio.history(studio.project(session)),
                    *views(session))

        new_btn.click(on_create, [state, song, lyrics, title],
                      [state, status, project_pick, chatbot, *outs], api_name="create")

        def on_open(s, pid):
            session, msg = studio.open(Session.of(s), pid)
            return session.to_dict(), msg, studio.history(studio.project(session)), *views(session)

        project_pick.change(on_open, [state, project_pick], [state, status, chatbot, *outs], api_name="open")

        def refresh(s, msg):
            return (msg, *views(Session.of(s)))

        rename_btn.click(lambda s, t: refresh(s, studio.rename(Session.of(s), t)), [state, title], [status, *outs])
        undo_btn.click(lambda s: refresh(s, studio.step(Session.of(s), False)), [state], [status, *outs])
        redo_btn.click(lambda s: refresh(s, studio.step(Session.of(s), True)), [state], [status, *outs])

        def on_delete(s):
            session, msg = studio.delete(Session.of(s))
            return (session.to_dict(), msg, gr.update(choices=studio.projects(), value=None), [], *views(session))

        delete_btn.click(on_delete, [state], [state, status, project_pick, chatbot, *outs])

        def on_settings(s, llm_spec, backend_name, model_id, res, rate, n_takes):
            session = Session.of(s)
            try:
                w, h = (int(v) for v in res.lower().split("x"))
                if w % 2 or h % 2 or w < 64 or h < 64:
                    raise ValueError
            except ValueError:
                return s, f"⚠ resolution {res!r}: use WIDTHxHEIGHT with even numbers ≥ 64, e.g. 1280x720", \
                    studio.header(session, studio.project(session))
            session.llm, session.backend, session.model = llm_spec.strip(), backend_name, model_id.strip()
            session.width, session.height, session.fps, session.takes = w, h, float(rate or 24), int(n_takes)
            return session.to_dict(), "Settings applied.", studio.header(session, studio.project(session))

        save_settings.click(on_settings, [state, llm, backend, model, resolution, fps, takes], [state, status, header],
                            api_name="settings")

        def on_chat(s, text, history):
            session = Session.of(s)
            for h in studio.chat(session, text, history):
                yield "", h, *views(session)

        message.submit(on_chat, [state, message, chatbot], [message, chatbot, *outs], concurrency_limit=8,
                       api_name="chat")

        apply_btn.click(lambda s, t: refresh(s, studio.apply_table(Session.of(s), t)), [state, table],
                        [status, *outs])
        lock_btn.click(lambda s, n: refresh(s, studio.lock(Session.of(s), n, True)), [state, lock_numbers],
                       [status, *outs])
        unlock_btn.click(lambda s, n: refresh(s, studio.lock(Session.of(s), n, False)), [state, lock_numbers],
                         [status, *outs])

        def on_select(s, evt: gr.SelectData):
            session = Session.of(s)
            session.selected_shot = evt.index + 1
            return session.to_dict(), f"Shot {evt.index + 1}: ", f"Shot {evt.index + 1} selected."

        gallery.select(on_select, [state], [state, message, status])

        def on_render(s, progress=gr.Progress()):  # noqa: B008 - Gradio's way to ask for a progress bar
            session = Session.of(s)
            cut, msg = studio.render(session, report=lambda label, f, what: progress(f, desc=f"{label}: {what}"))
            return (msg, *views(session)[:-1], cut)

        render_btn.click(on_render, [state], [status, *outs], concurrency_limit=1, concurrency_id="render",
                         api_name="render")

        def on_render_shot(s, progress=gr.Progress()):  # noqa: B008
            session = Session.of(s)
            if not session.selected_shot:
                return ("Select a shot in the storyboard first.", *views(session))
            cut, msg = studio.render(session, [session.selected_shot],
                                     report=lambda label, f, what: progress(f, desc=f"{label}: {what}"))
            return (msg, *views(session)[:-1], cut)

        shot_render.click(on_render_shot, [state], [status, *outs], concurrency_limit=1, concurrency_id="render")
        cancel_btn.click(lambda s: studio.cancel(Session.of(s)), [state], [status])
        pick_btn.click(lambda s, t: refresh(s, studio.pick(Session.of(s), Session.of(s).selected_shot, t.strip())),
                       [state, take], [status, *outs])

        def on_export(s, f):
            path, msg = studio.export(Session.of(s), f)
            return path, msg

        export_btn.click(on_export, [state, fmt], [exported, status], api_name="export")
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
    demo = build(studio)
    demo.queue(default_concurrency_limit=8)
    return demo.launch(server_name=host, server_port=port, auth=credentials, share=share, show_error=False,
                       max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[str(studio.store.root)],
                       prevent_thread_lock=not block, css=CSS, quiet=not block)
