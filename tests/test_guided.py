"""Guided mode end to end: the real `shotcaller chat --llm offline` on the fixture song."""

import json
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_DIR, SHOTCALLER
from test_cli import run

ANSWERS = (FIXTURE_DIR.parent.parent.parent / "checks" / "scarborough-answers.txt")
GENERIC_ANSWERS = [
    "It's about growing up and missing the old days.",
    "A life montage: a girl grows up in grocery stores and school hallways, then walks on a beach at sunset.",
    "grocery store aisles; school hallways; a beach at sunset",
    "Nostalgic and warm. Palette: golden hour",
    "Because AI video is cool and cheap.",
    "16:9, 24 fps",
]


def chat(pid, lines, llm="offline"):
    proc = subprocess.run([SHOTCALLER, "chat", pid, "--llm", llm], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def export(pid):
    return json.loads(run("export", pid, "--out", "-").stdout)


def on_grid(t, bpm=170.0, phase=0.026):
    period = 60 / bpm
    x = (t - phase) % period
    return min(x, period - x) <= 0.07


@pytest.fixture(scope="module")
def planned(tmp_path_factory, fixture_song, fixture_lrc):
    import os
    home = tmp_path_factory.mktemp("guided-home")
    os.environ["SHOTCALLER_HOME"] = str(home)
    try:
        pid = run("new", "--song", fixture_song, "--lyrics", fixture_lrc, "--title", "Chaos God").stdout.split()[-1]
        out = chat(pid, [*Path(ANSWERS).read_text().splitlines(), "/plan", "/quit"])
        yield home, pid, out, export(pid)
    finally:
        del os.environ["SHOTCALLER_HOME"]


@pytest.fixture
def planned_home(planned, monkeypatch):
    monkeypatch.setenv("SHOTCALLER_HOME", str(planned[0]))
    return planned


def test_interview_asks_every_topic_before_planning(planned_home):
    _, _, out, doc = planned_home
    first_table = out.index("Treatment")
    for word in ("about", "story", "images", "feel", "generated", "constraints"):
        assert word in out[:first_table].lower(), word
    b = doc["brief"]
    assert b["motifs"][:2] == ["parsley, sage, rosemary and thyme growing out of cloth", "a seamless shirt made of mist"]
    assert b["palette"].startswith("muted greens") and b["constraints"]["fps"] == 24.0
    assert b["constraints"]["aspect"] == "16:9" and "no text on screen" in b["constraints"]["notes"]


def test_plan_is_timed_justified_and_carries_every_line(planned_home):
    _, _, _, doc = planned_home
    shots = doc["shots"]
    assert shots[0]["start"] == 0 and abs(shots[-1]["end"] - doc["song"]["duration"]) < 1e-3
    assert all(on_grid(s["start"]) for s in shots[1:])
    assert all(s["reason"].strip() and s["why_generative"].strip() for s in shots)
    for line in doc["song"]["lyrics"]:
        t = line["time"]
        assert any(s["start"] - 0.05 <= t < s["end"] + 0.05 and line["text"][:12].lower() in (s["lyric"] or "").lower()
                   for s in shots), line
    lyric_shots = [s for s in shots if s["lyric"]]
    assert all(s["lyric"].split(" / ")[0][:20] in s["reason"] for s in lyric_shots)  # reasons quote the line
    assert sum(s["critique"]["generic"] for s in shots) / len(shots) <= 0.10
    assert len({s["shot_size"] for s in shots}) >= 5 and len({s["movement"] for s in shots}) >= 5
    chorus_motif = doc["brief"]["motifs"][0]
    assert sum(chorus_motif in s["subject"] for s in shots if s["section"] == "chorus") >= 3  # the motif recurs


def test_one_shot_revision_changes_only_that_shot(planned_home):
    _, pid, _, before = planned_home
    out = chat(pid, ["shot 3 longer", "/quit"])
    assert "Shot 3 now ends" in out
    after = export(pid)
    changed = [i for i, (a, b) in enumerate(zip(before["shots"], after["shots"]))
               if (a["start"], a["end"], a["prompt"]) != (b["start"], b["end"], b["prompt"])]
    assert changed == [2, 3]  # shot 3's end and shot 4's start
    assert [s["id"] for s in after["shots"]] == [s["id"] for s in before["shots"]]
    assert [s["seed"] for s in after["shots"]] == [s["seed"] for s in before["shots"]]
    out = chat(pid, ["/undo", "make the chorus colder", "/quit"])
    colder = export(pid)
    for a, b in zip(before["shots"], colder["shots"]):
        assert ("cold blue light" in b["prompt"]) == (a["section"] == "chorus")
    assert "didn't understand “turn it into a rock opera”" in chat(pid, ["turn it into a rock opera", "/quit"])


def test_generic_concept_gets_pushback_then_is_respected(fixture_song):
    pid = run("new", "--song", fixture_song, "--title", "Montage").stdout.split()[-1]
    out = chat(pid, [*GENERIC_ANSWERS, "keep it", "/quit"])
    assert "isn't a reason for this video" in out  # "cool and cheap" is questioned once
    assert "one of the most common images in music videos" in out and "keep it" in out
    assert any(name in out for name in ("grocery store", "school hallway", "beach at sunset", "life montage"))
    assert not export(pid)["shots"]  # it waits for the artist's decision
    out = chat(pid, ["keep it", "/plan", "/quit"])
    doc = export(pid)
    assert doc["shots"] and "plan it your way" in out
    assert any(s["critique"]["generic"] for s in doc["shots"])  # and it says which shots are generic


def test_conversation_survives_a_restart(planned_home):
    _, pid, _, _ = planned_home
    folder = Path(planned_home[0]) / "projects" / pid
    messages = [json.loads(x) for x in (folder / "chat.jsonl").read_text().splitlines()]
    assert messages[0]["role"] == "assistant" and sum(m["role"] == "user" for m in messages) >= 6
    out = chat(pid, ["/show", "/quit"])
    assert "I've listened" not in out  # no new interview: it continues
