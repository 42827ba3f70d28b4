"""Lines that teach: step and smooth curves, end labels, the area between two series, deviation lines."""

from __future__ import annotations

import io
import math
import zipfile

import pytest
from _helpers import kind, scene_of
from lxml import etree

from renderer.app.check_legend import legend_checks
from renderer.backends.pptx import draw_pptx
from renderer.layout.theme import load_theme
from renderer.scene import Line, Path, Text, bbox, walk
from renderer.spec.errors import SpecError

XS = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
YS = [1.0, 3.0, 2.9, 0.5, 0.5, 2.0]
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def line_chart(series: str, extra: str = "", kind_: str = "line") -> str:
    return f"  chart:\n    id: c\n    kind: {kind_}\n    legend: bottom\n    series:\n{series}{extra}"


def one(opts: str, ys=YS, name: str = "s") -> str:
    return f"      - {{name: {name}, x: {XS}, values: {ys}, {opts}}}\n"


def flat(points) -> list[float]:
    """Points as one flat list of coordinates (pytest.approx compares flat sequences)."""
    return [v for p in points for v in p]


def plot_points(scene) -> list[tuple[float, float]]:
    """The data points as drawn: the markers' centres."""
    return sorted(((m.cx, m.cy) for m in kind(scene, "chart-marker")), key=lambda p: p[0])


def test_a_step_line_holds_each_value_until_the_next_x_then_jumps(write_spec):
    scene = scene_of(write_spec, line_chart(one("curve: step, marker: circle")))
    (curve,) = kind(scene, "chart-curve", Line)
    assert not kind(scene, "chart-line")
    pts = plot_points(scene)
    drawn = list(curve.points)
    assert len(drawn) == 2 * len(pts) - 1
    assert flat(drawn[::2]) == pytest.approx(flat(pts))  # every data point is a corner
    for k in range(len(pts) - 1):
        (_x0, y0), (xm, ym), (x1, _y1) = drawn[2 * k], drawn[2 * k + 1], drawn[2 * k + 2]
        assert ym == pytest.approx(y0) and xm == pytest.approx(x1)  # flat at the old value, then vertical


def test_a_smooth_line_passes_through_every_point_without_overshooting_and_without_kinks(write_spec):
    scene = scene_of(write_spec, line_chart(one("curve: smooth, marker: circle")))
    (curve,) = kind(scene, "chart-curve", Line)
    pts = plot_points(scene)
    cmds = curve.cmds
    assert cmds[0][0] == "M" and [c[0] for c in cmds[1:]] == ["C"] * (len(pts) - 1)
    ends = [cmds[0][1:3]] + [c[5:7] for c in cmds[1:]]
    assert flat(ends) == pytest.approx(flat(pts))
    for k, c in enumerate(cmds[1:]):
        (x0, y0), (x1, y1) = pts[k], pts[k + 1]
        lo, hi = min(y0, y1), max(y0, y1)
        assert lo - 1e-6 <= c[2] <= hi + 1e-6 and lo - 1e-6 <= c[4] <= hi + 1e-6  # control points in range
        assert x0 < c[1] < c[3] < x1
    level = YS.index(0.5)  # equal neighbours (0.5, 0.5): the curve is flat between them
    assert cmds[level + 1][2] == pytest.approx(pts[level][1]) and cmds[level + 1][4] == pytest.approx(pts[level][1])
    for k in range(1, len(pts) - 1):  # C1: incoming control, point, outgoing control on one line
        (ax, ay), (px, py), (bx, by) = cmds[k][3:5], pts[k], cmds[k + 1][1:3]
        assert (px - ax) * (by - py) == pytest.approx((py - ay) * (bx - px), abs=1e-6)
    samples = curve.points  # the polyline the checks measure stays on the curve's y range per segment
    assert min(p[1] for p in samples) >= min(p[1] for p in pts) - 1e-6
    assert max(p[1] for p in samples) <= max(p[1] for p in pts) + 1e-6


def test_a_curve_needs_increasing_x_and_a_line_chart(write_spec):
    body = line_chart("      - {x: [0, 2, 1], values: [1, 2, 3], curve: smooth}\n")
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*curve: smooth needs x values that increase"):
        scene_of(write_spec, body)
    bar = "  chart:\n    kind: bar\n    series:\n      - {values: [1, 2], curve: step}\n"
    with pytest.raises(SpecError, match=r"curve, end_label, deviations and line: false need a line or area chart"):
        scene_of(write_spec, bar)


def test_end_labels_name_each_series_at_its_last_point_in_its_colour_instead_of_the_legend(write_spec):
    series = (one("role: model, end_label: true", name="upper") + one("role: emphasis, end_label: true",
                                                                      ys=[y + 0.05 for y in YS], name="lower")
              + one("role: kept", ys=[y * 0.5 for y in YS], name="kept-in-legend"))
    scene = scene_of(write_spec, line_chart(series))
    theme = load_theme()
    labels = {t.text: t for t in kind(scene, "chart-end-label", Text)}
    assert set(labels) == {"upper", "lower"}
    lines = {ln.meta.role: ln for ln in kind(scene, "chart-line", Line)}
    for name, role in (("upper", "model"), ("lower", "emphasis")):
        t, last = labels[name], lines[role].points[-1]
        assert t.fill == theme.color(role)
        assert bbox(t)[0] > last[0]  # right of the line's end
        assert abs((bbox(t)[1] + bbox(t)[3]) / 2 - last[1]) < 20
    a, b = bbox(labels["upper"]), bbox(labels["lower"])
    assert a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, "two end labels of close lines do not overlap"
    legend = [t.text for t in kind(scene, "chart-legend", Text)]
    assert "kept-in-legend" in legend and "upper" not in legend and "lower" not in legend
    assert not [f for f in legend_checks(scene, theme) if "no legend says" in f[2]], "end labels explain colours"


def test_the_area_between_two_series_follows_the_upper_then_the_lower_line(write_spec):
    series = one("role: model") + one("role: emphasis", ys=[y - 0.5 for y in YS], name="low")
    extra = "    between:\n      - {series: [0, 1], role: removed, opacity: 0.5, name: gap}\n"
    scene = scene_of(write_spec, line_chart(series, extra))
    (area,) = kind(scene, "chart-between", Path)
    up, lo = (ln.points for ln in sorted(kind(scene, "chart-line", Line), key=lambda ln: ln.points[0][1]))
    vertices = [c[1:] for c in area.cmds if c[0] in "ML"]
    assert flat(vertices) == pytest.approx(flat(list(up) + list(lo)[::-1]))
    assert area.cmds[-1] == ("Z",) and area.style.opacity == 0.5
    assert area.style.fill == load_theme().color("removed")
    assert "gap" in [t.text for t in kind(scene, "chart-legend", Text)]
    drawn = [p.meta.kind for p in kind(scene, "chart-between") + kind(scene, "chart-line")]
    order = [p.meta.kind for p in walk(scene.items)
             if p.meta.kind in drawn]
    assert order[0] == "chart-between", "drawn behind the lines"


def test_between_series_must_share_their_x_values(write_spec):
    series = one("role: model") + "      - {x: [0, 1, 2, 3, 4, 6], values: [1, 1, 1, 1, 1, 1]}\n"
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*their x values differ"):
        scene_of(write_spec, line_chart(series, "    between:\n      - {series: [0, 1]}\n"))


def test_deviation_lines_join_each_point_to_the_reference_value(write_spec):
    scene = scene_of(write_spec, line_chart(one("role: kept, deviations: 2.0, marker: circle")))
    devs = kind(scene, "chart-deviation", Line)
    pts = plot_points(scene)
    (ref_y,) = {ln.points[1][1] for ln in devs}
    off = [p for p, y in zip(pts, YS, strict=True) if y != 2.0]
    assert len(devs) == len(off) == len(pts) - 1  # the last point lies on 2.0: no line of length 0
    assert flat(sorted(ln.points[0] for ln in devs)) == pytest.approx(flat(off))
    assert all(ln.points[0][0] == ln.points[1][0] for ln in devs)
    above = [p for p, y in zip(pts, YS, strict=True) if y > 2.0]
    assert all(p[1] < ref_y for p in above)  # y grows downwards: higher values are above the reference


def test_pptx_keeps_the_data_in_the_native_chart_and_draws_the_curve_as_a_freeform(write_spec):
    scene = scene_of(write_spec, line_chart(one("curve: smooth, marker: circle, role: model")))
    z = zipfile.ZipFile(io.BytesIO(draw_pptx(scene)))
    (chart,) = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("ppt/charts/chart")
                and n.endswith(".xml")]
    ser = chart.find(".//{*}ser")
    assert [float(v.text) for v in ser.findall("{*}yVal//{*}pt/{*}v") or ser.findall("{*}val//{*}pt/{*}v")] == YS
    assert ser.find(f"{{*}}spPr/{{{A}}}ln/{{{A}}}noFill") is not None  # the series line itself is not drawn
    slide = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert slide.findall(f".//{{{A}}}custGeom//{{{A}}}cubicBezTo"), "the smooth curve is a Bézier freeform"


def test_a_scatter_draws_markers_only_and_its_legend_swatch_is_a_marker(write_spec):
    series = "      - {name: pts, x: [0, 1, 2, 3], values: [1.0, 0.2, 0.7, 0.4], line: false}\n"
    scene = scene_of(write_spec, line_chart(series))
    assert not kind(scene, "chart-line") and not kind(scene, "chart-curve")
    assert len([m for m in kind(scene, "chart-marker") if m.meta.src and "legend" not in m.meta.kind]) >= 4
    assert not [ln for ln in kind(scene, "chart-legend", Line)], "no line in the legend swatch"
    with pytest.raises(SpecError, match=r"line: false needs a marker"):
        scene_of(write_spec, line_chart("      - {values: [1, 2], line: false, marker: none}\n"))


def test_an_annotation_rings_where_a_line_first_crosses_a_value(write_spec):
    body = line_chart("      - {x: [0, 1, 2, 3], values: [0, 1, 2, 1], marker: circle}\n",
                      "    annotations:\n      - {series: 0, crosses: 1.5, text: here}\n")
    scene = scene_of(write_spec, body)
    (ring,) = kind(scene, "chart-crossing")
    pts = plot_points(scene)
    assert ring.cx == pytest.approx((pts[1][0] + pts[2][0]) / 2), "half-way from 1 to 2, the first crossing"
    assert ring.cy == pytest.approx((pts[1][1] + pts[2][1]) / 2)
    assert ring.style.fill is None and ring.style.stroke
    (arrow,) = kind(scene, "chart-annotation-arrow")
    assert math.hypot(arrow.points[-1][0] - ring.cx, arrow.points[-1][1] - ring.cy) < 8, "the note points at it"


def test_a_right_axis_line_over_bars_can_be_crossed(write_spec):
    body = ("  chart:\n    kind: bar\n    x: {categories: [a, b, c]}\n    series:\n      - {values: [3, 2, 1]}\n"
            "      - {values: [0.5, 0.8, 1.0], axis: right}\n"
            "    annotations:\n      - {series: 1, crosses: 0.65, text: p}\n")
    scene = scene_of(write_spec, body)
    (ring,) = kind(scene, "chart-crossing")
    m = sorted(kind(scene, "chart-marker"), key=lambda e: e.cx)
    assert m[0].cx < ring.cx < m[1].cx and m[1].cy < ring.cy < m[0].cy


def test_a_line_that_never_reaches_the_value_is_a_located_error(write_spec):
    body = line_chart(one(""), "    annotations:\n      - {series: 0, crosses: 9, text: never}\n")
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*series 0 never reaches 9"):
        scene_of(write_spec, body)
