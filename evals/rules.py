"""Evaluators of rules the artist set: the stated constraints, and pacing against tempo and feeling."""

from __future__ import annotations

import math
import re
import statistics

from .case import STOP, Case, embed, stem, words
from .quality import Evaluator

CLOSE_SIZES = {"close-up", "extreme close-up", "medium close-up", "insert"}
WIDE_SIZES = {"extreme wide", "wide"}
PEOPLE = re.compile(r"\b(face|faces|eyes|lips|mouth|cheek|person|people|woman|women|man|men|girl|boy|child|kid|"
                    r"singer|teenager|keeper|farmer|daughter|son|mother|father|grandson|lover|artist|she|he|her|his)\b")
QUALIFIERS = frozenset("real any visible actual obvious onscreen screen frame shown showing appear appearing shot "
                       "shots video ever allowed please".split())


def parse_constraints(text: str) -> dict:
    """What the artist's constraint answer asks for: aspect, fps, banned sizes, banned things."""
    text = text or ""
    out: dict = {"aspect": None, "fps": None, "sizes": set(), "faces_close": False, "banned": [], "clauses": []}
    if aspects := re.findall(r"\b(\d{1,2})\s*:\s*(\d{1,2})\b", text):
        out["aspect"] = "{}:{}".format(*aspects[-1])  # the last stated value wins
    elif re.search(r"\bvertical\b|\bportrait\b", text, re.I):
        out["aspect"] = "9:16"
    fps = re.findall(r"\b(\d{2}(?:\.\d+)?)\s*(?:fps|frames)", text, re.I)
    if fps:
        out["fps"] = float(fps[-1])  # the last stated value wins
    for clause, phrase in re.findall(r"(\b(?:no|never|without|avoid|sin|don't show|do not show)\s+([^,.;]+))", text,
                                     re.I):
        out["clauses"].append(clause)
        p = phrase.lower().strip()
        if re.search(r"\bfaces?\b.*\bclose", p):
            out["faces_close"] = True
        elif re.fullmatch(r"(extreme )?close[- ]?ups?", p):
            out["sizes"] |= {"close-up", "extreme close-up"} if not p.startswith("extreme") else {"extreme close-up"}
        elif re.fullmatch(r"(extreme )?wide( shots?)?", p):
            out["sizes"] |= WIDE_SIZES if not p.startswith("extreme") else {"extreme wide"}
        else:
            p = re.sub(r"\b(on|in) (screen|frame|shot|the video)\b", " ", p)
            keys = {stem(w) for w in words(p) if w not in STOP and w not in QUALIFIERS and len(w) > 2}
            if keys:
                out["banned"].append(keys)
    return out


class ConstraintCompliance(Evaluator):
    name = "constraint_compliance"
    kinds = ("constraint_violated",)
    about = ("(1 − share of shots that show a banned thing or size, or use the constraint's words as content) "
             "× ½ for each of aspect and fps recorded differently from what the artist stated")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        stated = case.persona.get("constraints", "")
        if not case.shots or not stated:
            return {self.name: None}
        rules = parse_constraints(stated)
        runs = {r for clause in rules["clauses"] for r in _runs(clause, 3)}
        bad = []
        for n, shot in enumerate(case.shots, 1):
            content = " ".join([shot.subject, shot.action, shot.setting, shot.prompt]).lower()
            stems = {stem(w) for w in words(content)}
            if (shot.shot_size in rules["sizes"]
                    or (rules["faces_close"] and shot.shot_size in CLOSE_SIZES and PEOPLE.search(content))
                    or any(keys <= stems for keys in rules["banned"])
                    or any(r in " ".join(words(content)) for r in runs)):
                bad.append(n)
        score = 1.0 - len(bad) / len(case.shots)
        fmt = 1.0
        if rules["aspect"] and case.aspect and rules["aspect"] != case.aspect:
            fmt *= 0.5
        if rules["fps"] and case.fps and abs(rules["fps"] - case.fps) > 0.01:
            fmt *= 0.5
        return {self.name: score * fmt, "constraint_violating_shots": float(len(bad))}


def _runs(text: str, n: int) -> set[str]:
    """n-word runs of the constraint text that would only appear in a shot if the text became content."""
    out = set()
    for part in re.split(r"[,;.]", text.lower()):
        w = words(part)
        out |= {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}
    return out


CALM = "slow, quiet, calm, tender, gentle, still, sleepy, soft, aching, a lullaby, a ballad"
URGENT = "fast, loud, frantic, urgent, furious, aggressive, wild, energetic, racing, explosive"


def arousal(feeling: str, tempo: float) -> float:
    """−1 (slow and quiet) … +1 (fast and loud): the stated feeling (MiniLM, against two anchor
    descriptions) and the tempo, weighted equally."""
    by_tempo = max(-1.0, min(1.0, (tempo - 110.0) / 40.0))
    if not feeling.strip():
        return by_tempo
    f, calm, urgent = embed([feeling, CALM, URGENT])
    by_words = max(-1.0, min(1.0, float(f @ urgent - f @ calm) * 5.0))
    return 0.5 * by_tempo + 0.5 * by_words


def expected_median(feeling: str, tempo: float) -> float:
    """The median shot length the song asks for: 8 s for the slowest, quietest song, 2 s for the
    fastest, loudest, 4 s in between (a factor of two either way)."""
    return 4.0 * 2.0 ** -arousal(feeling, tempo)


class Pacing(Evaluator):
    name = "pacing"
    kinds = ("wrong_pacing",)
    about = ("1 − |log2(median shot length / expected)| / 2, where the expected median runs from 8 s "
             "(slow, quiet: the feeling against calm/urgent anchors with MiniLM, and the tempo) to 2 s (fast, loud)")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if len(case.shots) < 2:
            return {self.name: None}
        median = statistics.median(s.end - s.start for s in case.shots)
        target = expected_median(case.persona.get("feeling", ""), case.tempo)
        score = max(0.0, 1.0 - abs(math.log2(median / target)) / 2.0)
        return {self.name: score, "median_shot_s": median, "expected_median_s": target}

