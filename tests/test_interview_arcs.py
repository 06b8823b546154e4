"""A progression the artist states is read however they say it (issue #23): a list after a colon, from … to …,
starts … ends …, one step per numbered section, or first … then … by the end; a plain story is not one."""

import pytest

from assistant.arc import arc_of, steps_by_section
from shotlist.models import Section


@pytest.mark.parametrize("story, steps, scope", [
    ("a man waits at home; each verse the water rises: ankles, chairs, the table, then he is underwater",
     ["ankles", "chairs", "the table", "he is underwater"], "verse"),
    ("the garden turns from spring in the first verse to winter by the last chorus", ["spring", "winter"], ""),
    ("it starts at dusk and ends at dawn, the two of them driving without stopping", ["dusk", "dawn"], ""),
    ("in the first verse it's spring, in the second verse summer, and in the last verse winter",
     ["spring", "summer", "winter"], "verse"),
    ("first the signs are bright, then they flicker, then they go dark, and by the end the streets are empty",
     ["the signs are bright", "they flicker", "they go dark", "the streets are empty"], ""),
    # more ways of saying it (session 8, dev phrasings): a dash for the colon, steps with 'first', marks of the
    # artist's own between steps, numbers, 'at the start … by the last chorus', 'verse one is …'
    ("it gets a bit colder every verse: autumn first, then frost, then deep snow", ["autumn", "frost", "deep snow"],
     "verse"),
    ("each verse a bit brighter - candle, lamp, sunrise", ["candle", "lamp", "sunrise"], "verse"),
    ("dawn ... midday ... midnight, one day in one song", ["dawn", "midday", "midnight"], ""),
    ("snow -> thaw -> flood", ["snow", "thaw", "flood"], ""),
    ("1. seed 2. sprout 3. a tree full of birds", ["seed", "sprout", "a tree full of birds"], ""),
    ("at the start the room is dry and by the last chorus its full of water", ["the room is dry", "it's full of water"],
     ""),
    ("verse one is summer, verse two is autumn, verse three is winter", ["summer", "autumn", "winter"], "verse"),
    ("the whole thing moves from the desert to the ocean", ["the desert", "the ocean"], ""),
])
def test_a_progression_is_read_in_the_artists_order(story, steps, scope):
    found = arc_of(story)
    assert found is not None and found.steps == steps and found.scope == scope


@pytest.mark.parametrize("story", ["a tailor stitches a shirt of fog at a market",
                                   "first he measures the mist, then he cuts it, then he sews it",
                                   "a girl sets fire to the map, and by the last chorus the statues walk out",
                                   "a tailor stitches a shirt - it takes all night", "she waits. he never comes."])
def test_a_story_that_names_no_progression_is_not_one(story):
    assert arc_of(story) is None


def test_numbered_steps_go_to_their_sections_in_order():
    labels = ["intro", "verse", "chorus", "verse", "chorus", "verse", "outro"]
    sections = [Section(label=x, start=i * 10.0, end=(i + 1) * 10.0, energy=0.5) for i, x in enumerate(labels)]
    found = arc_of("in the first verse it's spring, in the second verse summer, and in the last verse winter")
    assert steps_by_section(found, sections) == {1: "spring", 3: "summer", 5: "winter"}


@pytest.mark.parametrize("story, steps, scope", [
    # each clause marked with its place (session 8's held-out phrasings, read since)
    ("each verse a little darker. the first one is golden afternoon, then grey and raining, and the last verse is "
     "black night", ["golden afternoon", "grey and raining", "black night"], "verse"),
    ("starts with one kid alone in an empty carpark with an amp, by the last chorus the whole town is there and the "
     "carpark is full", ["one kid alone in an empty carpark with an amp",
                         "the whole town is there and the carpark is full"], ""),
    ("by the last verse the station is all green. first verse its winter and bare, second verse the ivy starts, last "
     "verse its overgrown", ["it's winter and bare", "the ivy starts", "overgrown"], "verse"),
    ("every chorus they get a little closer: first chorus opposite ends of the rink, second chorus halfway, last "
     "chorus they finally touch hands", ["opposite ends of the rink", "halfway", "they finally touch hands"], "chorus"),
    # the same, said in words written for this test
    ("first chorus they are strangers, second chorus friends, last chorus they dance", ["they are strangers",
                                                                                      "friends", "they dance"], "chorus"),
    ("it opens with an empty stage, then the band shows up, and by the end the hall is packed",
     ["an empty stage", "the band shows up", "the hall is packed"], ""),
])
def test_a_progression_marked_clause_by_clause_is_read_in_order(story, steps, scope):
    found = arc_of(story)
    assert found is not None and found.steps == steps and found.scope == scope


@pytest.mark.parametrize("story", ["first he buys the paint, then he paints the boat",
                                   "kids build a throne out of sirens and by the end it melts"])
def test_one_marked_place_is_a_story_not_a_progression(story):
    assert arc_of(story) is None


@pytest.mark.parametrize("story, steps, scope", [
    # a list inside one sentence of several, with the artist's own marks (arrows, chevrons, slashes, 'v1', 'ch2:'),
    # and places said at the end of a step or as the middle; wordings written for this test (session 10)
    ("the light goes out of it slowly. gold -> orange -> violet -> black by the final chorus",
     ["gold", "orange", "violet", "black"], ""),
    ("one evening from start to finish: dusk > twilight > night", ["dusk", "twilight", "night"], ""),
    ("how full the room is / v1 empty / v2 half full / v3 packed", ["empty", "half full", "packed"], "verse"),
    ("ch1: the boat is far out. ch2: it passes the pier. last chorus: it runs aground",
     ["the boat is far out", "it passes the pier", "it runs aground"], "chorus"),
    ("it begins in spring when we plant it, by the middle its high summer, and it ends in autumn with the leaves down",
     ["spring", "high summer", "autumn with the leaves down"], ""),
    ("the moon crosses the whole song, low over the hills at the start, overhead by the bridge, and at the end its gone",
     ["low over the hills", "overhead", "gone"], ""),
    ("the ice melts over the song - frozen solid at the start, cracking in the middle, open water at the end",
     ["frozen solid", "cracking", "open water"], ""),
    # a heading before a numbered list, and doubled chevrons (session 11; wordings written for this test)
    ("the shop closes down over the song: 1. shelves full of tins 2. half the shelves bare 3. a single tin left",
     ["shelves full of tins", "half the shelves bare", "a single tin left"], ""),
    ("through the kitchen window: green hedge >> brown hedge >> hedge under frost", ["green hedge", "brown hedge",
                                                                                   "hedge under frost"], ""),
    ("the sky: clear >>> clouds >>> thunder", ["clear", "clouds", "thunder"], ""),
])
def test_a_progression_in_any_written_form_is_read_in_order(story, steps, scope):
    found = arc_of(story)
    assert found is not None and found.steps == steps and found.scope == scope


def test_steps_said_with_no_section_kind_are_carried_across_the_whole_song_in_order():
    labels = ["intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"]
    sections = [Section(label=x, start=i * 10.0, end=(i + 1) * 10.0, energy=0.5) for i, x in enumerate(labels)]
    found = arc_of("the whole thing is one day ending: afternoon > sunset > dusk > night")
    states = steps_by_section(found, sections)
    assert sorted(states) == list(range(len(labels)))  # every section shows where the day stands
    order = ["afternoon", "sunset", "dusk", "night"]
    shown = [order.index(states[i]) for i in range(len(labels))]
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] == 3


def test_a_colour_step_is_the_light_of_the_picture():
    found = arc_of("the colour drains out as it goes. deep red -> pink -> grey -> no colour at all")
    assert [found.state(x) for x in found.steps] == ["deep red light", "pink light", "grey light", "no colour at all"]


def test_a_heading_before_a_numbered_list_is_not_what_changes():
    assert arc_of("1. seed 2. sprout 3. a tree full of birds").what == ""  # the last step is not the heading
    assert arc_of("water level: 1. ankles 2. knees 3. the ceiling").what == "the water level"
    assert arc_of("outside the window: bare street >> flurries >> snow").what == ""  # a place, not a thing
