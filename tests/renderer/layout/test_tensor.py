"""Tensor layout: elided rows/columns, values inside equal cells, masks, blocks, groups and highlights."""

from __future__ import annotations

from itertools import combinations

import pytest
from _helpers import inside, kind, scene_of

from renderer.app.check import check_spec
from renderer.layout.tensor import slots
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Group, Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError


def cells(scene) -> list[Group]:
    return [g for g in kind(scene, "tensor-cell", Group)]


def test_slots_keep_head_ellipsis_and_tail():
    assert slots(5, 8, 1) == [0, 1, 2, 3, 4]
    assert slots(896, 8, 1) == [0, 1, 2, 3, 4, 5, None, 895]
    assert slots(16, 7, 2) == [0, 1, 2, 3, None, 14, 15]
    assert len(slots(10**6, 10, 3)) == 10


def test_large_shape_is_elided_with_ellipsis_cells(write_spec):
    scene = scene_of(write_spec, "  tensor: {shape: [3, 896], show_cols: 8}\n")
    assert len(cells(scene)) == 3 * 7
    dots = kind(scene, "tensor-ellipsis", Group)
    assert len(dots) == 3, "one … cell per row in the elided column"
    assert [t.text for t in kind(scene, "tensor-shape", Text)] == ["3×896"]
    # the ellipsis column sits between the head and the last column
    xs = sorted({round(g.children[0].x, 3) for g in cells(scene)})
    ex = dots[0].children[0].x
    assert xs[5] < ex < xs[6]


def test_small_shape_has_no_ellipsis(write_spec):
    scene = scene_of(write_spec, "  tensor: {values: [[1, 2, 3], [4, 5, 6]]}\n")
    assert not kind(scene, "tensor-ellipsis")
    assert [t.text for t in kind(scene, "tensor-cell-text", Text)] == ["1", "2", "3", "4", "5", "6"]


def test_elided_rows_and_columns_meet_in_a_diagonal_ellipsis(write_spec):
    rows = [[i * 100 + j for j in range(20)] for i in range(20)]
    scene = scene_of(write_spec, f"  tensor: {{values: {rows}, show_rows: 5, show_cols: 6, row_index: true}}\n")
    dots = kind(scene, "tensor-ellipsis", Group)
    assert len(dots) == 5 + 6 - 1
    texts = [t.text for t in kind(scene, "tensor-cell-text", Text)]
    assert "1919" in texts and "0" in texts and "519" not in texts
    assert [t.text for t in kind(scene, "tensor-header", Text)] == ["0", "1", "2", "19"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_values_sit_inside_equal_non_overlapping_cells(write_spec, lang):
    body = ("  tensor:\n    values: [[0.123456, -12.5, 3], [1000000, 0, -0.001]]\n    format: '.4g'\n"
            "    col_headers: [{en: 'a long header', zh: '很长的列标题'}, b, c]\n    row_headers: [x, y]\n")
    scene = scene_of(write_spec, body, lang)
    groups = cells(scene)
    sizes = {(round(g.children[0].w, 6), round(g.children[0].h, 6)) for g in groups}
    assert len(sizes) == 1, "every cell has the same size"
    for a, b in combinations(groups, 2):
        ra, rb = bbox(a.children[0]), bbox(b.children[0])
        assert min(ra[2], rb[2]) - max(ra[0], rb[0]) <= 0.01 or min(ra[3], rb[3]) - max(ra[1], rb[1]) <= 0.01
    for g in groups:
        for t in g.children[1:]:
            assert inside(bbox(g.children[0]), bbox(t))
    heads = kind(scene, "tensor-header", Text)
    for a, b in combinations(heads, 2):
        ba, bb = bbox(a), bbox(b)
        assert min(ba[2], bb[2]) - max(ba[0], bb[0]) <= 0 or min(ba[3], bb[3]) - max(ba[1], bb[1]) <= 0
    assert "−12.5" in [t.text for t in kind(scene, "tensor-cell-text", Text)], "a real minus sign"


def test_causal_mask_shows_minus_infinity_above_the_diagonal(write_spec):
    scene = scene_of(write_spec, "  tensor: {values: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], mask: causal}\n")
    grid = [[g for g in cells(scene)][i * 3:(i + 1) * 3] for i in range(3)]
    for i in range(3):
        for j in range(3):
            g = grid[i][j]
            text = g.children[1].text
            if j > i:
                assert text == "−∞" and g.meta.role == "light"
            else:
                assert text == str(3 * i + j + 1) and g.meta.role == "panel"


def test_block_diagonal_mask_outlines_each_block(write_spec):
    scene = scene_of(write_spec, "  tensor: {shape: [5, 5], blocks: [2, 3], mask: causal}\n")
    roles = [g.meta.role for g in cells(scene)]
    visible = [(k // 5, k % 5) for k, r in enumerate(roles) if r != "light"]
    assert visible == [(0, 0), (1, 0), (1, 1), (2, 2), (3, 2), (3, 3), (4, 2), (4, 3), (4, 4)]
    outlines = kind(scene, "tensor-block", Rect)
    first = cells(scene)[0].children[0]
    assert [(round(o.w / first.w), round(o.h / first.h)) for o in outlines] == [(2, 2), (3, 3)]


def test_column_groups_get_separators_labels_and_roles(write_spec):
    body = ("  tensor:\n    values: [0, 0, 0, 0, 1, 1, 1, 1]\n"
            "    col_groups: [{size: 4, label: KV 0, role: model}, {size: 4, label: KV 1, role: module}]\n")
    scene = scene_of(write_spec, body)
    seps = kind(scene, "tensor-separator", Line)
    assert len(seps) == 1
    x = seps[0].points[0][0]
    groups = cells(scene)
    assert [g.meta.role for g in groups] == ["model"] * 4 + ["module"] * 4
    assert groups[3].children[0].x + groups[3].children[0].w == pytest.approx(x)
    labels = [t for t in kind(scene, "tensor-group", Text)]
    assert [t.text for t in labels] == ["KV 0", "KV 1"]
    assert labels[0].x < x < labels[1].x


def test_row_group_sizes_may_come_from_placeholders(write_spec):
    # the sizes are counts over a compute result, as in the packing diagram: 3 rows of sample 0, 2 of sample 1
    compute = "vars:\n  ids: [0, 0, 0, 1, 1]\n"
    body = ("  tensor:\n    shape: [5, 5]\n"
            "    row_groups:\n"
            "      - {size: \"{{ vars.ids | eq(0) | count }}\", label: a, role: model}\n"
            "      - {size: \"{{ vars.ids | eq(1) | count }}\", label: b, role: module}\n")
    scene = scene_of(write_spec, body, compute=compute)
    seps = kind(scene, "tensor-separator", Line)
    assert len(seps) == 1
    rows = cells(scene)
    assert [g.meta.role for g in rows[::5]] == ["model"] * 3 + ["module"] * 2
    third = rows[10].children[0]
    assert third.y + third.h == pytest.approx(seps[0].points[0][1])


@pytest.mark.parametrize("value", ["0", "2.5", "'x'"])
def test_a_bad_placeholder_group_size_is_a_located_error(write_spec, value):
    body = ("  tensor:\n    shape: [4, 4]\n"
            f"    row_groups: [{{size: \"{{{{ {value} }}}}\"}}]\n")
    with pytest.raises(SpecError, match=r":7:\d+: .*tensor group size"):
        scene_of(write_spec, body)


def test_highlight_outlines_the_right_cell_and_skips_elided_ones(write_spec):
    body = "  tensor: {values: [5, 1, 9, 2], shape: [100], highlight: [[0, 2], [0, 50]], show_cols: 6}\n"
    scene = scene_of(write_spec, body)
    hl = kind(scene, "tensor-highlight", Rect)
    assert len(hl) == 1, "an elided cell has nothing to outline"
    target = cells(scene)[2].children[0]
    assert inside(bbox(target), bbox(hl[0]))


def test_colour_by_value_uses_the_theme_scale(write_spec):
    scene = scene_of(write_spec, "  tensor: {values: [[0, 1], [2, 3]], color_by_value: true}\n")
    scale = load_theme().palette["scale"]
    fills = [g.children[0].style.fill for g in cells(scene)]
    assert set(fills) <= set(scale) and fills[0] == scale[0] and fills[-1] == scale[-1]


def test_ellipsis_is_drawn_as_dots_not_missing_glyphs(write_spec):
    scene = scene_of(write_spec, "  tensor: {shape: [20, 20], show_rows: 4, show_cols: 4, row_index: true}\n")
    dots = [e for g in kind(scene, "tensor-ellipsis", Group) for e in g.children if isinstance(e, Ellipse)]
    assert len(dots) == 3 * (4 + 4 - 1)
    assert not any(ch in t.text for t in walk(scene.items) if isinstance(t, Text) for ch in "⋮⋱")


def test_example_spec_has_no_layout_defects():
    assert check_spec(ROOT / "specs" / "_examples" / "tensor.yaml") == []


def test_unknown_role_inside_the_roles_matrix_is_located(write_spec):
    from renderer.spec.errors import SpecError

    with pytest.raises(SpecError, match=r"s\.yaml:5:\d+: error: unknown colour role 'nope'"):
        scene_of(write_spec, "  tensor: {values: [[1, 2], [3, 4]], roles: [[nope, null], [null, null]]}\n")


@pytest.mark.parametrize("model", ["Tensor", "TensorGroup"])
def test_every_tensor_field_is_documented_in_the_schema(model):
    from renderer.spec.schema import diagram_schema

    d = diagram_schema()["$defs"][model]
    assert d.get("description")
    assert [f for f, v in d["properties"].items() if not v.get("description")] == []


def test_cell_text_draws_sub_and_superscripts_inside_the_cell(write_spec):
    scene = scene_of(write_spec, "  tensor:\n    values: [[\"q_{1}·k_{1}\", \"x^{2}\"]]\n")
    runs = kind(scene, "tensor-cell-text", Text)
    assert runs and not any("_{" in t.text or "^{" in t.text for t in runs)
    assert {"1", "2"} <= {t.text for t in runs}  # the scripts are their own smaller runs
    for g in kind(scene, "tensor-cell", Group):
        box = bbox(g.children[0])
        for t in g.children[1:]:
            if isinstance(t, Text):
                assert inside(box, bbox(t), tol=0.5)


def test_a_highlighted_whole_row_is_an_edge_end_that_covers_its_outline_and_ellipsis(write_spec):
    spec = ("  tensor: {id: t, values: [[1, 2, 3], [4, 5, 6]], shape: [2, 900], show_cols: 4, tail: 0,\n"
            "           highlight: [[1, null]]}\n")
    scene = scene_of(write_spec, spec)
    (outline,) = kind(scene, "tensor-highlight", Rect)
    x, y, w, h = scene.anchors["t.r1"]
    assert x + w >= outline.x + outline.w  # the row's edge end is outside the outline, past the … cell
    x0, _, w0, _ = scene.anchors["t.r0"]
    assert x0 + w0 < outline.x + outline.w - 10  # an unhighlighted row still ends at its last value cell
