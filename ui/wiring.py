"""The studio's events: what each click and Enter does, wired onto the components `ui.studio` lays out.
(No `from __future__ import annotations` here: Gradio reads handler annotations such as `gr.SelectData`.)

Every handler is a `Studio` method call on the tab's server-side session, returns a dict of only the
components it changes, and is `guarded` (a failure is one status line; its traceback goes to
`<project>/studio.log`).

Why every event shows its progress on the status line only (`Wiring.on`): on every status message
of every event (pending, each streamed piece, done), Gradio 6's page takes a snapshot of each
component any event has shown progress on (its `progress_targets`: `show_progress_on`, else its
outputs; a layout, everything inside it), writes it back, and so redraws it — a 100-row table, a
100-card gallery and two videos on every streamed piece of a chat reply. (A snapshot taken before
another event's update and written back after it also undid that update: a burst of messages
showed one of them late.) With the status line as the only progress target, a status message
costs one small Markdown. No event outputs a layout either, a chat turn sends its first words
before anything else, and the project's views are sent once, when a turn changed the project.

Why a chat turn's event has three outputs (the chat, the status line, `views_signal`), and the views
follow by their own event: on every update of every event, Gradio 6 rebuilds each output the update
leaves out (a "skip" is handled as a property update: the component constructed anew, its config and
API schema recomputed), about 1.5 ms of CPU each. With the six views among its outputs, each streamed
piece of a reply cost 12-25 ms on the server before it was sent. A turn that changed the project sets
`views_signal` instead, and its change event sends the views once.
"""

import functools
import inspect
import time
from itertools import chain
from pathlib import Path
from types import SimpleNamespace

from .build_panel import following
from .errors import explain
from .handlers import Studio
from .operate import CONTROLS, press
from .page_js import CLEAR_ON_SEND, OPEN_NEW_DIALOG, RECORD_ENTER, SHOW_SHOT_LIST, TIMELINE
from .playback import kind_of
from .views import shot_at, shot_detail, timeline_data
from .wiring_history import PlayAndHistory

CREATE_POLL_S = 0.5  # how often the status line tells how far the song's analysis has come

SHOWING_WAIT_S = 10.0  # an update is handed over in milliseconds; this only bounds a stuck one


class Wiring(PlayAndHistory):
    """The components (`c`), the studio, and the handlers that join them."""

    def __init__(self, gr, studio: Studio, c: SimpleNamespace):
        self.gr, self.studio, self.c = gr, studio, c
        self.view_outputs = [c.header, c.table, c.timeline, c.timeline_data, c.gallery, c.video, c.play_what, c.play_note,
                             c.detail]
        # not the chat input (an event's outputs show as busy, and the artist types while we work)
        self.everything = [c.status, c.project_pick, c.chatbot, c.last_project, c.clip, c.views_signal,
                           *self.view_outputs]
        self.chat_outputs = [c.chatbot, c.status, c.views_signal]  # few: see the module's note

    def on(self, event, fn, inputs, outputs, **options):
        """`event(fn, inputs, outputs)`, its progress shown on the status line (see the module's note)."""
        return event(fn, inputs, outputs, **({"show_progress_on": self.c.status} | options))

    def me(self, request):
        return self.studio.session(request.session_hash if request else None)

    def views(self, session, project=None, pictures: bool = True) -> dict:
        """Header, timeline, table and selected shot, plus the picture tab in view; the other picture
        tabs are filled when they are opened (a 100-image gallery is not sent to a tab nobody sees)."""
        c, studio = self.c, self.studio
        project = project if project is not None else studio.reload(session)
        shown = {c.header: studio.header(session, project), c.table: studio.table(project),
                 c.detail: shot_detail(project, session.selected_shot),
                 c.timeline: self.gr.update(value=studio.timeline(project), visible=project is not None),
                 c.timeline_data: timeline_data(project, session.selected_shot)}
        # the picture tab in view (the History and Shot list tabs are filled when they are opened)
        in_view = session.tab in ("tab-storyboard", "tab-video") and pictures
        return shown | (self.tab_view(session, session.tab, project) if in_view else {})

    def tab_view(self, session, tab: str, project=None) -> dict:
        c, studio = self.c, self.studio
        if tab not in ("tab-storyboard", "tab-video", "tab-history", "tab-shots"):
            return {}
        if tab == "tab-shots":  # a Dataframe filled while its tab was hidden shows no rows: fill it in view
            return {c.table: studio.table(project if project is not None else studio.project(session))}
        if tab == "tab-history":
            return {c.versions: self.gr.update(choices=studio.versions(session), value=None),
                    c.version_diff: studio.version_diff(session, None)}
        project = project if project is not None else studio.project(session)
        # shown once their tab is first opened (see `ui.studio`: their code is not loaded before)
        if tab == "tab-storyboard":
            return {c.gallery: self.gr.update(value=studio.storyboard(project), visible=True)}
        return self.video_view(session, project)

    def video_view(self, session, project=None) -> dict:
        """The Video tab: the chosen kind's newest file (animatic or cut), the choice, and its line."""
        c = self.c
        path, line = self.studio.playable(session, project)
        return {c.video: self.playing(path), c.play_what: session.play, c.play_note: line}

    def rendered(self, session, cut: str | None) -> dict:
        """The Video tab after a render: the kind just made (animatic or cut) chosen and shown."""
        if cut:
            session.play = kind_of(self.studio.store, self.studio.project(session), Path(cut))
        return self.video_view(session)

    def playing(self, path: str | None):
        """A Video's update: shown with its file, hidden without one (see `ui.studio`)."""
        return self.gr.update(value=path, visible=path is not None)

    def guarded(self, action: str):
        """Any failure becomes one status line; the traceback goes to the project's studio.log."""
        gr, status, studio = self.gr, self.c.status, self.studio

        def wrap(fn):
            def session_of(args, kwargs):
                return self.me(next((a for a in [*args, *kwargs.values()] if isinstance(a, gr.Request)), None))

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

    def opened(self, session, msg: str, pictures: bool = True) -> dict:
        c, studio = self.c, self.studio
        return {c.status: msg, c.project_pick: self.gr.update(choices=studio.projects(), value=session.project),
                c.chatbot: studio.display(session), c.last_project: session.project, c.clip: self.playing(None),
                **self.views(session, pictures=pictures)}

    def projects(self, demo) -> None:
        gr, c, studio, guarded, me = self.gr, self.c, self.studio, self.guarded, self.me
        load_outputs = [c.status, c.project_pick, c.chatbot, c.last_project, c.clip, c.build_timer, *self.view_outputs]

        @guarded("loading the page")
        def on_load(remembered, request: gr.Request):
            """A page load is a new tab: a fresh project list, the last project reopened, nothing
            queued yet, the Storyboard tab in view (its pictures sent only with a project), and a
            llama.cpp build followed while it runs (`ui.build_panel`)."""
            return {**page(remembered, me(request)), c.build_timer: following(gr)}

        def page(remembered, session) -> dict:
            if not session.project and remembered:
                session, outcome = studio.open(session, remembered)
                if not outcome.ok:  # the remembered project is gone: open nothing
                    return {c.status: "", c.project_pick: gr.update(choices=studio.projects(), value=None),
                            c.last_project: None, **self.views(session, pictures=False)}
                return self.opened(session, f"Reopened {studio.project(session).title}.")
            return {c.project_pick: gr.update(choices=studio.projects(), value=session.project),
                    c.chatbot: studio.display(session), **self.views(session, pictures=False)}

        self.on(demo.load, on_load, [c.last_project], load_outputs)

        @guarded("creating the project")
        def on_create(song_path, lyrics_path, title_text, request: gr.Request,
                      progress=gr.Progress()):  # noqa: B008 - Gradio's progress bar
            """The song analysed on a thread of its own (`Studio.start_create`), its steps on the
            status line until the project opens; then what was typed meanwhile is answered."""
            session = me(request)
            job = studio.start_create(session, song_path, lyrics_path, title_text)
            try:
                while not job.done.wait(CREATE_POLL_S):
                    progress(job.fraction, desc=job.line())
                    yield {c.status: job.line(), c.header: studio.header(session, None)}
            finally:
                job.watched = job.done.is_set()  # the tab went away: the thread answers what waits
            outcome = job.outcome
            if not outcome.ok:
                yield {c.status: outcome.message, c.chatbot: studio.display(session),
                       c.header: studio.header(session, studio.project(session))}
                return
            # then what was typed while the song was analysed
            yield from self.in_order(session, chain([self.opened(session, outcome.message)], self.drain(session)))

        self.on(c.new_btn.click, on_create, [c.song, c.lyrics, c.title], self.everything, api_name="create")
        self.on(c.new_open.click, None, None, None, js=OPEN_NEW_DIALOG)

        @guarded("opening the project")
        def on_pick(pid, evt: gr.SelectData, request: gr.Request):
            known = {v for _, v in studio.projects()}
            chosen = evt.value if evt.value in known else pid  # a re-pick of the shown project opens it too
            session, outcome = studio.open(me(request), chosen)
            if not outcome.ok:
                yield {c.status: outcome.message}
                return
            studio.warm_director(session.llm, session)  # its director ready before the first Enter
            # then what was typed before a project was open
            yield from self.in_order(session, chain([self.opened(session, outcome.message)], self.drain(session)))

        self.on(c.project_pick.select, on_pick, [c.project_pick], self.everything)

        @guarded("deleting the project")
        def on_delete(request: gr.Request):
            session, outcome = studio.delete(me(request))
            return {**self.opened(session, outcome.message), c.last_project: None, c.chatbot: []}

        self.on(c.delete_btn.click, on_delete, None, self.everything)

        def on_tab(tab: str):
            @guarded("showing the tab")
            def show(request: gr.Request):
                session = me(request)
                session.tab = tab
                # an empty dict would read to Gradio as one value for four outputs: say "no change" instead
                return self.tab_view(session, tab) or {c.status: gr.skip()}
            return show

        for t, name in ((c.tab_shots, "tab-shots"), (c.tab_storyboard, "tab-storyboard"), (c.tab_video, "tab-video"),
                        (c.tab_history, "tab-history"), (c.tab_export, "tab-export")):
            self.on(t.select, on_tab(name), None, [c.status, c.table, c.gallery, c.video, c.play_what, c.play_note,
                                                   c.versions, c.version_diff], show_progress="hidden")

    def acting(self, action: str, fn, takes_input: bool = True):
        """A project action with one input (or none): its status line, then the views."""
        gr, status = self.gr, self.c.status
        if takes_input:
            @self.guarded(action)
            def run(value, request: gr.Request):
                session = self.me(request)
                return {status: str(fn(session, value)), **self.views(session)}
            return run

        @self.guarded(action)
        def run_bare(request: gr.Request):
            session = self.me(request)
            return {status: str(fn(session)), **self.views(session)}
        return run_bare

    def controls(self) -> None:
        """Every button that edits the plan, one operation of the table each (`ui.operate.CONTROLS`), all by
        the same handler; the History tab's revert is wired with its list (`PlayAndHistory.history`)."""
        for control in CONTROLS.values():
            if control.button != "revert_btn":
                typed = getattr(self.c, control.typed) if control.typed else None
                self.on(getattr(self.c, control.button).click, self.pressing(control.button), [typed] if typed else None,
                        [self.c.status, *self.view_outputs, *([typed] if control.clears else [])])

    def pressing(self, button: str):
        """The handler of the control `button`: its operation's line on the status line, then the views."""
        gr, c, control = self.gr, self.c, CONTROLS[button]
        typed = getattr(c, control.typed) if control.typed else None

        def done(session, value) -> dict:
            outcome = press(self.studio, session, button, value)
            return {c.status: str(outcome), **self.views(session),
                    **({typed: ""} if control.clears and outcome.ok else {})}

        if typed is not None:
            @self.guarded(control.doing)
            def run(value, request: gr.Request):
                return done(self.me(request), value)
            return run

        @self.guarded(control.doing)
        def run_bare(request: gr.Request):
            return done(self.me(request), None)
        return run_bare

    # ---------------------------------------------------------------- chat: queue, then answer in order

    def drain(self, session):
        """Answer what waits: the chat as it grows (the first words at once); a turn that changed the
        project sets `views_signal`, whose own event sends the views (see `refresh`)."""
        c, studio = self.c, self.studio
        shots_before = len(studio.project(session).shots) if session.project else 0
        first = True
        for changed in studio.drain(session):
            update = {c.chatbot: studio.display(session)}
            if first:  # a turn is under way: an earlier "queued" note is out of date
                update[c.status], first = "", False
            if changed:
                project = studio.project(session)
                planned = bool(project and project.shots and not shots_before)  # a first plan
                update[c.views_signal] = f"{session.project}:{time.monotonic_ns()}:{'plan' if planned else ''}"
                shots_before = len(project.shots) if project else 0
            yield update
        if not studio.ready(session) and len(session.inbox):
            yield {c.status: lambda: studio.waiting(session)}

    def refresh(self) -> None:
        """The views of a project a chat turn changed, sent once per change; a first plan brings the
        Shot list tab into view."""
        gr, c, studio = self.gr, self.c, self.studio

        @self.guarded("showing the project")
        def on_views(signal, request: gr.Request):
            session = self.me(request)
            if not signal or not session.project or not signal.startswith(f"{session.project}:"):
                return {c.status: gr.skip()}  # the tab has opened another project meanwhile
            project = studio.reload(session)
            update = self.views(session, project)
            if signal.endswith(":plan") and project and project.shots:
                update[c.plan_signal] = f"{project.id}:{project.version}"
            return update

        self.on(c.views_signal.change, on_views, [c.views_signal], [c.status, c.plan_signal, *self.view_outputs],
                show_progress="hidden")

    def in_order(self, session, updates):
        """Hand the page a tab's chat updates in the order they were made. Two messages sent a few
        ms apart run as two events at once: one could make its chat (without the other message)
        first and reach the page last, and the page then showed the message late. Each update is
        made (the chat read afresh, any callable value called) under the tab's `showing` lock, held
        until Gradio asks for the next one — which it does once it has sent this one. Gradio repeats
        an event's last update when it completes, so that one never carries the chat."""
        c, studio = self.c, self.studio
        shows_chat = False
        for update in updates:
            held = session.showing.acquire(timeout=SHOWING_WAIT_S)
            try:
                update = {k: v() if callable(v) else v for k, v in update.items()}
                if c.chatbot in update:
                    update[c.chatbot] = studio.display(session)
                shows_chat = c.chatbot in update
                yield update
            finally:
                if held:
                    session.showing.release()
        if shows_chat:
            yield {c.status: self.gr.skip()}

    def chat(self, demo) -> None:
        gr, c, studio = self.gr, self.c, self.studio

        def sending(session, text):
            """Queue the message; if this tab is busy (a song being analysed, a turn under way) show
            it queued, else answer it now (whoever is answering reaches it too, in order)."""
            studio.submit(session, text)
            if session.creating or session.inbox.answering or not studio.ready(session):
                def note():
                    if session.project and not session.creating:
                        return f"{len(session.inbox)} message(s) queued: answered in order."
                    return studio.waiting(session)
                yield {c.chatbot: None, c.status: note}
            yield from self.drain(session)

        def on_send(text, request: gr.Request):
            session = self.me(request)
            yield from self.in_order(session, sending(session, text))

        # The box is emptied in the browser the moment Enter is pressed: emptied by the server's reply
        # instead, it would also wipe whatever the artist had typed next in the meantime.
        self.on(demo.load, None, None, None, js=RECORD_ENTER)
        self.on(c.message.submit, self.guarded("sending the message")(on_send), [c.message], self.chat_outputs,
                         js=CLEAR_ON_SEND, trigger_mode="multiple", concurrency_limit=None, show_progress="hidden",
                         api_name="chat")
        c.plan_signal.change(None, [c.plan_signal], None, js=SHOW_SHOT_LIST)
        self.refresh()

    # ---------------------------------------------------------------- the shot list and selection

    def shots(self) -> None:
        gr, c, studio, guarded = self.gr, self.c, self.studio, self.guarded
        outputs = [c.status, *self.view_outputs]
        self.on(c.apply_btn.click, self.acting("applying the table edits", studio.apply_table), [c.table], outputs)
        self.on(c.section_btn.click, self.acting("editing the sections", studio.sections), [c.section_cmd], outputs)

        @guarded("selecting a shot")
        def on_table_select(evt: gr.SelectData, request: gr.Request):
            row = evt.row_value if isinstance(evt.row_value, list) and evt.row_value else None
            number = int(float(row[0])) if row else int(evt.index[0]) + 1
            return self.selected(self.me(request), number)

        @guarded("selecting a shot")
        def on_timeline_select(evt: gr.SelectData, request: gr.Request):
            session = self.me(request)
            return self.selected(session, shot_at(studio.project(session), float(evt.index[0])))

        @guarded("selecting a shot")
        def on_card_select(evt: gr.SelectData, request: gr.Request):
            return self.selected(self.me(request), int(evt.index) + 1)

        select_outputs = [c.detail, c.clip, c.message, c.status, c.timeline_data]
        self.on(c.table.select, on_table_select, None, select_outputs)
        self.on(c.timeline.select, on_timeline_select, None, select_outputs)
        self.on(c.gallery.select, on_card_select, None, select_outputs)
        c.timeline_data.change(None, [c.timeline_data], None, js=TIMELINE)

    def selected(self, session, number) -> dict:
        c = self.c
        text, path = self.studio.select(session, number)
        if session.selected_shot != number:
            return {c.detail: text, c.status: f"⚠ there is no shot {number}"}
        return {c.detail: text, c.clip: self.playing(path), c.message: f"shot {number}: ",
                c.timeline_data: timeline_data(self.studio.project(session), number),
                c.status: f"Shot {number} selected: type what to change (\"make this shot colder\")."}

    # ---------------------------------------------------------------- settings, render and export

    def settings(self) -> None:
        gr, c, studio = self.gr, self.c, self.studio

        @self.guarded("applying settings")
        def on_settings(llm_spec, backend_name, model_id, res, rate, n_takes, ray_address, request: gr.Request):
            session = self.me(request)
            try:
                w, h = (int(v) for v in res.lower().split("x"))
                if w % 2 or h % 2 or w < 64 or h < 64:
                    raise ValueError
            except ValueError:
                return {c.status: f"⚠ resolution {res!r}: use WIDTHxHEIGHT with even numbers ≥ 64, e.g. 1280x720",
                        c.header: studio.header(session, studio.project(session))}
            session.llm, session.backend, session.model = llm_spec.strip(), backend_name, model_id.strip()
            session.width, session.height, session.fps, session.takes = w, h, float(rate or 24), int(n_takes)
            session.ray = (ray_address or "").strip()
            studio.warm_director(session.llm, session)
            return {c.status: "Settings applied.", c.header: studio.header(session, studio.project(session))}

        self.on(c.save_settings.click, on_settings, [c.llm, c.backend, c.model, c.resolution, c.fps, c.takes, c.ray],
                              [c.status, c.header], api_name="settings")

    def render_and_export(self) -> None:
        gr, c, studio, guarded = self.gr, self.c, self.studio, self.guarded

        @guarded("rendering")
        def on_render(request: gr.Request, progress=gr.Progress()):  # noqa: B008 - Gradio's progress bar
            session = self.me(request)
            cut, msg = studio.render(session, report=studio.overall(progress))
            return {c.status: msg, **self.views(session), **self.rendered(session, cut)}

        self.on(c.render_btn.click, on_render, None, [c.status, *self.view_outputs], concurrency_limit=1,
                           concurrency_id="render", api_name="render")

        @guarded("rendering the shot")
        def on_render_shot(request: gr.Request, progress=gr.Progress()):  # noqa: B008
            session = self.me(request)
            if not session.selected_shot:
                return {c.status: "Select a shot (table, timeline or storyboard) first."}
            cut, msg = studio.render(session, [session.selected_shot],
                                     report=studio.overall(progress))
            return {**self.views(session), **self.rendered(session, cut), **self.selected(session, session.selected_shot),
                    c.status: msg}

        self.on(c.shot_render.click, on_render_shot, None, [c.status, *self.view_outputs, c.clip, c.message],
                            concurrency_limit=1, concurrency_id="render")

        @guarded("cancelling")
        def on_cancel(request: gr.Request):
            return {c.status: studio.cancel(self.me(request))}

        self.on(c.cancel_btn.click, on_cancel, None, [c.status])

        @guarded("exporting")
        def on_export(f, request: gr.Request):
            path, msg = studio.export(self.me(request), f)
            return {c.exported: path, c.status: msg}

        self.on(c.export_btn.click, on_export, [c.fmt], [c.exported, c.status], api_name="export")
