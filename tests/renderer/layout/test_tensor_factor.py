"""A tensor in matrix brackets with a scalar factor inside them: one operand of a matrix equation."""

from __future__ import annotations

import pytest

from renderer.backends.pptx import draw_pptx
from renderer.scene import Path, Rect, Text, bbox
from renderer.spec.errors import SpecError
from tests.renderer.layout._helpers import kind, scene_of

BODY = """  tensor:
    id: b
    values: [[0, 1], [-1, 0]]
    row_headers: ["i=1", "i=2"]
    factor: {text: "× m"FACTOR}
"""


def _grid(scene):
    cells = [bbox(p) for p in kind(scene, "tensor-cell", Rect)]
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


@pytest.mark.parametrize("side", ["right", "left"])
def test_the_factor_sits_beside_the_grid_inside_both_brackets(write_spec, side):
    scene = scene_of(write_spec, BODY.replace("FACTOR", f", side: {side}"))
    gx0, gy0, gx1, gy1 = _grid(scene)
    (factor,) = kind(scene, "tensor-factor", Text)
    fx0, fy0, fx1, fy1 = bbox(factor)
    assert (fx0 >= gx1) if side == "right" else (fx1 <= gx0 - 30)  # left: past the row headers too
    assert abs((fy0 + fy1) / 2 - (gy0 + gy1) / 2) < 3  # centred on the grid
    brackets = sorted((bbox(p) for p in kind(scene, "tensor-bracket", Path)), key=lambda b: b[0])
    assert len(brackets) == 2
    left, right = brackets
    headers = [bbox(t) for t in kind(scene, "tensor-header", Text)]
    assert left[2] <= min([gx0, fx0] + [h[0] for h in headers])  # everything between the brackets
    assert right[0] >= max(gx1, fx1)
    for b in brackets:  # each bracket spans the grid's height and a little more
        assert b[1] < gy0 and b[3] > gy1 and b[3] - b[1] < (gy1 - gy0) + 20


def test_square_and_no_brackets(write_spec):
    square = scene_of(write_spec, BODY.replace("FACTOR", ", bracket: square"))
    paths = kind(square, "tensor-bracket", Path)
    assert len(paths) == 2 and all([c[0] for c in p.cmds] == ["M", "L", "L", "L"] for p in paths)
    bare = scene_of(write_spec, BODY.replace("FACTOR", ", bracket: none"))
    assert kind(bare, "tensor-bracket") == [] and len(kind(bare, "tensor-factor", Text)) == 1


def test_brackets_are_native_freeforms_in_pptx(write_spec):
    from io import BytesIO

    from pptx import Presentation

    scene = scene_of(write_spec, BODY.replace("FACTOR", ""))
    prs = Presentation(BytesIO(draw_pptx(scene)))
    shapes = []

    def walk(group):
        for sh in group:
            shapes.append(sh)
            if sh.shape_type == 6:  # a group
                walk(sh.shapes)

    walk(prs.slides[0].shapes)
    free = [s for s in shapes if s.shape_type == 5]  # freeform
    texts = [s.text_frame.text for s in shapes if s.has_text_frame]
    assert len(free) >= 2 and "× m" in texts


def test_a_bad_bracket_is_a_located_error(write_spec):
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, BODY.replace("FACTOR", ", bracket: curly"))
    p = e.value.problems[0]
    assert (p.line, p.col) == (9, 36) and "curly" in p.message and "round" in p.message
