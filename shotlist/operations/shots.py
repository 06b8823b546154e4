"""Operations on shots: the artist's own words for a shot or a section, insert, delete, move, swap,
merge, split, lock and field revisions. See `shotlist.arrange` for the rule pictures move by."""

from __future__ import annotations

from pydantic import Field, model_validator

from .. import arrange
from ..artist_words import picture
from ..editor import Arrangement, ProjectEditor
from ..errors import ShotcallerError
from ..models import Project, Shot, ShotPatch
from ..plan_rules import follow
from ..shot_range import expand
from ..timing import lines_within
from .parts import sections_named, shots_in
from .table import Operation, Part, Result, ShotRef, Words, operation, saved_line


def _numbers(project: Project, refs: list[str]) -> list[int]:
    return list(dict.fromkeys(arrange.number(project, r) for r in expand(refs, len(project.shots))))


def _plural(numbers: list[int]) -> str:
    return f"shot {numbers[0]}" if len(numbers) == 1 else "shots " + ", ".join(map(str, numbers))


def _pictured(project: Project, slot: Shot, words: str) -> Shot:
    lyric = " / ".join(lines_within(project.song, slot.start, slot.end)) or slot.lyric
    section = project.song.section_at((slot.start + slot.end) / 2)
    slot = slot.model_copy(update={"lyric": lyric, "section": section.label if section else slot.section})
    return follow(project, slot.model_copy(update=picture(words, slot, project)))


def _write(project: Project, numbers: list[int], words: str) -> Arrangement:
    held = [n for n in numbers if project.shots[n - 1].locked]
    if held:
        raise ShotcallerError(f"{_plural(held)} {'is' if len(held) == 1 else 'are'} locked: unlock before rewriting")
    shots = list(project.shots)
    for n in numbers:
        s = shots[n - 1]
        shots[n - 1] = _pictured(project, s, words).model_copy(update={"lyric": s.lyric, "takes": [],
                                                                        "picked_take": None})
    notes = [] if shots[numbers[0] - 1].why_generative else [
        "why does it need generation rather than a camera? say it ('shot N needs generation because …') "
        "or it stays marked as shootable"]
    return Arrangement(shots, changed=[shots[n - 1].id for n in numbers], notes=notes)


@operation("write_shots")
class WriteShots(Operation):
    """Put the artist's own picture in named shots ("shot 7: him at the table underwater"): subject, action,
    setting and prompt from their words, the reason tied to the lyric; a re-plan keeps these shots."""

    shots: list[ShotRef] = Field(min_length=1, description="Shot numbers, ranges ('4-6') or ids.")
    words: Words

    def apply(self, editor: ProjectEditor) -> Result:
        numbers = _numbers(editor.project(), self.shots)  # named in the history by number ('last' → 28)
        edit = editor.rearrange(f"{_plural(numbers)} in your words", lambda p: _write(p, numbers, self.words))
        return Result(self.name, saved_line(edit, f"{_plural(numbers)} now show{'s' * (len(numbers) == 1)}: "
                                                  f"{self.words}"), edit, numbers, edit.notes)


@operation("write_section")
class WriteSection(Operation):
    """Put the artist's own picture in every shot of a section, or of every repeat of it ("every chorus: water
    coming in under the door"); each shot keeps its framing and its lyric."""

    section: Part
    words: Words

    def apply(self, editor: ProjectEditor) -> Result:
        said: list[str] = []
        numbers: list[int] = []

        def change(p: Project) -> Arrangement:
            found, name = shots_in(p, self.section)
            free = [n for n in found if not p.shots[n - 1].locked]
            if not free:
                raise ShotcallerError(f"{name} has no shot that is not locked: unlock one first")
            said.append(name)
            numbers.extend(free)
            done = _write(p, free, self.words)
            held = [n for n in found if n not in free]
            done.notes += [f"left locked {_plural(held)} as {'it is' if len(held) == 1 else 'they are'}"] if held else []
            return done
        edit = editor.rearrange(f"{self.section} in your words", change)
        return Result(self.name, saved_line(edit, f"{said[0]} ({_plural(numbers)}) now shows: {self.words}"),
                      edit, numbers, edit.notes)


@operation("insert_shot")
class InsertShot(Operation):
    """Add a shot of the artist's picture before or after a shot, before or after a section, or at a time;
    it takes its time from its neighbours on the beat grid."""

    words: Words
    before: ShotRef | None = None
    after: ShotRef | None = None
    before_section: Part | None = None
    after_section: Part | None = None
    at: float | None = Field(default=None, ge=0, description="Seconds from the top of the song.")

    @model_validator(mode="after")
    def _one_place(self) -> InsertShot:
        given = [k for k in ("before", "after", "before_section", "after_section", "at") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("say where, once: before or after a shot, before or after a section, or at a time")
        return self

    def _where(self) -> str:
        if self.at is not None:
            return f"at {self.at:.1f}s"
        k = next(k for k in ("before", "after", "before_section", "after_section") if getattr(self, k) is not None)
        return f"{k.split('_')[0]} {'shot ' if '_' not in k else 'the '}{getattr(self, k)}"

    def apply(self, editor: ProjectEditor) -> Result:
        def fill(p: Project):
            return lambda slot: _pictured(p, slot, self.words)

        def change(p: Project) -> Arrangement:
            if self.at is not None:
                if self.at >= p.song.duration:
                    raise ShotcallerError(f"{self.at:.1f}s is past the end of the song ({p.song.duration:.1f}s)")
                return arrange.insert_at_time(p, self.at, fill(p))
            if self.before is not None or self.after is not None:
                n = arrange.number(p, self.before if self.before is not None else self.after)
                shot = p.shots[n - 1]
                return arrange.insert_at_cut(p, shot.start if self.before is not None else shot.end, fill(p))
            part = self.before_section or self.after_section
            sections, _ = sections_named(p, part)
            edge = sections[0].start if self.before_section else sections[-1].end
            cut = min((s.start for s in p.shots), key=lambda t: abs(t - edge))
            cut = p.song.duration if self.after_section and abs(edge - p.song.duration) < 1e-3 else cut
            return arrange.insert_at_cut(p, cut, fill(p))
        edit = editor.rearrange(f"insert {self._where()}", change)
        n = edit.numbers()[:1] if edit.saved else []
        new = next((k for k, s in enumerate(edit.project.shots, 1) if s.id == edit.changed[0]), 0) if edit.saved else 0
        return Result(self.name, saved_line(edit, f"added shot {new} ({self._where()}): {self.words}; "
                                                  f"{len(edit.project.shots)} shots"), edit, [new] if new else n,
                      edit.notes)


@operation("delete_shots")
class DeleteShots(Operation):
    """Delete shots; the shots beside each one take its time (the cut lands on a beat)."""

    shots: list[ShotRef] = Field(min_length=1, description="Shot numbers, ranges ('4-6') or ids.")

    def apply(self, editor: ProjectEditor) -> Result:
        numbers: list[int] = []

        def change(p: Project) -> Arrangement:
            numbers.extend(_numbers(p, self.shots))
            return arrange.delete(p, numbers)
        edit = editor.rearrange("delete " + ", ".join(self.shots), change)
        return Result(self.name, saved_line(edit, f"deleted {_plural(numbers)}; {len(edit.project.shots)} shots"),
                      edit, [], edit.notes)


@operation("move_shot")
class MoveShot(Operation):
    """Move a shot's picture before or after another shot: the cuts and the lyric each slot carries stay, the
    pictures between shift one slot; reasons that no longer match their lyric are rewritten or flagged."""

    shot: ShotRef
    before: ShotRef | None = None
    after: ShotRef | None = None

    @model_validator(mode="after")
    def _one_place(self) -> MoveShot:
        if (self.before is None) == (self.after is None):
            raise ValueError("say where: before a shot or after a shot")
        return self

    def apply(self, editor: ProjectEditor) -> Result:
        said: list[str] = []

        def change(p: Project) -> Arrangement:
            n, to = arrange.number(p, self.shot), arrange.number(p, self.before or self.after)
            said.append(f"shot {n}'s picture {'after' if self.after else 'before'} shot {to}")
            return arrange.move(p, n, to, after=self.after is not None)
        where = f"{'after' if self.after else 'before'} {self.after or self.before}"
        edit = editor.rearrange(f"move {self.shot} {where}", change)
        return Result(self.name, saved_line(edit, f"moved {said[0]}" if said else "moved"),
                      edit, edit.numbers(), edit.notes)


@operation("swap_shots")
class SwapShots(Operation):
    """Swap the pictures of two shots: the cuts and the lyric each slot carries stay; reasons that no longer
    match their lyric are rewritten or flagged."""

    first: ShotRef
    second: ShotRef

    def apply(self, editor: ProjectEditor) -> Result:
        pair: list[int] = []

        def change(p: Project) -> Arrangement:
            pair.extend([arrange.number(p, self.first), arrange.number(p, self.second)])
            return arrange.swap(p, *pair)
        edit = editor.rearrange(f"swap {self.first} ↔ {self.second}", change)
        return Result(self.name, saved_line(edit, f"swapped the pictures of shots {pair[0]} and {pair[1]}"),
                      edit, pair, edit.notes)


@operation("merge_shots")
class MergeShots(Operation):
    """Merge shots first..last into the first one."""

    first: ShotRef
    last: ShotRef

    def apply(self, editor: ProjectEditor) -> Result:
        project = editor.project()
        a, b = arrange.number(project, self.first), arrange.number(project, self.last)
        edit = editor.merge(str(min(a, b)), str(max(a, b)))
        return Result(self.name, saved_line(edit, f"merged shots {min(a, b)}-{max(a, b)}; "
                                                  f"{len(edit.project.shots)} shots"), edit, edit.numbers())


@operation("split_shot")
class SplitShot(Operation):
    """Split a shot in two at a time in seconds (snapped to a beat), or on the beat nearest its middle."""

    shot: ShotRef
    at: float | None = Field(default=None, ge=0, description="Seconds from the top of the song; empty: the middle.")

    def apply(self, editor: ProjectEditor) -> Result:
        project = editor.project()
        n = arrange.number(project, self.shot)
        s = project.shots[n - 1]
        edit = editor.split(s.id, self.at if self.at is not None else (s.start + s.end) / 2)
        return Result(self.name, saved_line(edit, f"split shot {n} at {edit.project.shots[n - 1].end:.2f}s; "
                                                  f"{len(edit.project.shots)} shots"), edit, [n, n + 1])


@operation("lock_shots")
class LockShots(Operation):
    """Lock shots (nothing changes them until they are unlocked), or unlock them with locked=false."""

    shots: list[ShotRef] = Field(min_length=1)
    locked: bool = True

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.lock(list(self.shots), self.locked)
        word = "locked" if self.locked else "unlocked"
        return Result(self.name, saved_line(edit, f"{word} {_plural(edit.numbers())}"), edit, edit.numbers())


@operation("revise_shots")
class ReviseShots(Operation):
    """Change named shots only; every other shot keeps its id, seed, takes and content. Locked shots
    are refused; moving a cut moves the neighbour's matching cut."""

    patches: list[ShotPatch] = Field(min_length=1, description="One patch per shot to change.")

    def apply(self, editor: ProjectEditor) -> Result:
        edit = editor.revise(list(self.patches))
        return Result(self.name, saved_line(edit, f"revised shots {', '.join(map(str, edit.numbers()))}"), edit, edit.numbers(),
                      edit.notes)



@operation("pick_take")
class PickTake(Operation):
    """Choose which rendered take of a shot the cut uses (take ids look like t1, t2)."""

    shot: ShotRef
    take: str = Field(max_length=40, description="Take id, e.g. t2 (renders add them).")

    def apply(self, editor: ProjectEditor) -> Result:
        n = arrange.number(editor.project(), self.shot)
        edit = editor.pick_take(str(n), self.take)
        return Result(self.name, saved_line(edit, f"shot {n} uses take {self.take}"), edit, [n])


@operation("repeat_shot")
class RepeatShot(Operation):
    """Show a shot's picture again as a new shot after another one (a callback: "bring back shot 3 after
    shot 20"); the copy takes its time from its neighbours on the beat grid and carries its own lyric."""

    shot: ShotRef
    after: ShotRef

    def apply(self, editor: ProjectEditor) -> Result:
        said: list[int] = []

        def change(p: Project) -> Arrangement:
            n, to = arrange.number(p, self.shot), arrange.number(p, self.after)
            said.append(n)
            picture = {f: getattr(p.shots[n - 1], f) for f in arrange.PICTURE if f not in ("id", "takes", "picked_take")}

            def fill(slot: Shot) -> Shot:  # the picture in the new slot, its reason made to agree with the slot's lyric
                lyric = " / ".join(lines_within(p.song, slot.start, slot.end)) or None
                return arrange.agree(slot.model_copy(update=picture | {"lyric": lyric}))[0]
            return arrange.insert_at_cut(p, p.shots[to - 1].end, fill)
        edit = editor.rearrange(f"repeat {self.shot} after {self.after}", change)
        new = next(k for k, s in enumerate(edit.project.shots, 1) if s.id == edit.changed[0]) if edit.saved else 0
        return Result(self.name, saved_line(edit, f"shot {said[0]}'s picture comes back as shot {new}"), edit, [new])
