"""The studio as a storyboard an artist works in, without a server: creating a project with its
steps reported (one project per click, a non-audio upload refused in one line, nothing lost when
nobody watches), the one-line header, frames in the project's aspect, the timeline overlay's data,
the version history with its diff and revert, split and merge of the selected shot, and text that
renders without a colour-emoji font."""

import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from PIL import Image

from shotlist.store import ProjectStore
from ui import views
from ui.creating import CREATE_STEPS
from ui.handlers import Session, Studio
from ui.operate import press


@pytest.fixture(scope="module")
def planned(tmp_path_factory, fixture_song, fixture_lrc) -> Path:
    from assistant.planner import plan_shots
    from shotlist.models import Brief
    from shotlist.song import analyse_song

    root = tmp_path_factory.mktemp("store")
    store = ProjectStore(root)
    p = store.create(fixture_song, lambda path: analyse_song(path, lyrics=fixture_lrc), title="Planned")
    p = p.model_copy(update={"brief": Brief(meaning="a lover asks for impossible tasks", motifs=["a shirt of fog"],
                                            why_generative="a shirt made of mist")})
    store.save(p.model_copy(update={"shots": plan_shots(p)}))
    return root


@pytest.fixture
def studio(planned, tmp_path) -> Studio:
    root = tmp_path / "store"
    shutil.copytree(planned, root)
    return Studio(ProjectStore(root))


def opened(studio: Studio) -> Session:
    session, outcome = studio.open(Session(), "planned")
    assert outcome.ok
    return session


# ---------------------------------------------------------------------------- creating a project


def test_creating_reports_each_step_and_a_second_click_makes_no_second_project(studio, fixture_song, fixture_lrc,
                                                                               monkeypatch):
    import shotlist.song

    analysing, release = threading.Event(), threading.Event()
    real = shotlist.song.analyse_song

    def slow(path, lyrics=None):  # the analysis held open until the second click has been made
        analysing.set()
        release.wait(30)
        return real(path, lyrics=lyrics)

    monkeypatch.setattr(shotlist.song, "analyse_song", slow)
    session = Session()
    studio.submit(session, "It is about a lover who asks for impossible tasks.")
    job = studio.start_create(session, str(fixture_song), str(fixture_lrc), "Made Once")
    assert analysing.wait(30)
    assert job.step == 2 and "step 2 of 4" in job.line() and "analysing the song" in job.line()
    assert "when it opens" in job.line()
    assert "analysing song.ogg" in studio.header(session, None)  # not "no project open"
    before = len(studio.projects())
    again, outcome = studio.create(session, str(fixture_song), None, "Made Twice")
    assert not outcome.ok and "still being analysed" in outcome.message and "no second project" in outcome.message
    release.set()
    assert job.done.wait(60) and job.outcome.ok, job.outcome
    assert job.step == len(CREATE_STEPS)
    titles = [t for t, _ in studio.projects()]
    assert len(titles) == before + 1 and not any("Made Twice" in t for t in titles)
    assert session.project == "made-once" and not session.creating


def test_an_upload_that_is_not_audio_is_one_clear_line(studio, tmp_path):
    session = Session()
    for name, data in (("notes.txt", "lyrics, not a song"), ("notes.wav", "this is not audio")):
        path = tmp_path / name
        path.write_text(data)
        job = studio.start_create(session, str(path), None, "Nope")
        assert job.done.wait(60)
        assert not job.outcome.ok and job.outcome.message.startswith(f"⚠ {name}:") and "\n" not in job.outcome.message
    assert "notes" not in " ".join(t for t, _ in studio.projects())


def test_a_creation_nobody_watches_any_more_still_opens_and_answers_what_waits(studio, fixture_song, fixture_lrc):
    """The tab closed during the analysis: the project is saved and the messages typed for it are
    answered, so they are in its chat when it is opened again."""
    session = Session()
    studio.submit(session, "It is about a lover who asks for impossible tasks.")
    job = studio.start_create(session, str(fixture_song), str(fixture_lrc), "Left Alone")
    job.watched = False  # what the page's event does when it is closed
    assert job.done.wait(120) and job.outcome.ok
    for _ in range(200):
        if not session.inbox.pending() and not session.inbox.answering:
            break
        threading.Event().wait(0.1)
    later = Studio(studio.store)  # another tab, later
    reopened, _ = later.open(Session(), "left-alone")
    said = [m["content"] for m in reopened.chat]
    assert "It is about a lover who asks for impossible tasks." in said
    assert studio.project(reopened).brief.meaning.startswith("It is about a lover")


def test_messages_typed_during_the_analysis_say_when_they_will_be_answered(studio):
    session = Session(creating="song.ogg")
    studio.submit(session, "a shirt of fog")
    line = studio.waiting(session)
    assert "answered when the project is ready" in line and "song.ogg" in line
    assert "create or open one" in studio.waiting(Session())


# ---------------------------------------------------------------------------- header, frames, timeline


def test_the_header_is_one_line_with_badges_and_the_details_one_click_away(studio, monkeypatch):
    monkeypatch.setattr(studio, "describe_director", lambda spec: "offline (guided mode, no LLM) — the local "
                        "director model x is not downloaded; fetch it once with hf download x")
    session = opened(studio)
    header = studio.header(session, studio.project(session))
    summary, _, details = header.partition("</summary>")
    assert "\n" not in summary and "director: offline</span>" in summary and "renderer: animatic" in summary
    assert "hf download" not in summary and "hf download" in details and header.startswith("<details>")


@pytest.mark.parametrize("aspect, size", [("9:16", (270, 480)), ("1:1", (270, 270)), ("16:9", (480, 270)),
                                          ("2.39:1", (646, 270))])
def test_storyboard_frames_take_the_projects_aspect(studio, aspect, size):
    session = opened(studio)
    studio.editor(session).update_brief(constraints={"aspect": aspect})
    project = studio.reload(session)
    assert views.frame_size(project) == size
    board = studio.storyboard(project)
    assert Image.open(board[0][0]).size == size and len(board) == len(project.shots)


def test_the_timeline_data_places_each_shot_and_the_selected_one(studio):
    from ui.timeline import draw_timeline, shot_colour

    session = opened(studio)
    project = studio.project(session)
    data = views.timeline_data(project, 4)
    assert data["selected"] == 4 and len(data["shots"]) == len(project.shots)
    assert data["shots"][3] == [project.shots[3].start, project.shots[3].end]
    # the overlay's geometry is the picture's: the middle of shot 4's block is shot 4's colour band
    img = draw_timeline(project)
    w, h = img.size
    t = sum(data["shots"][3]) / 2
    x = w * (data["pad"] + (1 - 2 * data["pad"]) * t / data["duration"])
    y = h * sum(data["band"]) / 2
    assert views.shot_at(project, x) == 4
    shot = project.shots[3]
    assert img.getpixel((int(x), int(y))) == shot_colour(shot.critique.grounding, shot.critique.generic)


# ---------------------------------------------------------------------------- the plan as a thing to edit


def test_versions_are_named_by_what_they_changed_and_revert_is_one_new_version(studio):
    session = opened(studio)
    first = studio.project(session)
    assert press(studio, session, "lock_btn", "3").ok
    table = studio.table(studio.project(session))
    table["data"][4][9] = "walks into the fog"  # shot 5's Action
    assert studio.apply_table(session, table).ok
    names = [n for n, _ in studio.versions(session)]
    assert names[0].startswith(f"v{first.version + 2} · revise 5 · changed shot 5")  # the operation, then the diff
    assert names[1].startswith(f"v{first.version + 1} · ") and names[1].endswith("changed shot 3")
    diff = studio.version_diff(session, first.version + 2)
    assert "**Shot 5**" in diff and f"action: {first.shots[4].action} → walks into the fog" in diff
    outcome = press(studio, session, "revert_btn", first.version)
    assert outcome.ok and f"saved as version {first.version + 3}" in outcome.message, outcome.message
    now = studio.project(session)
    assert now.version == first.version + 3 and now.shots[4].action == first.shots[4].action
    assert not now.shots[2].locked
    assert studio.versions(session)[0][0] == f"v{first.version + 3} · revert to version {first.version} · changed shots 3, 5"
    assert not press(studio, session, "revert_btn", 999).ok  # a version that does not exist: one line, nothing written
    assert studio.project(session).version == now.version


def test_split_and_merge_the_selected_shot(studio):
    session = opened(studio)
    before = studio.project(session)
    assert not press(studio, session, "split_btn").ok  # nothing selected yet
    n = next(i for i, s in enumerate(before.shots, 1) if s.duration > 2)
    studio.select(session, n)
    assert press(studio, session, "split_btn").ok
    split = studio.project(session)
    assert len(split.shots) == len(before.shots) + 1
    assert split.shots[n - 1].start == before.shots[n - 1].start and split.shots[n].end == before.shots[n - 1].end
    assert press(studio, session, "merge_btn").ok
    merged = studio.project(session)
    assert len(merged.shots) == len(before.shots) and merged.shots[n - 1].end == before.shots[n - 1].end
    studio.select(session, len(merged.shots))
    last = press(studio, session, "merge_btn")
    assert not last.ok and "last one" in last.message


# ---------------------------------------------------------------------------- text that renders


def test_studio_symbols_render_without_a_colour_emoji_font():
    """Every symbol the studio writes (flags, tool steps, the plan pointer, buttons) is in DejaVu Sans,
    which every machine the studio runs on has: no empty boxes without fonts-noto-color-emoji."""
    import ui.shot_actions
    import ui.studio
    import ui.views

    text = "".join(Path(m.__file__).read_text() for m in (ui.views, ui.studio, ui.shot_actions))
    symbols = sorted({ch for ch in text if ord(ch) > 0x2000})
    assert symbols
    for ch in symbols:
        found = subprocess.run(["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True).stdout
        assert "DejaVu Sans" in found, f"{ch!r} (U+{ord(ch):04X}) is not in DejaVu Sans"
