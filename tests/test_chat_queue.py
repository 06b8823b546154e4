"""`shotcaller chat --song`: the artist answers while the song is still being analysed, and nothing
typed is lost: every early message is answered, in order, once the project exists (real audio, the
real entry point, guided mode)."""

import json
import os
import subprocess

from conftest import SHOTCALLER
from shotlist.synth import write_click_song

SECTIONS = (("intro", 2, 110.0, 0.3), ("verse", 4, 146.8, 0.55), ("chorus", 4, 196.0, 1.0),
            ("verse", 4, 146.8, 0.6), ("chorus", 4, 196.0, 1.0), ("outro", 2, 110.0, 0.3))
LRC = """[00:05.40]The lamp in the window is counting the cars
[00:10.60]none of them yours, none of them ours
[00:15.80]Leave the light on, leave the light on
[00:21.00]the moths know the way you have gone
[00:26.20]I folded your shirts into paper cranes
[00:31.40]they flew to the station and waited for trains
[00:36.60]Leave the light on, leave the light on
[00:41.80]the moths know the way you have gone
"""
# typed before the project exists: a greeting, labels in odd forms, topics out of order
EARLY = ["hey! ok so",
         "constraints - 16:9, no faces in close up pls, no text on screen",
         "so basically its about my sister moving abroad and me keeping her room the same for years",
         "MOTIFS: a lamp in a window, paper cranes, moths, a suitcase",
         "why gen? a camera cant film shirts folding themselves into birds"]
LATER = ["the story is me alone in the house, and by the last chorus the house packs itself up to follow her",
         "feeling - hushed, patient, a bit hopeful", "let's go", "the one after shot 2, tighter framing", "/quit"]


def test_answers_typed_while_the_song_is_analysed_are_all_answered_in_order(tmp_path):
    wav, lrc = tmp_path / "lamp.wav", tmp_path / "lamp.lrc"
    write_click_song(wav, bpm=92.0, sections=SECTIONS)
    lrc.write_text(LRC)
    home = tmp_path / "fresh-home"  # no shared analysis cache: the song really is analysed while we type
    env = os.environ | {"SHOTCALLER_HOME": str(home)}
    proc = subprocess.Popen([SHOTCALLER, "chat", "--song", str(wav), "--lyrics", str(lrc), "--title", "Leave It On",
                             "--llm", "offline"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    proc.stdin.write("".join(m + "\n" for m in EARLY))
    proc.stdin.flush()
    seen = [proc.stdout.readline()]
    while "created" not in seen[-1] and seen[-1]:
        seen.append(proc.stdout.readline())
    assert seen[0].startswith("analysing") and f"the {len(EARLY)} messages you typed meanwhile" in seen[-1], seen
    out, err = proc.communicate("".join(m + "\n" for m in LATER), timeout=600)
    assert proc.returncode == 0 and "Traceback" not in err, err[-2000:]
    typed = [line[5:] for line in out.splitlines() if line.startswith("you> ")]
    assert typed == EARLY + LATER  # every message answered, in the order typed

    pid = next(line for line in seen if "created" in line).split("(")[1].split(")")[0]
    project = json.loads(subprocess.run([SHOTCALLER, "export", pid, "--out", "-"], capture_output=True, text=True,
                                        check=True, env=env).stdout)
    brief = project["brief"]
    assert brief["meaning"].startswith("so basically its about my sister")
    assert brief["motifs"] == ["a lamp in a window", "paper cranes", "moths", "a suitcase"]
    assert brief["why_generative"].startswith("a camera cant film shirts")
    assert brief["story"].startswith("me alone in the house") and brief["feeling"].startswith("hushed, patient")
    rules = brief["constraints"]
    assert rules["aspect"] == "16:9" and rules["avoid"] == ["faces in close up", "text on screen"]
    assert "hey" not in json.dumps(brief).lower()  # the greeting was not filed as an answer
    shots = project["shots"]
    assert shots and all("text on screen" in s["negative_prompt"] for s in shots)
    assert "Made shot 3 closer" in out  # "the one after shot 2", not shot 2
    chat = [json.loads(x) for x in (home / "projects" / pid / "chat.jsonl").read_text().splitlines()]
    assert [m["content"] for m in chat if m["role"] == "user"] == EARLY + LATER[:-1]  # /quit is a command
