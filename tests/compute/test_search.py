import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import search

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def test_majority_vote_catalogue_example():
    answers = ["9.12 < 9.9", "9.12 > 9.9", "9.12 < 9.9", "9.12 > 9.9", "9.12 < 9.9"]
    out = search.majority_vote(answers=answers)
    assert out["winner"] == "9.12 < 9.9" and out["winner_votes"] == 3
    assert out["tally"] == {"9.12 < 9.9": 3, "9.12 > 9.9": 2}


@PROPS
@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=20))
def test_majority_vote_agrees_with_counter_most_common(answers):
    from collections import Counter

    winner, votes = Counter(answers).most_common(1)[0]  # ties: first seen, like ours
    out = search.majority_vote(answers=answers)
    assert (out["winner"], out["winner_votes"]) == (winner, votes)


@PROPS
@given(st.lists(st.sampled_from([0.0, 1.0, 2.5, 3.0]), min_size=1, max_size=10))
def test_best_of_n_is_first_argmax(scores):
    out = search.best_of_n(candidates=[f"c{i}" for i in range(len(scores))], scores=scores)
    assert out["winner_index"] == int(np.argmax(scores))
    assert out["ranking"][0] == out["winner_index"]


def test_exhaustive_growth():
    assert search.exhaustive(branching=10, depth=3) == {"per_layer": [10, 100, 1000], "total": 1110}
