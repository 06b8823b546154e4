"""`shotcaller eval`: run every scenario against a director (guided mode, the scripted server, or a
real LLM), score it with the evaluators, and write a Markdown table and a JSON report.

    shotcaller eval [--llm offline|scripted|openai:MODEL|ollama:MODEL|local[:MODEL]] [--scenarios DIR] [--out DIR]

Each scenario: 1. make the song (fixture or synthetic, with its true beat grid) and a project;
2. the simulated artist answers the director's questions by topic until a shot list exists;
3. the revision requests; 4. every evaluator; 5. thresholds → pass/fail.
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

from .artist import Artist
from .evaluators import EVALUATORS, Run

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1] / "shared" / "fixtures" / "songs"
FIXTURE_TRUTH = {"chaos_god": (170.0, 0.026)}  # tempo from the MIDI chart, phase from the onsets
MAX_TURNS = 16


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


def make_song(scenario: dict[str, Any], work: Path) -> tuple[Path, Path | None, list[float]]:
    """The audio, the lyrics file, and the true beat times."""
    from shotlist.synth import DEFAULT_SECTIONS, write_click_song

    song = scenario["song"]
    lyrics = scenario.get("lyrics") or {}
    lyrics_path = None
    if "fixture" in song:
        folder = FIXTURES / song["fixture"]
        audio = folder / "song.ogg"
        bpm, phase = FIXTURE_TRUTH[song["fixture"]]
        import soundfile as sf

        beats = [phase + i * 60 / bpm for i in range(int(sf.info(str(audio)).duration * bpm / 60) + 1)]
        if lyrics.get("fixture_lrc"):
            lyrics_path = folder / "lyrics.lrc"
    else:
        syn = song["synthetic"]
        sections = tuple(tuple(s) for s in syn.get("sections", DEFAULT_SECTIONS))
        audio = work / "song.wav"
        beats, _ = write_click_song(audio, bpm=float(syn["bpm"]), sections=sections)
    if "text" in lyrics or "lrc" in lyrics:
        lyrics_path = work / ("lyrics.lrc" if "lrc" in lyrics else "lyrics.txt")
        lyrics_path.write_text(lyrics.get("lrc") or lyrics["text"])
    return audio, lyrics_path, beats


@dataclass
class ScenarioResult:
    name: str
    scores: dict[str, float | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


def run_scenario(scenario: dict[str, Any], llm: str, work: Path, thresholds: dict[str, dict[str, float]]):
    from assistant.session import open_director
    from shotlist.song import analyse_song
    from shotlist.store import ProjectStore

    started = time.perf_counter()
    result = ScenarioResult(scenario["name"])
    audio, lyrics, beats = make_song(scenario, work)
    store = ProjectStore(work / "projects")
    project = store.create(audio, lambda p: analyse_song(p, lyrics=lyrics), title=scenario["name"])
    server = None
    saved_env = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    try:
        if llm == "scripted":
            from .scripted_director import scripted_server

            server = scripted_server(store, project.id).__enter__()
            os.environ["OPENAI_BASE_URL"] = server.url
            os.environ["OPENAI_API_KEY"] = "eval"
            spec = "openai:scripted"
        else:
            spec = llm
        director = open_director(store, project.id, spec)
        artist = Artist(scenario["persona"])
        run = Run(scenario=scenario, store=store, project_id=project.id, true_beats=beats, server=server)
        director.opening()
        for _ in range(MAX_TURNS):
            if store.load(project.id).shots:
                break
            question = director.conversation.messages[-1]
            run.asked.add(artist.topic_of(question))
            for _reply in director.turn(artist.answer(question)):
                pass
        if not store.load(project.id).shots:
            for _reply in director.plan():
                pass
        run.plan_tokens = server.total_tokens() if server else None
        for revision in scenario.get("revisions", []):
            run.revise(director, revision)
        run.conversation = [m.model_dump() for m in director.conversation.messages]
        for evaluator in EVALUATORS:
            result.scores.update(evaluator(run))
        result.failures = judge(result.scores, thresholds, scenario)
    except ShotcallerError as e:
        result.error = str(e)
    finally:
        if server:
            server.__exit__(None, None, None)
        for key, value in saved_env.items():  # the scripted endpoint must not outlive its scenario
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    result.seconds = time.perf_counter() - started
    return result


def judge(scores: dict[str, float | None], thresholds: dict[str, dict[str, float]], scenario: dict) -> list[str]:
    fails = []
    for name, value in scores.items():
        if value is None:
            continue
        if name == "generic_rate" and scenario.get("generic"):
            if value <= 0:
                fails.append("generic_rate: the critic flagged no shot in a generic-concept scenario")
            continue
        low, high = thresholds.get("min", {}).get(name), thresholds.get("max", {}).get(name)
        if low is not None and value < low:
            fails.append(f"{name} {value:.2f} < {low}")
        if high is not None and value > high:
            fails.append(f"{name} {value:.2f} > {high}")
    return fails


def report(results: list[ScenarioResult], llm: str) -> tuple[str, dict[str, Any]]:
    names = sorted({k for r in results for k in r.scores})
    head = "| scenario | " + " | ".join(names) + " | pass |"
    rows = [head, "|" + "---|" * (len(names) + 2)]
    for r in results:
        cells = ["n/a" if r.scores.get(n) is None else f"{r.scores[n]:.2f}" for n in names]
        rows.append(f"| {r.name} | " + " | ".join(cells) + f" | {'✓' if r.passed else '✗'} |")
    rate = sum(r.passed for r in results) / len(results)
    md = (f"Director: `{llm}` · {len(results)} scenarios · pass rate **{rate:.0%}**\n\n" + "\n".join(rows) + "\n")
    for r in results:
        if not r.passed:
            md += f"\n- {r.name}: " + (r.error or "; ".join(r.failures))
    data = {"llm": llm, "pass_rate": rate, "scenarios": [r.__dict__ | {"passed": r.passed} for r in results]}
    return md, data


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
    md, data = report(results, llm)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        slug = llm.replace(":", "-").replace("/", "-")
        (out / f"report-{slug}.md").write_text(md)
        (out / f"report-{slug}.json").write_text(json.dumps(data, indent=2, default=str))
    return md, data
