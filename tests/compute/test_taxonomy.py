"""taxonomy.leaf_counts against an independent iterative walk and collections.Counter."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import taxonomy

PROPS = settings(deadline=None, max_examples=80, derandomize=True)

LEAF = st.builds(lambda t: {"name": "x", "use": t}, st.sampled_from("TIB"))
TREE = st.recursive(
    LEAF,
    lambda kids: st.builds(lambda c: {"name": "g", "children": c}, st.lists(kids, min_size=1, max_size=4)),
    max_leaves=30,
)


def _reference_leaves(node: dict) -> list[dict]:
    """Leaves by an explicit stack (depth first, left to right), not by recursion."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        kids = n.get("children") or []
        if kids:
            stack.extend(reversed(kids))
        else:
            out.append(n)
    return out


@PROPS
@given(st.lists(TREE, min_size=1, max_size=6))
def test_counts_match_an_iterative_walk(branches):
    out = taxonomy.leaf_counts(branches=branches, tags=["T", "I", "B"])
    leaves = [_reference_leaves(b) for b in branches]
    assert out["counts"] == [len(x) for x in leaves]
    assert out["total"] == sum(map(len, leaves))
    for row, branch_leaves in zip(out["by_tag"], leaves, strict=True):
        c = Counter(leaf["use"] for leaf in branch_leaves)
        assert row == [c["T"], c["I"], c["B"]]
    everything = Counter(leaf["use"] for x in leaves for leaf in x)
    assert out["tag_totals"] == [everything["T"], everything["I"], everything["B"]]
    assert sum(out["tag_totals"]) == out["total"]


def test_a_small_map_by_hand():
    service = {"children": [{"children": [{"use": "I"}, {"use": "I"}]}, {"children": [{"use": "B"}]}]}
    chips = {"children": [{"use": "B"}, {"use": "B"}, {"use": "T"}]}
    out = taxonomy.leaf_counts(branches=[service, chips])
    assert out["counts"] == [3, 3] and out["total"] == 6 and out["groups"] == [2, 3]
    assert out["tags"] == ["I", "B", "T"]  # first seen
    assert out["by_tag"] == [[2, 1, 0], [0, 2, 1]]


def test_unknown_tags_and_bad_trees_are_refused():
    with pytest.raises(ValueError):
        taxonomy.leaf_counts(branches=[{"children": [{"use": "X"}]}], tags=["T", "I"])
    with pytest.raises(ValueError):
        taxonomy.leaf_counts(branches=[])
    with pytest.raises(ValueError):
        taxonomy.leaf_counts(branches=[{"children": "not a list"}])
