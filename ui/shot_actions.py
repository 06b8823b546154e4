"""The selected shot's plan edits in the studio's layout: the Delete / Move earlier / Move later row, the
"add a shot after" row, and the storyboard's drag and drop. Each button is one row of `ui.operate.CONTROLS`
(an operation of the table and how its arguments come from the selection); a card's drop is one `MoveShot`
through `Studio.operate`. Kept apart from the layout (`ui.studio` calls `shot_actions_rows`, and the wiring
`wire_shot_actions`), as `ui.tempo_panel` is.
(No `from __future__ import annotations` here: Gradio reads the handler's `gr.Request` annotation.)"""

from types import SimpleNamespace

from .edits import Outcome
from .operate import moved_to, moving
from .page_js import DROPPED, STORYBOARD_DRAG


def move_shot(studio, session, shot: int, to: int, after: bool) -> Outcome:
    """Shot `shot`'s picture placed before (or after) shot `to`: the storyboard's drag and drop. One
    `MoveShot`, one version; the moved shot is selected at its new place."""
    if not session.project:
        return Outcome(False, "No project open.")
    project = studio.project(session)
    total = len(project.shots) if project else 0
    if not (1 <= shot <= total and 1 <= to <= total):
        return Outcome(False, f"⚠ moving a shot: this project has shots 1-{total}, not {shot} and {to}; "
                              "the storyboard is reloaded.")
    if shot == to or moved_to(shot, to, after) == shot:
        return Outcome(False, f"Shot {shot} is already there: drop it on another card (its left half puts it "
                              "before that shot, its right half after).")
    args, follow = moving(shot, to, after)
    return studio.operate(session, "move_shot", args, f"moving shot {shot}", lambda result: follow(result, shot))


def shot_actions_rows(gr, c: SimpleNamespace) -> None:
    """Call inside the "Selected shot" panel, after its Split / Merge row: two compact rows."""
    with gr.Row():
        c.delete_shot = gr.Button("Delete shot", size="sm", variant="stop", elem_id="delete-shot", scale=0,
                                  min_width=80)
        c.move_earlier = gr.Button("◀ Move earlier", size="sm", elem_id="move-earlier", scale=1, min_width=80)
        c.move_later = gr.Button("Move later ▶", size="sm", elem_id="move-later", scale=1, min_width=80)
    with gr.Row(equal_height=True):
        c.new_shot_words = gr.Textbox(show_label=False, container=False, elem_id="new-shot-words", scale=3,
                                      placeholder="a new shot, in your words: her hands in the river")
        c.add_after = gr.Button("Add a shot after", size="sm", elem_id="add-shot-after", scale=1, min_width=90)


def storyboard_drop(gr, c: SimpleNamespace) -> None:
    """Call inside the Storyboard tab: the hidden button a card's drop presses (`page_js.STORYBOARD_DRAG`)."""
    c.drop_move = gr.Textbox(visible=False, elem_id="drop-move")
    c.drop_btn = gr.Button("move the dropped card", elem_id="storyboard-drop", size="sm")


def dropped(studio, session, value: str) -> Outcome:
    """A card's drop, `{"shot": 5, "to": 2, "after": false}`, as one move."""
    import json

    try:
        drop = json.loads(value or "")
        shot, to, after = int(drop["shot"]), int(drop["to"]), bool(drop["after"])
    except (ValueError, TypeError, KeyError):
        return Outcome(False, "Drag a storyboard card onto another: its left half puts it before that shot, "
                              "its right half after.")
    return move_shot(studio, session, shot, to, after)


def wire_shot_actions(wiring, demo) -> None:
    """The storyboard's drag and drop (the buttons are wired with every other control: `Wiring.controls`)."""
    c, studio = wiring.c, wiring.studio
    wiring.on(demo.load, None, None, None, js=STORYBOARD_DRAG)
    wiring.on(c.drop_btn.click, wiring.acting("moving the card", lambda s, v: dropped(studio, s, v)), [c.drop_move],
              [c.status, *wiring.view_outputs], js=DROPPED)
