"""Direct Preference Optimisation: losses, implicit rewards, gradient weights and the β-tilted optimal policy.

Conventions follow TRL 1.16 `DPOTrainer._compute_loss`: log-probs are sums over completion tokens;
chosen/rejected log-ratios are policy − reference; Δ = chosen log-ratio − rejected log-ratio;
sigmoid loss −log σ(βΔ), hinge relu(1 − βΔ), IPO (Δ_avg − 1/(2β))² with per-token-averaged log-ratios;
implicit rewards β·log-ratio. The DPO paper's gradient (Rafailov et al. 2023, eq. 7) scales
∇log π(y_w) − ∇log π(y_l) by β·σ(r̂_l − r̂_w) = β·σ(−βΔ).
"""

from typing import Literal

import numpy as np

from compute import tiny_lm
from compute._common import arr, jsonable, log_sigmoid, log_softmax, sigmoid, softmax


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


def _answer_rows(model: tiny_lm.TinyLM, prompt: list[int], answer: list[int], name: str) -> tuple:
    """(ids, labels, loss mask, final hidden states of the rows that predict each label)."""
    p = tiny_lm.check_ids(model, prompt, "prompt")
    a = tiny_lm.check_ids(model, answer, name)
    ids = np.concatenate([p, a])
    _, last, _ = tiny_lm.forward(model, ids)
    mask = (np.arange(1, ids.size) >= p.size).astype(float)  # row t predicts ids[t + 1]
    return ids, ids[1:], mask, last[:-1]


def _seq_logps(w: np.ndarray, hidden: np.ndarray, labels: np.ndarray, mask: np.ndarray) -> tuple:
    """(logits, log-softmax, per-row log-prob of the label, masked sum) under LM head `w`."""
    z = hidden @ w.T
    lp = log_softmax(z)
    tok = lp[np.arange(labels.size), labels]
    return z, lp, tok, float(tok @ mask)


def _head_grad(w: np.ndarray, seq: tuple) -> np.ndarray:
    """∂(Σ masked log π(label))/∂W for an LM head W: Σ_t mask_t (onehot(label_t) − softmax(z_t)) h_tᵀ."""
    _, labels, mask, hidden = seq
    d = -softmax(hidden @ w.T)
    d[np.arange(labels.size), labels] += 1
    return (d * mask[:, None]).T @ hidden


def _pair_loss(w: np.ndarray, w_ref: np.ndarray, c: tuple, r: tuple, beta: float) -> dict:
    lc, lr_ = _seq_logps(w, c[3], c[1], c[2])[3], _seq_logps(w, r[3], r[1], r[2])[3]
    rc, rr = _seq_logps(w_ref, c[3], c[1], c[2])[3], _seq_logps(w_ref, r[3], r[1], r[2])[3]
    return loss([lc], [lr_], [rc], [rr], beta=beta)


def _pad(values: list, length: int | None, fill: object) -> list:
    return values if length is None else values + [fill] * (length - len(values))


def tiny_pair(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
              prompt: list[int], chosen: list[int], rejected: list[int], beta: float = 0.1, seed: int = 0,
              init_std: float = 1.0, lr: float = 1.0, steps: int = 0, pad_to: int | None = None) -> dict:
    """One preference pair through a tiny seeded causal LM: policy and reference log-probs, DPO loss, gradient.

    The reference is `tiny_lm.build(…, seed, init_std)` (the "SFT model", frozen). The policy starts as a copy
    of it; `steps` plain gradient-descent steps of learning rate `lr` on this pair's sigmoid DPO loss train its
    LM head only (the layers below stay shared, so the hidden states are the reference's). The sequence is
    prompt + answer; logits row t predicts token t + 1, and only rows whose label is an answer token are in the
    loss (TRL's completion mask): log π(y|x) = Σ_t mask_t · log_softmax(logits_t)[label_t].

    Returns:
        chosen: for the chosen answer: `ids` (prompt + answer), `labels` (ids[1:]), `mask` (1 for an answer
            label), `policy_logits` and `ref_logits` (labels × vocab), `policy_logprobs` (log-softmax rows),
            `policy_token_logps` / `ref_token_logps` (each row's log-prob of its label, masked rows too),
            `policy_logp` / `ref_logp` (masked sums), `logratio` (policy − ref), `reward` (β · logratio), and
            aligned with `ids` for drawing a token strip: `in_loss` (1 for an answer token), `policy_at_token` /
            `ref_at_token` (the log-prob each token got from the tokens before it; null for the first); with
            `pad_to`, these three are padded (0, null) to that length, as a batch pads to its longest sequence.
        rejected: the same for the rejected answer.
        loss: the sigmoid DPO loss −log σ(βΔ).
        delta: Δ = chosen log-ratio − rejected log-ratio.
        grad_weight: σ(−βΔ), the factor scaling the gradient.
        grad_norm: Frobenius norm of ∂loss/∂W_head at the current policy.
        losses: the loss before each training step and now (steps + 1 values).
        next_loss: the loss after one more step with the gradient above.
        loss_curve: `losses` followed by `next_loss` (steps + 2 values, one per step 0 … steps + 1).
        next_chosen_reward: the chosen answer's implicit reward after that step.
        next_rejected_reward: the rejected answer's implicit reward after that step.
    """
    if pad_to is not None and pad_to < len(prompt) + max(len(chosen), len(rejected)):
        raise ValueError(f"pad_to must be at least the longer sequence's length, got {pad_to}")
    if steps < 0 or not lr > 0:
        raise ValueError(f"steps must be >= 0 and lr > 0, got steps={steps}, lr={lr}")
    model = tiny_lm.build(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    c = _answer_rows(model, prompt, chosen, "chosen")
    r = _answer_rows(model, prompt, rejected, "rejected")
    w_ref = model.weights["lm_head.weight"]
    w = w_ref.copy()

    def grad(w: np.ndarray) -> tuple[dict, np.ndarray]:
        out = _pair_loss(w, w_ref, c, r, beta)
        return out, -beta * out["grad_weight"][0] * (_head_grad(w, c) - _head_grad(w, r))

    losses = []
    for _ in range(steps):
        out, g = grad(w)
        losses.append(out["loss"])
        w = w - lr * g
    out, g = grad(w)
    losses.append(out["loss"])
    nxt = _pair_loss(w - lr * g, w_ref, c, r, beta)
    seqs = {}
    for name, seq in (("chosen", c), ("rejected", r)):
        ids, labels, mask, hidden = seq
        z, lp, tok, s = _seq_logps(w, hidden, labels, mask)
        zr, _, tok_r, s_r = _seq_logps(w_ref, hidden, labels, mask)
        seqs[name] = {"ids": ids, "labels": labels, "mask": mask, "policy_logits": z, "ref_logits": zr,
                      "policy_logprobs": lp, "policy_token_logps": tok, "ref_token_logps": tok_r,
                      "policy_logp": s, "ref_logp": s_r, "logratio": s - s_r, "reward": beta * (s - s_r),
                      "in_loss": _pad([0, *mask.astype(int)], pad_to, 0),
                      "policy_at_token": _pad([None, *tok], pad_to, None),
                      "ref_at_token": _pad([None, *tok_r], pad_to, None)}
    return jsonable({**seqs, "loss": out["loss"], "delta": out["delta"][0], "grad_weight": out["grad_weight"][0],
                     "grad_norm": float(np.linalg.norm(g)), "losses": losses, "next_loss": nxt["loss"],
                     "loss_curve": [*losses, nxt["loss"]],
                     "next_chosen_reward": nxt["chosen_reward"][0],
                     "next_rejected_reward": nxt["rejected_reward"][0]})
