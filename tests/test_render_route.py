"""The one render route: the CLI's render, the studio's render button and the director's render tool
render the same project at the same size and rate, all from the project's constraints."""

from __future__ import annotations

import pytest

from generation.ffmpeg import probe
from generation.route import RenderOptions, frame_size, settings_for
from helpers import planned_song
from shotlist.editor import ProjectEditor
from shotlist.models import Constraints
from shotlist.store import ProjectStore


@pytest.mark.parametrize("aspect, resolution, size", [
    ("16:9", "1280x720", (1280, 720)),
    ("9:16", "720x1280", (720, 1280)),
    ("9:16", "1280x720", (720, 1280)),  # an aspect changed on its own: its shape, the short side kept
    ("1:1", "1280x720", (720, 720)),
    ("4:5", "1280x720", (720, 900)),
    ("16:9", "255x143", (256, 144)),  # H.264 needs even sides
    ("widescreen", "640x360", (640, 360)),  # no ratio: the resolution holds
])
def test_frame_size_from_the_constraints(aspect, resolution, size):
    assert frame_size(Constraints(aspect=aspect, resolution=resolution)) == size


def test_what_the_front_end_sets_wins():
    c = Constraints(aspect="9:16", resolution="1280x720", fps=30)
    s = settings_for(c)
    assert (s.width, s.height, s.fps, s.takes) == (720, 1280, 30, 1)
    s = settings_for(c, RenderOptions(width=360, fps=12, model="ltx-video", takes=2))
    assert (s.width, s.height, s.fps, s.model, s.takes) == (360, 1280, 12, "ltx-video", 2)


@pytest.fixture
def vertical(click_wav):
    """A project whose brief asks for 9:16 over a landscape resolution, at 12 fps."""
    store = ProjectStore()
    pid = planned_song(store, click_wav[0], 3)
    ProjectEditor(store, pid).update_brief(constraints={"aspect": "9:16", "resolution": "192x108", "fps": 12})
    return store, pid


def test_cli_studio_and_tools_render_the_same_way(vertical, capsys):
    from assistant.session import local_renderer
    from assistant.tools import ProjectTools
    from ui.cli import main
    from ui.handlers import Studio
    from ui.session import Session

    store, pid = vertical
    assert main(["render", pid, "--shots", "1"]) == 0
    cli_cut = capsys.readouterr().out.strip().splitlines()[-1]
    studio = Studio(store)
    session, _ = studio.open(Session(), pid)
    studio_cut, message = studio.render(session, [1])
    assert message.startswith("Rendered 0") and "1 from the cache" in message  # the CLI's clip, same key
    tools = ProjectTools(store, pid, run_critic=False, renderer=local_renderer(store))
    line = tools.render("1")
    assert line.startswith("rendered 0, 1 unchanged from the cache"), line
    tools_cut = line.rsplit("the cut: ", 1)[1]
    for cut in (cli_cut, studio_cut, tools_cut):
        p = probe(cut)
        assert (p.width, p.height, round(p.fps)) == (108, 192, 12), cut
    assert studio.output(session, store.load(pid)) == (108, 192, 12)  # what the studio's header says


def test_the_studio_injects_one_renderer_with_the_tabs_settings(vertical):
    """The studio's editors and its chat director's tools get the same renderer, reading the tab's
    settings when they render (not when the director was built)."""
    from ui.handlers import Studio
    from ui.session import Session

    store, pid = vertical
    studio = Studio(store)
    session, _ = studio.open(Session(key="tab"), pid)
    director = studio.director(session)  # built before the settings change
    session.width, session.height, session.fps = 64, 96, 8
    result = director.tools.editor.render([1], "animatic")
    assert (result.rendered, result.failed) != ([], {}) and not result.failed
    assert (probe(result.cut).width, probe(result.cut).height, round(probe(result.cut).fps)) == (64, 96, 8)
    assert studio.editor(session).renderer is not None
    studio.cancel(session)  # a Cancel left over from an earlier render does not stop the next one
    assert not studio.editor(session, stale_ok=True).render([2], "animatic").cancelled
