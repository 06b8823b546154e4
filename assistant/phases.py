"""The phased director's phases: each a short prompt (prompts/phase_*.md), a typed reply constrained by its
JSON schema, and the few operations it may cause. Small local models do well at one short, constrained
question at a time and badly at choosing among a dozen tools over a long conversation.

- interview: `Filed` {topic, corrects}: the artist's own words filed under that topic → `update_brief`, then
  guided mode's question for the next open topic (a few tokens out: the first reply comes in seconds);
- section writing: the deterministic planner fixes each section's slots (count, times, framing, lyric
  lines); the model writes `ShotWords` for each slot, one section (a long one in parts) per call →
  `revise_shots` (which builds each prompt from the fields written and the style bible: shotlist/prompting.py);
- revision: guided mode's request parser first; the model only when it cannot map the request, its reply a
  `Revision` (one typed operation, or a question) applied through `RevisionOps` → `revise_shots`; the plan
  (`plan_view`) is in the system prompt, read into the server's cache while the artist looks, so a call
  reads only the artist's words;
- critique: the shots the critic flags, rewritten once → `revise_shots`.
"""

from __future__ import annotations

import json
import operator
from functools import reduce
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, conlist, create_model

from shotlist.errors import ShotcallerError
from shotlist.models import Project, Shot, ShotPatch
from shotlist.operations import OPERATIONS, Operation

from .interview import TOPICS
from .prompts import load_prompt
from .tools import ProjectTools

# characters per field the model writes, ≤ 90 tokens a shot even for noise (a random model under the grammar
# wrote 86-100 tokens a shot at 180 characters, 85-95 at 156-160: benchmarks/local_phases.py). What the planner
# writes mostly fits (on the fixture song, p90/max: subject 20/20, action 36/44, setting 30/34); its reason and
# why_generative are sentences a model says in fewer words. The prompt is not written but built from these and
# the style bible.
TEXT_CHARS = {"subject": 24, "action": 36, "setting": 28, "reason": 36, "why_generative": 32}
JSON_OVERHEAD_TOKENS = 40  # keys, quotes and brackets around one shot's strings
# the operations of the table (shotlist/operations) a revision may become, with `ask`: four choices, each
# whose every schema-valid reply its own validation accepts. Not revise_shots: its ShotChanges (every field of
# a shot, times included, all optional) is too open a reply for a small model; the artist's words for a shot
# go through write_shots, which writes the fields from them. Not move_shot: "before or after" is a rule its
# schema cannot state (a random model's valid reply named neither). Looks, sizes, timing and moves are
# guided mode's parser's, which runs first.
REVISION_OPERATIONS = ("write_shots", "swap_shots", "repeat_shot")

Topic = Literal[TOPICS]  # type: ignore[valid-type]


def clipped(chars: int) -> BeforeValidator:
    """A string over its schema's maxLength is cut to it: a grammar counts a model's stray bytes as one
    character each, but the server sends each invalid one as U+FFFD, so a valid reply can come back longer."""
    return BeforeValidator(lambda v: v[:chars] if isinstance(v, str) else v)


def Text(chars: int, description: str, least: int = 1):  # noqa: N802 - a type, as pydantic's constr
    return Annotated[str, clipped(chars), Field(min_length=least, max_length=chars, description=description)]


class Filed(BaseModel):
    """Where the artist's last answer goes: its words are filed as said (guided mode keeps them verbatim too)."""

    topic: Topic = Field(description="What the answer is about.")
    corrects: bool = Field(description="True when the artist corrects what they said before.")


KEYS = {"why_generative": "why"}  # a shorter key the model writes (every character of a key is a token to decode)


def _text(name: str) -> tuple[type, object]:
    return (Text(TEXT_CHARS[name], Shot.model_fields[name].description or name, 3), Field(alias=KEYS.get(name, name)))


ShotWords = create_model("ShotWords", __config__=ConfigDict(populate_by_name=True),  # type: ignore[call-overload]
                         **{name: _text(name) for name in TEXT_CHARS})


def words_for(count: int) -> type[BaseModel]:
    """A reply of exactly `count` ShotWords (the schema says so: a grammar cannot give one more or less)."""
    return create_model("SectionShots", shots=(conlist(ShotWords, min_length=count, max_length=count), ...))


def words_budget(count: int) -> int:
    """Tokens that always hold `count` shots at their longest (one token per character at worst)."""
    return count * (sum(TEXT_CHARS.values()) + JSON_OVERHEAD_TOKENS) + 16


class Ask(BaseModel):
    """A question for the artist, when the request names no shot or is unclear."""

    model_config = ConfigDict(extra="forbid")
    op: Literal["ask"]
    question: Text(200, "The question for the artist.", 0)  # type: ignore[valid-type]


def _choice(name: str) -> type[BaseModel]:
    """{"op": name, "args": the operation's own arguments}: the table's class is the schema of `args`."""
    return create_model(f"Do_{name}", __config__=ConfigDict(extra="forbid"), op=(Literal[name], ...),
                        args=(OPERATIONS[name], ...))


REPLY_CHARS, REPLY_ITEMS = 120, 8  # a revision's strings and lists, at most (the grammar's bound; ops allow more):
# a shot described in the artist's words, or a question, in two lines; every character the model may write costs it time
REVISION_TOKENS = REPLY_CHARS + REPLY_ITEMS * 6 + 64  # always holds the longest bounded reply


def _bounded(node: Any, numbers: list[str]) -> None:
    """Every shot reference (a string described as a shot) becomes one of the plan's numbers; other strings
    and lists get a length a short reply needs (a grammar then always ends within REVISION_TOKENS)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and str(node.get("description", "")).startswith("Shot"):
            node.pop("maxLength", None)
            node["enum"] = numbers
        elif node.get("type") == "string":
            node["maxLength"] = min(node.get("maxLength", REPLY_CHARS), REPLY_CHARS)
        elif node.get("type") == "array":
            node["maxItems"] = min(node.get("maxItems", REPLY_ITEMS), REPLY_ITEMS)
        for v in node.values():
            _bounded(v, numbers)
    elif isinstance(node, list):
        for v in node:
            _bounded(v, numbers)


class BoundedShots(BaseModel):
    """A reply whose JSON schema names only the plan's `shot_count` shots (a grammar cannot name shot 0 or
    shot 99); validation stays the operations' own."""

    model_config = ConfigDict(extra="forbid")
    shot_count: ClassVar[int] = 1

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        _bounded(schema, [str(n) for n in range(1, cls.shot_count + 1)])
        return schema


def context(project: Project) -> str:
    song, b = project.song, project.brief
    sections = "; ".join(f"{s.label} {s.start:.0f}-{s.end:.0f}s" for s in song.sections)
    # not `said`: the artist's words again, beside the fields filed from them
    brief = json.dumps({k: v for k, v in b.model_dump(exclude={"constraints", "references", "said"}).items() if v},
                       ensure_ascii=False)
    return load_prompt("phase_context.md").format(title=project.title, duration=song.duration, tempo=song.tempo,
                                                  sections=sections, brief=brief)


PLAN_VIEW_CHARS = 24  # a shot's subject in the revision prompt's plan view (a plan's words, not the model's limit)


def plan_view(project: Project) -> str:
    """The plan as the revision phase reads it: each section's shot numbers and subjects, one line a section
    ("chorus 1: 5 the well; 6 a shirt of fog"), about 8 tokens a shot."""
    return "Shots:\n" + "\n".join(
        f"{label}: " + "; ".join(f"{n} {project.shots[n - 1].subject[:PLAN_VIEW_CHARS].strip()}" for n in numbers)
        for label, numbers in sections_of(project.shots))


def system(phase: str, project: Project) -> str:
    """The phase's prompt, the song context and, for a revision, the plan: the prefix the server keeps cached
    across a phase's calls (and reads ahead of them: `PhasedDirector.warm`)."""
    text = f"{load_prompt(f'phase_{phase}.md')}\n{context(project)}"
    return f"{text}\n{plan_view(project)}" if phase == "revision" and project.shots else text


def messages(phase: str, project: Project, user: str) -> list[dict]:
    return [{"role": "system", "content": system(phase, project)}, {"role": "user", "content": user}]


def interview_request(question: str, answer: str) -> str:
    return f"You asked: {question}\nThe artist answered: {answer}"


def revision_request(text: str, selected_shot: int | None) -> str:
    return f"The artist asks: {text}" + (f"\n(The artist has shot {selected_shot} selected.)" if selected_shot else "")


def slot_line(n: int, s: Shot) -> str:
    line = f"#{n} {s.start:.1f}-{s.end:.1f}s {s.shot_size}, {s.angle}, {s.movement}"
    return line + (f"; lyric: {s.lyric}" if s.lyric else "; instrumental") + f"; idea: {s.subject}, {s.setting}"


SECTION_SLOTS = 8  # slots one section call writes at most: a 29-shot section in one call read 2,123 prompt
# tokens (62 a slot, over the 1,500 budget) and decoded a third slower as its context grew (local_phases.json)
EARLIER_SHOTS = 8  # shots of the same section already written that a later part of it is shown (~8 tokens each)


def parts(numbers: list[int], size: int = SECTION_SLOTS) -> list[list[int]]:
    """A section's shot numbers in even consecutive parts of at most `size` (29 → 8, 7, 7, 7)."""
    count = -(-len(numbers) // size) or 1
    base, extra = divmod(len(numbers), count)
    cuts = [i * base + min(i, extra) for i in range(count + 1)]
    return [numbers[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def section_request(label: str, numbered: list[tuple[int, Shot]], earlier: list[tuple[int, Shot]] = ()) -> str:
    """The slots to write; for a later part of a long section, the subjects its earlier shots were given, so the
    section develops instead of starting over."""
    head = f"Section {label}, {len(numbered)} shots:\n"
    if earlier:
        shown = list(earlier)[-EARLIER_SHOTS:]
        head = (f"Section {label}, continued. Written so far: "
                + "; ".join(f"#{n} {s.subject}" for n, s in shown) + f"\nNow {len(numbered)} shots:\n")
    return head + "\n".join(slot_line(n, s) for n, s in numbered)


def critique_request(numbered: list[tuple[int, Shot]]) -> str:
    return "Flagged shots:\n" + "\n".join(
        f"{slot_line(n, s)}; now: {s.action}; critic: {'; '.join(s.critique.notes)[:160]}" for n, s in numbered)


def sections_of(shots: list[Shot]) -> list[tuple[str, list[int]]]:
    """Runs of consecutive shots in one section: (label, 1-based shot numbers)."""
    runs: list[tuple[str, list[int]]] = []
    for n, s in enumerate(shots, 1):
        if runs and runs[-1][0] == s.section:
            runs[-1][1].append(n)
        else:
            runs.append((s.section, [n]))
    return runs


def word_patches(project: Project, numbers: list[int], words: list[BaseModel]) -> list[ShotPatch]:
    """The written words onto their slots; the editor rebuilds each prompt from them, the slot's framing and
    the style bible (`shotlist.prompting.follow_fields`)."""
    return [ShotPatch(shot=str(n), changes=w.model_dump()) for n, w in zip(numbers, words)
            if not project.shots[n - 1].locked]


class RevisionOps:
    """The seam between the model's reply and the project: one operation of the table (`shotlist.operations`,
    through `ProjectTools.run`), chosen among `names`, its arguments constrained by the operation's own
    JSON schema, or a question."""

    def __init__(self, tools: ProjectTools, names: tuple[str, ...] = REVISION_OPERATIONS):
        self.tools = tools
        self.names = tuple(n for n in names if n in OPERATIONS)

    def schema(self) -> type[BaseModel]:
        """{"change": one of the operations or `ask`}, shot references bounded to this plan."""
        choices = reduce(operator.or_, [*(_choice(n) for n in self.names), Ask])
        model = create_model("Revision", __base__=BoundedShots,
                             change=(Annotated[choices, Field(discriminator="op")], ...))
        model.shot_count = max(1, len(self.tools.project().shots))
        return model

    def apply(self, rev: BaseModel) -> tuple[str, list[str]]:
        """The operation's own line, or one clear line or question when it cannot apply (nothing changed)."""
        change = rev.change  # type: ignore[attr-defined]
        if isinstance(change, Ask):
            return (change.question.strip() or "Which shot should change, and how?"), []
        op: Operation = change.args
        try:
            result = self.tools.run(op)
        except (ShotcallerError, ValueError) as e:
            return f"That change does not fit: {e} (nothing was changed).", []
        if not result.changed:
            return f"{result.text()} (nothing was changed).", []
        return result.text(), [op.name]
