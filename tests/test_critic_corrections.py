"""A correction the artist made is kept with the project (`Brief.took_back`), and the saved critique holds every
shot to it: a shot that shows what they took back is flagged, and the flag survives a save and a load (#23)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from interview_bench import FLOOD  # noqa: E402
from shotlist.models import BRIEF_SETTABLE  # noqa: E402
from shotlist.store import ProjectStore  # noqa: E402
from songbook import build_song, director_for, talk  # noqa: E402

ANSWERS = ["it's about waiting for someone who isn't coming back",
           "a man waits at home; each verse the water rises: ankles, chairs, the table, then he is underwater",
           "a coat growing weed; candle flames underwater; a kettle boiling over",
           "quiet and cold. palette: grey-green, lamp light",
           "we can't flood a house, and the weed has to grow on the coat in one continuous shot",
           "16:9, no text on screen"]


def _planned(tmp_path):
    d = director_for(tmp_path, build_song(*FLOOD), "Flood")
    d.opening()
    talk(d, *ANSWERS, "you choose", "the porch light burning for nobody",
         "wait, actually change the second verse - no ankles yet. keep it dry in verse two")
    for _ in range(30):
        if d.tools.project().shots:
            break
        talk(d, "you choose")
    return d


def test_a_correction_is_kept_and_a_shot_against_it_is_flagged_after_a_reload(tmp_path):
    d = _planned(tmp_path)
    project = d.tools.project()
    assert project.brief.took_back == {"verse 2": ["ankles"]}
    assert not any("contradicts your correction" in n for s in project.shots for n in s.critique.notes)
    verse2 = [s for s in project.song.sections if s.label == "verse"][1]
    n = next(s.index for s in project.shots if verse2.start <= (s.start + s.end) / 2 < verse2.end)
    d.tools.revise_shots([{"shot": str(n), "changes": {"subject": "the water at his ankles"}}])  # an edit against the correction
    loaded = ProjectStore(tmp_path / "projects").load(project.id)
    notes = loaded.shots[n - 1].critique.notes
    assert any("contradicts your correction" in x and "ankles" in x for x in notes), notes
    assert loaded.brief.took_back == {"verse 2": ["ankles"]}
    others = [s for s in loaded.shots if s.index != n]
    assert not any("contradicts your correction" in x for s in others for x in s.critique.notes)


def test_an_agent_cannot_set_the_artists_corrections():
    assert "took_back" not in BRIEF_SETTABLE
