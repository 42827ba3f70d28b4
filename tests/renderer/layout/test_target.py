"""Target (bull's-eye) layout: marks at their data positions (y up), ring count and colours from roles, the mean
cross, located errors for points outside the rings and malformed points, native PPTX ellipses."""

from __future__ import annotations

import io
import math

import pytest
from _helpers import kind, scene_of
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE

from renderer.app.cli import main
from renderer.backends.pptx import draw_pptx
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Line
from renderer.spec.errors import SpecError

EYE = """  target:
    id: T
    title: {en: "estimates", zh: "估计值"}
    center: [1, 1]
    radius: 2
    size: 200
    rings: 4
    role: thought
    mean: true
    points: [[3, 1], [1, 2], [0, 0]]
"""


def _bull(scene) -> Ellipse:
    (bull,) = kind(scene, "target-center", Ellipse)
    return bull


def test_marks_sit_at_their_data_positions_with_y_up(write_spec):
    scene = scene_of(write_spec, EYE)
    bull = _bull(scene)
    marks = [(m.cx - bull.cx, m.cy - bull.cy) for m in kind(scene, "target-mark", Ellipse)]
    # 100 px per 2 data units: (3, 1) is on the outer ring to the right, (1, 2) half-way up, (0, 0) down-left
    assert marks == [pytest.approx((100.0, 0.0)), pytest.approx((0.0, -50.0)), pytest.approx((-50.0, 50.0))]


def test_rings_and_colours_follow_the_spec(write_spec):
    scene = scene_of(write_spec, EYE)
    theme = load_theme()
    rings = kind(scene, "target-ring", Ellipse)
    assert sorted(round(r.rx, 6) for r in rings) == [25.0, 50.0, 75.0, 100.0]
    assert all(r.cx == _bull(scene).cx and r.cy == _bull(scene).cy for r in rings)
    assert {m.style.fill for m in kind(scene, "target-mark", Ellipse)} == {theme.color("thought")}
    assert _bull(scene).style.fill == theme.color("emphasis")


def test_the_mean_cross_is_centred_on_the_mean_of_the_points(write_spec):
    scene = scene_of(write_spec, EYE)
    bull = _bull(scene)
    arms = kind(scene, "target-mean", Line)
    assert len(arms) == 2
    mid = [((a.points[0][0] + a.points[1][0]) / 2, (a.points[0][1] + a.points[1][1]) / 2) for a in arms]
    mean = (bull.cx + (2 + 0 - 1) / 3 * 50, bull.cy - (0 + 1 - 1) / 3 * 50)
    assert all(m == pytest.approx(mean) for m in mid)


def test_no_cross_without_mean(write_spec):
    assert not kind(scene_of(write_spec, EYE.replace("mean: true", "mean: false")), "target-mean")


def test_a_point_outside_the_outer_ring_is_a_located_error(write_spec):
    with pytest.raises(SpecError) as err:
        scene_of(write_spec, EYE.replace("[0, 0]]", "[4, 4]]"))
    msg = str(err.value)
    assert "s.yaml:14:" in msg and "point 2 (4, 4) lies outside the outer ring" in msg


@pytest.mark.parametrize("bad, expected", [
    ("[[1, 2, 3]]", "s.yaml:14:14: error: list [1, 2, 3] has 3 items"),
    ("[[1, .nan]]", "finite"),
])
def test_malformed_points_are_located_errors(write_spec, capsys, bad, expected):
    path = write_spec("id: t\nchapter: test\ntitle: {en: T, zh: T}\nbody:\n" + EYE.replace(
        "[[3, 1], [1, 2], [0, 0]]", bad))
    code = main(["validate", str(path)])
    err = capsys.readouterr()
    assert code == 1
    assert expected in err.out + err.err


def test_a_non_positive_radius_is_refused(write_spec):
    with pytest.raises(SpecError) as err:
        scene_of(write_spec, EYE.replace("radius: 2", "radius: 0"))
    assert "radius must be a positive number" in str(err.value)


def _ovals(shapes) -> list:
    out = []
    for sh in shapes:
        if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
            out += _ovals(sh.shapes)
        elif sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and sh.auto_shape_type == MSO_SHAPE.OVAL:
            out.append(sh)
    return out


def test_pptx_draws_rings_bull_and_marks_as_native_ellipses(write_spec):
    scene = scene_of(write_spec, EYE, "zh")
    prs = Presentation(io.BytesIO(draw_pptx(scene)))
    ovals = _ovals(prs.slides[0].shapes)
    assert len(ovals) == 4 + 1 + 3  # rings, bull, marks
    widths = sorted({round(o.width / 9525) for o in ovals})  # EMU -> px
    assert math.isclose(widths[-1], 200, abs_tol=1)


def test_marks_have_white_outlines_and_the_bull_and_cross_are_drawn_over_them(write_spec):
    scene = scene_of(write_spec, EYE)
    white = load_theme().color("white")
    items = [p for p in _walk(scene) if p.meta.kind in ("target-mark", "target-center", "target-mean",
                                                          "target-mean-halo")]
    order = [p.meta.kind for p in items]
    last_mark = max(i for i, k in enumerate(order) if k == "target-mark")
    assert order.index("target-center") > last_mark
    assert min(i for i, k in enumerate(order) if k == "target-mean-halo") > last_mark
    assert min(i for i, k in enumerate(order) if k == "target-mean") > max(
        i for i, k in enumerate(order) if k == "target-mean-halo")
    assert all(p.style.stroke == white for p in items if p.meta.kind in ("target-mark", "target-center"))
    halo, = {p.style.stroke_width for p in items if p.meta.kind == "target-mean-halo"}
    cross, = {p.style.stroke_width for p in items if p.meta.kind == "target-mean"}
    assert halo > cross >= 2.5


def _walk(scene):
    from renderer.scene import walk
    return list(walk(scene.items))
