import json
from pathlib import Path

import pytest

from helpers import even_shots, project_of, song_of
from shotlist.errors import TimelineError
from shotlist.models import SCHEMA_ID, Project, Shot, check_timeline


def test_project_json_is_the_public_contract():
    doc = json.loads(project_of().to_json())
    assert list(doc) == ["schema", "id", "title", "song", "brief", "style", "shots", "version"]
    assert doc["schema"] == SCHEMA_ID
    shot = doc["shots"][0]
    for field in ("id", "index", "start", "end", "section", "lyric", "shot_size", "angle", "movement", "lens",
                  "subject", "action", "setting", "prompt", "negative_prompt", "reason", "why_generative",
                  "transition", "seed", "locked", "takes", "critique"):
        assert field in shot, field
    assert set(shot["critique"]) >= {"grounding", "generic", "camera_shootable", "notes"}


def test_round_trip_is_exact():
    p = project_of()
    assert Project.model_validate_json(p.to_json()) == p


def test_committed_json_schema_matches_the_models():
    schema_file = Path(__file__).resolve().parents[1] / "shotlist" / "schema" / "project.schema.json"
    committed = json.loads(schema_file.read_text())
    assert committed == Project.model_json_schema(by_alias=True, mode="serialization"), (
        "regenerate shotlist/schema/project.schema.json (see README: Development)"
    )


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s[1].__setattr__("start", s[1].start + 0.5), "gap"),
        (lambda s: s[1].__setattr__("start", s[1].start - 0.5), "overlap"),
        (lambda s: s[2].__setattr__("id", s[0].id), "already used by shot 1"),
        (lambda s: s[-1].__setattr__("end", 9.0), "ends at 9.000s but the song lasts 10.000s"),
        (lambda s: s[0].__setattr__("start", 0.3), "shot 1"),
        (lambda s: s.insert(1, s.pop(2)), "sorted"),
    ],
)
def test_invariants_name_the_shot_and_value(mutate, message):
    shots = even_shots(10.0, 4)
    mutate(shots)
    with pytest.raises(TimelineError, match=message):
        check_timeline(shots, 10.0, 24)


def test_one_frame_tolerance():
    shots = even_shots(10.0, 4)
    shots[1].start += 0.9 / 24  # less than a frame
    check_timeline(shots, 10.0, 24)
    shots[1].start += 0.2 / 24  # now more than a frame
    with pytest.raises(TimelineError, match="shot 2"):
        check_timeline(shots, 10.0, 24)


def test_zero_length_shot_is_refused():
    shots = even_shots(10.0, 4)
    shots[1].end = shots[1].start
    with pytest.raises(TimelineError, match="durations must be positive"):
        check_timeline(shots, 10.0, 24)


def test_project_validation_runs_the_invariants():
    with pytest.raises(TimelineError):
        Project(id="x", title="x", song=song_of(10.0), shots=even_shots(9.0, 3))


def test_camera_vocabulary_is_normalised():
    s = Shot(start=0, end=1, shot_size="Close Up", movement="PUSH-IN", angle="Low", transition="Fade_to_black")
    assert (s.shot_size, s.movement, s.angle, s.transition) == ("close-up", "push in", "low", "fade to black")
    with pytest.raises(ValueError):
        Shot(start=0, end=1, movement="wobble")
