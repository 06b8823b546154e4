"""Critic calibration on hand-written shots: clichés are flagged, intentional shots are not."""

import pytest

from assistant import critic
from helpers import song_of
from shotlist.models import Brief, LyricLine, Project, Shot

CLICHES = [
    ("two lovers", "stroll along the shore as the sun sets", "a beach"),
    ("a teenager", "walks down a school hallway lined with lockers", "a high school"),
    ("a woman", "pushes a cart down the aisle", "a supermarket"),
    ("a man", "walks alone", "rain-soaked neon streets at night"),
    ("grocery store aisles", "takes shape out of the dark", "in the world of the song"),
    ("the girl", "walks through school hallways", ""),
]
INTENTIONAL = [
    ("a tailor", "stitches a shirt out of fog", "a market that only exists at night"),
    ("a field of parsley and thyme", "hovers between the tide lines", "the sea at dawn"),
    ("sage and rosemary", "grow out of a seamless shirt of mist", "a dark workshop"),
    ("a sickle of leather", "cuts heather that turns to smoke", "a grey moor"),
    ("windows that open like mouths", "takes shape out of the dark", "in the world of the song"),
    ("walls made of names", "bloom on the beat", "a town square"),
]


def project_with(rows, brief=None, lyric=None):
    n = len(rows)
    shots = [Shot(start=i * 2.0, end=(i + 1) * 2.0, subject=s, action=a, setting=w,
                  prompt=f"{s} {a}, {w}", reason="because the song asks for it", why_generative="",
                  lyric=lyric) for i, (s, a, w) in enumerate(rows)]
    lyrics = [LyricLine(time=1.0, text=lyric)] if lyric else []
    return Project(id="t", title="T", song=song_of(2.0 * n, lyrics=lyrics), shots=shots,
                   brief=brief or Brief(meaning="a lover asks for impossible tasks", motifs=["a shirt of fog"]))


def test_cliches_are_flagged_generic_and_shootable():
    found = critic.critique_project(project_with(CLICHES))
    assert [c.generic for c in found] == [True] * len(CLICHES)
    assert all(c.camera_shootable for c in found)
    assert all(any("phone could film" in n for n in c.notes) for c in found)


def test_intentional_surreal_shots_pass():
    found = critic.critique_project(project_with(INTENTIONAL))
    assert [c.generic for c in found] == [False] * len(INTENTIONAL)
    assert sum(c.camera_shootable for c in found) <= 1


def test_grounding_rises_with_the_lyric_and_brief():
    brief = Brief(meaning="a lover asks for impossible tasks: a shirt without seams", motifs=["a shirt of fog"])
    tied = project_with([("a shirt without seams", "is sewn from fog", "a night market")], brief,
                        lyric="Tell her to make me a cambric shirt")
    loose = project_with([("a sports car", "drifts around a corner", "a race track")], brief,
                         lyric="Tell her to make me a cambric shirt")
    g_tied = critic.critique_project(tied)[0].grounding
    g_loose = critic.critique_project(loose)[0].grounding
    assert g_tied > g_loose + 0.15, (g_tied, g_loose)


def test_structural_notes():
    rows = INTENTIONAL + INTENTIONAL[:1]
    p = project_with(rows, lyric=None)
    p.shots[2].reason = ""
    p.song.beats = [0.0, 2.0, 4.0, 6.0, 8.0]
    p.shots[1].start = 2.4
    p.shots[0].end = 2.4
    p.song.lyrics = [LyricLine(time=5.0, text="a line nobody carries")]
    for s in p.shots:
        s.shot_size = "wide"
    found = critic.critique_project(p)
    assert any("no reason" in n for n in found[2].notes)
    assert any("not on a beat" in n for n in found[1].notes)
    assert any("a line nobody carries" in n for n in found[2].notes)
    assert any("in a row" in n for n in found[3].notes)


@pytest.mark.parametrize("threshold", [critic.GENERIC_THRESHOLD])
def test_threshold_separates_the_two_sets(threshold):
    bank, _, _ = critic.banks()
    cl = (critic.embed([", ".join(r) for r in CLICHES]) @ bank.T).max(axis=1)
    ok = (critic.embed([", ".join(r) for r in INTENTIONAL]) @ bank.T).max(axis=1)
    assert cl.min() >= threshold > ok.max()


def test_a_save_with_one_changed_shot_embeds_about_one_shot(monkeypatch):
    """Embeddings are cached by text: re-critiquing 100 shots with one changed costs ~one shot's texts."""
    rows = [(f"a lantern of salt number {i}", f"drifts over tide line {i}", "a grey moor") for i in range(100)]
    project = project_with(rows)
    critic.critique_project(project)
    model = critic.embedder()
    encoded: list[str] = []

    class Counting:
        def encode(self, texts, **kw):
            encoded.extend(texts)
            return model.encode(texts, **kw)

    monkeypatch.setattr(critic, "embedder", lambda: Counting())
    critic.critique_project(project)
    assert encoded == []  # nothing changed: nothing embedded
    project.shots[41].subject = "a lantern of salt that melts into the sea"
    found = critic.critique_project(project)
    assert 1 <= len(encoded) <= 2, encoded  # its depiction (and its justification if it changed)
    assert found[41].grounding == critic.critique_project(project)[41].grounding
