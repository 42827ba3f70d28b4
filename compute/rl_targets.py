"""Sampled Monte-Carlo and TD(0) targets of the same episodes: why MC is unbiased but noisy and TD biased but steady.

Two start states are estimated at once, so every episode gives one 2-D estimate (a mark on a bull's-eye).
"""

import numpy as np

from compute._common import arr, jsonable, weighted

MAX_EPISODES = 500
MAX_HORIZON = 1000


def mc_td_targets(reward_means: list[float], reward_std: float, horizon: int, gamma: float,
                  next_estimates: list[float], episodes: int = 10, seed: int = 0) -> dict:
    """MC returns and TD(0) targets of the same sampled episodes, for two start states, as errors from the truth.

    From each start state i an episode runs `horizon` steps with rewards drawn i.i.d. from
    N(reward_means[i], reward_std²). The true values are V_i = m_i·Σ_{k<H} γ^k. The Monte-Carlo target is the
    return Σ_k γ^k r_k of the episode (unbiased, variance σ²·Σ_k γ^{2k}); the TD(0) target of the same episode
    is r_0 + γ·next_estimates[i], bootstrapping from the current estimate of the next state, whose true value
    is m_i·Σ_{k<H-1} γ^k (biased by γ × the estimate's error, variance σ²).

    Returns:
        true_values: [V_0, V_1].
        mc: the MC targets minus the true values, one [x, y] per episode.
        td: the TD(0) targets minus the true values, one [x, y] per episode.
        mc_bias: distance of the mean MC error from 0 (the sample bias).
        td_bias: distance of the mean TD(0) error from 0.
        mc_spread: root-mean-square distance of the MC errors from their mean (the sample spread).
        td_spread: the same for the TD(0) errors.
        mc_std: the exact standard deviation of one MC coordinate, σ·sqrt(Σ_k γ^{2k}).
        td_std: the exact standard deviation of one TD(0) coordinate, σ.
        td_bias_exact: the exact TD(0) bias, |γ·(next_estimates − true next values)|.
    """
    m = arr(reward_means, "reward_means", ndim=1)
    nxt = arr(next_estimates, "next_estimates", ndim=1)
    if m.size != 2 or nxt.size != 2:
        raise ValueError(f"reward_means and next_estimates hold one value per start state (2), got {m.size} "
                         f"and {nxt.size}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if not reward_std >= 0:
        raise ValueError(f"reward_std must be >= 0, got {reward_std}")
    if not 2 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be in [2, {MAX_HORIZON}], got {horizon}")
    if not 1 <= episodes <= MAX_EPISODES:
        raise ValueError(f"episodes must be in [1, {MAX_EPISODES}], got {episodes}")
    disc = gamma ** np.arange(horizon)
    true_v = m * disc.sum()
    true_next = m * disc[:-1].sum()
    rewards = np.random.default_rng(seed).normal(m[None, :, None], reward_std, size=(episodes, 2, horizon))
    mc = rewards @ disc - true_v
    td = rewards[:, :, 0] + gamma * nxt - true_v

    def bias_spread(e: np.ndarray) -> tuple[float, float]:
        mean = e.mean(0)
        return float(np.hypot(*mean)), float(np.sqrt(((e - mean) ** 2).sum(1).mean()))

    mb, ms = bias_spread(mc)
    tb, ts = bias_spread(td)
    return jsonable({"true_values": true_v, "mc": mc, "td": td, "mc_bias": mb, "td_bias": tb, "mc_spread": ms,
                     "td_spread": ts, "mc_std": reward_std * float(np.sqrt((disc ** 2).sum())),
                     "td_std": float(reward_std), "td_bias_exact": float(np.hypot(*(gamma * (nxt - true_next))))})


def policy_gradient_variance(q_values: list[float], pi: list[float]) -> dict:
    """Score-function gradient of a softmax policy in one state, weighted by Q or by the advantage A = Q − V.

    The policy is π = softmax(θ) over the actions, so ∇_θ log π(a) = e_a − π. One sampled action a gives the
    estimate g = w(a)·(e_a − π); its expectation over a ~ π is the same for w = Q and w = A (the baseline
    V = Σ_a π(a)Q(a) adds nothing in expectation), but its variance E‖g‖² − ‖E g‖² is not.

    Returns:
        v: the baseline V = Σ_a π(a)·Q(a).
        advantages: A = Q − V per action.
        expected_gradient: E[g] per logit, π(b)·A(b) (identical for both weights).
        variance_q: total variance of the one-sample estimate with the weight Q.
        variance_a: the same with the weight A.
    """
    q, p = weighted(q_values, pi, "q_values", "pi")
    v = float(p @ q)
    score = np.eye(q.size) - p  # row a: ∇_θ log π(a) = e_a − π

    def variance(w: np.ndarray) -> tuple[np.ndarray, float]:
        g = w[:, None] * score
        mean = p @ g
        return mean, float(p @ (g ** 2).sum(1) - mean @ mean)

    mean_q, var_q = variance(q)
    _, var_a = variance(q - v)
    return jsonable({"v": v, "advantages": q - v, "expected_gradient": mean_q, "variance_q": var_q,
                     "variance_a": var_a})
