"""The simulated artist varies its words (so no director path is tuned to one sentence), stays
repeatable for a seed, and the runner and the scripted LLM read the shots its requests name."""

import re

from evals.artist import INTENTS, TOPICS, Artist
from evals.runner import targets
from evals.scripted_director import named_shots
from shotlist.models import Project, Section, Shot, Song

PERSONA = {"meaning": "A town refusing to be silenced.", "story": "A choir sings the walls into glass.",
           "motifs": "walls made of names; a river running backwards", "feeling": "Defiant. Palette: rust.",
           "why_generative": "A river flowing uphill cannot be filmed.", "constraints": "16:9, 25 fps"}


class Question:
    def __init__(self, topic):
        self.topic, self.content = topic, ""


def interview(seed):
    artist = Artist(PERSONA, seed=seed)
    return [(t, artist.answer(Question(t))) for t in TOPICS], artist


def test_answers_vary_in_words_labels_and_order_but_always_carry_the_answer():
    phrasings, labelled, out_of_order = {t: set() for t in TOPICS}, 0, 0
    for seed in range(40):
        said, artist = interview(seed)
        for asked, text in said:
            answered = next(t for t in TOPICS if PERSONA[t] in text or PERSONA[t][:1].lower() + PERSONA[t][1:] in text)
            out_of_order += answered != asked
            labelled += bool(re.match(r"^\s*[A-Za-z' ]+\s*(:|—)", text))
            phrasings[answered].add(text)
        assert set(artist.said) <= set(TOPICS)
    assert all(len(p) >= 4 for p in phrasings.values()), {t: len(p) for t, p in phrasings.items()}
    assert 0.15 < labelled / 240 < 0.7 and out_of_order >= 10


def test_the_same_seed_gives_the_same_artist():
    assert interview("protest")[0] == interview("protest")[0]
    assert interview("protest")[0] != interview("ballad")[0]


def _project() -> Project:
    song = Song(path="song.wav", sha256="0", duration=60.0, sample_rate=22050, tempo=120.0,
                beats=[i * 0.5 for i in range(120)], bars=[i * 2.0 for i in range(30)],
                sections=[Section(start=0, end=10, label="intro", energy=0.3),
                          Section(start=10, end=25, label="chorus", energy=0.9),
                          Section(start=25, end=40, label="bridge", energy=0.5),
                          Section(start=40, end=60, label="chorus", energy=0.9)])
    shots = [Shot(start=i * 5.0, end=(i + 1) * 5.0, subject=f"s{i}") for i in range(12)]
    return Project(id="p", title="p", song=song, shots=shots)


SPECS = [
    ({"shots": [5], "intent": "colder"}, {5}),
    ({"shots": [3, 4, 5, 6, 7], "intent": "warmer"}, {3, 4, 5, 6, 7}),
    ({"shots": [3, 7, 9], "intent": "closer"}, {3, 7, 9}),
    ({"section": "chorus", "which": "first", "intent": "darker"}, {3, 4, 5}),
    ({"section": "chorus", "which": "every", "intent": "brighter"}, {3, 4, 5, 9, 10, 11, 12}),
    ({"section": "bridge", "intent": "wider"}, {6, 7, 8}),
    ({"last": True, "intent": "replace"}, {12}),
    ({"shots": [2], "intent": "lock"}, {2}),
]


def test_requests_name_their_targets_in_varied_words_and_every_intent_is_phrased():
    project = _project()
    for spec, expected in SPECS:
        assert targets(project, spec) == expected, spec
        words = set()
        for seed in range(12):
            text = Artist(PERSONA, seed=seed).request(spec)
            words.add(text)
            assert set(named_shots(project, text)) == expected, text  # the scripted LLM reads it right
        assert len(words) >= 4, words
    assert all(len(p) >= 4 for p in INTENTS.values())
    assert targets(project, {"shots": [99], "intent": "colder"}) == set()
    assert targets(project, {"shots": [3, 99], "intent": "colder"}) == set()
    assert targets(project, {"none": True, "intent": "colder"}) == set()
