"""`stage_gap`: the gutter between the last column of one stage and the first of the next."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Group, bbox

LANES = """  lanes:
    id: L
    gap: 20
{extra}    stages:
      - {{id: pre, text: Pre, role: negative, span: 2}}
      - {{id: post, text: Post, role: model, span: 2}}
    rows:
      - label: Data
        cells:
          - box: {{id: a, text: one, width: 60}}
          - box: {{id: b, text: two, width: 60}}
          - box: {{id: c, text: three, width: 60}}
          - box: {{id: d, text: four, width: 60}}
"""


def columns(scene) -> list[tuple[float, float]]:
    """x span of each column's cell (from the lanes' cell anchors)."""
    return [(scene.anchors[f"L.0.{j}"][0], scene.anchors[f"L.0.{j}"][0] + scene.anchors[f"L.0.{j}"][2])
            for j in range(4)]


def gutters(scene) -> list[float]:
    cols = columns(scene)
    return [round(b[0] - a[1], 2) for a, b in zip(cols, cols[1:], strict=False)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_the_stage_boundary_gets_the_wider_gutter(write_spec, lang):
    assert gutters(scene_of(write_spec, LANES.format(extra=""), lang)) == [20, 20, 20]
    assert gutters(scene_of(write_spec, LANES.format(extra="    stage_gap: 90\n"), lang)) == [20, 90, 20]


def test_the_banners_meet_in_the_middle_of_the_wider_gutter(write_spec):
    scene = scene_of(write_spec, LANES.format(extra="    stage_gap: 90\n"))
    pre, post = (bbox(g.children[0]) for g in kind(scene, "lanes-stage", Group))
    cols = columns(scene)
    mid = (cols[1][1] + cols[2][0]) / 2
    assert pre[2] > mid > post[0]  # the point of one nests in the notch of the next, around the gutter's middle
    assert abs((pre[2] + post[0]) / 2 - mid) < 1.0
