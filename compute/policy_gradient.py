"""Worked policy-gradient steps on a tabular softmax policy: REINFORCE, one actor–critic step, importance sampling.

The policy in one state is π = softmax(θ) over K actions, so the score is ∇_θ log π(a) = e_a − π (one-hot minus
the probabilities). Everything is small enough to print every number on a slide.
"""

from __future__ import annotations

import numpy as np

from compute._common import arr, jsonable, softmax, weighted


def _score(probs: np.ndarray, action: int) -> np.ndarray:
    """∇_θ log softmax(θ)[action] = e_action − π."""
    return np.eye(probs.size)[action] - probs


def _index(action: int, k: int, name: str = "action") -> int:
    if not 0 <= int(action) < k:
        raise ValueError(f"{name} must be an index in 0..{k - 1}, got {action}")
    return int(action)


def reinforce(logits: list[float], action_returns: list[float], samples: int = 4, noise_std: float = 0.0,
              lr: float = 0.1, seed: int = 0) -> dict:
    """One REINFORCE update of a softmax policy from `samples` seeded one-step episodes.

    Each episode samples a ~ π = softmax(θ) and receives the return G = action_returns[a] + N(0, noise_std²).
    The gradient estimate is ĝ = (1/N) Σ_i G_i·∇_θ log π(a_i) with ∇_θ log π(a) = e_a − π, and the update is
    gradient ascent θ ← θ + lr·ĝ. The exact gradient of J(θ) = Σ_a π(a)·action_returns[a] is π ⊙ (R − J).

    Returns:
        probs: π before the update.
        actions: the sampled action indices a_i.
        returns: their returns G_i.
        scores: ∇_θ log π(a_i) per sample (N × K).
        terms: G_i·∇_θ log π(a_i) per sample (N × K).
        gradient: the estimate ĝ (the mean of the terms).
        exact_gradient: ∇_θ J.
        logits_after: θ + lr·ĝ.
        probs_after: π after the update.
        objective: J before the update.
        objective_after: J after the update.
    """
    theta = arr(logits, "logits", ndim=1)
    r = arr(action_returns, "action_returns", ndim=1)
    if r.shape != theta.shape:
        raise ValueError(f"action_returns needs one value per action ({theta.size}), got {r.size}")
    if samples < 1 or noise_std < 0:
        raise ValueError("samples must be ≥ 1 and noise_std ≥ 0")
    probs = softmax(theta)
    rng = np.random.default_rng(seed)
    actions = rng.choice(theta.size, size=int(samples), p=probs)
    returns = r[actions] + noise_std * rng.standard_normal(int(samples))
    scores = np.eye(theta.size)[actions] - probs
    terms = returns[:, None] * scores
    grad = terms.mean(0)
    after = theta + lr * grad
    probs_after = softmax(after)
    objective = float(probs @ r)
    return jsonable({"probs": probs, "actions": actions, "returns": returns, "scores": scores, "terms": terms,
                     "gradient": grad, "exact_gradient": probs * (r - objective), "logits_after": after,
                     "probs_after": probs_after, "objective": objective, "objective_after": float(probs_after @ r)})


def actor_critic_step(logits: list[float], v_s: float, v_next: float, action: int, reward: float,
                      gamma: float = 0.9, lr_actor: float = 0.5, lr_critic: float = 0.5,
                      terminal: bool = False) -> dict:
    """One-step actor–critic (Sutton & Barto §13.5) in one state with a tabular critic.

    The critic's TD error δ = r + γ·V(s′) − V(s) (V(s′) = 0 if s′ is terminal) drives both updates:
    critic V(s) ← V(s) + lr_critic·δ (semi-gradient of ½δ²), actor θ ← θ + lr_actor·δ·∇_θ log π(a|s).

    Returns:
        probs: π(·|s) before the actor's update.
        target: the TD target r + γV(s′).
        delta: the TD error δ.
        score: ∇_θ log π(a|s) = e_a − π.
        actor_gradient: δ·score.
        logits_after: the actor's preferences after the update.
        probs_after: π(·|s) after the update.
        v_delta: the critic's change lr_critic·δ.
        v_after: the critic's V(s) after the update.
    """
    theta = arr(logits, "logits", ndim=1)
    a = _index(action, theta.size)
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    probs = softmax(theta)
    target = float(reward) + (0.0 if terminal else gamma * float(v_next))
    delta = target - float(v_s)
    score = _score(probs, a)
    after = theta + lr_actor * delta * score
    return jsonable({"probs": probs, "target": target, "delta": delta, "score": score,
                     "actor_gradient": delta * score, "logits_after": after, "probs_after": softmax(after),
                     "v_delta": lr_critic * delta, "v_after": float(v_s) + lr_critic * delta})


def importance_sampling(p: list[float], q: list[float], f: list[float], samples: int = 200, show: int = 6,
                        seed: int = 0) -> dict:
    """Estimate E_p[f] from samples of q, without and with the importance weights w = p/q.

    Outcome k has probabilities p[k] (target) and q[k] (proposal, must be > 0 wherever p > 0) and value f[k].
    `samples` draws x_i ~ q (seeded) give the plain mean of f(x_i), which estimates E_q[f], and the weighted mean
    of f(x_i)·w(x_i), which is unbiased for E_p[f]. Per-sample variances are exact: Var_q[f·w] for the weighted
    estimator, Var_p[f] for sampling from p itself.

    Returns:
        weights: w = p/q per outcome.
        fw: f·w per outcome.
        exact_p: E_p[f].
        exact_q: E_q[f].
        draws: the sampled outcome indices.
        first: the first `show` of them.
        rows: one record per shown draw: i (1-based), x (outcome, 1-based), f, p, q, w, fw.
        plain: the mean of f(x_i), which estimates E_q[f].
        weighted: the mean of f(x_i)·w(x_i), which estimates E_p[f].
        running_plain: the plain mean over the first n draws, n = 1..samples.
        running_weighted: the weighted mean over the first n draws.
        n: 1..samples.
        var_weighted: Var_q[f·w], the per-sample variance of the weighted estimator.
        var_direct: Var_p[f], the per-sample variance when sampling p itself.
        var_plain: Var_q[f].
        sample_var_weighted: the sample variance of f(x_i)·w(x_i) over the draws.
        band_low: E_p[f] − 2·sqrt(Var_q[f·w]/n), where 95% of weighted running means fall.
        band_high: E_p[f] + 2·sqrt(Var_q[f·w]/n).
    """
    fv, pv = weighted(f, p, "f", "p")
    _, qv = weighted(f, q, "f", "q")
    if np.any((pv > 0) & (qv == 0)):
        raise ValueError("q must be > 0 wherever p > 0 (support condition)")
    if samples < 2 or not 0 <= show <= samples:
        raise ValueError("samples must be ≥ 2 and show in 0..samples")
    w = np.divide(pv, qv, out=np.zeros_like(pv), where=qv > 0)
    fw = fv * w
    draws = np.random.default_rng(seed).choice(fv.size, size=int(samples), p=qv)
    n = np.arange(1, int(samples) + 1)
    exact_p, exact_q = float(pv @ fv), float(qv @ fv)
    var_w = float(qv @ fw ** 2 - exact_p ** 2)
    rows = [{"i": i + 1, "x": int(k) + 1, "f": fv[k], "p": pv[k], "q": qv[k], "w": w[k], "fw": fw[k]}
            for i, k in enumerate(draws[:show])]
    half = 2 * np.sqrt(var_w / n)
    return jsonable({
        "weights": w, "fw": fw, "exact_p": exact_p, "exact_q": exact_q, "draws": draws,
        "first": draws[:show], "rows": rows, "plain": float(fv[draws].mean()), "weighted": float(fw[draws].mean()),
        "running_plain": np.cumsum(fv[draws]) / n, "running_weighted": np.cumsum(fw[draws]) / n, "n": n,
        "var_weighted": var_w, "var_direct": float(pv @ fv ** 2 - exact_p ** 2),
        "var_plain": float(qv @ fv ** 2 - exact_q ** 2), "sample_var_weighted": float(fw[draws].var(ddof=1)),
        "band_low": exact_p - half, "band_high": exact_p + half})
