"""Where an RL learner's data comes from: the policy versions in an on-policy batch and a replay buffer, and
real steps vs planning updates in Dyna-Q (Sutton & Barto, 2nd ed., section 8.2, the tabular Dyna-Q box)."""

from __future__ import annotations

import numpy as np

from compute._common import jsonable

MAX_SLOTS = 200
MAX_CELLS = 30
MAX_EPISODES = 100
MAX_PLANNING = 200


def _count(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in {low}..{high}, got {value!r}")
    return value


def replay_versions(capacity: int, per_update: int, updates: int) -> dict:
    """Which policy version collected each transition a learner trains on, on-policy vs from a replay buffer.

    Policy π_0 collects `per_update` transitions, the learner updates it to π_1, π_1 collects the next ones,
    and so on; after `updates` updates π_k (k = `updates`) has just collected its batch. An on-policy learner
    trains on that batch only and then discards it; an off-policy learner keeps the newest `capacity`
    transitions in a first-in-first-out replay buffer and samples from all of them.

    Returns:
        current: k, the version being trained now.
        on_policy: the version of every transition of the on-policy batch (all k).
        buffer: the version of every transition in the replay buffer, oldest first.
        in_buffer: how many transitions the buffer holds.
        from_current: how many of them the current policy collected.
        fraction_current: from_current / in_buffer.
        versions: the distinct versions in the buffer, oldest first.
        oldest: the oldest version still in the buffer.
    """
    _count("capacity", capacity, 1, MAX_SLOTS)
    _count("per_update", per_update, 1, MAX_SLOTS)
    _count("updates", updates, 0, MAX_SLOTS)
    stream = [v for v in range(updates + 1) for _ in range(per_update)]
    buffer = stream[-capacity:]
    current = updates
    n_current = sum(1 for v in buffer if v == current)
    return jsonable({"current": current, "on_policy": [current] * per_update, "buffer": buffer,
                     "in_buffer": len(buffer), "from_current": n_current,
                     "fraction_current": n_current / len(buffer), "versions": sorted(set(buffer)),
                     "oldest": buffer[0]})


def _q_update(q: np.ndarray, s: int, r: float, s_next: int, terminal: bool, alpha: float, gamma: float) -> None:
    """Q(s, right) ← Q(s, right) + α·[r + γ·Q(s′, right) − Q(s, right)] (0 after a terminal s′)."""
    target = r + (0.0 if terminal else gamma * q[s_next])
    q[s] += alpha * (target - q[s])


def dyna_q_corridor(cells: int = 6, planning_steps: int = 5, episodes: int = 5, alpha: float = 1.0,
                    gamma: float = 0.9, seed: int = 0) -> dict:
    """Tabular Q-learning vs Dyna-Q on a corridor walked left to right: how far the value of the goal spreads.

    States 0 … cells−1; every real episode steps right from state 0 to the goal (state cells−1, terminal),
    reward 1 on the step into the goal and 0 on the others. After each real step both learners make the
    one-step Q-learning update on it (direct RL); Dyna-Q also stores the step in its model (deterministic:
    (s, a) → (r, s′)) and then makes `planning_steps` more updates on remembered steps, each chosen uniformly
    with numpy's default_rng(seed).integers (Sutton & Barto's tabular Dyna-Q, steps (d)–(f)). The only action
    taken is "right", so Q(s, right) is the state's value.

    Returns:
        steps_per_episode: real steps in one episode (cells − 1).
        model_free: Q-learning: `values` (Q of states 0 … cells−2 after each episode, one list per episode),
            `first_episode` (the first episode after which the start state's value is above 0, or null),
            `real_steps` and `updates` made until then (or null), `updates_per_step` (1).
        dyna: the same for Dyna-Q, whose `updates_per_step` is 1 + planning_steps.
    """
    _count("cells", cells, 2, MAX_CELLS)
    _count("planning_steps", planning_steps, 0, MAX_PLANNING)
    _count("episodes", episodes, 1, MAX_EPISODES)
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    steps = cells - 1
    rng = np.random.default_rng(seed)
    learners = {}
    for name, n_plan in (("model_free", 0), ("dyna", planning_steps)):
        q = np.zeros(cells)
        model: dict[int, tuple[float, int, bool]] = {}
        history, first = [], None
        for episode in range(1, episodes + 1):
            for s in range(steps):
                r, s_next, terminal = (1.0 if s + 1 == steps else 0.0), s + 1, s + 1 == steps
                _q_update(q, s, r, s_next, terminal, alpha, gamma)
                model[s] = (r, s_next, terminal)
                seen = list(model)
                for _ in range(n_plan):
                    ps = seen[int(rng.integers(len(seen)))]
                    _q_update(q, ps, *model[ps], alpha, gamma)
            history.append(q[:steps].copy())
            if first is None and q[0] > 0:
                first = episode
        per_step = 1 + n_plan
        learners[name] = {"values": history, "first_episode": first,
                          "real_steps": None if first is None else first * steps,
                          "updates": None if first is None else first * steps * per_step,
                          "updates_per_step": per_step}
    return jsonable({"steps_per_episode": steps, **learners})
