"""The project tools over Gradio's MCP server, driven by the real `mcp` client on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest

from helpers import free_port, planned_song
from shotlist.store import ProjectStore

pytest.importorskip("mcp", reason="the MCP client ships with the dev extra (pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def served(tmp_path_factory, click_wav):
    import gradio as gr

    from ui.mcp import add_mcp_tools

    store = ProjectStore(tmp_path_factory.mktemp("mcp") / "projects")
    pid = planned_song(store, click_wav[0], 6)
    with gr.Blocks() as demo:
        box, out = gr.Textbox(), gr.Textbox()
        gr.Button().click(lambda text: text + "!", box, out, api_name="echo")  # the app's own event
        names = add_mcp_tools(store)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, mcp_server=True, prevent_thread_lock=True, quiet=True)
    try:
        yield store, pid, f"http://127.0.0.1:{port}/gradio_api/mcp/", names
    finally:
        demo.close()


def session(url: str, calls, transport: str = "http"):
    """Open a real MCP client session and run `calls(session)` in it."""
    from mcp import ClientSession
    from mcp.client import streamable_http
    from mcp.client.sse import sse_client

    # the client's name changed in mcp 1.2x; take the new one where it exists
    http_client = getattr(streamable_http, "streamable_http_client", None) or streamable_http.streamablehttp_client

    async def main():
        opened = http_client(url) if transport == "http" else sse_client(url + "sse")
        async with opened as streams, ClientSession(streams[0], streams[1]) as s:
            await s.initialize()
            return await calls(s)

    return asyncio.run(main())


def text(result) -> str:
    return "".join(c.text for c in result.content)


def test_the_tools_are_listed_with_the_domain_schemas(served):
    _, _, url, names = served
    tools = session(url, lambda s: s.list_tools()).tools
    listed = {t.name: t for t in tools}
    assert set(names) <= set(listed) and {"revise_shots", "propose_shot_list", "lock_shots", "undo"} <= set(names)
    revise = listed["revise_shots"]
    assert revise.description.startswith("Change named shots only")
    changes = revise.inputSchema["properties"]["patches"]["items"]["properties"]["changes"]["properties"]
    assert "close-up" in changes["shot_size"]["enum"] and "takes" not in changes and "id" not in changes
    replan = listed["propose_shot_list"].inputSchema["properties"]["replan"]
    assert replan["type"] == "boolean" and "asked to re-plan" in replan["description"]
    insert = listed["insert_shot"]  # generated from the operations table: its fields are the tool's parameters
    assert {"project", "words", "before", "after", "before_section", "after_section", "at"} <= \
        set(insert.inputSchema["properties"]) and insert.description.startswith("Add a shot of the artist's picture")
    assert set(listed) == set(names)  # the app's own events are not offered as tools…


def test_the_apps_own_events_still_answer_gradio_clients(served):
    from gradio_client import Client

    _, _, url, _ = served
    client = Client(url.removesuffix("gradio_api/mcp/"), verbose=False)
    assert client.predict("hi", api_name="/echo") == "hi!"  # …yet still work for the studio's clients


def test_an_edit_over_mcp_changes_the_project_file(served):
    store, pid, url, _ = served
    doc_path = store.folder(pid) / "project.json"
    before = json.loads(doc_path.read_text())

    async def calls(s):
        revised = await s.call_tool("revise_shots", {"project": pid, "patches": [
            {"shot": "2", "changes": {"prompt": "a staircase folding into paper", "shot_size": "close-up"}}]})
        replan = await s.call_tool("propose_shot_list", {"project": pid, "shots": [{"start": 0, "subject": "x"}]})
        shown = await s.call_tool("show_shots", {"project": pid, "shots": ["2"]})
        return revised, replan, shown

    revised, replan, shown = session(url, calls)
    after = json.loads(doc_path.read_text())
    assert not revised.isError and text(revised) == f"revised shots 2; version {before['version'] + 1}"
    assert after["version"] == before["version"] + 1
    assert after["shots"][1]["prompt"] == "a staircase folding into paper"
    assert after["shots"][1]["shot_size"] == "close-up" and after["shots"][1]["critique"]["notes"]  # critic ran
    assert [s["prompt"] for i, s in enumerate(after["shots"]) if i != 1] == \
           [s["prompt"] for i, s in enumerate(before["shots"]) if i != 1]
    assert replan.isError and "already has a plan of 6 shots" in text(replan)
    assert len(after["shots"]) == 6  # the refused proposal changed nothing
    assert json.loads(text(shown))[0]["prompt"] == "a staircase folding into paper"


def test_errors_come_back_as_one_line(served):
    _, pid, url, _ = served

    async def calls(s):
        return (await s.call_tool("show_shots", {"project": "no-such-project"}),
                await s.call_tool("lock_shots", {"project": pid, "shots": ["99"]}),
                await s.call_tool("export", {"project": pid, "format": "docx"}))

    for result, message in zip(session(url, calls), ("no project 'no-such-project'", "there is no shot 99",
                                                      "'docx' is not supported")):
        assert result.isError and message in text(result)
        assert "Traceback" not in text(result) and "\n" not in text(result).strip()


def test_sse_clients_get_the_same_tools(served):
    _, pid, url, names = served

    async def calls(s):
        return await s.list_tools(), await s.call_tool("list_projects", {})

    tools, projects = session(url, calls, transport="sse")
    assert set(names) <= {t.name for t in tools.tools}
    assert text(projects).startswith(f"{pid}  v") and "6 shots" in text(projects)
