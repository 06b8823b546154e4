"""The guided planner's pictures differ across a plan: with one place all song, a detail is framed on
its image rather than on the place again (very-short: "the whole sky" on all six shots)."""

import yaml

from assistant.planner import plan_shots
from evals.calibration import THRESHOLDS
from evals.case import Case
from evals.quality import VisualVariety
from shotlist.models import Brief, Project
from songbook import BALLAD, build_song

BRIEF = Brief(meaning="Waiting for someone who is not coming back.", story="A woman keeps the kitchen ready for him.",
              motifs=["a kettle that boils over into stars", "a coat made of rain", "moths writing letters"],
              feeling="Tender, slow.")


def test_with_one_place_the_details_are_framed_on_their_image():
    shots = plan_shots(Project(id="one-place", title="Porch Light", song=build_song(*BALLAD), brief=BRIEF))
    close = [s for s in shots if s.shot_size in ("close-up", "extreme close-up", "insert")]
    assert close
    away = [s for s in shots if "kitchen" not in s.setting]
    assert away, [s.setting for s in shots]  # the old planner set every shot in "the kitchen"
    assert all(s.shot_size in ("close-up", "extreme close-up", "insert") for s in away), \
        [(s.shot_size, s.setting) for s in away]  # the wide shots keep the place
    # and the plan passes the calibrated visual-variety evaluator (refrains may repeat their detail)
    limit = yaml.safe_load(THRESHOLDS.read_text())["quality"]["visual_variety"]["min"]
    assert VisualVariety().evaluate(Case(name="one-place", shots=shots, brief=BRIEF))["visual_variety"] >= limit


def test_two_places_keep_every_setting_in_them():
    brief = BRIEF.model_copy(update={"story": "A woman keeps the kitchen ready; the garden grows over the path."})
    shots = plan_shots(Project(id="two-places", title="Porch Light", song=build_song(*BALLAD), brief=brief))
    assert all("kitchen" in s.setting or "garden" in s.setting for s in shots), [s.setting for s in shots]
