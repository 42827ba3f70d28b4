"""Inference-time selection: best-of-N by reward, majority vote (self-consistency), exhaustive search size."""

import math
from fractions import Fraction

import numpy as np

from compute._common import arr, jsonable


def best_of_n(candidates: list[str], scores: list[float]) -> dict:
    """Best-of-N: pick the candidate with the highest reward-model score (ties: the first one).

    Returns:
        winner: the chosen candidate.
        winner_index: its index.
        ranking: candidate indices by descending score (stable on ties).
    """
    sc = arr(scores, "scores", ndim=1)
    if sc.size != len(candidates) or sc.size == 0:
        raise ValueError("candidates and scores must be non-empty and of the same length")
    i = int(np.argmax(sc))
    return jsonable({"winner": candidates[i], "winner_index": i, "ranking": np.argsort(-sc, kind="stable")})


def majority_vote(answers: list[str]) -> dict:
    """Majority vote over final answers (self-consistency); ties go to the answer seen first.

    Returns:
        winner: the most frequent answer.
        winner_votes: how many answers agree with it.
        answers: the distinct answers, in first-seen order.
        votes: the count of each distinct answer (aligned with `answers`).
        tally: {answer: count}, in first-seen order.
    """
    if not answers:
        raise ValueError("answers must not be empty")
    tally: dict[str, int] = {}
    for a in answers:
        tally[a] = tally.get(a, 0) + 1
    winner = max(tally, key=lambda a: tally[a])  # max keeps the first of equal counts (dict order)
    return jsonable({"winner": winner, "winner_votes": tally[winner], "answers": list(tally),
                     "votes": list(tally.values()), "tally": tally})


def exhaustive(branching: int, depth: int) -> dict:
    """Size of exhaustive search: branching^layer sequences at each layer (vocabulary^length).

    Returns:
        per_layer: number of sequences at layers 1..depth.
        total: number of nodes over all layers.
    """
    if branching < 1 or not 1 <= depth <= 64:
        raise ValueError("branching must be >= 1 and depth in [1, 64]")
    per = [branching ** d for d in range(1, depth + 1)]
    return jsonable({"per_layer": per, "total": sum(per)})


def _sci(n: int) -> tuple[float, int]:
    """A positive integer as (mantissa, exponent) with n = mantissa × 10^exponent, 1 ≤ mantissa < 10."""
    exponent = len(str(n)) - 1
    return float(Fraction(n, 10**exponent)), exponent


def _size(n: int) -> dict:
    """One count as log10, mantissa/exponent and (below 10^15) the exact integer."""
    mantissa, exponent = _sci(n)
    return {"log10": math.log10(mantissa) + exponent, "mantissa": mantissa, "exponent": exponent,
            "exact": n if n < 10**15 else None}


def exhaustive_growth(vocab: int, lengths: list[int]) -> dict:
    """Cost of exhaustive search over answers of length L with a vocabulary of V tokens.

    Sequences: V^L, the leaves of the full search tree. Model calls: one forward pass per prefix of length
    0 … L − 1 (every inner node of the tree gives the next-token distribution of its children),
    1 + V + … + V^(L−1).

    Returns:
        lengths: the lengths L, as given.
        sequences: per length {log10, mantissa, exponent, exact}: V^L ≈ mantissa × 10^exponent, log10(V^L),
            and V^L itself when below 10^15 (else null).
        calls: per length, the same for the number of model calls.
        log10_sequences: log10(V^L) per length (bar heights of a log-scale chart).
        log10_per_token: log10 V, the number of decimal digits each extra token adds.
    """
    if not 1 <= vocab <= 10**7:
        raise ValueError("vocab must be in [1, 10^7]")
    if not 1 <= len(lengths) <= 32 or any(not 1 <= n <= 64 for n in lengths):
        raise ValueError("lengths must be 1 to 32 lengths, each in [1, 64]")
    seqs = [_size(vocab**n) for n in lengths]
    calls = [_size(sum(vocab**k for k in range(n))) for n in lengths]
    return jsonable({"lengths": list(lengths), "sequences": seqs, "calls": calls,
                     "log10_sequences": [s["log10"] for s in seqs], "log10_per_token": math.log10(vocab)})
