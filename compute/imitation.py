"""Behaviour cloning on a tiny lane-keeping task: expert demonstrations, a softmax classifier fitted to them by
maximum likelihood, and the clone's rollouts drifting off the states the expert ever showed it."""

import numpy as np

from compute._common import jsonable, softmax

ACTIONS = (-1, 0, 1)  # steer left, keep straight, steer right (lateral move in lanes)
MAX_STEPS = 200
MAX_RUNS = 20000
MAX_LANES = 10
MAX_DAGGER_RUNS = 200


def expert_action(lane: int) -> int:
    """The expert's rule: steer back towards the centre lane 0 (index into ACTIONS)."""
    return ACTIONS.index(-int(np.sign(lane)))


def demonstrate(wind: list[int]) -> tuple[list[int], list[int]]:
    """The expert driving from lane 0 while the wind pushes it by wind[t] lanes: its (lane, action) pairs."""
    lanes, actions, x = [], [], 0
    for w in wind:
        a = expert_action(x)
        lanes.append(x)
        actions.append(a)
        x = x + ACTIONS[a] + int(w)
    return lanes, actions


def fit_softmax(features: np.ndarray, labels: np.ndarray, classes: int, c: float,
                iters: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by Newton's method: min Σ −log p(y|x) + ‖W‖²/(2C), bias not penalised.

    The same objective as scikit-learn's LogisticRegression(C=c) (multinomial, L2, fit_intercept): weights
    (classes × features) and biases (classes), the bias shifted to sum to 0 (the probabilities do not change).
    """
    n, d = features.shape
    x = np.hstack([features, np.ones((n, 1))])
    y = np.eye(classes)[labels]
    theta = np.zeros((classes, d + 1))
    reg = np.ones(d + 1) / c
    reg[-1] = 0.0
    for _ in range(iters):
        p = softmax(x @ theta.T)
        grad = ((p - y).T @ x + theta * reg).ravel()
        hess = np.zeros((classes * (d + 1), classes * (d + 1)))
        for i in range(classes):
            for j in range(classes):
                w = p[:, i] * ((i == j) - p[:, j])
                hess[i * (d + 1):(i + 1) * (d + 1), j * (d + 1):(j + 1) * (d + 1)] = (x.T * w) @ x
        hess += np.diag(np.tile(reg, classes))
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        theta -= step.reshape(classes, d + 1)
        if np.abs(step).max() < 1e-12:
            break
    theta[:, -1] -= theta[:, -1].mean()
    return theta[:, :-1], theta[:, -1]


def _clone(lanes: list[int], actions: list[int], half_width: int, c: float) -> np.ndarray:
    """π(a|lane) for every lane of the road: the softmax classifier on the one-hot lane fitted to the pairs."""
    onehot = np.eye(2 * half_width + 1)
    weights, bias = fit_softmax(onehot[np.array(lanes) + half_width], np.array(actions), len(ACTIONS), c)
    return softmax(onehot @ weights.T + bias)


def _rollouts(probs: np.ndarray, half_width: int, horizon: int, runs: int, seed: int) -> np.ndarray:
    """Lanes of `runs` clone episodes from lane 0 on a calm road, shape runs × (horizon+1): a car that left the road
    stays on the lane beyond the edge it crossed (±(half_width+1))."""
    rng = np.random.default_rng(seed)
    lanes = np.zeros((runs, horizon + 1), dtype=int)
    x = np.zeros(runs, dtype=int)
    alive = np.ones(runs, dtype=bool)
    lanes[:, 0] = 0
    for t in range(1, horizon + 1):
        u = rng.random(runs)
        cdf = np.cumsum(probs[np.clip(x, -half_width, half_width) + half_width], axis=1)
        a = np.minimum((u[:, None] > cdf).sum(1), len(ACTIONS) - 1)
        x = np.where(alive, x + np.array(ACTIONS)[a], x)
        alive &= np.abs(x) <= half_width
        lanes[:, t] = x
    return lanes


def behaviour_cloning(wind: list[int], half_width: int = 2, c: float = 1.0, horizon: int = 20,
                      runs: int = 2000, seed: int = 0, dagger_runs: int = 10) -> dict:
    """Behaviour cloning of a lane-keeping expert, and the compounding error of the clone.

    The road has lanes −half_width … half_width; a car beyond them is off the road (the episode ends). Each step
    the driver steers left, straight or right (one lane). The expert steers back towards lane 0; it is recorded
    while a wind pushes it by wind[t] ∈ {−1, 0, 1} lanes, so its demonstrations show only the lanes it visited.
    The clone π(a|lane) is a softmax classifier on the one-hot lane, fitted to those (lane, action) pairs
    (L2 penalty 1/C, as scikit-learn's LogisticRegression). It is then driven on a calm road from lane 0, its
    action sampled from π each step, `runs` times (numpy generator seeded with `seed`). One round of DAgger (Ross,
    Gordon and Bagnell 2011) then asks the expert to label every on-road state of the clone's first `dagger_runs`
    runs (at most all of them), adds those pairs to the demonstrations, refits, and drives the new clone the same
    way (same seed).

    Returns:
        lanes: the road's lanes, left to right.
        demo_lanes: the lane of each demonstration pair.
        demo_actions: the expert's action of each pair (index into left, straight, right).
        demo_steer: the same actions as lane changes (−1 left, 0 straight, +1 right).
        seen: per lane, whether it occurs in the demonstrations.
        counts: per lane, how many demonstration pairs it has.
        probs: π(a|lane), one row per lane (left, straight, right).
        greedy: per lane, the most probable action.
        expert: per lane, the expert's action.
        mistake: per demonstration pair, 1 − π(expert action | lane).
        mean_mistake: their mean: the clone's error rate on the expert's own states.
        sample: the lanes of the first rollout, t = 0 … horizon (after leaving the road: the lane beyond the edge).
        sample_left_at: the step at which that rollout first stood on a lane never demonstrated (None if never).
        sample_off_at: the step at which it left the road (None if never).
        t: 0 … horizon.
        unseen: per step, the fraction of rollouts on a lane never demonstrated or already off the road.
        offroad: per step, the fraction of rollouts that have left the road by then.
        expert_lanes: the expert on the same calm road: lane 0 at every step.
        expert_offroad: the expert's share of runs off the road per step (0: it never leaves lane 0).
        dagger_added: how many expert-labelled pairs the DAgger round added.
        dagger_seen: per lane, whether it occurs in the aggregated data.
        dagger_probs: π(a|lane) refitted on the aggregated data.
        dagger_offroad: per step, the fraction of the new clone's runs that have left the road by then.
    """
    w = np.asarray(wind)
    if w.ndim != 1 or not 1 <= w.size <= MAX_STEPS or np.any(np.abs(w) > 1) or np.any(w != np.round(w)):
        raise ValueError(f"wind must be 1 to {MAX_STEPS} pushes, each −1, 0 or 1")
    if not 1 <= half_width <= MAX_LANES or not 1 <= horizon <= MAX_STEPS or not 1 <= runs <= MAX_RUNS or c <= 0 \
            or not 0 <= dagger_runs <= MAX_DAGGER_RUNS:
        raise ValueError(f"need 1 ≤ half_width ≤ {MAX_LANES}, 1 ≤ horizon ≤ {MAX_STEPS}, "
                         f"1 ≤ runs ≤ {MAX_RUNS}, 0 ≤ dagger_runs ≤ {MAX_DAGGER_RUNS} and C > 0")
    demo_lanes, demo_actions = demonstrate(w.astype(int).tolist())
    if max(abs(x) for x in demo_lanes) > half_width:
        raise ValueError("the expert's demonstrations leave the road: use a wider road")
    lanes = np.arange(-half_width, half_width + 1)
    probs = _clone(demo_lanes, demo_actions, half_width, c)
    counts = np.array([demo_lanes.count(int(x)) for x in lanes])
    seen = counts > 0
    mistake = 1 - probs[np.array(demo_lanes) + half_width, demo_actions]
    paths = _rollouts(probs, half_width, horizon, runs, seed)
    off = np.abs(paths) > half_width
    outside = off | ~seen[np.clip(paths, -half_width, half_width) + half_width]
    left = np.flatnonzero(outside[0])
    gone = np.flatnonzero(off[0])
    visited = [int(x) for x in paths[:dagger_runs].ravel() if abs(x) <= half_width]
    added = [expert_action(x) for x in visited]
    probs2 = _clone(demo_lanes + visited, demo_actions + added, half_width, c)
    paths2 = _rollouts(probs2, half_width, horizon, runs, seed)
    return jsonable({
        "lanes": lanes, "demo_lanes": demo_lanes, "demo_actions": demo_actions,
        "demo_steer": [ACTIONS[a] for a in demo_actions], "seen": seen, "counts": counts,
        "probs": probs, "greedy": probs.argmax(1), "expert": [expert_action(int(x)) for x in lanes],
        "mistake": mistake, "mean_mistake": float(mistake.mean()),
        "sample": paths[0],
        "sample_left_at": int(left[0]) if left.size else None,
        "sample_off_at": int(gone[0]) if gone.size else None,
        "t": np.arange(horizon + 1), "unseen": outside.mean(0), "offroad": off.mean(0),
        "expert_lanes": np.zeros(horizon + 1, dtype=int), "expert_offroad": np.zeros(horizon + 1),
        "dagger_added": len(visited), "dagger_seen": np.isin(lanes, demo_lanes + visited), "dagger_probs": probs2,
        "dagger_offroad": (np.abs(paths2) > half_width).mean(0)})


def _corridor(n: int) -> np.ndarray:
    """Transition matrices P[a] of a corridor of n cells (a = 0 left, 1 right; walls stop; the last cell absorbs)."""
    p = np.zeros((2, n, n))
    for s in range(n):
        for a, step in enumerate((-1, 1)):
            p[a, s, s if s == n - 1 else min(max(s + step, 0), n - 1)] = 1.0
    return p


def _policy_values(p: np.ndarray, policy: np.ndarray, reward: np.ndarray, gamma: float) -> np.ndarray:
    """V^π = (I − γ P_π)^{-1} R for a deterministic policy (reward R(s) received in s)."""
    p_pi = p[policy, np.arange(len(policy))]
    return np.linalg.solve(np.eye(len(policy)) - gamma * p_pi, reward)


def _optimal(p: np.ndarray, reward: np.ndarray, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """Optimal values and the greedy policy (ties go right) by value iteration to convergence."""
    v = np.zeros(len(reward))
    for _ in range(10000):
        q = reward[None, :] + gamma * p @ v
        new = q.max(0)
        if np.abs(new - v).max() < 1e-12:
            break
        v = new
    q = reward[None, :] + gamma * p @ v
    return v, np.where(q[1] >= q[0] - 1e-9, 1, 0)


def corridor_irl(reward: list[float], gamma: float = 0.8, lam: float = 0.5,
                 levels: list[float] | None = None) -> dict:
    """RL vs inverse RL on a corridor: reward → optimal policy, and the expert's policy → a reward that explains it.

    Cells 0 … n−1, actions left/right (walls stop the move), the last cell absorbs; R(s) is received in s, with
    discount γ. RL: value iteration on `reward` gives the expert's optimal policy (ties go right) and its
    demonstration from cell 0. IRL (Ng and Russell 2000, on a finite set of candidate rewards): every R with each
    cell's value in `levels` is tested; the expert's policy π is optimal for R when
    (P_π(s) − P_a(s))·(I − γP_π)^{-1}R ≥ 0 for every non-absorbing s and action a; among those, IRL picks the R
    that maximises Σ_s min_a of that margin minus λ‖R‖₁ (with two actions the min is the one other action; the
    first in enumeration order wins ties). RL on the picked R then gives a policy to compare with the expert's.

    Returns:
        cells: 0 … n−1.
        reward: the true reward (known to RL, hidden from IRL).
        values: V* under the true reward.
        policy: the optimal (expert's) action per cell, 1 right, 0 left (the absorbing cell's entry is 1).
        demo: the expert's demonstration: the cells visited from cell 0 until the absorbing cell.
        candidates: how many rewards IRL tested.
        consistent: how many of them make the expert's policy optimal.
        strict: how many make it the only optimal policy (every margin > 0).
        zero_consistent: whether R = 0 is among the consistent rewards (it always is: IRL alone is ambiguous).
        r_hat: the reward IRL picks.
        score: its objective Σ_s min_a margin − λ‖R‖₁.
        values_hat: V* under r_hat.
        policy_hat: the optimal policy under r_hat.
        same_policy: whether it equals the expert's policy.
    """
    r = np.asarray(reward, dtype=float)
    lv = np.asarray([-1.0, 0.0, 1.0] if levels is None else levels, dtype=float)
    if not 2 <= r.size <= 7 or not 1 <= lv.size <= 5 or lv.size ** r.size > 20000:
        raise ValueError("need 2 to 7 cells and 1 to 5 levels (at most 20000 candidate rewards)")
    if not 0 <= gamma < 1 or lam < 0 or not np.all(np.isfinite(r)) or not np.all(np.isfinite(lv)):
        raise ValueError("need 0 ≤ gamma < 1, lam ≥ 0 and finite rewards and levels")
    n = r.size
    p = _corridor(n)
    values, policy = _optimal(p, r, gamma)
    demo = [0]
    while demo[-1] != n - 1 and len(demo) <= n:
        demo.append(int(np.argmax(p[policy[demo[-1]], demo[-1]])))
    grid = np.stack(np.meshgrid(*[lv] * n, indexing="ij"), -1).reshape(-1, n)
    p_pi = p[policy, np.arange(n)]
    inv = np.linalg.inv(np.eye(n) - gamma * p_pi)
    other = p[1 - policy, np.arange(n)]
    margins = ((p_pi - other) @ inv @ grid.T)[:-1]  # non-absorbing cells × candidates
    ok = np.all(margins >= -1e-9, axis=0)
    score = margins.sum(axis=0) - lam * np.abs(grid).sum(1)
    best = int(np.flatnonzero(ok)[np.argmax(score[ok])])
    r_hat = grid[best]
    values_hat, policy_hat = _optimal(p, r_hat, gamma)
    return jsonable({
        "cells": np.arange(n), "reward": r, "values": values, "policy": policy, "demo": demo,
        "candidates": len(grid), "consistent": int(ok.sum()), "strict": int(np.all(margins > 1e-9, axis=0).sum()),
        "zero_consistent": bool(ok[np.all(grid == 0, axis=1)].any()), "r_hat": r_hat,
        "score": float(score[best]), "values_hat": values_hat, "policy_hat": policy_hat,
        "same_policy": bool(np.array_equal(policy_hat[:-1], policy[:-1]))})
