import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import prm

PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def _reference(steps, outcomes, aggregate):
    """Re-typed from the papers: Lightman et al. 2023 (§2.6: the product of the per-step probabilities of being
    correct), Math-Shepherd / OpenR (the minimum over steps); rank by score, stable."""
    score = {"prod": math.prod, "min": min, "last": lambda s: s[-1]}[aggregate]
    prm_scores = [score(s) for s in steps]
    by = lambda xs: sorted(range(len(xs)), key=lambda i: -xs[i])  # noqa: E731  (sorted is stable)
    return prm_scores, by(prm_scores), by(outcomes)


def test_flawed_step_with_right_answer_is_ranked_first_by_orm_only():
    lucky, sound = [0.95, 0.12, 0.70, 0.85], [0.96, 0.93, 0.90, 0.94]
    out = prm.rank(step_scores=[lucky, sound], outcome_scores=[0.91, 0.88])
    assert out["orm_best"] == 0 and out["prm_best"] == 1 and out["agree"] is False
    assert out["prm"] == pytest.approx([0.12, 0.90])
    assert out["prm_prod"] == pytest.approx([0.95 * 0.12 * 0.70 * 0.85, 0.96 * 0.93 * 0.90 * 0.94])
    assert out["weakest"] == [1, 2] and out["first_error"] == [1, -1]
    assert out["all_steps"] == lucky + sound and out["all_accepted"] == [True, False, True, True] + [True] * 4


@PROPS
@given(st.lists(st.lists(st.floats(0, 1), min_size=1, max_size=6), min_size=1, max_size=5),
       st.sampled_from(["min", "prod", "last"]), st.data())
def test_matches_the_papers_aggregates(steps, aggregate, data):
    outcomes = data.draw(st.lists(st.floats(-3, 3), min_size=len(steps), max_size=len(steps)))
    out = prm.rank(step_scores=steps, outcome_scores=outcomes, aggregate=aggregate)
    scores, prm_rank, orm_rank = _reference(steps, outcomes, aggregate)
    assert out["prm"] == pytest.approx(scores, abs=1e-12)
    assert out["prm_ranking"] == prm_rank and out["orm_ranking"] == orm_rank


@pytest.mark.parametrize("kwargs, message", [
    ({"step_scores": [[0.5]], "outcome_scores": [0.1, 0.2]}, "one entry per solution"),
    ({"step_scores": [[1.5]], "outcome_scores": [0.1]}, "probabilities"),
    ({"step_scores": [[]], "outcome_scores": [0.1]}, "at least one step"),
    ({"step_scores": [[0.5]], "outcome_scores": [0.1], "aggregate": "mean"}, "aggregate"),
])
def test_bad_input_is_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        prm.rank(**kwargs)


def _tree(data, depth=3):
    """A random step tree of the given depth (every leaf at that depth), scores on a coarse grid, ids n0, n1, …"""
    nodes, frontier = {"q": {"children": []}}, ["q"]
    for _ in range(depth):
        nxt = []
        for p in frontier:
            for _ in range(data.draw(st.integers(1, 3))):
                cid = f"n{len(nodes)}"
                nodes[cid] = {"score": data.draw(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9])), "children": []}
                nodes[p]["children"].append(cid)
                nxt.append(cid)
        frontier = nxt
    return nodes


def _leaf_paths(nodes, nid="q", path=()):
    kids = nodes[nid]["children"]
    if not kids:
        yield path
    for c in kids:
        yield from _leaf_paths(nodes, c, path + (c,))


@PROPS
@given(st.data(), st.sampled_from(["min", "prod"]))
def test_wide_beam_finds_the_best_leaf_by_exhaustive_search(data, aggregate):
    nodes = _tree(data)
    agg = {"min": min, "prod": math.prod}[aggregate]
    best = max(agg(nodes[c]["score"] for c in p) for p in _leaf_paths(nodes))
    out = prm.step_beam(nodes=nodes, root="q", beams=len(nodes), aggregate=aggregate)
    assert out["best_score"] == pytest.approx(best) and out["pruned"] == [] and out["path"][0] == "q"
    assert agg(nodes[c]["score"] for c in out["path"][1:]) == pytest.approx(best)


@PROPS
@given(st.data(), st.integers(1, 3))
def test_product_beam_matches_token_beam_search(data, beams):
    """With the product aggregate and every leaf at one depth, step beam search is beam search over a
    next-token table with the step scores as probabilities (decoding.beam_search, checked against HF)."""
    from compute import decoding

    nodes = _tree(data)

    def table(nid):  # a third of each score, so siblings' probabilities sum to at most 1; order is kept
        return {c: {"p": nodes[c]["score"] / 3, **({"next": table(c)} if nodes[c]["children"] else {})}
                for c in nodes[nid]["children"]}

    ref = decoding.beam_search(tree=table("q"), beams=beams, steps=3, length_penalty=0.0, eos="")
    out = prm.step_beam(nodes=nodes, root="q", beams=beams, aggregate="prod")
    assert out["best_score"] / 27 == pytest.approx(math.exp(ref["sequences"][0]["logprob"]))
    for d, step in zip(out["depths"], ref["steps"], strict=True):  # the same kept scores at every depth
        ours = [s for s, k in zip(d["scores"], d["kept"], strict=True) if k]
        theirs = [k["cumulative"] * 3 ** d["depth"] for k in step["kept"]]
        assert sorted(ours) == pytest.approx(sorted(theirs))


def test_step_beam_prunes_and_marks_the_unexplored():
    nodes = {"q": {"children": ["a", "b", "c"]}, "a": {"score": 0.2, "children": ["a1"]}, "a1": {"score": 0.9},
             "b": {"score": 0.8, "children": ["b1"]}, "b1": {"score": 0.6}, "c": {"score": 0.7}}
    out = prm.step_beam(nodes=nodes, root="q", beams=2)
    assert out["pruned"] == ["a"] and out["unexplored"] == ["a1"] and out["pruned_paths"] == [["q", "a"]]
    assert out["finished"] == ["c", "b1"] and out["best"] == "c" and out["path"] == ["q", "c"]
    assert [d["chosen"] for d in out["depths"]] == [1, -1]
    with pytest.raises(ValueError, match="needs a score"):
        prm.step_beam(nodes={"q": {"children": ["a"]}, "a": {}}, root="q")
    with pytest.raises(ValueError, match="two parents"):
        prm.step_beam(nodes={"q": {"children": ["a", "a"]}, "a": {"score": 0.5}}, root="q")
