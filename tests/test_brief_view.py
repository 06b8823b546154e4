"""The brief on screen: every field as filed beside the artist's verbatim words, the shots it touches; a
field edited in place or an answer moved to another field is one version and one undo step."""

import pytest

from shotlist.brief_view import brief_rows
from songbook import BALLAD, build_song, director_for, talk
from ui.cli import main

WHY = "No camera could film a coat made of rain."


@pytest.fixture
def director(isolated_home):
    d = director_for(isolated_home, build_song(*BALLAD), "Porch Light")  # the store the CLI opens too
    d.opening()
    talk(d, "Waiting for someone who isn't coming back.", "A woman keeps a house ready for someone.",
         "a kettle that boils over into stars; a coat made of rain; moths writing letters on a window",
         "Tender, slow.", WHY, "16:9", "/plan")
    return d


def rows(d):
    return {r.field: r for r in brief_rows(d.tools.project())}


def test_every_field_shows_the_words_it_was_filed_from(director, capsys):
    r = rows(director)
    assert r["meaning"].said == ["Waiting for someone who isn't coming back."]
    assert r["why_generative"].said == [WHY] and r["why_generative"].value
    assert any("coat made of rain" in s for s in r["motifs"].said)
    assert r["motifs"].shots, "shots written from the motifs are shown"
    assert set(r) >= {"logline", "meaning", "story", "motifs", "feeling", "palette", "why_generative", "constraints"}
    project = director.tools.project()
    assert main(["brief", project.id]) == 0
    out = capsys.readouterr().out
    assert "Meaning: " in out and "you said: “Waiting for someone who isn't coming back.”" in out
    assert "Why generative: " in out and "shots: " in out


def test_moving_a_misfiled_answer_is_one_version_and_one_undo(director, capsys):
    before = director.tools.project()
    assert main(["brief", before.id, "--move", WHY, "--from", "why_generative", "--to", "story"]) == 0
    after = director.tools.project()
    assert after.version == before.version + 1
    assert after.brief.why_generative == "" and WHY in after.brief.story
    assert WHY in after.brief.said["story"] and "why_generative" not in after.brief.said
    content = lambda p: [s.model_dump(exclude={"critique"}) for s in p.shots]  # noqa: E731 (the critic re-reads)
    assert content(after) == content(before)
    director.tools.editor.undo()
    assert director.tools.project().brief == before.brief


def test_editing_a_field_in_place_names_the_shots_it_touches(director, capsys):
    before = director.tools.project()
    assert main(["brief", before.id, "--set", "motifs=a kettle that boils over into stars; a lantern"]) == 0
    out = capsys.readouterr().out
    assert "set motifs" in out and "touches shots" in out
    after = director.tools.project()
    assert after.version == before.version + 1 and after.brief.motifs[-1] == "a lantern"


def test_moving_words_that_were_not_filed_there_is_refused(director, capsys):
    before = director.tools.project()
    assert main(["brief", before.id, "--move", "something I never said", "--from", "meaning", "--to", "story"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Meaning was not filed from" in err and "Waiting for someone" in err
    assert main(["brief", before.id, "--move", WHY, "--from", "why_generative", "--to", "mood"]) == 2
    assert "no field 'mood'" in capsys.readouterr().err
    assert director.tools.project().version == before.version


def test_the_studio_brief_tab_edits_and_moves_through_the_tab_editor(director, isolated_home):
    """The Brief tab's handlers on a studio session: the table shows the words, a save and a move are one
    version each, and a stale tab's edit is refused (nothing overwritten)."""
    from ui.brief_panel import SEP, BriefPanel
    from ui.handlers import Studio
    from ui.session import Session

    project = director.tools.project()
    studio = Studio(director.tools.store)
    session, _ = studio.open(Session(), project.id)
    panel = BriefPanel(studio)
    view = panel.view(session)
    assert "| **Meaning** |" in view and "“Waiting for someone who isn't coming back.”" in view
    assert f"why_generative{SEP}{WHY}" in [v for _, v in panel.answers(session)]
    assert panel.value(session, "feeling") == "Tender, slow."
    out = panel.save(session, "meaning", "a house kept ready is a question nobody answers")
    assert out.ok and f"version {project.version + 1}" in out.message
    out = panel.move(session, f"why_generative{SEP}{WHY}", "story")
    assert out.ok and director.tools.project().version == project.version + 2
    assert "story" in director.tools.project().brief.said and WHY in director.tools.project().brief.story
    stale = Session()
    stale, _ = studio.open(stale, project.id)
    director.tools.update_brief(feeling="tender")  # another window edits meanwhile
    out = panel.save(stale, "palette", "teal and amber")
    assert not out.ok and "changed in another window" in out.message
    assert director.tools.project().brief.palette == ""



def test_the_shots_a_field_touches_are_the_ones_that_quote_it_word_for_word():
    from helpers import song_of
    from shotlist.brief_view import touched_shots
    from shotlist.models import Project, Shot

    texts = [("a coat made of rain", "hangs on the door"),  # quotes the motif whole
             ("a coat of paint", "made in the rain"),  # shares "coat", "made", "rain": not a quote
             ("the kettle", "boils over into stars on the stove"),  # quotes the other motif, in its action
             ("a dog", "sleeps")]
    shots = [Shot(start=i * 2.0, end=i * 2.0 + 2, subject=s, action=a) for i, (s, a) in enumerate(texts)]
    project = Project(id="t", title="t", song=song_of(8.0), shots=shots)
    assert touched_shots(project, "a coat made of rain; boils over into stars") == [1, 3]
    assert touched_shots(project, "The Coat Made of Rain.") == [1]  # case, articles and punctuation aside
    assert touched_shots(project, "rain") == [1, 2] and touched_shots(project, "the; and a") == []
    assert touched_shots(project, "door made") == []  # a phrase never spans two of the shot's fields


def test_a_brief_edit_leaves_built_prompts_alone(director):
    """Built prompts read the shot's fields and the style bible, never the brief: a brief edit rebuilds nothing."""
    before = director.tools.project()
    director.tools.editor.update_brief(palette="cold teal light", feeling="Numb.")
    after = director.tools.project()
    assert after.version == before.version + 1 and [s.prompt for s in after.shots] == [s.prompt for s in before.shots]
