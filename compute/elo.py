"""Elo ratings: the expected score of one player against another from their rating difference."""

from __future__ import annotations

import numpy as np

from compute._common import arr, jsonable


def expected_score(ratings: list[float], opponents: list[float], scale: float = 400.0) -> dict:
    """Expected score of each player against its opponent: 1 / (1 + 10^(−(R_a − R_b)/scale)) (Elo's logistic).

    Returns:
        difference: R_a − R_b for each pair.
        expected: the expected score (win probability when draws are impossible, as in Go).
    """
    a, b = arr(ratings, "ratings", ndim=1), arr(opponents, "opponents", ndim=1)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("ratings and opponents must be non-empty lists of the same length")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    d = a - b
    return jsonable({"difference": d, "expected": 1.0 / (1.0 + np.power(10.0, -d / scale))})
