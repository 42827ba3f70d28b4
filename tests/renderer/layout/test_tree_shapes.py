"""Per-node shapes in trees: states as circles and actions as dots (a small disc, its label beside it)."""

from __future__ import annotations

import math

import pytest
from _helpers import inside, kind, scene_of

from renderer.app.check import check_scene
from renderer.layout.theme import load_theme
from renderer.layout.tree import DOT
from renderer.scene import Ellipse, Group, Line, Polygon, Rect, Text, bbox, walk

TREE = """  tree:
    id: t
    node_shape: circle
    direction: {direction}
    root:
      id: s
      label: s
      children:
        - {{id: a1, label: a1, shape: dot, edge: p, children: [{{id: s1, label: x}}, {{id: s2, label: y}}]}}
        - {{id: a2, label: a2, shape: dot, children: [{{id: s3, label: z, shape: rect}}]}}
"""


def nodes(scene) -> dict[str, object]:
    """Node shape by its label's text (each node group: the shape first, its texts after)."""
    out = {}
    for g in kind(scene, "node", Group):
        texts = [t.text for t in walk(g.children) if isinstance(t, Text)]
        out[texts[0] if texts else g.meta.id.split(".")[-1]] = g.children[0]
    return out


def test_dots_are_small_filled_discs_with_their_labels_beside_them(write_spec):
    scene = scene_of(write_spec, TREE.format(direction="down"))
    theme = load_theme()
    shapes = nodes(scene)
    dots = [shapes["a1"], shapes["a2"]]
    for d in dots:
        assert isinstance(d, Ellipse) and d.rx == d.ry == pytest.approx(DOT / 2)
        assert d.style.fill == theme.color("text")
    circles = [shapes[k] for k in ("s", "x", "y")]
    assert all(isinstance(c, Ellipse) and c.rx > DOT for c in circles)
    assert len({round(c.rx, 3) for c in circles}) == 1, "the states keep one diameter"
    assert isinstance(shapes["z"], Rect), "a node's own shape overrides the tree's"
    labels = {t.text: t for t in kind(scene, "tree-text", Text)}
    for name, d in (("a1", shapes["a1"]), ("a2", shapes["a2"])):
        b = bbox(labels[name])
        assert b[0] >= d.cx + d.rx  # right of the disc
        assert abs((b[1] + b[3]) / 2 - d.cy) < 3  # level with it
    found = [p.message for p in check_scene(scene, theme) if "empty region" not in p.message]  # a tiny test tree
    assert not found, "the label beside a dot is not text overflowing a box"


def test_edges_end_on_the_rim_of_a_dot(write_spec):
    scene = scene_of(write_spec, TREE.format(direction="down"))
    shapes = nodes(scene)
    a1, s = shapes["a1"], shapes["s"]
    ends = [p for ln in kind(scene, "edge", Line) for p in ln.points]
    on_dot = [p for p in ends if abs(math.hypot(p[0] - a1.cx, p[1] - a1.cy) - DOT / 2) < 0.5]
    assert len(on_dot) == 3  # from the root, to its two children
    assert [p for p in ends if abs(math.hypot(p[0] - s.cx, p[1] - s.cy) - s.rx) < 0.5]


def test_a_tree_growing_right_writes_a_dots_label_above_it(write_spec):
    scene = scene_of(write_spec, TREE.format(direction="right"))
    d = nodes(scene)["a1"]
    (label,) = [t for t in kind(scene, "tree-text", Text) if t.text == "a1"]
    b = bbox(label)
    assert b[3] <= d.cy - d.ry and abs((b[0] + b[2]) / 2 - d.cx) < 1


def test_marks_give_the_nodes_a_compute_result_names_their_role_and_shape(write_spec):
    marks = "    marks:\n      - {ids: [s1, s2], shape: dot}\n      - {ids: [s3], role: emphasis}\n"
    body = TREE.format(direction="down").replace("    root:\n", marks + "    root:\n")
    scene = scene_of(write_spec, body)
    theme = load_theme()
    shapes = nodes(scene)
    assert isinstance(shapes["s1"], Ellipse) and shapes["s1"].rx == pytest.approx(DOT / 2)
    assert shapes["z"].style.fill == theme.color("emphasis")


def test_a_mark_naming_a_node_the_tree_lacks_is_a_located_error(write_spec):
    from renderer.spec.errors import SpecError

    body = TREE.format(direction="down").replace("    root:\n", "    marks:\n      - {ids: [nope], role: emphasis}\n"
                                                                 "    root:\n")
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*mark names node 'nope', which this tree does not have"):
        scene_of(write_spec, body)


def test_an_eos_node_is_a_pill_with_a_stop_octagon_before_its_label(write_spec):
    body = """  tree:
    id: t
    direction: right
    node_shape: pill
    root:
      id: r
      label: "<s>"
      children:
        - {id: a, label: are}
        - {id: e, label: "[EOS]", shape: eos, kept: true}
"""
    scene = scene_of(write_spec, body)
    theme = load_theme()
    groups = {g.meta.id: g for g in kind(scene, "node", Group)}
    eos = groups["t.e"]
    rect = eos.children[0]
    stops = [p for p in walk(eos.children) if isinstance(p, Polygon)]
    label = next(p for p in walk(eos.children) if isinstance(p, Text))
    assert isinstance(rect, Rect) and rect.rx == pytest.approx(rect.h / 2)
    assert len(stops) == 1 and len(stops[0].points) == 8
    x0, y0, x1, y1 = bbox(stops[0])
    assert x1 - x0 == pytest.approx(y1 - y0, abs=0.01)  # a regular octagon
    assert inside(bbox(rect), (x0, y0, x1, y1))
    assert (y0 + y1) / 2 == pytest.approx(rect.y + rect.h / 2, abs=0.01)
    tx0, _, tx1, _ = bbox(label)
    assert x1 < tx0  # the marker before the label
    assert (x0 + tx1) / 2 == pytest.approx(rect.x + rect.w / 2, abs=0.6)  # marker and label centred together
    assert stops[0].style.fill == theme.color("kept")  # the node's ink (the kept outline here)
    # an ordinary pill has no marker
    assert not [p for p in walk(groups["t.a"].children) if isinstance(p, Polygon)]
