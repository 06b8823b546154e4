"""Operations on the brief, the style bible and the whole plan, and the ones that read it: update_brief,
update_style, propose_shot_list, show_shots, critique, rename. Their arguments are partial copies of the domain
models (every field optional, its description the model's), so the tools' schemas follow the models.

    ops.run(pid, UpdateBrief(meaning="a riddle about grief")).line   # 'brief updated (meaning); version 4'
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, Field, create_model

from ..editor import ProjectEditor
from ..errors import ShotcallerError
from ..models import BRIEF_SETTABLE, Brief, Character, Project, Shot, ShotList, StyleBible
from .table import Operation, Result, ShotRef, operation, saved_line

DRAFT_FIELDS = ("start", "end", "section", "lyric", "shot_size", "angle", "movement", "lens", "subject", "action",
                "setting", "prompt", "negative_prompt", "reason", "why_generative", "transition")
SHOW_FIELDS = {"id", "index", "start", "end", "section", "lyric", "shot_size", "angle", "movement", "subject",
               "action", "setting", "prompt", "reason", "why_generative", "locked"}


def partial(model: type[BaseModel], names: tuple[str, ...], name: str, required: tuple[str, ...] = ()) -> type[BaseModel]:
    """A model of some of `model`'s fields, all optional. The default is None with the field's own type kept
    (no null unions: they double the schema an LLM reads on every request), so the fields sent can be told
    from the ones left out (`sent`)."""
    fields: dict[str, Any] = {}
    for n in names:
        f = model.model_fields[n]
        fields[n] = (f.annotation, Field(default=... if n in required else None, description=f.description))
    return create_model(name, **fields)


def sent(args: BaseModel | dict[str, Any]) -> dict[str, Any]:
    data = args if isinstance(args, dict) else {k: getattr(args, k) for k in type(args).model_fields}
    return {k: v for k, v in data.items() if v is not None}


ShotDraft = partial(Shot, DRAFT_FIELDS, "ShotDraft", required=("start",))
ShotDraft.__doc__ = "One shot. `start` is required; `end` defaults to the next shot's start."


def drafts_to_shots(drafts: list[BaseModel], duration: float) -> list[Shot]:
    """Drafts in time order, each ending where the next starts (the last at the song's end)."""
    rows = sorted((sent(d.model_dump()) for d in drafts), key=lambda r: r.get("start", 0.0))
    for i, r in enumerate(rows):
        if "start" not in r:
            raise ShotcallerError(f"shot {i + 1} has no start time")
        r.setdefault("end", rows[i + 1]["start"] if i + 1 < len(rows) else duration)
    return [Shot.model_validate(r) for r in rows]


def summary(project: Project) -> str:
    """The critic's findings as stored on the shots (the critic itself is injected into the editor)."""
    shots = project.shots
    if not shots:
        return "No shots to critique yet."
    generic = [n for n, s in enumerate(shots, 1) if s.critique.generic]
    shootable = [n for n, s in enumerate(shots, 1) if s.critique.camera_shootable]
    noted = [(n, s.critique.notes) for n, s in enumerate(shots, 1) if s.critique.notes]
    mean = sum(s.critique.grounding for s in shots) / len(shots)
    lines = [f"Critic: {len(shots)} shots, mean grounding {mean:.2f}, {len(generic)} generic, "
             f"{len(shootable)} a phone could film."]
    if generic:
        lines.append("Generic: shots " + ", ".join(map(str, generic)) + " sit close to music-video clichés.")
    for n, notes in noted[:8]:
        lines.append(f"  shot {n}: " + "; ".join(notes))
    if len(noted) > 8:
        lines.append(f"  … and {len(noted) - 8} more shots with notes")
    return "\n".join(lines)


class _UpdateBrief(Operation):
    def apply(self, editor: ProjectEditor) -> Result:
        fields = {k: v for k, v in sent(self).items() if k != "said"}
        edit = editor.update_brief(said=self.said, **fields)  # type: ignore[attr-defined]
        names = ", ".join(f.removeprefix("brief.") for f in edit.fields) or ", ".join(sorted(fields))
        line = f"brief updated ({names}); version {edit.version}" if edit.saved else \
            f"no change ({'; '.join(edit.notes)}); version {edit.version}"
        return Result(self.name, line, edit)


UpdateBrief = operation("update_brief")(create_model(
    "UpdateBrief", __base__=_UpdateBrief,
    said=(str | None, Field(default=None, description=(  # the editor keeps the first 1,000 characters
        "The artist's words the fields were filed from, kept beside them (optional)."))),
    **{n: (Brief.model_fields[n].annotation, Field(default=None, description=Brief.model_fields[n].description))
       for n in BRIEF_SETTABLE}))
UpdateBrief.__doc__ = "Record what the artist said in the brief (only the fields given change)."


@operation("update_style")
class UpdateStyle(Operation):
    """Set the style bible: global look, recurring characters, negative prompt."""

    look: str | None = Field(default=None, description=StyleBible.model_fields["look"].description)
    characters: list[Character] | None = Field(default=None, description="Recurring characters.")
    negative_prompt: str | None = Field(default=None, description=StyleBible.model_fields["negative_prompt"].description)

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.update_style(**sent(self))
        line = f"style updated; version {edit.version}" if edit.saved else \
            f"no change ({'; '.join(edit.notes)}); version {edit.version}"
        return Result(self.name, line, edit)


@operation("propose_shot_list")
class ProposeShotList(Operation):
    """Propose the whole shot list: cuts snapped to beats, timing filled from the song, the critic run. Over an
    existing plan only when the artist asked to re-plan (`replan`); otherwise revise shots."""

    shots: list[ShotDraft] = Field(description=ShotList.model_fields["shots"].description)  # type: ignore[valid-type]
    replan: bool = Field(default=False, description=(
        "Set true only when the artist asked to re-plan the whole song. Once a plan exists, a proposal "
        "without it is refused: change what the artist named with revise_shots instead."))

    def apply(self, editor: ProjectEditor) -> Result:
        shots = drafts_to_shots(list(self.shots), editor.project().song.duration)
        return proposed(editor, shots, self.replan)


def proposed(editor: ProjectEditor, shots: list[Shot], replan: bool = False) -> Result:
    """A whole list proposed through the editor, worded with what a re-plan kept and the critic's findings."""
    edit = editor.propose(shots, replan=replan)
    kept = "".join(f"; {n}" for n in edit.notes if n.startswith("kept"))
    line = f"shot list saved: {len(edit.project.shots)} shots, version {edit.version}{kept}"
    return Result("propose_shot_list", line, edit, list(range(1, len(edit.project.shots) + 1)),
                  [summary(edit.project)])


@operation("show_shots")
class ShowShots(Operation):
    """Read shots by number or id (all when none are named), as compact JSON."""

    asks = True
    shots: list[ShotRef] = Field(default_factory=list, description="Shot numbers or ids; empty for all.")

    def apply(self, editor: ProjectEditor) -> Result:
        project = editor.project()
        chosen = [project.shot(s) for s in self.shots] if self.shots else project.shots
        rows = [s.model_dump(include=SHOW_FIELDS) | {"critic": s.critique.notes} for s in chosen]
        return Result(self.name, json.dumps(rows, ensure_ascii=False) if rows else "no shots yet", None,
                      [s.index for s in chosen])


@operation("critique")
class Critique(Operation):
    """Run the critic on the whole shot list and return its findings."""

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.critique()
        return Result(self.name, summary(edit.project) if edit.project.shots else "No shots yet.", edit)


@operation("rename")
class Rename(Operation):
    """Change the project's title (its id and folder stay)."""

    positional: ClassVar[tuple[str, ...]] = ("title",)
    title: str = Field(min_length=1, max_length=200, description="The new title.")

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.rename(self.title)
        if not edit.saved:
            return Result(self.name, saved_line(edit, ""), edit)
        return Result(self.name, f"renamed {edit.project.id} to {edit.project.title!r}; version {edit.version}",
                      edit)
