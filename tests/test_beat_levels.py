"""The octave-evidence study's model (`benchmarks.beat_levels`): a conditional logit over each song's
metrical levels, scored leave one source out. No audio: songs are feature tables."""

import numpy as np

from benchmarks.beat_levels import fit, leave_one_source_out

KEYS = ["rule", "evidence"]


def song(name: str, rule_right: bool, rng: np.random.Generator) -> dict:
    """Three levels; the written one carries `evidence` ≈ 1, the others ≈ 0; the rule picks the written
    level only when `rule_right`."""
    written = 1
    rule = written if rule_right else 0
    x = np.array([[float(i == rule), float(i == written) + rng.normal(0, 0.1)] for i in range(3)])
    return {"name": name, "keys": KEYS, "x": x, "y": (np.arange(3) == written).astype(float)}


def test_the_logit_learns_the_evidence_that_marks_the_written_level():
    rng = np.random.default_rng(0)
    songs = [song(f"s{i}", rule_right=i % 3 != 0, rng=rng) for i in range(12)]
    w = fit([(s["x"], s["y"]) for s in songs])
    assert w[1] > w[0] > 0  # the evidence outweighs the rule, which is still right more often than not
    right, missed = leave_one_source_out(songs, ("rule", "evidence"))
    assert right == 12 and missed == []
    right, missed = leave_one_source_out(songs, ("rule",))
    assert right == 8 and sorted(missed) == ["s0", "s3", "s6", "s9"]


def test_copies_of_a_song_are_held_out_together():
    """A song's noise copy must not teach the model its own answer. `quirk` marks the written level of
    one source only (its two copies); held out together, nothing else teaches it and both are missed;
    a copy left in training would leak it."""
    rng = np.random.default_rng(1)
    songs = [song(f"s{i}", rule_right=True, rng=rng) for i in range(6)]
    for s in songs:
        s["keys"], s["x"] = [*KEYS, "quirk"], np.column_stack([s["x"], np.zeros(3)])
    odd = song("odd", rule_right=True, rng=rng)
    odd["keys"], odd["y"] = [*KEYS, "quirk"], np.array([0.0, 0.0, 1.0])
    odd["x"] = np.column_stack([odd["x"], [0.0, 0.0, 1.0]])
    songs += [odd, dict(odd, name="odd+noise")]
    right, missed = leave_one_source_out(songs, ("rule", "evidence", "quirk"))
    assert sorted(missed) == ["odd", "odd+noise"] and right == 6


def test_bar_weights_are_chosen_on_the_other_sources():
    from benchmarks.beat_levels import TRACKER_BAR_WEIGHTS, bar_right, bars_leave_one_source_out

    def places(bar_at: int) -> dict:
        z = np.where(np.arange(4) == bar_at, 1.5, -0.5)
        return {"chord 1": z, "chord 2": z, "loudness": z, "bass": np.zeros(4), "kick": np.roll(z, 2)}

    songs = [(f"s{i}", places(0)) for i in range(5)] + [("odd", places(1)), ("odd+lofi", places(1))]
    assert bar_right(TRACKER_BAR_WEIGHTS, songs[0][1]) and not bar_right(TRACKER_BAR_WEIGHTS, songs[-1][1])
    assert bars_leave_one_source_out(songs) == 5  # the odd source (both copies) has its bar line where no weights put it


def test_the_nested_score_chooses_the_model_inside_each_fold():
    """The model is chosen on the other sources only: evidence that marks the written level is chosen
    in every fold and picks every held-out song; the rule alone, first in the family, wins ties."""
    from benchmarks.beat_levels import nested_leave_one_source_out

    rng = np.random.default_rng(0)
    songs = [song(f"s{i}", rule_right=i % 3 != 0, rng=rng) for i in range(12)]
    rule, both = (("rule",), 0.05), (("rule", "evidence"), 0.05)
    right, chosen = nested_leave_one_source_out(songs, [rule, both], inner_folds=3)
    assert right == 12 and chosen == {both: 12}
    right, chosen = nested_leave_one_source_out(songs, [rule, (("rule",), 0.5)], inner_folds=3)
    assert right == 8 and chosen == {rule: 12}
