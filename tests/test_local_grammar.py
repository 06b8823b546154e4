"""The phases' replies on the real llama-server under the compact grammar (assistant/gbnf.py): a tiny
random-weight Qwen3 GGUF (noise for words) answers each phase's schema; every reply validates, is compact
JSON (no whitespace outside its strings) and ends within the phase's token budget."""

from __future__ import annotations

import re

import pytest

from assistant import planner
from assistant.gbnf import compact_grammar
from assistant.llm import Provider
from assistant.local_runtime import server_binary
from assistant.local_server import LocalServer
from assistant.phased import FILED_TOKENS
from assistant.phases import REVISION_TOKENS, Filed, RevisionOps, words_budget, words_for
from assistant.structured import CallStats, ask_llama_server, schema_of
from assistant.tools import ProjectTools

STRING = re.compile(r'"(?:[^"\\]|\\.)*"')

needs_llama_cpp = pytest.mark.skipif(server_binary() is None, reason="llama.cpp is not built here: run "
                                     "`python -m assistant.local_runtime build` (make test does)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import tiny_llm

    root = tmp_path_factory.mktemp("gguf")
    server = LocalServer(threads=1)
    url = server.ensure(tiny_llm.gguf(tiny_llm.qwen3(root / "tiny-qwen3")))
    yield server, url
    server.stop()


def outside_strings(text: str) -> str:
    return STRING.sub('""', text)


def test_the_phases_schemas_become_a_grammar_without_whitespace():
    grammar = compact_grammar(schema_of(Filed))
    assert grammar is not None and "space" not in grammar and '"\\"corrects\\"" ":" ("true" | "false")' in grammar
    section = compact_grammar(schema_of(words_for(3)))
    assert 'char{3,24}' in section and '("," def-shotwords){2,2}' in section
    # what it does not cover goes to the server as a schema
    assert compact_grammar({"type": "object", "properties": {"a": {"type": "string"}}, "required": []}) is None
    assert compact_grammar({"type": "string", "pattern": "^a+$"}) is None
    assert compact_grammar({"type": "number"}) is None


@needs_llama_cpp
def test_a_random_model_answers_every_phase_in_compact_valid_json_within_its_budget(served, chaos_god):
    server, url = served
    store, pid = chaos_god
    tools = ProjectTools(store, pid)
    tools.propose_shot_list(planner.plan_shots(store.load(pid), {}), replan=True)
    provider = Provider("local", str(server.gguf), url, "local", timeout=600, max_retries=0)
    messages = [{"role": "system", "content": "Reply with the JSON asked for."},
                {"role": "user", "content": "shot 2 should feel like a paper boat in fog"}]
    for model, budget in [(Filed, FILED_TOKENS), (words_for(2), words_budget(2)),
                          (RevisionOps(tools).schema(), REVISION_TOKENS)] * 3:
        stats = CallStats(model.__name__)
        text, cut = ask_llama_server(provider, messages, model, budget, stats)
        assert not cut and 0 < stats.completion_tokens <= budget
        model.model_validate_json(text)
        # the server's own grammar lets noise put spaces and newlines between the JSON's tokens; this one not
        assert not re.search(r"\s", outside_strings(text)), text
