"""The section walk groups what repeats, whatever the analysis called it, and asks a bounded number
of questions; target words resolve against the song's own sections. No model needed."""

from assistant import walk
from assistant.targets import resolve
from assistant.phrases import as_phrase, handle, lyric_key, tidy
from helpers import project_of
from songbook import BALLAD, build_song


def test_a_repeated_lyric_block_is_one_group_whatever_its_label():
    bpm, layout = BALLAD
    relabelled = [("bridge" if label == "chorus" else label, bars, energy, lines)
                  for label, bars, energy, lines in layout]  # an analysis that calls every chorus a bridge
    groups = walk.section_groups(build_song(bpm, relabelled))
    refrains = [g for g in groups if "the kettle still remembers you" in g.lines]
    assert len(refrains) == 1 and len(refrains[0].sections) == 3
    assert [g.key for g in walk.to_ask(groups)] == ["intro", "verse 1", "bridge 1", "verse 2", "bridge 2", "outro"]


def test_the_walk_asks_about_every_part_that_needs_a_picture():
    """Every sung section, every instrumental passage and the outro are asked about; a repeat once."""
    layout = [("intro", 2, 0.2, []), *[("verse", 2, 0.5, [f"line {k} about the river {k}"]) for k in range(12)],
              ("instrumental", 4, 0.6, []), ("chorus", 2, 0.8, ["the river knows"]), ("verse", 2, 0.5, ["last one"]),
              ("chorus", 2, 0.8, ["the river knows"]), ("outro", 4, 0.3, [])]
    groups = walk.section_groups(build_song(100.0, layout))
    asked = walk.to_ask(groups)
    assert [g.key for g in asked] == [g.key for g in groups]
    assert len(asked) == 1 + 13 + 1 + 1 + 1  # intro, 13 verses, the passage, one chorus for both, the outro
    assert {"instrumental", "outro", "chorus"} <= {g.key for g in asked}
    assert "“line 0 about the river 0”" in walk.question(asked[1])
    assert "with no words sung" in walk.question(next(g for g in asked if g.key == "instrumental"))


def test_section_targets_follow_the_song():
    song = build_song(*BALLAD)
    project = project_of(song.duration, 24).model_copy(update={"song": song})
    choruses = [s for s in song.sections if s.label == "chorus"]
    first = resolve("make the first chorus colder", project)
    assert first.shots and all(choruses[0].start <= (project.shots[n - 1].start + project.shots[n - 1].end) / 2
                               < choruses[0].end for n in first.shots)
    every = resolve("every chorus warmer", project)
    assert set(first.shots) < set(every.shots)
    assert resolve("the last chorus", project).shots[-1] <= resolve("the outro", project).shots[0]
    assert resolve("the fifth chorus wider", project).problem
    assert resolve("shots 3 to 5 and 9", project).shots == [3, 4, 5, 9]
    assert resolve("make it 2 seconds longer", project).shots == []  # a duration is not a shot


def test_phrases_read_as_phrases():
    assert as_phrase("The kettle steam draws his face in the air") == "the kettle steam drawing his face in the air"
    assert as_phrase("the moths are ships") == "the moths as ships"
    assert as_phrase("the market is emptying, the dust blowing away") == "the market emptying, the dust blowing away"
    assert as_phrase("the street was flooding") == "the street flooding"
    assert "'ing" not in as_phrase("for the first verse she's a teenager")  # a contraction is not a verb to bend
    assert handle("a seamless shirt made of mist") == "the seamless shirt"
    assert lyric_key("Tell her to make me a cambric shirt") == "cambric shirt"
    assert tidy("the the coat, is here. and then") == "The coat is here. And then"
