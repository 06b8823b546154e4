"""Rules over the plan or a part of it ("no dutch angles", "slower in the verses", "vertical 9:16"):
applied to every shot they touch in one version, and kept in the brief for later shots and re-plans."""

from __future__ import annotations

from ..editor import Arrangement, ProjectEditor
from ..models import Project
from ..plan_rules import apply_aspect, parse_rule, retime, shape
from .parts import shots_in
from .table import Operation, Part, Result, Words, operation, saved_line


@operation("set_rule")
class SetRule(Operation):
    """Set a rule over the whole plan or one part ("no dutch angles", "no close-ups of faces", "slower in the
    verses", "more dreamlike", "less literal in the second verse", "vertical 9:16"): every shot it touches
    changes now, and the rule stays in the brief for later shots and re-plans."""

    rule: Words
    part: Part | None = None

    def apply(self, editor: ProjectEditor) -> Result:
        rule = parse_rule(self.rule)
        said: list[str] = []

        def change(p: Project) -> Arrangement:
            numbers, name = shots_in(p, self.part) if self.part else (list(range(1, len(p.shots) + 1)), "the whole plan")
            said.append(name)
            shots = list(p.shots)
            changed = []
            for n in numbers:
                s = shots[n - 1]
                update = {} if s.locked else shape(rule, s)
                if update:
                    shots[n - 1] = s.model_copy(update=update)
                    changed.append(s.id)
            notes: list[str] = []
            if rule.kind in ("slower", "faster"):
                shots, notes = retime(rule, shots, numbers, p)
                changed = [s.id for s in shots if all(s != o for o in p.shots)]
            constraints = p.brief.constraints.model_dump()
            line = rule.line(self.part or "")
            if line not in constraints["notes"]:
                constraints["notes"] = [*constraints["notes"], line]
            if rule.kind == "aspect":
                constraints |= apply_aspect(rule.value)
            if rule.kind == "ban_close":
                constraints["banned_sizes"] = list(dict.fromkeys([*constraints["banned_sizes"], "close-up",
                                                                  "extreme close-up"]))
            held = [n for n in numbers if p.shots[n - 1].locked]
            if held:
                notes.append("left locked shots " + ", ".join(map(str, held)) + " as they are")
            return Arrangement(shots, changed=changed, notes=notes,
                               update={"brief": p.brief.model_dump() | {"constraints": constraints}})
        edit = editor.rearrange(f"rule: {self.rule}", change)
        n = len(edit.changed)
        if rule.kind == "aspect":
            c = edit.project.brief.constraints
            done = f"the video is now {c.aspect} ({c.resolution})"
        else:
            done = f"{n} shot{'s' * (n != 1)} changed in {said[0] if said else 'the plan'}"
        return Result(self.name, saved_line(edit, f"rule kept in the brief: {self.rule} — {done}"),
                      edit, edit.numbers(), edit.notes)
