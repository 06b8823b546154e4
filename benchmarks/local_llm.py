"""The local director's server overhead: `transformers serve` against a direct `generate` call on the
same tiny model, in the same run.

    python -m benchmarks.local_llm [--tokens 64] [--reps 5] [--out benchmarks/local_llm.json]

1. cold start: process spawn to `/health` answering 200 (imports torch, transformers, FastAPI);
   then the first request, which loads the model;
2. first-token latency: a streamed request's first content chunk, against `generate(max_new_tokens=1)`;
3. tokens/s: a streamed request of N greedy tokens against `generate(max_new_tokens=N)` on the same
   prompt (same chat template, same greedy decoding, so the same tokens); target overhead <= 1.2x.
The tiny model's weights are set so that greedy decoding walks a fixed chain of N distinct word
tokens (tests/tiny_llm.py `chain`): both sides generate exactly the same N tokens, and no output is
held back by the server's response parser (random weights tend to emit whitespace, which it holds
until the end in case a closing tag follows). Both sides use one torch thread.

Two references, measured in the same run, interleaved with the served requests:
- `generate`: one call, the whole answer at the end (the issue's reference; the target is judged on it);
- `generate` + `TextIteratorStreamer` read by another thread: what any chat UI that shows tokens as
  they come must do in-process; it pays the same two-thread hand-off per token the server pays.
CPU time is reported beside wall time (the reference's own process time; the server process's, from
/proc): on a loaded machine wall time mostly measures the scheduler, CPU time what each side spends.
Medians of `reps` runs; the load average is printed before and after, since every side shares the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [{"role": "system", "content": "You are a music video director."},
            {"role": "user", "content": "The song is about a lover who asks for impossible tasks. What now?"}]


def stream(client, model: str, tokens: int) -> tuple[float, float, int]:
    """(first content chunk s, total s, completion tokens) of one streamed greedy request."""
    start = time.perf_counter()
    first = None
    used = 0
    for chunk in client.chat.completions.create(model=model, messages=MESSAGES, stream=True, max_tokens=tokens,
                                                temperature=0.0, stream_options={"include_usage": True}):
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
        if chunk.usage:
            used = chunk.usage.completion_tokens
    total = time.perf_counter() - start
    return first if first is not None else total, total, used


def direct_runner(folder: Path):
    """`run(n) -> (seconds, tokens, cpu s)`: greedy `generate` in this process on the same prompt;
    `streamed(n)`: the same through a `TextIteratorStreamer` read by this thread."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)  # as the server (OMP_NUM_THREADS=1): the same compute on both sides
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    inputs = tok.apply_chat_template(MESSAGES, add_generation_prompt=True, return_tensors="pt", return_dict=True)

    def run(n: int) -> tuple[float, int, float]:
        start, cpu = time.perf_counter(), time.process_time()
        with torch.inference_mode():
            out = model.generate(**inputs, max_new_tokens=n, do_sample=False)
        return time.perf_counter() - start, out.shape[-1] - inputs["input_ids"].shape[-1], time.process_time() - cpu

    def streamed(n: int) -> tuple[float, float, int, float]:
        """(first text s, total s, tokens, cpu s): generate in a thread, text read as it comes."""
        import threading

        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(tok, skip_prompt=True)
        start, cpu = time.perf_counter(), time.process_time()

        def work() -> None:
            with torch.inference_mode():
                model.generate(**inputs, max_new_tokens=n, do_sample=False, streamer=streamer)

        worker = threading.Thread(target=work)
        worker.start()
        first, pieces = None, 0
        for text in streamer:
            if first is None and text:
                first = time.perf_counter() - start
            pieces += bool(text)
        worker.join()
        total = time.perf_counter() - start
        return first or total, total, pieces, time.process_time() - cpu

    return run, streamed


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench(tokens: int = 64, reps: int = 5) -> dict:
    import importlib.util

    import openai

    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_llm

    from assistant.local_server import LocalServer

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        folder, _ = tiny_llm.chain(Path(d) / "tiny-qwen3", length=tokens)
        server = LocalServer(log=Path(d) / "server.log", device="cpu")
        start = time.perf_counter()
        url = server.ensure()
        cold = time.perf_counter() - start
        try:
            client = openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=600)
            first_load = stream(client, str(folder), tokens)[1]
            run, streamed = direct_runner(folder)
            run(tokens), streamed(tokens)  # warm
            served, served_cpu, firsts, totals, streams = [], [], [], [], []
            for _ in range(reps):  # interleaved, so every side sees the same machine load
                cpu = process_cpu_s(server.process.pid)
                served.append(stream(client, str(folder), tokens))
                served_cpu.append(process_cpu_s(server.process.pid) - cpu)
                firsts.append(run(1)[0])
                totals.append(run(tokens))
                streams.append(streamed(tokens))
        finally:
            server.stop()
    med = statistics.median
    served_first, served_total, served_tokens = med(s[0] for s in served), med(s[1] for s in served), served[0][2]
    direct_first, direct_total, direct_tokens = med(firsts), med(t[0] for t in totals), totals[0][1]
    stream_first, stream_total = med(s[0] for s in streams), med(s[1] for s in streams)

    def per_token(total: float, n: int) -> float:
        return total / max(n, 1)

    served_pt = per_token(served_total, served_tokens)
    return {
        "load_average": {"before": load_before, "after": os.getloadavg()[0]}, "cpus": os.cpu_count(), "reps": reps,
        "uvicorn_loop": "uvloop + httptools" if importlib.util.find_spec("uvloop") and importlib.util.find_spec(
            "httptools") else "asyncio + h11",
        "cold_start_to_health_s": cold, "first_request_with_model_load_s": first_load,
        "tokens": {"server": served_tokens, "direct": direct_tokens},
        "first_token_s": {"server": served_first, "direct": direct_first, "streamed": stream_first,
                          "ratio": served_first / direct_first},
        "seconds_per_token": {"server": served_pt, "direct": per_token(direct_total, direct_tokens),
                              "streamed": per_token(stream_total, direct_tokens)},
        "overhead": {"vs_generate": served_pt / per_token(direct_total, direct_tokens),
                     "vs_streamed_generate": served_pt / per_token(stream_total, direct_tokens)},
        "cpu_s_per_request": {"server_process": med(served_cpu), "direct": med(t[2] for t in totals),
                              "streamed": med(s[3] for s in streams)},
        # after the first token: the per-token cost of streaming alone, without the fixed request cost
        "decode_overhead_vs_generate": (served_total - served_first) / (direct_total - direct_first)
        * (direct_tokens - 1) / max(served_tokens - 1, 1),
    }


def table(r: dict) -> str:
    ft, spt, ov, cpu = r["first_token_s"], r["seconds_per_token"], r["overhead"], r["cpu_s_per_request"]
    n = r["tokens"]["server"]
    return "\n".join([
        f"| local director, tiny Qwen3 (CPU), {n} tokens | value | × `generate` | target |",
        "|---|---|---|---|",
        f"| `transformers serve` cold start, spawn to /health 200 | {r['cold_start_to_health_s']:.1f} s | | |",
        f"| first request, incl. loading the model | {r['first_request_with_model_load_s']:.2f} s | | |",
        f"| first token, direct `generate` (reference) | {ft['direct'] * 1000:.0f} ms | 1.00 | |",
        f"| first token, `generate` + streamer | {ft['streamed'] * 1000:.0f} ms | {ft['streamed'] / ft['direct']:.2f} | |",
        f"| first token through the server (streamed) | {ft['server'] * 1000:.0f} ms | {ft['ratio']:.2f} | |",
        f"| time per token, direct `generate` (reference) | {spt['direct'] * 1000:.1f} ms | 1.00 | |",
        f"| time per token, `generate` + `TextIteratorStreamer` | {spt['streamed'] * 1000:.1f} ms | "
        f"{spt['streamed'] / spt['direct']:.2f} | |",
        f"| time per token through the server (streamed SSE) | {spt['server'] * 1000:.1f} ms | "
        f"{ov['vs_generate']:.2f} | ≤ 1.2× |",
        f"| … the server against `generate` + streamer | | {ov['vs_streamed_generate']:.2f} × streamer | |",
        f"| decode only (after the first token), server | | {r['decode_overhead_vs_generate']:.2f} | |",
        f"| CPU per request: `generate` / + streamer / server process | {cpu['direct'] * 1000:.0f} / "
        f"{cpu['streamed'] * 1000:.0f} / {cpu['server_process'] * 1000:.0f} ms | "
        f"{cpu['server_process'] / cpu['direct']:.2f} | |",
        f"\nServer loop: {r['uvicorn_loop']}. Load average {r['load_average']['before']:.1f} before, "
        f"{r['load_average']['after']:.1f} after, on {r['cpus']} CPUs; medians of {r['reps']} interleaved runs. "
        "The target is judged on the first reference (the issue's direct `generate`).",
    ])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokens", type=int, default=64)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "local_llm.json"))
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = "1"  # inherited by the server process
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    r = bench(args.tokens, args.reps)
    Path(args.out).write_text(json.dumps(r, indent=2) + "\n")
    print(table(r))


if __name__ == "__main__":
    main()
