"""`--llm scripted`: the scripted OpenAI server playing an LLM director, so the eval suite exercises
the real agent path (openai client → LangChain agent → tools → store) with no model.

What it writes comes from the scenario's own `scripted` block (its shots and its pushback), never
from the guided planner: the suite measures the path — interview through `update_brief`, the plan
through `propose_shot_list`, revisions through `revise_shots`/`lock_shots` patches on the named shots
only, and the tokens each costs. It reads requests the way a literal-minded model would: labels,
shot numbers, ranges, sections, "the last shot"; an unclear target gets a question.
"""

from __future__ import annotations

import re
from typing import Any

from shotlist.models import SHOT_SIZES, Project
from shotlist.store import ProjectStore

from .artist import TOPICS
from .scripted_openai import ScriptedOpenAI, Step

QUESTIONS = {
    "meaning": "What is the song about, in your own words?",
    "story": "Is there a story or a progression — who is in it, what changes?",
    "motifs": "Which images or objects keep coming back when you hear it?",
    "feeling": "What should it feel like — mood, colours, light?",
    "why_generative": "Why generated video rather than a camera shoot?",
    "constraints": "Any constraints: aspect ratio, frame rate, things that must not appear?",
}
LABEL = re.compile(r"^\s*(meaning|what it's about|story|the story|motifs|images|feeling|mood|why generative|"
                   r"why generated|constraints|rules)\s*(?::|—)\s*", re.I)
LABEL_TOPIC = {"meaning": "meaning", "what it's about": "meaning", "story": "story", "the story": "story",
               "motifs": "motifs", "images": "motifs", "feeling": "feeling", "mood": "feeling",
               "why generative": "why_generative", "why generated": "why_generative",
               "constraints": "constraints", "rules": "constraints"}
LOOKS = {r"colder|icier|icy": "cold blue light", r"warmer|warm up": "warm amber light",
         r"darker|darken|moodier": "low-key light, deep shadow", r"brighter|brighten|lift the light": "bright high-key light",
         r"slower|slow .*down": "slow drifting motion"}


def scripted_server(store: ProjectStore, project_id: str, scenario: dict[str, Any]) -> ScriptedOpenAI:
    scripted = scenario.get("scripted") or {}
    state: dict[str, Any] = {"asked": [], "filed": set(), "pushed_back": False}

    def script(request: dict) -> Step:
        messages = request["messages"]
        last = messages[-1]
        project = store.load(project_id)
        if last["role"] == "tool":
            if last["content"].startswith("error"):
                return Step.text("That did not work: " + last["content"][:200])
            if not project.shots:
                return next_step(project)
            return Step.text("Done — " + last["content"].splitlines()[0])
        text = last["content"]
        if text.startswith("(The artist"):
            return ask("meaning")
        if text.startswith("Plan now"):
            return propose(project, scripted)
        if project.shots:
            return revise(project, text)
        if state["pushed_back"]:
            return propose(project, scripted)
        label = LABEL.match(text)
        asked = state["asked"][-1] if state["asked"] else "meaning"
        topic = LABEL_TOPIC[label.group(1).lower()] if label else (obvious_topic(text, asked) or asked)
        state["filed"].add(topic)
        return Step.call("update_brief", brief_patch(topic, text[label.end():] if label else text))

    def ask(topic: str) -> Step:
        state["asked"].append(topic)
        return Step.text(QUESTIONS[topic])

    def next_step(project: Project) -> Step:
        left = [t for t in TOPICS if t not in state["filed"]]
        if left:
            return ask(left[0])
        if scenario.get("generic") and not state["pushed_back"]:
            state["pushed_back"] = True
            return Step.text(scripted.get("pushback") or "Shall I plan it now?")
        return propose(project, scripted)

    return ScriptedOpenAI(script)


# what even a literal-minded model sees at a glance: an aspect ratio is a rule, "a camera can't" a reason
OBVIOUS = {"constraints": r"\b\d{1,2}\s*:\s*\d{1,2}\b|\b\d+\s*fps\b", "why_generative": r"\bcamera|\bfilm(?:ed)?\b|\bshoot\b",
           "feeling": r"\bpalette\b|\bmood\b"}


def obvious_topic(text: str, asked: str) -> str | None:
    """The topic an unlabelled answer is plainly about when it is not the one asked (its question is then
    asked again, as a model would), else None: the answer is filed under the question asked."""
    low = text.lower()
    plain = [t for t, pattern in OBVIOUS.items() if re.search(pattern, low)]
    return plain[0] if plain and asked not in plain else None


def brief_patch(topic: str, text: str) -> dict:
    if topic == "motifs":
        return {"motifs": [m.strip(" .") for m in re.split(r"[;\n]", text) if m.strip(" .")]}
    if topic == "constraints":
        patch: dict = {"notes": [text]}
        if m := re.findall(r"\b(\d{1,2}:\d{1,2})\b", text):
            patch["aspect"] = m[-1]
        if f := re.findall(r"\b(\d{2}(?:\.\d+)?)\s*fps", text):
            patch["fps"] = float(f[-1])
        return {"constraints": patch}
    return {topic: text}


def propose(project: Project, scripted: dict) -> Step:
    """The scenario's scripted shots, in order, spread evenly over the song on bar lines."""
    rows = scripted.get("shots") or [{"subject": m, "action": "", "setting": "", "reason": "", "why_generative": ""}
                                     for m in project.brief.motifs or ["the song"]]
    song = project.song
    bars = song.bars or song.beats or [0.0]
    starts = [0.0]
    for k in range(1, len(rows)):
        t = song.duration * k / len(rows)
        best = min(bars, key=lambda b: abs(b - t))
        if best > starts[-1] + 0.5 and best < song.duration - 0.5:
            starts.append(round(best, 4))
    shots = []
    for start, row in zip(starts, rows):
        size, move = row.get("shot_size", "medium"), row.get("movement", "static")
        shots.append({"start": start, "shot_size": size, "movement": move, "subject": row["subject"],
                      "action": row["action"], "setting": row["setting"], "reason": row["reason"],
                      "why_generative": row["why_generative"],
                      "prompt": f"{size} shot, {move}: {row['subject']}, {row['action']}, {row['setting']}."})
    return Step.call("propose_shot_list", {"shots": shots})


def named_shots(project: Project, text: str) -> list[int]:
    """Shot numbers named in a request, as a literal reader finds them; [] when unclear."""
    n, low = len(project.shots), text.lower()
    if re.search(r"\b(last|final) shot\b", low):
        return [n]
    for label in sorted({s.label for s in project.song.sections}, key=len, reverse=True):
        if re.search(rf"\b{re.escape(label)}(e?s)?\b", low):
            spans = [(s.start, s.end) for s in project.song.sections if s.label == label]
            if re.search(rf"\b(first|opening)\s+{re.escape(label)}\b|\b{re.escape(label)} one\b", low):
                spans = spans[:1]
            return [i for i, s in enumerate(project.shots, 1) if any(a <= (s.start + s.end) / 2 < b for a, b in spans)]
    if m := re.search(r"(\d+)\s*(?:-|to|through)\s*(?:shot\s*)?(\d+)", low):
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    return [int(x) for x in re.findall(r"\d+", low)]


def revise(project: Project, request: str) -> Step:
    low = request.lower()
    wanted = named_shots(project, request)
    missing = [k for k in wanted if not 1 <= k <= len(project.shots)]
    if not wanted or missing:
        what = f"there is no shot {missing[0]} (the list has {len(project.shots)})" if missing else "which shots you mean"
        return Step.text(f"I can't tell {what}; name them by number or section." if not missing else
                         f"I changed nothing: {what}.")
    if "lock" in low:
        return Step.call("lock_shots", {"shots": [str(k) for k in wanted], "locked": "unlock" not in low})
    shots = [project.shots[k - 1] for k in wanted if not project.shots[k - 1].locked]
    patches = []
    for s in shots:
        if look := next((w for w in LOOKS if re.search(w, low)), None):
            patches.append({"shot": s.id, "changes": {"prompt": f"{s.prompt.rstrip('.')}; {LOOKS[look]}."}})
        elif re.search(r"closer|tighter|wider|wide", low):
            k = SHOT_SIZES.index(s.shot_size) + (1 if re.search(r"closer|tighter", low) else -1)
            if not 0 <= k < len(SHOT_SIZES):
                return Step.text(f"Shot {project.shots.index(s) + 1} is already a {s.shot_size}; nothing changed.")
            patches.append({"shot": s.id, "changes": {"shot_size": SHOT_SIZES[k]}})
        elif re.search(r"longer|breathe|hold|shorter|trim", low) and len(shots) == 1:
            i = project.shots.index(s)
            bars = project.song.bars
            nxt_end = project.shots[i + 1].end if i + 1 < len(project.shots) else None
            end = (next((b for b in bars if s.end < b < nxt_end - 0.3), None) if nxt_end and not re.search(
                r"shorter|trim", low) else next((b for b in reversed(bars) if s.start + 0.3 < b < s.end), None))
            if nxt_end is None and i > 0:  # the last shot ends with the song: its start moves instead
                longer = not re.search(r"shorter|trim", low)
                start = (next((b for b in reversed(bars) if project.shots[i - 1].start + 0.3 < b < s.start), None)
                         if longer else next((b for b in bars if s.start < b < s.end - 0.3), None))
                if start is None:
                    return Step.text(f"Shot {wanted[0]} can't move by a bar without swallowing its neighbour.")
                patches.append({"shot": s.id, "changes": {"start": start}})
                continue
            if end is None or nxt_end is None:
                return Step.text(f"Shot {wanted[0]} can't move by a bar without swallowing its neighbour.")
            patches.append({"shot": s.id, "changes": {"end": end}})
        else:  # replace / cliché / boring: a new image from the artist's motifs
            motifs = project.brief.motifs or ["the song's central image"]
            motif = motifs[(project.shots.index(s)) % len(motifs)]
            patches.append({"shot": s.id, "changes": {"subject": motif, "action": f"{motif} seen anew",
                                                      "reason": f"Replaced on request with {motif} from the brief."}})
    if not patches:
        return Step.text("Those shots are locked; unlock them first.")
    return Step.call("revise_shots", {"patches": patches})
