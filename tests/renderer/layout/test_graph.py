"""Graph layout: dot places measured nodes without overlaps, edges end on node borders, output is deterministic."""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path

import pytest
from pydantic import ValidationError

from renderer.app.check import DEFECTS, check_spec
from renderer.layout import metrics_for
from renderer.layout.base import Anchor, Ctx
from renderer.layout.graph import layout_graph, run_dot
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Polygon, Rect, Text, bbox, walk
from renderer.scene import Path as PathPrim
from renderer.spec.elements.graph import Graph

GOT = {
    "id": "g",
    "direction": "TB",
    "nodes": [
        {"id": "q", "text": "Question", "shape": "pill", "role": "data"},
        {"id": "t1", "text": "Thought 1"},
        {"id": "t2", "text": "A much longer second thought that wraps"},
        {"id": "t3", "text": "思路 3", "shape": "ellipse"},
        {"id": "agg", "text": "Aggregate", "sub": "merge"},
        {"id": "s", "text": "S", "shape": "circle"},
        {"id": "a", "shape": "dot", "text": "act"},
    ],
    "edges": [
        {"from": "q", "to": "t1"}, {"from": "q", "to": "t2", "label": "0.25"}, {"from": "q", "to": "t3"},
        {"from": "t1", "to": "agg", "head": "both"}, {"from": "t2", "to": "agg", "dashed": True},
        {"from": "t3", "to": "agg", "label": "dropped", "role": "removed"}, {"from": "agg", "to": "s"},
        {"from": "s", "to": "s", "label": 0.5}, {"from": "s", "to": "a", "head": "none"},
        {"from": "a", "to": "q", "head": "start"},
    ],
    "groups": [{"id": "gen", "nodes": ["t1", "t2"], "title": "generate"}],
    "same_rank": [["t1", "t2"]],
}


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


def overlaps(a, b, tol: float = 0.01) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def border_distance(pt: tuple[float, float], a: Anchor) -> float:
    """Distance of a point from the outline of a rectangle or ellipse anchor."""
    if a.shape == "ellipse":
        rx, ry = a.w / 2, a.h / 2
        dx, dy = pt[0] - a.cx, pt[1] - a.cy
        ang = math.atan2(dy / ry, dx / rx)
        return math.dist(pt, (a.cx + rx * math.cos(ang), a.cy + ry * math.sin(ang)))
    x0, y0, x1, y1 = a.x, a.y, a.x + a.w, a.y + a.h
    inside = x0 <= pt[0] <= x1 and y0 <= pt[1] <= y1
    if inside:
        return min(pt[0] - x0, x1 - pt[0], pt[1] - y0, y1 - pt[1])
    dx = max(x0 - pt[0], 0, pt[0] - x1)
    dy = max(y0 - pt[1], 0, pt[1] - y1)
    return math.hypot(dx, dy)


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_graph_node_boxes_do_not_overlap(direction):
    block = layout_graph(Graph.model_validate({**GOT, "direction": direction}), ("graph",), ctx())
    nodes = {k: a for k, a in block.anchors.items() if k.startswith("g.")}
    assert len(nodes) == len(GOT["nodes"])
    for (ka, a), (kb, b) in combinations(nodes.items(), 2):
        assert not overlaps((a.x, a.y, a.x + a.w, a.y + a.h), (b.x, b.y, b.x + b.w, b.y + b.h)), (ka, kb)
    for a in nodes.values():
        assert -0.5 <= a.x and a.x + a.w <= block.w + 0.5 and -0.5 <= a.y and a.y + a.h <= block.h + 0.5


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_graph_edges_start_and_end_on_their_node_borders(direction):
    el = Graph.model_validate({**GOT, "direction": direction})
    block = layout_graph(el, ("graph",), ctx())
    edges = [p for p in block.items if isinstance(p, PathPrim) and p.meta.kind == "graph-edge"]
    heads = [p for p in block.items if isinstance(p, Polygon) and p.meta.kind == "graph-edge"]
    assert len(edges) == len(el.edges)
    hi = 0  # heads come in edge order, the end head before the start head; a head's first point is its tip
    for e, path in zip(el.edges, edges, strict=True):
        start, end = path.cmds[0][1:3], path.cmds[-1][-2:]
        if e.head in ("end", "both"):
            end = heads[hi].points[0]
            hi += 1
        if e.head in ("start", "both"):
            start = heads[hi].points[0]
            hi += 1
        a, b = block.anchors[f"g.{e.from_}"], block.anchors[f"g.{e.to}"]
        assert border_distance(start, a) <= 2.0, f"{e.from_}->{e.to} starts {border_distance(start, a):.1f} px off"
        assert border_distance(end, b) <= 2.0, f"{e.from_}->{e.to} ends {border_distance(end, b):.1f} px off"


def test_edge_curves_are_cubic_paths_with_polygon_heads():
    block = layout_graph(Graph.model_validate(GOT), ("graph",), ctx())
    edges = [p for p in block.items if isinstance(p, PathPrim) and p.meta.kind == "graph-edge"]
    assert all(c[0] == "M" for c in (e.cmds[0] for e in edges))
    assert all(c[0] == "C" and len(c) == 7 for e in edges for c in e.cmds[1:])
    dashed = [e for e in edges if e.style.dash]
    assert len(dashed) == 1
    per_head = {"end": 1, "start": 1, "both": 2, "none": 0}
    n_heads = sum(per_head[e.get("head", "end")] for e in GOT["edges"])
    assert len([p for p in block.items if isinstance(p, Polygon)]) == n_heads


def test_dot_layout_is_deterministic_across_runs():
    el = Graph.model_validate(GOT)
    run_dot.cache_clear()
    first = layout_graph(el, ("graph",), ctx())
    run_dot.cache_clear()
    second = layout_graph(el, ("graph",), ctx())
    assert first.items == second.items
    assert first.anchors == second.anchors


def test_measured_labels_fit_where_dot_put_them():
    block = layout_graph(Graph.model_validate(GOT), ("graph",), ctx("zh"))
    labels = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "edge-label"]
    assert {t.text for t in labels} == {"0.25", "dropped", "0.5"}
    boxes = [bbox(g.children[0]) for g in walk(block.items) if isinstance(g, Group) and g.meta.kind == "box"]
    for t in labels:
        for b in boxes:
            assert not overlaps(bbox(t), b, tol=1.0), f"label {t.text!r} overlaps a node"


def test_cluster_is_a_panel_around_its_nodes_with_its_title():
    block = layout_graph(Graph.model_validate(GOT), ("graph",), ctx())
    panel = next(p for p in block.items if isinstance(p, Rect) and p.meta.kind == "graph-group")
    for n in ("t1", "t2"):
        a = block.anchors[f"g.{n}"]
        assert panel.x <= a.x and a.x + a.w <= panel.x + panel.w and panel.y <= a.y and a.y + a.h <= panel.y + panel.h
    title = next(t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "graph-group-title")
    tb = bbox(title)
    assert panel.x <= tb[0] and tb[2] <= panel.x + panel.w and panel.y <= tb[1]


def test_edges_naming_unknown_nodes_are_rejected():
    with pytest.raises(ValidationError, match="unknown node 'zz'"):
        Graph.model_validate({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "zz"}]})


def test_the_graph_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/graph.yaml"), only=DEFECTS) == []
