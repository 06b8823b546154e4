"""A shot's prompt follows its fields: an edit to the picture rebuilds it (table, chat, CLI and MCP all go
through ProjectEditor.revise); a prompt the artist wrote is kept and flagged when the fields drift from it;
a prompt emptied by hand is rebuilt, with a line saying so."""

import pytest

from shotlist.models import ShotPatch
from shotlist.prompting import prompt_from_fields
from songbook import BALLAD, build_song, director_for, talk

N = 6


@pytest.fixture
def director(isolated_home):
    d = director_for(isolated_home, build_song(*BALLAD), "Porch Light")
    d.opening()
    talk(d, "Waiting for someone who isn't coming back.", "A woman keeps a house ready for someone.",
         "a kettle that boils over into stars; a coat made of rain; moths writing letters on a window",
         "Tender, slow.", "No camera could film a coat made of rain.", "16:9", "/plan")
    return d


def revise(d, **changes):
    shot = d.tools.project().shots[N - 1]
    return d.tools.editor.revise([ShotPatch(shot=shot.id, changes=changes)])


def test_editing_the_subject_rebuilds_the_prompt(director):
    old = director.tools.project().shots[N - 1]
    edit = revise(director, subject="a paper lantern folding itself into a moth")
    shot = edit.project.shots[N - 1]
    assert "a paper lantern folding itself into a moth" in shot.prompt and not shot.prompt_by_artist
    assert old.subject not in shot.prompt
    assert shot.prompt == prompt_from_fields(shot, edit.project.style)
    others = [a.prompt == b.prompt for a, b in zip(director.tools.project().shots, [*edit.project.shots])]
    assert all(others)


def test_the_cli_edit_rebuilds_it_too(director, capsys):
    from ui.cli import main

    project = director.tools.project()
    assert main(["revise", project.id, str(N), "setting=a flooded ballroom", "shot_size=wide"]) == 0
    shot = director.tools.project().shots[N - 1]
    assert shot.prompt.startswith("wide shot") and "a flooded ballroom" in shot.prompt


def test_a_look_revision_keeps_the_light_in_the_rebuilt_prompt(director):
    talk(director, f"make shot {N} colder")
    revise(director, action="sweeps the hallway")
    shot = director.tools.project().shots[N - 1]
    assert "sweeps the hallway" in shot.prompt and "Light: cold blue light" in shot.prompt


def test_an_artist_prompt_is_kept_and_flagged_when_the_fields_drift(director):
    mine = "a moth lands on a letter and the ink turns to frost, 16mm grain"
    shot = revise(director, prompt=mine).project.shots[N - 1]
    assert shot.prompt == mine and shot.prompt_by_artist and shot.prompt_drift == []
    edit = revise(director, subject="a coat made of rain")
    shot = edit.project.shots[N - 1]
    assert shot.prompt == mine and shot.prompt_drift == ["subject"]
    assert any("kept the prompt you wrote" in n and "subject" in n for n in edit.notes), edit.notes
    edit = revise(director, action="lands on a letter")  # words the prompt still says: no new flag
    assert not any("kept the prompt" in n for n in edit.notes)
    edit = revise(director, subject="a moth")  # the subject says what the prompt says again
    assert edit.project.shots[N - 1].prompt_drift == []
    edit = revise(director, prompt="a moth on a frozen letter")  # the artist rewrites it: nothing drifts
    assert edit.project.shots[N - 1].prompt_drift == [] and edit.project.shots[N - 1].prompt_by_artist


def test_a_prompt_emptied_by_hand_is_rebuilt_with_a_line(director):
    revise(director, prompt="my own words")
    edit = revise(director, prompt="  ")
    shot = edit.project.shots[N - 1]
    assert shot.prompt == prompt_from_fields(shot, edit.project.style) and not shot.prompt_by_artist
    assert len(edit.notes) == 1 and "empty prompt" in edit.notes[0] and "rebuilt" in edit.notes[0]


def test_a_new_style_look_rebuilds_the_built_prompts_only(director):
    revise(director, prompt="my own words, kept")
    talk(director, "lock shot 2")
    before = director.tools.project()
    edit = director.tools.editor.update_style(look="grainy 16mm, sodium streetlight")
    after = edit.project
    assert after.version == before.version + 1
    assert after.shots[N - 1].prompt == "my own words, kept" and after.shots[1] == before.shots[1]
    rebuilt = [s for n, s in enumerate(after.shots, 1) if n not in (2, N)]
    assert rebuilt and all("grainy 16mm, sodium streetlight" in s.prompt for s in rebuilt)
