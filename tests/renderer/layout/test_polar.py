"""The polar rotation glyph: vectors at their angles and lengths, arcs on their radius, labels kept apart."""

from __future__ import annotations

import math

import pytest
from _helpers import kind, scene_of

from renderer.app.check import check_scene
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Line, Text, bbox
from renderer.spec.errors import SpecError


def glyph(vectors: str, arcs: str = "", extra: str = "") -> str:
    tail = f"    arcs:\n{arcs}" if arcs else ""
    return f"  polar:\n    id: p\n    size: 200\n{extra}    vectors:\n{vectors}" + tail


def origin(scene) -> tuple[float, float]:
    (o,) = kind(scene, "polar-origin", Ellipse)
    return o.cx, o.cy


def test_vectors_point_at_their_angle_counter_clockwise_with_their_length(write_spec):
    vs = ("      - {angle: 0.5, length: 1.0, label: a}\n      - {angle: 2.0, length: 0.5, label: b, dashed: true}\n"
          "      - {angle: -1.0, length: 0.25}\n")
    scene = scene_of(write_spec, glyph(vs, extra="    max: 1.0\n"))
    cx, cy = origin(scene)
    lines = kind(scene, "polar-vector", Line)
    assert len(lines) == 3
    for ln, (a, length) in zip(lines, ((0.5, 1.0), (2.0, 0.5), (-1.0, 0.25)), strict=True):
        (x0, y0), (x1, y1) = ln.points
        assert (x0, y0) == pytest.approx((cx, cy))
        assert x1 - cx == pytest.approx(100 * length * math.cos(a))
        assert cy - y1 == pytest.approx(100 * length * math.sin(a))
        assert ln.arrow_end
    assert lines[1].style.dash is not None and lines[0].style.dash is None
    (circle,) = kind(scene, "polar-circle", Ellipse)
    assert circle.rx == circle.ry == pytest.approx(100)


def test_degrees_and_radians_draw_the_same_vector(write_spec):
    a = scene_of(write_spec, glyph("      - {angle: 1.5707963267948966}\n"))
    b = scene_of(write_spec, glyph("      - {angle: 90}\n", extra="    degrees: true\n"))
    pa, pb = kind(a, "polar-vector", Line)[0].points, kind(b, "polar-vector", Line)[0].points
    assert [v for p in pa for v in p] == pytest.approx([v for p in pb for v in p])


def test_an_arc_runs_on_its_radius_from_one_angle_to_the_other(write_spec):
    scene = scene_of(write_spec, glyph("      - {angle: 0}\n      - {angle: 2.5}\n",
                                       "      - {from: 0, to: 2.5, radius: 0.4, label: θ}\n"))
    cx, cy = origin(scene)
    (arc,) = kind(scene, "polar-arc", Line)
    assert arc.arrow_end and arc.cmds[0][0] == "M" and {c[0] for c in arc.cmds[1:]} == {"C"}
    for x, y in arc.points:
        assert math.hypot(x - cx, y - cy) == pytest.approx(40, abs=0.3)
    (x0, y0), (x1, y1) = arc.points[0], arc.points[-1]
    assert math.atan2(cy - y0, x0 - cx) == pytest.approx(0, abs=1e-6)
    assert math.atan2(cy - y1, x1 - cx) == pytest.approx(2.5, abs=1e-6)
    (label,) = [t for t in kind(scene, "polar-label", Text) if t.text == "θ"]
    lx, ly = (bbox(label)[0] + bbox(label)[2]) / 2, (bbox(label)[1] + bbox(label)[3]) / 2
    assert math.hypot(lx - cx, ly - cy) > 40, "the label sits outside its arc"


def test_labels_of_vectors_close_together_are_kept_apart(write_spec):
    vs = ("      - {angle: 0, label: 'm = 0', dashed: true}\n      - {angle: 0.1, label: 'm = 1', role: accent}\n"
          "      - {angle: 0.3, label: 'm = 3', role: emphasis}\n")
    scene = scene_of(write_spec, glyph(vs, "      - {to: 0.3, radius: 0.55, label: '3θ = 0.30'}\n",
                                       extra="    axis_labels: [x₀, x₁]\n"))
    found = [p.message for p in check_scene(scene, load_theme())
             if "overlaps text" in p.message or "arrowhead" in p.message]
    assert not found, found


def test_a_vector_longer_than_max_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*vector length 2 is outside 0 … max 1"):
        scene_of(write_spec, glyph("      - {angle: 0, length: 2}\n"))
