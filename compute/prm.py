"""Outcome vs process reward models: score a solution by its final answer (ORM) or by every step (PRM).

A PRM gives each reasoning step the probability that it is correct; a solution's PRM score aggregates
them. Conventions: `prod` is the probability that every step is correct (Lightman et al. 2023, "Let's
Verify Step by Step"), `min` the weakest step (Wang et al. 2024, Math-Shepherd; OpenR), `last` the last
step's score. An ORM gives one score per solution, read from its final answer. Rankings are by
descending score, ties to the earlier solution.
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable

Aggregate = Literal["min", "prod", "last"]


def _ranking(scores: np.ndarray) -> list[int]:
    return [int(i) for i in np.argsort(-scores, kind="stable")]


def rank(step_scores: list[list[float]], outcome_scores: list[float], aggregate: Aggregate = "min",
         threshold: float = 0.5) -> dict:
    """Rank solutions by an ORM (one outcome score each) and by a PRM (per-step scores, aggregated).

    Returns:
        orm: the outcome scores.
        orm_ranking: solution indices by descending ORM score.
        orm_best: the ORM's first solution.
        prm: each solution's PRM score, aggregated by `aggregate`.
        prm_ranking: solution indices by descending PRM score.
        prm_best: the PRM's first solution.
        prm_min: the weakest step's score, per solution.
        prm_prod: the product of the step scores, per solution.
        weakest: per solution, the index of its lowest-scored step (first on ties).
        first_error: per solution, the first step scored below `threshold` (−1 when none).
        agree: whether ORM and PRM put the same solution first.
        all_steps: every step score, solution after solution (for one chart).
        all_accepted: whether each of `all_steps` is ≥ `threshold`.
    """
    if not step_scores or len(step_scores) != len(outcome_scores):
        raise ValueError("step_scores and outcome_scores must be non-empty and give one entry per solution")
    steps = [arr(s, f"step_scores[{i}]", ndim=1) for i, s in enumerate(step_scores)]
    orm = arr(outcome_scores, "outcome_scores", ndim=1)
    for i, s in enumerate(steps):
        if s.size == 0:
            raise ValueError(f"step_scores[{i}] must have at least one step")
        if np.any((s < 0) | (s > 1)):
            raise ValueError(f"step_scores[{i}] must be probabilities in [0, 1]")
    if aggregate not in ("min", "prod", "last"):
        raise ValueError(f"aggregate must be min, prod or last, got {aggregate!r}")
    mins = np.array([s.min() for s in steps])
    prods = np.array([s.prod() for s in steps])
    prm = {"min": mins, "prod": prods, "last": np.array([s[-1] for s in steps])}[aggregate]
    first_error = [int(np.argmax(s < threshold)) if np.any(s < threshold) else -1 for s in steps]
    orm_rank, prm_rank = _ranking(orm), _ranking(prm)
    return jsonable({"orm": orm, "orm_ranking": orm_rank, "orm_best": orm_rank[0],
                     "prm": prm, "prm_ranking": prm_rank, "prm_best": prm_rank[0],
                     "prm_min": mins, "prm_prod": prods, "weakest": [int(np.argmin(s)) for s in steps],
                     "first_error": first_error, "agree": orm_rank[0] == prm_rank[0],
                     "all_steps": np.concatenate(steps), "all_accepted": np.concatenate(steps) >= threshold})
