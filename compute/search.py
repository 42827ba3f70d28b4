"""Inference-time selection: best-of-N by reward, majority vote (self-consistency), exhaustive search size."""

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
