"""The studio's tempo controls, on the timeline's header row: the tempo and how sure the analysis is, with
the artist's corrections (a stated tempo, double, halve, shift half a beat) through the table's `set_tempo`
operation. Kept apart from the layout (`ui.studio` calls `tempo_row` and `wire_tempo`, two lines).
(No `from __future__ import annotations` here: Gradio reads the handler's `gr.Request` annotation.)"""

from types import SimpleNamespace

from shotlist.models import Project

from .edits import Outcome

OPS = (("double", "×2"), ("halve", "½"), ("shift_half", "shift ½ beat"))


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

    from shotlist.errors import one_line
    from shotlist.operations.tempo import SetTempo

    try:
        change = SetTempo(bpm=bpm or None, change=op)
    except ValidationError as e:
        return Outcome(False, f"⚠ correcting the tempo: {one_line(e)}")

    def run(editor):
        result = change.apply(editor)
        return result.edit, result.line[:1].upper() + result.line[1:] + "."
    return studio.edit(session, "correcting the tempo", run)


def tempo_row(gr, c: SimpleNamespace) -> None:
    """Call inside the timeline's header row: the tempo, a BPM box and four small buttons on one line."""
    c.tempo = gr.Markdown("", elem_id="tempo")
    c.tempo_bpm = gr.Number(show_label=False, placeholder="BPM", precision=2, elem_id="tempo-bpm", scale=0,
                            min_width=80, container=False)
    c.tempo_set = gr.Button("Set BPM", size="sm", elem_id="tempo-set", scale=0, min_width=60)
    for op, text in OPS:
        setattr(c, f"tempo_{op}", gr.Button(text, size="sm", elem_id=f"tempo-{op.replace('_', '-')}", scale=0,
                                            min_width=40))


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
