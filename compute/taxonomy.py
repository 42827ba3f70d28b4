"""Counting the leaves of a taxonomy (a mind map, a technique map): per top-level branch and per tag."""

from __future__ import annotations

from typing import Any

from compute._common import jsonable

MAX_DEPTH = 16


def _leaves(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The leaves under a node (the node itself when it has no children), left to right."""
    if depth > MAX_DEPTH:
        raise ValueError(f"the tree is deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict):
        raise ValueError(f"every node must be a mapping, got {type(node).__name__}")
    children = node.get("children") or []
    if not isinstance(children, list):
        raise ValueError("children must be a list")
    if not children:
        return [node]
    return [leaf for child in children for leaf in _leaves(child, depth + 1)]


def leaf_counts(branches: list[dict[str, Any]], tag: str = "use", tags: list[str] | None = None) -> dict:
    """Leaves per top-level branch of a tree given as nested {children: [...]} nodes, and how many carry each tag.

    Each node is a mapping; a node without `children` (or with an empty list) is a leaf, and a leaf's
    `tag` key (default "use") names its kind. `tags` fixes the kinds counted and their order (a leaf with
    another tag is an error); by default the kinds are those found, in first-seen order.

    Returns:
        counts: leaves under each branch, in order.
        total: leaves in the whole tree.
        tags: the kinds counted, in order.
        by_tag: per branch, the count of each kind (aligned with `tags`).
        tag_totals: over the whole tree, the count of each kind (aligned with `tags`).
        groups: per branch, the number of its direct children.
    """
    if not branches:
        raise ValueError("branches must not be empty")
    per_branch = [_leaves(b) for b in branches]
    found = [leaf.get(tag) for leaves in per_branch for leaf in leaves]
    kinds = list(tags) if tags is not None else list(dict.fromkeys(found))
    unknown = [k for k in found if k not in kinds]
    if unknown:
        raise ValueError(f"leaf tag {unknown[0]!r} is not one of {kinds}")
    by_tag = [[sum(1 for leaf in leaves if leaf.get(tag) == k) for k in kinds] for leaves in per_branch]
    return jsonable(
        {
            "counts": [len(leaves) for leaves in per_branch],
            "total": sum(len(leaves) for leaves in per_branch),
            "tags": kinds,
            "by_tag": by_tag,
            "tag_totals": [sum(row[i] for row in by_tag) for i in range(len(kinds))],
            "groups": [len(b.get("children") or []) for b in branches],
        }
    )
