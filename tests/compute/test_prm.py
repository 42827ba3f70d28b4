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
