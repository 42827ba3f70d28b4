"""Reward-model training: the Bradley–Terry pairwise loss (TRL RewardTrainer)."""

import numpy as np

from compute._common import arr, jsonable, log_sigmoid, sigmoid


def bradley_terry_loss(chosen_scores: list[float], rejected_scores: list[float], margin: float = 0.0) -> dict:
    """Pairwise reward-model loss −log σ(r_chosen − r_rejected − margin), averaged over the pairs.

    Returns:
        loss: mean over pairs.
        losses: per pair.
        prob_chosen: σ(r_chosen − r_rejected), the modelled P(chosen ≻ rejected).
        accuracy: fraction of pairs where r_chosen > r_rejected.
    """
    c, r = arr(chosen_scores, "chosen_scores", 1), arr(rejected_scores, "rejected_scores", 1)
    if c.shape != r.shape or c.size == 0:
        raise ValueError("chosen_scores and rejected_scores must be non-empty and of the same length")
    diff = c - r
    per = -log_sigmoid(diff - margin)
    return jsonable({"loss": per.mean(), "losses": per, "prob_chosen": sigmoid(diff),
                     "accuracy": float(np.mean(diff > 0))})
