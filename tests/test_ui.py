"""The studio: handlers without a server, the app over its API, and a real browser end to end."""

import re
from pathlib import Path

import pytest

from conftest import FIXTURE_DIR
from helpers import studio_process
from shotlist.errors import ShotcallerError
from ui.handlers import Session, Studio
from ui.operate import press

ANSWERS = (FIXTURE_DIR.parent.parent.parent / "checks" / "scarborough-answers.txt").read_text().splitlines()
ARTIFACTS = Path(__file__).with_name("artifacts")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def last(gen):
    """The final value a generator yields (the chat handler yields the growing history)."""
    final = None
    for final in gen:  # noqa: B007
        pass
    return final


@pytest.fixture
def studio_with_plan(fixture_song, fixture_lrc):
    studio = Studio()
    session, msg = studio.create(Session(), str(fixture_song), str(fixture_lrc), "Chaos God")
    assert session.project == "chaos-god" and "Created" in msg.message
    studio.opening(session)
    for answer in [*ANSWERS, "/plan"]:  # after the global questions guided mode walks the sections: skip it
        history = last(studio.chat(session, answer, studio.history(studio.project(session))))
    return studio, session, history


# ---------------------------------------------------------------------------- handlers, no server


def test_guided_interview_through_the_handlers(studio_with_plan):
    studio, session, history = studio_with_plan
    project = studio.project(session)
    shots = project.shots  # the whole song planned (pacing decides the count: a slow song gets fewer, longer shots)
    assert len(shots) >= 15 and shots[0].start == 0 and abs(shots[-1].end - project.song.duration) < 1e-6
    assert any("tool step" in str(m.get("metadata")) for m in history)
    table = studio.table(project)
    assert table["headers"][0] == "#" and len(table["data"]) == len(project.shots)
    from PIL import Image

    assert Image.open(studio.timeline(project)).size == (1600, 300)
    board = studio.storyboard(project)
    assert len(board) == len(project.shots) and all(Path(p).is_file() for p, _ in board)
    assert studio.storyboard(project) == board  # cached files: the same pictures, not made again
    assert "director: offline" in studio.header(session, project)


def test_table_edits_go_through_the_validated_tools(studio_with_plan):
    studio, session, _ = studio_with_plan
    project = studio.project(session)
    table = studio.table(project)
    table["data"][2][10] = "a new prompt for shot three"
    assert "Revised shots 3" in studio.apply_table(session, table).message
    after = studio.project(session)
    assert after.shots[2].prompt == "a new prompt for shot three" and after.version == project.version + 1
    table = studio.table(after)
    table["data"][0][2] = after.shots[1].end + 5  # swallows shot 2: refused, nothing changes
    assert studio.apply_table(session, table).message.startswith("⚠")
    assert studio.project(session).version == after.version
    assert "Locked shots 1, 2" in press(studio, session, "lock_btn", "1, 2").message
    assert "■ locked" in studio.table(studio.project(session))["data"][0][-1]
    table = studio.table(studio.project(session))
    table["data"][0][10] = "try to change a locked shot"
    assert "locked" in studio.apply_table(session, table).message


def test_render_export_and_bad_upload(studio_with_plan, tmp_path):
    studio, session, _ = studio_with_plan
    session.width, session.height = 320, 180
    cut, msg = studio.render(session)
    assert cut and Path(cut).is_file() and "Rendered" in msg
    path, msg = studio.export(session, "json")
    assert Path(path).is_file() and path.endswith(".json")
    assert studio.export(session, "docx")[1].startswith("⚠")
    fake = tmp_path / "notes.wav"
    fake.write_text("this is not audio")
    before = {i.id for i in studio.store.list()}
    new_session, msg = studio.create(session, str(fake), None, "Nope")
    assert msg.message.startswith("⚠") and new_session.project == "chaos-god"
    assert {i.id for i in studio.store.list()} == before


def test_two_sessions_do_not_interfere(fixture_song):
    studio = Studio()
    a, _ = studio.create(Session(), str(fixture_song), None, "First")
    b, _ = studio.create(Session(), str(fixture_song), None, "Second")
    studio.opening(a)
    studio.opening(b)
    last(studio.chat(a, "It is about a flood that never ends.", []))
    assert studio.project(a).brief.meaning == "It is about a flood that never ends."
    assert studio.project(b).brief.meaning == "" and a.key != b.key


def test_serving_defaults_refuse_public_binds_without_auth():
    from ui.studio import is_loopback, launch

    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
    with pytest.raises(ShotcallerError, match="without --auth"):
        launch("0.0.0.0", 7999, block=False)
    with pytest.raises(ShotcallerError, match="USER:PASS"):
        launch("127.0.0.1", 7999, auth="nopassword", block=False)
    with pytest.raises(ShotcallerError, match="share link is public"):
        launch("127.0.0.1", 7999, share=True, block=False)


# ---------------------------------------------------------------------------- the served app


@pytest.fixture
def served():
    with studio_process({}, wait_s=90) as url:
        yield url


def test_app_api_with_gradio_client(served):
    from gradio_client import Client

    client = Client(served, verbose=False)
    status, header = client.predict("offline", "animatic", "", "640x360", 24, 1, "", api_name="/settings")
    assert status == "Settings applied." and "640x360" in header and "director: offline" in header
    status, _ = client.predict("", "animatic", "", "641x360", 24, 1, "", api_name="/settings")
    assert status.startswith("⚠ resolution")


def test_browser_end_to_end(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        page.goto(served)
        # settings: a small cut renders fast
        page.click("#settings button.label-wrap")
        page.locator("#resolution textarea, #resolution input").first.fill("320x180")
        page.click("#apply-settings")
        expect(page.locator("#status")).to_contain_text("Settings applied", timeout=30000)
        # a new project with the fixture song and LRC, from the project bar's "New…" dialog
        page.click("#new-open")
        expect(page.locator("#new-project")).to_be_visible(timeout=30000)
        page.locator("#song-upload input[type=file]").set_input_files(str(FIXTURE_DIR / "song.ogg"))
        page.locator("#lyrics-upload input[type=file]").set_input_files(str(FIXTURE_DIR / "lyrics.lrc"))
        page.locator("#title textarea, #title input").first.fill("Chaos God")
        page.wait_for_timeout(1500)
        page.click("#new-project")
        expect(page.locator("#header")).to_contain_text("chaos-god", timeout=120000)
        expect(page.locator("#chat")).to_contain_text("What is it about", timeout=30000)
        # the guided interview, in the chat
        box = page.locator("#chat-input textarea").first
        for n, answer in enumerate(ANSWERS, start=1):
            box.fill(answer)
            box.press("Enter")
            if n < len(ANSWERS):  # each answer is recorded in the brief: a new version
                expect(page.locator("#header")).to_contain_text(f"version {n + 1}", timeout=120000)
        box.fill("/plan")  # skip the section-by-section questions
        box.press("Enter")
        expect(page.locator("#header")).to_contain_text(re.compile(r"\d\d+ shots"), timeout=120000)
        expect(page.locator("#chat")).to_contain_text("Critic:", timeout=120000)
        page.screenshot(path=str(ARTIFACTS / "1-planned.png"))
        expect(page.locator("#shot-table")).to_contain_text("Scarborough Fair", timeout=30000)
        expect(page.locator("#timeline img")).to_be_visible(timeout=30000)  # the song across the top of the work
        page.screenshot(path=str(ARTIFACTS / "2-timeline.png"))
        # render the animatic; the video element plays the whole song
        page.get_by_role("tab", name="Video").click()
        page.click("#render")
        expect(page.locator("#status")).to_contain_text("Rendered", timeout=300000)
        video = page.locator("#cut video")
        expect(video).to_have_count(1, timeout=60000)
        page.wait_for_function("document.querySelector('#cut video').duration > 0", timeout=60000)
        duration = page.evaluate("document.querySelector('#cut video').duration")
        assert abs(duration - 183.53) <= 0.05, duration
        # play from a shot: the cut starts at that shot, and the shot playing is outlined on the timeline
        page.get_by_role("tab", name="Shot list").click()
        page.locator('#shot-table [data-row="5"][data-col="8"]').first.click()
        expect(page.locator("#shot-detail")).to_contain_text("Shot 6 ·", timeout=30000)
        start = float(page.locator('#shot-table [data-row="5"][data-col="1"]').first.inner_text())
        page.get_by_role("tab", name="Video").click()
        page.evaluate("document.querySelector('#cut video').muted = true")
        page.click("#play-from")
        expect(page.locator("#status")).to_contain_text("from shot 6", timeout=30000)
        page.wait_for_function("""(start) => { const v = document.querySelector('#cut video'), t = v.currentTime;
            const d = window.__shotcallerTimeline, i = d.shots.findIndex(s => s[0] <= t && t < s[1]);
            const box = document.querySelector('#timeline-selected'), head = document.querySelector('#timeline-playhead');
            return t > start + 0.5 && !v.paused && i >= 5 && box.dataset.shot === String(i + 1)
                   && getComputedStyle(head).display === 'block'; }""", arg=start, timeout=30000)
        page.screenshot(path=str(ARTIFACTS / "3-video.png"))
        # download the JSON export
        page.get_by_role("tab", name="Export").click()
        page.click("#export")
        expect(page.locator("#status")).to_contain_text("exported json", timeout=30000)
        with page.expect_download() as download:
            page.locator("#export-file a").first.click()
        saved = tmp_path / "export.json"
        download.value.save_as(saved)
        import json
        doc = json.loads(saved.read_text())
        assert doc["schema"] == "shotcaller.project/1" and len(doc["shots"]) >= 15
        assert doc["shots"][0]["start"] == 0 and abs(doc["shots"][-1]["end"] - doc["song"]["duration"]) < 1e-6
        # a non-audio upload: a readable error, the project intact
        fake = tmp_path / "notes.wav"
        fake.write_text("not audio at all")
        page.click("#new-open")
        page.locator('#song-upload button[aria-label="Clear"]').click()
        page.locator("#song-upload input[type=file]").set_input_files(str(fake))
        page.wait_for_timeout(1500)
        page.click("#new-project")
        expect(page.locator("#status")).to_contain_text("⚠", timeout=60000)
        expect(page.locator("#header")).to_contain_text("chaos-god", timeout=10000)
        assert "Traceback" not in page.content()
        page.screenshot(path=str(ARTIFACTS / "4-bad-upload.png"))
        browser.close()
