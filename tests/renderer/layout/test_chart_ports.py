"""Edge ports on charts and tensors (points, axes, category labels, heat-map cells, group labels) and
callouts pinned anywhere on a line."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.base import PART_PAD
from renderer.scene import Ellipse, Line, Text, bbox, walk

LINE = ("    - chart:\n        id: c\n        kind: line\n        x: {categories: [a, b, c, d]}\n"
        "        series:\n          - {values: [1, 3, 2, 4], marker: circle}\n")


def edge_end(scene) -> tuple[float, float]:
    (e,) = [ln for ln in kind(scene, "edge", Line)]
    return e.points[-1]


def near(p, box, tol=8.0) -> bool:
    return box[0] - tol <= p[0] <= box[2] + tol and box[1] - tol <= p[1] <= box[3] + tol


@pytest.mark.parametrize("port", ["c.p2", "c.s0.p2", "c.xaxis", "c.yaxis", "c.cat1"])
def test_an_edge_ends_at_a_point_an_axis_or_a_category_label(write_spec, port):
    body = "  row:\n    gap: 80\n    items:\n    - box: {id: note, text: look}\n" + LINE
    scene = scene_of(write_spec, body + f"edges:\n  - {{from: note, to: {port}}}\n")
    end = edge_end(scene)
    part = port.split(".", 1)[1]
    boxes = [bbox(p) for p in walk(scene.items) if part in p.meta.parts]
    union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    assert near(end, union, tol=PART_PAD + 1), (port, end, union)


def test_an_edge_ends_at_a_heat_map_cell_and_a_tensor_group_label(write_spec):
    body = ("  row:\n    gap: 80\n    items:\n    - box: {id: note, text: look}\n"
            "    - chart: {id: h, kind: heatmap, cell: 30, matrix: [[1, 2, 3], [4, 5, 6]]}\n"
            "    - tensor: {id: t, shape: [4, 2], row_groups: [{size: 2, label: first}, {size: 2, label: second}]}\n")
    for port, part in (("h.r1c2", "r1c2"), ("t.rg1", "rg1")):
        scene = scene_of(write_spec, body + f"edges:\n  - {{from: note, to: {port}}}\n")
        end = edge_end(scene)
        boxes = [bbox(p) for p in walk(scene.items) if part in p.meta.parts]
        union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                 max(b[3] for b in boxes))
        assert near(end, union, tol=PART_PAD + 1), (port, end, union)


def test_a_callout_pinned_between_two_points_sits_on_the_line(write_spec):
    body = ("  chart:\n    kind: line\n    series:\n      - {x: [0, 1, 2], values: [0, 2, 1], marker: circle}\n"
            "    annotations:\n      - {text: here, series: 0, x: 0.5}\n")
    scene = scene_of(write_spec, body)
    (arrow,) = kind(scene, "chart-annotation-arrow", Line)
    m = sorted((p.cx, p.cy) for p in kind(scene, "chart-marker", Ellipse))
    mid = ((m[0][0] + m[1][0]) / 2, (m[0][1] + m[1][1]) / 2)  # x = 0.5 on the straight segment 0 → 1
    tip = arrow.points[-1]
    assert abs(tip[0] - mid[0]) < 5 and abs(tip[1] - mid[1]) < 5
    assert [t.text for t in kind(scene, "chart-annotation", Text)] == ["here"]


def test_drop_lines_run_from_the_annotated_point_to_both_axes(write_spec):
    body = ("  chart:\n    kind: line\n    series:\n      - {x: [0, 1, 2], values: [0, 2, 1], marker: circle}\n"
            "    annotations:\n      - {text: peak, series: 0, index: 1, drops: true}\n")
    scene = scene_of(write_spec, body)
    drops = kind(scene, "chart-drop", Line)
    axis = [ln for ln in kind(scene, "chart-axis", Line)]
    bottom = max(p[1] for ln in axis for p in ln.points)
    left = min(p[0] for ln in axis for p in ln.points)
    peak = sorted((p.cx, p.cy) for p in kind(scene, "chart-marker", Ellipse))[1]
    assert len(drops) == 2 and all(d.style.dash for d in drops)
    ends = sorted(d.points[1] for d in drops)
    assert all(d.points[0] == pytest.approx(peak) for d in drops)
    assert ends[0] == pytest.approx((left, peak[1])) and ends[1] == pytest.approx((peak[0], bottom))


def test_a_callout_pinned_to_a_smooth_line_sits_on_the_drawn_curve(write_spec):
    body = ("  chart:\n    kind: line\n    series:\n      - {x: [0, 1, 2, 3], values: [0, 2, 1, 3], curve: smooth}\n"
            "    annotations:\n      - {text: here, series: 0, x: 0.5}\n")
    scene = scene_of(write_spec, body)
    (arrow,) = kind(scene, "chart-annotation-arrow", Line)
    (curve,) = kind(scene, "chart-curve", Line)
    tip = arrow.points[-1]
    gap = min(((tip[0] - x) ** 2 + (tip[1] - y) ** 2) ** 0.5 for x, y in curve.points)
    assert gap < 6  # the arrow stops 4 px short of the point it names
    xs = sorted(x for x, _ in curve.points)
    assert xs[0] < tip[0] < xs[-1]
