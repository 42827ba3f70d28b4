"""Graph layout hints: hidden edges (laid out, not drawn), `ordering: out` and edge ports."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.graph import layout_graph
from renderer.layout.theme import load_theme
from renderer.scene import Path as PathPrim
from renderer.scene import Polygon
from renderer.spec.elements.graph import Graph


def ctx() -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), "en", None)


def fan(order: list[str], **extra) -> Graph:
    return Graph.model_validate({"id": "g", "nodes": [{"id": n} for n in ("r", "x", "y", "z")],
                                 "edges": [{"from": "r", "to": n} for n in order], **extra})


def across(el: Graph) -> list[str]:
    """The children of r from left to right."""
    block = layout_graph(el, ("graph",), ctx())
    return sorted("xyz", key=lambda n: block.anchors[f"g.{n}"].cx)


def test_ordering_out_keeps_the_children_in_the_order_of_their_edges():
    assert across(fan(["z", "x", "y"], ordering="out")) == ["z", "x", "y"]
    assert across(fan(["y", "z", "x"], ordering="out")) == ["y", "z", "x"]
    assert across(fan(["z", "x", "y"])) == ["x", "y", "z"]  # by default dot keeps the nodes' own order here


def test_a_hidden_edge_is_laid_out_but_not_drawn():
    el = Graph.model_validate({"id": "g", "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                               "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c", "hidden": True}]})
    block = layout_graph(el, ("graph",), ctx())
    assert len([p for p in block.items if isinstance(p, PathPrim)]) == 1
    assert len([p for p in block.items if isinstance(p, Polygon)]) == 1
    assert block.anchors["g.c"].cy > block.anchors["g.b"].cy + 20  # ranked below b by the hidden edge
    with pytest.raises(ValidationError, match="a hidden edge is not drawn, so it has no label"):
        Graph.model_validate({"nodes": [{"id": "a"}, {"id": "b"}],
                              "edges": [{"from": "a", "to": "b", "hidden": True, "label": "x"}]})


@pytest.mark.parametrize("port, side", [("w", -1), ("e", 1)])
def test_ports_put_a_self_loop_on_that_side_of_its_node(port, side):
    el = Graph.model_validate({"id": "g", "nodes": [{"id": "a"}, {"id": "b"}],
                               "edges": [{"from": "a", "to": "b"},
                                         {"from": "a", "to": "a", "from_port": port, "to_port": port}]})
    block = layout_graph(el, ("graph",), ctx())
    a = block.anchors["g.a"]
    loop = [p for p in block.items if isinstance(p, PathPrim)][1]
    xs = [v for c in loop.cmds for v in c[1::2]]
    assert all((x - a.cx) * side >= a.w / 2 - 1 for x in xs)  # wholly beyond that side of the node
