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
# What a banned category covers in a shot, whatever the artist called it: each category is matched to
# a constraint clause by meaning (MiniLM, against DESCRIBES), then found in a shot by these words.
CATEGORIES = {
    "people": PEOPLE.pattern[:-3] + r"|lady|ladies|gentleman|figure|figures|tenant|grandson|granddaughter|grandma|"
              r"grandmother|crowd|choir|townspeople|workers?|kids|children|teenagers?|ex|family|lovers|couple|"
              r"humans?|someone|stranger|dancers?|band|audience|friends?|body|bodies|hands?|him|them)\b",
    "text": r"\b(text|texts|writing|written|words?|letters|lettering|signs?|signage|captions?|subtitles?|titles?|"
            r"headlines?|newspapers?|placards?|banners?|graffiti|labels?|handwriting|handwritten|embroidered|"
            r"spelling|spells|reading [A-Z]|carved|surnames?|names)\b",
    "weapons": r"\b(guns?|rifles?|shotguns?|pistols?|revolvers?|firearms?|weapons?|ammunition|bullets?|muskets?|"
               r"handguns?|fires? a|shoots?|shooting)\b",
    "logos": r"\b(logos?|brands?|branded|emblems?|trademarks?|company names?|badges?)\b",
    "blood": r"\b(blood|bloody|bleeding|bleeds?|gore|gory|wounds?|wounded|cuts? on|crimson|injury|injured|drips red)\b",
}
DESCRIBES = {
    "people": "no people, nobody, no humans, no person, no one on screen, no human figures",
    "text": "no text, no writing, no words, nothing readable, no signs or lettering on screen",
    "weapons": "no guns, no firearms, no weapons, nothing that shoots",
    "logos": "no logos, no brands, no trademarks, no company names",
    "blood": "no blood, no gore, nobody bleeding, no wounds",
}
OTHER_BANS = ("no cars", "no animals", "no food", "no buildings", "no drugs", "no smoking", "no nudity", "no flags",
              "no water", "no phones", "no city", "no colour")  # bans this evaluator has no words for
NEGATION = re.compile(r"\b(no|not|nothing|nobody|no one|none|never|without|avoid|don't|do not|keep .* (off|out)|"
                      r"free of|empty of|sin)\b", re.I)
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
    out["categories"] = categories_of(text)
    return out


def categories_of(text: str) -> dict[str, str]:
    """Banned category → the clause that bans it, for every negated clause of the constraint text
    that means one of DESCRIBES (MiniLM cosine ≥ 0.45, the best category, nearer than the bans this
    evaluator has no words for), or that names one of its words, however it is worded."""
    clauses = [c.strip() for c in re.split(r"[,.;:—–]|\band\b", text or "") if NEGATION.search(c)]
    if not clauses:
        return {}
    names = list(DESCRIBES)
    vecs = embed(clauses)
    sims = vecs @ embed([DESCRIBES[k] for k in names]).T
    other = (vecs @ embed(list(OTHER_BANS)).T).max(axis=1)
    out = {}
    for clause, row, elsewhere in zip(clauses, sims, other):
        if row.max() >= 0.45 and row.max() > elsewhere:
            out.setdefault(names[int(row.argmax())], clause)
        for name in names:
            if re.search(CATEGORIES[name], clause.lower().replace("no one", "")) and name != "people":
                out.setdefault(name, clause)
    return out


class ConstraintCompliance(Evaluator):
    name = "constraint_compliance"
    kinds = ("constraint_violated", "constraint_paraphrase")
    about = ("(1 − share of shots that show a banned thing or size, or use the constraint's words as content) "
             "× ½ for each of aspect and fps recorded differently from what the artist stated")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        stated = case.persona.get("constraints", "")
        if not case.shots or not stated:
            return {self.name: None}
        rules = parse_constraints(stated)
        runs = {r for clause in rules["clauses"] for r in _runs(clause, 3)}
        flags = {}
        for n, shot in enumerate(case.shots, 1):
            raw = " ".join([shot.subject, shot.action, shot.setting, shot.prompt])
            content = raw.lower()
            stems = {stem(w) for w in words(content)}
            broken = [clause for category, clause in rules["categories"].items()
                      if re.search(CATEGORIES[category], raw, re.I if category != "text" else 0)
                      or re.search(CATEGORIES[category], content)]
            if (shot.shot_size in rules["sizes"]
                    or (rules["faces_close"] and shot.shot_size in CLOSE_SIZES and PEOPLE.search(content))
                    or any(keys <= stems for keys in rules["banned"])
                    or any(r in " ".join(words(content)) for r in runs)):
                broken.append("the stated constraint")
            if broken:
                flags[n] = "breaks " + "; ".join(f'"{c}"' for c in dict.fromkeys(broken))
        bad = list(flags)
        score = 1.0 - len(bad) / len(case.shots)
        fmt = 1.0
        if rules["aspect"] and case.aspect and rules["aspect"] != case.aspect:
            fmt *= 0.5
        if rules["fps"] and case.fps and abs(rules["fps"] - case.fps) > 0.01:
            fmt *= 0.5
        return {self.name: score * fmt, "constraint_violating_shots": float(len(bad)), "flags": flags}


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
    kinds = ("wrong_pacing", "pacing_outlier")
    about = ("min(1 − |log2(median shot length / expected)| / 2, 1 − (the worst shot's |log2(length / expected)| "
             "− 2) / 2): the median and every shot within 4× of it; the expected median runs from 8 s "
             "(slow, quiet: the feeling against calm/urgent anchors with MiniLM, and the tempo) to 2 s (fast, loud)")

    def evaluate(self, case: Case) -> dict[str, float | None]:
        if len(case.shots) < 2:
            return {self.name: None}
        lengths = [max(s.end - s.start, 1e-3) for s in case.shots]
        median = statistics.median(lengths)
        target = expected_median(case.persona.get("feeling", ""), case.tempo)
        off = [abs(math.log2(d / target)) for d in lengths]
        worst = max(0.0, 1.0 - max(0.0, max(off) - 2.0) / 2.0)
        score = min(max(0.0, 1.0 - abs(math.log2(median / target)) / 2.0), worst)
        flags = {n: f"{d:.1f} s against an expected {target:.1f} s" for n, (d, o) in
                 enumerate(zip(lengths, off), 1) if o > 2.0}
        return {self.name: score, "median_shot_s": median, "expected_median_s": target, "flags": flags}

