"""Tree `edge_style: elbow`: every edge leaves its parent, runs along one spine shared by the siblings and
enters its child square on (only horizontal and vertical segments), in both directions."""

from __future__ import annotations

import pytest

from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.theme import load_theme
from renderer.layout.tree import layout_tree
from renderer.scene import Line, walk
from renderer.spec.elements.tree import Tree

ROOT = {"label": "RL", "children": [{"label": "model-based", "children": [{"label": "DP"}, {"label": "MCTS"}]},
                                    {"label": "model-free", "children": [{"label": "DQN"}, {"label": "PPO"},
                                                                         {"label": "SAC"}]}]}


def _edges(style: str, direction: str) -> list[Line]:
    theme = load_theme()
    el = Tree.model_validate({"root": ROOT, "direction": direction, "edge_style": style, "node_shape": "rect"})
    block = layout_tree(el, ("tree",), Ctx(theme, metrics_for(theme), "en", None))
    return [p for p in walk(block.items) if isinstance(p, Line) and p.meta.kind == "edge"]


@pytest.mark.parametrize("direction", ["right", "down"])
def test_elbow_edges_are_axis_parallel_with_one_spine_per_parent(direction):
    edges = _edges("elbow", direction)
    assert len(edges) == 7
    for e in edges:
        assert len(e.points) == 4
        for (x0, y0), (x1, y1) in zip(e.points, e.points[1:], strict=False):
            assert x0 == pytest.approx(x1) or y0 == pytest.approx(y1)
    axis = 0 if direction == "right" else 1  # the spine's coordinate
    by_parent: dict[tuple[float, float], set[float]] = {}
    for e in edges:
        by_parent.setdefault(tuple(round(v, 3) for v in e.points[0]), set()).add(round(e.points[1][axis], 3))
    assert len(by_parent) == 3 and all(len(s) == 1 for s in by_parent.values())


def test_straight_is_the_default_and_draws_one_segment():
    assert Tree.model_validate({"root": ROOT}).edge_style == "straight"
    assert all(len(e.points) == 2 for e in _edges("straight", "right"))
