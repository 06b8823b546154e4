"""An LLM director's turn in a real browser: Debian Chromium against a real `shotcaller ui` process whose
director is the scripted OpenAI server (the real `openai` client and LangChain agent in between).

The reply streams into the chat where it stays: after the turn the chat holds the message once and the
reply once (no duplicate, no lost bubble), and so does a reload; a turn that changes the project
refreshes the table by its own event; a message sent while the director is still answering is queued
and answered after, nothing lost."""

import pytest

from helpers import CHROMIUM, chromium, studio_home, studio_process
from ui.views import TABLE_COLUMNS

from test_browser_studio import WAIT, choose_project, new_page, seed

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def llm():
    from evals.scripted_openai import ScriptedOpenAI

    with ScriptedOpenAI() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory, llm):
    from pathlib import Path

    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    home = studio_home(tmp_path_factory, "stream-home")
    ids = {name: seed(home, title) for name, title in (("stream", "Streamed Reply"), ("busy", "Typed While Busy"))}
    env = {"SHOTCALLER_HOME": str(home), "OPENAI_BASE_URL": llm.url, "OPENAI_API_KEY": "sk-test",
           "SHOTCALLER_LLM": "openai:scripted", "SHOTCALLER_LLM_RETRIES": "0"}
    with studio_process(env, wait_s=180) as url:
        yield {"url": url, "home": home, "ids": ids}


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def rows(page, kind: str = "") -> list[str]:
    """The chat's messages as shown, in order: the user's (`user`), the director's (`bot`), or both."""
    selector = f"#chat .{kind}-row" if kind else "#chat .user-row, #chat .bot-row"
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def send(page, text: str) -> None:
    box = page.locator("#chat-input textarea").first
    box.fill(text)
    box.press("Enter")


def test_a_streamed_reply_shows_once_refreshes_the_table_and_survives_a_reload(browser, server, llm):
    from evals.scripted_openai import Step

    reply = "A colder shot three: " + " ".join(f"frost{i}" for i in range(60)) + " and the fog stays."
    llm.push(Step.text(reply))
    page = new_page(browser, server)
    choose_project(page, server["ids"]["stream"])
    page.get_by_role("tab", name="Shot list").click()
    expect(page.locator("#header")).to_contain_text("director: openai", timeout=WAIT)
    send(page, "what would you change about shot 3?")
    expect(page.locator("#chat")).to_contain_text("and the fog stays.", timeout=WAIT)
    assert rows(page, "user") == ["what would you change about shot 3?"]
    assert len(rows(page, "bot")) == 1 and rows(page, "bot")[0].count("frost59") == 1, rows(page, "bot")

    # a turn that changes the project: the reply in the chat, then the table by its own event
    llm.push(Step.call("revise_shots", {"patches": [{"shot": "3", "changes": {"prompt": "cold blue fog at dawn"}}]}),
             Step.text("Shot 3 is colder now."))
    send(page, "make shot 3 colder")
    expect(page.locator("#chat")).to_contain_text("Shot 3 is colder now.", timeout=WAIT)
    prompt = f'#shot-table [data-row="2"][data-col="{TABLE_COLUMNS.index("Prompt")}"]'
    expect(page.locator(prompt).first).to_contain_text("cold blue fog at dawn", timeout=WAIT)
    expect(page.locator("#header")).to_contain_text("version", timeout=WAIT)
    assert rows(page, "user") == ["what would you change about shot 3?", "make shot 3 colder"]
    said = [t for t in rows(page, "bot") if "Shot 3 is colder now." in t]
    assert len(said) == 1, rows(page, "bot")

    # the chat as the project keeps it: the same messages after a reload
    shown = rows(page)
    page.reload()
    expect(page.locator("#header")).to_contain_text(server["ids"]["stream"], timeout=WAIT)
    expect(page.locator("#chat")).to_contain_text("Shot 3 is colder now.", timeout=WAIT)
    assert rows(page, "user") == ["what would you change about shot 3?", "make shot 3 colder"]
    assert [t for t in rows(page) if "frost59" in t] == [t for t in shown if "frost59" in t]
    page.context.close()


def test_messages_sent_while_the_director_answers_are_queued_and_answered_after(browser, server, llm):
    """One message sent while the director waits on the LLM, one while its reply streams in."""
    from evals.scripted_openai import Step

    long_reply = "First answer: the shirt of fog opens the song. " + " ".join(f"mist{i}" for i in range(600))
    llm.push(Step(content=long_reply + " end of the first.", delay=1.5),
             Step.text("Second answer: the herbs close it."), Step.text("Third answer: the sea wind between."))
    page = new_page(browser, server)
    choose_project(page, server["ids"]["busy"])
    send(page, "how does it open?")
    expect(page.locator("#chat")).to_contain_text("how does it open?", timeout=WAIT)
    send(page, "and how does it close?")  # the director is still waiting on its first answer
    expect(page.locator("#chat")).to_contain_text("First answer", timeout=WAIT)
    send(page, "and between?")  # its first answer is streaming in (or just done)
    expect(page.locator("#chat")).to_contain_text("Third answer: the sea wind between.", timeout=WAIT)
    expect(page.locator("#chat")).not_to_contain_text("queued", timeout=WAIT)
    texts = rows(page)
    order = ["how does it open?", "end of the first.", "and how does it close?", "Second answer", "and between?",
             "Third answer"]
    at = [next(i for i, t in enumerate(texts) if key in t) for key in order]
    assert at == sorted(at), texts
    assert all(sum(key in t for t in texts) == 1 for key in order), texts
    assert len(texts) == 6, texts  # three messages, three replies: nothing doubled, nothing lost
    page.context.close()
