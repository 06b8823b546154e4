"""The calibration set: hand-written shot lists and conversations (evals/calibration/), labelled good
or bad-of-a-kind, plus bad variants derived from the good shot lists with a fixed seed. Each quality
evaluator's ROC AUC (good against its bad kinds) and its pass threshold (the Youden point, set at
the midpoint between the two scores it separates) come from here, never from the scenarios.

    python -m evals.calibration            # print the AUC table
    python -m evals.calibration --write    # also rewrite evals/thresholds.yaml
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from shotlist.models import ANGLES, Brief, Constraints, Shot

from .case import TOPICS, Case, Revision
from .evaluators import QUALITY
from .quality import Evaluator
from .rules import parse_constraints

HERE = Path(__file__).resolve().parent
DATA = HERE / "calibration"
THRESHOLDS = HERE / "thresholds.yaml"
AUC_FLOOR = 0.9
FIELD = {"size": "shot_size", "move": "movement", "subj": "subject", "act": "action", "set": "setting",
         "why": "why_generative", "lyr": "lyric", "sec": "section"}


# ---------------------------------------------------------------------------- reading the files


def make_shot(row: dict, start: float) -> Shot:
    data = {FIELD.get(k, k): v for k, v in row.items() if k != "d"}
    size = data.get("shot_size", "medium")
    if size not in Shot.model_fields["shot_size"].annotation.__args__ and size in ANGLES:
        data["angle"], data["shot_size"] = size, "medium"  # "over the shoulder", "low": angles, not sizes
    data["prompt"] = data.get("prompt") or (f"{data.get('shot_size', 'medium')} shot, {data.get('movement', 'static')}: "
                                            f"{data.get('subject', '')}, {data.get('action', '')}, {data.get('setting', '')}.")
    return Shot(start=round(start, 3), end=round(start + float(row["d"]), 3), seed=1, **data)


def filed_brief(persona: dict[str, str]) -> Brief:
    """The brief a director that understood every answer would file."""
    feeling, _, palette = persona.get("feeling", "").partition("Palette:")
    rules = parse_constraints(persona.get("constraints", ""))
    notes = [p.strip(" .") for p in re.split(r"[,;]", persona.get("constraints", ""))
             if p.strip(" .") and not re.search(r"\d+\s*(:|fps)|vertical", p)]
    c = Constraints(aspect=rules["aspect"] or "16:9", fps=rules["fps"] or 24.0, notes=notes)
    return Brief(meaning=persona.get("meaning", ""), story=persona.get("story", ""),
                 motifs=[m.strip() for m in persona.get("motifs", "").split(";") if m.strip()],
                 feeling=feeling.strip(" ."), palette=palette.strip(" ."),
                 why_generative=persona.get("why_generative", ""), constraints=c)


def shotlist_case(doc: dict, name: str | None = None, label: str | None = None,
                  shots: list[Shot] | None = None, **extra) -> Case:
    if shots is None:
        shots, t = [], 0.0
        for row in doc["shots"]:
            shots.append(make_shot(row, t))
            t = shots[-1].end
    persona = dict(doc["persona"])
    rules = parse_constraints(persona.get("constraints", ""))
    case = Case(name=name or doc["name"], label=label or doc["label"], shots=shots, persona=persona,
                brief=filed_brief(persona), tempo=float(doc["tempo"]),
                lyrics=[(s.start + 0.2, s.lyric) for s in shots if s.lyric],
                aspect=rules["aspect"], fps=rules["fps"])
    for k, v in extra.items():
        setattr(case, k, v)
    return case


def load_shotlists() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((DATA / "shotlists").glob("*.yaml"))}


# ---------------------------------------------------------------------------- seeded bad variants


def _fill(template: str, shot: Shot, doc: dict, rng: random.Random) -> str:
    motifs = [m.strip() for m in doc["persona"]["motifs"].split(";")]
    motif = rng.choice(motifs)
    meaning = re.split(r"(?<=[.!?])\s", doc["persona"]["meaning"])[0].rstrip(".").lower()
    why = doc["persona"]["why_generative"]
    return template.format(lyric=shot.lyric or "", section=shot.section, motif=motif, Motif=motif[0].upper() + motif[1:],
                           meaning=meaning, feeling=doc["persona"]["feeling"].split(".")[0].lower(), why=why)


def _swap(shots: list[Shot], **per_shot) -> list[Shot]:
    return [s.model_copy(update={k: v[i] for k, v in per_shot.items()}) for i, s in enumerate(shots)]


def variants(doc: dict, material: dict) -> list[Case]:
    base = shotlist_case(doc)
    shots, name = base.shots, doc["name"]
    out: list[Case] = []

    def rng(kind: str) -> random.Random:
        return random.Random(f"{name}/{kind}")

    r = rng("templated_reasons")
    plain = [t for t in material["reason_templates"] if "{lyric}" not in t]
    tpl = r.choice(material["reason_templates"])
    out.append(shotlist_case(doc, f"{name}~templated", "templated_reasons", _swap(shots, reason=[
        _fill(tpl if s.lyric or "{lyric}" not in tpl else plain[0], s, doc, r) for s in shots])))
    r = rng("partly_templated")
    tpl, third = r.choice(plain), set(r.sample(range(len(shots)), max(3, len(shots) // 3)))
    out.append(shotlist_case(doc, f"{name}~partly-templated", "partly_templated", _swap(shots, reason=[
        _fill(tpl, s, doc, r) if i in third else s.reason for i, s in enumerate(shots)])))
    tpl = r.choice(material["why_templates"])
    out.append(shotlist_case(doc, f"{name}~partly-templated-why", "partly_templated_why", _swap(
        shots, why_generative=[_fill(tpl, s, doc, r) if i in third else s.why_generative for i, s in enumerate(shots)])))
    r = rng("one_reason")
    one = r.choice([shots[0].reason, *material["one_reasons"]])
    out.append(shotlist_case(doc, f"{name}~one-reason", "one_reason", _swap(shots, reason=[one] * len(shots))))
    r = rng("templated_why")
    tpl = r.choice(material["why_templates"])
    out.append(shotlist_case(doc, f"{name}~templated-why", "templated_why",
                             _swap(shots, why_generative=[_fill(tpl, s, doc, r) for s in shots])))
    r = rng("one_why")
    one = r.choice([shots[-1].why_generative, *material["one_whys"]])
    out.append(shotlist_case(doc, f"{name}~one-why", "one_why", _swap(shots, why_generative=[one] * len(shots))))
    sung = [i for i, s in enumerate(shots) if s.lyric]
    if len(sung) >= 3:
        k = len(sung) // 2
        moved = {sung[j]: shots[sung[(j + k) % len(sung)]].reason for j in range(len(sung))}
        out.append(shotlist_case(doc, f"{name}~shuffled", "shuffled_reasons",
                                 _swap(shots, reason=[moved.get(i, s.reason) for i, s in enumerate(shots)])))
    r = rng("ungrounded")
    picks = [r.choice(material["unrelated"])] * len(shots) if r.random() < 0.5 else \
        [r.choice(material["unrelated"]) for _ in shots]
    out.append(shotlist_case(doc, f"{name}~ungrounded", "ungrounded_shots", _depict(shots, picks)))
    r = rng("montage")
    out.append(shotlist_case(doc, f"{name}~montage", "generic_montage",
                             _depict(shots, [r.choice(material["montage"]) for _ in shots])))
    r = rng("monotonous")
    sizes = r.sample(["medium", "close-up", "wide", "medium close-up"], r.choice([1, 2]))
    moves = r.sample(["static", "push in", "handheld"], r.choice([1, 1, 2]))
    mono = material["monotone"]
    update = {"shot_size": [sizes[i % len(sizes)] for i in range(len(shots))],
              "movement": [moves[i % len(moves)] for i in range(len(shots))]}
    if r.random() < 0.5:
        update |= {"setting": [mono["setting"]] * len(shots),
                   "action": [f"{mono['verbs'][i % len(mono['verbs'])]}" for i in range(len(shots))]}
    out.append(shotlist_case(doc, f"{name}~monotonous", "monotonous", _swap(shots, **update)))
    for k, spec in enumerate(material["violations"].get(name, [])):
        changed = list(shots)
        extra = {}
        for key, value in spec.items():
            if key in ("aspect", "fps"):
                extra[key] = value
            else:
                i = int(key) - 1
                changed[i] = changed[i].model_copy(update={FIELD.get(f, f): v for f, v in value.items()})
        case = shotlist_case(doc, f"{name}~violation-{k + 1}", "constraint_violated", changed)
        for key, value in extra.items():
            setattr(case, key, value)
        out.append(case)
    out.append(shotlist_case(doc, f"{name}~rushed", "wrong_pacing", _retime(shots, split=3)))
    out.append(shotlist_case(doc, f"{name}~dragging", "wrong_pacing", _retime(shots, merge=4)))
    return out


def _depict(shots: list[Shot], picks: list[dict]) -> list[Shot]:
    return _swap(shots, subject=[p["subj"] for p in picks], action=[p["act"] for p in picks],
                 setting=[p["set"] for p in picks], prompt=[f"{p['subj']}, {p['act']}, {p['set']}." for p in picks])


def _retime(shots: list[Shot], split: int = 1, merge: int = 1) -> list[Shot]:
    """The same song cut faster (each shot split in `split`) or slower (`merge` shots made one)."""
    out = []
    if split > 1:
        for s in shots:
            step = (s.end - s.start) / split
            out += [s.model_copy(update={"start": s.start + k * step, "end": s.start + (k + 1) * step})
                    for k in range(split)]
        return out
    for i in range(0, len(shots), merge):
        group = shots[i:i + merge]
        out.append(group[0].model_copy(update={"end": group[-1].end}))
    return out


# ---------------------------------------------------------------------------- conversations


def filing_cases(docs: dict[str, dict]) -> list[Case]:
    raw = yaml.safe_load((DATA / "conversations" / "filing.yaml").read_text())["cases"]
    out = [Case(name=c["name"], label=c["label"], persona=c["persona"], brief=Brief.model_validate(c["brief"]))
           for c in raw]
    for name, doc in docs.items():
        if doc["label"] != "good":
            continue
        persona = doc["persona"]
        good = filed_brief(persona)
        out.append(Case(name=f"{name}~filed", label="good", persona=persona, brief=good))
        r = random.Random(f"{name}/misfiled")
        fields = good.model_dump()
        how = r.choice(["shift", "swap", "drop", "constraints-as-motifs"])
        text = ["meaning", "story", "feeling", "why_generative"]
        if how == "shift":
            fields.update(meaning=persona["story"], story=persona["motifs"], feeling=persona["why_generative"],
                          why_generative=persona["constraints"], motifs=[persona["feeling"]], palette="")
        elif how == "swap":
            a, b = r.sample(text, 2)
            fields[a], fields[b] = fields[b], fields[a]
        elif how == "drop":
            fields[r.choice(text)] = ""
        else:
            fields["motifs"] = [p.strip() for p in persona["constraints"].split(",")]
        out.append(Case(name=f"{name}~misfiled-{how}", label="misfiled", persona=persona,
                        brief=Brief.model_validate(fields)))
    return out


def pushback_cases(raw: list[dict] | None = None) -> list[Case]:
    if raw is None:
        raw = yaml.safe_load((DATA / "conversations" / "pushback.yaml").read_text())["cases"]
    return [Case(name=c["name"], label=c["label"], persona=c["persona"], before_plan=c["before_plan"], generic=True)
            for c in raw]


def revision_cases(docs: dict[str, dict], raw: list[dict] | None = None) -> list[Case]:
    if raw is None:
        raw = yaml.safe_load((DATA / "conversations" / "revisions.yaml").read_text())["cases"]
    out = []
    for c in raw:
        before = shotlist_case(docs[c["base"]]).shots
        locked = set(c.get("locked", []))
        before = [s.model_copy(update={"locked": n in locked}) for n, s in enumerate(before, 1)]
        after = list(before)
        for n, change in (c.get("changes") or {}).items():
            update = {}
            for key, value in change.items():
                f = FIELD.get(key, key)
                if isinstance(value, str) and re.fullmatch(r"[+-]\d+(\.\d+)?", value):
                    value = getattr(before[n - 1], f) + float(value)
                update[f] = value
            after[n - 1] = after[n - 1].model_copy(update=update)
        out.append(Case(name=c["name"], label=c["label"], revisions=[Revision(
            request=c["request"], targets=set(c["targets"]), intent=c["intent"], before=before, after=after,
            locked=locked)]))
    return out


def all_cases() -> list[Case]:
    docs = load_shotlists()
    material = yaml.safe_load((DATA / "material.yaml").read_text())
    cases = [shotlist_case(doc) for doc in docs.values()]
    for doc in docs.values():
        if doc["label"] == "good":
            cases += variants(doc, material)
    return cases + filing_cases(docs) + pushback_cases() + revision_cases(docs) + written_cases("dev", docs)


def written_cases(split: str, docs: dict[str, dict] | None = None) -> list[Case]:
    """The cases written whole in calibration/written/{split}.yaml (dev: fitted on; heldout: never)."""
    docs = docs if docs is not None else load_shotlists()
    raw = yaml.safe_load((DATA / "written" / f"{split}.yaml").read_text())
    cases = []
    for c in raw.get("shotlists", []):
        base = docs[c["base"]]
        doc = {"name": c["name"], "label": c["label"], "tempo": c.get("tempo", base["tempo"]),
               "persona": {**base["persona"], **c.get("persona", {})}, "shots": c["shots"]}
        cases.append(shotlist_case(doc))
    return cases + pushback_cases(raw.get("pushback", [])) + revision_cases(docs, raw.get("revisions", []))


# ---------------------------------------------------------------------------- AUC and thresholds


def auc(good: list[float], bad: list[float]) -> float:
    """ROC AUC: the chance a good case outscores a bad one (ties count half)."""
    pairs = [(g > b) + 0.5 * (g == b) for g in good for b in bad]
    return sum(pairs) / len(pairs)


def youden(good: list[float], bad: list[float]) -> float:
    """The cut that maximises TPR − FPR (ties: the widest gap), at the midpoint of the gap."""
    values = sorted(set(good) | set(bad))
    best = (-2.0, -1.0, values[0])
    for lo, hi in zip(values, values[1:]):
        t = (lo + hi) / 2
        j = sum(g >= t for g in good) / len(good) - sum(b >= t for b in bad) / len(bad)
        best = max(best, (j, hi - lo, t))
    return round(best[2], 3)


@dataclass
class Calibration:
    evaluator: Evaluator
    good: dict[str, float]
    bad: dict[str, float]

    @property
    def auc(self) -> float:
        if not self.good or not self.bad:
            return 0.0  # an evaluator that scores nothing separates nothing
        return auc(list(self.good.values()), list(self.bad.values()))

    @property
    def threshold(self) -> float:
        if not self.good or not self.bad:
            return 0.0
        return youden(list(self.good.values()), list(self.bad.values()))


def score_table(evaluators: tuple[Evaluator, ...], cases: list[Case]) -> dict[str, dict[str, float | None]]:
    """Evaluator name → case name → its primary score (None: nothing to judge)."""
    out: dict[str, dict[str, float | None]] = {}
    for ev in evaluators:
        column = out[ev.name] = {}
        for case in cases:
            value = ev.evaluate(case).get(ev.name)
            column[case.name] = None if value is None else float(value)
    return out


def calibration_of(ev: Evaluator, column: dict[str, float | None], cases: list[Case]) -> Calibration:
    good, bad = {}, {}
    for case in cases:
        if (case.label == "good" or case.label in ev.kinds) and column.get(case.name) is not None:
            (good if case.label == "good" else bad)[case.name] = column[case.name]
    return Calibration(ev, good, bad)


def calibrate(cases: list[Case] | None = None, evaluators: tuple[Evaluator, ...] = QUALITY,
              scores: dict[str, dict[str, float | None]] | None = None) -> list[Calibration]:
    cases = cases if cases is not None else all_cases()
    scores = scores if scores is not None else score_table(evaluators, cases)
    return [calibration_of(ev, scores[ev.name], cases) for ev in evaluators]


def table(results: list[Calibration]) -> str:
    rows = ["| evaluator | bad kinds | good / bad cases | ROC AUC | threshold (min) | good passing | bad failing |",
            "|---|---|---|---|---|---|---|"]
    for c in results:
        t = c.threshold
        rows.append(f"| {c.evaluator.name} | {', '.join(c.evaluator.kinds)} | {len(c.good)} / {len(c.bad)} | "
                    f"{c.auc:.3f} | {t:.3f} | {sum(v >= t for v in c.good.values())}/{len(c.good)} | "
                    f"{sum(v < t for v in c.bad.values())}/{len(c.bad)} |")
    return "\n".join(rows)


def thresholds_yaml(results: list[Calibration], gate: dict | None = None) -> str:
    head = ("# Pass thresholds. `quality` is WRITTEN BY `python -m evals.calibration --write` from the hand-written\n"
            "# calibration set in evals/calibration/ (never from the scenarios): each is the Youden point between\n"
            "# the good cases and the bad cases of the evaluator's kind, named below. To change one, add a\n"
            "# calibration case that justifies it and rerun. `sanity` is what the tools guarantee.\n")
    quality = {c.evaluator.name: {"min": c.threshold, "auc": round(c.auc, 3), "kinds": list(c.evaluator.kinds),
                                  "good": sorted(c.good), "bad": sorted(c.bad)} for c in results}
    current = yaml.safe_load(THRESHOLDS.read_text()) if THRESHOLDS.is_file() else {}
    sanity = current.get("sanity") or {"min": {"asks_before_planning": 1.0, "coverage": 1.0, "on_beat": 0.9,
                                               "lyric_coverage": 0.9, "export_valid": 1.0},
                                       "max": {"revision_tokens": 0.15}}
    gate = gate if gate is not None else current.get("gate")
    return head + yaml.safe_dump({"quality": quality, "sanity": sanity, **({"gate": gate} if gate else {})},
                                 sort_keys=False, width=120)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.calibration")
    parser.add_argument("--write", action="store_true", help="rewrite evals/thresholds.yaml")
    args = parser.parse_args(argv)
    from .gate import gate_problems, gate_report, gate_table, gate_yaml, recorded_gate

    dev = all_cases()
    scores = score_table(QUALITY, dev)
    results = calibrate(dev, scores=scores)
    report = gate_report(results, dev, written_cases("heldout"), dev_scores=scores)
    print(table(results))
    print()
    print(gate_table(report))
    problems = gate_problems(report, recorded_gate())
    for p in problems:
        print(f"GATE: {p}")
    if args.write:
        if problems:
            raise SystemExit("refusing to write thresholds.yaml: the gate fails (see GATE lines above)")
        THRESHOLDS.write_text(thresholds_yaml(results, gate_yaml(report)))
        print(f"wrote {THRESHOLDS}")


if __name__ == "__main__":
    main()

__all__ = ["TOPICS", "Calibration", "all_cases", "auc", "calibrate", "youden"]
