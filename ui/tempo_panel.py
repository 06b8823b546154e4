"""The studio's tempo row: the tempo and how sure the analysis is, with the artist's corrections
(a stated tempo, double, halve, shift half a beat) through `ProjectEditor.regrid`. Kept apart from the
layout (`ui.studio` calls `tempo_row` and `wire_tempo`, two lines).
(No `from __future__ import annotations` here: Gradio reads the handler's `gr.Request` annotation.)"""

from types import SimpleNamespace

from shotlist.models import Project

from .edits import Outcome

OPS = (("double", "Double tempo"), ("halve", "Halve tempo"), ("shift_half", "Shift half a beat"))


def tempo_line(project: Project | None) -> str:
    """"Tempo 135 BPM · 4/4 grid, confidence 0.91", with the low-confidence note when there is one."""
    if project is None:
        return ""
    song = project.song
    sure = f" · confidence {song.confidence:.2f}" if song.confidence is not None else ""
    note = song.confidence_note()
    return f"**Tempo {song.tempo:g} BPM**{sure}" + (f"  \n⚠ {note}" if note else "")


def regrid(studio, session, bpm: float | None = None, op: str | None = None) -> Outcome:
    """The correction as a studio action: one version, its status line names the new tempo."""
    from pydantic import ValidationError

    from shotlist.errors import ShotcallerError, one_line
    from shotlist.regrid import GridChange

    try:
        change = GridChange(bpm=bpm or None, op=op)
    except (ShotcallerError, ValidationError) as e:
        return Outcome(False, f"⚠ {one_line(e) if isinstance(e, ValidationError) else e}")
    return studio.edit(session, "correcting the tempo", lambda e: (
        ed := e.regrid(change),
        f"{change.describe().capitalize()}: {ed.project.song.tempo:g} BPM; "
        f"{len(ed.changed)} cut(s) moved to the new grid; version {ed.version}."))


def tempo_row(gr, c: SimpleNamespace) -> None:
    with gr.Row(elem_id="tempo-row"):
        c.tempo = gr.Markdown("", elem_id="tempo")
        c.tempo_bpm = gr.Number(label="Tempo (BPM)", precision=2, elem_id="tempo-bpm", scale=1)
        c.tempo_set = gr.Button("Set tempo", elem_id="tempo-set")
        for op, text in OPS:
            setattr(c, f"tempo_{op}", gr.Button(text, elem_id=f"tempo-{op.replace('_', '-')}"))


def wire_tempo(wiring) -> None:
    gr, c, studio = wiring.gr, wiring.c, wiring.studio
    outputs = [c.status, *wiring.view_outputs]
    wiring.on(c.tempo_set.click, wiring.acting("correcting the tempo", lambda s, v: regrid(studio, s, bpm=v)),
              [c.tempo_bpm], outputs)
    for op, _ in OPS:
        wiring.on(getattr(c, f"tempo_{op}").click,
                  wiring.acting("correcting the tempo", lambda s, op=op: regrid(studio, s, op=op), takes_input=False),
                  None, outputs)

    def on_header(_header, request: gr.Request):  # the header is redrawn after every change
        session = wiring.me(request)
        return tempo_line(studio.project(session) if session.project else None)

    c.header.change(on_header, [c.header], [c.tempo], show_progress="hidden")
