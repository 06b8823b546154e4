"""The studio's events for playback and the version history (see `ui.wiring` for how every event is
wired: `Wiring.on`, `guarded`, `views`). A mixin of `ui.wiring.Wiring`."""

from pathlib import Path

from .operate import press
from .page_js import PLAY_FROM
from .playback import KINDS


class PlayAndHistory:
    """"Play from the selected shot", and the History tab's diff and revert."""

    def playback(self) -> None:
        """The Video tab's choice (the animatic or the cut) and "Play from the selected shot", which plays the
        chosen one from the selected shot's start (`page_js.PLAY_FROM`; the timeline follows it)."""
        gr, c, studio, guarded = self.gr, self.c, self.studio, self.guarded

        @guarded("choosing what to play")
        def on_choose(kind, request: gr.Request):
            session = self.me(request)
            session.play = kind if kind in KINDS else session.play
            return self.video_view(session)

        self.on(c.play_what.input, on_choose, [c.play_what], [c.video, c.play_what, c.play_note, c.status],
                show_progress="hidden")

        @guarded("playing")
        def on_play(data, request: gr.Request):
            session = self.me(request)
            project = studio.project(session)
            cut, line = studio.playable(session, project)
            if not cut:
                return {c.status: line}
            n = session.selected_shot
            if not n or not project or n > len(project.shots):
                return {c.status: "Select a shot (storyboard, table or timeline), then play from it."}
            return {c.status: f"Playing the {'animatic' if session.play == 'animatic' else 'cut'} "
                              f"({Path(cut).name}) from shot {n} ({project.shots[n - 1].start:.1f} s); "
                              "the shot playing is outlined on the timeline."}

        self.on(c.play_btn.click, on_play, [c.timeline_data], [c.status], js=PLAY_FROM, show_progress="hidden")

    def history(self) -> None:
        """The History tab: a version's diff when it is chosen, and "revert to this one"."""
        gr, c, studio = self.gr, self.c, self.studio

        @self.guarded("showing the version")
        def on_version(version, request: gr.Request):
            return {c.version_diff: studio.version_diff(self.me(request), version)}

        self.on(c.versions.change, on_version, [c.versions], [c.version_diff, c.status], show_progress="hidden")

        @self.guarded("reverting")
        def on_revert(version, request: gr.Request):
            session = self.me(request)
            outcome = press(studio, session, "revert_btn", version)
            return {c.status: str(outcome), **self.views(session),
                    c.versions: gr.update(choices=studio.versions(session), value=None),
                    c.version_diff: studio.version_diff(session, session.version if outcome.ok else version)}

        self.on(c.revert_btn.click, on_revert, [c.versions], [c.status, c.versions, c.version_diff, *self.view_outputs])
