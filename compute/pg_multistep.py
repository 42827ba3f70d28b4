"""REINFORCE over multi-step trajectories of a tiny deterministic MDP with a tabular softmax policy.

The policy is π(·|s) = softmax(θ[s]) over the actions of state s, θ an S × A table. Each of N seeded
trajectories runs T steps from `start`: a_t ~ π(·|s_t), r_t = rewards[s_t][a_t], s_{t+1} = next_state[s_t][a_t].
The estimate is ĝ = (1/N) Σ_i Σ_t ∇_θ log π(a_t|s_t)·G_t with the reward-to-go G_t = Σ_{k≥t} γ^{k−t} r_k, and
∇_θ log π(a|s) is e_a − π(·|s) in row s and zero elsewhere.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from compute._common import arr, jsonable, softmax

MAX_STEPS = 8  # the exact J enumerates A^T action sequences


def _tables(logits: list[list[float]], next_state: list[list[int]], rewards: list[list[float]],
            start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """θ, the transition table and the reward table, checked to share the shape S × A."""
    theta = arr(logits, "logits", ndim=2)
    nxt = np.asarray(next_state, dtype=int)
    rew = arr(rewards, "rewards", ndim=2)
    if nxt.shape != theta.shape or rew.shape != theta.shape:
        raise ValueError(f"logits, next_state and rewards must all be S × A, got {list(theta.shape)}, "
                         f"{list(nxt.shape)}, {list(rew.shape)}")
    if np.any(nxt < 0) or np.any(nxt >= theta.shape[0]) or not 0 <= start < theta.shape[0]:
        raise ValueError(f"states must be indices in 0..{theta.shape[0] - 1}")
    return theta, nxt, rew


def _reward_to_go(r: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = r_t + γ·G_{t+1}, G_T = 0."""
    g = np.zeros_like(r)
    acc = 0.0
    for t in range(r.size - 1, -1, -1):
        acc = r[t] + gamma * acc
        g[t] = acc
    return g


def _exact(probs: np.ndarray, nxt: np.ndarray, rew: np.ndarray, start: int, steps: int,
           gamma: float) -> tuple[float, np.ndarray]:
    """J(θ) and ∇_θ J by enumerating every action sequence: Σ_τ p(τ)·R(τ) and Σ_τ p(τ)·R(τ)·Σ_t ∇log π."""
    n_s, n_a = probs.shape
    j, grad = 0.0, np.zeros((n_s, n_a))
    for seq in product(range(n_a), repeat=steps):
        s, p, ret, score = start, 1.0, 0.0, np.zeros((n_s, n_a))
        for t, a in enumerate(seq):
            p *= probs[s, a]
            ret += gamma ** t * rew[s, a]
            score[s] += np.eye(n_a)[a] - probs[s]
            s = nxt[s, a]
        j += p * ret
        grad += p * ret * score
    return j, grad


def reinforce_trajectories(logits: list[list[float]], next_state: list[list[int]], rewards: list[list[float]],
                           start: int = 0, episodes: int = 3, steps: int = 3, gamma: float = 1.0,
                           lr: float = 0.5, seed: int = 0) -> dict:
    """Sample `episodes` trajectories of `steps` steps and form the REINFORCE gradient and one ascent step.

    Returns:
        probs: π(·|s) per state before the update (S × A).
        states: s_0 … s_T per trajectory (N × (T+1)).
        actions: a_0 … a_{T−1} (N × T).
        rewards: r_0 … r_{T−1} (N × T), r_t earned by taking a_t in s_t.
        returns: the reward-to-go G_t (N × T).
        totals: R(τ⁽ⁱ⁾) = G_0 per trajectory (N).
        pi_taken: π(a_t|s_t) (N × T).
        push: G_t·(1 − π(a_t|s_t)), the step's push on θ[s_t, a_t] (N × T).
        scores: ∇_θ log π(a_t|s_t) flattened to S·A (N × T × S·A).
        per_trajectory: Σ_t G_t·∇_θ log π(a_t|s_t) flattened to S·A (N × S·A).
        gradient: ĝ, the mean of per_trajectory (S·A, state-major).
        logits_after: θ + lr·ĝ (S × A).
        probs_after: π(·|s) after the update (S × A).
        objective: J(θ), the exact expected return from `start` (every action sequence enumerated).
        objective_after: J after the update.
        exact_gradient: ∇_θ J, exact (S·A, state-major).
        step_labels: "s_{k}, a_{j}" per step, 1-based (N × T).
        next_labels: "s_{k}" for next_state, 1-based (S × A).
    """
    theta, nxt, rew = _tables(logits, next_state, rewards, int(start))
    if episodes < 1 or not 1 <= steps <= MAX_STEPS or not 0 <= gamma <= 1:
        raise ValueError(f"episodes must be ≥ 1, steps in 1..{MAX_STEPS} and gamma in [0, 1]")
    n_s, n_a = theta.shape
    probs = softmax(theta, axis=1)
    rng = np.random.default_rng(seed)
    states = np.zeros((episodes, steps + 1), dtype=int)
    actions = np.zeros((episodes, steps), dtype=int)
    rs = np.zeros((episodes, steps))
    scores = np.zeros((episodes, steps, n_s, n_a))
    states[:, 0] = int(start)
    for i in range(episodes):
        for t in range(steps):
            s = states[i, t]
            a = int(rng.choice(n_a, p=probs[s]))
            actions[i, t], rs[i, t], states[i, t + 1] = a, rew[s, a], nxt[s, a]
            scores[i, t, s] = np.eye(n_a)[a] - probs[s]
    returns = np.stack([_reward_to_go(r, gamma) for r in rs])
    pi_taken = probs[states[:, :-1], actions]
    per_traj = (returns[:, :, None, None] * scores).sum(1).reshape(episodes, -1)
    grad = per_traj.mean(0)
    after = theta + lr * grad.reshape(n_s, n_a)
    j, exact = _exact(probs, nxt, rew, int(start), steps, gamma)
    j_after, _ = _exact(softmax(after, axis=1), nxt, rew, int(start), steps, gamma)
    return jsonable({"probs": probs, "states": states, "actions": actions, "rewards": rs, "returns": returns,
                     "totals": returns[:, 0], "pi_taken": pi_taken, "push": returns * (1 - pi_taken),
                     "scores": scores.reshape(episodes, steps, -1), "per_trajectory": per_traj,
                     "gradient": grad, "logits_after": after, "probs_after": softmax(after, axis=1),
                     "objective": j, "objective_after": j_after, "exact_gradient": exact.reshape(-1),
                     "step_labels": [[f"s_{{{s + 1}}}, a_{{{a + 1}}}" for s, a in zip(ss, aa, strict=False)]
                                     for ss, aa in zip(states, actions, strict=True)],
                     "next_labels": [[f"s_{{{k + 1}}}" for k in row] for row in nxt]})
