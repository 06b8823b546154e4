"""Where the first streamed token's time goes: one LLM turn in the studio and one in bare Gradio, each
step timestamped on one clock (epoch ms) in the page and on the servers.

    python -m benchmarks.studio_probe [--turns 3] [--shots 100] [--quiet] [--profile MS] [--trace PATH]
    PROBE_BEHIND=1 python -m benchmarks.studio_probe   # each page left where it is, not brought to front

Page (Chromium, an init script): Enter's keydown, every fetch (the queue/join request, the queue/data
stream) and each piece of the stream as it arrives, long tasks, and the first DOM mutation that shows
the reply's first words in the chat. Servers (a launcher that wraps the ASGI app and the studio's
steps): the request's arrival, each SSE write, and in the studio the handler's steps (the echo, the
director's first text, the first update handed to Gradio). The scripted LLM logs its requests.
Prints one timeline per turn, relative to the keydown; `--profile` adds the page's sampled JavaScript,
`--trace` writes a Chromium trace of each studio turn (timers, frames, requests).
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

from . import studio as bench

SERVER = r'''
import os, sys, time, json
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
LOG = open(sys.argv[1], "a", buffering=1)
def mark(what):
    LOG.write(json.dumps([time.time() * 1000, what]) + "\n")
import gradio.routes as routes
call = routes.App.__call__
async def traced(self, scope, receive, send):
    path = scope.get("path", "")
    if scope["type"] != "http" or "queue/" not in path:
        return await call(self, scope, receive, send)
    mark("server: request " + path)
    async def sending(message):
        if message["type"] == "http.response.body" and message.get("body"):
            mark("server: wrote " + message["body"][:90].decode("utf-8", "replace").replace("\n", " "))
        return await send(message)
    return await call(self, scope, receive, sending)
routes.App.__call__ = traced
import gradio.blocks as blocks
def timing(name, fn, is_async):
    if is_async:
        async def wrapped(*a, **k):
            t = time.time() * 1000
            try:
                return await fn(*a, **k)
            finally:
                mark(f"{name if name.startswith('director') else 'gradio: ' + name} {time.time() * 1000 - t:.1f} ms")
    else:
        def wrapped(*a, **k):
            t = time.time() * 1000
            try:
                return fn(*a, **k)
            finally:
                mark(f"{name if name.startswith('director') else 'gradio: ' + name} {time.time() * 1000 - t:.1f} ms")
    return wrapped
for name in ("call_function", "postprocess_data", "handle_streaming_outputs", "process_api"):
    setattr(blocks.Blocks, name, timing(name, getattr(blocks.Blocks, name), True))
for name in ("handle_streaming_diffs", "get_state_ids_to_track"):
    setattr(blocks.Blocks, name, timing(name, getattr(blocks.Blocks, name), False))
if sys.argv[2] == "studio":
    import ui.chat, ui.wiring
    answer = ui.chat.ChatTurns.answer
    def answering(self, session, message):
        mark("studio: answer starts")
        for i, changed in enumerate(answer(self, session, message)):
            text = session.chat[-1]["content"] if session.chat else ""
            mark(f"studio: answer yields #{i} ({str(text)[:30]!r})")
            yield changed
    ui.chat.ChatTurns.answer = answering
    director = ui.chat.ChatTurns.director
    def directing(self, session, **kw):
        mark("studio: director(session) called")
        d = director(self, session, **kw)
        mark("studio: director ready")
        if not getattr(d, "_probed", False):
            turn = d.turn
            def probed_turn(*a, **k):
                mark("director: turn starts")
                for i, reply in enumerate(turn(*a, **k)):
                    if i < 2:
                        mark(f"director: reply #{i} {reply.text[:30]!r}")
                    yield reply
            d.turn, d._probed = probed_turn, True
        return d
    ui.chat.ChatTurns.director = directing
    import assistant.agent, assistant.tools  # the director's own preparation, before its request
    assistant.agent.context_text = timing("director: context_text", assistant.agent.context_text, False)
    assistant.tools.ProjectTools.project = timing("director: project()", assistant.tools.ProjectTools.project, False)
    assistant.agent.AgentDirector._history = timing("director: _history", assistant.agent.AgentDirector._history,
                                                    False)
    in_order = ui.wiring.Wiring.in_order
    def ordered(self, session, updates):
        mark("wiring: in_order starts")
        for i, update in enumerate(in_order(self, session, updates)):
            mark(f"wiring: update #{i} handed to Gradio ({len(update)} outputs)")
            yield update
            mark(f"wiring: Gradio asks for update #{i + 1}")
    ui.wiring.Wiring.in_order = ordered
    from ui.studio import launch
    launch(port=int(sys.argv[3]))
else:
    sys.argv = [sys.argv[0], *sys.argv[3:]]
    exec(compile(os.environ["PROBE_BARE_APP"], "bare_app", "exec"))
'''

PAGE = r'''(() => {
  const T = window.__probe = [];
  const mark = (what) => T.push([performance.timeOrigin + performance.now(), what]);
  window.__probeMark = mark;
  document.addEventListener('keydown', e => { if (e.key === 'Enter') mark('page: keydown Enter'); }, true);
  const original = window.fetch;
  window.fetch = async function (input, init) {
    const url = (typeof input === 'string' ? input : input.url).replace(location.origin, '');
    mark('page: fetch ' + url.split('?')[0]);
    if (!url.includes('queue/')) return original.apply(this, arguments);
    const response = await original.apply(this, arguments);
    mark('page: headers ' + url.split('?')[0]);
    if (!url.includes('queue/data') || !response.body) return response;
    const decoder = new TextDecoder();
    const logged = new TransformStream({transform(chunk, ctl) {
      mark('page: read ' + decoder.decode(chunk, {stream: true}).slice(0, 90).replace(/\n/g, ' '));
      ctl.enqueue(chunk);
    }});
    return new Response(response.body.pipeThrough(logged),
                        {status: response.status, statusText: response.statusText, headers: response.headers});
  };
  try {
    new PerformanceObserver(list => list.getEntries().forEach(e =>
      T.push([performance.timeOrigin + e.startTime, `page: long task ${e.duration.toFixed(0)} ms`])))
      .observe({type: 'longtask', buffered: false});
  } catch (e) {}
  new MutationObserver(() => {
    const words = window.__probeWords;
    if (!words || window.__probeSeen) return;
    const rows = [...document.querySelectorAll('#chat .bot-row')].slice(window.__probeRows || 0);
    if (rows.some(r => r.innerText.includes(words))) {
      window.__probeSeen = true;
      mark('page: words in the DOM');
      requestAnimationFrame(() => mark('page: next animation frame'));
    }
  }).observe(document, {subtree: true, childList: true, characterData: true});
})()'''


def server(log: Path, mode: str, port: int, env: dict, *extra: str):
    return bench.serve([sys.executable, "-c", SERVER, str(log), mode, str(port), *extra], port, env)


def turn(page, box: str, text: str, words: str, logs: list[Path], servers, profile: list | None = None,
         trace: str | None = None) -> list[tuple[float, str]]:
    """One turn's events, in ms after the keydown."""
    for log in logs:
        log.write_text("")
    if not os.environ.get("PROBE_BEHIND"):  # PROBE_BEHIND=1: as the benchmark did, the page left where it is
        page.bring_to_front()
    entry = page.locator(f"#{box} textarea").first
    entry.fill(text)
    page.evaluate(f"""() => {{ window.__probe.length = 0; window.__probeSeen = false;
        window.__probeRows = document.querySelectorAll('#chat .bot-row').length;
        window.__probeWords = {json.dumps(words)}; }}""")
    cdp = None
    if profile is not None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
    if trace:
        page.context.browser.start_tracing(page=page, path=trace, categories=[
            "devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline", "blink.user_timing"])
    entry.press("Enter")
    page.wait_for_function("() => window.__probeSeen", timeout=60_000)
    if trace:
        page.context.browser.stop_tracing()
    if cdp is not None:
        profile.append(cdp.send("Profiler.stop")["profile"])
        cdp.detach()
    bench.quiet(servers)
    page.wait_for_timeout(300)
    events = [tuple(e) for e in page.evaluate("window.__probe")]
    for log in logs:
        events += [tuple(json.loads(line)) for line in log.read_text().splitlines() if line.strip()]
    start = next(t for t, what in events if what == "page: keydown Enter")
    return sorted((t - start, what) for t, what in events if t - start > -5)


def timeline(profile: dict, until_ms: float = 120) -> None:
    """The page's JavaScript, sampled: which function ran, in runs of equal leaves, from the profile's start."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}

    def frame(node_id: int) -> str:
        names = []
        while node_id in nodes and len(names) < 4:
            f = nodes[node_id]["callFrame"]
            if f["functionName"] not in ("", "(root)"):
                names.append(f"{f['functionName']}@{f['url'].rsplit('/', 1)[-1]}:{f['lineNumber']}:{f['columnNumber']}")
            elif f["functionName"] == "" and f["url"] == "" and not names:
                names.append(nodes[node_id]["callFrame"]["functionName"] or "(program)")
            node_id = parent.get(node_id, -1)
        return " < ".join(names) or "?"

    t, runs = 0.0, []
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"]):
        t += delta / 1000
        if t > until_ms:
            break
        label = frame(node_id)
        if runs and runs[-1][1] == label:
            runs[-1][2] = t
        else:
            runs.append([t, label, t])
    for start, label, end in runs:
        if "(idle)" not in label:
            print(f"  {start:7.1f}-{end:7.1f} ms  {label[:200]}")


def show(name: str, events: list[tuple[float, str]], until: float = 2000) -> None:
    print(f"\n--- {name}")
    for t, what in events:
        if t <= until:
            print(f"{t:8.1f} ms  {what}")


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--turns", type=int, default=3)
    args.add_argument("--shots", type=int, default=bench.SHOTS)
    args.add_argument("--quiet", action="store_true", help="only the summary lines")
    args.add_argument("--trace", help="write a Chromium trace of each studio turn to TRACE-N.json")
    args.add_argument("--profile", type=float, default=0, help="print the page's JS for this many ms of each turn")
    opts = args.parse_args()
    bench.SHOTS = opts.shots
    from playwright.sync_api import sync_playwright

    from evals.scripted_openai import ScriptedOpenAI, Step

    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        llm_log = home / "llm.log"
        llm_log.write_text("")

        def scripted(request):
            with open(llm_log, "a") as f:
                f.write(json.dumps([time.time() * 1000, "llm: request"]) + "\n")
            return Step.text(bench.REPLY)

        with ScriptedOpenAI(scripted) as llm:
            pid = bench.rendered_project(home)
            env = dict(os.environ, SHOTCALLER_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False",
                       OPENAI_BASE_URL=llm.url, OPENAI_API_KEY="bench", SHOTCALLER_LLM="openai:scripted",
                       PROBE_BARE_APP=bench.BARE_APP, PYTHONPATH=str(bench.ROOT))
            ps, pb = bench.free_port(), bench.free_port()
            slog, blog = home / "studio.log", home / "bare.log"
            studio = server(slog, "studio", ps, env)
            bare = server(blog, "bare", pb, env, llm.url)
            bench.settle(studio)
            results: dict[str, list[float]] = {"studio": [], "bare": []}
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=bench.CHROMIUM_ARGS)
                    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
                    ctx.add_init_script(PAGE)
                    sp = ctx.new_page()
                    sp.goto(f"http://127.0.0.1:{ps}/")
                    sp.wait_for_function(f"() => {bench.text_of('header')}.includes('director:')", timeout=120_000)
                    sp.click("#project-pick input")
                    sp.get_by_role("option", name=f"({pid})").click()
                    sp.wait_for_function(f"() => {bench.text_of('header')}.includes('{pid}')", timeout=120_000)
                    bench.quiet([studio], window_s=1.0, share=0.1, limit_s=180)
                    bp = ctx.new_page()
                    bp.goto(f"http://127.0.0.1:{pb}/")
                    bp.wait_for_function(f"() => {bench.text_of('header')}.includes('director:')", timeout=120_000)
                    first = " ".join(bench.REPLY.split()[:2])
                    for n in range(opts.turns):
                        for name, page, box, log in (("studio", sp, "chat-input", slog),
                                                           ("bare", bp, "llm-input", blog)):
                            profile: list | None = [] if opts.profile else None
                            events = turn(page, box, f"what about shot {n + 5}?", first, [log, llm_log],
                                          [studio, bare], profile,
                                          f"{opts.trace}-{n + 1}.json" if opts.trace and name == "studio" else None)
                            seen = next(t for t, what in events if what == "page: words in the DOM")
                            results[name].append(seen)
                            if not opts.quiet:
                                show(f"{name}, turn {n + 1}: words in the DOM at {seen:.0f} ms", events, seen + 50)
                            if profile:
                                print(f"page JS, {name} turn {n + 1}, ms from the profiler's start (just before Enter):")
                                timeline(profile[0], opts.profile)
                    browser.close()
            finally:
                for proc in (studio, bare):
                    proc.terminate()
    print(f"\nkeydown → words in the DOM, median of {opts.turns}: studio {statistics.median(results['studio']):.0f} ms "
          f"{[round(x) for x in results['studio']]}, bare {statistics.median(results['bare']):.0f} ms "
          f"{[round(x) for x in results['bare']]}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
