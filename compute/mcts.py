"""Monte-Carlo tree search on a small given tree: selection (UCT or PUCT), expansion, rollout, backup.

The tree is a dict of nodes by id: {"children": [ids], "prior": P(s,a), "value": v, "visits": N0,
"total_value": W0}. `value` is what a rollout (or a value network) returns when the node is expanded; a
node without one is evaluated by a seeded random rollout down its children to a node that has one.
`visits`/`total_value` give starting statistics (e.g. a tree in the middle of a search).
Conventions: UCT = Q + c·sqrt(ln N_parent / N_child) with unvisited children first (Kocsis & Szepesvári);
PUCT = Q + c·P·sqrt(N_parent) / (1 + N_child) with Q = 0 when unvisited (AlphaGo Zero,
alpha-zero-general); ties go to the first child in order. Values are from the root player's view unless
`alternate` is set (two-player games): then a node's value is from the view of the player who moved
into it, and the backed-up value flips sign at each ply.
"""

import math
from typing import Literal, NotRequired

import numpy as np
from typing_extensions import TypedDict

from compute._common import jsonable

MAX_SIMULATIONS = 1000


class MctsNode(TypedDict):
    """One state of the search tree."""

    children: NotRequired[list[str]]
    prior: NotRequired[float]
    value: NotRequired[float]
    visits: NotRequired[int]
    total_value: NotRequired[float]


def _check(nodes: dict[str, MctsNode], root: str) -> None:
    if root not in nodes:
        raise ValueError(f"root {root!r} is not a node")
    for nid, n in nodes.items():
        for c in n.get("children", []):
            if c not in nodes:
                raise ValueError(f"child {c!r} of {nid!r} is not a node")
    seen, stack = set(), [root]
    while stack:
        nid = stack.pop()
        if nid in seen:
            raise ValueError(f"node {nid!r} is reachable twice: the nodes must form a tree")
        seen.add(nid)
        kids = nodes[nid].get("children", [])
        if not kids and "value" not in nodes[nid]:
            raise ValueError(f"leaf {nid!r} needs a value")
        stack += kids


def scores(nodes: dict[str, MctsNode], parent: str, rule: Literal["uct", "puct"] = "puct",
           c: float = 1.0) -> dict:
    """Selection scores of a node's children from their current statistics (N, W, prior).

    Returns:
        children: the child ids.
        q: W/N per child (0 when unvisited).
        u: the exploration bonus per child (UCT: 1e9 stands for +∞ when unvisited).
        score: q + u per child.
        selected: the child with the highest score (first on ties).
    """
    stats = {k: [int(v.get("visits", 0)), float(v.get("total_value", 0.0))] for k, v in nodes.items()}
    return jsonable(_scores(nodes, stats, parent, rule, c))


def _scores(nodes, stats, parent, rule, c) -> dict:
    kids = nodes[parent].get("children", [])
    n_parent = stats[parent][0]
    q, u = [], []
    for k in kids:
        n, w = stats[k]
        q.append(w / n if n else 0.0)
        if rule == "uct":
            u.append(c * math.sqrt(math.log(n_parent) / n) if n and n_parent > 0 else 1e9)
        elif rule == "puct":
            u.append(c * nodes[k].get("prior", 1.0 / len(kids)) * math.sqrt(n_parent) / (1 + n))
        else:
            raise ValueError(f"rule must be uct or puct, got {rule!r}")
    s = [a + b for a, b in zip(q, u, strict=True)]
    best = max(range(len(kids)), key=lambda i: (s[i], -i)) if kids else -1
    return {"children": kids, "q": q, "u": u, "score": s, "selected": kids[best] if kids else ""}


def run(nodes: dict[str, MctsNode], root: str, simulations: int = 10, c_puct: float = 1.0,
        rule: Literal["uct", "puct"] = "puct", seed: int = 0, alternate: bool = False) -> dict:
    """Run MCTS iterations and trace each: selection path, expanded node, rollout value, backup.

    Selection descends from the root through visited nodes by the highest score; the first unvisited
    node on the way (or a leaf) is expanded and evaluated, and its value is added to W (N += 1) of every
    node on the path. Deterministic for a given seed.

    Returns:
        iterations: per iteration {iteration, path, selection (the scores at each step), expanded,
            rollout_path, rollout_value, backup: [{node, N, W, Q}]}.
        final: {node: {N, W, Q}} after the last iteration.
        root_policy: visit share N(child)/ΣN of the root's children.
        best_child: the root child with the most visits (first on ties).
    """
    _check(nodes, root)
    if not 1 <= simulations <= MAX_SIMULATIONS:
        raise ValueError(f"simulations must be in [1, {MAX_SIMULATIONS}], got {simulations}")
    rng = np.random.default_rng(seed)
    stats = {k: [int(v.get("visits", 0)), float(v.get("total_value", 0.0))] for k, v in nodes.items()}
    trace = []
    for it in range(1, simulations + 1):
        path, selection, node = [root], [], root
        while stats[node][0] > 0 and nodes[node].get("children"):
            sc = _scores(nodes, stats, node, rule, c_puct)
            selection.append({"node": node, **sc})
            node = sc["selected"]
            path.append(node)
        rollout = [node]
        while "value" not in nodes[rollout[-1]]:
            kids = nodes[rollout[-1]]["children"]
            rollout.append(kids[int(rng.integers(len(kids)))])
        value = float(nodes[rollout[-1]]["value"])
        backup = []
        for depth, nid in enumerate(reversed(path)):
            v = -value if alternate and depth % 2 else value
            stats[nid][0] += 1
            stats[nid][1] += v
            backup.append({"node": nid, "N": stats[nid][0], "W": stats[nid][1], "Q": stats[nid][1] / stats[nid][0]})
        trace.append({"iteration": it, "path": path, "selection": selection, "expanded": node,
                      "rollout_path": rollout, "rollout_value": value, "backup": backup})
    final = {k: {"N": n, "W": w, "Q": w / n if n else 0.0} for k, (n, w) in stats.items()}
    kids = nodes[root].get("children", [])
    total = sum(stats[k][0] for k in kids)
    policy = [stats[k][0] / total if total else 0.0 for k in kids]
    best = max(range(len(kids)), key=lambda i: (stats[kids[i]][0], -i)) if kids else -1
    return jsonable({"iterations": trace, "final": final, "root_policy": policy,
                     "best_child": kids[best] if kids else ""})
