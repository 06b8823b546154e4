"""One editor, and one critic, per session: the editor built where the session starts (or passed in) serves
every guided turn, every typed operation, the undo, and the LLM agent's tool calls; nothing in the assistant
builds another one."""

from __future__ import annotations


from assistant import critic
from assistant.session import open_director, session_editor
from evals.scripted_openai import Step
from helpers import scripted_openai
from planned import planned_project
from songbook import talk



def test_one_editor_serves_a_whole_guided_session(tmp_path, built):
    store, pid = planned_project(tmp_path)
    built.clear()  # the fixture's own
    editor = session_editor(store, pid)
    assert editor.review is critic.apply and len(built) == 1
    d = open_director(store, pid, "offline", editor=editor)
    assert d.tools.editor is editor
    before = editor.project().version
    talk(d, "swap shots 3 and 4", "lock shot 2 and make 6 colder", "delete shot 10", "hmm no, undo that",
         "what's the weakest shot?")
    assert editor.project().version == before + 2  # swap, lock+colder; the delete undone
    assert built == [editor]  # no other editor was built for any turn, operation or question


def test_open_director_builds_the_one_editor_with_the_critic(tmp_path, built):
    store, pid = planned_project(tmp_path)
    built.clear()
    d = open_director(store, pid, "offline")
    talk(d, "make shot 5 warmer", "undo that")
    assert built == [d.tools.editor] and d.tools.editor.review is critic.apply


def test_the_agent_turn_runs_its_tools_through_the_same_editor(tmp_path, built, monkeypatch):
    store, pid = planned_project(tmp_path)
    built.clear()
    editor = session_editor(store, pid)
    with scripted_openai(monkeypatch, key="sk-test", retries=1, timeout=3) as server:
        server.push(Step.call("swap_shots", {"first": "3", "second": "4"}), Step.call("undo", {}),
                    Step.call("rename", {"title": "Porch Light (edit)"}), Step.text("Done."))
        d = open_director(store, pid, "openai:scripted", editor=editor)
        assert d.tools.editor is editor
        replies = list(d.turn("swap 3 and 4, then no, undo it, and call it Porch Light (edit)"))
    assert replies[-1].final and editor.project().title == "Porch Light (edit)"
    assert built == [editor]
