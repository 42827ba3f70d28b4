"""Bar charts with negative values: the category axis is drawn at value 0, so negative bars hang below it."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Line, Rect


def bar_chart(values: str, horizontal: bool = False, grid: bool = True) -> str:
    return ("  chart:\n    id: c\n    kind: bar\n" + ("    horizontal: true\n" if horizontal else "")
            + "    x: {categories: [a, b, c]}\n" + ("" if grid else "    y: {grid: false}\n")
            + f"    series:\n      - values: {values}\n")


def axis_lines(scene) -> tuple[Line, Line]:
    """(horizontal axis line, vertical axis line) of the chart."""
    lines = kind(scene, "chart-axis", Line)
    flat = [ln for ln in lines if ln.points[0][1] == ln.points[1][1]]
    upright = [ln for ln in lines if ln.points[0][0] == ln.points[1][0]]
    assert len(flat) == 1 and len(upright) == 1
    return flat[0], upright[0]


@pytest.mark.parametrize("grid", [True, False])
def test_vertical_bars_stand_on_an_axis_at_zero(write_spec, grid):
    scene = scene_of(write_spec, bar_chart("[1.4, -0.3, 0.6]", grid=grid))
    pos, neg, _ = sorted(kind(scene, "chart-bar", Rect), key=lambda b: b.x)
    zero = pos.y + pos.h  # value 0: where the positive bar starts and the negative one hangs from
    assert neg.y == pytest.approx(zero)
    flat, upright = axis_lines(scene)
    assert flat.points[0][1] == pytest.approx(zero)
    assert neg.y + neg.h > zero + 1, "the negative bar reaches below the axis"
    assert max(p[1] for p in upright.points) >= neg.y + neg.h - 0.5, "the value axis spans the whole plot"
    grids = [ln for ln in kind(scene, "chart-grid", Line) if abs(ln.points[0][1] - zero) < 0.5]
    assert not grids, "no grid line under the axis line"


def test_horizontal_bars_grow_from_an_axis_at_zero(write_spec):
    scene = scene_of(write_spec, bar_chart("[1.4, -0.3, 0.6]", horizontal=True))
    pos, neg, _ = sorted(kind(scene, "chart-bar", Rect), key=lambda b: b.y)
    zero = pos.x
    assert neg.x + neg.w == pytest.approx(zero)
    _, upright = axis_lines(scene)
    assert upright.points[0][0] == pytest.approx(zero)
    assert neg.x < zero - 1


def test_positive_bars_keep_the_axis_at_the_bottom(write_spec):
    scene = scene_of(write_spec, bar_chart("[1.4, 0.3, 0.6]"))
    bars = kind(scene, "chart-bar", Rect)
    flat, upright = axis_lines(scene)
    bottom = max(p[1] for p in upright.points)
    assert flat.points[0][1] == pytest.approx(bottom)
    assert all(b.y + b.h == pytest.approx(bottom) for b in bars)
