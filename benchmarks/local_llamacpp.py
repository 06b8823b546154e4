"""llama.cpp rows of the local director's benchmark (benchmarks/local_llm.py): `llama-server` against
llama.cpp's own direct generation (`llama-bench`) on the same GGUF file, same threads, same run.

1. cold start: spawn to `/health` answering 200 (llama-server answers 200 once the model is loaded);
   then the first request;
2. first-token latency: a streamed request's first content chunk, against `llama-bench`'s prefill of
   the same number of prompt tokens plus one generated token;
3. tokens/s: a streamed request of N greedy tokens against `llama-bench -pg P,N` (prefill P tokens, then
   generate N: the same work as the request, with no HTTP, no chat template, no SSE); target <= 1.2x.
`llama-bench` runs once per served request (`-r 1`), interleaved, so both see the same load. Requests
ask for no prompt cache (`cache_prompt: false`), so each reads its whole prompt, as llama-bench does.
The same request is also read raw (http.client, bytes only, no JSON), to tell the server's own cost
from the openai client's parse of one SSE chunk per token. CPU time: the llama-server process (all its
threads, from /proc) and the client.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

med = statistics.median


def _cpu_s(server: psutil.Process) -> float:
    times = server.cpu_times()
    return times.user + times.system


def _server(wrapper: int) -> psutil.Process:
    """llama-server's own process: the child of the wrapper that LocalServer starts."""
    kids = psutil.Process(wrapper).children()
    return kids[0] if kids else psutil.Process(wrapper)


def stream(client, tokens: int, messages: list[dict]) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    first, usage = None, None
    for chunk in client.chat.completions.create(model="local", messages=messages, stream=True, max_tokens=tokens,
                                                temperature=0.0, stream_options={"include_usage": True},
                                                extra_body={"cache_prompt": False}):
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
        usage = chunk.usage or usage
    total = time.perf_counter() - start
    return {"first": first if first is not None else total, "total": total, "client_cpu": time.process_time() - cpu,
            "tokens": usage.completion_tokens if usage else 0, "prompt": usage.prompt_tokens if usage else 0}


def raw_stream(url: str, tokens: int, messages: list[dict]) -> float:
    """Seconds for the same streamed request read as bytes (no SSE or JSON parsing on the client)."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    body = json.dumps({"model": "local", "messages": messages, "stream": True, "max_tokens": tokens,
                       "temperature": 0.0, "cache_prompt": False})
    start = time.perf_counter()
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("POST", u.path.rstrip("/") + "/chat/completions", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    while response.read1(65536):
        pass
    conn.close()
    return time.perf_counter() - start


def server_decode(url: str, tokens: int) -> float:
    """Seconds a token in the server's own decode loop (its `timings`, sampler included, no HTTP or SSE):
    `tokens` tokens forced past any end token, so a random model's output, which a stream holds back
    (whitespace, partial tags) until the end, is timed too."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("POST", "/completion", json.dumps({"prompt": "What now?", "n_predict": tokens, "ignore_eos": True,
                                                    "cache_prompt": False}), {"Content-Type": "application/json"})
    timings = json.loads(conn.getresponse().read())["timings"]
    conn.close()
    return timings["predicted_ms"] / 1000 / max(timings["predicted_n"], 1)


def direct(gguf: Path, prompt: int, tokens: int, threads: int) -> dict:
    """llama-bench on the same file: seconds for the prefill of `prompt` tokens, for `tokens` generated
    tokens, and for both in one sequence (`-pg`)."""
    from assistant.local_runtime import binary, no_repack_args

    out = subprocess.run([str(binary("llama-bench")), "-m", str(gguf), "-p", str(prompt), "-n", str(tokens),
                          "-pg", f"{prompt},{tokens}", "-t", str(threads), "-r", "1", "-o", "json",
                          *no_repack_args("llama-bench")],
                         capture_output=True, text=True, check=True)
    runs = {(r["n_prompt"], r["n_gen"]): r["avg_ns"] / 1e9 for r in json.loads(out.stdout)}
    return {"prefill": runs[(prompt, 0)], "generate": runs[(0, tokens)], "both": runs[(prompt, tokens)]}


def measure(gguf: Path, tokens: int, reps: int, messages: list[dict], threads: int) -> dict:
    import openai

    from assistant.local_server import LocalServer

    with tempfile.TemporaryDirectory() as d:
        server = LocalServer(log=Path(d) / "server.log", device="cpu", threads=threads)
        start = time.perf_counter()
        url = server.ensure(gguf)
        cold = time.perf_counter() - start
        try:
            client = openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=1800)
            first_request = stream(client, tokens, messages)
            proc = _server(server.process.pid)
            served, refs, raws, own = [], [], [], []
            for _ in range(reps):  # interleaved, so both sides see the same machine load
                before = _cpu_s(proc)
                s = stream(client, tokens, messages)
                served.append({**s, "server_cpu": _cpu_s(proc) - before})
                raws.append(raw_stream(url, tokens, messages))
                own.append(server_decode(url, tokens))
                refs.append(direct(gguf, s["prompt"], tokens, threads))
        finally:
            server.stop()
    n, prompt = served[0]["tokens"], served[0]["prompt"]
    ref_first = med(r["prefill"] + r["generate"] / tokens for r in refs)
    ref_total = med(r["both"] for r in refs)
    total, first = med(s["total"] for s in served), med(s["first"] for s in served)
    spt = {"server": total / max(n, 1), "direct": ref_total / tokens, "raw": med(raws) / max(n, 1)}
    dpt = {"server": (total - first) / max(n - 1, 1), "direct": med(r["generate"] for r in refs) / tokens,
           "server_loop": med(own)}
    return {"file": gguf.name, "threads": threads, "reps": reps, "prompt_tokens": prompt,
            "tokens": {"server": n, "direct": tokens}, "cold_start_to_health_s": cold,
            "first_request_s": first_request["total"],
            "first_token_s": {"server": first, "direct": ref_first},
            "total_s": {"server": total, "direct": ref_total},
            "seconds_per_token": spt, "decode_s_per_token": dpt,
            "cpu_s_per_request": {"server": med(s["server_cpu"] for s in served),
                                  "client": med(s["client_cpu"] for s in served)},
            "overhead": {"vs_direct": spt["server"] / spt["direct"],
                         "decode_vs_direct": dpt["server"] / dpt["direct"],
                         "server_loop_vs_direct": dpt["server_loop"] / dpt["direct"],
                         "fixed_ms_per_token": (spt["server"] - spt["direct"]) * 1000}}


def rows(r: dict, label: str) -> list[str]:
    ft, spt, dpt, ov, cpu = (r["first_token_s"], r["seconds_per_token"], r["decode_s_per_token"], r["overhead"],
                             r["cpu_s_per_request"])
    n = r["tokens"]["server"]
    ms = (lambda s: f"{s * 1000:.2f} ms") if spt["direct"] < 0.1 else (lambda s: f"{s * 1000:.0f} ms")
    return [
        f"| **{label}**, `{r['file']}`, {n} tokens, {r['prompt_tokens']}-token prompt, {r['threads']} thread(s) | | | |",
        f"| cold start, spawn to /health 200 (model loaded) | {r['cold_start_to_health_s']:.2f} s | | |",
        f"| first request | {r['first_request_s']:.2f} s | | |",
        f"| first token, direct: `llama-bench` prefill + 1 token (reference) | {ms(ft['direct'])} | 1.00 | |",
        f"| first token through llama-server (streamed) | {ms(ft['server'])} | {ft['server'] / ft['direct']:.2f} | |",
        f"| time per token, direct: `llama-bench -pg` (reference) | {ms(spt['direct'])} "
        f"({1 / spt['direct']:.1f} tokens/s) | 1.00 | |",
        f"| time per token through llama-server (streamed SSE) | {ms(spt['server'])} ({1 / spt['server']:.1f} "
        f"tokens/s) | **{ov['vs_direct']:.2f}** | ≤ 1.2× |",
        f"| time per token, the same stream read as raw bytes (no client parse) | {ms(spt['raw'])} | "
        f"{spt['raw'] / spt['direct']:.2f} | |",
        f"| decode only (after the first token): server / `llama-bench` tg | {ms(dpt['server'])} / "
        f"{ms(dpt['direct'])} | {ov['decode_vs_direct']:.2f} | |",
        f"| fixed cost the server adds per token (wall) | {ov['fixed_ms_per_token']:.3f} ms | | |",
        f"| CPU per token: llama-server process / client (openai stream parse) | "
        f"{cpu['server'] / n * 1000:.2f} ms / {cpu['client'] / n * 1000:.2f} ms | | |"]
