"""`edge_style: elbow`: parent–child edges as orthogonal connectors sharing one trunk per parent."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Line
from renderer.spec.errors import SpecError

TREE = ("    root: {id: R, label: Root, children: [{id: A, label: first}, {id: B, label: second, edge: '0.4'},"
        " {id: C, label: third}]}\n")


def edges(write_spec, extra: str, direction: str = "right") -> list[Line]:
    body = f"  tree:\n    id: t\n    direction: {direction}\n" + extra + TREE
    return kind(scene_of(write_spec, body), "edge", Line)


@pytest.mark.parametrize("direction", ["right", "down"])
def test_elbow_edges_are_orthogonal_and_share_one_trunk(write_spec, direction):
    lines = edges(write_spec, "    edge_style: elbow\n", direction)
    assert len(lines) == 3
    across = 0 if direction == "right" else 1  # the coordinate the trunk is fixed in
    trunks = set()
    for ln in lines:
        pts = ln.points
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            assert x0 == pytest.approx(x1) or y0 == pytest.approx(y1)  # every leg horizontal or vertical
        if len(pts) == 4:
            assert pts[1][across] == pytest.approx(pts[2][across])
            trunks.add(round(pts[1][across], 3))
    assert len(trunks) == 1  # all children of one parent turn on the same line
    start = {round(ln.points[0][across], 3) for ln in lines}
    end = {round(ln.points[-1][across], 3) for ln in lines}
    assert min(start) < trunks.pop() < min(end)  # the trunk lies between the parent and its children


def test_straight_is_the_default_and_draws_one_segment(write_spec):
    assert all(len(ln.points) == 2 for ln in edges(write_spec, ""))


def test_edge_style_is_checked(write_spec):
    msg = r's\.yaml:\d+:\d+: error: "curved" is not allowed \(expected one of: straight, elbow\)'
    with pytest.raises(SpecError, match=msg):
        edges(write_spec, "    edge_style: curved\n")
