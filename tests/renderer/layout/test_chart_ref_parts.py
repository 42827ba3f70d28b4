"""Edges can end at a chart's reference line (`<chart>.ref<k>`), at the line itself, not at the chart's box."""
from __future__ import annotations

from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Line, walk
from renderer.spec.loader import load

SPEC = """id: t
chapter: test
title: {en: T, zh: T}
body:
  row:
    gap: 120
    items:
      - chart:
          id: left
          kind: bar
          width: 240
          height: 200
          x: {categories: [a, b, c]}
          y: {min: 0, max: 10}
          series: [{values: [2, 5, 9], role: model}]
          refs: [{y: 8, role: emphasis}]
      - chart:
          id: right
          kind: bar
          width: 240
          height: 200
          x: {categories: [a, b, c]}
          y: {min: -5, max: 5}
          series: [{values: [-3, 0, 4], role: model}]
          refs: [{y: 0, role: muted}]
edges:
  - {from: left.ref0, to: right.ref0, from_side: right, to_side: left}
legend:
  - {role: model, text: {en: "value", zh: "数值"}}
  - {role: emphasis, text: {en: "line", zh: "线"}}
"""


def _scene(write_spec):
    return layout(bind(load(write_spec(SPEC)), use_cache=False).for_lang("en"), load_theme())


def _lines(scene, kind: str, id_: str | None = None) -> list[Line]:
    return [p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == kind
            and (id_ is None or p.meta.id == id_)]


def test_an_edge_from_a_reference_line_starts_at_its_right_end_and_ends_at_the_other_line(write_spec):
    s = _scene(write_spec)
    (ref_l,) = _lines(s, "chart-ref", "left")
    (ref_r,) = _lines(s, "chart-ref", "right")
    (e,) = _lines(s, "edge")
    start, end = e.points[0], e.points[-1]
    assert abs(start[1] - ref_l.points[0][1]) < 0.5  # leaves at the height of the line y = 8 …
    assert 0 <= start[0] - max(x for x, _ in ref_l.points) <= 6  # … from its right end
    assert abs(end[1] - ref_r.points[0][1]) < 0.5  # arrives at the height of the 0 line …
    assert 0 <= min(x for x, _ in ref_r.points) - end[0] <= 12  # … at its left end (the y axis)
    assert abs(start[1] - end[1]) > 20  # the two lines are at different heights: not the charts' centres
