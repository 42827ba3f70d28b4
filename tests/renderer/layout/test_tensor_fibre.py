"""3-D stacks: a fibre through every layer (`fibres`) and a brace along the depth axis (`side: depth`)."""

from __future__ import annotations

import math

import pytest
from _helpers import kind, scene_of
from test_tensor_pictures import grid_box, name, slide_shapes

from renderer.app.check import check_spec
from renderer.layout.tensor_marks import DEPTH_STEP
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Line, Path, Polygon, Rect, Text, bbox
from renderer.spec.errors import SpecError

EXAMPLE = ROOT / "specs" / "_examples" / "tensor-fibre.yaml"
STACK = "  tensor:\n    shape: [5, 6]\n    depth: 4\n"


def cell_rect(scene, i: int, j: int) -> Rect:
    return next(g.children[0] for g in kind(scene, "tensor-cell", Group) if f"r{i}c{j}" in g.meta.parts)


def test_an_inner_fibre_fills_its_front_cell_and_dashes_its_far_end_one_stack_deep(write_spec):
    theme = load_theme()
    scene = scene_of(write_spec, STACK + "    fibres: [[2, 3]]\n")
    front = cell_rect(scene, 2, 3)
    assert front.style.fill == theme.color("data"), "the front cell takes the fibre's role"
    assert cell_rect(scene, 2, 2).style.fill == theme.color("panel"), "its neighbours keep theirs"
    lift = 3 * DEPTH_STEP
    rects = kind(scene, "tensor-fibre", Rect)
    far = [r for r in rects if r.style.dash]
    assert len(far) == 1
    assert (far[0].x - front.x, far[0].y - front.y) == pytest.approx((lift + 1, -lift + 1)), \
        "the far end is the cell moved one stack deep (up and right)"
    edges = kind(scene, "tensor-fibre", Line)
    assert len(edges) == 3 and all(ln.style.dash for ln in edges), "three hidden edges join front and far end"
    assert all(math.isclose(b[0] - a[0], lift) and math.isclose(a[1] - b[1], lift) for a, b in
               (ln.points for ln in edges))
    outline = [r for r in rects if not r.style.dash]
    assert len(outline) == 1 and outline[0].style.stroke == theme.color("text")
    assert kind(scene, "tensor-fibre", Polygon) == [], "an inner cell reaches no side face"


def test_a_fibre_on_the_top_row_and_last_column_fills_both_side_faces(write_spec):
    theme = load_theme()
    scene = scene_of(write_spec, STACK + "    fibres: [[0, 5]]\n    fibre_role: kept\n")
    faces = kind(scene, "tensor-fibre", Polygon)
    assert len(faces) == 2 and all(f.style.fill == theme.color("kept") for f in faces)
    x0, y0, x1, _ = grid_box(scene)
    top = min(faces, key=lambda f: bbox(f)[1])
    assert bbox(top)[1] == pytest.approx(y0 + 1 - 3 * DEPTH_STEP), "the top face rises a stack deep"
    assert max(bbox(f)[2] for f in faces) == pytest.approx(x1 - 1 + 3 * DEPTH_STEP)
    shapes = [name(sp) for sp in slide_shapes(scene)]
    assert sum(n.startswith("tensor-fibre") for n in shapes) == 4, "native PPTX shapes: far end, 2 faces, outline"


@pytest.mark.parametrize(("extra", "message"), [
    ("    fibres: [[9, 1]]\n", r"s\.yaml:\d+:\d+: error: .*fibre row 9 is outside the 5 rows"),
    ("    fibres: [[1, 6]]\n", r"fibre column 6 is outside the 6 columns"),
    ("    show_cols: 4\n    fibres: [[1, 3]]\n", r"fibre \[1, 3\] is elided"),
    ("    braces: [{side: depth, from: 1}]\n", r"a `depth` brace spans the whole stack"),
])
def test_bad_fibres_and_depth_braces_are_located_errors(write_spec, extra, message):
    with pytest.raises(SpecError, match=message):
        scene_of(write_spec, STACK + extra)


@pytest.mark.parametrize("extra", ["    fibres: [[1, 1]]\n", "    braces: [{side: depth}]\n"])
def test_fibres_and_depth_braces_need_a_depth(write_spec, extra):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: .*need `depth`"):
        scene_of(write_spec, "  tensor:\n    shape: [5, 6]\n" + extra)


def test_the_depth_brace_runs_along_the_lower_right_edge_and_carries_the_label(write_spec):
    scene = scene_of(write_spec, STACK + "    depth_label: batch\n    braces: [{side: depth}]\n")
    _, _, x1, y1 = grid_box(scene)
    brace = kind(scene, "tensor-brace", Path)
    assert len(brace) == 1
    pts = [(cmd[k], cmd[k + 1]) for cmd in brace[0].cmds for k in range(1, len(cmd), 2)]
    lift = 3 * DEPTH_STEP
    ends = (pts[0], pts[-1])
    for px, py in ends:  # on the 45° line from the front's corner, pushed out (down and right) by the gap
        along, out = ((px - x1) - (py - y1)) / math.sqrt(2), ((px - x1) + (py - y1)) / math.sqrt(2)
        assert 0 < along < lift * math.sqrt(2) and out == pytest.approx(6.0)
    labels = kind(scene, "tensor-brace-text", Text)
    assert [t.text for t in labels] == ["batch"]
    assert labels[0].x > x1 and labels[0].y > y1 - lift, "written beside the brace's tip, down and right"
    assert kind(scene, "tensor-depth", Text) == [], "the label moves from the top-right corner to the brace"
    plain = scene_of(write_spec, STACK + "    depth_label: batch\n")
    assert [t.text for t in kind(plain, "tensor-depth", Text)] == ["batch"] and not kind(plain, "tensor-brace", Path)


def test_example_spec_is_clean():
    assert check_spec(EXAMPLE) == []
