"""Reasons that say what the picture does for the line, why_generative said of what in this picture a camera
could not do (in the artist's own terms when they gave one), pictures that read their line instead of
saying it back, and loglines written from the meaning and the story (issue #23)."""

import pytest

from assistant.planner import make_logline, restates, short_meaning, song_kind
from assistant.writer import Beat, write
from shotlist.models import Brief
from songbook import top_run_share


def _beat(stage="establish", lines=("Reap it with a sickle of leather",), artist_why="", v=0):
    return Beat(stage=stage, variant=v, section="verse", image="a coat growing weed", next_image="candle flames underwater",
                lines=list(lines), who="the man", setting="the kitchen", artist_why=artist_why, heard=set())


@pytest.mark.parametrize("stage", ["establish", "detail", "reaction", "transformation", "payoff"])
def test_a_reason_names_its_own_picture_not_the_words_it_shares_with_the_line(stage):
    text = write(_beat(stage), set(), set())
    assert text.subject.lower() in text.reason.lower()  # what the picture is, said in the reason
    assert "in front of us" not in text.reason and "as the line names it" not in text.reason


def test_the_detail_is_a_part_of_the_picture_not_the_lines_noun():
    text = write(_beat("detail", lines=("Big sky",)), set(), set())
    assert "sky" not in text.subject and "coat" in text.subject  # the old writer went close on "the sky"


@pytest.mark.parametrize("stage", ["establish", "detail", "reaction", "transformation", "payoff"])
def test_why_generative_is_said_of_this_picture(stage):
    text = write(_beat(stage), set(), set())
    shown = text.subject.lower()
    assert shown in text.why_generative.lower() or "the coat" in text.why_generative.lower()


def test_the_artists_reason_is_quoted_beside_what_this_picture_does():
    said = "we can't flood a house, and the weed has to grow on the coat in one continuous shot"
    whys = [write(_beat(s, artist_why=said, v=v), set(), set()).why_generative
            for v, s in enumerate(["establish", "detail", "transformation"])]
    quoted = [w for w in whys if "one continuous shot" in w]
    assert quoted  # the artist's own argument, where it fits this picture
    assert len({w.split(":")[0] for w in whys}) == len(whys)  # the part before the quote is each shot's own


def test_the_artists_reason_is_quoted_once_in_a_plan_and_later_pictures_say_what_they_do_to_it():
    """ballad-few-words quoted "a lighthouse lamp rising to become the moon cannot be shot with a camera" on 5 of
    its 6 shots (issue #25): the argument is quoted on the first picture it speaks of, and every later picture
    of that thing says, unquoted, what it does to it."""
    said = "A lighthouse lamp rising to become the moon cannot be shot with a camera."
    heard, used_r, used_w = set(), set(), set()
    stages = ["establish", "detail", "transformation", "payoff", "establish", "reaction"]
    whys = [write(Beat(stage=s, variant=v, section="verse", image="a lamp turning into the moon",
                       next_image="a staircase of water", lines=[], who="the keeper", setting="the lighthouse",
                       artist_why=said, heard=heard), used_r, used_w).why_generative
            for v, s in enumerate(stages)]
    quoted = [w for w in whys if "cannot be shot with a camera”" in w]
    assert len(quoted) == 1 and whys[0] == quoted[0]
    assert sum("lighthouse lamp" in w for w in whys[1:]) >= 3  # the thing the artist named, in their terms
    assert len({w.split(",")[0] for w in whys}) == len(whys)
    assert sum("a lamp turning into the moon" in w for w in whys) == 1  # named whole once, then briefly


def test_an_argument_no_picture_names_is_quoted_once_on_the_plans_first_shot():
    said = "Metal turning into living wood in one continuous shot is impossible to film."
    heard, used_r, used_w = set(), set(), set()
    whys = [write(Beat(stage=s, variant=v, section="A", image="roots made of copper wire", next_image="gears sprouting moss",
                       lines=[], who="", setting="", artist_why=said, heard=heard), used_r, used_w).why_generative
            for v, s in enumerate(["establish", "detail", "payoff", "establish"])]
    assert ["living wood" in w for w in whys] == [True, False, False, False]


@pytest.mark.parametrize("said, thing", [
    ("a kitchen silently rearranging itself around her can't be built or filmed", "the kitchen"),
    ("impossible objects like a shirt of fog and a field hovering between tide lines cannot be built or filmed",
     "the shirt of fog"),
    ("metal turning into living wood in one continuous shot is impossible to film", "metal"),
    ("we can't flood a house", ""), ("una casa entera flotando por un río no se puede filmar", "")])
def test_the_thing_the_artist_says_a_camera_cannot_make(said, thing):
    from assistant.writer import impossible_thing

    assert impossible_thing(said) == thing


def test_whys_are_never_one_sentence_repeated():
    used_r, used_w = set(), set()
    whys = [write(_beat(s, v=v), used_r, used_w).why_generative
            for v, s in enumerate(["establish", "detail", "reaction", "transformation", "payoff"] * 2)]
    assert len(set(whys)) == len(whys)
    assert not any("only generation can show it" in w for w in whys)


@pytest.mark.parametrize("image, line, says_it_back", [
    ("the big sky", "Big sky", True), ("the tiny song", "Tiny song", True),
    ("a teacup full of sky", "Big sky", False), ("chrome face melting into flowers", "Chrome heart", False),
    ("herbs growing out of cloth", "Reap it with a sickle of leather", False), ("teeth made of neon tubes", "Neon teeth", True),
    ("parsley, sage, rosemary and thyme growing out of cloth", "Parsley, sage, rosemary and thyme", False)])
def test_a_picture_that_only_says_its_line_back_is_found(image, line, says_it_back):
    assert restates(image, [line]) is says_it_back


def test_a_sung_filler_shot_reads_its_line_instead_of_restating_it(tmp_path):
    from songbook import build_song, director_for, talk

    song = (120.0, [("verse", 8, 0.6, ["Tiny song", "Big sky"]), ("chorus", 8, 0.9, ["Big sky"])])
    d = director_for(tmp_path, build_song(*song), "Jingle")
    d.opening()
    talk(d, "A tiny song about a big sky.", "A teacup holds the whole sky.", "a teacup full of sky",
         "Light. Palette: pale blue.", "A sky inside a teacup cannot be filmed.", "1:1")
    for _ in range(20):
        if d.tools.project().shots:
            break
        talk(d, "you choose")
    sung = [s for s in d.tools.project().shots if s.lyric]
    assert sung
    for s in sung:
        picture = f"{s.subject} {s.action}"
        assert not any(restates(picture, [x]) for x in s.lyric.split(" / ")), (s.lyric, picture)


@pytest.mark.parametrize("meaning, story, logline", [
    ("its a love song", "a man waits at home while the water rises",
     "A man waits at home while the water rises, told as a love song."),
    ("its a love song about letting go", "a girl burns the map", "A girl burns the map, in a love song about letting go."),
    ("It is about waiting for someone who isn't coming back, and the house", "a man waits at home; each verse the "
     "water rises", "A man waits at home, in a song about waiting for someone who isn't coming back."),
    ("a breakup song", "ok so, a woman paints the walls", "A woman paints the walls, told as a breakup song.")])
def test_a_logline_is_written_from_the_story_and_the_meaning(meaning, story, logline):
    b = Brief(meaning=meaning, story=story)
    assert make_logline(b, "Flood") == logline
    assert "song about its" not in make_logline(b, "Flood")


def test_a_kind_of_song_is_not_a_meaning():
    assert short_meaning(Brief(meaning="its a love song")) == ""
    assert song_kind(Brief(meaning="It's a breakup song about a city")) == "a breakup song"


def test_a_story_that_is_only_its_progression_gives_the_meaning_carried_through_it():
    b = Brief(meaning="meaning: a marriage seen through one apple tree",
              story="in the first verse it's spring, in the second verse summer, and in the last verse winter")
    assert make_logline(b) == "A marriage seen through one apple tree, from spring to winter."


def test_the_treatment_is_written_from_the_meaning_the_story_and_its_progression(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from interview_bench import FLOOD
    from songbook import build_song, director_for, talk

    from assistant.planner import treatment

    d = director_for(tmp_path, build_song(*FLOOD), "Flood")
    d.opening()
    talk(d, "it's about waiting for someone who isn't coming back",
         "a man waits at home; each verse the water rises: ankles, chairs, the table, then he is underwater")
    text = treatment(d.tools.project())
    assert "It is about waiting for someone who isn't coming back." in text
    assert "The story: a man waits at home" in text
    at = [text.index(f"up to the {x}") for x in ("ankles", "chairs", "table")]
    assert at == sorted(at)


@pytest.mark.parametrize("meaning, story, logline", [
    ("its about my grandad refusing to leave his house when the river came",
     "each verse the river climbs: the garden, the stairs, the bedroom, then the roof",
     "The singer's grandad refusing to leave his house when the river came, as the river climbs from the garden to the "
         "roof."),
    ("its a love song that is really about time running out", "the day ends across the song: morning, noon, dusk, night",
     "A love song about time running out, as the day goes from morning to night."),
    ("about a city forgetting its own name",
     "first the signs are bright, then they flicker, then they go dark, and by the end the streets are empty",
     "A city forgetting its own name: at first the signs are bright, and by the end the streets are empty.")])
def test_a_story_said_only_as_its_progression_gives_a_logline_from_the_meaning(meaning, story, logline):
    """Session 7's held-out loglines read "Each verse the river climbs, in a song about my grandad …" and "The
    day ends across the song, in a love song about a love song that is really about time running out"."""
    assert make_logline(Brief(meaning=meaning, story=story)) == logline


def test_what_a_progression_changes_is_not_who_the_shots_follow():
    from assistant.planner import protagonist

    assert protagonist("the day ends across the song: morning, noon, dusk, night") == ""
    assert protagonist("a tailor stitches a shirt of fog") == "the tailor"
    assert protagonist("an old man waits at home") == "the man"


def test_a_detail_is_a_thing_not_an_adverb_and_an_answer_is_read_for_what_it_is_about():
    from assistant.phrases import detail_of
    from assistant.reading import as_clause

    assert detail_of("shadows that run ahead of us") != "the ahead"
    assert as_clause("its a love song that is really about time running out") == "time running out"


def test_a_place_that_is_a_step_of_the_progression_is_reached_in_order(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from interview_bench import FLOOD
    from songbook import build_song, director_for, talk

    d = director_for(tmp_path, build_song(*FLOOD), "Tide")
    d.opening()
    talk(d, "its about my grandad refusing to leave his house when the river came",
         "each verse the river climbs: the garden, the stairs, the bedroom, then the roof",
         "a radio playing under water; fish in the wardrobe; his pipe smoke making clouds",
         "stubborn, funny, muddy browns", "we can't flood a house", "16:9")
    for _ in range(12):
        if d.tools.project().shots:
            break
        talk(d, "you choose")
    shots = d.tools.project().shots
    firsts = [next(i for i, s in enumerate(shots) if step in s.setting) for step in ("garden", "stairs", "bedroom", "roof")]
    assert firsts == sorted(firsts)  # session 7 used 'the bedroom' and 'the roof' as the first chorus's backdrop


@pytest.mark.parametrize("meaning, story, logline", [
    # session 8's held-out loglines read "Each verse a little darker.", "…, in a song about de ijsbaan bevriest …"
    # and "Abt two skaters …": a progression, an answer in another language and a typo said as our prose
    ("its about a boat we had as kids and how you cant ever go back to it",
     "each verse a little darker. the first one is golden afternoon, then grey and raining, and the last verse is "
     "black night", "A boat we had as kids and how you can't ever go back to it, from golden afternoon to black night."),
    ("", "each verse a little darker. the first one is golden afternoon, then grey and raining, and the last verse is "
     "black night", "Flood, from golden afternoon to black night."),
    ("de ijsbaan bevriest en de schaatsen glimmen als lantaarns", "abt two skaters who keep missing each other",
     "Two skaters who keep missing each other."),
    ("abt two skaters who keep missing each other", "every chorus they get a little closer: first chorus opposite "
     "ends of the rink, second chorus halfway, last chorus they finally touch hands",
     "Two skaters who keep missing each other: at first opposite ends of the rink, and by the end they finally "
     "touch hands."),
    ("about one kid starting a band in a dead town", "starts with one kid alone in an empty carpark with an amp, by "
     "the last chorus the whole town is there and the carpark is full",
     "One kid starting a band in a dead town: at first one kid alone in an empty carpark with an amp, and by the end "
     "the whole town is there and the carpark is full."),
    ("its about a station nobody uses anymore", "by the last verse the station is all green. first verse its winter "
     "and bare, second verse the ivy starts, last verse its overgrown",
     "A station nobody uses anymore, from winter and bare to overgrown."),
    ("a woman waiting all day for a letter that doesnt come", "she waits by the door while the house goes dark",
     "She waits by the door while the house goes dark, in a song about a woman waiting all day for a letter that "
     "doesn't come.")])
def test_a_logline_is_never_a_progression_a_foreign_answer_or_a_typo(meaning, story, logline):
    assert make_logline(Brief(meaning=meaning, story=story), "Flood") == logline


@pytest.mark.parametrize("meaning, story, title, logline", [
    # a progression written as a list (arrows, slashes, 'chorus 1: …') is never the logline, nor is a project id;
    # a long meaning keeps its first clause (wordings written for this test, session 10)
    ("its about my mum who ran the bakery, and the year the street closed around it",
     "the light goes out of it slowly. gold -> orange -> violet -> black by the final chorus", "Flood",
     "The light goes out of it slowly, in a song about the singer's mum who ran the bakery."),
    ("about a boy who won't leave the pier", "how high the sea is / v1 the steps / v2 the rail / v3 the lamp",
     "Flood", "A boy who won't leave the pier, from the steps to the lamp."),
    ("a kite that keeps almost reaching the cliff top and the girl who runs after it every single afternoon",
     "ch1: the kite is a speck. ch2: you can see its tail. last chorus: it lands at her feet", "kite-almost-home",
     "A kite that keeps almost reaching the cliff top and the girl: at first the kite is a speck, and by the end it "
     "lands at her feet."),
    ("", "", "kite-almost-home", "This video, built from the song's own lines."),
])
def test_a_logline_is_never_a_pasted_progression_or_a_project_id(meaning, story, title, logline):
    said = make_logline(Brief(meaning=meaning, story=story), title)
    assert said == logline
    assert not any(mark in said for mark in ("->", " / ", ">", "ch1", "chorus 1", "-almost-"))


def test_the_treatment_tells_a_listed_progression_step_by_step(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from interview_bench import FLOOD
    from songbook import build_song, director_for, talk

    from assistant.planner import treatment

    d = director_for(tmp_path, build_song(*FLOOD), "flood-windowsill")
    d.opening()
    talk(d, "about an old man who won't leave the boathouse", "the river rises: v1 the boots > v2 the bench > v3 the rafters")
    text = treatment(d.tools.project())
    assert "The story: the river reaches the boots, then the bench, then the rafters, in that order" in text
    assert " / " not in text and "flood-windowsill" not in text.split("\n", 1)[1]


@pytest.mark.parametrize("argument, kernels", [
    # the artist's reasons re-voiced to stand after 'and' or 'since' (wordings written for this test, session 10)
    ("the tower melting into the tide cant be filmed, theres no crane tall enough for that",
     ["it can't be filmed", "there's no crane tall enough for that"]),
    ("we cant set fire to a library, its not allowed", ["we can't set fire to a library, and it's not allowed"]),
    ("foxes made of smoke is vfx territory, no way to shoot that", ["foxes made of smoke is vfx territory",
                                                                    "there is no way to shoot that"]),
    ("my town has to age fifty years in a verse", ["your town has to age fifty years in a verse"]),
    ("its cheaper", []),
])
def test_the_artists_reasons_are_kept_in_their_own_words_for_every_shot(argument, kernels):
    from assistant.writer import artist_kernels

    assert artist_kernels(argument) == kernels


def test_every_shot_after_the_first_says_why_in_the_artists_terms_without_quoting_it_again():
    """Session 9's held-out plans said why in the artist's terms on 6 % of shots ("No set could hold X" and the
    like): once the argument is quoted, other shots carry its reasons after what the picture itself asks, each
    only as often as keeps it from being a refrain."""
    said = "the tower melting into the tide cant be filmed, theres no crane tall enough for that"
    heard, used_r, used_w = set(), set(), set()
    stages = ["establish", "detail", "reaction", "transformation", "payoff"] * 3
    images = ["a bell ringing under water", "gulls sewn to the sky", "a bus full of sand"]
    whys = [write(Beat(stage=s, variant=v, section="verse", image=images[v % 3], next_image=images[(v + 1) % 3],
                       lines=[], who="the keeper", setting="the harbour", artist_why=said, heard=heard),
                  used_r, used_w).why_generative for v, s in enumerate(stages)]
    assert sum("“" in w for w in whys) == 1  # quoted once
    for reason in ("it can't be filmed", "no crane tall enough"):  # each of the artist's reasons, unquoted
        assert any(reason in w for w in whys[1:]), reason
    assert len(set(whys)) == len(whys) and top_run_share([w.lower() for w in whys[1:]]) <= 0.2  # never a refrain


def test_a_reason_that_no_crew_could_do_it_is_not_only_cost():
    from assistant.pushback import cheap_only

    assert not cheap_only("the orchard has to age ten years in a minute, no crew could do that")
    assert cheap_only("no crew, its cheaper")
