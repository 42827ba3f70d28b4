"""Episodes of a small episodic environment under a fixed policy: every trajectory exactly, or sampled ones.

The environment is a Markov reward process (the policy folded into the transitions): `env[state]` lists the
steps out of `state`, each {p, r, to} = probability π(a|s)·P(s′|s,a) of moving to state `to`, and the reward
received on the way. A state with no entry (or an empty list) is terminal. The graph must be acyclic, so
every episode ends and the trajectories from a state can be listed.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
from typing_extensions import TypedDict

from compute._common import jsonable

MAX_DEPTH = 40
MAX_TRAJECTORIES = 1000
MAX_EPISODES = 20_000


class Step(TypedDict):
    """One transition out of a state: its probability, its reward and the next state."""

    p: float
    r: float
    to: str


def _check(env: dict[str, list[Step]], start: str, gamma: float) -> None:
    if start not in env or not env[start]:
        raise ValueError(f"start state {start!r} must have at least one step in env")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    for s, steps in env.items():
        ps = [float(x["p"]) for x in steps]
        if steps and (min(ps) < 0 or abs(sum(ps) - 1) > 1e-6):
            raise ValueError(f"the step probabilities out of {s!r} must form a distribution (sum {sum(ps):.6g})")
        for x in steps:
            if not np.isfinite(float(x["r"])):
                raise ValueError(f"reward out of {s!r} must be finite")


def _walk(env: dict[str, list[Step]], state: str, depth: int):
    """Yield (states, rewards, probability, step choices) of every trajectory from `state` to a terminal state."""
    if depth > MAX_DEPTH:
        raise ValueError(f"an episode is longer than {MAX_DEPTH} steps: env must be acyclic")
    steps = env.get(state) or []
    if not steps:
        yield [state], [], 1.0, ()
        return
    for i, x in enumerate(steps):
        for states, rewards, p, choices in _walk(env, x["to"], depth + 1):
            yield [state, *states], [float(x["r"]), *rewards], float(x["p"]) * p, (i, *choices)


def _discounted(rewards: list[float], gamma: float) -> float:
    return float(sum(gamma ** k * r for k, r in enumerate(rewards)))


def trajectory_values(env: dict[str, list[Step]], start: str, gamma: float = 1.0) -> dict:
    """Every trajectory from `start`, its probability and return, and V(start) = Σ_τ P(τ)·G(τ).

    P(τ) is the product of the step probabilities along τ and G(τ) = Σ_k γ^k r_{k+1} its discounted return;
    the value is their probability-weighted mean, V(s) = E[G | S_t = s]. Trajectories come depth-first, in
    the order the steps are listed.

    Returns:
        states: the states visited by each trajectory (start first, a terminal state last).
        rewards: the rewards received along each trajectory.
        choices: the index of the step taken out of each state along each trajectory (identifies it even when
            two steps lead to the same state).
        probs: P(τ) per trajectory (they sum to 1).
        returns: G(τ) per trajectory.
        terms: P(τ)·G(τ) per trajectory (they sum to the value).
        value: V(start).
        std: the standard deviation of the return, sqrt(Σ_τ P(τ)·(G(τ) − V)²).
    """
    _check(env, start, gamma)
    trajs = []
    for t in _walk(env, start, 0):
        trajs.append(t)
        if len(trajs) > MAX_TRAJECTORIES:
            raise ValueError(f"more than {MAX_TRAJECTORIES} trajectories from {start!r}")
    probs = np.array([t[2] for t in trajs])
    returns = np.array([_discounted(t[1], gamma) for t in trajs])
    value = float(probs @ returns)
    return jsonable({"states": [t[0] for t in trajs], "rewards": [t[1] for t in trajs],
                     "choices": [list(t[3]) for t in trajs], "probs": probs,
                     "returns": returns, "terms": probs * returns, "value": value,
                     "std": float(np.sqrt(probs @ (returns - value) ** 2))})


def mc_rollouts(env: dict[str, list[Step]], start: str, episodes: int = 100, gamma: float = 1.0,
                seed: int = 0) -> dict:
    """Monte-Carlo estimate of V(start): sample `episodes` complete episodes, average their returns.

    Each episode starts in `start` and draws every next step with its probability (inverse CDF of a uniform
    from numpy default_rng(seed))
    until a terminal state. The estimate after n episodes is the running mean of the first n returns; the
    exact value and spread come from `trajectory_values`, so the band V ± 2σ/√n shows how fast the mean
    settles (about 95% of runs stay inside it).

    Returns:
        returns: G of each sampled episode.
        trajectory: the index (into trajectory_values' list) of the trajectory each episode followed.
        counts: how many episodes followed each trajectory.
        frequencies: counts / episodes, which approach the probabilities P(τ).
        n: 1 … episodes.
        estimates: the running mean of the returns after each episode.
        estimate: the final estimate.
        true_value: the exact V(start).
        std: the standard deviation σ of one return.
        upper: V + 2σ/√n per n.
        lower: V − 2σ/√n per n.
        error: estimate − true_value.
    """
    if not 1 <= episodes <= MAX_EPISODES:
        raise ValueError(f"episodes must be in [1, {MAX_EPISODES}], got {episodes}")
    exact = trajectory_values(env=env, start=start, gamma=gamma)
    index = {tuple(c): i for i, c in enumerate(exact["choices"])}
    cum = {s: np.cumsum([float(x["p"]) for x in steps]).tolist() for s, steps in env.items() if steps}
    rng = np.random.default_rng(seed)
    returns, which = np.zeros(episodes), []
    for e in range(episodes):
        state, path, rewards = start, [], []
        while env.get(state):
            steps = env[state]
            k = min(bisect_right(cum[state], float(rng.random())), len(steps) - 1)  # inverse CDF
            rewards.append(float(steps[k]["r"]))
            state = steps[k]["to"]
            path.append(k)
        returns[e] = _discounted(rewards, gamma)
        which.append(index[tuple(path)])
    n = np.arange(1, episodes + 1)
    est = np.cumsum(returns) / n
    counts = np.bincount(which, minlength=len(exact["probs"]))
    half = 2 * exact["std"] / np.sqrt(n)
    v = exact["value"]
    return jsonable({"returns": returns, "trajectory": which, "counts": counts, "frequencies": counts / episodes,
                     "n": n, "estimates": est, "estimate": float(est[-1]), "true_value": v, "std": exact["std"],
                     "upper": v + half, "lower": v - half, "error": float(est[-1] - v)})


def return_terms(rewards: list[float], gamma: float = 1.0) -> dict:
    """The return of every step of one episode, term by term: G_t = Σ_{k>t} γ^{k−t−1}·r_k.

    `rewards[k-1]` is r_k, received on the step from s_{k-1} to s_k (k = 1..T). Row t of the matrices is
    G_t; column k−1 is reward r_k, which enters the returns of the steps before it only.

    Returns:
        terms: (T+1)×T matrix, terms[t][k-1] = γ^{k−t−1}·r_k for k > t, else 0 (row T, the terminal state, is
            all 0).
        weights: the discount γ^{k−t−1} of each term (0 where the reward is not part of G_t).
        mask: true where r_k is part of G_t (k > t).
        returns: G_0 … G_T, the row sums of terms.
    """
    r = np.asarray(rewards, dtype=float)
    if r.ndim != 1 or r.size == 0 or not np.all(np.isfinite(r)):
        raise ValueError("rewards must be a non-empty list of finite numbers")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    t = np.arange(r.size + 1)[:, None]
    k = np.arange(1, r.size + 1)[None, :]
    mask = k > t
    weights = np.where(mask, float(gamma) ** np.maximum(k - t - 1, 0), 0.0)
    terms = weights * r[None, :]
    return jsonable({"terms": terms, "weights": weights, "mask": mask, "returns": terms.sum(1)})
