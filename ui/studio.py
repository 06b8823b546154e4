"""The Gradio studio: layout and wiring only; every action is a `ui.handlers.Studio` method.
(No `from __future__ import annotations` here: Gradio reads handler annotations such as `gr.SelectData`.)

    shotcaller ui [--host 127.0.0.1] [--port 7860] [--auth USER:PASS] [--share] [--insecure]

Wiring rules: each tab's session lives on the server (`Studio.session(request.session_hash)`), so an
event never acts on stale state; handlers return dicts of the components they change, so a chat
turn streams only the chat and the views refresh once, when a turn changed the project; every
handler is `guarded`: a failure is one status line, its traceback goes to `<project>/studio.log`.
"""


import functools
import inspect
import ipaddress
import os

from shotlist.errors import ShotcallerError

from .errors import explain
from .handlers import MAX_UPLOAD_MB, TABLE_COLUMNS, Studio
from .views import shot_at, shot_detail

EXPORT_FORMATS = ["json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "pdf", "srt", "md"]
AUDIO_TYPES = [".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".aif", ".aiff", ".oga"]
CSS = """
#status {min-height: 1.5em}
#timeline img {object-fit: contain; cursor: pointer}
#storyboard img {cursor: pointer}
"""
LAST_PROJECT_KEY = "shotcaller-last-project"
CLEAR_ON_SEND = """(text) => {
  const box = document.querySelector('#chat-input textarea');
  if (box) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return text;
}"""


def build(studio: Studio | None = None, mcp: bool = False):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    studio = studio or Studio()

    def me(request: gr.Request):
        return studio.session(request.session_hash if request else None)

    with gr.Blocks(title="Shotcaller") as demo:
        last_project = gr.BrowserState(None, storage_key=LAST_PROJECT_KEY)
        gr.Markdown("## Shotcaller — a reason for every shot")
        header = gr.Markdown("no project open", elem_id="header")
        status = gr.Markdown("", elem_id="status")
        with gr.Row():
            project_pick = gr.Dropdown(choices=[], label="Open project", elem_id="project-pick", scale=3)
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
                ray = gr.Textbox(label="Render on Ray (empty = here; local or a cluster address)", elem_id="ray")
                save_settings = gr.Button("Apply settings", elem_id="apply-settings")
        with gr.Row():
            with gr.Column(scale=2):
                chatbot = gr.Chatbot(label="Director", elem_id="chat", height=520, buttons=["copy"])
                message = gr.Textbox(placeholder="Answer, or ask for a change (\"make the chorus colder\"); /plan. "
                                     "You can type while the director works: messages queue.",
                                     show_label=False, elem_id="chat-input")
                with gr.Accordion("Selected shot", open=True, elem_id="selected"):
                    detail = gr.Markdown(shot_detail(None, None), elem_id="shot-detail")
                    clip = gr.Video(label="Its clip", elem_id="shot-clip", autoplay=True, height=200)
            with gr.Column(scale=3):
                with gr.Tabs(elem_id="tabs") as tabs:
                    with gr.Tab("Shot list", id="tab-shots") as tab_shots:
                        table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=True, wrap=True, elem_id="shot-table")
                        with gr.Row():
                            apply_btn = gr.Button("Apply edits", elem_id="apply-edits")
                            lock_numbers = gr.Textbox(label="Shots", placeholder="3, 7", elem_id="lock-numbers")
                            lock_btn = gr.Button("Lock", elem_id="lock")
                            unlock_btn = gr.Button("Unlock", elem_id="unlock")
                        with gr.Row():
                            section_cmd = gr.Textbox(label="Sections", placeholder="rename 3 hook · split 3 95.5 · merge 4",
                                                     elem_id="section-command")
                            section_btn = gr.Button("Apply to sections", elem_id="apply-sections")
                    with gr.Tab("Timeline", id="tab-timeline") as tab_timeline:
                        timeline = gr.Image(label="Song and shots (click a shot)", type="filepath", interactive=False,
                                            elem_id="timeline")
                    with gr.Tab("Storyboard", id="tab-storyboard") as tab_storyboard:
                        gallery = gr.Gallery(label="One frame per shot (click to talk about it)", columns=4,
                                             elem_id="storyboard", allow_preview=False)
                        with gr.Row():
                            shot_render = gr.Button("Render selected shot", elem_id="render-shot")
                            take = gr.Textbox(label="Take", placeholder="t2", elem_id="take")
                            pick_btn = gr.Button("Use this take", elem_id="pick")
                    with gr.Tab("Video", id="tab-video") as tab_video:
                        video = gr.Video(label="The cut", elem_id="cut")
                        with gr.Row():
                            render_btn = gr.Button("Render the cut", variant="primary", elem_id="render")
                            cancel_btn = gr.Button("Cancel", elem_id="cancel")
                    with gr.Tab("Export", id="tab-export") as tab_export:
                        fmt = gr.Dropdown(EXPORT_FORMATS, value="json", label="Format", elem_id="export-format")
                        export_btn = gr.Button("Export", elem_id="export")
                        exported = gr.File(label="Download", elem_id="export-file")

        view_outputs = [header, table, timeline, gallery, video, detail]
        # not the chat input: an event's outputs are shown as busy, and the artist types while we work
        everything = [status, project_pick, chatbot, last_project, clip, tabs, *view_outputs]

        def views(session, project=None) -> dict:
            """Header, table and selected shot, plus the picture tab in view; the other picture tabs
            are filled when they are opened (a 100-image gallery is not sent to a tab nobody sees)."""
            project = project if project is not None else studio.reload(session)
            shown = {header: studio.header(session, project), table: studio.table(project),
                     detail: shot_detail(project, session.selected_shot)}
            return shown | tab_view(session, session.tab, project)

        def tab_view(session, tab: str, project=None) -> dict:
            if tab not in ("tab-timeline", "tab-storyboard", "tab-video"):
                return {}
            project = project if project is not None else studio.project(session)
            if tab == "tab-timeline":
                return {timeline: studio.timeline(project)}
            if tab == "tab-storyboard":
                return {gallery: studio.storyboard(project)}
            return {video: studio.latest_cut(project)}

        def guarded(action: str):
            """Any failure becomes one status line; the traceback goes to the project's studio.log."""
            def wrap(fn):
                def session_of(args, kwargs):
                    req = next((a for a in [*args, *kwargs.values()] if isinstance(a, gr.Request)), None)
                    return me(req)

                if inspect.isgeneratorfunction(fn):
                    @functools.wraps(fn)
                    def gen(*args, **kwargs):
                        try:
                            yield from fn(*args, **kwargs)
                        except Exception as e:  # noqa: BLE001
                            yield {status: explain(e, action, studio.log_folder(session_of(args, kwargs)))}
                    return gen

                @functools.wraps(fn)
                def call(*args, **kwargs):
                    try:
                        return fn(*args, **kwargs)
                    except Exception as e:  # noqa: BLE001
                        return {status: explain(e, action, studio.log_folder(session_of(args, kwargs)))}
                return call
            return wrap

        # ---------------------------------------------------------------- projects

        def opened(session, msg: str) -> dict:
            return {status: msg, project_pick: gr.update(choices=studio.projects(), value=session.project),
                    chatbot: studio.display(session), last_project: session.project, clip: None, **views(session)}

        @guarded("loading the page")
        def on_load(remembered, request: gr.Request):
            session = me(request)
            if not session.project and remembered:
                session, outcome = studio.open(session, remembered)
                if not outcome.ok:  # the remembered project is gone: open nothing
                    return {status: "", project_pick: gr.update(choices=studio.projects(), value=None),
                            last_project: None, **views(session)}
                return opened(session, f"Reopened {studio.project(session).title}.")
            return {project_pick: gr.update(choices=studio.projects(), value=session.project),
                    chatbot: studio.display(session), **views(session)}

        load = demo.load(on_load, [last_project], everything)

        @guarded("creating the project")
        def on_create(song_path, lyrics_path, title_text, request: gr.Request):
            session, outcome = studio.create(me(request), song_path, lyrics_path, title_text)
            if not outcome.ok:
                return {status: outcome.message, chatbot: studio.display(session)}
            return opened(session, outcome.message)

        @guarded("answering")
        def drain(session):
            shots_before = len(studio.project(session).shots) if session.project else 0
            yield {chatbot: studio.display(session)}
            for changed in studio.drain(session):
                if not changed:
                    yield {chatbot: studio.display(session)}
                    continue
                project = studio.reload(session)
                update = {chatbot: studio.display(session), **views(session, project)}
                if project and project.shots and not shots_before:  # a first plan: show the real table
                    update[tabs] = gr.Tabs(selected="tab-shots")
                    session.tab = "tab-shots"
                shots_before = len(project.shots) if project else 0
                yield update
            if not studio.ready(session) and len(session.inbox):
                yield {status: f"{len(session.inbox)} message(s) wait for a project: create or open one."}

        def on_drain(request: gr.Request):
            yield from drain(me(request))

        drain_outputs = [chatbot, status, tabs, *view_outputs]
        load.then(on_drain, None, drain_outputs)
        new_btn.click(on_create, [song, lyrics, title], everything, api_name="create", show_progress="minimal").then(
            on_drain, None, drain_outputs)

        @guarded("opening the project")
        def on_pick(pid, evt: gr.SelectData, request: gr.Request):
            known = {v for _, v in studio.projects()}
            chosen = evt.value if evt.value in known else pid  # a re-pick of the shown project opens it too
            session, outcome = studio.open(me(request), chosen)
            return opened(session, outcome.message) if outcome.ok else {status: outcome.message}

        project_pick.select(on_pick, [project_pick], everything).then(on_drain, None, drain_outputs)

        def acting(action: str, fn, takes_input: bool = True):
            """A project action with one input (or none): its status line, then the views."""
            if takes_input:
                @guarded(action)
                def run(value, request: gr.Request):
                    session = me(request)
                    return {status: str(fn(session, value)), **views(session)}
                return run

            @guarded(action)
            def run_bare(request: gr.Request):
                session = me(request)
                return {status: str(fn(session)), **views(session)}
            return run_bare

        rename_btn.click(acting("renaming", studio.rename), [title], [status, *view_outputs])
        undo_btn.click(acting("undo", lambda s: studio.step(s, False), False), None, [status, *view_outputs])
        redo_btn.click(acting("redo", lambda s: studio.step(s, True), False), None, [status, *view_outputs])

        @guarded("deleting the project")
        def on_delete(request: gr.Request):
            session, outcome = studio.delete(me(request))
            return {**opened(session, outcome.message), last_project: None, chatbot: []}

        delete_btn.click(on_delete, None, everything)

        @guarded("applying settings")
        def on_settings(llm_spec, backend_name, model_id, res, rate, n_takes, ray_address, request: gr.Request):
            session = me(request)
            try:
                w, h = (int(v) for v in res.lower().split("x"))
                if w % 2 or h % 2 or w < 64 or h < 64:
                    raise ValueError
            except ValueError:
                return {status: f"⚠ resolution {res!r}: use WIDTHxHEIGHT with even numbers ≥ 64, e.g. 1280x720",
                        header: studio.header(session, studio.project(session))}
            session.llm, session.backend, session.model = llm_spec.strip(), backend_name, model_id.strip()
            session.width, session.height, session.fps, session.takes = w, h, float(rate or 24), int(n_takes)
            session.ray = (ray_address or "").strip()
            return {status: "Settings applied.", header: studio.header(session, studio.project(session))}

        save_settings.click(on_settings, [llm, backend, model, resolution, fps, takes, ray], [status, header],
                            api_name="settings")

        def on_tab(tab: str):
            @guarded("showing the tab")
            def show(request: gr.Request):
                session = me(request)
                session.tab = tab
                return tab_view(session, tab)
            return show

        for t, name in ((tab_shots, "tab-shots"), (tab_timeline, "tab-timeline"), (tab_storyboard, "tab-storyboard"),
                        (tab_video, "tab-video"), (tab_export, "tab-export")):
            t.select(on_tab(name), None, [status, timeline, gallery, video], show_progress="hidden")

        # ---------------------------------------------------------------- chat: queue, then answer in order

        def on_send(text, request: gr.Request):
            """Queue the message and show it at once; then answer whatever waits (unless another
            event of this tab is already answering: it reaches this message too, in order)."""
            session = me(request)
            studio.submit(session, text)
            busy = session.creating or session.inbox.answering
            note = (f"{len(session.inbox)} message(s) queued: answered in order." if busy and len(session.inbox)
                    else "Create or open a project first: your message waits in the queue." if not session.project
                    else "")
            yield {chatbot: studio.display(session), status: note}
            yield from drain(session)

        # The box is emptied in the browser the moment Enter is pressed: emptied by the server's reply
        # instead, it would also wipe whatever the artist had typed next in the meantime.
        message.submit(guarded("sending the message")(on_send), [message], drain_outputs, js=CLEAR_ON_SEND,
                       trigger_mode="multiple", concurrency_limit=None, show_progress="hidden", api_name="chat")

        # ---------------------------------------------------------------- the shot list

        apply_btn.click(acting("applying the table edits", studio.apply_table), [table], [status, *view_outputs])
        section_btn.click(acting("editing the sections", studio.sections), [section_cmd], [status, *view_outputs])
        lock_btn.click(acting("locking", lambda s, n: studio.lock(s, n, True)), [lock_numbers],
                       [status, *view_outputs])
        unlock_btn.click(acting("unlocking", lambda s, n: studio.lock(s, n, False)), [lock_numbers],
                         [status, *view_outputs])

        def selected(session, number) -> dict:
            text, path = studio.select(session, number)
            if session.selected_shot != number:
                return {detail: text, status: f"⚠ there is no shot {number}"}
            return {detail: text, clip: path, message: f"shot {number}: ",
                    status: f"Shot {number} selected: type what to change (\"make this shot colder\")."}

        @guarded("selecting a shot")
        def on_table_select(evt: gr.SelectData, request: gr.Request):
            row = evt.row_value if isinstance(evt.row_value, list) and evt.row_value else None
            number = int(float(row[0])) if row else int(evt.index[0]) + 1
            return selected(me(request), number)

        @guarded("selecting a shot")
        def on_timeline_select(evt: gr.SelectData, request: gr.Request):
            session = me(request)
            return selected(session, shot_at(studio.project(session), float(evt.index[0])))

        @guarded("selecting a shot")
        def on_card_select(evt: gr.SelectData, request: gr.Request):
            return selected(me(request), int(evt.index) + 1)

        select_outputs = [detail, clip, message, status]
        table.select(on_table_select, None, select_outputs)
        timeline.select(on_timeline_select, None, select_outputs)
        gallery.select(on_card_select, None, select_outputs)

        # ---------------------------------------------------------------- render and export

        @guarded("rendering")
        def on_render(request: gr.Request, progress=gr.Progress()):  # noqa: B008 - Gradio's progress bar
            session = me(request)
            cut, msg = studio.render(session, report=lambda label, f, what: progress(f, desc=f"{label}: {what}"))
            return {status: msg, **views(session), video: cut}

        render_btn.click(on_render, None, [status, *view_outputs], concurrency_limit=1, concurrency_id="render",
                         api_name="render")

        @guarded("rendering the shot")
        def on_render_shot(request: gr.Request, progress=gr.Progress()):  # noqa: B008
            session = me(request)
            if not session.selected_shot:
                return {status: "Select a shot (table, timeline or storyboard) first."}
            cut, msg = studio.render(session, [session.selected_shot],
                                     report=lambda label, f, what: progress(f, desc=f"{label}: {what}"))
            return {**views(session), video: cut, **selected(session, session.selected_shot), status: msg}

        shot_render.click(on_render_shot, None, [status, *view_outputs, clip, message], concurrency_limit=1,
                          concurrency_id="render")
        @guarded("cancelling")
        def on_cancel(request: gr.Request):
            return {status: studio.cancel(me(request))}

        cancel_btn.click(on_cancel, None, [status])
        pick_btn.click(acting("picking the take", lambda s, t: studio.pick(s, s.selected_shot, t.strip())), [take],
                       [status, *view_outputs])

        @guarded("exporting")
        def on_export(f, request: gr.Request):
            path, msg = studio.export(me(request), f)
            return {exported: path, status: msg}

        export_btn.click(on_export, [fmt], [exported, status], api_name="export")
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
    demo = build(studio, mcp=mcp)
    demo.queue(default_concurrency_limit=8)
    return demo.launch(server_name=host, server_port=port, auth=credentials, share=share, show_error=False,
                       max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[str(studio.store.root)],
                       prevent_thread_lock=not block, css=CSS, quiet=not block, mcp_server=mcp)
