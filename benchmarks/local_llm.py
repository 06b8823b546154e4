"""The local director's server overhead: `transformers serve` against a direct `generate` call on the
same model, and llama.cpp's `llama-server` against llama.cpp's direct generation (`llama-bench`) on the
same model converted to GGUF (benchmarks/local_llamacpp.py), in the same run.

    python -m benchmarks.local_llm [--tokens 64] [--reps 5] [--out benchmarks/local_llm.json]
    python -m benchmarks.local_llm --runtime llama.cpp          # only the llama.cpp rows
    python -m benchmarks.local_llm --real-size [--real-threads 1,2]   # + a model of the CPU default's size
    python -m benchmarks.local_llm --reps 3 --py-spy /tmp/serve.txt --out /tmp/x.json  # where the server's time goes

1. cold start: process spawn to `/health` answering 200 (imports torch, transformers, FastAPI);
   then the first request, which loads the model;
2. first-token latency: a streamed request's first content chunk, against `generate(max_new_tokens=1)`;
3. tokens/s: a streamed request of N greedy tokens against `generate(max_new_tokens=N)` on the same
   prompt (same chat template, same greedy decoding, so the same tokens); target overhead <= 1.2x.
The tiny model's weights are set so that greedy decoding walks a fixed chain of N distinct word
tokens (tests/tiny_llm.py `chain`): both sides generate exactly the same N tokens, and no output is
held back by the server's response parser (random weights tend to emit whitespace, which it holds
until the end in case a closing tag follows). Both sides use the same number of torch threads: the
server's own policy (`local_server.cpu_threads`), the reference through `torch.set_num_threads`.

Two references, measured in the same run, interleaved with the served requests:
- `generate`: one call, the whole answer at the end (the issue's reference; the target is judged on it);
- `generate` + `TextIteratorStreamer` read by another thread: what any chat UI that shows tokens as
  they come must do in-process; it pays the same two-thread hand-off per token the server pays.
CPU time is reported beside wall time, split by where it goes: the server's main thread (its event
loop: HTTP, one SSE chunk per token), its other threads (`generate` and the streamer that decodes and
parses each token), and the client (the openai client parsing the stream); the reference's own
process time. On a loaded machine wall time mostly measures the scheduler; CPU time what each side spends.

`--real-size` adds rows, never replacing the tiny model's: a random-weight model of the CPU default's
architecture and size (Qwen3-1.7B's shape, bf16 like the real one, built once into
`~/.cache/shotcaller-bench`), so that a token costs what the real default's does; a short prompt (its
prefill alone takes seconds on a CPU), 16 tokens, once per torch thread count in `--real-threads`.
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
SHORT = [{"role": "user", "content": "What now?"}]
REAL_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "shotcaller-bench" / "qwen3-1.7b-shape"
med = statistics.median


def stream(client, model: str, tokens: int, messages: list[dict]) -> tuple[float, float, int, float]:
    """(first content chunk s, total s, completion tokens, client CPU s) of one streamed greedy request."""
    start, cpu = time.perf_counter(), time.process_time()
    first = None
    used = 0
    for chunk in client.chat.completions.create(model=model, messages=messages, stream=True, max_tokens=tokens,
                                                temperature=0.0, stream_options={"include_usage": True}):
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
        if chunk.usage:
            used = chunk.usage.completion_tokens
    total = time.perf_counter() - start
    return first if first is not None else total, total, used, time.process_time() - cpu


def direct_runner(folder: Path, threads: int, messages: list[dict]):
    """`run(n) -> (seconds, tokens, cpu s)`: greedy `generate` in this process on the same prompt;
    `streamed(n)`: the same through a `TextIteratorStreamer` read by this thread."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from assistant.local_server import cpu_dtype

    torch.set_num_threads(threads)  # as the server (OMP_NUM_THREADS): the same compute on both sides
    dtype = os.environ.get("SHOTCALLER_LOCAL_DTYPE") or cpu_dtype("cpu")  # and the weights in the server's dtype
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype if dtype == "auto" else getattr(torch, dtype))
    model.eval()
    inputs = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)

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


def thread_cpu_s(pid: int) -> dict[int, float]:
    """User + system CPU seconds of each thread of a process (Linux /proc)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def served_cpu(pid: int, before: dict[int, float]) -> tuple[float, float]:
    """(main thread: the event loop, every other thread: generate + streamer) CPU s since `before`."""
    after = thread_cpu_s(pid)
    spent = {tid: cpu - before.get(tid, 0.0) for tid, cpu in after.items()}
    return spent.get(pid, 0.0), sum(cpu for tid, cpu in spent.items() if tid != pid)


def py_spy(pid: int, out: str):
    """py-spy (dev extra) sampling the server's threads, native frames included, as collapsed stacks in
    `out`; it pauses the server at each sample, so the timings of a profiled run are not the benchmark's."""
    import shutil
    import subprocess

    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return subprocess.Popen([exe, "record", "-p", str(pid), "--threads", "--native", "-r", "100", "-f", "raw",
                             "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(folder: Path, tokens: int, reps: int, messages: list[dict], threads: int | None = None,
            streamed_ref: bool = True, profile: str = "") -> dict:
    """One server and the in-process references on `folder`, interleaved `reps` times."""
    import openai
    import signal

    from assistant.local_server import LocalServer, cpu_threads

    threads = threads or cpu_threads("cpu") or int(os.environ.get("OMP_NUM_THREADS", "1"))
    with tempfile.TemporaryDirectory() as d:
        server = LocalServer(log=Path(d) / "server.log", device="cpu", threads=threads)
        start = time.perf_counter()
        url = server.ensure()
        cold = time.perf_counter() - start
        try:
            client = openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=1800)
            first_load = stream(client, str(folder), tokens, messages)[1]
            run, streamed = direct_runner(folder, threads, messages)
            run(tokens)  # warm
            if streamed_ref:
                streamed(tokens)
            served, firsts, totals, streams = [], [], [], []
            spy = py_spy(server.process.pid, profile) if profile else None
            for _ in range(reps):  # interleaved, so every side sees the same machine load
                before = thread_cpu_s(server.process.pid)
                s = stream(client, str(folder), tokens, messages)
                served.append((*s, *served_cpu(server.process.pid, before)))
                firsts.append(run(1)[0])
                totals.append(run(tokens))
                if streamed_ref:
                    streams.append(streamed(tokens))
            if spy:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
        finally:
            server.stop()
    n_served, n_direct = served[0][2], totals[0][1]
    r = {"threads": threads, "reps": reps, "prompt_messages": len(messages),
         "cold_start_to_health_s": cold, "first_request_with_model_load_s": first_load,
         "tokens": {"server": n_served, "direct": n_direct},
         "first_token_s": {"server": med(s[0] for s in served), "direct": med(firsts)},
         "total_s": {"server": med(s[1] for s in served), "direct": med(t[0] for t in totals)},
         "cpu_s_per_request": {"server_event_loop": med(s[4] for s in served),
                               "server_generate_threads": med(s[5] for s in served),
                               "client": med(s[3] for s in served), "direct": med(t[2] for t in totals)}}
    if streamed_ref:
        r["first_token_s"]["streamed"] = med(s[0] for s in streams)
        r["total_s"]["streamed"] = med(s[1] for s in streams)
        r["cpu_s_per_request"]["streamed"] = med(s[3] for s in streams)
    ft, tot = r["first_token_s"], r["total_s"]
    r["seconds_per_token"] = {side: tot[side] / max(n_served if side == "server" else n_direct, 1) for side in tot}
    # after the first token: what each further token costs, without the request's fixed cost
    r["decode_s_per_token"] = {side: (tot[side] - ft[side]) / max((n_served if side == "server" else n_direct) - 1, 1)
                               for side in tot}
    spt, dpt = r["seconds_per_token"], r["decode_s_per_token"]
    r["overhead"] = {"vs_generate": spt["server"] / spt["direct"],
                     "decode_vs_generate": dpt["server"] / dpt["direct"],
                     "fixed_ms_per_token": (spt["server"] - spt["direct"]) * 1000}
    if streamed_ref:
        r["overhead"]["vs_streamed_generate"] = spt["server"] / spt["streamed"]
    return r


def bench(tokens: int = 64, reps: int = 5, profile: str = "", runtime: str = "both") -> dict:
    """The tiny chain model through each runtime: transformers serve on its folder, llama-server on the
    same weights converted to an f32 GGUF file (same tokens out), with the same number of threads."""
    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_llm

    from assistant.local_runtime import server_binary
    from assistant.local_server import cpu_threads

    threads = cpu_threads("cpu") or int(os.environ.get("OMP_NUM_THREADS", "1"))
    r: dict = {}
    with tempfile.TemporaryDirectory() as d:
        folder, _ = tiny_llm.chain(Path(d) / "tiny-qwen3", length=tokens)
        if runtime in ("both", "transformers"):
            r = measure(folder, tokens, reps, MESSAGES, threads=threads, profile=profile)
        if runtime in ("both", "llama.cpp") and server_binary():
            from benchmarks import local_llamacpp

            r["llama_cpp"] = local_llamacpp.measure(tiny_llm.gguf(folder), tokens, reps, MESSAGES, threads)
    return r


def real_size_model(tokens: int) -> Path:
    """The CPU default's architecture and size with chained random weights, built once (minutes) and kept."""
    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_llm

    folder = REAL_CACHE.with_name(f"{REAL_CACHE.name}-{tokens}")
    if not (folder / "config.json").exists() or not list(folder.glob("*.safetensors")):
        print(f"building a random-weight model of Qwen3-1.7B's shape in {folder} (once; minutes)", flush=True)
        tiny_llm.chain(folder, length=tokens, shape=tiny_llm.QWEN3_1_7B, dtype="bfloat16")
    return folder


def bench_real(tokens: int, reps: int, threads: list[int], runtime: str = "both") -> list[dict]:
    folder = real_size_model(tokens)
    out = [measure(folder, tokens, reps, SHORT, threads=t, streamed_ref=False) for t in threads
           if runtime in ("both", "transformers")]
    from assistant.local_runtime import server_binary

    if runtime in ("both", "llama.cpp") and server_binary():
        import tiny_llm
        from benchmarks import local_llamacpp

        gguf = folder.with_name(folder.name + ".q8_0.gguf")  # the default's quantisation, once
        if not gguf.is_file():
            print(f"converting it to {gguf.name} (once; a minute)", flush=True)
            tiny_llm.gguf(folder, gguf, "q8_0")
        from assistant.local_server import cpu_threads

        for t in threads:
            out.append({"llama_cpp": local_llamacpp.measure(gguf, tokens, reps, SHORT, t or cpu_threads("cpu") or 1)})
    return out


def _rows(r: dict, label: str) -> list[str]:
    ft, spt, dpt, ov, cpu = (r["first_token_s"], r["seconds_per_token"], r["decode_s_per_token"], r["overhead"],
                             r["cpu_s_per_request"])
    n = r["tokens"]["server"]
    ms = (lambda s: f"{s * 1000:.1f} ms") if spt["direct"] < 1 else (lambda s: f"{s:.2f} s")

    def per_token(cpu_s: float) -> str:
        return f"{cpu_s / n * 1000:.2f} ms"

    rows = [
        f"| **{label}**, {n} tokens, {r['threads']} torch thread(s) | | | |",
        f"| cold start, spawn to /health 200 | {r['cold_start_to_health_s']:.1f} s | | |",
        f"| first request, incl. loading the model | {r['first_request_with_model_load_s']:.2f} s | | |",
        f"| first token, direct `generate` (reference) | {ms(ft['direct'])} | 1.00 | |"]
    if "streamed" in ft:
        rows.append(f"| first token, `generate` + streamer | {ms(ft['streamed'])} | {ft['streamed'] / ft['direct']:.2f} | |")
    rows += [
        f"| first token through the server (streamed) | {ms(ft['server'])} | {ft['server'] / ft['direct']:.2f} | |",
        f"| time per token, direct `generate` (reference) | {ms(spt['direct'])} ({1 / spt['direct']:.1f} tokens/s) "
        "| 1.00 | |"]
    if "streamed" in spt:
        rows.append(f"| time per token, `generate` + `TextIteratorStreamer` | {ms(spt['streamed'])} | "
                    f"{spt['streamed'] / spt['direct']:.2f} | |")
    rows += [
        f"| time per token through the server (streamed SSE) | {ms(spt['server'])} ({1 / spt['server']:.1f} tokens/s) "
        f"| {ov['vs_generate']:.2f} | ≤ 1.2× |",
        f"| decode only (after the first token): server / `generate` | {ms(dpt['server'])} / {ms(dpt['direct'])} "
        f"| {ov['decode_vs_generate']:.2f} | |",
        f"| fixed cost the server adds per token (wall) | {ov['fixed_ms_per_token']:.2f} ms | | |",
        f"| CPU per token: `generate` | {per_token(cpu['direct'])} | 1.00 | |",
        f"| CPU per token: server, `generate` + streamer threads | {per_token(cpu['server_generate_threads'])} | "
        f"{cpu['server_generate_threads'] / cpu['direct']:.2f} | |",
        f"| CPU per token: server, event loop (HTTP + SSE chunk) | {per_token(cpu['server_event_loop'])} | | |",
        f"| CPU per token: client (openai stream parse) | {per_token(cpu['client'])} | | |"]
    return rows


def table(r: dict) -> str:
    from benchmarks import local_llamacpp

    lines = ["| local director (CPU) | value | × direct | target |", "|---|---|---|---|"]
    if "tokens" in r:
        lines += _rows(r, "transformers serve, tiny Qwen3 (the issue's benchmark)")
    if "llama_cpp" in r:
        lines += local_llamacpp.rows(r["llama_cpp"], "llama.cpp llama-server, the same tiny Qwen3 as GGUF")
    for real in r.get("real_size", []):
        if "llama_cpp" in real:
            lines += local_llamacpp.rows(real["llama_cpp"], "extra row, not the target: llama-server on the "
                                         "random Qwen3-1.7B-sized model in Q8_0 (the CPU default's format)")
        else:
            lines += _rows(real, "extra row, not the target: transformers serve on a random Qwen3-1.7B-sized model "
                                 "(in the dtype it uses on this CPU), short prompt")
    if "tokens" in r and "llama_cpp" in r:  # the issue's own reference, across runtimes, same model, same run
        served, direct = r["llama_cpp"]["seconds_per_token"]["server"], r["seconds_per_token"]["direct"]
        lines.append(f"| llama-server (streamed) against transformers' direct `generate`, same tiny model | "
                     f"{served * 1000:.2f} / {direct * 1000:.2f} ms a token | {served / direct:.2f} | |")
    lines.append(f"\ntransformers serve's loop: {r.get('uvicorn_loop')}. Load average {r['load_average']['before']:.1f} "
                 f"before, {r['load_average']['after']:.1f} after, on {r['cpus']} CPUs; medians of interleaved runs. "
                 "Each server is judged against its own runtime's direct generation on the same model.")
    return "\n".join(lines)


def main() -> None:
    import importlib.util

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokens", type=int, default=64)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--real-size", action="store_true", help="add rows for a model of the CPU default's size")
    p.add_argument("--real-tokens", type=int, default=16)
    p.add_argument("--real-reps", type=int, default=2)
    p.add_argument("--real-threads", default="", help="torch threads to try, e.g. 1,2 (default: the server's policy)")
    p.add_argument("--py-spy", default="", metavar="FILE",
                   help="profile the tiny model's server into FILE (collapsed stacks); skews that run's timings")
    p.add_argument("--runtime", choices=["both", "transformers", "llama.cpp"], default="both")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "local_llm.json"))
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    load_before = os.getloadavg()[0]
    print(f"load average {load_before:.1f} on {os.cpu_count()} CPUs", flush=True)
    r = bench(args.tokens, args.reps, args.py_spy, args.runtime)
    if args.real_size:
        threads = [int(t) for t in args.real_threads.split(",") if t] or [0]
        r["real_size"] = bench_real(args.real_tokens, args.real_reps, threads, args.runtime)
    r.update(load_average={"before": load_before, "after": os.getloadavg()[0]}, cpus=os.cpu_count(),
             uvicorn_loop="uvloop + httptools" if importlib.util.find_spec("uvloop")
             and importlib.util.find_spec("httptools") else "asyncio + h11")
    Path(args.out).write_text(json.dumps(r, indent=2) + "\n")
    print(table(r))


if __name__ == "__main__":
    main()
