"""Direct Preference Optimisation: losses, implicit rewards, gradient weights and the β-tilted optimal policy.

Conventions follow TRL 1.16 `DPOTrainer._compute_loss`: log-probs are sums over completion tokens;
chosen/rejected log-ratios are policy − reference; Δ = chosen log-ratio − rejected log-ratio;
sigmoid loss −log σ(βΔ), hinge relu(1 − βΔ), IPO (Δ_avg − 1/(2β))² with per-token-averaged log-ratios;
implicit rewards β·log-ratio. The DPO paper's gradient (Rafailov et al. 2023, eq. 7) scales
∇log π(y_w) − ∇log π(y_l) by β·σ(r̂_l − r̂_w) = β·σ(−βΔ).
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable, log_sigmoid, sigmoid


def loss(policy_chosen_logps: list[float], policy_rejected_logps: list[float], ref_chosen_logps: list[float],
         ref_rejected_logps: list[float], beta: float = 0.1,
         kind: Literal["sigmoid", "ipo", "hinge"] = "sigmoid",
         chosen_lengths: list[int] | None = None, rejected_lengths: list[int] | None = None) -> dict:
    """DPO loss over a batch of preference pairs, with implicit rewards and the per-pair gradient weight.

    `grad_weight` is −(∂loss_i/∂Δ_i)/β: σ(−βΔ) = σ(β(r_l − r_w)) for sigmoid, 1[βΔ < 1] for hinge,
    −2(Δ_avg − 1/(2β))/β for IPO (with respect to Δ_avg). IPO divides each log-ratio by its completion
    length (lengths default to 1, i.e. the log-probs are taken as already averaged).

    Returns:
        loss: mean over pairs.
        losses: per pair.
        chosen_reward: β·(policy − ref) log-prob of the chosen answer, per pair.
        rejected_reward: β·(policy − ref) log-prob of the rejected answer, per pair.
        margin: chosen_reward − rejected_reward, per pair.
        accuracy: fraction of pairs with chosen_reward > rejected_reward.
        delta: Δ per pair (Δ_avg for IPO).
        grad_weight: per pair, the factor scaling the gradient (see above).
    """
    pc, pr, rc, rr = (arr(x, n, 1) for x, n in ((policy_chosen_logps, "policy_chosen_logps"),
                                                (policy_rejected_logps, "policy_rejected_logps"),
                                                (ref_chosen_logps, "ref_chosen_logps"),
                                                (ref_rejected_logps, "ref_rejected_logps")))
    if len({pc.size, pr.size, rc.size, rr.size}) != 1 or pc.size == 0:
        raise ValueError("the four log-prob lists must be non-empty and of the same length")
    if not beta > 0:
        raise ValueError(f"beta must be > 0, got {beta}")
    chosen, rejected = pc - rc, pr - rr
    if kind == "sigmoid":
        delta = chosen - rejected
        per, w = -log_sigmoid(beta * delta), sigmoid(-beta * delta)
    elif kind == "hinge":
        delta = chosen - rejected
        per, w = np.maximum(0.0, 1 - beta * delta), (beta * delta < 1).astype(float)
    elif kind == "ipo":
        lw = np.ones(pc.size) if chosen_lengths is None else arr(chosen_lengths, "chosen_lengths", 1)
        ll = np.ones(pc.size) if rejected_lengths is None else arr(rejected_lengths, "rejected_lengths", 1)
        if lw.shape != pc.shape or ll.shape != pc.shape or np.any(lw <= 0) or np.any(ll <= 0):
            raise ValueError("lengths must be positive, one per pair")
        delta = chosen / lw - rejected / ll
        per = (delta - 1 / (2 * beta)) ** 2
        w = -2 * (delta - 1 / (2 * beta)) / beta
    else:
        raise ValueError(f"kind must be sigmoid, ipo or hinge, got {kind!r}")
    cr, rj = beta * chosen, beta * rejected
    return jsonable({"loss": per.mean(), "losses": per, "chosen_reward": cr, "rejected_reward": rj,
                     "margin": cr - rj, "accuracy": float(np.mean(cr > rj)), "delta": delta,
                     "grad_weight": w})


def sigmoid_weight_curve(deltas: list[float], beta: float = 1.0) -> dict:
    """DPO's dynamic gradient coefficient σ(−βΔ) over implicit-reward differences Δ (large when wrong).

    Returns:
        deltas: the Δ values, as given.
        weights: σ(−βΔ) for each Δ.
    """
    d = arr(deltas, "deltas", 1)
    return jsonable({"deltas": d, "weights": sigmoid(-beta * d)})


def beta_policy(ref_probs: list[float], rewards: list[float], betas: list[float]) -> dict:
    """KL-regularised optimal policy π*(y) ∝ π_ref(y)·exp(r(y)/β) for each β (large β stays near π_ref).

    Returns:
        betas: the β values, as given.
        policies: π* for each β (one probability list per β).
        kl_to_ref: KL(π*‖π_ref) for each β.
        expected_reward: Σ π*(y) r(y) for each β.
    """
    p, r = arr(ref_probs, "ref_probs", 1), arr(rewards, "rewards", 1)
    if p.shape != r.shape:
        raise ValueError(f"ref_probs and rewards must have the same length, got {p.size} and {r.size}")
    if np.any(p <= 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("ref_probs must be positive and sum to 1")
    pols, kls, ers = [], [], []
    for b in betas:
        if not b > 0:
            raise ValueError(f"every beta must be > 0, got {b}")
        logits = np.log(p) + r / b
        q = np.exp(logits - logits.max())
        q /= q.sum()
        pols.append(q)
        nz = q > 0
        kls.append(float((q[nz] * (np.log(q[nz]) - np.log(p[nz]))).sum()))
        ers.append(float(q @ r))
    return jsonable({"betas": [float(b) for b in betas], "policies": pols, "kl_to_ref": kls,
                     "expected_reward": ers})
