"""The studio's README screenshots, taken in Chromium at a laptop's sizes.

    python -m benchmarks.screenshots      # writes docs/studio-1280x800.png and docs/studio-1440x900.png

A 9:16 project on the fixture song, planned by guided mode, its first shots rendered as an animatic
(so the storyboard shows rendered frames beside cards), a shot selected.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.studio import CHROMIUM_ARGS, FIXTURE, free_port, serve, settle

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(1280, 800), (1440, 900)]
RENDERED = 6  # shots rendered before the screenshot


def portrait_project(home: Path) -> str:
    from assistant import critic
    from assistant.planner import plan_shots
    from generation.backend import RenderSettings
    from generation.render import Renderer
    from shotlist.editor import ProjectEditor
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    store = ProjectStore(home / "projects")
    p = store.create(FIXTURE, lambda path: analyse_song(path, lyrics=FIXTURE.with_name("lyrics.lrc")),
                     title="Scarborough Fog")
    editor = ProjectEditor(store, p.id, review=critic.apply)
    editor.update_brief(meaning="a lover asks for impossible tasks", motifs=["a shirt of fog", "herbs in cloth"],
                        why_generative="a shirt made of mist cannot be filmed", story="a tailor at night",
                        constraints={"aspect": "9:16", "resolution": "720x1280"})
    editor.propose(plan_shots(store.load(p.id)))
    Renderer(store, p.id, "animatic", RenderSettings(144, 256, 12)).render(shots=list(range(1, RENDERED + 1)))
    return p.id


def shoot(url: str, pid: str) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for w, h in SIZES:
            page = browser.new_context(viewport={"width": w, "height": h}).new_page()
            page.goto(url)
            expect(page.locator("#header")).to_contain_text("director:", timeout=120_000)
            page.click("#project-pick input")
            page.get_by_role("option", name=f"({pid})").click()
            expect(page.locator("#header")).to_contain_text(pid, timeout=120_000)
            expect(page.locator("#storyboard .thumbnail-item").first).to_be_visible(timeout=120_000)
            page.locator("#storyboard .thumbnail-item").nth(2).click()
            expect(page.locator("#shot-detail")).to_contain_text("Shot 3", timeout=120_000)
            page.wait_for_timeout(1500)  # images decoded, the overlay drawn
            path = ROOT / "docs" / f"studio-{w}x{h}.png"
            page.screenshot(path=str(path))
            out.append(path)
            page.context.close()
        browser.close()
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        pid = portrait_project(home)
        port = free_port()
        env = dict(os.environ, SHOTCALLER_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False", SHOTCALLER_LLM="offline")
        studio = serve([str(Path(sys.executable).with_name("shotcaller")), "ui", "--port", str(port)], port, env)
        try:
            settle(studio)
            for path in shoot(f"http://127.0.0.1:{port}/", pid):
                print(path)
        finally:
            studio.terminate()


if __name__ == "__main__":
    main()
