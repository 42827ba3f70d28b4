"""A titled colour bar (with its unit) beside a tensor coloured by value, shared by a cell group's tensors."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of
from test_tensor_pictures import grid_box, name, slide_shapes

from renderer.app.check import check_spec
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Rect, Text, bbox

EXAMPLE = ROOT / "specs" / "_examples" / "tensor-color-bar.yaml"
VALUES = "    values: [[0, 2, 4], [6, 8, 10]]\n    color_by_value: true\n"


def test_a_stepped_key_with_title_and_unit_stands_right_of_the_grid(write_spec):
    theme = load_theme()
    body = "  tensor:\n" + VALUES + "    scale: {legend: true, title: latency, unit: ms}\n"
    scene = scene_of(write_spec, body)
    steps = kind(scene, "chart-key", Rect)
    assert [r.style.fill for r in sorted(steps, key=lambda r: -r.y)] == theme.palette["scale"], \
        "one box per step of the theme's scale, low at the bottom"
    _, y0, x1, y1 = grid_box(scene)
    assert min(r.x for r in steps) > x1, "beside the grid, on its right"
    assert [t.text for t in kind(scene, "chart-key-title", Text)] == ["latency (ms)"]
    labels = [t.text for t in kind(scene, "chart-key", Text)]
    assert labels[0] == "0" and labels[-1] == "10", "the range's ends are labelled"
    assert sum(name(sp).startswith("chart-key") for sp in slide_shapes(scene)) >= len(steps), "native PPTX shapes"
    assert kind(scene_of(write_spec, "  tensor:\n" + VALUES), "chart-key", Rect) == [], "off unless asked for"
    unit_only = scene_of(write_spec, "  tensor:\n" + VALUES + "    scale: {legend: true, unit: ms}\n")
    assert [t.text for t in kind(unit_only, "chart-key-title", Text)] == ["ms"]


def test_a_continuous_bar_spans_the_grid_less_a_label_line(write_spec):
    body = "  tensor:\n" + VALUES + "    cell: 40\n    scale: {legend: true, continuous: true, title: t}\n"
    scene = scene_of(write_spec, body)
    _, y0, _, y1 = grid_box(scene)
    frame = [r for r in kind(scene, "chart-key", Rect) if r.meta.role == "frame"]
    assert len(frame) == 1
    lh = 12 * 1.3
    assert (frame[0].y, frame[0].y + frame[0].h) == pytest.approx((y0 + lh / 2, y1 - lh / 2))
    texts = kind(scene, "chart-key", Text)
    assert min(bbox(t)[1] for t in texts) >= y0 - 1 and max(bbox(t)[3] for t in texts) <= y1 + 1, \
        "the end labels stay within the grid's height"
    assert bbox(kind(scene, "chart-key-title", Text)[0])[3] <= y0, "the title above the grid's top"


def _cell(scene, tensor_id: str, i: int, j: int) -> Rect:
    return next(g.children[0] for g in kind(scene, "tensor-cell", Group)
                if g.meta.id == tensor_id and f"r{i}c{j}" in g.meta.parts)


SHARED = """  row:
    items:
      - tensor:
          id: a
          values: [[0, 1], [2, 3]]
          color_by_value: true
          cell_group: g
          scale: {legend: true, continuous: true, title: w}
      - tensor:
          id: b
          values: [[3, 6], [0, 1]]
          color_by_value: true
          cell_group: g
          scale: {legend: true, continuous: true, title: w}
"""


def test_a_cell_group_with_one_scale_shares_one_bar_and_one_range(write_spec):
    scene = scene_of(write_spec, SHARED)
    frames = [r for r in kind(scene, "chart-key", Rect) if r.meta.role == "frame"]
    assert len(frames) == 1, "one bar for the group"
    b_right = max(bbox(g)[2] for g in kind(scene, "tensor-cell", Group) if g.meta.id == "b")
    assert frames[0].x > b_right, "beside the last tensor"
    assert _cell(scene, "a", 1, 1).style.fill == _cell(scene, "b", 0, 0).style.fill, "3 has one colour in both"
    assert [t.text for t in kind(scene, "chart-key", Text)][:2] == ["0", "6"], "the range spans both tensors"
    apart = scene_of(write_spec, SHARED.replace("title: w}\n", "title: v}\n", 1))
    assert len([r for r in kind(apart, "chart-key", Rect) if r.meta.role == "frame"]) == 2, \
        "different scales: a bar each"
    assert _cell(apart, "a", 1, 1).style.fill != _cell(apart, "b", 0, 0).style.fill, "and a range each"


def test_a_heat_map_key_title_takes_the_unit_too(write_spec):
    body = "  chart:\n    kind: heatmap\n    matrix: [[1, 2], [3, 4]]\n    scale: {title: angle, unit: rad}\n"
    assert [t.text for t in kind(scene_of(write_spec, body), "chart-key-title", Text)] == ["angle (rad)"]


def test_example_spec_is_clean():
    assert check_spec(EXAMPLE) == []
