"""A broken time axis (left-out stretches, marked) and era bands behind the lanes."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.timeline import BREAK_GAP
from renderer.scene import Ellipse, Line, Rect, Text, walk
from renderer.spec.errors import SpecError


def tl(breaks: str = "[[1999, 2012]]", items: str = "", eras: str = "") -> str:
    items = items or ("          - {at: 1960, label: a}\n          - {at: 1990, label: b}\n"
                      "          - {at: 2013, label: c}\n          - {at: 2020, label: d}\n")
    return ("  timeline:\n    width: 500\n"
            f"    axis: {{min: 1950, max: 2025, ticks: [1950, 1970, 1990, 2010, 2013, 2020], breaks: {breaks}}}\n"
            + eras + "    lanes:\n      - items:\n" + items)


def marker_x(scene) -> list[float]:
    return sorted(m.cx for m in kind(scene, "timeline-item", Ellipse)) or sorted(
        p.cx for p in walk(scene.items) if isinstance(p, Ellipse))


def test_a_break_takes_a_short_gap_and_time_stays_linear_on_each_side(write_spec):
    xs = marker_x(scene_of(write_spec, tl()))
    a, b, c, d = xs
    unit = (b - a) / 30  # 1960 → 1990
    assert (d - c) / 7 == pytest.approx(unit, rel=1e-6), "the same px per year after the break"
    # 1990 → 2013 without the break would be 23 years; with 1999–2012 left out it is 10 years and the gap
    assert c - b == pytest.approx(10 * unit + BREAK_GAP, rel=1e-6)


def test_no_tick_inside_a_break_and_the_break_is_marked_on_lane_and_axis(write_spec):
    scene = scene_of(write_spec, tl())
    ticks = [t.text for t in kind(scene, "timeline-axis", Text)]
    assert "2010" not in ticks and {"1990", "2013"} <= set(ticks)
    strokes = kind(scene, "timeline-break", Line)
    assert len(strokes) == 4  # two slanted strokes on the lane's line and on the axis


def test_an_item_inside_a_break_is_a_located_error(write_spec):
    items = "          - {at: 1960, label: a}\n          - {at: 2005, label: b}\n"
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*an item at 2005.*falls in the break \[1999, 2012\]"):
        scene_of(write_spec, tl(items=items))


def test_eras_are_bands_behind_the_lanes_named_above_them(write_spec):
    eras = "    eras:\n      - {start: 1950, end: 1999, label: early, role: panel}\n"
    scene = scene_of(write_spec, tl(eras=eras))
    (band,) = kind(scene, "timeline-era", Rect)
    (label,) = [t for t in kind(scene, "timeline-era-label", Text)]
    order = [p.meta.kind for p in walk(scene.items) if p.meta.kind in ("timeline-era", "timeline-line")]
    assert order.index("timeline-era") < order.index("timeline-line"), "drawn behind the lane"
    lane_texts = [t for t in walk(scene.items) if isinstance(t, Text) and t.text in ("a", "b")]
    assert all(label.y < t.y for t in lane_texts), "the era's name sits above the lane's labels"
    xs = marker_x(scene)
    assert band.x <= xs[0] and band.x + band.w >= xs[1]


@pytest.mark.parametrize("on_lanes", [False, True])
@pytest.mark.parametrize("eras", ["", "    eras:\n      - {start: 1950, end: 1999, label: early, role: panel}\n"])
def test_the_axis_title_is_written_once(write_spec, on_lanes, eras):
    spec = tl(eras=eras).replace("axis: {", f"axis: {{title: year, on_lanes: {str(on_lanes).lower()}, ")
    titles = [t for t in kind(scene_of(write_spec, spec), "timeline-axis-title", Text) if t.text == "year"]
    assert len(titles) == 1
