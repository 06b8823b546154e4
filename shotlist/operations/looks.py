"""Operations on how named shots look: their light (colder, warmer, darker, brighter), contrast and palette,
their framing (closer, wider) and a new picture for them. Each changes only the shots it names, leaves locked
shots as they are (said in a note), and is one version named in the history ("colder 7-10").

    ops.run(pid, ChangeLook(shots=["3"], looks=["colder"])).line
    # 'Made shot 3 colder (cold blue light, pale frosted highlights); no other shot changed; version 9'

`ChangeShots` runs several of them (and `RetimeShots`) on the same shots as one version: "make the chorus
darker and closer" is one undo step.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from .. import arrange
from ..editor import Arrangement, ProjectEditor
from ..errors import ShotcallerError
from ..framing import CLOSE_SIZES, face_rule, faceless, negative_prompt, shows_person
from ..look import LIGHT, palette_word, stepped
from ..models import SHOT_SIZES, Project, Shot, ShotSize
from ..prompting import follow_fields
from ..shot_ops import validated
from ..shot_range import expand
from ..sizes import step_size
from .table import Operation, Result, ShotRef, operation, saved_line

LENSES = (14, 18, 24, 28, 35, 50, 85, 100, 135, 200)
OPPOSITE = {"colder": "warmer", "warmer": "colder", "darker": "brighter", "brighter": "darker"}
LOOK_STEPS = {"colder": ("warmth", -1), "warmer": ("warmth", 1), "darker": ("brightness", -1),
              "brighter": ("brightness", 1)}
Light = Literal["colder", "warmer", "darker", "brighter"]


def plural(numbers: list[int]) -> str:
    return f"shot {numbers[0]}" if len(numbers) == 1 else "shots " + ", ".join(map(str, numbers))


def numbers_of(project: Project, refs: list[str]) -> list[int]:
    return list(dict.fromkeys(arrange.number(project, r) for r in expand(refs, len(project.shots))))


class Step:
    """What a shot operation does to a list of shots, without saving: `ChangeShots` chains them."""

    def word(self) -> str:
        """How the history names it: 'colder', 'closer', 'new picture', 'longer'."""
        raise NotImplementedError  # pragma: no cover - every step defines it

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        """(the new shots, notes, what was done: 'made shot 3 colder (cold blue light)')."""
        raise NotImplementedError  # pragma: no cover - every step defines it


class ShotChange(Operation, Step):
    """Base of the operations on named shots: locked ones are left as they are; all locked is refused."""

    shots: list[ShotRef] = Field(min_length=1, description="Shot numbers, ranges ('4-6'), ids, or 'last'.")

    def apply(self, editor: ProjectEditor) -> Result:
        return run_steps(editor, self.shots, [self])


def _patched(project: Project, shots: list[Shot], n: int, changes: dict) -> tuple[Shot, list[str]]:
    """Shot n with `changes`, validated, its prompt following its fields (as `ProjectEditor.revise` does)."""
    shot = validated(Shot, shots[n - 1].model_dump() | changes, f"shot {n}")
    return follow_fields(shot, changes, project.style, n)


def _apply(project: Project, shots: list[Shot], changes: dict[int, dict]) -> tuple[list[Shot], list[str]]:
    out, notes = list(shots), []
    for n, c in changes.items():
        if c:
            out[n - 1], said = _patched(project, out, n, c)
            notes += said
    return out, notes


def with_look(prompt: str, looks: list[str]) -> str:
    """The prompt with the named light; an earlier opposite light is taken out, not stacked."""
    m = re.search(r"\s*Light: ([^.]*)\.\s*$", prompt)
    current = [x.strip() for x in m.group(1).split(";")] if m else []
    base = prompt[: m.start()] if m else prompt.rstrip()
    drop = {LIGHT[OPPOSITE[w]] for w in looks} | {LIGHT[w] for w in looks}
    kept = [c for c in current if c not in drop]
    return f"{base.rstrip('.')}. Light: {'; '.join([*kept, *(LIGHT[w] for w in looks)])}."


@operation("change_look")
class ChangeLook(ShotChange):
    """Change the light of named shots (colder, warmer, darker, brighter), their contrast (more, less) or the
    colours their palette leans to (teal, amber, …); nothing else about them, and no other shot, changes."""

    looks: list[Light] = Field(default_factory=list, description="colder, warmer, darker, brighter.")
    contrast: Literal["more", "less"] | None = Field(default=None, description="More or less contrast.")
    palette: list[str] = Field(default_factory=list, max_length=4, description="Colours, e.g. ['teal', 'gold'].")

    def word(self) -> str:
        return " ".join([*self.looks, *([f"{self.contrast} contrast"] if self.contrast else []), *self.palette])

    @field_validator("palette")
    @classmethod
    def _colours(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(palette_word(c) for c in v))  # a colour the grader cannot show: its list of them

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        if not (self.looks or self.contrast or self.palette):
            raise ShotcallerError("say what to change: colder, warmer, darker, brighter, more or less contrast, "
                                  "or a colour")
        shots, changes = project.shots, {n: {} for n in numbers}
        for n in numbers:
            shot = shots[n - 1]
            if self.looks:
                changes[n]["prompt"] = with_look(shot.prompt, list(self.looks))
                for w in self.looks:
                    name, direction = LOOK_STEPS[w]
                    changes[n][name] = stepped(changes[n].get(name, getattr(shot, name)), direction)
            if self.contrast:
                changes[n]["contrast"] = stepped(shot.contrast, 1 if self.contrast == "more" else -1)
            if self.palette:
                changes[n]["palette"] = list(self.palette)
        out, notes = _apply(project, shots, changes)
        said = [f"{' and '.join(self.looks)} ({'; '.join(LIGHT[w] for w in self.looks)})"] if self.looks else []
        said += [f"{self.contrast} contrast"] if self.contrast else []
        said += [f"a {' and '.join(self.palette)} palette"] if self.palette else []
        return out, notes, f"made {plural(numbers)} {', '.join(said)}"


def next_lens(lens: str, closer: bool) -> str:
    """The next longer (closer) or wider focal length: '50mm' → '85mm'."""
    m = re.search(r"(\d+)\s*mm", lens or "")
    mm = int(m.group(1)) if m else 35
    longer = [f for f in LENSES if f > mm] if closer else [f for f in LENSES if f < mm][::-1]
    return f"{(longer or [mm])[0]}mm"


@operation("change_framing")
class ChangeFraming(ShotChange):
    """Frame named shots closer or wider by one shot size (at the end of the range the camera pushes in or
    pulls out, then the lens changes); a rule against faces in close-up is kept."""

    direction: Literal["closer", "wider"]

    def word(self) -> str:
        return self.direction

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        closer = self.direction == "closer"
        changes: dict[int, dict] = {}
        sizes = []
        for n in numbers:
            shot = project.shots[n - 1]
            c: dict = {}
            size = step_size(shot.shot_size, closer, project.brief.constraints.banned_sizes)
            blocked = False
            if size in CLOSE_SIZES and face_rule(project.brief.constraints) == "close":
                words = {f: faceless(getattr(shot, f)) for f in ("subject", "action", "setting")}
                if shows_person(" ".join(words.values())):
                    size, blocked = shot.shot_size if shot.shot_size not in CLOSE_SIZES else "medium", True
                else:
                    c.update({f: w for f, w in words.items() if w != getattr(shot, f)})
            c["shot_size"] = size
            c["prompt"] = re.sub(rf"^{re.escape(shot.shot_size)} shot", f"{size} shot", shot.prompt)
            edge = ("extreme close-up", "insert") if closer else ("extreme wide",)
            move = "push in" if closer else "pull out"
            if size == shot.shot_size and (size in edge or blocked):  # no size further: the camera moves, or the lens
                if shot.movement != move:
                    c["movement"] = move
                    c["prompt"] = c["prompt"].replace(f", {shot.movement}:", f", {move}:", 1)
                    size = f"{size} ({move})"
                else:
                    c["lens"] = next_lens(shot.lens, closer)
                    size = f"{size} ({c['lens']} lens)"
            c["negative_prompt"] = negative_prompt(project.style.negative_prompt or "watermark, logo",
                                                   project.brief.constraints, size)
            changes[n] = c
            sizes.append(size)
        out, notes = _apply(project, project.shots, changes)
        return out, notes, f"made {plural(numbers)} {self.direction}: now {', '.join(dict.fromkeys(sizes))}"


@operation("set_size")
class SetSize(ShotChange):
    """Set named shots to one shot size ("make shot 5 a close-up"); the prompt says the new size, and a size the
    brief bans is refused."""

    size: ShotSize = Field(description="The shot size to set.")

    def word(self) -> str:
        return self.size

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        if self.size in project.brief.constraints.banned_sizes:
            raise ShotcallerError(f"the brief bans {self.size} shots; allowed: " + ", ".join(
                s for s in SHOT_SIZES if s not in project.brief.constraints.banned_sizes))
        changes = {n: {"shot_size": self.size, "prompt": re.sub(rf"^{re.escape(project.shots[n - 1].shot_size)} shot",
                                                                  f"{self.size} shot", project.shots[n - 1].prompt),
                       "negative_prompt": negative_prompt(project.style.negative_prompt or "watermark, logo",
                                                          project.brief.constraints, self.size)} for n in numbers}
        out, notes = _apply(project, project.shots, changes)
        return out, notes, f"made {plural(numbers)} {self.size}"


class Picture(BaseModel):
    """A new picture for a shot; its framing (size, angle, movement) and its light stay."""

    subject: str = Field(min_length=1, max_length=300)
    action: str = Field(default="", max_length=300)
    setting: str = Field(default="", max_length=300)
    reason: str = Field(default="", max_length=600, description="Why this picture, tied to the lyric it carries.")
    why_generative: str = Field(default="", max_length=600, description="Why a camera could not film it.")


@operation("replace_pictures")
class ReplacePictures(ShotChange):
    """Give named shots new pictures (one for all of them, or one per shot, in order): subject, action,
    setting, reason and why-generative; the framing and the light of each shot stay."""

    pictures: list[Picture] = Field(min_length=1, description="One picture for every named shot, or one per shot.")

    def word(self) -> str:
        return "new picture"

    def change(self, project: Project, numbers: list[int]) -> tuple[list[Shot], list[str], str]:
        if len(self.pictures) not in (1, len(numbers)):
            raise ShotcallerError(f"give one picture, or one per shot ({len(numbers)}), not {len(self.pictures)}")
        changes = {}
        for k, n in enumerate(numbers):
            shot, pic = project.shots[n - 1], self.pictures[k if len(self.pictures) > 1 else 0]
            look = project.brief.palette or ""
            prompt = (f"{shot.shot_size} shot, {shot.angle} angle, {shot.movement}: {pic.subject} {pic.action}, "
                      f"{pic.setting}. {look}".strip(" .") + ".")
            light = re.search(r"\s*Light: [^.]*\.\s*$", shot.prompt or "")
            changes[n] = pic.model_dump() | {"prompt": prompt.rstrip() + (" " + light.group(0).strip() if light else "")}
        out, notes = _apply(project, project.shots, changes)
        return out, notes, f"rewrote {plural(numbers)}: {'; '.join(dict.fromkeys(p.subject for p in self.pictures))}"


def _set_locks(project: Project, ids: set[str], locked: bool) -> Project:
    return project.model_copy(update={"shots": [s.model_copy(update={"locked": locked}) if s.id in ids else s
                                                for s in project.shots]})


def run_steps(editor: ProjectEditor, refs: list[str], steps: list[Step], lock: list[str] = (),
              unlock: list[str] = ()) -> Result:
    """Apply `steps` in order to the shots `refs` names, as one version; locked shots are left as they are.
    `unlock` names shots unlocked first and `lock` shots locked last, in the same version ("unlock 1 and make
    it darker", "lock shot 3 and make 5 colder"): one undo step, named in the history."""
    said: list[str] = []
    numbers: list[int] = []

    def change(p: Project) -> Arrangement:
        freed = {p.shots[n - 1].id for n in numbers_of(p, list(unlock))}
        to_lock = {p.shots[n - 1].id for n in numbers_of(p, list(lock))}
        start = _set_locks(p, freed, False)
        found = numbers_of(start, refs)
        free = [n for n in found if not start.shots[n - 1].locked]
        held = [n for n in found if n not in free]
        if not free:
            raise ShotcallerError(f"{plural(held)} {'is' if len(held) == 1 else 'are'} locked, so nothing changed; "
                                  "unlock first")
        numbers.extend(free)
        project, notes, ids = start, [], {s.id for s in p.shots}
        for step in steps:
            shots, more, what = step.change(project, free)
            project = project.model_copy(update={"shots": shots})
            notes += more
            said.append(what)
        notes += [f"left locked {plural(held)} as {'it is' if len(held) == 1 else 'they are'}"] if held else []
        for word, touched in (("unlocked", freed), ("locked", to_lock)):
            shown = [n for n, s in enumerate(p.shots, 1) if s.id in touched]
            numbers.extend(n for n in shown if n not in numbers)
            if shown:
                said.append(f"{word} {plural(shown)}")
        project = _set_locks(project, to_lock, True)
        changed = [s.id for s in project.shots if s.id not in ids or s not in p.shots]
        return Arrangement(project.shots, changed=changed, removed=[i for i in ids if i not in
                                                                      {s.id for s in project.shots}], notes=notes,
                           unlocked=sorted(freed))
    label = ([f"unlock {', '.join(unlock)}"] if unlock else []) + [f"{' + '.join(s.word() for s in steps)} "
                                                                    f"{', '.join(refs)}"]
    edit = editor.rearrange(" + ".join(label + ([f"lock {', '.join(lock)}"] if lock else [])), change)
    text = "; ".join(said)
    alone = edit.saved and not edit.removed and set(edit.numbers()) <= set(numbers)
    text = text[:1].upper() + text[1:] + ("; no other shot changed" if alone else "")
    line = saved_line(edit, text)
    return Result(steps[0].name if len(steps) == 1 and not (lock or unlock) else "change_shots", line, edit,
                  edit.numbers() if edit.saved else numbers, edit.notes)


@operation("change_shots")
class ChangeShots(ShotChange):
    """Several changes to the same named shots as one version and one undo step ("make the chorus darker and
    closer"): light, contrast, palette, framing, a new picture, and longer or shorter (applied last); shots to
    unlock first and to lock last ride in the same version ("lock shot 3 and make 5 colder")."""

    looks: list[Light] = Field(default_factory=list, description="colder, warmer, darker, brighter.")
    contrast: Literal["more", "less"] | None = None
    palette: list[str] = Field(default_factory=list, max_length=4, description="Colours, e.g. ['teal', 'gold'].")
    direction: Literal["closer", "wider"] | None = None
    pictures: list[Picture] = Field(default_factory=list, description="New pictures (one for all, or one per shot).")
    longer: bool | None = Field(default=None, description="True: longer; false: shorter; empty: timing stays.")
    lock: list[ShotRef] = Field(default_factory=list, description="Shots to lock after the change, in the same "
                                "version ('lock shot 3 and make 5 colder').")
    unlock: list[ShotRef] = Field(default_factory=list, description="Shots to unlock before the change, in the "
                                  "same version ('unlock 1 and make it darker').")

    def steps(self) -> list[Step]:
        from .retime import RetimeShots

        shots = list(self.shots)
        out: list[Step] = [ReplacePictures(shots=shots, pictures=self.pictures)] if self.pictures else []
        if self.looks or self.contrast or self.palette:
            out.append(ChangeLook(shots=shots, looks=self.looks, contrast=self.contrast, palette=self.palette))
        out += [ChangeFraming(shots=shots, direction=self.direction)] if self.direction else []
        out += [RetimeShots(shots=shots, longer=self.longer)] if self.longer is not None else []
        if not out:
            raise ShotcallerError("say what to change: a look, a framing, a new picture, longer or shorter")
        return out

    def apply(self, editor: ProjectEditor) -> Result:
        return run_steps(editor, self.shots, self.steps(), lock=list(self.lock), unlock=list(self.unlock))
