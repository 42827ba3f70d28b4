"""A deterministic policy rolled out in a small finite MDP given as a map: the trajectory s, a, r and its returns."""

from compute._common import jsonable

MAX_STEPS = 1000


def _check(transitions: dict[str, list[str]], rewards: dict[str, float], policy: dict[str, str], start: str) -> None:
    """Every state named is known, every policy choice is one of its state's actions."""
    known = set(transitions) | {s for nxt in transitions.values() for s in nxt}
    missing = sorted(s for s in known if s not in rewards and s != start)
    if start not in known or missing:
        raise ValueError(f"unknown start {start!r} or states without a reward: {missing}")
    for s, a in policy.items():
        if a not in transitions.get(s, []):
            raise ValueError(f"policy picks {a!r} in {s!r}, which is not one of its actions {transitions.get(s, [])}")


def rollout(transitions: dict[str, list[str]], rewards: dict[str, float], policy: dict[str, str], start: str,
            gamma: float = 1.0) -> dict:
    """Roll a deterministic policy out from `start`: states, actions, rewards, returns G_t (episode ends at a leaf).

    The action "go to s′" moves to s′ and earns rewards[s′] (R_{t+1}); a state without outgoing transitions
    is terminal. G_t = R_{t+1} + γ·G_{t+1} with G_T = 0.

    Returns:
        states: S_0 … S_T.
        actions: A_0 … A_{T-1} (each the state moved to).
        rewards: R_1 … R_T.
        returns: G_0 … G_T (G_T = 0).
        undiscounted: the same returns with γ = 1.
        total: G_0.
        steps: T.
        choices: the number of actions available in S_0 … S_{T-1}.
    """
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    _check(transitions, rewards, policy, start)
    states, actions, rs = [start], [], []
    while transitions.get(states[-1]):
        s = states[-1]
        if s not in policy:
            raise ValueError(f"the policy has no action for the non-terminal state {s!r}")
        if len(actions) >= MAX_STEPS:
            raise ValueError(f"episode longer than {MAX_STEPS} steps (a cycle?)")
        actions.append(policy[s])
        states.append(policy[s])
        rs.append(float(rewards[policy[s]]))
    returns, plain = [0.0], [0.0]
    for r in reversed(rs):
        returns.insert(0, r + gamma * returns[0])
        plain.insert(0, r + plain[0])
    return jsonable({"states": states, "actions": actions, "rewards": rs, "returns": returns,
                     "undiscounted": plain, "total": returns[0], "steps": len(actions),
                     "choices": [len(transitions[s]) for s in states[:-1]]})
