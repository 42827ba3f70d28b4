"""Reward signals beyond hard human labels: soft AI-feedback preferences (RLAIF) and rule-based rewards (RBR)."""

import numpy as np

from compute._common import arr, jsonable, log_sigmoid, sigmoid


def soft_label_loss(scores_a: list[float], scores_b: list[float], prefs: list[float]) -> dict:
    """Reward-model loss on soft preferences p = P(a ≻ b): −[p·log σ(r_a − r_b) + (1 − p)·log σ(r_b − r_a)].

    A hard human label is p = 1 (the Bradley–Terry loss); an AI labeller's probability (RLAIF, Lee et al.
    2023: the softmax of its log-probabilities of answering "1" or "2") is a soft p between 0 and 1.

    Returns:
        loss: mean over pairs.
        losses: per pair.
        prob_a: σ(r_a − r_b), the reward model's P(a ≻ b).
        grad_a: ∂loss_i/∂r_a = σ(r_a − r_b) − p per pair (∂/∂r_b is its negative).
    """
    a, b, p = arr(scores_a, "scores_a", 1), arr(scores_b, "scores_b", 1), arr(prefs, "prefs", 1)
    if not (a.shape == b.shape == p.shape) or a.size == 0:
        raise ValueError("scores_a, scores_b and prefs must be non-empty and of the same length")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("prefs must be probabilities in [0, 1]")
    diff = a - b
    per = -(p * log_sigmoid(diff) + (1 - p) * log_sigmoid(-diff))
    return jsonable({"loss": per.mean(), "losses": per, "prob_a": sigmoid(diff), "grad_a": sigmoid(diff) - p})


def rule_based(rm_score: float, features: list[float], weights: list[float]) -> dict:
    """OpenAI's rule-based reward (Mu et al. 2024): R = R_rm + Σ_i w_i·φ_i, φ_i the graded propositions.

    Each feature φ_i is a grader LLM's probability that a proposition holds for the response (e.g. "refuses",
    "is judgmental"); the RBR is linear in them, and its score is added to the helpful-only reward model's.

    Returns:
        contributions: w_i·φ_i per feature.
        rbr: Σ_i w_i·φ_i, the rule-based score.
        total: rm_score + rbr, the reward used in RL.
    """
    phi, w = arr(features, "features", 1), arr(weights, "weights", 1)
    if phi.shape != w.shape or phi.size == 0:
        raise ValueError("features and weights must be non-empty and of the same length")
    if np.any(phi < 0) or np.any(phi > 1):
        raise ValueError("features must be probabilities in [0, 1]")
    rm = float(arr([rm_score], "rm_score", 1)[0])
    contrib = w * phi
    rbr = float(contrib.sum())
    return jsonable({"contributions": contrib, "rbr": rbr, "total": rm + rbr})
