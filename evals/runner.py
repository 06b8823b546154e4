"""`shotcaller eval`: run every scenario against a director (guided mode, the scripted server, or a
real LLM), score it, and write a Markdown report and a JSON one.

    shotcaller eval [--llm offline|scripted|openai:MODEL|ollama:MODEL|local[:MODEL]] [--scenarios DIR] [--out DIR]

Each scenario: 1. make the song (fixture or synthetic, with its true beat grid) and a project;
2. the simulated artist (evals/artist.py, seeded by the scenario's name) answers the director's
questions in varied words until a shot list exists; 3. the revision requests, phrased by the artist,
with the shots each names as the truth; 4. the quality evaluators (thresholds calibrated on
evals/calibration/) and the sanity checks, reported apart; 5. pass/fail.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shotlist.errors import ShotcallerError
from shotlist.models import Project

from .artist import Artist
from .case import Case, Revision
from .director import Said, open_session
from .evaluators import QUALITY
from .sanity import SANITY, RunFacts

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1] / "shared" / "fixtures" / "songs"
FIXTURE_TRUTH = {"chaos_god": (170.0, 0.026)}  # tempo from the MIDI chart, phase from the onsets
MAX_TURNS = 16
NOTHING = Said("assistant", "")


def load_scenarios(folder: Path) -> list[dict[str, Any]]:
    import jsonschema

    schema = json.loads((HERE / "scenario.schema.json").read_text())
    out = []
    for path in sorted(folder.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        try:
            jsonschema.validate(doc, schema)
        except jsonschema.ValidationError as e:
            raise ShotcallerError(f"{path.name}: {e.message} at {'/'.join(map(str, e.absolute_path)) or 'top'}") from None
        out.append(doc)
    if not out:
        raise ShotcallerError(f"no scenarios (*.yaml) in {folder}")
    return out


def make_song(scenario: dict[str, Any], work: Path) -> tuple[Path, Path | None, list[float], float]:
    """The audio, the lyrics file, the true beat times and the true tempo."""
    from shotlist.synth import DEFAULT_SECTIONS, write_click_song

    song = scenario["song"]
    lyrics = scenario.get("lyrics") or {}
    lyrics_path = None
    if "fixture" in song:
        import soundfile as sf

        folder = FIXTURES / song["fixture"]
        audio = folder / "song.ogg"
        bpm, phase = FIXTURE_TRUTH[song["fixture"]]
        beats = [phase + i * 60 / bpm for i in range(int(sf.info(str(audio)).duration * bpm / 60) + 1)]
        if lyrics.get("fixture_lrc"):
            lyrics_path = folder / "lyrics.lrc"
    else:
        syn = song["synthetic"]
        sections = tuple(tuple(s) for s in syn.get("sections", DEFAULT_SECTIONS))
        audio = work / "song.wav"
        bpm = float(syn["bpm"])
        beats, _ = write_click_song(audio, bpm=bpm, sections=sections)
    if "text" in lyrics or "lrc" in lyrics:
        lyrics_path = work / ("lyrics.lrc" if "lrc" in lyrics else "lyrics.txt")
        lyrics_path.write_text(lyrics.get("lrc") or lyrics["text"])
    return audio, lyrics_path, beats, bpm


def targets(project: Project, spec: dict[str, Any]) -> set[int]:
    """The shots a revision spec names (the truth the locality evaluator checks against)."""
    n = len(project.shots)
    if spec.get("none"):
        return set()
    if spec.get("last"):
        return {n}
    if "section" in spec:
        spans = [(s.start, s.end) for s in project.song.sections if s.label == spec["section"]]
        if spec.get("which") == "first":
            spans = spans[:1]
        return {i for i, shot in enumerate(project.shots, 1)
                if any(a <= (shot.start + shot.end) / 2 < b for a, b in spans)}
    if any(not 1 <= k <= n for k in spec["shots"]):
        return set()  # a shot that does not exist: a clear reply and no change is what is expected
    return set(spec["shots"])


@dataclass
class ScenarioResult:
    name: str
    quality: dict[str, float | None] = field(default_factory=dict)
    sanity: dict[str, float | None] = field(default_factory=dict)
    details: dict[str, float | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # the model's seconds per phase (phased director)
    error: str | None = None
    conversation: list[dict] = field(default_factory=list)
    shots: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


def run_scenario(scenario: dict[str, Any], llm: str, work: Path, thresholds: dict) -> ScenarioResult:
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    started = time.perf_counter()
    result = ScenarioResult(scenario["name"])
    audio, lyrics, beats, bpm = make_song(scenario, work)
    store = ProjectStore(work / "projects")
    project = store.create(audio, lambda p: analyse_song(p, lyrics=lyrics), title=scenario["name"])
    server = None
    session = None
    saved_env = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    try:
        spec = llm
        if llm == "scripted":
            from .scripted_director import scripted_server

            server = scripted_server(store, project.id, scenario).__enter__()
            os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"] = server.url, "eval"
            spec = "openai:scripted"
        session = open_session(store, project.id, spec)
        artist = Artist(scenario["persona"], seed=scenario["name"])
        facts = RunFacts(project=project, folder=store.folder(project.id), true_beats=beats)
        case = Case(name=scenario["name"], persona=scenario["persona"], tempo=bpm,
                    generic=bool(scenario.get("generic")))
        session.opening()
        for _ in range(MAX_TURNS):
            if session.project().shots:
                break
            said = session.messages()
            question = next((m for m in reversed(said) if m.role == "assistant"), NOTHING)
            topic = artist.topic_of(question)
            case.kept_generic |= topic == "pushback"
            session.say(artist.answer(question))
            if session.project().shots:
                case.before_plan = [{"role": m.role, "content": m.content} for m in said]
        facts.asked = set(artist.said)
        if not session.project().shots:
            case.before_plan = [{"role": m.role, "content": m.content} for m in session.messages()]
            session.plan()
        facts.plan_tokens = server.total_tokens() if server else None
        for revision in scenario.get("revisions", []):
            before = session.project()
            used = server.total_tokens() if server else 0
            request = artist.request(revision)
            session.say(request)
            after = session.project()
            locked = {n for n, s in enumerate(before.shots, 1) if s.locked}
            named = targets(before, revision)
            if revision["intent"] != "lock":
                named -= locked  # a locked shot never changes, even when a request names it
            case.revisions.append(Revision(request=request, targets=named, intent=revision["intent"],
                                           before=before.shots, after=after.shots, locked=locked))
            if server:
                facts.revision_tokens.append(server.total_tokens() - used)
        final = session.project()
        facts.project = final
        case.shots, case.brief, case.said = final.shots, final.brief, dict(artist.said)
        case.lyrics = [(x.time, x.text) for x in final.song.lyrics if x.time is not None]
        case.aspect, case.fps = final.brief.constraints.aspect, final.brief.constraints.fps
        result.shots = [s.model_dump(include={"start", "end", "section", "lyric", "shot_size", "movement", "subject",
                                              "action", "setting", "reason", "why_generative", "locked"})
                        for s in final.shots]
        result.conversation = [{"role": m.role, "content": m.content[:2000]} for m in session.messages()]
        for ev in QUALITY:
            scores = ev.evaluate(case)
            result.quality[ev.name] = scores.pop(ev.name)
            scores.pop("flags", None)  # per-shot notes: `shotcaller score` prints them
            result.details.update(scores)
        for check in SANITY:
            result.sanity.update(check(facts))
        result.failures = judge(result.quality, result.sanity, thresholds,
                                gated=PATH_QUALITY if llm == "scripted" else None)
    except ShotcallerError as e:
        result.error = str(e)
    finally:
        result.phases = session.phase_seconds() if session else {}
        if server:
            server.__exit__(None, None, None)
        for key, value in saved_env.items():  # the scripted endpoint must not outlive its scenario
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    result.seconds = time.perf_counter() - started
    return result


# The scripted server writes each scenario's own `scripted` shots (a few plain rows, never the guided
# planner): its content scores describe that script, not a director. What it tests is the agent path —
# filing through update_brief, the plan through propose_shot_list, revisions on the named shots only —
# so it is judged on the sanity checks and on revision locality; the other columns are shown, not gated.
PATH_QUALITY = ("revision_locality",)


def judge(quality: dict[str, float | None], sanity: dict[str, float | None], thresholds: dict,
          gated: tuple[str, ...] | None = None) -> list[str]:
    """The failures: each quality score under its threshold (only those in `gated` when given) and each
    sanity check outside its limits."""
    fails = []
    for name, value in quality.items():
        if gated is not None and name not in gated:
            continue
        low = (thresholds.get("quality", {}).get(name) or {}).get("min")
        if value is not None and low is not None and value < low:
            fails.append(f"{name} {value:.2f} < {low}")
    limits = thresholds.get("sanity", {})
    for name, value in sanity.items():
        low, high = limits.get("min", {}).get(name), limits.get("max", {}).get(name)
        if value is not None and low is not None and value < low:
            fails.append(f"{name} {value:.2f} < {low}")
        if value is not None and high is not None and value > high:
            fails.append(f"{name} {value:.2f} > {high}")
    return fails


def _table(results: list[ScenarioResult], attr: str, thresholds: dict[str, float | None]) -> list[str]:
    names = [n for n in dict.fromkeys(k for r in results for k in getattr(r, attr))]
    head = "| scenario | " + " | ".join(names) + " |"
    limit = "| *pass at* | " + " | ".join("" if thresholds.get(n) is None else str(thresholds[n]) for n in names) + " |"
    rows = [head, "|" + "---|" * (len(names) + 1), limit]
    for r in results:
        scores = getattr(r, attr)
        cells = []
        for n in names:
            v, t = scores.get(n), thresholds.get(n)
            mark = "" if v is None or t is None else (" ✓" if (v <= t if n == "revision_tokens" else v >= t) else " ✗")
            cells.append("n/a" if v is None else f"{v:.2f}{mark}")
        rows.append(f"| {r.name} | " + " | ".join(cells) + " |")
    return rows


def phase_table(results: list[ScenarioResult]) -> list[str]:
    """The model's time per phase and scenario (the phased director counts its calls; others print nothing)."""
    phases = list(dict.fromkeys(p for r in results for p in r.phases))
    if not phases:
        return []
    rows = ["**Model time per phase** (seconds):", "", "| scenario | " + " | ".join(phases) + " | total |",
            "|---" * (len(phases) + 2) + "|"]
    for r in results:
        rows.append(f"| {r.name} | " + " | ".join(f"{r.phases.get(p, 0.0):.1f}" for p in phases)
                    + f" | {r.seconds:.1f} |")
    return [*rows, ""]


def report(results: list[ScenarioResult], llm: str, thresholds: dict) -> tuple[str, dict[str, Any]]:
    rate = sum(r.passed for r in results) / len(results)
    q_limits = {k: v.get("min") for k, v in thresholds.get("quality", {}).items()}
    s = thresholds.get("sanity", {})
    s_limits = {**s.get("min", {}), **s.get("max", {})}
    gate = ("", "Gate: the sanity checks and revision locality (the agent path); the other quality columns score "
                "each scenario's own scripted shots and are shown, not gated (`evals/runner.py: PATH_QUALITY`).", "") \
        if llm == "scripted" else ()
    md = [f"Director: `{llm}` · {len(results)} scenarios · pass rate **{rate:.0%}**", *gate, "",
          "**Quality** (thresholds calibrated on `evals/calibration/`, see `evals/thresholds.yaml`):", "",
          *_table(results, "quality", q_limits), "",
          "**Sanity checks** (what the tools guarantee; not a measure of quality):", "",
          *_table(results, "sanity", s_limits), ""]
    md += phase_table(results)
    for r in results:
        if not r.passed:
            md.append(f"- {r.name}: " + (r.error or "; ".join(r.failures)))
    data = {"llm": llm, "pass_rate": rate,
            "scenarios": [r.__dict__ | {"passed": r.passed} for r in results]}
    return "\n".join(md) + "\n", data


def run_all(llm: str = "offline", scenarios: Path | None = None, out: Path | None = None) -> tuple[str, dict]:
    thresholds = yaml.safe_load((HERE / "thresholds.yaml").read_text())
    docs = load_scenarios(scenarios or HERE / "scenarios")
    if llm.split(":", 1)[0].lower() == "local":  # fetch and start it once, and never score guided mode under its name
        from assistant.llm import resolve_provider
        from assistant.session import start_local

        start_local(resolve_provider(llm))
    results = []
    for doc in docs:
        with tempfile.TemporaryDirectory() as work:
            results.append(run_scenario(doc, llm, Path(work), thresholds))
    md, data = report(results, llm, thresholds)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        slug = llm.replace(":", "-").replace("/", "-")
        (out / f"report-{slug}.md").write_text(md)
        (out / f"report-{slug}.json").write_text(json.dumps(data, indent=2, default=str))
    return md, data
