import decimal
import itertools
import math

import numpy as np
import pytest
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


@pytest.mark.parametrize(("vocab", "length"), [(3, 1), (3, 3), (4, 5), (10, 2)])
def test_exhaustive_growth_counts_an_enumerated_tree(vocab, length):
    """Leaves and inner nodes of the full tree, enumerated with itertools, match V^L and the model calls."""
    leaves = list(itertools.product(range(vocab), repeat=length))
    prefixes = {seq[:k] for seq in leaves for k in range(length)}  # every inner node, the empty prompt included
    out = search.exhaustive_growth(vocab=vocab, lengths=[length])
    assert out["sequences"][0]["exact"] == len(leaves)
    assert out["calls"][0]["exact"] == len(prefixes)


@pytest.mark.parametrize("length", [1, 2, 5, 10, 20, 64])
def test_exhaustive_growth_scientific_form_matches_decimal(length):
    """V^L ≈ m × 10^e and log10(V^L), checked against Decimal arithmetic at 60 digits (Qwen2.5's vocabulary)."""
    vocab = 151936
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        n = decimal.Decimal(vocab) ** length
        calls = (n - 1) / (decimal.Decimal(vocab) - 1)  # geometric series 1 + V + … + V^(L−1)
        want = [(float(x.scaleb(-x.adjusted())), x.adjusted(), float(x.log10())) for x in (n, calls)]
    out = search.exhaustive_growth(vocab=vocab, lengths=[length])
    for got, (m, e, lg) in zip((out["sequences"][0], out["calls"][0]), want, strict=True):
        assert got["exponent"] == e
        assert got["mantissa"] == pytest.approx(m, rel=1e-12)
        assert got["log10"] == pytest.approx(lg, rel=1e-12)
    assert out["log10_per_token"] == pytest.approx(math.log10(vocab))
    assert out["sequences"][0]["exact"] == (vocab**length if vocab**length < 10**15 else None)


def test_exhaustive_growth_rejects_bad_sizes():
    with pytest.raises(ValueError):
        search.exhaustive_growth(vocab=0, lengths=[1])
    with pytest.raises(ValueError):
        search.exhaustive_growth(vocab=10, lengths=[65])
