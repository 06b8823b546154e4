"""The request bank (evals/requests): guided mode maps artists' requests to the labelled typed operation on
both splits, with no wrong silent change. The held-out split was written before the reader and is never
tuned on; a miss there is reported, not fixed by editing the bank."""

import pytest

from evals.requests_eval import GOALS, HERE, cases_of, main, run, score, splits_present


HELDOUT_MISS = ("every fresh held-out split so far has missed the goals at its one measurement: ops22d's two "
                "61.8 %/4 and 67.9 %/3 wrong silent changes, bank22e's third 72.8 %/5, bank22f's fourth 66.4 %/5, bank22g's fifth "
                "69.3 %/9 and bank22h's sixth 61.7 %/12 with the MiniLM classifier (evals/reports/requests-*.txt); reported, not tuned away")
HELDOUT = pytest.param("heldout", marks=[
    pytest.mark.skipif(not (HERE / "heldout.yaml").exists(), reason="no held-out split: the last one was read and "
                       "moved into dev, the next is being written by another author"),
    pytest.mark.xfail(strict=True, reason=HELDOUT_MISS)])


EXTRA_MISS = ("the exemplar authors' splits (evals/requests/extra/), scored once as written before tuning: ex22a "
              "67.7 %/17 wrong silent changes, ex22b 38.8 %/21 (evals/reports/requests-ex22{a,b}-first.txt); after "
              "reader22h tuned on them still short of 95 %/0 (evals/requests/README.md): reported, not trimmed")


def _dev_yaml_cases() -> list[dict]:
    """dev.yaml's splits: every author's split but the extra/ files."""
    from evals.requests_kinds import author_splits

    extra = {f.stem for f in (HERE / "extra").glob("*.yaml")}
    return [c for name, cs in author_splits().items() if name not in extra for c in cs]


@pytest.mark.parametrize("split", ["dev.yaml", pytest.param("extra", marks=pytest.mark.xfail(strict=True, reason=EXTRA_MISS)),
                                   HELDOUT])
@pytest.mark.parametrize("classifier", [False, True], ids=["rules", "rules+minilm"])
def test_mapping_accuracy_and_no_wrong_silent_change(split, classifier):
    from evals.requests_kinds import author_splits

    if split == "dev.yaml":
        accuracy, wrong, outcomes = score(_dev_yaml_cases(), classifier)
    elif split == "extra":
        cases = [c for f in sorted((HERE / "extra").glob("*.yaml")) for c in author_splits()[f.stem]]
        accuracy, wrong, outcomes = score(cases, classifier)
    else:
        accuracy, wrong, outcomes = run(split, classifier)
    misses = [(o.text, o.expected, o.got) for o in outcomes if not o.right]
    assert len(outcomes) >= 60
    assert wrong <= GOALS["wrong_changes"], misses
    assert accuracy >= GOALS["accuracy"], misses


def test_the_bank_has_enough_requests_per_operation():
    cases = [c for split in splits_present() for c in cases_of(split)]
    assert len(cases) >= 150
    per_op: dict[str, int] = {}
    for c in cases:
        per_op[c["op"]] = per_op.get(c["op"], 0) + 1
    core = ("swap_shots", "delete_shots", "move_shot", "merge_shots", "split_shot", "insert_shot", "write_shots",
            "write_section", "set_rule", "undo", "ask", "look")
    assert all(per_op.get(op, 0) >= 4 for op in core), per_op


def test_the_runner_prints_both_splits_with_and_without_the_classifier(capsys):
    code = main([])
    out = capsys.readouterr().out
    for split in splits_present():
        assert f"requests {split} (rules only    ):" in out and f"requests {split} (rules + MiniLM):" in out
        assert f"MiniLM alone on {split}" in out
    assert ("heldout" in splits_present()) != ("requests heldout: no evals/requests/heldout.yaml" in out)
    assert code == (1 if "FAIL" in out else 0) and "wrong silent changes" in out


def test_the_judge_reads_one_place_however_it_is_named_and_a_swap_in_either_order():
    from assistant.edit_requests import Reading
    from evals.requests_eval import judge, project
    from shotlist.operations import parse

    proj = project()  # the bank's song: the bridge is shots 19-22, the last chorus 23-26

    def outcome(args: dict, op: str, **label):
        return judge({"text": "t", "op": op, "args": label}, Reading(op=parse(op, args)), proj)

    same = [({"words": "keys", "after": "18"}, {"before": 19}), ({"words": "keys", "before": "19"}, {"after": 18}),
            ({"words": "keys", "before_section": "bridge"}, {"after": 18}),
            ({"words": "keys", "after_section": "bridge"}, {"before_section": "last chorus"})]
    for args, label in same:
        assert outcome(args, "insert_shot", **label).right, (args, label)
    wrong = outcome({"words": "keys", "after": "19"}, "insert_shot", before=19)
    assert not wrong.right and wrong.wrong_change  # one shot off is a wrong change, not the same place
    assert outcome({"shot": "3", "after": "5"}, "move_shot", shot=3, before=6).right
    assert outcome({"first": "4", "second": "3"}, "swap_shots", first=3, second=4).right
    assert not outcome({"first": "4", "second": "5"}, "swap_shots", first=3, second=4).right
