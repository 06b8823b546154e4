"""`shotcaller score`: an artist scores a shot list made anywhere — a CSV typed by hand, an OTIO
timeline from another tool — on every quality evaluator, with per-shot flags and exit status 1 when
one fails."""

import json

import pytest

from ui.cli import main

# Typed by hand for this test (a slow song about a lighthouse keeper waiting for someone).
GOOD_CSV = """Start,End,Lyric,Shot size,Movement,Subject,Action,Setting,Reason,Why generative
0,7,,extreme wide,static,a lighthouse on a black rock,its beam sweeps once and stops at the horizon,a grey sea before dawn,"Before a word is sung, the whole vigil: one light, one direction, nobody on the water.",A beam that halts mid-sweep like a held breath has to be generated.
7,14,I kept the light on for you,medium close-up,push in,the keeper,trims a wick that refuses to burn down,the lamp room at midnight,"Keeping a light on becomes literal: a flame she tends that never shortens, like her hope.",A wick that stays the same length however long it burns cannot be filmed.
14,21,Set two cups on the window ledge,insert,static,two chipped cups,steam for hours though only one is ever drunk,a salt-crusted window ledge,The second cup is the absent person; both steaming says she still prepares for two.,Steam that never thins from a cup left for hours is a small impossible detail.
21,28,The kettle sang until the dawn,close-up,pull out,a brass kettle,whistles while frost creeps across the stove around it,the kitchen below the lamp room,A kettle singing all night is how long she stays awake; the frost counts the hours.,Frost spreading over a boiling stove is a contradiction no set could hold.
28,35,And the light climbed up to find you,wide,crane up,the lamp,unhooks from the tower and rises over the water,the lighthouse gallery under stars,"Her light goes looking: the lamp itself leaves to search, hope taking flight.",A lighthouse lamp floating into the night sky cannot be rigged or shot.
35,42,It climbed until it was the moon,extreme wide,tilt up,the rising lamp,cools from amber to silver and rounds into the moon,the open sky over the bay,Her devotion becomes permanent and distant: the lamp turns into the moon she sees every night.,A lamp changing into the moon in one continuous move exists only as generated video.
42,52,Now every stair is full of sea,full,tracking,the keeper,climbs a spiral staircase whose steps are standing seawater,inside the lighthouse tower,"The grief has flooded her house; she climbs through it anyway, step by liquid step.",Stairs of still water that hold her weight are impossible to build.
"""
ARGS = ["--tempo", "72", "--feeling", "aching, tender and slow"]


def _run(capsys, *argv) -> tuple[int, str]:
    rc = main(["score", *argv])
    return rc, capsys.readouterr().out


def test_a_hand_written_csv_passes_and_prints_every_quality_evaluator(tmp_path, capsys):
    path = tmp_path / "keeper.csv"
    path.write_text(GOOD_CSV)
    rc, out = _run(capsys, str(path), *ARGS, "--json")
    data = json.loads(out)
    assert rc == 0, out
    assert data["passed"] and data["shots"] == 7
    for name in ("coherence", "why_generative_substance", "lyric_interpretation", "originality", "visual_variety",
                 "pacing", "reason_specificity", "grounding"):
        assert data["scores"][name]["passed"] and data["scores"][name]["score"] is not None, name
    assert data["scores"]["pushback"]["score"] is None  # no conversation in a CSV: n/a, not a pass by default


def test_a_constraint_in_the_artists_words_flags_the_shots_that_break_it(tmp_path, capsys):
    path = tmp_path / "keeper.csv"
    path.write_text(GOOD_CSV)
    rc, out = _run(capsys, str(path), *ARGS, "--constraints", "nobody on screen, I want it empty of humans")
    assert rc == 1, out
    assert "constraint_compliance" in out and "FAIL" in out
    flagged = {line.split(":")[0].strip(): line for line in out.split("shots flagged:")[1].splitlines() if line.strip()}
    for n in (2, 7):  # the keeper is on screen
        assert 'constraint_compliance: breaks "nobody on screen"' in flagged[f"shot {n}"]
    for n in (1, 3, 4, 5, 6):  # a lighthouse, cups, a kettle, the lamp: nobody
        assert "constraint_compliance" not in flagged.get(f"shot {n}", "")


def _otio(tmp_path, names: list[str], seconds: float = 4.0):
    otio = pytest.importorskip("opentimelineio")
    timeline = otio.schema.Timeline(name="made elsewhere")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    for name in names:
        rng = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(seconds * 24, 24))
        track.append(otio.schema.Clip(name=name, source_range=rng))
    timeline.tracks.append(track)
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(timeline, str(path))
    return path


def test_an_otio_timeline_of_stock_images_from_another_tool_fails(tmp_path, capsys):
    path = _otio(tmp_path, ["a couple walking hand in hand along the beach at sunset",
                            "a woman twirling in a field of sunflowers", "friends jumping into a pool in slow motion",
                            "city lights twinkling below a rooftop at night", "a car speeding down an empty desert road",
                            "lovers kissing in the rain on a city street"])
    rc, out = _run(capsys, str(path), "--json")
    data = json.loads(out)
    assert rc == 1
    assert data["shots"] == 6 and not data["scores"]["originality"]["passed"]
    assert all(any(f.startswith("originality") for f in flags) for flags in data["flags"].values())


def test_a_file_that_is_not_a_shot_list_is_one_clear_error(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert main(["score", str(path)]) == 2
    assert "cannot score 'notes.txt'" in capsys.readouterr().err
    assert main(["score", "no-such-project"]) == 2
