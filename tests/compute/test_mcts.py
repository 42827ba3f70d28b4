import math

import pytest

from compute import mcts

TREE = {
    "S1": {"children": ["S2-1", "S2-2"]},
    "S2-1": {"children": ["S3-1", "S3-2"], "prior": 0.6},
    "S2-2": {"value": 30.0, "prior": 0.4},
    "S3-1": {"value": 10.0, "prior": 0.5},
    "S3-2": {"children": ["S4-1", "S4-2"], "prior": 0.5},
    "S4-1": {"value": 20.0},
    "S4-2": {"value": 0.0},
}


def test_puct_scores_hand_computed():
    nodes = {"r": {"children": ["a", "b", "c"], "visits": 10},
             "a": {"prior": 0.5, "visits": 4, "total_value": 2.0, "value": 0.0},
             "b": {"prior": 0.3, "visits": 5, "total_value": 3.5, "value": 0.0},
             "c": {"prior": 0.2, "visits": 0, "value": 0.0}}
    out = mcts.scores(nodes=nodes, parent="r", rule="puct", c=1.5)
    s10 = math.sqrt(10)
    assert out["q"] == pytest.approx([0.5, 0.7, 0.0])
    assert out["u"] == pytest.approx([1.5 * 0.5 * s10 / 5, 1.5 * 0.3 * s10 / 6, 1.5 * 0.2 * s10 / 1])
    assert out["selected"] == "a"  # 0.5 + 0.4743 = 0.9743 > c 0.9487 > b 0.7 + 0.2372


def test_uct_scores_hand_computed_and_unvisited_first():
    nodes = {"r": {"children": ["a", "b"], "visits": 9},
             "a": {"visits": 3, "total_value": 2.0, "value": 0.0},
             "b": {"visits": 6, "total_value": 5.0, "value": 0.0}}
    out = mcts.scores(nodes=nodes, parent="r", rule="uct", c=math.sqrt(2))
    ln9 = math.log(9)
    assert out["score"] == pytest.approx([2 / 3 + math.sqrt(2 * ln9 / 3), 5 / 6 + math.sqrt(2 * ln9 / 6)])
    assert out["selected"] == "a"
    nodes["c"] = {"value": 0.0}
    nodes["r"]["children"].append("c")
    assert mcts.scores(nodes=nodes, parent="r", rule="uct")["selected"] == "c"


def test_run_traces_the_four_phases():
    out = mcts.run(nodes=TREE, root="S1", simulations=3, c_puct=1.0, seed=0)
    it1, it2 = out["iterations"][0], out["iterations"][1]
    assert it1["path"] == ["S1"] and it1["expanded"] == "S1"  # the unvisited root is evaluated first
    assert it1["rollout_path"][0] == "S1" and it1["rollout_path"][-1] in {"S2-2", "S3-1", "S4-1", "S4-2"}
    # second iteration: N(S1) = 1, PUCT picks the larger prior S2-1 (both Q = 0)
    assert it2["path"] == ["S1", "S2-1"] and it2["selection"][0]["selected"] == "S2-1"
    assert [b["node"] for b in it2["backup"]] == ["S2-1", "S1"]
    assert out["final"]["S1"]["N"] == 3


def test_run_backup_from_given_statistics():
    # the original "MCTS run" diagram: root V=50, N=9 → V=70, N=10 after a rollout worth 20
    nodes = {"S1": {"children": ["S2-1", "S2-2"], "visits": 9, "total_value": 50.0},
             "S2-1": {"children": ["S3-1", "S3-2"], "visits": 3, "total_value": 20.0},
             "S2-2": {"visits": 6, "total_value": 30.0, "value": 5.0},
             "S3-1": {"visits": 1, "total_value": 10.0, "children": ["S4-1"]},
             "S3-2": {"visits": 1, "total_value": 0.0, "value": 0.0},
             "S4-1": {"value": 20.0}}
    out = mcts.run(nodes=nodes, root="S1", simulations=1, rule="uct", c_puct=1.0)
    it = out["iterations"][0]
    # UCT at S1: S2-1 20/3 + sqrt(ln 9/3) = 7.52 > S2-2 30/6 + sqrt(ln 9/6) = 5.61; at S2-1: S3-1 (Q 10) wins
    assert it["path"] == ["S1", "S2-1", "S3-1", "S4-1"] and it["expanded"] == "S4-1"
    assert it["rollout_value"] == 20.0
    assert out["final"]["S1"] == {"N": 10, "W": 70.0, "Q": 7.0}
    assert (out["final"]["S2-1"]["W"], out["final"]["S2-1"]["N"]) == (40.0, 4)
    assert (out["final"]["S3-1"]["W"], out["final"]["S3-1"]["N"]) == (30.0, 2)
    assert (out["final"]["S4-1"]["W"], out["final"]["S4-1"]["N"]) == (20.0, 1)


def test_run_is_deterministic_given_seed_and_conserves_visits():
    a = mcts.run(nodes=TREE, root="S1", simulations=50, seed=3)
    b = mcts.run(nodes=TREE, root="S1", simulations=50, seed=3)
    assert a == b
    f = a["final"]
    assert f["S1"]["N"] == 50
    assert f["S2-1"]["N"] + f["S2-2"]["N"] == 49  # the first visit evaluated the root itself
    assert sum(a["root_policy"]) == pytest.approx(1.0)


def test_alternate_flips_the_sign_each_ply():
    nodes = {"r": {"children": ["a"], "visits": 1}, "a": {"value": 1.0, "prior": 1.0}}
    out = mcts.run(nodes=nodes, root="r", simulations=1, alternate=True)
    assert out["final"]["a"]["W"] == 1.0 and out["final"]["r"]["W"] == -1.0


def test_bad_trees_are_refused():
    with pytest.raises(ValueError, match="needs a value"):
        mcts.run(nodes={"r": {"children": ["a"]}, "a": {}}, root="r")
    with pytest.raises(ValueError, match="not a node"):
        mcts.run(nodes={"r": {"children": ["x"]}}, root="r")
