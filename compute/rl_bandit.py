"""A k-armed Gaussian bandit played by ε-greedy agents with incremental sample means (Sutton & Barto §2.3-2.4).

Every strategy plays the same random draws (common random numbers), so the curves differ only by how the
agent explores, not by luck.
"""

import numpy as np

from compute._common import arr, jsonable

MAX_CELLS = 5_000_000  # runs × steps × arms drawn at once


def _draws(rng: np.random.Generator, runs: int, steps: int, k: int, reward_std: float) -> tuple:
    """The random numbers of every run, in a fixed order: reward noise, explore coins, random arms, tie keys."""
    noise = rng.normal(0.0, reward_std, size=(runs, steps, k))
    coin = rng.random((runs, steps))
    rand_arm = rng.integers(0, k, size=(runs, steps))
    tie = rng.random((runs, steps, k))
    return noise, coin, rand_arm, tie


def _play(mu: np.ndarray, eps: float, q0: float, draws: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arms chosen, rewards received (runs × steps) and final estimates Q (runs × k) of one strategy."""
    noise, coin, rand_arm, tie = draws
    runs, steps, k = noise.shape
    q = np.full((runs, k), float(q0))
    n = np.zeros((runs, k))
    rows = np.arange(runs)
    arms = np.empty((runs, steps), dtype=int)
    rewards = np.empty((runs, steps))
    for t in range(steps):
        best = q == q.max(1, keepdims=True)
        greedy = np.where(best, tie[:, t], -1.0).argmax(1)  # a random arm among the tied maxima
        a = np.where(coin[:, t] < eps, rand_arm[:, t], greedy)
        r = mu[a] + noise[rows, t, a]
        n[rows, a] += 1
        q[rows, a] += (r - q[rows, a]) / n[rows, a]
        arms[:, t], rewards[:, t] = a, r
    return arms, rewards, q


def bandit_run(arm_means: list[float], epsilons: list[float], initial: list[float] | None = None,
               reward_std: float = 1.0, steps: int = 500, runs: int = 200, seed: int = 0) -> dict:
    """ε-greedy vs greedy on a k-armed Gaussian bandit: average reward, optimal-arm rate and regret over seeds.

    Arm a pays R ~ N(arm_means[a], reward_std²). Strategy i explores with probability epsilons[i] (a uniformly
    random arm) and otherwise pulls an arm of highest estimate (ties broken at random); its estimates start at
    initial[i] (default 0; a large value is optimistic initialisation) and follow the incremental mean
    Q ← Q + (R − Q)/N. All strategies play the same draws; run r uses the r-th slice of one generator.

    Returns:
        t: steps 1..steps.
        best_arm: the arm of highest mean.
        best_mean: its mean.
        avg_reward: per strategy, the reward at each step averaged over runs.
        optimal_rate: per strategy, the share of runs pulling the best arm at each step.
        regret: per strategy, the cumulative expected regret Σ_t (best_mean − arm_means[a_t]), run-averaged.
        mean_reward: per strategy, the reward averaged over all steps and runs.
        pulls: per strategy, the share of all pulls that went to each arm.
        q_example: per strategy, the final estimates of run 0.
        final_regret: the last value of regret per strategy.
        final_optimal_rate: the last value of optimal_rate per strategy.
    """
    mu = arr(arm_means, "arm_means", ndim=1)
    e = arr(epsilons, "epsilons", ndim=1)
    q0 = arr(initial if initial is not None else [0.0] * e.size, "initial", ndim=1)
    k = mu.size
    if k < 2 or e.size < 1 or q0.size != e.size:
        raise ValueError(f"need ≥ 2 arms and one initial value per ε, got {k} arms, {e.size} ε, {q0.size} initial")
    if np.any((e < 0) | (e > 1)) or reward_std < 0:
        raise ValueError("every ε must be in [0, 1] and reward_std ≥ 0")
    if steps < 1 or runs < 1 or runs * steps * k > MAX_CELLS:
        raise ValueError(f"runs × steps × arms must be in [1, {MAX_CELLS}], got {runs} × {steps} × {k}")
    draws = _draws(np.random.default_rng(seed), runs, steps, k, reward_std)
    best = int(mu.argmax())
    out: dict = {"t": list(range(1, steps + 1)), "best_arm": best, "best_mean": float(mu[best]), "avg_reward": [],
                 "optimal_rate": [], "regret": [], "mean_reward": [], "pulls": [], "q_example": []}
    for eps, init in zip(e, q0, strict=True):
        arms, rewards, q = _play(mu, float(eps), float(init), draws)
        out["avg_reward"].append(rewards.mean(0))
        out["optimal_rate"].append((arms == best).mean(0))
        out["regret"].append(np.cumsum(mu[best] - mu[arms], axis=1).mean(0))
        out["mean_reward"].append(float(rewards.mean()))
        out["pulls"].append(np.bincount(arms.ravel(), minlength=k) / arms.size)
        out["q_example"].append(q[0])
    out["final_regret"] = [float(r[-1]) for r in out["regret"]]
    out["final_optimal_rate"] = [float(p[-1]) for p in out["optimal_rate"]]
    return jsonable(out)
