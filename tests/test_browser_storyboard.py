"""The storyboard and the Video tab in a real browser (Debian Chromium via Playwright) against a real
`shotcaller ui` process: a card dragged onto another moves there (one version, the selection follows), a
clicked card selects the shot in every view, the animatic or the cut played from the selected shot with the
shot playing marked on the timeline, a clear line when the chosen one does not exist yet; llama.cpp built
from the page with its progress in the header.

One server and one browser for the module; each test works on its own seeded project."""

from pathlib import Path

import pytest

from helpers import CHROMIUM, chromium, studio_home, studio_process
from test_browser_studio import WAIT, choose_project, new_page, seed, store
from tiny_llama_cpp import tiny_sdist

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


def rendered_animatic(home: Path, pid: str) -> None:
    """The whole animatic of a seeded project, small, as `shotcaller render` leaves it."""
    from generation.backend import RenderSettings
    from generation.render import Renderer
    from shotlist.store import ProjectStore

    Renderer(ProjectStore(home / "projects"), pid, "animatic", RenderSettings(width=128, height=72, fps=8)).render()


def rendered_by_a_model(home: Path, pid: str) -> str:
    """Then shot 2 as a model's take (its clip re-recorded as diffusers-video's) and the cut assembled from that
    version, as a diffusers render of shot 2 leaves it; returns the cut's file name."""
    from generation.backend import RenderSettings
    from generation.render import Renderer
    from shotlist.store import ProjectStore

    store = ProjectStore(home / "projects")
    project = store.load(pid)
    shots = list(project.shots)
    shots[1] = shots[1].model_copy(update={"takes": [t.model_copy(update={"backend": "diffusers-video"})
                                                     for t in shots[1].takes]})
    saved = store.save(project.model_copy(update={"shots": shots}))
    return Renderer(store, pid, "animatic", RenderSettings(width=128, height=72, fps=8)).cut(saved).name


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    home = studio_home(tmp_path_factory, "storyboard-home")
    ids = {name: seed(home, title) for name, title in (("drag", "Drag Me"), ("select", "Select Everywhere"),
                                                        ("play", "Play It"), ("cut", "Cut Made"),
                                                        ("render", "Render Me"))}
    rendered_animatic(home, ids["play"])
    rendered_animatic(home, ids["cut"])
    model_cut = rendered_by_a_model(home, ids["cut"])
    # llama.cpp's build, for real, on a tiny CMake project laid out as its sdist (about 5 s)
    sdist = tiny_sdist(tmp_path_factory.mktemp("sdist"), steps=8, step_s=0.6)
    env = {"SHOTCALLER_HOME": str(home), "SHOTCALLER_LLAMA_CPP_DIR": str(home / "llama.cpp"),
           "SHOTCALLER_LLAMA_CPP_SDIST": str(sdist)}
    with studio_process(env, wait_s=180) as url:
        yield {"url": url, "home": home, "ids": ids, "model_cut": model_cut}


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def storyboard(page, total: int):
    page.get_by_role("tab", name="Storyboard").click()
    cards = page.locator("#storyboard .thumbnail-item")
    expect(cards).to_have_count(total, timeout=WAIT)
    # settled, as a person sees it before dragging: the frames' aspect applied, the first cards' pictures drawn
    page.wait_for_function("""() => {
        const board = document.querySelector('#storyboard');
        const imgs = [...document.querySelectorAll('#storyboard .thumbnail-item img')].slice(0, 8);
        return board && board.style.getPropertyValue('--frame-aspect') && imgs.length
            && imgs.every(i => i.complete && i.naturalWidth > 0);
    }""", timeout=WAIT)
    page.wait_for_timeout(300)  # the grid laid out again at that aspect
    return cards


def marked(page) -> str:
    """The shot every view marks (the page's overlay script keeps it on the body)."""
    return page.evaluate("() => document.body.dataset.markedShot || ''")


def test_drag_a_card_onto_another_moves_its_picture_there_and_selects_it(browser, server):
    pid = server["ids"]["drag"]
    before = store(server).load(pid)
    page = new_page(browser, server)
    choose_project(page, pid)
    cards = storyboard(page, len(before.shots))
    target = cards.nth(1).bounding_box()
    cards.nth(4).drag_to(cards.nth(1), target_position={"x": target["width"] * 0.2, "y": target["height"] / 2})
    expect(page.locator("#status")).to_contain_text("Moved shot 5's picture before shot 2", timeout=WAIT)
    expect(page.locator("#shot-detail")).to_contain_text("Shot 2 ·", timeout=WAIT)  # the selection follows it
    expect(page.locator("#header")).to_contain_text(f"version {before.version + 1}", timeout=WAIT)
    after = store(server).load(pid)
    assert after.version == before.version + 1
    assert [s.prompt for s in after.shots[1:5]] == [before.shots[n].prompt for n in (4, 1, 2, 3)]
    page.wait_for_function("() => document.body.dataset.markedShot === '2'", timeout=WAIT)

    # the right half of a card: after it
    target = cards.nth(3).bounding_box()
    cards.nth(0).drag_to(cards.nth(3), target_position={"x": target["width"] * 0.8, "y": target["height"] / 2})
    expect(page.locator("#status")).to_contain_text("Moved shot 1's picture after shot 4", timeout=WAIT)
    expect(page.locator("#shot-detail")).to_contain_text("Shot 4 ·", timeout=WAIT)
    assert store(server).load(pid).shots[3].prompt == after.shots[0].prompt
    # dropped where it already is: one line, nothing saved
    target = cards.nth(3).bounding_box()
    cards.nth(3).drag_to(cards.nth(4), target_position={"x": target["width"] * 0.2, "y": target["height"] / 2})
    expect(page.locator("#status")).to_contain_text("Shot 4 is already there", timeout=WAIT)
    assert store(server).load(pid).version == before.version + 2
    page.context.close()


def test_a_clicked_card_selects_the_shot_in_the_table_the_timeline_and_the_panel(browser, server):
    pid = server["ids"]["select"]
    project = store(server).load(pid)
    page = new_page(browser, server)
    choose_project(page, pid)
    cards = storyboard(page, len(project.shots))
    cards.nth(6).click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 7 ·", timeout=WAIT)
    expect(page.locator("#chat-input textarea").first).to_have_value("shot 7: ", timeout=WAIT)
    page.wait_for_function("() => document.body.dataset.markedShot === '7'", timeout=WAIT)
    outlined = page.locator("#timeline-selected")
    expect(outlined).to_be_visible(timeout=WAIT)
    assert outlined.get_attribute("data-shot") == "7"
    assert cards.nth(6).evaluate("c => getComputedStyle(c).outlineStyle") == "solid"
    assert cards.nth(5).evaluate("c => getComputedStyle(c).outlineStyle") != "solid"
    page.get_by_role("tab", name="Shot list").click()
    row = page.locator('#shot-table [data-row="6"][data-col="8"]').first
    expect(row).to_be_visible(timeout=WAIT)
    other = page.locator('#shot-table [data-row="5"][data-col="8"]').first
    assert row.evaluate("c => getComputedStyle(c).backgroundColor") != other.evaluate(
        "c => getComputedStyle(c).backgroundColor")
    page.context.close()


def test_play_the_animatic_or_the_cut_from_the_selected_shot(browser, server):
    pid = server["ids"]["play"]
    project = store(server).load(pid)
    page = new_page(browser, server)
    choose_project(page, pid)
    storyboard(page, len(project.shots)).nth(3).click()
    expect(page.locator("#shot-detail")).to_contain_text("Shot 4 ·", timeout=WAIT)
    page.get_by_role("tab", name="Video").click()
    expect(page.locator("#play-note")).to_contain_text("Animatic: cut-v", timeout=WAIT)
    page.locator("#play-what").get_by_text("Cut (the model's render)").click()  # none yet: one clear line
    expect(page.locator("#play-note")).to_contain_text("No cut from a model yet", timeout=WAIT)
    expect(page.locator("#cut video")).to_have_count(0, timeout=WAIT)
    page.click("#play-from")
    expect(page.locator("#status")).to_contain_text("No cut from a model yet", timeout=WAIT)

    page.locator("#play-what").get_by_text("Animatic").click()
    expect(page.locator("#cut video")).to_have_count(1, timeout=WAIT)
    page.wait_for_function("() => document.querySelector('#cut video').readyState >= 1", timeout=WAIT)
    page.click("#play-from")
    expect(page.locator("#status")).to_contain_text("Playing the animatic", timeout=WAIT)
    expect(page.locator("#status")).to_contain_text("from shot 4", timeout=WAIT)
    start = project.shots[3].start
    page.wait_for_function(f"() => document.querySelector('#cut video').currentTime >= {start}", timeout=WAIT)
    # while it plays, the shot under the playhead is the one every view marks
    page.wait_for_function("() => document.querySelector('#timeline-playhead')?.style.display === 'block'",
                           timeout=WAIT)
    t = page.evaluate("() => document.querySelector('#cut video').currentTime")
    playing = next(n for n, s in enumerate(project.shots, 1) if s.start <= t < s.end)
    assert int(marked(page) or 0) in (playing, playing + 1)  # the video moves on between the two reads
    assert int(marked(page)) >= 4
    page.context.close()


def test_the_cut_once_a_model_rendered_a_shot_and_the_animatic_beside_it(browser, server):
    page = new_page(browser, server)
    choose_project(page, server["ids"]["cut"])
    page.get_by_role("tab", name="Video").click()
    expect(page.locator("#play-note")).to_contain_text("Animatic: cut-v", timeout=WAIT)
    animatic = page.locator("#play-note").inner_text().split("cut-v")[1].split(".mp4")[0]
    page.locator("#play-what").get_by_text("Cut (the model's render)").click()
    expect(page.locator("#play-note")).to_contain_text(f"Cut (the model's render): {server['model_cut']}",
                                                       timeout=WAIT)
    page.wait_for_function(f"() => (document.querySelector('#cut video')?.src || '').includes('{server['model_cut']}')",
                           timeout=WAIT)
    assert f"cut-v{animatic}.mp4" != server["model_cut"]
    page.context.close()


def test_a_render_shows_its_progress_then_its_animatic_is_chosen_to_play(browser, server):
    pid = server["ids"]["render"]
    page = new_page(browser, server)
    choose_project(page, pid)
    page.locator("#settings").get_by_text("Settings").first.click()
    page.locator("#resolution textarea, #resolution input").first.fill("128x72")
    page.locator("#fps input").first.fill("8")
    page.click("#apply-settings")
    expect(page.locator("#status")).to_contain_text("Settings applied", timeout=WAIT)
    page.get_by_role("tab", name="Video").click()
    expect(page.locator("#play-note")).to_contain_text("No animatic yet", timeout=WAIT)
    page.click("#render")
    total = len(store(server).load(pid).shots)
    # the status line's bar names the shot (k of all of them) while the render runs
    page.wait_for_function(f"() => /shot \\d+\\/{total}/.test(document.querySelector('#status').innerText)",
                           timeout=WAIT)
    expect(page.locator("#status")).to_contain_text(f"Rendered {total}", timeout=WAIT)
    expect(page.locator("#play-note")).to_contain_text("Animatic: cut-v", timeout=WAIT)
    expect(page.locator("#cut video")).to_have_count(1, timeout=WAIT)
    page.context.close()


def test_build_llama_cpp_from_the_page_and_the_header_follows_it(browser, server):
    from assistant.local_runtime import missing_tools

    if missing_tools():
        pytest.skip("cmake and c++ are not installed")
    page = new_page(browser, server)
    expect(page.locator("#build-badge")).to_have_count(0)  # nothing built or building: nothing said
    page.locator("#settings").get_by_text("Settings").first.click()
    page.click("#build-llama")
    expect(page.locator("#status")).to_contain_text("Building llama.cpp", timeout=WAIT)
    expect(page.locator("#build-badge")).to_contain_text("building llama.cpp", timeout=WAIT)
    # CMake's percent, as the page's timer reads it while the build runs
    page.wait_for_function("() => /building llama.cpp \\d+%/.test(document.querySelector('#build-badge')?.innerText)",
                           timeout=WAIT)
    expect(page.locator("#build-badge")).to_have_text("llama.cpp built", timeout=WAIT)
    expect(page.locator("#status")).to_contain_text("Built llama.cpp", timeout=WAIT)
    page.locator("#header summary").click()  # the whole line, one click away
    expect(page.locator("#header")).to_contain_text("the local director runs on it", timeout=WAIT)
    page.click("#build-llama")
    expect(page.locator("#status")).to_contain_text("is already built in", timeout=WAIT)
    page.context.close()
