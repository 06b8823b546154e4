"""`python -m evals.requests_eval`: how well guided mode maps artists' requests to typed operations.

    python -m evals.requests_eval [--split dev|heldout|all]

Reads `evals/requests/{dev,heldout}.yaml` (see its README), builds the labelled project from
`evals/requests/song.yaml` (two-bar shots, no audio), reads each request with
`assistant.edit_requests.read_request` and prints, per split, the mapping accuracy and the wrong silent
changes: a request mapped to a change other than the labelled one (the worst outcome: a question costs
the artist a sentence, a wrong change costs them their work).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from shotlist.errors import ShotcallerError
from shotlist.models import LyricLine, Project, Section, Shot, Song
from shotlist.plan_rules import parse_rule
from shotlist.timing import conform, lines_within

HERE = Path(__file__).parent / "requests"
SPLITS = ("dev", "heldout")
GOALS = {"accuracy": 0.95, "wrong_changes": 0}


def song_from(layout: dict) -> Song:
    """A song on an exact grid from (label, bars, lines) rows: lines sung on bar lines through each section."""
    beat = 60.0 / layout["bpm"]
    beats, bars, sections, lyrics, t = [], [], [], [], 0.0
    for label, n_bars, lines in layout["sections"]:
        start = t
        for b in range(n_bars * 4):
            beats.append(round(t, 4))
            if b % 4 == 0:
                bars.append(round(t, 4))
            t += beat
        for k, line in enumerate(lines):
            lyrics.append(LyricLine(time=round(start + (k * n_bars // len(lines)) * 4 * beat + 0.01, 4), text=line))
        sections.append(Section(start=round(start, 4), end=round(t, 4), label=label, energy=0.5))
    return Song(path="song.wav", sha256="0" * 64, duration=round(t, 4), sample_rate=22050, tempo=layout["bpm"],
                beats=beats, bars=bars, sections=sections, lyrics=lyrics)


def project() -> Project:
    song = song_from(yaml.safe_load((HERE / "song.yaml").read_text()))
    cuts = [*song.bars[::2], song.duration]
    shots = [Shot(start=a, end=b, subject=f"picture {k}", reason=" / ".join(lines_within(song, a, b)))
             for k, (a, b) in enumerate(zip(cuts, cuts[1:]), 1)]
    return Project(id="requests", title="Porch Light", song=song, shots=conform(shots, song)[0], version=3)


@dataclass
class Outcome:
    text: str
    expected: str
    got: str
    right: bool
    wrong_change: bool


def _norm(v: object) -> object:
    if isinstance(v, list):
        return [str(x) for x in v]
    if isinstance(v, float):
        return f"{v:g}"  # a tempo: 95.0 is the 95 the bank says
    return str(v) if isinstance(v, int) else v


def check(case: dict, proj: Project) -> Outcome:
    from assistant import french, spanish
    from assistant.edit_requests import read_request
    from assistant.revisions import read_revision

    text, want, args = case["text"], case["op"], case.get("args") or {}
    reading = read_request(text, proj, case.get("selected"))
    op = reading.op
    got = op.name if op else ("look" if reading.legacy else "ask")
    changes = op is not None and not op.asks and got not in ("weakest_shots", "why_generative", "changes_since")
    if got != want:
        return Outcome(text, want, got, False, changes or (reading.legacy and want != "look"))
    right = True
    if op is not None:
        data = op.model_dump()
        for key, value in args.items():
            have = data.get(key)
            if key == "words":
                right &= isinstance(have, str) and value.lower() in have.lower()
            elif key == "rule":
                right &= parse_rule(have).kind == value
            elif key in ("part", "section", "before_section", "after_section"):
                right &= " ".join(str(have or "").split()) in _same_part(str(value))
            else:
                right &= _norm(have) == _norm(value)
    elif want == "look" and "shots" in args:  # the typed operations guided mode runs for it, on those shots
        said = french.as_english(spanish.as_english(text))
        ops = read_revision(proj, said, case.get("selected")).ops
        named = [[int(n) for n in o.shots] for o in ops]
        right = bool(ops) and all(n == args["shots"] for n in named)
        got = "look " + ", ".join(f"{o.name} {n}" for o, n in zip(ops, named))
        return Outcome(text, want, got, right, bool(ops) and not right)
    got_text = f"{got} {op.model_dump(exclude_none=True)}" if op else got
    return Outcome(text, want, got_text, right, changes and not right)


def _same_part(value: str) -> set[str]:
    """Ways of naming the same part: 'verse 2' is 'second verse'."""
    names = {value}
    ords = {"1": "first", "2": "second", "3": "third"}
    label, _, n = value.partition(" ")
    if n in ords:
        names.add(f"{ords[n]} {label}")
    for k, w in ords.items():
        if value.startswith(w + " "):
            names.add(f"{value.split(' ', 1)[1]} {k}")
    return names


def run(split: str) -> tuple[float, int, list[Outcome]]:
    cases = yaml.safe_load((HERE / f"{split}.yaml").read_text())
    proj = project()
    outcomes = []
    for case in cases:
        try:
            outcomes.append(check(case, proj))
        except ShotcallerError as e:
            outcomes.append(Outcome(case["text"], case["op"], f"error: {e}", False, False))
    accuracy = sum(o.right for o in outcomes) / len(outcomes)
    return accuracy, sum(o.wrong_change for o in outcomes), outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--show", action="store_true", help="list the requests mapped wrongly")
    args = parser.parse_args(argv)
    ok = True
    for split in SPLITS if args.split == "all" else (args.split,):
        accuracy, wrong, outcomes = run(split)
        met = accuracy >= GOALS["accuracy"] and wrong <= GOALS["wrong_changes"]
        ok &= met
        print(f"requests {split}: {len(outcomes)} cases, mapping accuracy {accuracy:.1%} (goal ≥ 95%), "
              f"wrong silent changes {wrong} (goal 0) — {'pass' if met else 'FAIL'}")
        if args.show:
            for o in outcomes:
                if not o.right:
                    print(f"  {'CHANGED ' if o.wrong_change else ''}{o.text!r}: want {o.expected}, got {o.got}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
