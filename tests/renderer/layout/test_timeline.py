"""Timeline layout: steps in order without overlaps, labels inside boxes, event labels stacked apart, shared time."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from _helpers import inside, kind, scene_of

from renderer.app.check import DEFECTS, check_spec
from renderer.project import ROOT
from renderer.scene import Group, Line, Text, bbox, walk


def overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.01 and min(a[3], b[3]) - max(a[1], b[1]) > 0.01


STEPS = """  timeline:
    arrows: true
    lanes:
      - name: {en: regular, zh: 常规训练}
        items:
          - {label: {en: "batch 1", zh: "批次 1"}, sub: {en: "forward & backward", zh: "前向与反向"}}
          - {label: {en: update, zh: 更新}, role: emphasis, length: 0.5}
          - {label: {en: "batch 2 with a much longer label", zh: "批次 2，标签更长一些"}}
      - name: {en: accumulated, zh: 梯度累积}
        role: data
        items:
          - {label: "micro-batch 1"}
          - {label: "micro-batch 2"}
          - {start: 4, label: "late", dashed: true}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_steps_follow_each_other_without_overlap_and_hold_their_labels(write_spec, lang):
    scene = scene_of(write_spec, STEPS, lang)
    steps = kind(scene, "timeline-step", Group)
    assert len(steps) == 6
    for g in steps:
        rect = g.children[0]
        for t in g.children[1:]:
            assert inside(bbox(rect), bbox(t)), f"'{t.text}' leaves its step"
    for a, b in combinations(steps, 2):
        assert not overlap(bbox(a.children[0]), bbox(b.children[0]))
    lane1 = [g.children[0] for g in steps[:3]]
    assert lane1[0].x + lane1[0].w < lane1[1].x < lane1[1].x + lane1[1].w < lane1[2].x


def test_time_is_shared_by_all_lanes(write_spec):
    scene = scene_of(write_spec, STEPS)
    steps = [g.children[0] for g in kind(scene, "timeline-step", Group)]
    b1, upd, b2, m1, m2, late = steps
    assert b1.x == pytest.approx(m1.x), "both lanes start at time 0"
    unit = (m2.x - m1.x)  # one time unit
    assert late.x - m1.x == pytest.approx(4 * unit)
    room = unit - m1.w  # arrow room around each step
    assert upd.w + room == pytest.approx(0.5 * unit), "a step of length 0.5 spans half a unit"
    assert late.style.dash is not None


def test_arrows_join_consecutive_steps_between_their_boxes(write_spec):
    scene = scene_of(write_spec, STEPS)
    steps = [g.children[0] for g in kind(scene, "timeline-step", Group)]
    arrows = kind(scene, "timeline-arrow", Line)
    assert len(arrows) == 2 + 2
    assert all(a.arrow_end for a in arrows)
    for a, (left, right) in zip(arrows[:2], [(steps[0], steps[1]), (steps[1], steps[2])], strict=True):
        (x0, y0), (x1, y1) = a.points
        assert left.x + left.w <= x0 < x1 <= right.x
        assert left.y < y0 < left.y + left.h


def test_lane_names_sit_left_of_their_lane(write_spec):
    scene = scene_of(write_spec, STEPS)
    names = kind(scene, "timeline-lane", Text)
    steps = [g.children[0] for g in kind(scene, "timeline-step", Group)]
    assert [n.text for n in names] == ["regular", "accumulated"]
    for n, first in zip(names, (steps[0], steps[3]), strict=True):
        b = bbox(n)
        assert b[2] < first.x and first.y <= (b[1] + b[3]) / 2 <= first.y + first.h


HISTORY = """  timeline:
    axis: {title: year}
    lanes:
      - items:
          - {at: 1957, label: Bellman equation, sub: "1957"}
          - {at: 1988, label: TD learning, sub: "1988"}
          - {at: 1989, label: Q-learning, sub: "1989"}
          - {at: 1992, label: REINFORCE, sub: "1992"}
          - {at: 2013, label: DQN}
          - {at: 2016, label: AlphaGo}
          - {at: 2017, label: PPO}
          - {at: 2022.83, label: ChatGPT (RLHF), marker: diamond}
          - {at: 2024.92, label: RL for reasoning, marker: square}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crowded_event_labels_are_stacked_without_overlap(write_spec, lang):
    scene = scene_of(write_spec, HISTORY, lang)
    texts = [t for t in walk(scene.items) if isinstance(t, Text)]
    for a, b in combinations(texts, 2):
        assert not overlap(bbox(a), bbox(b)), f"'{a.text}' overlaps '{b.text}'"


def test_event_markers_are_placed_proportionally_to_time(write_spec):
    scene = scene_of(write_spec, HISTORY)
    markers = [m for m in walk(scene.items) if m.meta.kind == "timeline-event" and not isinstance(m, Group)]
    xs = [bbox(m)[0] / 2 + bbox(m)[2] / 2 for m in markers]
    years = [1957, 1988, 1989, 1992, 2013, 2016, 2017, 2022.83, 2024.92]
    assert xs == sorted(xs)
    unit = (xs[-1] - xs[0]) / (years[-1] - years[0])
    for x, y in zip(xs, years, strict=True):
        assert x - xs[0] == pytest.approx((y - years[0]) * unit, abs=0.01)


def test_time_axis_ticks_are_nice_whole_years_within_the_range(write_spec):
    scene = scene_of(write_spec, HISTORY)
    ticks = [t for t in kind(scene, "timeline-axis", Text)]
    years = [int(t.text) for t in ticks]
    assert years[0] >= 1957 and years[-1] <= 2025 and len(years) >= 4
    steps = {b - a for a, b in zip(years, years[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in (5, 10, 20)
    for a, b in combinations(ticks, 2):
        assert not overlap(bbox(a), bbox(b))


def test_event_labels_connect_to_their_marker_by_a_stem(write_spec):
    scene = scene_of(write_spec, HISTORY)
    stems = kind(scene, "timeline-stem", Line)
    assert len(stems) == 9
    assert all(math.isclose(s.points[0][0], s.points[1][0]) for s in stems), "stems are vertical"


def test_example_spec_has_no_layout_defects():
    assert check_spec(ROOT / "specs" / "_examples" / "timeline.yaml", only=DEFECTS) == []


@pytest.mark.parametrize("model", ["Timeline", "TimelineItem", "TimelineLane", "TimeAxis"])
def test_every_timeline_field_is_documented_in_the_schema(model):
    from renderer.spec.schema import diagram_schema

    d = diagram_schema()["$defs"][model]
    assert d.get("description")
    assert [f for f, v in d["properties"].items() if not v.get("description")] == []


def test_lane_names_on_top_sit_above_their_lane_and_make_the_timeline_narrower(write_spec):
    from _helpers import kind, scene_of

    from renderer.scene import Line, bbox

    body = ("  timeline:\n    lane_names: NAMES\n    lanes:\n"
            "      - {name: {en: classic reinforcement learning, zh: 经典强化学习},\n"
            "         items: [{at: 0, label: a}, {at: 1, label: b}]}\n"
            "      - {name: {en: deep RL and LLMs, zh: 深度强化学习}, items: [{at: 0, label: c}, {at: 1, label: d}]}\n")
    for lang in ("en", "zh"):
        top = scene_of(write_spec, body.replace("NAMES", "top"), lang)
        left = scene_of(write_spec, body.replace("NAMES", "left"), lang)
        names = [bbox(t) for t in kind(top, "timeline-lane")]
        lines = sorted(bbox(ln)[1] for ln in kind(top, "timeline-line", Line)) or \
            sorted({round(bbox(m)[1], 1) for m in kind(top, "timeline-event")})
        assert names[0][3] <= lines[0] and names[1][3] <= lines[-1]  # each heading above its lane
        assert kind(top, "frame")[0].w <= kind(left, "frame")[0].w
        assert bbox(kind(top, "timeline-lane")[0])[0] < bbox(kind(top, "timeline-event")[0])[2]  # not far left


SIDES = """  timeline:
    label_sides: SIDES
    lanes:
      - line: arrow
        items:
          - {at: 2013, label: {en: DQN, zh: DQN 玩 Atari 游戏}}
          - {at: 2016, label: {en: AlphaGo, zh: AlphaGo 战胜李世石}}
          - {at: 2017, label: PPO}
          - {at: 2022, label: {en: InstructGPT, zh: InstructGPT：RLHF 用于大模型}}
          - {at: 2024, label: o1}
    axis: {min: 2012, max: 2025}
"""


def _label_sides(scene) -> list[str]:
    """'above' or 'below' the lane line, per event label in time order."""
    (line,) = kind(scene, "timeline-line", Line)
    y = line.points[0][1]
    sides: dict[float, str] = {}  # label centre x (every line of a wrapped label shares it) -> side
    for t in kind(scene, "timeline-text", Text):
        sides[round((bbox(t)[0] + bbox(t)[2]) / 2, 1)] = "above" if bbox(t)[3] < y else "below"
    return [sides[x] for x in sorted(sides)]


def test_alternate_label_sides_take_turns_in_time_order_in_every_language(write_spec):
    for lang in ("en", "zh"):
        scene = scene_of(write_spec, SIDES.replace("SIDES", "alternate"), lang)
        assert _label_sides(scene) == ["above", "below", "above", "below", "above"], lang
        texts = kind(scene, "timeline-text", Text)
        for a, b in combinations(texts, 2):
            assert not overlap(bbox(a), bbox(b)), f"'{a.text}' overlaps '{b.text}'"
    packed = scene_of(write_spec, SIDES.replace("SIDES", "pack"))
    assert _label_sides(packed).count("above") > 3, "pack (the default) fills the free level above first"


def test_an_arrow_lane_line_spans_the_whole_time_range_with_its_head_past_the_end(write_spec):
    scene = scene_of(write_spec, SIDES.replace("SIDES", "alternate"))
    (line,) = kind(scene, "timeline-line", Line)
    assert line.arrow_end and not line.arrow_start
    ticks = sorted(kind(scene, "timeline-axis", Line), key=lambda ln: bbox(ln)[2] - bbox(ln)[0])
    axis = bbox(ticks[-1])  # the axis line itself, the longest
    (x0, _), (x1, _) = line.points
    assert x0 == pytest.approx(axis[0]), "starts where the time range does (no stub before it)"
    assert x1 > axis[2] + 10, "the head runs past the end of the range"
    markers = [m for m in walk(scene.items) if m.meta.kind == "timeline-event" and not isinstance(m, Group)]
    assert all(x0 < bbox(m)[0] and bbox(m)[2] < x1 for m in markers)
