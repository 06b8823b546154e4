"""The MiniLM classifier of a request's operation kind: exemplars and margins come from the dev split alone
(the shipped file is what the eval writes from it); it acts only when sure and only on kinds whose arguments
are the shots named; and where it is sure of another kind than the rules read, guided mode asks instead of
changing anything. (Requests here are written for this test, not taken from the bank.)"""

from __future__ import annotations

import pytest
import yaml

from assistant.edit_requests import read_request
from assistant.request_kinds import Kinds, classify, doubt, guess_kind, shipped
from evals.requests_eval import HERE, project
from shotlist.operations.history import Undo
from shotlist.operations.shots import DeleteShots, MergeShots, SwapShots


@pytest.fixture(scope="module")
def proj():
    return project()


def test_the_exemplars_and_margins_are_written_from_dev_only():
    from evals.requests_eval import cases_of
    from evals.requests_kinds import author_splits, fit

    dev = cases_of("dev")  # dev.yaml and extra/*.yaml
    kinds = shipped()
    assert list(zip(kinds.texts, kinds.kinds)) == [(c["text"], c["op"]) for c in dev]
    assert sum(len(cs) for cs in author_splits().values()) == len(dev) and len(author_splits()) >= 5
    fitted = fit(dev)  # regenerate: python -m evals.requests_eval --write-exemplars
    written = yaml.safe_load((HERE.parent.parent / "prompts" / "guided" / "exemplars.yaml").read_text())
    # refitted here, MiniLM's float noise (thread counts and batches differ between runs) moves the margins a little:
    # act 0.767 shipped, 0.768 refitted in CI; the doubt margin (switched off, kept for the record) 0.734 and 0.730
    assert kinds.act == pytest.approx(fitted.act, abs=0.0015) and 0 < kinds.act <= 1
    assert written["doubt_fitted"] == pytest.approx(fitted.doubt, abs=0.01)
    assert kinds.doubt == float("inf")  # switched off: see assistant/request_kinds.py


# written for this test before the classifier was run on them; two it gets wrong ('take back what you just did'
# and the French one: 'ask' first, the right kind second): kept, and the rate asserted, not the list trimmed
UNSEEN = [("could we trade places between shots 8 and 15", "swap_shots"),
          ("bin number 17, nobody will miss it", "delete_shots"),
          ("glue 4 and 5 into a single take", "merge_shots"),
          ("chop shot 9 down the middle into two", "split_shot"),
          ("take back what you just did", "undo"),
          ("which of these shots is the weakest one", "weakest_shots"),
          ("no tilted camera anywhere in the video please", "set_rule"),
          ("echange le 3 et le 4", "swap_shots")]


def test_the_classifier_names_the_kind_of_most_requests_it_never_saw():
    missed = [(text, kind, guess_kind(text).kind) for text, kind in UNSEEN if guess_kind(text).kind != kind]
    assert len(missed) <= 2, missed


def test_it_acts_only_when_sure_and_builds_the_operation_from_the_named_shots(proj):
    loose = Kinds(shipped().texts, shipped().kinds, act=-1.0, doubt=1.0)
    assert classify("kill shots 11 and 12", proj, kinds=loose).op == DeleteShots(shots=["11", "12"])
    assert classify("swap shots 3 and 4", proj, kinds=loose).op == SwapShots(first="3", second="4")
    assert classify("merge shots 3 and 4", proj, kinds=loose).op == MergeShots(first="3", last="4")
    assert classify("undo that", proj, kinds=loose).op == Undo()
    strict = Kinds(shipped().texts, shipped().kinds, act=1.0, doubt=1.0)
    assert classify("kill shots 11 and 12", proj, kinds=strict) is None  # not sure enough: the caller asks
    assert classify("add a shot of the kettle before shot 3", proj, kinds=loose) is None  # needs words and a place
    asked = classify("delete shot 45", proj, kinds=Kinds(DELETES.texts, DELETES.kinds, act=-1.0))
    assert asked.op is None and "45" in asked.ask and "Nothing changed" in asked.ask
    g = guess_kind("kill shots 11 and 12")
    assert g.kind == "delete_shots" and 0 <= g.margin <= g.score <= 1.0001 and g.runner_up != g.kind


# a classifier that has only ever seen deletes and looks
DELETES = Kinds(("delete shot 4", "remove shot 9", "get rid of shots 2 and 3", "lose the last shot", "cut shot 12",
                 "make 5 colder", "warmer please", "make shot 2 darker", "brighter in shot 8", "closer on 3"),
                ("delete_shots",) * 5 + ("look",) * 5, act=0.0, doubt=0.0)
# one taught that 'swap' wording means a delete: it disagrees with the rules on every swap
CROSSED = Kinds(("swap shots 4 and 5", "swap 2 and 3", "switch shots 9 and 10", "swap 1 with 2", "swap the last two",
                 "the order feels off", "rearrange them", "shuffle the sequence", "wrong order here", "mix them up"),
                ("delete_shots",) * 5 + ("swap_shots",) * 5, act=0.0, doubt=0.0)


def test_where_the_classifier_and_the_rules_disagree_it_asks_and_offers_both(proj):
    reading = read_request("swap shots 6 and 7", proj)
    assert reading.op == SwapShots(first="6", second="7")
    agreeing = Kinds(shipped().texts, shipped().kinds, act=1.0, doubt=0.0)  # the shipped exemplars, doubt on
    assert doubt("swap shots 6 and 7", "swap_shots", proj, kinds=agreeing) is None  # it agrees: no question
    asked = doubt("swap shots 6 and 7", "swap_shots", proj, kinds=CROSSED)
    assert asked is not None and asked.op is None
    assert "\u201cswap shots 6 and 7\u201d" in asked.ask and "nothing changed" in asked.ask
    assert "swap 6 and 7" in asked.ask and "delete shots 6, 7" in asked.ask  # both readings, for those shots
    unsure = Kinds(CROSSED.texts, CROSSED.kinds, act=0.0, doubt=1.01)  # no margin reaches it: the rules stand
    assert doubt("swap shots 6 and 7", "swap_shots", proj, kinds=unsure) is None
    few = Kinds(CROSSED.texts[1:], CROSSED.kinds[1:], act=0.0, doubt=0.0)  # four deletes: a kind it has not learned
    assert doubt("swap shots 6 and 7", "swap_shots", proj, kinds=few) is None
    assert doubt("what's the weakest shot", "weakest_shots", proj, kinds=DELETES) is None  # an answer changes nothing


def test_guided_asks_and_changes_nothing_when_the_classifier_doubts_the_rules(tmp_path, monkeypatch):
    from assistant import guided
    from assistant.conversation import Conversation
    from assistant.tools import ProjectTools
    from planned import planned_project

    store, pid = planned_project(tmp_path)
    d = guided.GuidedDirector(ProjectTools(store, pid, run_critic=False),
                              Conversation(store.folder(pid) / "chat.jsonl"))
    before = store.load(pid)
    monkeypatch.setattr("assistant.request_kinds.shipped", lambda: CROSSED)
    reply = list(d.turn("swap shots 2 and 3"))[-1]
    after = store.load(pid)
    assert reply.text.startswith("I'm not sure what") and after.version == before.version
    assert [s.id for s in after.shots] == [s.id for s in before.shots]
    monkeypatch.undo()
    reply = list(d.turn("swap shots 2 and 3"))[-1]  # the shipped classifier agrees: swapped
    after = store.load(pid)
    assert after.version == before.version + 1 and [s.id for s in after.shots][1:3] == [before.shots[2].id,
                                                                                       before.shots[1].id]


def test_guided_asks_when_neither_the_rules_nor_the_classifier_are_sure(tmp_path):
    from assistant.conversation import Conversation
    from assistant.guided import GuidedDirector
    from assistant.tools import ProjectTools
    from planned import planned_project

    store, pid = planned_project(tmp_path)
    d = GuidedDirector(ProjectTools(store, pid, run_critic=False), Conversation(store.folder(pid) / "chat.jsonl"))
    before = store.load(pid).version
    reply = list(d.turn("shot 5 has to go somewhere else i think"))[-1]
    assert reply.text.startswith("I didn't understand") and store.load(pid).version == before
