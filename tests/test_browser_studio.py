"""The studio in a real browser (Debian Chromium via Playwright) against a real `shotcaller ui`
process: reload and reopen, typing while a song is analysed, two tabs on one project, a storyboard
card revised as "this shot", every export format downloaded from the Export tab.

One server and one browser for the module; each test works on its own seeded project."""

import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURE_DIR
from helpers import CHROMIUM, chromium, studio_home, studio_process

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
ANSWERS = (FIXTURE_DIR.parent.parent.parent / "checks" / "scarborough-answers.txt").read_text().splitlines()
WAIT = 120_000  # ms: generous, the machine may be busy; nothing here asserts on speed
EXPORT_FORMATS = ["json", "csv", "otio", "edl", "fcpxml", "fcp7xml", "mlt", "pdf", "srt", "md"]


def seed(home: Path, title: str, planned: bool = True, aspect: str = "16:9") -> str:
    """A project with a brief (and a plan), written straight into the server's store (as another
    process would)."""
    from assistant.planner import plan_shots
    from shotlist.models import Brief
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    store = ProjectStore(home / "projects")
    p = store.create(FIXTURE_DIR / "song.ogg", lambda path: analyse_song(path, lyrics=FIXTURE_DIR / "lyrics.lrc"),
                     title=title)
    p = p.model_copy(update={"brief": Brief(meaning="a lover asks for impossible tasks", motifs=["a shirt of fog"],
                                            why_generative="a shirt made of mist",
                                            constraints={"aspect": aspect})})
    store.save(p.model_copy(update={"shots": plan_shots(p) if planned else []}))
    return p.id


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    home = studio_home(tmp_path_factory, "studio-home")
    ids = {"unplanned": seed(home, "Not Planned Yet", planned=False)}
    ids |= {name: seed(home, title) for name, title in
           (("reopen", "Reopen Me"), ("tabs", "Two Tabs"), ("card", "Card Click"), ("export", "Export All"),
            ("clicks", "Row And Timeline"), ("history", "History Kept"), ("split", "Split Me"),
            ("edit", "Edit The Plan"))}
    ids["portrait"] = seed(home, "Tall Frames", aspect="9:16")
    with studio_process({"SHOTCALLER_HOME": str(home)}, wait_s=180) as url:
        yield {"url": url, "home": home, "ids": ids}


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def store(server):
    from shotlist.store import ProjectStore

    return ProjectStore(server["home"] / "projects")


def new_page(browser, server, context=None):
    context = context or browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(server["url"])
    expect(page.locator("#header")).to_contain_text("director:", timeout=WAIT)  # the page load handler ran
    return page


def choose_project(page, pid: str) -> None:
    page.click("#project-pick input")
    page.get_by_role("option", name=f"({pid})").click()
    expect(page.locator("#header")).to_contain_text(pid, timeout=WAIT)


def edit_cell(page, row: int, col: int, text: str) -> None:
    page.locator(f'#shot-table [data-row="{row}"][data-col="{col}"]').first.dblclick()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


# ---------------------------------------------------------------------------- projects


def test_reload_reopens_the_last_project_and_the_list_is_read_fresh(browser, server):
    pid = server["ids"]["reopen"]
    page = new_page(browser, server)
    choose_project(page, pid)
    later = seed(server["home"], "Made After Start")  # a project the server has never been told about
    page.reload()
    expect(page.locator("#header")).to_contain_text(pid, timeout=WAIT)  # reopened, remembered by this browser
    expect(page.locator("#status")).to_contain_text("Reopened", timeout=WAIT)
    page.click("#project-pick input")
    expect(page.get_by_role("option", name=f"({later})")).to_be_visible(timeout=WAIT)
    page.get_by_role("option", name=f"({later})").click()
    expect(page.locator("#header")).to_contain_text(later, timeout=WAIT)
    choose_project(page, pid)  # back again: the project the list shows is the one that opens
    page.context.close()


# ---------------------------------------------------------------------------- nothing typed is lost


def test_answers_typed_while_the_song_is_analysed_are_queued_and_answered_in_order(browser, server, tmp_path):
    from shotlist.synth import write_click_song

    wav = tmp_path / "typed-early.wav"
    write_click_song(wav, bpm=90.0 + (time.time_ns() % 2000) / 100)  # new bytes: the analysis cache misses
    page = new_page(browser, server)
    page.click("#new-open")
    page.locator("#song-upload input[type=file]").set_input_files(str(wav))
    page.locator("#title textarea, #title input").first.fill("Typed Early")
    expect(page.locator("#song-upload")).to_contain_text("MB", timeout=WAIT)  # uploaded
    box = page.locator("#chat-input textarea").first
    for answer in ANSWERS[:2]:  # typed before the project exists: they wait, visibly
        box.fill(answer)
        box.press("Enter")
        # a person's pace: the next message is typed once this one shows as queued (a burst sent a few
        # ms apart is the next test's)
        expect(page.locator("#chat")).to_contain_text(answer[:60], timeout=WAIT)
    expect(page.locator("#chat")).to_contain_text("queued", timeout=WAIT)
    expect(page.locator("#status")).to_contain_text("wait", timeout=WAIT)
    page.click("#new-project")
    box.fill(ANSWERS[2])  # typed while the song is analysed (or just after: answered in order either way)
    box.press("Enter")
    expect(page.locator("#header")).to_contain_text("typed-early", timeout=WAIT)
    for answer in ANSWERS[:3]:
        expect(page.locator("#chat")).to_contain_text(answer[:60], timeout=WAIT)
    expect(page.locator("#chat")).not_to_contain_text("queued", timeout=WAIT)
    brief = store(server).load("typed-early").brief
    # filed by topic; an explicit label ("The story: …") is not part of the filed text
    assert brief.meaning == ANSWERS[0] and brief.story == ANSWERS[1].removeprefix("The story: ") and brief.motifs
    texts = page.locator("#chat .message").all_inner_texts()
    positions = [next(i for i, t in enumerate(texts) if a[:40] in t) for a in ANSWERS[:3]]
    assert positions == sorted(positions)  # in the order typed, each after the question it answers
    page.context.close()


def test_a_burst_of_messages_sent_ms_apart_after_an_upload_all_show_at_once(browser, server, tmp_path):
    """Messages sent a few ms apart run as concurrent events, and the page reads each one's text
    some ms after its Enter: the page must end up showing every message, each exactly once, as soon
    as the last event is done (not when some later event happens to redraw the chat)."""
    from shotlist.synth import write_click_song

    wav = tmp_path / "burst.wav"
    write_click_song(wav, bpm=80.0 + (time.time_ns() % 2000) / 100)
    page = new_page(browser, server)
    page.click("#new-open")
    page.locator("#song-upload input[type=file]").set_input_files(str(wav))
    expect(page.locator("#song-upload")).to_contain_text("MB", timeout=WAIT)  # uploaded
    box = page.locator("#chat-input textarea").first
    sent: list[str] = []
    for burst in range(4):
        for i in range(3):
            sent.append(f"burst {burst} message {i}: the coat is made of rain")
            box.fill(sent[-1])
            box.press("Enter")  # no wait: the next one follows within a few ms
        # the status counts every message once the last one is queued; its event's chat may reach the page a
        # moment later (each update is made in order under the tab's lock), and nothing else redraws the chat
        # before the next burst: so the page must come to show every message with no further event
        expect(page.locator("#status")).to_contain_text(f"{len(sent)} message(s) wait", timeout=WAIT)
        expect(page.locator("#chat")).to_contain_text(sent[-1], timeout=WAIT)
        shown = page.locator("#chat").inner_text()
        assert [m for m in sent if shown.count(m) != 1] == [], shown
    page.context.close()


# ---------------------------------------------------------------------------- two tabs


def test_two_tabs_editing_one_project_never_lose_an_edit(browser, server):
    pid = server["ids"]["tabs"]
    a, b = new_page(browser, server), new_page(browser, server)
    choose_project(a, pid)
    choose_project(b, pid)
    for page in (a, b):
        page.get_by_role("tab", name="Shot list").click()
    edit_cell(a, 1, 10, "a prompt typed in tab A")
    a.click("#apply-edits")
    expect(a.locator("#status")).to_contain_text("Revised shots 2", timeout=WAIT)
    edit_cell(b, 3, 10, "a prompt typed in tab B")  # tab B still shows the version before A's edit
    b.click("#apply-edits")
    expect(b.locator("#status")).to_contain_text("Revised shots 4", timeout=WAIT)
    shots = store(server).load(pid).shots
    assert shots[1].prompt == "a prompt typed in tab A" and shots[3].prompt == "a prompt typed in tab B"
    edit_cell(a, 3, 10, "tab A disagrees")  # the cell B changed, from A's stale table
    a.click("#apply-edits")
    expect(a.locator("#status")).to_contain_text("changed in another tab", timeout=WAIT)
    expect(a.locator("#status")).to_contain_text("tab A disagrees", timeout=WAIT)
    expect(a.locator('#shot-table [data-row="3"][data-col="10"]').first).to_contain_text("typed in tab B",
                                                                                         timeout=WAIT)
    assert store(server).load(pid).shots[3].prompt == "a prompt typed in tab B"
    a.context.close()
    b.context.close()


# ---------------------------------------------------------------------------- this shot


def test_click_a_storyboard_card_and_revise_this_shot(browser, server):
    pid = server["ids"]["card"]
    page = new_page(browser, server)
    choose_project(page, pid)
    before = store(server).load(pid)
    page.get_by_role("tab", name="Storyboard").click()
    page.locator("#storyboard .thumbnail-item").nth(5).click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 6", timeout=WAIT)
    expect(page.locator("#shot-detail")).to_contain_text(before.shots[5].why_generative[:50], timeout=WAIT)
    box = page.locator("#chat-input textarea").first
    expect(box).to_have_value("shot 6: ", timeout=WAIT)
    box.fill("make this shot colder")
    box.press("Enter")
    expect(page.locator("#chat")).to_contain_text("shot 6: make this shot colder", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text(f"version {before.version + 1}", timeout=WAIT)
    after = store(server).load(pid)
    assert after.shots[5].prompt != before.shots[5].prompt
    page.context.close()


def test_click_a_table_row_or_the_timeline_and_that_shot_is_selected(browser, server):
    from ui.timeline import draw_timeline

    pid = server["ids"]["clicks"]
    project = store(server).load(pid)
    page = new_page(browser, server)
    choose_project(page, pid)
    box = page.locator("#chat-input textarea").first
    page.get_by_role("tab", name="Shot list").click()
    # a row of the shot list (its Subject cell): shot 7
    page.locator('#shot-table [data-row="6"][data-col="8"]').first.click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 7 ·", timeout=WAIT)
    expect(page.locator("#shot-detail")).to_contain_text(project.shots[6].reason[:50], timeout=WAIT)
    expect(box).to_have_value("shot 7: ", timeout=WAIT)
    expect(page.locator("#status")).to_contain_text("Shot 7 selected", timeout=WAIT)
    # the middle of a later shot's block on the timeline picture, wherever the page has drawn it
    number = min(10, len(project.shots))
    shot = project.shots[number - 1]
    width, pad = draw_timeline(project).width, 10
    fraction = (pad + (width - 2 * pad) * (shot.start + shot.end) / 2 / project.song.duration) / width
    picture = page.locator("#timeline img").first  # the song across the top of the work
    expect(picture).to_be_visible(timeout=WAIT)
    page.wait_for_function("() => document.querySelector('#timeline img')?.naturalWidth > 0", timeout=WAIT)
    x, y = page.evaluate("""(f) => {
        const img = document.querySelector('#timeline img'), r = img.getBoundingClientRect();
        const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);  // object-fit: contain
        const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
        return [r.left + (r.width - w) / 2 + f * w, r.top + (r.height - h) / 2 + h * 0.7];
    }""", fraction)
    page.mouse.click(x, y)  # y at the shot blocks' band
    expect(page.locator("#shot-detail")).to_contain_text(f"Shot {number} ·", timeout=WAIT)
    expect(box).to_have_value(f"shot {number}: ", timeout=WAIT)
    box.fill("make this shot colder")
    box.press("Enter")
    expect(page.locator("#chat")).to_contain_text(f"shot {number}: make this shot colder", timeout=WAIT)
    page.context.close()


def test_a_first_plan_brings_the_shot_list_into_view(browser, server):
    pid = server["ids"]["unplanned"]
    page = new_page(browser, server)
    choose_project(page, pid)
    page.get_by_role("tab", name="History").click()
    expect(page.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true", timeout=WAIT)
    box = page.locator("#chat-input textarea").first
    box.fill("/plan")
    box.press("Enter")
    expect(page.locator("#header")).to_contain_text(re.compile(r"version \d+ · [1-9]\d* shots"), timeout=WAIT)
    expect(page.get_by_role("tab", name="Shot list")).to_have_attribute("aria-selected", "true", timeout=WAIT)
    expect(page.locator('#shot-table [data-row="0"][data-col="0"]').first).to_contain_text("1", timeout=WAIT)
    page.context.close()


# ---------------------------------------------------------------------------- exports


def test_every_export_format_downloads_from_the_export_tab(browser, server, tmp_path):
    pid = server["ids"]["export"]
    page = new_page(browser, server)
    choose_project(page, pid)
    page.get_by_role("tab", name="Export").click()
    shots = len(store(server).load(pid).shots)
    for fmt in EXPORT_FORMATS:
        page.click("#export-format input")
        page.get_by_role("option", name=fmt, exact=True).click()
        page.click("#export")
        expect(page.locator("#status")).to_contain_text(f"exported {fmt}:", timeout=WAIT)
        with page.expect_download() as download:
            page.locator("#export-file a").first.click()
        saved = tmp_path / f"export.{fmt}"
        download.value.save_as(saved)
        data = saved.read_bytes()
        assert data, fmt
        if fmt == "json":
            doc = json.loads(data)
            assert doc["schema"] == "shotcaller.project/1" and len(doc["shots"]) == shots
        elif fmt == "otio":
            assert json.loads(data)["OTIO_SCHEMA"].startswith("Timeline")
        elif fmt in ("fcpxml", "fcp7xml"):
            assert ET.fromstring(data).tag in ("fcpxml", "xmeml")
        elif fmt == "pdf":
            assert data.startswith(b"%PDF")
        elif fmt == "edl":
            assert data.startswith(b"TITLE:")
    page.context.close()


# ---------------------------------------------------------------------------- the work: layout, progress, history


def test_the_header_is_one_line_and_its_details_open_with_a_click(browser, server):
    page = new_page(browser, server, browser.new_context(viewport={"width": 1280, "height": 800}))
    choose_project(page, server["ids"]["reopen"])
    summary = page.locator("#header summary")
    assert summary.bounding_box()["height"] < 40  # one line
    # the work starts above the fold at 1280x800: the timeline, the storyboard's first row, the chat
    for sel in ("#timeline img", "#storyboard .thumbnail-item", "#chat-input textarea"):
        expect(page.locator(sel).first).to_be_visible(timeout=WAIT)
        box = page.locator(sel).first.bounding_box()
        assert box and box["y"] < 800 - 100, (sel, box)
    details = page.locator("#header details")
    assert details.get_attribute("open") is None
    summary.click()
    expect(details).to_have_attribute("open", "", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text("Renderer:", timeout=WAIT)
    page.context.close()


def test_a_new_project_shows_its_progress_and_a_second_click_makes_no_duplicate(browser, server, tmp_path):
    from shotlist.synth import write_click_song

    wav = tmp_path / "twice.wav"
    write_click_song(wav, bpm=100.0 + (time.time_ns() % 2000) / 100)  # new bytes: the analysis cache misses
    page = new_page(browser, server)
    page.click("#new-open")
    page.locator("#song-upload input[type=file]").set_input_files(str(wav))
    page.locator("#title textarea, #title input").first.fill("Clicked Twice")
    expect(page.locator("#song-upload")).to_contain_text("MB", timeout=WAIT)
    page.click("#new-project")
    page.click("#new-project")  # a person who saw nothing happen
    box = page.locator("#chat-input textarea").first
    box.fill("a song about a coat made of rain")
    box.press("Enter")
    expect(page.locator("#header")).to_contain_text("clicked-twice", timeout=WAIT)
    expect(page.locator("#chat")).to_contain_text("a song about a coat made of rain", timeout=WAIT)
    expect(page.locator("#new-project")).to_be_hidden(timeout=WAIT)  # the dialog closes once the project opens
    made = [i.id for i in store(server).list() if i.title == "Clicked Twice"]
    assert made == ["clicked-twice"], made
    page.context.close()


def test_closing_the_tab_during_the_analysis_loses_nothing(browser, server, tmp_path):
    from shotlist.synth import write_click_song

    wav = tmp_path / "closed.wav"
    write_click_song(wav, bpm=110.0 + (time.time_ns() % 2000) / 100)
    page = new_page(browser, server)
    page.click("#new-open")
    page.locator("#song-upload input[type=file]").set_input_files(str(wav))
    page.locator("#title textarea, #title input").first.fill("Closed Early")
    expect(page.locator("#song-upload")).to_contain_text("MB", timeout=WAIT)
    box = page.locator("#chat-input textarea").first
    box.fill("It is about a lighthouse keeper who forgets the sea.")
    box.press("Enter")
    expect(page.locator("#chat")).to_contain_text("lighthouse keeper", timeout=WAIT)
    page.click("#new-project")
    page.wait_for_timeout(300)  # the click has reached the server; the analysis (a second or more) is under way
    page.context.close()  # the artist closes the tab
    deadline = time.time() + WAIT / 1000
    while time.time() < deadline and "closed-early" not in {i.id for i in store(server).list()}:
        time.sleep(0.5)  # the analysis goes on without the tab
    later = new_page(browser, server)
    later.click("#project-pick input")
    expect(later.get_by_role("option", name="(closed-early)")).to_be_visible(timeout=WAIT)
    later.get_by_role("option", name="(closed-early)").click()
    expect(later.locator("#chat")).to_contain_text("lighthouse keeper", timeout=WAIT)  # answered, kept
    assert store(server).load("closed-early").brief.meaning.startswith("It is about a lighthouse keeper")
    later.context.close()


def test_a_portrait_project_shows_uncropped_portrait_frames(browser, server):
    page = new_page(browser, server)
    choose_project(page, server["ids"]["portrait"])
    first = page.locator("#storyboard .thumbnail-item img").first
    expect(first).to_be_visible(timeout=WAIT)
    page.wait_for_function("() => document.querySelector('#storyboard .thumbnail-item img')?.naturalWidth > 0",
                           timeout=WAIT)
    natural, shown, fit = page.evaluate("""() => { const img = document.querySelector('#storyboard .thumbnail-item img');
        const r = img.getBoundingClientRect();
        return [img.naturalWidth / img.naturalHeight, r.width / r.height, getComputedStyle(img).objectFit]; }""")
    assert abs(natural - 9 / 16) < 0.02 and fit == "contain" and abs(shown - 9 / 16) < 0.1, (natural, shown, fit)
    page.locator("#storyboard .thumbnail-item").nth(2).click()  # a card selects the shot everywhere
    expect(page.locator("#shot-detail")).to_contain_text("Shot 3 ·", timeout=WAIT)
    page.wait_for_function("() => document.querySelector('#timeline-selected')?.dataset.shot === '3'", timeout=WAIT)
    page.context.close()


def test_history_lists_named_versions_with_a_diff_and_reverts(browser, server):
    pid = server["ids"]["history"]
    page = new_page(browser, server)
    choose_project(page, pid)
    before = store(server).load(pid)
    page.get_by_role("tab", name="Shot list").click()
    edit_cell(page, 1, 9, "folds the fog into a shirt")  # shot 2's Action
    page.click("#apply-edits")
    expect(page.locator("#status")).to_contain_text("Revised shots 2", timeout=WAIT)
    page.get_by_role("tab", name="History").click()
    newest = page.locator("#versions label").first
    expect(newest).to_contain_text(f"v{before.version + 1} · revise 2 · changed shot 2", timeout=WAIT)
    page.locator("#versions label").nth(1).click()  # the version before the edit
    expect(page.locator("#version-diff")).to_contain_text(f"Version {before.version}", timeout=WAIT)
    page.locator("#versions label").first.click()
    expect(page.locator("#version-diff")).to_contain_text("folds the fog into a shirt", timeout=WAIT)
    page.locator("#versions label").nth(1).click()
    page.click("#revert")
    expect(page.locator("#status")).to_contain_text(f"Reverted to version {before.version}", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text(f"version {before.version + 2}", timeout=WAIT)
    assert store(server).load(pid).shots[1].action == before.shots[1].action
    page.context.close()


def test_split_and_merge_the_selected_shot_from_the_page(browser, server):
    pid = server["ids"]["split"]
    before = store(server).load(pid)
    n = next(i for i, s in enumerate(before.shots, 1) if s.duration > 2)
    page = new_page(browser, server)
    choose_project(page, pid)
    page.get_by_role("tab", name="Shot list").click()
    page.locator(f'#shot-table [data-row="{n - 1}"][data-col="8"]').first.click()
    expect(page.locator("#shot-detail")).to_contain_text(f"Shot {n} ·", timeout=WAIT)
    page.click("#split-shot")
    expect(page.locator("#status")).to_contain_text(f"Split shot {n} at ", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text(f"{len(before.shots) + 1} shots", timeout=WAIT)
    page.click("#merge-shot")
    expect(page.locator("#status")).to_contain_text(f"Merged shots {n}-{n + 1}", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text(f"{len(before.shots)} shots", timeout=WAIT)
    page.context.close()


def test_delete_a_card_move_another_and_add_one_from_the_selected_shot_panel(browser, server):
    pid = server["ids"]["edit"]
    before = store(server).load(pid)
    total = len(before.shots)
    page = new_page(browser, server)
    choose_project(page, pid)
    page.get_by_role("tab", name="Storyboard").click()
    cards = page.locator("#storyboard .thumbnail-item")
    expect(cards).to_have_count(total, timeout=WAIT)
    cards.nth(2).click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 3 ·", timeout=WAIT)
    page.click("#delete-shot")
    expect(page.locator("#status")).to_contain_text(f"Deleted shot 3; {total - 1} shots", timeout=WAIT)
    expect(cards).to_have_count(total - 1, timeout=WAIT)
    expect(page.locator("#header")).to_contain_text(f"version {before.version + 1}", timeout=WAIT)

    cards.nth(0).click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 1 ·", timeout=WAIT)
    page.click("#move-earlier")  # the first shot: one line, nothing changed
    expect(page.locator("#status")).to_contain_text("Shot 1 is the first shot", timeout=WAIT)
    page.click("#move-later")
    expect(page.locator("#status")).to_contain_text("Moved shot 1's picture after shot 2", timeout=WAIT)
    expect(page.locator("#shot-detail")).to_contain_text("Shot 2 ·", timeout=WAIT)  # the selection follows it
    after = store(server).load(pid)
    assert after.version == before.version + 2
    assert [s.prompt for s in after.shots[:2]] == [before.shots[1].prompt, before.shots[0].prompt]
    assert before.shots[2].id not in {s.id for s in after.shots}

    page.get_by_role("tab", name="Shot list").click()
    page.locator("#new-shot-words textarea").first.fill("her hands in the river")
    page.click("#add-shot-after")
    expect(page.locator("#status")).to_contain_text("Added shot 3 (after shot 2): her hands in the river",
                                                    timeout=WAIT)
    expect(page.locator("#shot-table")).to_contain_text("her hands in the river", timeout=WAIT)
    expect(page.locator("#new-shot-words textarea").first).to_have_value("", timeout=WAIT)
    assert len(store(server).load(pid).shots) == total
    page.context.close()
