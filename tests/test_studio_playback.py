"""The Video tab's choice and the storyboard's drag and drop without a server: the animatic or the cut (the
model's render), each the newest of its kind, told apart by the takes of the version the file was assembled
from, a clear line when the chosen one does not exist yet; a card dropped before or after another is one
MoveShot, one version, and the selection follows it."""

import json

import pytest

from test_studio_work import opened, planned, studio  # noqa: F401  (fixtures shared with the studio's work tests)
from ui.shot_actions import dropped, move_shot, moved_to

SMALL = dict(width=64, height=36, fps=6)


def render_animatic(studio):  # noqa: F811
    from generation.backend import RenderSettings
    from generation.render import Renderer

    session = opened(studio)
    Renderer(studio.store, session.project, "animatic", RenderSettings(**SMALL)).render()
    return opened(studio)


def as_model_render(studio, session, shot: int):  # noqa: F811
    """Shot `shot`'s clip re-recorded as a model's take (its file kept), and the cut assembled from that version:
    what `Renderer` leaves after rendering one shot on diffusers-video."""
    from generation.backend import RenderSettings
    from generation.render import Renderer

    project = studio.project(session)
    shots = list(project.shots)
    takes = [t.model_copy(update={"backend": "diffusers-video"}) for t in shots[shot - 1].takes]
    shots[shot - 1] = shots[shot - 1].model_copy(update={"takes": takes})
    saved = studio.store.save(project.model_copy(update={"shots": shots}))
    return Renderer(studio.store, saved.id, "animatic", RenderSettings(**SMALL)).cut(saved)


def test_the_animatic_or_the_cut_each_its_newest_file_and_a_line_when_missing(studio):  # noqa: F811
    session = opened(studio)
    for kind in ("animatic", "cut"):
        session.play = kind
        path, line = studio.playable(session)
        assert path is None and line.startswith(f"No {'animatic' if kind == 'animatic' else 'cut from a model'} yet")
        assert "Render" in line and "\n" not in line
    session = render_animatic(studio)
    session.play = "animatic"
    animatic, line = studio.playable(session)
    assert animatic and animatic.endswith(".mp4") and "Animatic" in line
    session.play = "cut"
    path, line = studio.playable(session)
    assert path is None and "No cut from a model yet" in line and "diffusers-video" in line  # renderer: animatic
    session.backend = "diffusers-video"
    assert "press Render (the renderer is diffusers-video)" in studio.playable(session)[1]

    cut = as_model_render(studio, session, 2)
    assert studio.playable(session)[0] == str(cut)  # the model's cut
    session.play = "animatic"
    assert studio.playable(session)[0] == animatic  # the animatic is still there, and still the animatic


def test_a_card_dropped_before_or_after_another_moves_it_and_the_selection_follows(studio):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    done = dropped(studio, session, json.dumps({"shot": 5, "to": 2, "after": False}))
    after = studio.project(session)
    assert done.ok and done.message.startswith("Moved shot 5's picture before shot 2")
    assert after.version == before.version + 1
    assert after.shots[1].prompt == before.shots[4].prompt and after.shots[2].prompt == before.shots[1].prompt
    assert [s.start for s in after.shots] == [s.start for s in before.shots]  # the cuts stay; the pictures move
    assert session.selected_shot == 2 and session.version == after.version
    assert studio.store.history(after.id)[-1] == (after.version, "move 5 before 2")

    done = dropped(studio, session, json.dumps({"shot": 1, "to": 3, "after": True}))  # forwards, after
    moved = studio.project(session)
    assert done.ok and moved.shots[2].prompt == after.shots[0].prompt and session.selected_shot == 3


@pytest.mark.parametrize("drop, says", [
    ({"shot": 4, "to": 4, "after": True}, "Shot 4 is already there"),
    ({"shot": 4, "to": 5, "after": False}, "Shot 4 is already there"),  # before the next one: where it is
    ({"shot": 4, "to": 999, "after": False}, "⚠ moving a shot: this project has shots 1-"),
    ("not json", "Drag a storyboard card onto another"),
    ({"shot": "x", "to": 2, "after": True}, "Drag a storyboard card onto another"),
])
def test_a_drop_that_moves_nothing_is_one_line_and_changes_nothing(studio, drop, says):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    done = dropped(studio, session, drop if isinstance(drop, str) else json.dumps(drop))
    assert not done.ok and done.message.startswith(says) and "\n" not in done.message
    assert studio.project(session).version == before.version and session.selected_shot is None


def test_where_a_moved_picture_lands_matches_the_arrangement():
    from helpers import project_of
    from shotlist.arrange import move

    project = project_of(12.0, n=6)
    project = project.model_copy(update={"shots": [s.model_copy(update={"subject": f"picture {n}"})
                                                   for n, s in enumerate(project.shots, 1)]})
    checked = 0
    for shot in range(1, 7):
        for to in range(1, 7):
            for after in (False, True):
                if to == shot or moved_to(shot, to, after) == shot:
                    continue
                pictures = [s.subject for s in move(project, shot, to, after).shots]
                assert pictures[moved_to(shot, to, after) - 1] == f"picture {shot}", (shot, to, after)
                checked += 1
    assert checked == 50  # 60 drops on another card, 10 of them onto the place it already has


def test_a_drop_with_no_project_open_says_so(studio):  # noqa: F811
    from ui.session import Session

    assert move_shot(studio, Session(), 1, 2, True).message == "No project open."
