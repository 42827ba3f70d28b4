"""Graph `node_min_width`: every box-like node at least that wide, so stacked chains of thoughts line up."""

from __future__ import annotations

import pytest
from _helpers import scene_of

from renderer.spec.errors import SpecError


def body(extra: str) -> str:
    return (
        "  graph:\n    id: g\n" + extra + "    nodes:\n"
        "      - {id: a, text: '4 + 4 + 4'}\n"
        "      - {id: b, text: '45 − 18'}\n"
        "      - {id: c, text: 'a much longer thought than the minimum allows'}\n"
        "      - {id: s, text: S, shape: circle}\n"
        "    edges: [{from: a, to: b}, {from: b, to: c}, {from: c, to: s}]\n"
    )


def widths(scene) -> dict[str, float]:
    return {k: round(v[2], 2) for k, v in scene.anchors.items()}


def test_short_labels_get_one_width_and_a_long_label_still_widens_its_node(write_spec):
    w = widths(scene_of(write_spec, body("    node_min_width: 110\n")))
    assert w["g.a"] == w["g.b"] == 110
    assert w["g.c"] > 110  # a minimum, not a fixed width
    assert w["g.s"] < 110  # circles keep their own size


def test_without_it_nodes_fit_their_labels(write_spec):
    w = widths(scene_of(write_spec, body("")))
    assert w["g.a"] != w["g.b"]


def test_it_must_be_positive(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: 0 is out of range \(expected > 0\)"):
        scene_of(write_spec, body("    node_min_width: 0\n"))
