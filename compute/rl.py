"""Returns, advantages and value estimates of reinforcement learning (Sutton & Barto conventions).

Indexing: `rewards[t]` is the reward R_{t+1} received after acting in state S_t, t = 0..T-1; `values[t]`
is V(S_t) for t = 0..T (the last entry bootstraps the state after the final step; 0 when it is terminal).
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable, weighted


def discounted_returns(rewards: list[float], gamma: float = 1.0) -> dict:
    """Discounted returns G_t = r_t + γ·G_{t+1}, computed backwards from G_T = 0 (T+1 values for T rewards).

    With rewards [4, 3, 5, 2] and γ = 1 the returns are [14, 10, 7, 2, 0]: G_0 … G_3 and the terminal G_4 = 0.

    Returns:
        returns: G_0 … G_T (length T+1, the last is 0 at the episode end).
        backward: the same values in the order they are computed (G_T first, G_0 last).
        weights: γ^k, the weight reward k (R_{k+1}) carries in G_0 (length T).
    """
    r = arr(rewards, "rewards", ndim=1)
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    g = np.zeros(r.size + 1)
    for t in range(r.size - 1, -1, -1):
        g[t] = r[t] + gamma * g[t + 1]
    return jsonable({"returns": g, "backward": g[::-1], "weights": float(gamma) ** np.arange(r.size)})


def _gamma(gamma: float) -> float:
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    return float(gamma)


def _episode(rewards: list[float], values: list[float], dones: list[bool] | None):
    r = arr(rewards, "rewards", ndim=1)
    v = arr(values, "values", ndim=1)
    if v.size != r.size + 1:
        raise ValueError(f"values must have len(rewards) + 1 = {r.size + 1} entries "
                         f"(V(S_0) … V(S_T), the last one bootstraps), got {v.size}")
    d = np.zeros(r.size, dtype=bool) if dones is None else np.asarray(dones, dtype=bool)
    if d.shape != r.shape:
        raise ValueError(f"dones must have one flag per reward ({r.size}), got {d.size}")
    return r, v, d


def gae(rewards: list[float], values: list[float], gamma: float = 0.99, lam: float = 0.95,
        dones: list[bool] | None = None) -> dict:
    """Generalised advantage estimation: δ_t = r_t + γV_{t+1} − V_t, A_t = δ_t + γλA_{t+1} (backwards).

    `values` has T+1 entries (the last bootstraps the state after the final step). `dones[t]` is True when
    the episode ends after step t: then V_{t+1} and A_{t+1} are not used (CleanRL's `nextnonterminal`;
    CleanRL stores the same flag one index later, on the first observation after the reset).
    λ = 1 gives Monte-Carlo advantages G_t − V_t; λ = 0 gives the one-step TD errors.

    Returns:
        deltas: TD errors δ_t, t = 0..T-1.
        advantages: A_t, t = 0..T-1.
        returns: A_t + V_t, the value-function targets.
    """
    r, v, d = _episode(rewards, values, dones)
    gamma = _gamma(gamma)
    if not 0 <= lam <= 1:
        raise ValueError(f"lam must be in [0, 1], got {lam}")
    nonterminal = 1.0 - d.astype(float)
    deltas = r + gamma * v[1:] * nonterminal - v[:-1]
    adv = np.zeros(r.size)
    last = 0.0
    for t in range(r.size - 1, -1, -1):
        last = deltas[t] + gamma * lam * nonterminal[t] * last
        adv[t] = last
    return jsonable({"deltas": deltas, "advantages": adv, "returns": adv + v[:-1]})


def td_error(rewards: list[float], values: list[float], gamma: float = 1.0,
             dones: list[bool] | None = None) -> dict:
    """One-step TD targets r_t + γV(S_{t+1}) and TD errors δ_t = target − V(S_t) (Sutton & Barto eq. 6.5).

    Returns:
        targets: r_t + γ·V_{t+1} (V_{t+1} dropped when dones[t]).
        errors: targets − V_t.
    """
    r, v, d = _episode(rewards, values, dones)
    targets = r + _gamma(gamma) * v[1:] * (1.0 - d)
    return jsonable({"targets": targets, "errors": targets - v[:-1]})


def n_step_td_target(rewards: list[float], values: list[float], n: int, gamma: float = 1.0) -> dict:
    """n-step returns G_{t:t+n} = r_t + … + γ^{n-1}r_{t+n-1} + γ^n V(S_{t+n}), truncated at the episode end T.

    One episode: `values` = V(S_0) … V(S_T); put V(S_T) = 0 when S_T is terminal, then n >= T gives
    the Monte-Carlo return and n = 1 the TD(0) target (Sutton & Barto eq. 7.1).

    Returns:
        targets: G_{t:t+n} for t = 0..T-1.
        errors: targets − V(S_t).
        bootstrap_index: the state index whose value each target bootstraps from (min(t+n, T)).
    """
    r, v, _ = _episode(rewards, values, None)
    gamma = _gamma(gamma)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    T = r.size
    targets, idx = np.zeros(T), []
    for t in range(T):
        end = min(t + n, T)
        targets[t] = sum(gamma ** (i - t) * r[i] for i in range(t, end)) + gamma ** (end - t) * v[end]
        idx.append(end)
    return jsonable({"targets": targets, "errors": targets - v[:-1], "bootstrap_index": idx})


def mc_value(episode_rewards: list[list[float]], gamma: float = 1.0, alpha: float | None = None,
             v0: float = 0.0) -> dict:
    """Monte-Carlo estimate of V(s) from the returns of complete episodes that start in s.

    With alpha = None the estimate is the sample average of the returns (every episode weighted 1/n);
    with a constant alpha it is the constant-α MC update V ← V + α(G − V) starting from v0.

    Returns:
        returns: G_0 of each episode.
        estimates: the value estimate after each episode.
        value: the final estimate.
    """
    if not episode_rewards:
        raise ValueError("episode_rewards must contain at least one episode")
    gs = [discounted_returns(rewards=ep, gamma=gamma)["returns"][0] for ep in episode_rewards]
    est, v = [], float(v0)
    for i, g in enumerate(gs, start=1):
        v = v + (alpha if alpha is not None else 1.0 / i) * (g - v)
        est.append(v)
    return jsonable({"returns": gs, "estimates": est, "value": est[-1]})


def epsilon_schedule(start: float = 1.0, end: float = 0.05, steps: int = 100,
                     kind: Literal["linear", "exponential", "asymptotic"] = "linear", total: int | None = None,
                     decay: float | None = None) -> dict:
    """ε-greedy exploration rate over training steps t = 0..total (linear: CleanRL's linear_schedule).

    linear: ε_t = max(start + (end − start)·t/steps, end). exponential: ε_t = max(end, start·decay^t),
    with decay defaulting to (end/start)^(1/steps) so both reach `end` at t = steps. asymptotic (the PyTorch
    DQN tutorial's form): ε_t = end + (start − end)·decay^t, never reaching `end`; decay defaults to
    e^(−1/steps), so `steps` is the time constant.

    Returns:
        t: the step indices 0..total (total defaults to steps).
        epsilons: ε_t for each step.
        exploit: 1 − ε_t, the probability of the greedy action.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    total = steps if total is None else total
    t = np.arange(total + 1, dtype=float)
    if kind == "linear":
        eps = np.maximum((end - start) / steps * t + start, end)
    elif kind == "exponential":
        if not (start > 0 and end > 0):
            raise ValueError("exponential decay needs start > 0 and end > 0")
        d = (end / start) ** (1.0 / steps) if decay is None else decay
        eps = np.maximum(end, start * d ** t)
    elif kind == "asymptotic":
        d = np.exp(-1.0 / steps) if decay is None else decay
        if not 0 < d < 1:
            raise ValueError(f"decay must be in (0, 1), got {d}")
        eps = end + (start - end) * d ** t
    else:
        raise ValueError(f"kind must be 'linear', 'exponential' or 'asymptotic', got {kind!r}")
    return jsonable({"t": t.astype(int), "epsilons": eps, "exploit": 1.0 - eps})


def advantage(q_values: list[float], v: float | None = None, pi: list[float] | None = None) -> dict:
    """Advantages A(s,a) = Q(s,a) − V(s); V defaults to Σ_a π(a|s)Q(s,a) (uniform π when none is given).

    Returns:
        advantages: Q − V per action.
        v: the baseline V(s) used.
    """
    q = arr(q_values, "q_values", ndim=1)
    base = float(v) if v is not None else bellman_v(pi=pi if pi is not None else [1.0 / q.size] * q.size,
                                                      q=q_values)["v"]
    return jsonable({"advantages": q - base, "v": base})


def bellman_v(pi: list[float], q: list[float]) -> dict:
    """Bellman expectation V(s) = Σ_a π(a|s)·Q(s,a) (the policy's average of its action values).

    Returns:
        v: the state value.
        terms: π(a|s)·Q(s,a) per action.
    """
    p, qv = arr(pi, "pi", ndim=1), arr(q, "q", ndim=1)
    if p.shape != qv.shape:
        raise ValueError(f"pi and q must have the same length, got {p.size} and {qv.size}")
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"pi must be a probability distribution (sums to {p.sum():.6g})")
    return jsonable({"v": float(p @ qv), "terms": p * qv})


def bellman_q(p: list[float], r: list[float], v_next: list[float], gamma: float = 1.0) -> dict:
    """Bellman expectation Q(s,a) = Σ_s′ P(s′|s,a)·[r(s,a,s′) + γ·V(s′)] over the next states of one action.

    Returns:
        q: the action value.
        targets: r + γ·V(s′) per next state.
        terms: P(s′|s,a)·(r + γ·V(s′)) per next state.
    """
    pv, rv, vv = arr(p, "p", ndim=1), arr(r, "r", ndim=1), arr(v_next, "v_next", ndim=1)
    if not pv.shape == rv.shape == vv.shape:
        raise ValueError(f"p, r and v_next must have the same length, got {pv.size}, {rv.size} and {vv.size}")
    if np.any(pv < 0) or abs(pv.sum() - 1) > 1e-6:
        raise ValueError(f"p must be a probability distribution (sums to {pv.sum():.6g})")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    targets = rv + gamma * vv
    return jsonable({"q": float(pv @ targets), "targets": targets, "terms": pv * targets})


def categorical_return_distribution(support: list[float], probs: list[float]) -> dict:
    """Summary of a categorical return distribution Z(s,a) (C51-style atoms): mean = Q, spread, CDF.

    Returns:
        mean: expected return Σ p_i z_i (the Q value a non-distributional method would keep).
        variance: Σ p_i (z_i − mean)².
        std: square root of the variance.
        cdf: cumulative probability at each atom.
        mode: the atom with the largest probability (first on ties).
    """
    z, p = weighted(support, probs, "support", "probs")
    mean = float(p @ z)
    var = float(p @ (z - mean) ** 2)
    return jsonable({"mean": mean, "variance": var, "std": var ** 0.5, "cdf": np.cumsum(p),
                     "mode": float(z[int(np.argmax(p))])})


def dqn_targets(rewards: list[float], next_q_online: list[list[float]], next_q_target: list[list[float]],
                gamma: float = 0.99, dones: list[bool] | None = None) -> dict:
    """DQN vs Double-DQN bootstrap targets for a batch of transitions (van Hasselt et al. 2016).

    DQN: y = r + γ·max_a Q_target(s', a). Double DQN: y = r + γ·Q_target(s', argmax_a Q_online(s', a)).
    Both drop the bootstrap when done. Ties in argmax go to the first action.

    Returns:
        dqn: DQN targets.
        double_dqn: Double-DQN targets.
        online_argmax: the action the online network picks in s'.
        target_argmax: the action the target network's max uses.
    """
    r = arr(rewards, "rewards", ndim=1)
    qo, qt = arr(next_q_online, "next_q_online", ndim=2), arr(next_q_target, "next_q_target", ndim=2)
    if qo.shape != qt.shape or qo.shape[0] != r.size:
        raise ValueError("next_q_online and next_q_target must both be len(rewards) × n_actions")
    nt = 1.0 - (np.zeros(r.size) if dones is None else np.asarray(dones, dtype=float))
    a_on, a_t = qo.argmax(1), qt.argmax(1)
    g = _gamma(gamma)
    return jsonable({"dqn": r + g * qt.max(1) * nt, "double_dqn": r + g * qt[np.arange(r.size), a_on] * nt,
                     "online_argmax": a_on, "target_argmax": a_t})


MAX_TRIALS = 200_000


def max_bias(q_values: list[float], noise_std: float = 1.0, trials: int = 10_000, seed: int = 0) -> dict:
    """Overestimation of max_a Q̂(a) when the estimates Q̂ = Q + Gaussian noise (why DQN overestimates).

    Returns:
        true_max: max_a Q(a).
        mean_max_estimate: average over trials of max_a Q̂(a).
        bias: mean_max_estimate − true_max (>= 0 in expectation).
        sample: one noisy draw of Q̂ (the first trial).
    """
    q = arr(q_values, "q_values", ndim=1)
    if not 1 <= trials <= MAX_TRIALS:
        raise ValueError(f"trials must be in [1, {MAX_TRIALS}], got {trials}")
    noisy = q + np.random.default_rng(seed).normal(0.0, noise_std, size=(trials, q.size))
    m = float(noisy.max(1).mean())
    return jsonable({"true_max": float(q.max()), "mean_max_estimate": m, "bias": m - float(q.max()),
                     "sample": noisy[0]})
