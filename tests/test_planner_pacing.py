"""The guided planner's slots on long songs: a long instrumental or repeated stretch gets several shots,
and no shot outlasts `longest_shot` (twice its section's target, at most a phrase of 8 bars)."""

from assistant.planner import PHRASE_BARS, longest_shot, pace, plan_cuts
from shotlist.models import Brief, Project
from songbook import build_song

# A line sung one bar before a long instrumental verse: with a slow feeling the section start is too
# close to the line's cut to be a cut of its own (the old planner then skipped the whole verse: 77 s).
LONG = (96, [("intro", 16, 0.3, []), ("bridge", 1, 0.4, ["We learned to breathe the water"]),
             ("verse", 30, 0.6, []), ("chorus", 32, 1.0, ["The city took the tide"]), ("outro", 16, 0.3, [])])


def long_project(feeling: str) -> Project:
    return Project(id="long", title="Long", song=build_song(*LONG), brief=Brief(feeling=feeling))


def lengths(project: Project) -> list[tuple[float, float]]:
    cuts = [0.0, *plan_cuts(project), project.song.duration]
    return list(zip(cuts, cuts[1:]))


def test_no_shot_outlasts_a_phrase_on_a_long_calm_song():
    project = long_project("Eerie calm, slow.")
    bar = 4 * 60 / 96
    spans = lengths(project)
    longest = longest_shot(pace(project).quiet, bar)  # the quietest section's limit is the largest
    assert longest <= PHRASE_BARS * bar
    assert max(b - a for a, b in spans) <= longest, max(b - a for a, b in spans)
    verse = project.song.sections[2]
    inside = [(a, b) for a, b in spans if verse.start <= (a + b) / 2 < verse.end]
    assert len(inside) >= 4, inside  # 75 s of instrumental verse is not one shot


def test_the_line_still_starts_its_shot_and_cuts_stay_on_beats():
    project = long_project("Eerie calm, slow.")
    cuts = plan_cuts(project)
    line = project.song.lyrics[0].time
    assert any(abs(c - line) < 0.05 for c in cuts)
    beats = set(project.song.beats)
    assert all(c in beats for c in cuts)


def test_the_limit_follows_tempo_and_feeling():
    bar = 4 * 60 / 96
    assert longest_shot(10.0, bar) == PHRASE_BARS * bar  # a slow section: a phrase (20 s at 96 BPM)
    assert longest_shot(3.0, bar) == 6.0  # a fast one: twice its target
    slow, fast = long_project("slow, tender, calm"), long_project("fast, loud, furious")
    assert max(b - a for a, b in lengths(fast)) < max(b - a for a, b in lengths(slow))
