"""`--llm scripted`: the scripted OpenAI server playing a competent director, so the eval suite
exercises the real agent path (openai client → LangChain agent → tools → store) with no model.

It asks the six interview questions, records each answer with `update_brief`, pushes back once on a
cliché, proposes the guided planner's shot list with `propose_shot_list`, and answers revision requests
with `revise_shots` patches. Its quality is the planner's; what the suite measures here is the path,
the tool-call protocol and the token cost of revisions.
"""

from __future__ import annotations

import re

from assistant.planner import plan_shots, split_list
from assistant.prompts import load_yaml
from shotlist.store import ProjectStore

from .artist import TOPICS
from .scripted_openai import ScriptedOpenAI, Step

CLICHE = re.compile(r"grocery|hallway|beach at sunset|life montage|neon street", re.I)
PLAN_FIELDS = ("start", "end", "shot_size", "angle", "movement", "lens", "subject", "action", "setting", "prompt",
               "reason", "why_generative", "lyric", "transition")


def scripted_server(store: ProjectStore, project_id: str) -> ScriptedOpenAI:
    questions = {q["topic"]: q["question"] for q in load_yaml("guided/questions.yaml")}
    state = {"pushed_back": False}

    def answers(messages: list[dict]) -> list[str]:
        return [m["content"] for m in messages if m["role"] == "user" and not m["content"].startswith("(The artist")]

    def script(request: dict) -> Step:
        messages = request["messages"]
        last = messages[-1]
        said = answers(messages)
        project = store.load(project_id)
        if last["role"] == "user" and last["content"].startswith("(The artist"):
            return Step.text(questions["meaning"])
        if project.shots and last["role"] == "user":
            return revise(project, last["content"])
        if last["role"] == "tool":
            if last["content"].startswith(("shot list saved", "revised", "error")) or "Critic:" in last["content"]:
                return Step.text("Done — " + last["content"].splitlines()[0])
            if len(said) < len(TOPICS):
                return Step.text(questions[TOPICS[len(said)]])
            story = store.load(project_id).brief.story
            if CLICHE.search(story) and not state["pushed_back"]:
                state["pushed_back"] = True
                return Step.text("That concept is a cliché of music videos and generated video makes it look like "
                                 "stock footage. Alternatives:\n- rebuild those places out of your motifs\n"
                                 "- one impossible space that changes each section\nSay 'keep it' to go ahead.")
            return propose(store.load(project_id))
        # a user answer during the interview (or after the pushback)
        k = len(said) - 1
        if k < len(TOPICS):
            return Step.call("update_brief", brief_patch(TOPICS[k], last["content"]))
        return propose(project)

    return ScriptedOpenAI(script)


def brief_patch(topic: str, text: str) -> dict:
    if topic == "motifs":
        return {"motifs": split_list(text)}
    if topic == "constraints":
        return {"constraints": {"notes": [text]}}
    return {topic: text}


def propose(project) -> Step:
    return Step.call("propose_shot_list", {"shots": [{k: getattr(s, k) for k in PLAN_FIELDS}
                                                     for s in plan_shots(project)]})


def revise(project, request: str) -> Step:
    numbers = [int(n) for n in re.findall(r"\d+", request)]
    patches = []
    if numbers and re.search(r"longer|shorter", request):
        n = numbers[0]
        shot, nxt = project.shots[n - 1], project.shots[min(n, len(project.shots) - 1)]
        bars = project.song.bars
        end = next((b for b in bars if shot.end < b < nxt.end - 0.3), None) if "longer" in request else \
            next((b for b in reversed(bars) if shot.start + 0.3 < b < shot.end), None)
        if end:
            patches.append({"shot": shot.id, "changes": {"end": end}})
    elif numbers:
        motifs = project.brief.motifs or ["the song's image"]
        for k, n in enumerate(numbers):
            patches.append({"shot": str(n), "changes": {"subject": motifs[k % len(motifs)]}})
    else:
        section = next((s.label for s in project.song.sections if s.label in request.lower()), None)
        patches = [{"shot": s.id, "changes": {"prompt": s.prompt.rstrip(".") + "; cold blue light."}}
                   for s in project.shots if s.section == section]
    if not patches:
        return Step.text("I can't tell which shots you mean; name them by number.")
    return Step.call("revise_shots", {"patches": patches})
