"""Planning says what it is doing while the model writes: a step in progress ("writing … section k of N…")
shows in the chat while it runs and is replaced by its outcome, so the chat keeps one line per section."""

from assistant.conversation import Conversation, Reply
from test_studio_work import opened, planned, studio  # noqa: F401  (fixtures shared with the studio's work tests)


class BySection:
    """A director whose plan streams as the phased director's does: a step in progress, then its outcome."""

    conversation = None

    def plan(self):
        for k, label in enumerate(("verse", "chorus"), 1):
            yield Reply("", steps=[f"writing {label}: section {k} of 2, shots {k}-{k}…"], final=False)
            yield Reply("", steps=[f"{label} ({k} of 2): 1 shots written"], final=False)
        yield Reply("Planned.", steps=["critique"])


def test_a_step_in_progress_shows_then_gives_way_to_its_outcome(studio):  # noqa: F811
    session = opened(studio)
    seen: list[list[str]] = []
    director = BySection()
    studio._directors[session.key] = ((session.project, session.llm), director)
    director.conversation = Conversation(studio.store.folder(session.project) / "chat.jsonl")
    before = len(session.chat)
    for _ in studio.answer(session, "/plan"):
        seen.append([m["content"] for m in session.chat[before:] if m.get("metadata")])
    assert ["writing verse: section 1 of 2, shots 1-1…"] in seen  # shown while the model wrote it
    assert ["verse (1 of 2): 1 shots written", "writing chorus: section 2 of 2, shots 2-2…"] in seen
    assert seen[-1] == ["verse (1 of 2): 1 shots written", "chorus (2 of 2): 1 shots written", "critique"]


def test_a_render_reports_its_whole_progress_once_through_then_the_cut(studio):  # noqa: F811
    """Each shot's fraction is placed in the whole render (the bar runs once, not once a shot), and the cut's
    assembly, which encodes the song's whole length again, says so."""
    from pathlib import Path

    session = opened(studio)
    session.width, session.height, session.fps = 64, 36, 6
    seen: list[tuple[float, str]] = []
    cut, line = studio.render(session, report=studio.overall(lambda f, desc: seen.append((f, desc))))
    total = len(studio.project(session).shots)
    assert cut and Path(cut).is_file() and line.startswith(f"Rendered {total}")
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(0.4 < f < 0.6 and d.startswith(f"shot {total // 2 + 1}/{total}: ") for f, d in seen)
    assert seen[-1][1] == f"the cut: assembling {total} shots with the song…"
