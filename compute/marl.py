"""Multi-agent and hierarchical RL on small named configurations: a lane-change game, MADDPG's network sizes,
and a feudal hierarchy's regions and time scales."""

from __future__ import annotations

import itertools
import math

from compute._common import arr, jsonable

MAX_AGENTS = 8
MAX_LANES = 12
MAX_LEVELS = 6
MAX_STEPS = 256


def _count(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return value


def _lanes_after(positions: list[int], actions: list[int], n_lanes: int) -> list[int]:
    return [min(max(p + a, 0), n_lanes - 1) for p, a in zip(positions, actions, strict=True)]


def _rewards(lanes: list[int]) -> list[int]:
    return [1 if lanes.count(lane) == 1 else -1 for lane in lanes]


def lane_game(n_lanes: int, positions: list[int], actions: list[int]) -> dict:
    """One step of a cooperative lane-change game: N cars on an n_lanes road, each moving left/staying/right.

    Action −1 moves one lane left, 0 stays, +1 moves right (clipped at the road's edges). Each car observes only
    its neighbourhood before the step: [left lane, own lane, right lane], 1 where another car is, 0 where the
    lane is free, −1 beyond the road's edge. A car's reward is +1 if it ends the step alone in its lane and −1
    if it shares it, so every reward depends on the joint action of all cars.

    Returns:
        observations: one 3-cell local view per car.
        joint_action: the actions as one tuple (a_0, …, a_{N-1}).
        joint_index: its index among all joint actions (mixed radix, base 3, a_0 most significant).
        new_lanes: each car's lane after the step.
        rewards: one reward per car.
        team_reward: the sum of the rewards.
        n_actions: 3, the actions of one car.
        joint_size: 3^N, the number of joint actions.
        safe_joint: how many joint actions leave every car alone in its lane.
        collided: per car, True where it shares its new lane.
        before_grid: the road before the step, one row per car, 1 in the column of its lane.
        after_grid: the same after the step.
        occupancy: how many cars each lane holds after the step.
        on_road: per car, [left, own, right] True where the view is on the road (False beyond its edge).
    """
    _count("n_lanes", n_lanes, 2, MAX_LANES)
    n = _count("number of cars", len(positions), 1, MAX_AGENTS)
    if len(actions) != n:
        raise ValueError(f"one action per car: {n} positions, {len(actions)} actions")
    for p in positions:
        _count("position", p, 0, n_lanes - 1)
    if len(set(positions)) != n:
        raise ValueError(f"cars start in distinct lanes, got {positions}")
    if any(a not in (-1, 0, 1) for a in actions):
        raise ValueError(f"actions are −1, 0 or +1, got {actions}")

    def view(i: int) -> list[int]:
        cells = []
        for lane in (positions[i] - 1, positions[i], positions[i] + 1):
            inside = 0 <= lane < n_lanes
            cells.append(-1 if not inside else int(any(p == lane for j, p in enumerate(positions) if j != i)))
        return cells

    lanes = _lanes_after(positions, actions, n_lanes)
    rewards = _rewards(lanes)
    safe = sum(all(r == 1 for r in _rewards(_lanes_after(positions, list(joint), n_lanes)))
               for joint in itertools.product((-1, 0, 1), repeat=n))
    index = sum((a + 1) * 3 ** (n - 1 - i) for i, a in enumerate(actions))
    return jsonable({"observations": [view(i) for i in range(n)], "joint_action": list(actions),
                     "joint_index": index, "new_lanes": lanes, "rewards": rewards, "team_reward": sum(rewards),
                     "n_actions": 3, "joint_size": 3 ** n, "safe_joint": safe,
                     "collided": [r < 0 for r in rewards], "before_grid": _one_hot(positions, n_lanes),
                     "after_grid": _one_hot(lanes, n_lanes), "occupancy": [lanes.count(k) for k in range(n_lanes)],
                     "on_road": [[0 <= p + d < n_lanes for d in (-1, 0, 1)] for p in positions]})


def _one_hot(lanes: list[int], n_lanes: int) -> list[list[int]]:
    return [[int(k == lane) for k in range(n_lanes)] for lane in lanes]


def _mlp_params(sizes: list[int]) -> int:
    return sum(i * o + o for i, o in itertools.pairwise(sizes))


def maddpg_sizes(obs_dims: list[int], act_dims: list[int], hidden: list[int],
                 observations: list[list[float]] | None = None, actions: list[list[float]] | None = None) -> dict:
    """Input and parameter sizes of MADDPG's networks: N decentralised actors, N centralised critics (MLPs).

    Actor π_i maps its own observation o_i to its action a_i (obs_dims[i] → hidden … → act_dims[i]); critic Q_i
    reads every observation and every action, [o_1, …, o_N, a_1, …, a_N] → hidden … → 1. Each layer is a
    Linear with bias. Given one observation and one action per agent, the critic's input vector is built too.

    Returns:
        n_agents: N.
        actor_inputs: obs_dims[i] per actor.
        actor_outputs: act_dims[i] per actor.
        actor_params: parameters of each actor.
        critic_input: Σ obs_dims + Σ act_dims, the width of every critic's input.
        obs_total: Σ obs_dims.
        act_total: Σ act_dims.
        critic_params: parameters of one critic.
        total_params: all actors plus all critics (target copies not counted).
        critic_share: how many times wider a critic's input is than actor 1's.
        critic_vector: [o_1, a_1, o_2, a_2, …, o_N, a_N] concatenated agent by agent (only when observations
            and actions are given; the order of the inputs is a convention, an MLP learns any order).
    """
    n = _count("number of agents", len(obs_dims), 1, MAX_AGENTS)
    if len(act_dims) != n:
        raise ValueError(f"one action size per agent: {n} observation sizes, {len(act_dims)} action sizes")
    for name, d in [*(("obs_dims", d) for d in obs_dims), *(("act_dims", d) for d in act_dims),
                    *(("hidden", d) for d in hidden)]:
        _count(name, d, 1, 4096)
    if len(hidden) > 4:
        raise ValueError(f"at most 4 hidden layers, got {len(hidden)}")
    actor = [_mlp_params([o, *hidden, a]) for o, a in zip(obs_dims, act_dims, strict=True)]
    width = sum(obs_dims) + sum(act_dims)
    critic = _mlp_params([width, *hidden, 1])
    out = {"n_agents": n, "actor_inputs": list(obs_dims), "actor_outputs": list(act_dims),
                     "actor_params": actor, "critic_input": width, "obs_total": sum(obs_dims),
                     "act_total": sum(act_dims), "critic_params": critic, "total_params": sum(actor) + n * critic,
           "critic_share": width / obs_dims[0]}
    if (observations is None) != (actions is None):
        raise ValueError("give both observations and actions, or neither")
    if observations is not None and actions is not None:
        if len(observations) != n or len(actions) != n:
            raise ValueError(f"one observation and one action per agent ({n}), got {len(observations)} and "
                             f"{len(actions)}")
        parts = [p for pair in zip(observations, actions, strict=True) for p in pair]
        sizes = [d for pair in zip(obs_dims, act_dims, strict=True) for d in pair]
        if [len(p) for p in parts] != sizes:
            raise ValueError(f"observation/action lengths {[len(p) for p in parts]} do not match the sizes {sizes}")
        out["critic_vector"] = [float(x) for p in parts for x in arr(p, "observations/actions", ndim=1)]
    return jsonable(out)


def feudal_hierarchy(levels: int, split: int, horizon: int, cell: list[int]) -> dict:
    """Regions and decision times of a feudal hierarchy over a square grid (Dayan & Hinton, 1993).

    Level 1 is one manager over the whole map; each level below splits every region into split × split
    sub-regions, so level l has split^(2(l−1)) managers over a side of split^(l−1) regions, and the bottom level's
    regions are the primitive cells. A manager at level l sets a goal for its sub-manager every
    split^(levels−l) steps; the bottom level acts every step.

    Returns:
        sides: regions per side at each level, split^(l−1).
        counts: managers (regions) at each level, sides².
        periods: steps between two decisions at each level, split^(levels−l).
        decisions: how many decisions each level makes in `horizon` steps.
        starts: per level, the steps at which it decides (0, period, 2·period, …).
        regions: per level, the [row, column] of the region holding `cell` (a bottom-level cell).
        masks: per level, a sides × sides 0/1 grid with 1 at that region.
        bottom_masks: per level, a bottom-size grid with 1 on the cells that region covers.
        numbers: per level, a sides × sides grid of the regions' numbers 1 … sides², row by row.
    """
    _count("levels", levels, 2, MAX_LEVELS)
    _count("split", split, 2, 4)
    side = split ** (levels - 1)
    if side > 64:
        raise ValueError(f"the bottom grid has side split^(levels-1) = {side}; at most 64")
    _count("horizon", horizon, 1, MAX_STEPS)
    if len(cell) != 2:
        raise ValueError(f"cell is [row, column], got {cell}")
    row, col = (_count("cell", c, 0, side - 1) for c in cell)
    sides = [split ** (lv - 1) for lv in range(1, levels + 1)]
    periods = [split ** (levels - lv) for lv in range(1, levels + 1)]
    regions, masks, bottom = [], [], []
    for s in sides:
        width = side // s
        r, c = row // width, col // width
        regions.append([r, c])
        masks.append([[int(i == r and j == c) for j in range(s)] for i in range(s)])
        bottom.append([[int(i // width == r and j // width == c) for j in range(side)] for i in range(side)])
    return jsonable({"sides": sides, "counts": [s * s for s in sides], "periods": periods,
                     "decisions": [math.ceil(horizon / p) for p in periods],
                     "starts": [list(range(0, horizon, p)) for p in periods], "regions": regions,
                     "masks": masks, "bottom_masks": bottom,
                     "numbers": [[[i * s + j + 1 for j in range(s)] for i in range(s)] for s in sides]})
