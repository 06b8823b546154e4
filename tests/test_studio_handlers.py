"""The studio's handlers without a server: the inbox, views once per turn, two tabs on one project,
one-line errors with a log, cached thumbnails, the compact plan in the chat."""

import shutil
import threading
from pathlib import Path

import pytest

from conftest import FIXTURE_DIR
from evals.scripted_openai import ScriptedOpenAI, Step
from shotlist.models import Brief
from shotlist.store import ProjectStore
from ui import views
from ui.handlers import Session, Studio
from ui.operate import press

ANSWERS = (FIXTURE_DIR.parent.parent.parent / "checks" / "scarborough-answers.txt").read_text().splitlines()


@pytest.fixture(scope="module")
def planned(tmp_path_factory, fixture_song, fixture_lrc) -> Path:
    """A store holding one planned project (built once for the module; tests work on copies)."""
    from assistant.planner import plan_shots
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
    session, msg = studio.open(Session(), "planned")
    assert msg.message == "Opened Planned." and msg.ok
    return session


# ---------------------------------------------------------------------------- nothing typed is lost


def test_messages_typed_before_the_project_exists_wait_and_are_answered_in_order(fixture_song, fixture_lrc):
    studio = Studio()
    session = Session()
    for answer in ANSWERS[:3]:
        assert studio.submit(session, answer)
    assert [m["content"].split("\n\n")[0] for m in studio.display(session)] == ANSWERS[:3]
    assert all("queued" in m["content"] for m in studio.display(session))
    assert list(studio.drain(session)) == []  # no project yet: nothing answered, nothing dropped
    assert session.inbox.pending() == ANSWERS[:3]
    session, msg = studio.create(session, str(fixture_song), str(fixture_lrc), "Queued")
    assert msg.message.startswith("Created") and session.inbox.pending() == ANSWERS[:3]
    list(studio.drain(session))
    brief = studio.project(session).brief
    # answers are filed by topic; an explicit label ("The story: …") is not part of the filed text
    assert (brief.meaning, brief.story) == (ANSWERS[0], ANSWERS[1].removeprefix("The story: ")) and brief.motifs
    users = [m["content"] for m in session.chat if m["role"] == "user"]
    assert users == ANSWERS[:3] and not session.inbox.pending()


def test_two_drains_at_once_answer_each_message_once_in_order(studio):
    session = opened(studio)
    texts = [f"lock shot {n}" for n in range(1, 4)]
    for t in texts:
        studio.submit(session, t)
    threads = [threading.Thread(target=lambda: list(studio.drain(session))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    users = [m["content"] for m in session.chat if m["role"] == "user"]
    assert users == texts
    assert [s.locked for s in studio.project(session).shots[:4]] == [True] * 3 + [False]


def test_this_shot_means_the_selected_one(studio):
    session = opened(studio)
    detail, clip = studio.select(session, 4)
    shot = studio.project(session).shots[3]
    assert session.selected_shot == 4 and shot.reason in detail and shot.why_generative in detail and clip is None
    studio.submit(session, "make this shot colder")
    studio.submit(session, "shot 2: lock it")
    assert session.inbox.pending() == ["shot 4: make this shot colder", "shot 2: lock it"]


# ---------------------------------------------------------------------------- views once per turn


def test_a_streamed_turn_refreshes_the_views_once_and_only_when_the_project_changed(studio, monkeypatch):
    session = opened(studio)
    before = studio.project(session)
    with ScriptedOpenAI() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        session.llm = "openai:scripted"
        words = " ".join(f"word{i}" for i in range(40))
        srv.push(Step.text(words))
        studio.submit(session, "what do you think?")
        monkeypatch.setattr("ui.chat.STREAM_EVERY_S", 3600.0)  # nothing but the first words goes early
        shown, flags = [], []
        for changed in studio.drain(session):
            flags.append(changed)
            shown.append(session.chat[-1]["content"] if session.chat[-1]["role"] == "assistant" else None)
        replies = [t for t in shown if t]
        # the first words at once, then the whole reply: not one page update (a pass over the whole
        # page in the browser) per streamed token; the project untouched
        assert replies[0].strip() == "word0" and replies[-1] == words and len(set(replies)) == 2 and not any(flags)
        srv.push(Step.call("revise_shots", {"patches": [{"shot": "3", "changes": {"prompt": "cold blue fog"}}]}),
                 Step.text("Shot 3 is colder now, as you asked it to be."))
        studio.submit(session, "shot 3 colder")
        flags = list(studio.drain(session))
    assert flags.count(True) == 1 and flags[-1] is True
    after = studio.project(session)
    assert after.shots[2].prompt == "cold blue fog" and session.version == after.version == before.version + 1
    assert any("tool step" in str(m.get("metadata")) for m in session.chat)


def test_a_plan_in_the_chat_is_a_pointer_to_the_table(studio):
    from shotlist.table import shot_table

    project = studio.project(opened(studio))
    text = f"Here is the plan.\n{shot_table(project)}\nCritic: {len(project.shots)} shots."
    shown = views.compact(text)
    assert f"{len(project.shots)} shots**" in shown and "Shot list" in shown
    assert project.shots[5].subject not in shown and len(shown.splitlines()) == 3
    assert shown.startswith("Here is the plan.") and shown.endswith(f"Critic: {len(project.shots)} shots.")
    markdown = "| # | subject |\n|---|---|\n| 1 | a |\n| 2 | b |\n| 3 | c |"
    assert views.compact(markdown).startswith("▤")


# ---------------------------------------------------------------------------- two tabs, one project


def test_two_tabs_never_lose_an_edit(studio):
    a, b = opened(studio), opened(studio)
    table_b = studio.table(studio.project(b))  # tab B shows version N and keeps it on screen
    table_a = studio.table(studio.project(a))
    table_a["data"][2][10] = "prompt typed in tab A"
    assert "Revised shots 3" in studio.apply_table(a, table_a).message
    # B edits another shot from its stale table: A's edit survives, B's lands
    table_b["data"][4][10] = "prompt typed in tab B"
    msg = studio.apply_table(b, table_b).message
    now = studio.project(b)
    assert "Revised shots 5" in msg and not msg.startswith("⚠")
    assert now.shots[2].prompt == "prompt typed in tab A" and now.shots[4].prompt == "prompt typed in tab B"
    # A, now stale, edits the cell B changed: refused by name with the typed value, reloaded
    table_a["data"][4][10] = "tab A disagrees"
    msg = studio.apply_table(a, table_a).message
    assert msg.startswith("⚠ This project changed in another tab") and "tab A disagrees" in msg and "shot 5" in msg
    assert studio.project(a).shots[4].prompt == "prompt typed in tab B" and a.version == now.version
    # a lock from a stale view is a version conflict: reloaded and said, nothing overwritten
    assert "Locked shot 7;" in press(studio, b, "lock_btn", "7").message
    stale = press(studio, a, "lock_btn", "8")
    assert not stale.ok and "another window" in stale.message and a.version == studio.project(a).version
    assert not studio.project(a).shots[7].locked and studio.project(a).shots[6].locked


# ---------------------------------------------------------------------------- errors: one line, logged


def test_bad_cells_and_crashing_exports_are_one_line(studio, monkeypatch):
    session = opened(studio)
    table = studio.table(studio.project(session))
    table["data"][0][2] = "soon"
    assert studio.apply_table(session, table).message == "⚠ shot 1, End: 'soon' is not a time in seconds (e.g. 42.5)"
    table = studio.table(studio.project(session))
    table["data"][1][5] = "sideways"
    msg = studio.apply_table(session, table).message
    assert msg.startswith("⚠ shot 2, Shot size:") and "\n" not in msg
    import shotlist.export

    class Crashing:  # a writer with a bug, as the FCPXML adapter had
        suffix = ".fcpxml"

        def write(self, project, folder):
            raise AttributeError("'NoneType' object has no attribute 'duration'")

    real = shotlist.export.get_format
    monkeypatch.setattr(shotlist.export, "get_format", lambda name: Crashing() if name == "fcpxml" else real(name))
    path, msg = studio.export(session, "fcpxml")
    log = studio.folder(session) / "studio.log"
    assert path is None and msg.startswith("⚠ export fcpxml failed (AttributeError") and "\n" not in msg
    assert str(log) in msg and "Traceback" in log.read_text()
    assert studio.export(session, "docx")[1].startswith("⚠ export docx:")


# ---------------------------------------------------------------------------- thumbnails


def test_storyboard_thumbnails_are_made_once_per_clip(studio, monkeypatch):
    import shotlist.export.media as media

    session = opened(studio)
    session.width, session.height = 64, 36
    cut, msg = studio.render(session, [1, 2])
    assert "Rendered 2" in msg
    calls = []
    real = media.subprocess.run
    monkeypatch.setattr(media.subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    project = studio.project(session)
    first = studio.storyboard(project)
    again = studio.storyboard(project)
    assert first == again and calls == []  # made when the clips rendered: no ffmpeg on a view
    assert len({p for p, _ in first}) == len(project.shots)
    project.shots[0].takes.clear()  # a new clip (here: none) is a new picture
    assert views.storyboard(project, studio.folder(session))[0][0] != first[0][0]


def test_messages_typed_for_a_song_that_fails_wait_for_the_next_project(studio, tmp_path):
    session = opened(studio)
    fake = tmp_path / "notes.wav"
    fake.write_text("this is not audio")
    studio.submit(session, "lock shot 2")
    session, outcome = studio.create(session, str(fake), None, "Nope")
    assert not outcome.ok and "stay queued" in outcome.message and "\n" not in outcome.message
    assert list(studio.drain(session)) == [] and session.inbox.pending() == ["lock shot 2"]
    assert not studio.project(session).shots[1].locked  # not applied to the project that stayed open
    studio.open(session, "planned")
    list(studio.drain(session))
    assert studio.project(session).shots[1].locked and not session.inbox.pending()


# ---------------------------------------------------------------------------- sections, through the editor


def test_section_commands_rename_split_merge_and_the_shots_follow(studio):
    session = opened(studio)
    before = studio.project(session)
    first = before.song.sections[0]
    outcome = studio.sections(session, "rename 1 opening")
    assert outcome.ok, outcome.message
    after = studio.project(session)
    assert after.song.sections[0].label == "opening" and after.version == before.version + 1
    inside = [s for s in after.shots if first.start <= (s.start + s.end) / 2 < first.end]
    assert inside and all(s.section == "opening" for s in inside)
    assert studio.sections(session, "merge 1").ok
    assert len(studio.project(session).song.sections) == len(before.song.sections) - 1
    for bad in ("rename 1", "split 2 soon", "fold 2", "rename 99 x"):
        outcome = studio.sections(session, bad)
        assert not outcome.ok and "\n" not in outcome.message
    assert studio.project(session).version == before.version + 2  # refused commands wrote nothing


# ---------------------------------------------------------------------------- the tempo, as the artist counts it

def test_the_tempo_buttons_regrid_through_the_table_and_refuse_a_bad_tempo(studio):
    from ui.tempo_panel import regrid, tempo_line

    session = opened(studio)
    before = studio.project(session)
    out = regrid(studio, session, op="halve")
    after = studio.project(session)
    assert out.ok and out.message.startswith("The tempo halved") and after.version == before.version + 1
    assert after.song.tempo == pytest.approx(before.song.tempo / 2, rel=0.005)
    assert [s.subject for s in after.shots] == [s.subject for s in before.shots]
    assert f"Tempo {after.song.tempo:g} BPM" in tempo_line(after)
    bad = regrid(studio, session, bpm=900)
    assert not bad.ok and "900" in bad.message and studio.project(session).version == after.version


# ---------------------------------------------------------------------------- the look and the artist's prompt


def test_the_look_column_edits_through_the_editor_and_regrades_the_card(studio):
    import numpy as np
    from PIL import Image

    from ui.views import LOOK_COLUMN, TABLE_COLUMNS

    session = opened(studio)
    look = TABLE_COLUMNS.index(LOOK_COLUMN)
    before = studio.project(session)
    frames = studio.storyboard(before)
    old3, old4 = (np.asarray(Image.open(frames[i][0]).convert("RGB"), dtype=float) for i in (2, 3))
    table = studio.table(before)
    assert table["data"][2][look] == ""  # a planned shot's look is neutral
    table["data"][2][look] = "cold, very dark, teal"
    msg = studio.apply_table(session, table)
    assert msg.ok and "Revised shots 3;" in msg.message, msg.message
    after = studio.project(session)
    s3 = after.shots[2]
    assert (s3.warmth, s3.brightness, s3.palette) == (-0.5, -1.0, ["teal"]) and after.version == before.version + 1
    assert "cold blue light" in s3.prompt and "deep shadows" in s3.prompt  # a built prompt follows the look
    assert studio.table(after)["data"][2][look] == "cold, very dark, teal"
    frames = studio.storyboard(after)
    new3, new4 = (np.asarray(Image.open(frames[i][0]).convert("RGB"), dtype=float) for i in (2, 3))
    assert new3.mean() < 0.75 * old3.mean()  # darker
    assert new3[..., 2].mean() / new3[..., 0].mean() > 1.2 * old3[..., 2].mean() / old3[..., 0].mean()  # colder
    assert np.array_equal(new4, old4)  # a shot not named does not move
    # a word changed keeps the others: "cold" stays the value it was, only the palette goes
    table = studio.table(after)
    table["data"][2][look] = "cold, very dark"
    assert studio.apply_table(session, table).ok
    s3 = studio.project(session).shots[2]
    assert (s3.warmth, s3.brightness, s3.palette) == (-0.5, -1.0, [])
    # a look the grader cannot show is one clear line, nothing applied
    table = studio.table(studio.project(session))
    table["data"][2][look] = "more cinematic"
    bad = studio.apply_table(session, table)
    assert not bad.ok and bad.message.startswith("⚠ shot 3, Look: 'more cinematic' is not a look")
    assert "\n" not in bad.message and studio.project(session).version == after.version + 1
    # a look applied to a locked shot: one line, the shot as it was
    assert press(studio, session, "lock_btn", "5").ok
    table = studio.table(studio.project(session))
    table["data"][4][look] = "warm"
    locked = studio.apply_table(session, table)
    assert not locked.ok and "\n" not in locked.message and "lock" in locked.message, locked.message
    assert studio.project(session).shots[4].warmth == 0.0


def test_a_drifted_artist_prompt_is_flagged_in_the_table_and_the_panel(studio):
    from ui.views import TABLE_COLUMNS

    session = opened(studio)
    prompt, subject = TABLE_COLUMNS.index("Prompt"), TABLE_COLUMNS.index("Subject")
    table = studio.table(studio.project(session))
    table["data"][1][prompt] = "a lantern held over black water"
    assert studio.apply_table(session, table).ok
    assert "⚑" not in studio.table(studio.project(session))["data"][1][-1]
    table = studio.table(studio.project(session))
    table["data"][1][subject] = "a shirt sewn from fog"
    assert studio.apply_table(session, table).ok
    project = studio.project(session)
    assert project.shots[1].prompt == "a lantern held over black water"  # the artist's prompt is kept
    assert "⚑ prompt drift" in studio.table(project)["data"][1][-1]
    detail = views.shot_detail(project, 2)
    assert "**Prompt (yours):** a lantern held over black water" in detail
    assert "⚑ your prompt no longer says: subject" in detail


def test_the_brief_tab_names_the_shots_that_quote_an_edited_field(studio):
    from ui.brief_panel import BriefPanel

    session = opened(studio)
    panel = BriefPanel(studio)
    before = studio.project(session)
    subject = before.shots[3].subject  # a phrase a shot is written from: "a shirt of fog"
    core = subject.lower().removeprefix("a ").removeprefix("the ")
    quoting = [n for n, s in enumerate(before.shots, 1) if core in " ".join(
        (s.subject, s.action, s.setting, s.prompt, s.negative_prompt, s.reason, s.why_generative)).lower()]
    assert 4 in quoting and len(quoting) < len(before.shots)
    msg = panel.save(session, "motifs", f"{subject}; a lighthouse nobody keeps")
    assert msg.ok and msg.message.endswith(f"it touches shots {', '.join(map(str, quoting))}."), msg.message
    after = studio.project(session)
    assert after.version == before.version + 1 and [s.prompt for s in after.shots] == [s.prompt for s in before.shots]
    assert "it touches" not in panel.save(session, "motifs", "a lighthouse nobody keeps").message
