"""The selected shot's plan edits: add a shot after it (in the artist's words), delete it, move its picture
one slot earlier or later. Each runs one operation of the table (`shotlist.operations.shots`: `InsertShot`,
`DeleteShots`, `MoveShot`) through the studio's version-checked editor (`Studio.edit`): one version, the
status line is the operation's own wording, and the selection follows the shot. Kept apart from the layout
(`ui.studio` calls `shot_actions_rows` and `wire_shot_actions`, two lines), as `ui.tempo_panel` is.
(No `from __future__ import annotations` here: Gradio reads the handler's `gr.Request` annotation.)"""

from types import SimpleNamespace

from .edits import Outcome
from .page_js import DROPPED, STORYBOARD_DRAG

SELECT_FIRST = "Select a shot (storyboard, table or timeline) first."


def _selected(studio, session) -> tuple[int, int] | Outcome:
    """(the selected shot's number, how many shots), or the one line that says why there is none."""
    if not session.project:
        return Outcome(False, "No project open.")
    project = studio.project(session)
    n = session.selected_shot
    if not project or not n or not 1 <= n <= len(project.shots):
        return Outcome(False, SELECT_FIRST)
    return n, len(project.shots)


def _run(studio, session, action: str, op, follow) -> Outcome:
    """`op` through the studio's editor; `follow(result)`: the shot to select afterwards (None: none)."""
    def run(editor):
        result = op.apply(editor)
        if result.changed:
            session.selected_shot = follow(result)
        return result.edit, result.line[:1].upper() + result.line[1:] + "."
    return studio.edit(session, action, run)


def insert_after(studio, session, words: str | None) -> Outcome:
    """A new shot of `words` after the selected one; the new shot is selected."""
    from pydantic import ValidationError

    from shotlist.errors import one_line
    from shotlist.operations.shots import InsertShot

    at = _selected(studio, session)
    if isinstance(at, Outcome):
        return at
    if not (words or "").strip():
        return Outcome(False, f"Type the new shot's picture in your words (\"her hands in the river\"), then "
                              f"add it after shot {at[0]}.")
    try:
        op = InsertShot(words=words, after=str(at[0]))
    except ValidationError as e:
        return Outcome(False, f"⚠ adding a shot: {one_line(e)}")
    return _run(studio, session, f"adding a shot after shot {at[0]}", op, lambda r: r.shots[0] if r.shots else None)


def delete_selected(studio, session) -> Outcome:
    """Delete the selected shot (its neighbours take its time); nothing is selected afterwards."""
    from shotlist.operations.shots import DeleteShots

    at = _selected(studio, session)
    if isinstance(at, Outcome):
        return at
    n, total = at
    if total == 1:
        return Outcome(False, f"Shot {n} is the only shot: a plan needs at least one (re-plan instead).")
    return _run(studio, session, f"deleting shot {n}", DeleteShots(shots=[str(n)]), lambda r: None)


def move_selected(studio, session, later: bool) -> Outcome:
    """Move the selected shot's picture one slot earlier (before the previous) or later (after the next)."""
    at = _selected(studio, session)
    if isinstance(at, Outcome):
        return at
    n, total = at
    if not later and n == 1:
        return Outcome(False, "Shot 1 is the first shot: there is no earlier place to move it to.")
    if later and n == total:
        return Outcome(False, f"Shot {n} is the last shot: there is no later place to move it to.")
    return move_shot(studio, session, n, n + 1 if later else n - 1, after=later)


def moved_to(shot: int, to: int, after: bool) -> int:
    """Where shot `shot`'s picture lands when placed before (or after) shot `to` (`shotlist.arrange.move`)."""
    return (to if to < shot else to - 1) + (1 if after else 0)


def move_shot(studio, session, shot: int, to: int, after: bool) -> Outcome:
    """Shot `shot`'s picture placed before (or after) shot `to`: the storyboard's drag and drop, and the
    buttons. One `MoveShot`, one version; the moved shot is selected at its new place."""
    from shotlist.operations.shots import MoveShot

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
    op = MoveShot(shot=str(shot), after=str(to)) if after else MoveShot(shot=str(shot), before=str(to))
    return _run(studio, session, f"moving shot {shot}", op, lambda r: moved_to(shot, to, after))


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
    gr, c, studio = wiring.gr, wiring.c, wiring.studio
    outputs = [c.status, *wiring.view_outputs]
    wiring.on(demo.load, None, None, None, js=STORYBOARD_DRAG)
    wiring.on(c.drop_btn.click, wiring.acting("moving the card", lambda s, v: dropped(studio, s, v)), [c.drop_move],
              outputs, js=DROPPED)
    wiring.on(c.delete_shot.click, wiring.acting("deleting the shot", lambda s: delete_selected(studio, s),
                                                 takes_input=False), None, outputs)
    for button, later in ((c.move_earlier, False), (c.move_later, True)):
        wiring.on(button.click, wiring.acting("moving the shot", lambda s, later=later: move_selected(studio, s, later),
                                              takes_input=False), None, outputs)

    @wiring.guarded("adding a shot")
    def on_add(words, request: gr.Request):
        session = wiring.me(request)
        done = insert_after(studio, session, words)
        return {c.status: str(done), **wiring.views(session), **({c.new_shot_words: ""} if done.ok else {})}

    wiring.on(c.add_after.click, on_add, [c.new_shot_words], [*outputs, c.new_shot_words])
