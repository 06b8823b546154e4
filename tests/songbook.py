"""Songs the guided director has never seen, built as `Song` objects (no audio analysis), and a
guided director on a real project store for each."""

from __future__ import annotations

from pathlib import Path

from assistant.conversation import Conversation
from assistant.guided import GuidedDirector
from assistant.tools import ProjectTools
from shotlist.models import LyricLine, Section, Song
from shotlist.store import ProjectStore

# (label, bars, energy, lines sung in it)
BALLAD = (95.0, [
    ("intro", 4, 0.2, []),
    ("verse", 8, 0.4, ["I left the porch light burning", "for a car that never turned the corner",
                       "the moths wrote letters on the glass", "and I read every one"]),
    ("chorus", 8, 0.7, ["Come home, come home", "the kettle still remembers you", "Come home, come home",
                        "before the light burns through"]),
    ("verse", 8, 0.45, ["Your coat still holds the shape of rain", "the stairs still count your steps",
                        "I sweep the hallway every night", "so the dust won't learn your name"]),
    ("chorus", 8, 0.75, ["Come home, come home", "the kettle still remembers you", "Come home, come home",
                         "before the light burns through"]),
    ("bridge", 8, 0.5, ["Maybe the road forgot the way", "maybe I did too"]),
    ("chorus", 8, 0.8, ["Come home, come home", "the kettle still remembers you", "Come home, come home",
                        "before the light burns through"]),
    ("outro", 4, 0.2, []),
])
PUNK = (172.0, [
    ("intro", 4, 0.6, []),
    ("verse", 8, 0.8, ["Concrete teeth and paper crowns", "we burn the map and the town burns down"]),
    ("chorus", 8, 1.0, ["Riot in the static", "riot in the wire", "we are the static", "we are the fire"]),
    ("verse", 8, 0.8, ["Sirens sing in seven keys", "the statues kneel and beg for keys"]),
    ("chorus", 8, 1.0, ["Riot in the static", "riot in the wire", "we are the static", "we are the fire"]),
    ("outro", 4, 0.7, []),
])
POP = (118.0, [
    ("intro", 2, 0.3, []),
    ("verse", 8, 0.5, ["Glass elevator to the moon", "I pressed every button twice"]),
    ("chorus", 8, 0.9, ["Orbit me slowly", "orbit me now"]),
    ("verse", 8, 0.55, ["Satellites are gossiping", "about the way you dance"]),
    ("chorus", 8, 0.9, ["Orbit me slowly", "orbit me now"]),
    ("bridge", 4, 0.4, ["Gravity is just a rumour"]),
    ("chorus", 8, 1.0, ["Orbit me slowly", "orbit me now"]),
])


def build_song(bpm: float, layout: list[tuple[str, int, float, list[str]]], offset: float = 0.0) -> Song:
    beat = 60.0 / bpm
    beats, bars, sections, lyrics = [], [], [], []
    t = offset
    for label, n_bars, energy, lines in layout:
        start = t
        for b in range(n_bars * 4):
            beats.append(round(t, 4))
            if b % 4 == 0:
                bars.append(round(t, 4))
            t += beat
        end = t
        for k, line in enumerate(lines):  # sung on bar lines, spread over the section
            at = start + (k * n_bars // max(1, len(lines))) * 4 * beat
            lyrics.append(LyricLine(time=round(at + 0.01, 4), text=line))
        sections.append(Section(start=round(start, 4), end=round(end, 4), label=label, energy=energy))
    duration = round(t + beat, 4)
    sections[0] = sections[0].model_copy(update={"start": 0.0})
    sections[-1] = sections[-1].model_copy(update={"end": duration})
    return Song(path="song.wav", sha256="0" * 64, duration=duration, sample_rate=22050, tempo=bpm, beats=beats,
                bars=bars, sections=sections, lyrics=lyrics)


def director_for(tmp: Path, song: Song, title: str = "Untitled") -> GuidedDirector:
    store = ProjectStore(tmp / "projects")
    dummy = tmp / "song.wav"
    dummy.write_bytes(b"RIFF")
    project = store.create(dummy, lambda _p: song, title=title)
    return GuidedDirector(ProjectTools(store, project.id), Conversation(store.folder(project.id) / "chat.jsonl"))


def talk(director: GuidedDirector, *messages: str, selected_shot: int | None = None) -> list[str]:
    """Send messages; the replies' texts."""
    out = []
    for m in messages:
        out += [r.text for r in director.turn(m, selected_shot=selected_shot)]
    return out


def strip_quotes(text: str) -> str:
    import re

    return re.sub(r'"[^"]*"|“[^”]*”', "", text or "").strip().lower()


def top_run_share(texts: list[str], k: int = 8) -> float:
    """The largest share of texts that contain one same run of k words."""
    import re
    from collections import Counter

    def grams(t: str) -> set[str]:
        w = re.findall(r"[a-z']+", t)
        return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}

    counts = Counter(g for t in texts for g in grams(t))
    return counts.most_common(1)[0][1] / len(texts) if counts else 0.0


def glue_problems(text: str) -> list[str]:
    """Ungrammatical glue a template leaves: ', is', doubled words, a sentence starting in lower case."""
    import re

    found = []
    unquoted = re.sub(r'"[^"]*"|“[^”]*”', "Q", text)
    if re.search(r",\s+(is|are)\b", unquoted):
        found.append("', is'")
    doubled = re.search(r"\b(\w+)\s+\1\b", unquoted, re.I)
    if doubled:
        found.append(f"doubled {doubled.group(0)!r}")
    if re.search(r"(^|[.!?]\s+)[a-z]", unquoted):
        found.append("lower-case sentence start")
    if re.search(r"\bthe (the|a|an)\b", unquoted, re.I):
        found.append("doubled determiner")
    return found
