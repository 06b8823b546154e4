"""The studio's Brief tab: every brief field as filed, beside the artist's own words it came from and the
shots it touches; a field edited in place, an answer moved to the field it belongs to. Each change goes
through the tab's project editor (`Studio.edit`): one version, one undo step.

`BriefPanel` holds the handlers (plain methods on the studio's session, testable without a browser);
`build` lays the tab out inside the studio's tabs and `wire` joins its events. (No `from __future__ import
annotations`: Gradio reads the handlers' `gr.Request` annotations.)
"""

from shotlist.brief_view import FIELDS, LABELS, brief_rows, touched_shots, value_text

from .edits import Outcome

SEP = "\t"  # an answer's dropdown value: FIELD<TAB>the words


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


class BriefPanel:
    def __init__(self, studio):
        self.studio = studio

    def rows(self, session):
        from .cli_brief import section_answers

        project = self.studio.project(session)
        if project is None:
            return []
        return brief_rows(project, section_answers(self.studio.store, project.id))

    def view(self, session) -> str:
        """The brief as a table: field, as filed, your words, the shots it touches."""
        rows = self.rows(session)
        if not rows:
            return "No project open."
        lines = ["| Field | As filed | Your words | Shots |", "|---|---|---|---|"]
        for r in rows:
            said = "<br>".join(f"“{_cell(s)}”" for s in r.said) or "—"
            shots = ", ".join(map(str, r.shots)) or "—"
            lines.append(f"| **{r.label}** | {_cell(r.value) or '*(empty)*'} | {said} | {shots} |")
        return "\n".join(lines)

    def answers(self, session) -> list[tuple[str, str]]:
        """Every answer filed under a brief field, as (label, value) dropdown choices."""
        return [(f"{r.label}: “{s[:80]}”", f"{r.field}{SEP}{s}") for r in self.rows(session) if r.field in FIELDS
                for s in r.said]

    def value(self, session, field: str) -> str:
        project = self.studio.project(session)
        if project is None or field not in FIELDS:
            return ""
        return value_text(project.brief, field)

    def save(self, session, field: str, text: str) -> Outcome:
        """Set one field to `text` (motifs and references: items split by ';'; constraints: read as rules)."""
        if field not in FIELDS:
            return Outcome(False, f"Pick a brief field first ({', '.join(FIELDS)}).")

        def change(editor):
            if field == "constraints":
                from assistant.rules import parse_constraints

                value = parse_constraints(text, editor.project().brief.constraints)
            elif field in ("motifs", "references"):
                value = [v.strip() for v in text.split(";") if v.strip()]
            else:
                value = text.strip()
            edit = editor.update_brief(**{field: value})
            shots = touched_shots(edit.project, value_text(edit.project.brief, field)) if field != "constraints" else []
            where = f"; it touches shots {', '.join(map(str, shots))}" if shots else ""
            return edit, f"{LABELS[field]} updated; version {edit.version}{where}."

        return self.studio.edit(session, f"editing {LABELS[field].lower()}", change)

    def move(self, session, answer: str, target: str) -> Outcome:
        """Refile an answer (a value from `answers`) under `target`."""
        source, sep, said = (answer or "").partition(SEP)
        if not sep:
            return Outcome(False, "Pick the answer to move first.")
        if target not in FIELDS:
            return Outcome(False, f"Pick the field it belongs to ({', '.join(FIELDS)}).")
        return self.studio.edit(session, "moving the answer", lambda e: (
            ed := e.move_answer(said, source, target),
            f"Moved “{said[:60]}” from {LABELS[source]} to {LABELS[target]}; version {ed.version}."))


def build(gr, c) -> None:
    """The Brief tab; call inside the studio's `gr.Tabs`."""
    choices = [(LABELS[f], f) for f in FIELDS]
    with gr.Tab("Brief", id="tab-brief") as c.tab_brief:
        c.brief_view = gr.Markdown("", elem_id="brief-view")
        with gr.Row():
            c.brief_field = gr.Dropdown(choices, value=None, label="Field", elem_id="brief-field", scale=1)
            c.brief_value = gr.Textbox(label="As filed (edit it here; motifs: a; b; c)", elem_id="brief-value", scale=3)
            c.brief_save = gr.Button("Save field", elem_id="brief-save", scale=1)
        with gr.Row():
            c.brief_answer = gr.Dropdown([], value=None, label="Answer (your words)", elem_id="brief-answer", scale=3)
            c.brief_to = gr.Dropdown(choices, value=None, label="Belongs under", elem_id="brief-move-to", scale=1)
            c.brief_move = gr.Button("Move answer", elem_id="brief-move", scale=1)


def wire(wiring) -> None:
    """The Brief tab's events: shown when opened, after a save or a move (with the other views)."""
    gr, c, panel = wiring.gr, wiring.c, BriefPanel(wiring.studio)

    def shown(session) -> dict:
        return {c.brief_view: panel.view(session), c.brief_answer: gr.update(choices=panel.answers(session), value=None)}

    @wiring.guarded("showing the brief")
    def on_open(request: gr.Request):
        return shown(wiring.me(request))

    @wiring.guarded("showing the field")
    def on_field(field, request: gr.Request):
        return {c.brief_value: panel.value(wiring.me(request), field)}

    @wiring.guarded("saving the brief")
    def on_save(field, text, request: gr.Request):
        session = wiring.me(request)
        return {c.status: str(panel.save(session, field, text)), **shown(session), **wiring.views(session)}

    @wiring.guarded("moving the answer")
    def on_move(answer, target, request: gr.Request):
        session = wiring.me(request)
        return {c.status: str(panel.move(session, answer, target)), **shown(session), **wiring.views(session)}

    brief_outputs = [c.status, c.brief_view, c.brief_answer]
    wiring.on(c.tab_brief.select, on_open, None, brief_outputs, show_progress="hidden")
    wiring.on(c.brief_field.change, on_field, [c.brief_field], [c.status, c.brief_value], show_progress="hidden")
    wiring.on(c.brief_save.click, on_save, [c.brief_field, c.brief_value], [*brief_outputs, *wiring.view_outputs])
    wiring.on(c.brief_move.click, on_move, [c.brief_answer, c.brief_to], [*brief_outputs, *wiring.view_outputs])
