"""The selected shot's plan edits without a server: add a shot after it in the artist's words, delete it,
move its picture earlier or later; each one version named in the history, the status line the operation's
own wording, the selection following the shot; bad input one clear line and nothing changed."""

from test_studio_work import opened, planned, studio  # noqa: F401  (fixtures shared with the studio's work tests)
from ui.operate import SELECT_FIRST, press


def insert_after(studio, session, words):  # noqa: F811
    return press(studio, session, "add_after", words)


def delete_selected(studio, session):  # noqa: F811
    return press(studio, session, "delete_shot")


def move_selected(studio, session, later):  # noqa: F811
    return press(studio, session, "move_later" if later else "move_earlier")


def unchanged(studio, session, before) -> None:  # noqa: F811  (the fixture name)
    after = studio.project(session)
    assert after.version == before.version and [s.model_dump() for s in after.shots] == [
        s.model_dump() for s in before.shots]


def test_add_a_shot_after_the_selected_one_in_the_artists_words(studio):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    done = insert_after(studio, session, "her hands in the river")
    assert not done.ok and done.message == SELECT_FIRST
    studio.select(session, 3)
    for words in ("", "   ", None):
        empty = insert_after(studio, session, words)
        assert not empty.ok and "in your words" in empty.message and "\n" not in empty.message
    digits = insert_after(studio, session, "1234")
    assert not digits.ok and digits.message.startswith("⚠ adding a shot:") and "no letters" in digits.message
    unchanged(studio, session, before)

    done = insert_after(studio, session, "her hands in the river")
    after = studio.project(session)
    assert done.ok and done.message.startswith("Added shot 4 (after shot 3): her hands in the river")
    assert done.message.endswith(f"{len(before.shots) + 1} shots; version {before.version + 1}.")
    assert after.version == before.version + 1 and len(after.shots) == len(before.shots) + 1
    new = after.shots[3]
    assert new.id not in {s.id for s in before.shots} and "river" in new.prompt
    assert after.shots[2].start == before.shots[2].start and new.start < before.shots[3].end
    assert [s.id for s in after.shots[:3]] == [s.id for s in before.shots[:3]]
    assert session.selected_shot == 4 and session.version == after.version
    assert studio.store.history(after.id)[-1] == (after.version, "insert after shot 3")


def test_delete_the_selected_shot_and_never_the_only_one(studio):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    assert delete_selected(studio, session).message == SELECT_FIRST
    studio.select(session, 5)
    done = delete_selected(studio, session)
    after = studio.project(session)
    assert done.ok and done.message == f"Deleted shot 5; {len(before.shots) - 1} shots; version {before.version + 1}."
    assert [s.id for s in after.shots] == [s.id for k, s in enumerate(before.shots, 1) if k != 5]
    assert after.shots[3].end == after.shots[4].start  # the neighbours took its time: no gap
    assert session.selected_shot is None
    again = delete_selected(studio, session)  # a second click deletes nothing by accident
    assert not again.ok and again.message == SELECT_FIRST
    unchanged(studio, session, after)

    one = after.model_copy(update={"shots": [after.shots[0].model_copy(update={"end": after.song.duration})]})
    studio.store.save(one)
    session = opened(studio)
    alone = studio.project(session)
    studio.select(session, 1)
    only = delete_selected(studio, session)
    assert not only.ok and only.message.startswith("⚠ deleting the shot: that would delete every shot (1)")
    unchanged(studio, session, alone)


def test_move_the_selected_shot_earlier_or_later_and_the_selection_follows(studio):  # noqa: F811
    session = opened(studio)
    before = studio.project(session)
    assert move_selected(studio, session, later=True).message == SELECT_FIRST
    studio.select(session, 1)
    first = move_selected(studio, session, later=False)
    assert not first.ok and first.message.startswith("Shot 1 is the first shot")
    unchanged(studio, session, before)

    later = move_selected(studio, session, later=True)
    after = studio.project(session)
    assert later.ok and later.message == f"Moved shot 1's picture after shot 2; version {before.version + 1}."
    assert (after.shots[0].prompt, after.shots[1].prompt) == (before.shots[1].prompt, before.shots[0].prompt)
    assert [(s.start, s.end) for s in after.shots] == [(s.start, s.end) for s in before.shots]  # the cuts stay
    assert session.selected_shot == 2

    back = move_selected(studio, session, later=False)
    assert back.ok and back.message == f"Moved shot 2's picture before shot 1; version {before.version + 2}."
    assert [s.prompt for s in studio.project(session).shots] == [s.prompt for s in before.shots]
    assert session.selected_shot == 1

    last = len(before.shots)
    studio.select(session, last)
    now = studio.project(session)
    end = move_selected(studio, session, later=True)
    assert not end.ok and end.message.startswith(f"Shot {last} is the last shot")
    unchanged(studio, session, now)


def test_an_edit_from_a_stale_tab_is_refused_in_one_line_and_nothing_changes(studio):  # noqa: F811
    mine, theirs = opened(studio), opened(studio)
    studio.select(mine, 4)
    studio.select(theirs, 4)
    assert delete_selected(studio, theirs).ok  # the other tab deletes shot 4 first
    now = studio.project(mine)
    for stale in (lambda: move_selected(studio, mine, later=True), lambda: delete_selected(studio, mine),
                  lambda: insert_after(studio, mine, "her hands in the river")):
        mine.version, mine.selected_shot = now.version - 1, 4  # the view this tab still shows
        refused = stale()
        assert not refused.ok and "changed in another window" in refused.message and "\n" not in refused.message, refused.message
        assert mine.selected_shot == 4
        unchanged(studio, mine, now)
