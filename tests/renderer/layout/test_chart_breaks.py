"""A broken y axis: the skipped range's gap, one scale on both sides, ticks on both sides, the break marks."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.backends.pptx_native import chart_plan
from renderer.layout.chart_breaks import GAP
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Group, Line, Path, Polygon, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError


def bars(values: str = "[5, 100]", y: str = "{min: 0, max: 110, breaks: [[10, 90]]}", extra: str = "") -> str:
    return ("  chart:\n    id: c\n    kind: bar\n    height: 200\n    x: {categories: [a, b]}\n"
            f"    y: {y}\n    series:\n      - values: {values}\n{extra}")


def value_ticks(scene) -> dict[str, float]:
    """Tick label text -> y of its tick mark (the value axis's marks are short horizontal lines)."""
    marks = [ln for ln in kind(scene, "chart-tick", Line) if ln.points[0][1] == ln.points[1][1]]
    labels = [t for t in kind(scene, "chart-tick", Text) if t.anchor == "end"]
    out = {}
    for t in labels:
        m = min(marks, key=lambda ln: abs(ln.points[0][1] - (t.y - 0.32 * t.size)))
        out[t.text] = m.points[0][1]
    return out


def test_bars_on_both_sides_of_a_break_keep_one_scale_and_the_gap_is_marked(write_spec):
    scene = scene_of(write_spec, bars())
    low, high = sorted(kind(scene, "chart-bar", Rect), key=lambda b: b.x)
    base = low.y + low.h
    assert high.y + high.h == pytest.approx(base), "both bars stand on 0"
    unit = (200 - GAP) / (10 + 20)  # px per unit: the kept ranges [0, 10] and [90, 110] share the height
    assert low.h == pytest.approx(5 * unit), "below the break: 5 units"
    assert high.h == pytest.approx((10 + (100 - 90)) * unit + GAP), "above it: 10 below, the gap, then 90 → 100"
    ticks = value_ticks(scene)
    assert {"0", "10", "100", "110"} <= set(ticks), "ticks on both sides of the break"
    assert "50" not in ticks, "no tick inside the skipped range"
    assert ticks["100"] == pytest.approx(high.y), "a tick above the break reads the bar's value"
    assert ticks["10"] == pytest.approx(base - 10 * unit)
    gap_lo, gap_hi = base - 10 * unit, base - 10 * unit - GAP  # px of 10 and of 90
    marks = [p for p in kind(scene, "chart-break", Polygon)]
    assert len(marks) == 2, "one mark on the axis, one across the bar that spans the gap (none on the short bar)"
    on_axis = next(m for m in marks if "yaxis" in m.meta.parts)
    on_bar = next(m for m in marks if "bar1" in m.meta.parts)
    for m in (on_axis, on_bar):
        ys = [y for _, y in m.points]
        assert min(ys) < gap_hi < gap_lo < max(ys) and max(ys) - min(ys) < GAP + 4, "white across the gap"
        assert m.style.fill == "#FFFFFF"
    xs = [x for x, _ in on_bar.points]
    assert min(xs) < high.x and max(xs) > high.x + high.w, "the mark cuts across the whole bar"
    (axis,) = [ln for ln in kind(scene, "chart-axis", Line) if ln.points[0][0] == ln.points[1][0]]
    xs = [x for x, _ in on_axis.points]
    assert min(xs) < axis.points[0][0] < max(xs), "the mark cuts across the y axis"
    strokes = kind(scene, "chart-break", Line)
    assert len(strokes) == 4 and all(ln.points[0][1] > ln.points[1][1] for ln in strokes), "slanted strokes"


def test_points_of_a_line_on_both_sides_of_a_break(write_spec):
    body = ("  chart:\n    id: c\n    kind: line\n    height: 200\n    y: {min: 0, max: 110, breaks: [[10, 90]]}\n"
            "    series:\n      - {x: [0, 1, 2], values: [4, 95, 110]}\n")
    scene = scene_of(write_spec, body)
    pts = sorted(((m.cx, m.cy) for m in kind(scene, "chart-marker", Ellipse)), key=lambda p: p[0])
    unit = (200 - GAP) / 30
    bottom = pts[2][1] + 20 * unit + GAP + 10 * unit  # the top point (110) is the top of the plot
    assert pts[0][1] == pytest.approx(bottom - 4 * unit)
    assert pts[1][1] == pytest.approx(bottom - 10 * unit - GAP - 5 * unit)
    (axis_mark,) = kind(scene, "chart-break", Polygon)
    assert "yaxis" in axis_mark.meta.parts


def test_a_chart_without_breaks_has_no_marks_and_a_native_pptx_plan(write_spec):
    scene = scene_of(write_spec, bars(y="{min: 0, max: 110}"))
    assert not kind(scene, "chart-break")
    (chart,) = [g for g in walk(scene.items) if isinstance(g, Group) and g.meta.kind == "chart"]
    assert "y_breaks" not in chart.data and chart_plan(chart.data) is not None


def test_a_broken_axis_is_drawn_as_shapes_in_pptx(write_spec):
    scene = scene_of(write_spec, bars())
    (chart,) = [g for g in walk(scene.items) if isinstance(g, Group) and g.meta.kind == "chart"]
    assert chart.data["y_breaks"] == [[10.0, 90.0]]
    assert chart_plan(chart.data) is None, "no native chart can skip a range: the bars stay native shapes"


@pytest.mark.parametrize(("body", "message"), [
    (bars(values="[5, 50]"), r"value 50 lies in a range the y axis skips"),
    (bars(y="{min: 0, max: 110, breaks: [[90, 10]]}"), r"break \[90, 10\]: expected from < to"),
    (bars(y="{min: 0, max: 80, breaks: [[10, 90]]}"), r"breaks must lie inside the axis"),
    (bars(y="{min: 0, max: 110, breaks: [[10, 50], [40, 90]]}"), r"starts before the previous one ends"),
    (bars().replace("kind: bar", "kind: bar\n    horizontal: true"), r"breaks need a vertical bar, line or area"),
    (bars().replace("    x: {categories: [a, b]}", "    x: {categories: [a, b], breaks: [[0, 1]]}"),
     r"only the y axis can have breaks"),
])
def test_bad_breaks_are_located_errors(write_spec, body, message):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*" + message):
        scene_of(write_spec, body)


def test_the_gap_of_a_chart_in_a_panel_shows_the_panel_fill(write_spec):
    _first, *rest = bars().splitlines()
    body = "  panel:\n    role: panel\n    items:\n      - chart:\n" + "".join(f"      {ln}\n" for ln in rest)
    scene = scene_of(write_spec, body)
    marks = kind(scene, "chart-break", Polygon)
    assert marks and {m.style.fill for m in marks} == {load_theme().color("panel")}


@pytest.mark.parametrize("name", ["chart-breaks", "heatmap-highlight", "chart-label-contrast", "chart-teach"])
def test_the_examples_check_clean(name):
    from renderer.app.check import DEFECTS, check_spec
    from renderer.project import ROOT

    assert check_spec(ROOT / "specs" / "_examples" / f"{name}.yaml", only=DEFECTS) == []


def test_an_area_that_spans_a_break_is_cut_across_the_plot(write_spec):
    body = ("  chart:\n    id: c\n    kind: area\n    height: 200\n    y: {min: 0, max: 110, breaks: [[10, 90]]}\n"
            "    series:\n      - {x: [0, 1, 2], values: [95, 100, 110]}\n")
    scene = scene_of(write_spec, body)
    (area,) = kind(scene, "chart-area", Path)
    ax0, _, ax1, _ = bbox(area)
    wide = [m for m in kind(scene, "chart-break", Polygon) if "yaxis" not in m.meta.parts]
    assert len(wide) == 1
    xs = [x for x, _ in wide[0].points]
    assert min(xs) < ax0 and max(xs) > ax1, "the mark crosses the whole area"
