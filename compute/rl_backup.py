"""One value update and the shape of backups: TD(0) step by step, and how deep and wide MC, TD, DP and
exhaustive search look (Sutton & Barto, 2nd ed., eq. 6.2 and fig. 8.11)."""

from compute._common import arr, jsonable

MAX_TREE_NODES = 400  # the drawn backup tree (as the tree element's limit)
MAX_BRANCH = 10
MAX_DEPTH = 50


def td0_update(value: float, reward: float, next_value: float, alpha: float = 0.5, gamma: float = 1.0,
               terminal: bool = False) -> dict:
    """One TD(0) update V(s) ← V(s) + α·[r + γ·V(s′) − V(s)] (Sutton & Barto eq. 6.2), each part named.

    Returns:
        bootstrap: γ·V(s′) (0 when s′ is terminal).
        target: the TD target r + γ·V(s′).
        error: the TD error δ = target − V(s).
        step: α·δ, how far V(s) moves.
        new_value: V(s) + α·δ.
        remaining: target − new V(s) = (1 − α)·δ, the gap left after the update.
    """
    v, r, v_next = (float(x) for x in arr([value, reward, next_value], "value, reward, next_value", ndim=1))
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    bootstrap = 0.0 if terminal else gamma * v_next
    target = r + bootstrap
    error = target - v
    new = v + alpha * error
    return jsonable({"bootstrap": bootstrap, "target": target, "error": error, "step": alpha * error,
                     "new_value": new, "remaining": target - new})


def _check_sizes(n_actions: int, n_next: int, depth: int) -> None:
    if not (1 <= n_actions <= MAX_BRANCH and 1 <= n_next <= MAX_BRANCH):
        raise ValueError(f"n_actions and n_next must be in 1..{MAX_BRANCH}, got {n_actions} and {n_next}")
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be in 1..{MAX_DEPTH}, got {depth}")


def backup_cost(n_actions: int, n_next: int, depth: int) -> dict:
    """Transitions (s, a, s′) one backup of V(s) reads, with |A| actions and |S′| next states per action.

    Width: a sample backup follows one action and one next state; a full (expected) backup all |A|·|S′|.
    Depth: a one-step backup stops after one transition and bootstraps from V(s′); a deep one runs `depth`
    steps to the episode's end. TD(0) is sample and shallow, MC sample and deep, DP full and shallow,
    exhaustive search full and deep.

    Returns:
        branching: |A|·|S′|, transitions leaving one state.
        td: transitions one TD(0) backup reads (1: one sample, one step).
        mc: transitions one Monte-Carlo backup reads (one sampled episode to its end).
        dp: transitions one DP backup reads (every action and next state, one step).
        exhaustive: transitions exhaustive search reads (every branch to the end).
        leaves: states at the episode's end in the full tree, (|A|·|S′|)^depth.
    """
    _check_sizes(n_actions, n_next, depth)
    b = n_actions * n_next
    return {"branching": b, "td": 1, "mc": depth, "dp": b, "exhaustive": sum(b ** k for k in range(1, depth + 1)),
            "leaves": b ** depth}


def _node(ident: str, level: int, n_actions: int, n_next: int, depth: int, kinds: dict[str, list[str]]) -> dict:
    """The subtree of state `ident`: its actions, each with its next states, down to `depth` steps (the states
    there are terminal); every node's id is filed under its kind (state, action, terminal)."""
    node: dict = {"id": ident, "label": ""}
    kinds["state" if level < depth else "terminal"].append(ident)
    if level < depth:
        node["children"] = []
        for i in range(n_actions):
            kinds["action"].append(f"{ident}a{i}")
            node["children"].append({"id": f"{ident}a{i}", "label": "", "children": [
                _node(f"{ident}a{i}s{j}", level + 1, n_actions, n_next, depth, kinds) for j in range(n_next)]})
    return node


def _paths(ident: str, level: int, n_actions: int, n_next: int, depth: int) -> list[list[str]]:
    """Every path of node ids (action, next state, …) from state `ident` down to `depth`."""
    if level == depth:
        return [[]]
    out = []
    for i in range(n_actions):
        for j in range(n_next):
            a, s = f"{ident}a{i}", f"{ident}a{i}s{j}"
            out += [[a, s, *rest] for rest in _paths(s, level + 1, n_actions, n_next, depth)]
    return out


def backup_diagrams(n_actions: int = 2, n_next: int = 2, depth: int = 2, sample: list[int] | None = None) -> dict:
    """The full tree below one state and the part of it each method backs up, as highlight paths of node ids.

    Node ids: root `s`, then `a<i>` and `s<j>` appended per step; `kinds` files them as states, actions and
    terminal states (a backup diagram draws them as circles, dots and squares).
    `sample` picks the sampled episode: an (action, next state) index pair per step (default all 0).
    `bootstrapped` lists per method the states whose estimate V(s′) it borrows (TD and DP stop after one
    step; MC and exhaustive search reach the end and borrow none).

    Returns:
        tree: the nested nodes (id, label '', children) of every state and action to `depth`.
        kinds: node ids by kind: state, action, terminal.
        td: the one sampled one-step path, as a list of paths.
        mc: the one sampled path to the end, as a list of paths.
        dp: every one-step path.
        exhaustive: every path to the end.
        cost: backup_cost of the same sizes.
        bootstrapped: per method (td, mc, dp, exhaustive), the ids of the states whose V(s′) it borrows.
        nodes: number of nodes in the tree.
    """
    _check_sizes(n_actions, n_next, depth)
    b = n_actions * n_next
    nodes = 1 + sum((n_actions + b) * b ** k for k in range(depth))
    if nodes > MAX_TREE_NODES:
        raise ValueError(f"the tree would have {nodes} nodes; at most {MAX_TREE_NODES} are drawn")
    picks = list(sample) if sample is not None else [0] * (2 * depth)
    if len(picks) != 2 * depth or any(not 0 <= p < n for p, n in zip(picks, [n_actions, n_next] * depth,
                                                                       strict=True)):
        raise ValueError(f"sample must hold {2 * depth} indices (action < {n_actions}, next state < {n_next} "
                         f"per step), got {sample}")
    walk, ident = [], "s"
    for k in range(depth):
        a, s = f"{ident}a{picks[2 * k]}", f"{ident}a{picks[2 * k]}s{picks[2 * k + 1]}"
        walk += [a, s]
        ident = s
    kinds: dict[str, list[str]] = {"state": [], "action": [], "terminal": []}
    tree = _node("s", 0, n_actions, n_next, depth, kinds)
    paths = {"td": [walk[:2]], "mc": [walk], "dp": _paths("s", 0, n_actions, n_next, 1),
             "exhaustive": _paths("s", 0, n_actions, n_next, depth)}
    shallow = {m: {p[-1] for p in paths[m]} if depth > 1 else set() for m in ("td", "dp")}
    boot = {m: sorted(shallow.get(m, set())) for m in paths}
    return jsonable({"tree": tree, "kinds": kinds, **paths, "cost": backup_cost(n_actions, n_next, depth),
                     "bootstrapped": boot, "nodes": nodes})
