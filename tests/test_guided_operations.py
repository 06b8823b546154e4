"""Guided mode after the plan, end to end on a song the suite was not tuned on: the requests from issue 22
each become one typed operation and one version, with the artist's words kept, and nothing answers with
the old fixed paragraph."""

from __future__ import annotations

import pytest

from songbook import BALLAD, build_song, director_for, talk


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    director = director_for(tmp_path_factory.mktemp("ops"), build_song(*BALLAD), "Porch Light")
    director.opening()
    talk(director, "Waiting for someone who isn't coming back.", "A woman keeps a house ready for someone.",
         "a kettle that boils over into stars; a coat made of rain; moths writing letters on a window",
         "Tender, slow.", "No camera could film a coat made of rain.", "16:9", "/plan")
    return director


def say(d, text: str, selected: int | None = None) -> tuple[str, int]:
    """The reply and how many versions the request saved."""
    before = d.tools.project().version
    reply = talk(d, text, selected_shot=selected)[-1]
    assert "In guided mode I can change" not in reply
    return reply, d.tools.project().version - before


def test_the_artists_image_moves_with_a_swap(d):
    say(d, "shot 3: her hands folding a letter into a paper moth")
    reply, saved = say(d, "swap shots 3 and 4")
    shots = d.tools.project().shots
    assert saved == 1 and shots[3].subject == "her hands" and "paper moth" in shots[3].prompt
    assert shots[3].origin == "artist" and shots[2].subject != "her hands"


def test_replace_and_the_last_shot_take_the_artists_words(d):
    n = len(d.tools.project().shots)
    _, saved = say(d, f"replace shot {n - 1} with him sitting at the table underwater, still pouring tea")
    shot = d.tools.project().shots[n - 2]
    assert saved == 1 and (shot.subject, shot.setting) == ("him", "at the table underwater")
    _, saved = say(d, "the last shot should be the porch light going out on its own")
    assert saved == 1 and d.tools.project().shots[-1].subject == "the porch light"


def test_every_chorus_gets_the_picture(d):
    reply, saved = say(d, "every chorus: water coming in under the door and over the floorboards")
    chorus = [s for s in d.tools.project().shots if s.section == "chorus"]
    assert saved == 1 and chorus and all(s.subject == "water" for s in chorus)


@pytest.mark.parametrize("request_,starts", [
    ("delete shot 10", "deleted shot 10"),
    ("add a shot of the empty chair before the last chorus", "added shot"),
    ("put shot 4 before shot 3", "moved shot 4's picture before shot 3"),
    ("merge 20 to 22", "merged shots 20-22"),
    ("no dutch angles anywhere", "rule kept in the brief"),
    ("make the whole thing more dreamlike", "rule kept in the brief"),
    ("less literal in the second verse", "rule kept in the brief"),
    ("make it vertical 9:16", "rule kept in the brief"),
    ("échange les plans 5 et 6", "swapped the pictures of shots 5 and 6"),
])
def test_each_request_is_one_version(d, request_, starts):
    reply, saved = say(d, request_)
    assert reply.startswith(starts) and saved == 1


def test_slower_choruses_are_one_version_and_one_undo(d):
    before = d.tools.project()
    _, saved = say(d, "the chorus shots should all be slower")
    assert saved == 1 and len(d.tools.project().shots) < len(before.shots)
    reply, _ = say(d, "hmm no, undo that")
    assert reply.startswith("back to version") and d.tools.project().shots == before.shots


def test_questions_answer_from_the_plan_and_change_nothing(d):
    shot = d.tools.project().shots[11]
    reply, saved = say(d, "why does shot 12 need generation?")
    assert saved == 0 and shot.why_generative[:40].lower() in reply.lower()
    reply, saved = say(d, "what's the weakest shot?")
    assert saved == 0 and reply.startswith("weakest: shot")


def test_unclear_requests_are_asked_or_quoted_and_change_nothing(d):
    for text, says in (("move shot 4", "before or after which shot"), ("delete shot 99", "no shot 99"),
                       ("🌊🌊", "no words"), ("x" * 20_000, "too long"),
                       ("what about the dog", "didn't understand “what about the dog”")):
        reply, saved = say(d, text)
        assert saved == 0 and says in reply, reply


def test_a_replan_keeps_the_artists_shots_and_says_so(d):
    written = [s for s in d.tools.project().shots if s.origin == "artist"]
    replies = talk(d, "re-plan")
    after = {s.id: s for s in d.tools.project().shots}
    assert written and all(s.id in after and after[s.id].subject == s.subject for s in written)
    assert "in your own words" in replies[-1]
    rules = [n for n in d.tools.project().brief.constraints.notes if n.startswith("rule: ")]
    assert "rule: no dutch angles anywhere" in rules
    assert not [s for s in d.tools.project().shots if s.angle == "dutch"]


def test_the_tempo_in_words_regrids_the_plan_and_keeps_every_picture(d):
    before = d.tools.project()
    reply, saved = say(d, "you've got the beat at half speed, double it")
    after = d.tools.project()
    assert saved == 1 and "tempo doubled" in reply
    assert after.song.tempo == pytest.approx(2 * before.song.tempo, rel=0.005)
    assert [(s.id, s.subject, s.reason) for s in after.shots] == [(s.id, s.subject, s.reason) for s in before.shots]
    beats = after.song.beats
    assert all(min(abs(b - s.start) for b in beats) < 1e-3 for s in after.shots[1:])
    reply, saved = say(d, "the tempo is 900")
    assert saved == 0 and "outside 30-300" in reply
    say(d, "undo that")  # one undo step takes the whole correction back
    assert d.tools.project().song.tempo == pytest.approx(before.song.tempo)
    assert [s.start for s in d.tools.project().shots] == [s.start for s in before.shots]


@pytest.mark.parametrize("request_,locked,changed", [
    ("lock shot 3 and make 5 colder", [3], [5]),
    ("make shot 6 warmer and lock it", [6], [6]),
    ("lock 2 and 4 and make shot 8 darker", [2, 4], [8]),
])
def test_a_lock_plus_a_change_is_one_version_one_undo_and_each_part_keeps_to_its_shots(d, request_, locked, changed):
    before = d.tools.project()
    reply, saved = say(d, request_)
    after = d.tools.project()
    assert saved == 1, reply
    assert [s.index for s in after.shots if s.locked and not before.shots[s.index - 1].locked] == locked
    assert [n for n, (a, b) in enumerate(zip(before.shots, after.shots), 1)
            if (a.warmth, a.brightness) != (b.warmth, b.brightness)] == changed
    assert "lock " + ", ".join(map(str, locked)) in d.tools.store.history(d.tools.project_id)[-1][1]
    _, saved = say(d, "undo that")
    assert d.tools.project().shots == before.shots
