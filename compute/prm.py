"""Outcome vs process reward models: score a solution by its final answer (ORM) or by every step (PRM).

A PRM gives each reasoning step the probability that it is correct; a solution's PRM score aggregates
them. Conventions: `prod` is the probability that every step is correct (Lightman et al. 2023, "Let's
Verify Step by Step"), `min` the weakest step (Wang et al. 2024, Math-Shepherd; OpenR), `last` the last
step's score. An ORM gives one score per solution, read from its final answer. Rankings are by
descending score, ties to the earlier solution.
"""

from typing import Literal

import numpy as np

from compute._common import arr, jsonable

Aggregate = Literal["min", "prod", "last"]


def _ranking(scores: np.ndarray) -> list[int]:
    return [int(i) for i in np.argsort(-scores, kind="stable")]


def rank(step_scores: list[list[float]], outcome_scores: list[float], aggregate: Aggregate = "min",
         threshold: float = 0.5) -> dict:
    """Rank solutions by an ORM (one outcome score each) and by a PRM (per-step scores, aggregated).

    Returns:
        orm: the outcome scores.
        orm_ranking: solution indices by descending ORM score.
        orm_best: the ORM's first solution.
        prm: each solution's PRM score, aggregated by `aggregate`.
        prm_ranking: solution indices by descending PRM score.
        prm_best: the PRM's first solution.
        prm_min: the weakest step's score, per solution.
        prm_prod: the product of the step scores, per solution.
        weakest: per solution, the index of its lowest-scored step (first on ties).
        first_error: per solution, the first step scored below `threshold` (−1 when none).
        agree: whether ORM and PRM put the same solution first.
        all_steps: every step score, solution after solution (for one chart).
        all_accepted: whether each of `all_steps` is ≥ `threshold`.
    """
    if not step_scores or len(step_scores) != len(outcome_scores):
        raise ValueError("step_scores and outcome_scores must be non-empty and give one entry per solution")
    steps = [arr(s, f"step_scores[{i}]", ndim=1) for i, s in enumerate(step_scores)]
    orm = arr(outcome_scores, "outcome_scores", ndim=1)
    for i, s in enumerate(steps):
        if s.size == 0:
            raise ValueError(f"step_scores[{i}] must have at least one step")
        if np.any((s < 0) | (s > 1)):
            raise ValueError(f"step_scores[{i}] must be probabilities in [0, 1]")
    if aggregate not in ("min", "prod", "last"):
        raise ValueError(f"aggregate must be min, prod or last, got {aggregate!r}")
    mins = np.array([s.min() for s in steps])
    prods = np.array([s.prod() for s in steps])
    prm = {"min": mins, "prod": prods, "last": np.array([s[-1] for s in steps])}[aggregate]
    first_error = [int(np.argmax(s < threshold)) if np.any(s < threshold) else -1 for s in steps]
    orm_rank, prm_rank = _ranking(orm), _ranking(prm)
    return jsonable({"orm": orm, "orm_ranking": orm_rank, "orm_best": orm_rank[0],
                     "prm": prm, "prm_ranking": prm_rank, "prm_best": prm_rank[0],
                     "prm_min": mins, "prm_prod": prods, "weakest": [int(np.argmin(s)) for s in steps],
                     "first_error": first_error, "agree": orm_rank[0] == prm_rank[0],
                     "all_steps": np.concatenate(steps), "all_accepted": np.concatenate(steps) >= threshold})


def step_beam(nodes: dict[str, dict], root: str, beams: int = 2, aggregate: Aggregate = "min") -> dict:
    """Step-level beam search over a tree of reasoning steps scored by a PRM (Snell et al. 2024; OpenR).

    `nodes` maps a step id to {"score": PRM score of the step in [0, 1], "children": [ids]}; the root (the
    question) needs no score. A partial solution's score aggregates its steps' scores (`min`, `prod` or
    `last`, as in `rank`). At every depth the children of the kept partial solutions are scored, and the
    `beams` best are kept (ties to the earlier candidate); a kept step without children is a finished
    solution. The answer is the best finished solution.

    Returns:
        depths: per depth {depth, candidates (ids, best first), scores (their path scores), kept (bools),
            chosen (index of the candidate on the path to `best`, −1 when the path is shorter)}.
        path_score: {id: path score} of every step that was scored.
        kept: ids of every step kept at its depth.
        pruned: ids scored but not kept.
        unexplored: ids below a pruned step (never scored).
        finished: ids of finished solutions, best first.
        best: the best finished solution.
        best_score: its path score.
        path: ids from the root to `best`.
        pruned_paths: per pruned step, the ids from the root down to it.
    """
    if root not in nodes:
        raise ValueError(f"root {root!r} is not a node")
    if beams < 1:
        raise ValueError(f"beams must be >= 1, got {beams}")
    if aggregate not in ("min", "prod", "last"):
        raise ValueError(f"aggregate must be min, prod or last, got {aggregate!r}")
    parent: dict[str, str] = {}
    for nid, n in nodes.items():
        for c in n.get("children", []):
            if c not in nodes:
                raise ValueError(f"child {c!r} of {nid!r} is not a node")
            if c in parent or c == root:
                raise ValueError(f"step {c!r} has two parents: the nodes must form a tree")
            parent[c] = nid
            s = nodes[c].get("score")
            if s is None or not 0 <= float(s) <= 1:
                raise ValueError(f"step {c!r} needs a score in [0, 1]")

    def combine(prev: float | None, s: float) -> float:
        if prev is None or aggregate == "last":
            return s
        return min(prev, s) if aggregate == "min" else prev * s

    def from_root(nid: str) -> list[str]:
        out = [nid]
        while out[-1] != root:
            out.append(parent[out[-1]])
        return out[::-1]

    frontier: list[str] = [root]
    path_score: dict[str, float | None] = {root: None}
    depths, kept_all, pruned, finished = [], [], [], []
    depth = 0
    while frontier:
        depth += 1
        cands = [c for b in frontier for c in nodes[b].get("children", [])]
        if not cands:
            break
        for c in cands:
            path_score[c] = combine(path_score[parent[c]], float(nodes[c]["score"]))
        order = sorted(range(len(cands)), key=lambda i: -path_score[cands[i]])  # stable: ties to the earlier
        ranked = [cands[i] for i in order]
        keep = ranked[:beams]
        depths.append({"depth": depth, "candidates": ranked, "scores": [path_score[c] for c in ranked],
                       "kept": [c in keep for c in ranked]})
        kept_all += keep
        pruned += ranked[beams:]
        finished += [c for c in keep if not nodes[c].get("children")]
        frontier = [c for c in keep if nodes[c].get("children")]
    if not finished:
        raise ValueError("no finished solution: the tree has no steps below the root")
    finished.sort(key=lambda c: -path_score[c])
    best = finished[0]
    on_path = set(from_root(best))
    for d in depths:
        d["chosen"] = next((i for i, c in enumerate(d["candidates"]) if c in on_path), -1)
    unexplored, stack = [], [c for p in pruned for c in nodes[p].get("children", [])]
    while stack:
        nid = stack.pop(0)
        unexplored.append(nid)
        stack += nodes[nid].get("children", [])
    scored = {k: v for k, v in path_score.items() if v is not None}
    return jsonable({"depths": depths, "path_score": scored, "kept": kept_all, "pruned": pruned,
                     "unexplored": unexplored, "finished": finished, "best": best,
                     "best_score": scored[best], "path": from_root(best),
                     "pruned_paths": [from_root(p) for p in pruned]})
