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
Medians of `reps` runs; the machine's load is printed, since both sides share its cores.
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
    """`run(n) -> (seconds, tokens)`: greedy `generate` in this process on the same prompt."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)  # as the server (OMP_NUM_THREADS=1): the same compute on both sides
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    inputs = tok.apply_chat_template(MESSAGES, add_generation_prompt=True, return_tensors="pt", return_dict=True)

    def run(n: int) -> tuple[float, int]:
        start = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(**inputs, max_new_tokens=n, do_sample=False)
        return time.perf_counter() - start, out.shape[-1] - inputs["input_ids"].shape[-1]

    return run


def bench(tokens: int = 64, reps: int = 5) -> dict:
    import openai

    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_llm

    from assistant.local_server import LocalServer

    with tempfile.TemporaryDirectory() as d:
        folder, _ = tiny_llm.chain(Path(d) / "tiny-qwen3", length=tokens)
        server = LocalServer(log=Path(d) / "server.log", device="cpu")
        start = time.perf_counter()
        url = server.ensure()
        cold = time.perf_counter() - start
        try:
            client = openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=600)
            first_load = stream(client, str(folder), tokens)[1]
            run = direct_runner(folder)
            run(tokens)  # warm
            served, firsts, totals = [], [], []
            for _ in range(reps):  # interleaved, so both sides see the same machine load
                served.append(stream(client, str(folder), tokens))
                firsts.append(run(1)[0])
                totals.append(run(tokens))
        finally:
            server.stop()
    served_first = statistics.median(s[0] for s in served)
    served_total = statistics.median(s[1] for s in served)
    served_tokens = served[0][2]
    direct_first = statistics.median(firsts)
    direct_total = statistics.median(t for t, _ in totals)
    direct_tokens = totals[0][1]
    return {
        "load_average": os.getloadavg()[0], "cpus": os.cpu_count(), "reps": reps,
        "cold_start_to_health_s": cold, "first_request_with_model_load_s": first_load,
        "first_token_s": {"server": served_first, "direct": direct_first, "ratio": served_first / direct_first},
        "tokens": {"server": served_tokens, "direct": direct_tokens},
        "tokens_per_s": {"server": served_tokens / served_total, "direct": direct_tokens / direct_total,
                         "overhead": served_total / direct_total * direct_tokens / max(served_tokens, 1)},
        # after the first token: the per-token cost of streaming alone, without the fixed request cost
        "decode_tokens_per_s": {"server": (served_tokens - 1) / (served_total - served_first),
                                "direct": (direct_tokens - 1) / (direct_total - direct_first),
                                "overhead": (served_total - served_first) / (direct_total - direct_first)
                                * (direct_tokens - 1) / max(served_tokens - 1, 1)},
    }


def table(r: dict) -> str:
    ft, tps, dec = r["first_token_s"], r["tokens_per_s"], r["decode_tokens_per_s"]
    return "\n".join([
        "| local director, tiny Qwen3 (CPU) | value | × reference | target |",
        "|---|---|---|---|",
        f"| `transformers serve` cold start, spawn to /health 200 | {r['cold_start_to_health_s']:.1f} s | | |",
        f"| first request, incl. loading the model | {r['first_request_with_model_load_s']:.2f} s | | |",
        f"| first token, direct `generate` (reference) | {ft['direct'] * 1000:.0f} ms | 1.00 | |",
        f"| first token through the server (streamed) | {ft['server'] * 1000:.0f} ms | {ft['ratio']:.2f} | |",
        f"| tokens/s, direct `generate` (reference) | {tps['direct']:.0f} | 1.00 | |",
        f"| tokens/s through the server (streamed, {r['tokens']['server']} tokens) | {tps['server']:.0f} | "
        f"{tps['overhead']:.2f} time per token | ≤ 1.2× |",
        f"| decode tokens/s after the first token, direct (reference) | {dec['direct']:.0f} | 1.00 | |",
        f"| decode tokens/s after the first token, through the server | {dec['server']:.0f} | "
        f"{dec['overhead']:.2f} time per token | ≤ 1.2× |",
        f"\nLoad average {r['load_average']:.1f} on {r['cpus']} CPUs; medians of {r['reps']} runs.",
    ])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokens", type=int, default=64)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "local_llm.json"))
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = "1"  # inherited by the server process
    r = bench(args.tokens, args.reps)
    Path(args.out).write_text(json.dumps(r, indent=2) + "\n")
    print(table(r))


if __name__ == "__main__":
    main()
