"""Deterministic policy gradients (Silver et al. 2014), DDPG's soft target updates (Lillicrap et al. 2015) and
TD3's clipped double-Q target with a delayed policy update (Fujimoto et al. 2018), on examples small enough to
print: a one-dimensional action, a linear-tanh actor and quadratic critics."""

from __future__ import annotations

import numpy as np

from compute._common import arr, jsonable

MAX_DIM = 64
MAX_POINTS = 201
MAX_STEPS = 200


def _quadratic_q(a: np.ndarray | float, peak: float, height: float, curvature: float) -> np.ndarray | float:
    """Q(a) = height − curvature · (a − peak)²: a critic with one best action, `peak`."""
    return height - curvature * (np.asarray(a) - peak) ** 2


def dpg_step(theta: list[float], state: list[float], critic_k: list[float], critic_v: list[float],
             critic_c: float = 1.0, lr: float = 0.5, points: int = 21, a_min: float = -1.0,
             a_max: float = 1.0) -> dict:
    """One deterministic policy gradient step for an actor μ_θ(s) = tanh(θ·s) and a critic
    Q(s, a) = v·s − c·(a − k·s)².

    The actor's gradient is the chain rule ∇_θ Q(s, μ_θ(s)) = ∂Q/∂a · ∇_θ μ_θ(s): the critic says which way the
    action should move (its slope at a = μ_θ(s)), the actor's Jacobian says how θ moves the action. No sum or
    expectation over actions is needed, unlike the stochastic policy gradient.

    Returns:
        pre: θ·s.
        action: a = μ_θ(s) = tanh(θ·s).
        q: Q(s, a).
        best_action: k·s, where the critic peaks (the action Q prefers).
        q_best: Q at best_action.
        dq_da: ∂Q/∂a at a, −2c(a − k·s).
        dmu_dtheta: ∇_θ μ = (1 − a²)·s.
        grad_theta: dq_da · dmu_dtheta (one entry per weight).
        theta_after: θ + lr · grad_theta (gradient ascent).
        action_after: the new actor's action tanh(θ_after·s).
        q_after: Q at action_after.
        a_grid: `points` actions in [a_min, a_max] (within [−1, 1], the range of tanh).
        q_grid: Q(s, ·) on a_grid.
        tangent_x: a ± 0.15.
        tangent_y: the tangent of Q at a over tangent_x (its slope is dq_da).
    """
    th, s = arr(theta, "theta", ndim=1), arr(state, "state", ndim=1)
    k, v = arr(critic_k, "critic_k", ndim=1), arr(critic_v, "critic_v", ndim=1)
    if not (1 <= s.size <= MAX_DIM and th.size == s.size == k.size == v.size):
        raise ValueError(f"theta, state, critic_k and critic_v need one equal length in 1..{MAX_DIM}, got "
                         f"{th.size}, {s.size}, {k.size}, {v.size}")
    if critic_c <= 0 or lr < 0:
        raise ValueError(f"critic_c must be > 0 and lr ≥ 0, got {critic_c} and {lr}")
    if not 3 <= points <= MAX_POINTS:
        raise ValueError(f"points must be in 3..{MAX_POINTS}, got {points}")
    if not -1.0 <= a_min < a_max <= 1.0:
        raise ValueError(f"need −1 ≤ a_min < a_max ≤ 1, got {a_min} and {a_max}")
    peak, height = float(k @ s), float(v @ s)
    pre = float(th @ s)
    a = float(np.tanh(pre))
    dq_da = -2.0 * critic_c * (a - peak)
    dmu = (1.0 - a * a) * s
    grad = dq_da * dmu
    th2 = th + lr * grad
    a2 = float(np.tanh(th2 @ s))
    grid = np.linspace(a_min, a_max, points)
    q = float(_quadratic_q(a, peak, height, critic_c))
    tx = np.array([a - 0.15, a + 0.15])
    return jsonable({"pre": pre, "action": a, "q": q, "best_action": peak,
                     "q_best": float(_quadratic_q(peak, peak, height, critic_c)), "dq_da": dq_da,
                     "dmu_dtheta": dmu, "grad_theta": grad, "theta_after": th2, "action_after": a2,
                     "q_after": float(_quadratic_q(a2, peak, height, critic_c)), "a_grid": grid,
                     "q_grid": _quadratic_q(grid, peak, height, critic_c), "tangent_x": tx,
                     "tangent_y": q + dq_da * (tx - a)})


def soft_update(online: list[list[float]], target: list[float], tau: float = 0.005,
                copy_every: int | None = None) -> dict:
    """Target weights following online weights: θ′ ← τθ + (1 − τ)θ′ after every step (DDPG, TD3), and, for
    comparison, DQN's hard copy θ′ ← θ every `copy_every` steps.

    `online` holds the online network's weights after each training step (one row per step), `target` the
    target network's weights at the start.

    Returns:
        soft: the target weights after each step (one row per step), soft-updated.
        soft_start: `target` followed by `soft` (for a line chart from step 0).
        hard: the same with hard copies (rows equal to `target` until the first copy); empty without copy_every.
        hard_start: `target` followed by `hard`.
        gap: |online − soft target| after each step, per weight.
        steps: 1 … number of steps.
        steps_start: 0 … number of steps.
        kept: 1 − τ, the share of the old target weight kept at each step.
        online_series: per weight, its online values at steps 1 … n (for a chart line).
        soft_series: per weight, its soft target values at steps 0 … n.
        hard_series: per weight, its hard-copied target values at steps 0 … n (empty without copy_every).
    """
    on = arr(online, "online", ndim=2)
    tg = arr(target, "target", ndim=1)
    if not (1 <= on.shape[0] <= MAX_STEPS and on.shape[1] == tg.size and tg.size <= MAX_DIM):
        raise ValueError(f"online needs 1..{MAX_STEPS} rows of len(target) = {tg.size} ≤ {MAX_DIM} weights, got "
                         f"shape {list(on.shape)}")
    if not 0 < tau <= 1:
        raise ValueError(f"tau must be in (0, 1], got {tau}")
    if copy_every is not None and not 1 <= copy_every <= MAX_STEPS:
        raise ValueError(f"copy_every must be in 1..{MAX_STEPS}, got {copy_every}")
    soft, hard = [], []
    cur, cur_hard = tg.copy(), tg.copy()
    for step, row in enumerate(on, start=1):
        cur = tau * row + (1.0 - tau) * cur
        soft.append(cur.copy())
        if copy_every is not None:
            if step % copy_every == 0:
                cur_hard = row.copy()
            hard.append(cur_hard.copy())
    n = on.shape[0]
    return jsonable({"soft": soft, "soft_start": [tg, *soft], "hard": hard,
                     "hard_start": [tg, *hard] if hard else [], "gap": np.abs(on - np.array(soft)),
                     "steps": list(range(1, n + 1)), "steps_start": list(range(n + 1)), "kept": 1.0 - tau,
                     "online_series": on.T, "soft_series": np.array([tg, *soft]).T,
                     "hard_series": np.array([tg, *hard]).T if hard else []})


def td3_target(reward: float, target_action: float, noise: float, critics: list[dict], gamma: float = 0.99,
               done: bool = False, noise_clip: float = 0.5, action_low: float = -1.0,
               action_high: float = 1.0) -> dict:
    """The critic targets of DDPG and TD3 for one transition (s, a, r, s′), with target critics that are
    quadratic in the next action: Q′_i(s′, a′) = height − curvature·(a′ − peak)², given per critic as
    {peak, height, curvature}.

    DDPG: y = r + γ(1 − d)·Q′_1(s′, μ′(s′)). TD3 smooths the target policy, ã = clip(μ′(s′) + clip(ε, −c, c),
    low, high), and takes the smaller of two target critics: y = r + γ(1 − d)·min_i Q′_i(s′, ã).

    Returns:
        clipped_noise: clip(ε, −c, c).
        smoothed_action: ã.
        q_ddpg_next: Q′_1(s′, μ′(s′)).
        q_next: [Q′_1(s′, ã), Q′_2(s′, ã), …].
        q_min: their minimum.
        argmin: the index of the critic that gave it.
        y_ddpg: DDPG's target.
        y_td3: TD3's target.
        lower_by: y_ddpg − y_td3.
    """
    if not 1 <= len(critics) <= 8:
        raise ValueError(f"critics takes 1..8 target critics, got {len(critics)}")
    if not 0 <= gamma <= 1 or noise_clip < 0 or action_low >= action_high:
        raise ValueError("gamma must be in [0, 1], noise_clip ≥ 0 and action_low < action_high")
    params = []
    for i, c in enumerate(critics):
        if set(c) != {"peak", "height", "curvature"}:
            raise ValueError(f"critics[{i}] needs exactly peak, height and curvature, got {sorted(c)}")
        params.append(arr([c["peak"], c["height"], c["curvature"]], f"critics[{i}]"))
    arr([reward, target_action, noise], "reward, target_action and noise")
    eps = float(np.clip(noise, -noise_clip, noise_clip))
    smoothed = float(np.clip(target_action + eps, action_low, action_high))
    keep = 0.0 if done else gamma
    q_ddpg = float(_quadratic_q(target_action, *params[0]))
    qs = [float(_quadratic_q(smoothed, *p)) for p in params]
    i_min = int(np.argmin(qs))
    y_ddpg, y_td3 = reward + keep * q_ddpg, reward + keep * qs[i_min]
    return jsonable({"clipped_noise": eps, "smoothed_action": smoothed, "q_ddpg_next": q_ddpg, "q_next": qs,
                     "q_min": qs[i_min], "argmin": i_min, "y_ddpg": y_ddpg, "y_td3": y_td3,
                     "lower_by": y_ddpg - y_td3})


def td3_schedule(steps: int, policy_delay: int = 2) -> dict:
    """Which networks a training step updates. DDPG: critic, actor and both soft target updates every step.
    TD3: the twin critics every step; the actor and the soft target updates only every `policy_delay` steps
    (on steps t with t mod policy_delay = 0, counting from 1).

    Returns:
        step: 1 … steps.
        critic: all true (both critics learn every step).
        actor: true on the delayed steps (TD3).
        targets: true on the same steps (the soft target updates).
        actor_updates: how many actor updates over the run (TD3).
        critic_updates: how many critic updates (= steps).
        ddpg_actor_updates: DDPG's actor updates (= steps).
    """
    if not 1 <= steps <= MAX_STEPS or not 1 <= policy_delay <= MAX_STEPS:
        raise ValueError(f"steps and policy_delay must be in 1..{MAX_STEPS}, got {steps} and {policy_delay}")
    actor = [t % policy_delay == 0 for t in range(1, steps + 1)]
    return {"step": list(range(1, steps + 1)), "critic": [True] * steps, "actor": actor, "targets": list(actor),
            "actor_updates": sum(actor), "critic_updates": steps, "ddpg_actor_updates": steps}
