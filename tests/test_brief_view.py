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
