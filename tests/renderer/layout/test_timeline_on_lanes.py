"""Timeline `axis: {on_lanes: true}`: the ticks sit on every lane's line, their labels just under it."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.timeline import TICK_CLEAR
from renderer.scene import Line, Text, bbox

# 1959.5 lies half a year left of the 1960 tick: its label (below the line, the second event) has a stem
# that would cross the "1960" tick label
TWO_LANES = """  timeline:
    width: 600
    label_sides: alternate
    axis: {min: 1950, max: 2000, ticks: [1960, 1980, 2000], on_lanes: true}
    lanes:
      - line: arrow
        items:
          - {at: 1957.5, label: {en: "first", zh: "第一"}}
          - {at: 1959.5, label: {en: "second, below the line", zh: "第二，在线下"}}
          - {at: 1990, label: {en: "third", zh: "第三"}}
      - line: arrow
        role: thought
        items:
          - {at: 1970, label: {en: "other lane", zh: "另一条泳道"}}
"""


def lane_lines(scene) -> list[float]:
    """The y of every lane's base line."""
    return sorted(p.points[0][1] for p in kind(scene, "timeline-line", Line))


def tick_labels(scene) -> list[Text]:
    return [t for t in kind(scene, "timeline-axis", Text)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lane_carries_the_ticks_and_no_axis_runs_under_the_lanes(write_spec, lang):
    scene = scene_of(write_spec, TWO_LANES, lang)
    ys = lane_lines(scene)
    assert len(ys) == 2
    labels = tick_labels(scene)
    assert sorted(t.text for t in labels) == sorted(["1960", "1980", "2000"] * 2), "one set of ticks per lane"
    for y in ys:
        row = [t for t in labels if 0 < bbox(t)[1] - y < 12]
        assert len(row) == 3, "each lane's tick labels sit just under its line"
        marks = [p for p in kind(scene, "timeline-axis", Line) if p.points[0][1] < y < p.points[1][1]]
        assert len(marks) == 3, "a tick mark crosses the lane's line"
    assert all(abs(p.points[1][1] - p.points[0][1]) <= 8.01 for p in kind(scene, "timeline-axis", Line)), \
        "no separate axis line"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_below_a_lane_clear_its_tick_labels(write_spec, lang):
    scene = scene_of(write_spec, TWO_LANES, lang)
    ticks = [bbox(t) for t in tick_labels(scene)]
    events = [bbox(t) for t in kind(scene, "timeline-text", Text)]
    for a in ticks:
        for b in events:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), \
                "an event label overlaps a tick label"


def test_a_tick_label_moves_off_the_stem_that_would_cross_it(write_spec):
    scene = scene_of(write_spec, TWO_LANES)
    y0 = lane_lines(scene)[0]
    label = next(t for t in tick_labels(scene) if t.text == "1960" and bbox(t)[1] < y0 + 12)
    mark = next(p for p in kind(scene, "timeline-axis", Line)
                if p.points[0][1] < y0 < p.points[1][1] and abs(p.points[0][0] - label.x) < 30)
    stems = [p.points[0][0] for p in kind(scene, "timeline-stem", Line) if p.points[1][1] > y0]
    x0, _, x1, _ = bbox(label)
    assert all(sx <= x0 - TICK_CLEAR + 0.01 or sx >= x1 + TICK_CLEAR - 0.01 for sx in stems), \
        "no stem of a label below the lane crosses a tick label"
    assert label.x > mark.points[0][0], "the label moved away from the stem, to the right of its tick"
