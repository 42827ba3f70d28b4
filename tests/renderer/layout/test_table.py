"""Table layout: merged cells span their tracks, text stays in its cell, bit segments are proportional."""

from __future__ import annotations

from itertools import combinations

import pytest
from _helpers import inside, kind, scene_of

from renderer.app.check import DEFECTS, check_spec
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError


def table_cells(scene) -> list[Group]:
    return kind(scene, "table-header", Group) + kind(scene, "table-cell", Group)


def area(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


MERGED = """  table:
    header: [name, {text: "a merged header over two columns", colspan: 2}, last]
    header_column: true
    rows:
      - [r1, 1, 2, {text: tall, rowspan: 2, role: kept-bg}]
      - [r2, 3, 4]
      - - r3
        - text:
            en: "a long cell that has to wrap onto more than one line"
            zh: "一个很长的单元格内容需要换行才能放进表格"
          colspan: 3
"""


def cell_by_text(scene, text: str) -> Rect:
    for g in table_cells(scene):
        if any(isinstance(t, Text) and t.text.startswith(text) for t in g.children):
            return g.children[0]
    raise AssertionError(f"no cell with {text!r}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_stays_inside_cells_and_cells_do_not_overlap(write_spec, lang):
    scene = scene_of(write_spec, MERGED, lang)
    groups = table_cells(scene)
    assert len(groups) == 3 + 4 + 3 + 2
    for g in groups:
        for t in g.children[1:]:
            assert inside(bbox(g.children[0]), bbox(t)), f"'{t.text}' leaves its cell"
    for a, b in combinations(groups, 2):
        assert area(bbox(a.children[0]), bbox(b.children[0])) < 0.5


def test_colspan_covers_exactly_the_columns_below_it(write_spec):
    scene = scene_of(write_spec, MERGED)
    merged = cell_by_text(scene, "a merged header")
    one, two = cell_by_text(scene, "1"), cell_by_text(scene, "2")
    assert merged.x == pytest.approx(one.x)
    assert merged.w == pytest.approx(one.w + two.w)
    wide = cell_by_text(scene, "a long cell")
    last = cell_by_text(scene, "last")
    assert wide.x + wide.w == pytest.approx(last.x + last.w)


def test_rowspan_covers_exactly_the_rows_beside_it(write_spec):
    scene = scene_of(write_spec, MERGED)
    tall, r1, r2 = cell_by_text(scene, "tall"), cell_by_text(scene, "r1"), cell_by_text(scene, "r2")
    assert tall.y == pytest.approx(r1.y) and tall.h == pytest.approx(r1.h + r2.h)
    assert tall.style.fill == load_theme().color("kept-bg")
    three = cell_by_text(scene, "3")
    four = cell_by_text(scene, "4")
    assert four.x + four.w == pytest.approx(tall.x), "row 2 flows around the reserved cell"
    assert three.y == pytest.approx(r2.y)


def test_header_row_and_column_are_styled_as_headers(write_spec):
    scene = scene_of(write_spec, MERGED)
    theme = load_theme()
    headers = kind(scene, "table-header", Group)
    texts = {t.text for g in headers for t in g.children[1:]}
    assert {"name", "last", "r1", "r2", "r3"} <= texts
    assert all(g.children[0].style.fill == theme.color("panel") for g in headers)
    assert all(t.weight == 700 for g in headers for t in g.children[1:])


BITS = """  table:
    header: [format, layout]
    rows:
      - [FP32, {bits: {sign: 1, exponent: 8, mantissa: 23}}]
      - [BF16, {bits: {sign: 1, exponent: 8, mantissa: 7}}]
      - [INT4, {bits: [{name: sign, bits: 1}, {name: value, bits: 3, role: thought, label: "3 bits"}]}]
    bit_kinds:
      sign: {role: negative, label: sign}
      exponent: {role: data, label: exponent}
      mantissa: {role: model}
"""


def test_bit_segments_are_proportional_to_bit_counts_across_rows(write_spec):
    scene = scene_of(write_spec, BITS)
    segs = kind(scene, "table-bits", Group)
    counts = [1, 8, 23, 1, 8, 7, 1, 3]
    assert len(segs) == len(counts)
    widths = [g.children[0].w for g in segs]
    per_bit = [w / n for w, n in zip(widths, counts, strict=True)]
    assert max(per_bit) - min(per_bit) < 1e-6
    assert [g.meta.role for g in segs] == ["negative", "data", "model"] * 2 + ["negative", "thought"]
    fp32 = sum(widths[:3])
    bf16 = sum(widths[3:6])
    assert fp32 / bf16 == pytest.approx(32 / 16)


def test_bit_segment_labels_are_the_counts_and_fit_their_segment(write_spec):
    scene = scene_of(write_spec, BITS)
    labels = []
    for g in kind(scene, "table-bits", Group):
        texts = [t for t in g.children if isinstance(t, Text)]
        for t in texts:
            assert inside(bbox(g.children[0]), bbox(t))
        labels += [t.text for t in texts]
    labels += [t.text for t in kind(scene, "table-bits-label", Text)]  # those drawn above a narrow segment
    assert sorted(labels) == sorted(["1", "8", "23", "1", "8", "7", "1", "3 bits"])


def test_bit_legend_lists_labelled_kinds_only(write_spec):
    scene = scene_of(write_spec, BITS)
    assert [t.text for t in kind(scene, "table-legend", Text)] == ["sign", "exponent"]


def test_records_with_columns_build_rows_from_compute(write_spec):
    body = ("  table:\n    records: '{{ q.formats }}'\n    columns:\n      - {header: format, key: name}\n"
            "      - {header: layout, bits: [sign, exponent, mantissa]}\n"
            "      - {header: max, key: max, format: '.3g'}\n")
    scene = scene_of(write_spec, body, compute="compute:\n  q: {fn: quant.float_formats, args: {}}\n")
    names = [t.text for t in kind(scene, "table-text", Text)]
    assert names[:3] == ["format", "layout", "max"] and "FP64" in names and "BF16" in names
    fp64 = [g for g in kind(scene, "table-bits", Group)][:3]
    assert [g.children[1].text for g in fp64] == ["1", "11", "52"]


def test_unknown_record_key_and_overlong_rowspan_are_located_errors(write_spec):
    body = "  table:\n    records: '{{ q.formats }}'\n    columns: [{key: nope}]\n"
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: record 0 has no key 'nope'"):
        scene_of(write_spec, body, compute="compute:\n  q: {fn: quant.float_formats, args: {}}\n")
    with pytest.raises(SpecError, match="rowspan 3 reaches past the last row"):
        scene_of(write_spec, "  table:\n    rows: [[{text: a, rowspan: 3}], [b]]\n")


def test_example_spec_has_no_layout_defects():
    assert check_spec(ROOT / "specs" / "_examples" / "table.yaml", only=DEFECTS) == []


def test_short_rows_are_completed_with_empty_cells(write_spec):
    scene = scene_of(write_spec, "  table: {rows: [[a], [b, c, d], [e, f]]}\n")
    rects = [g.children[0] for g in table_cells(scene)]
    assert len(rects) == 9
    assert len({round(r.x, 3) for r in rects}) == 3 and len({round(r.y, 3) for r in rects}) == 3


@pytest.mark.parametrize("model", ["Table", "TableCell", "TableRow", "TableColumn", "BitSegment", "BitKind"])
def test_every_table_field_is_documented_in_the_schema(model):
    from renderer.spec.schema import diagram_schema

    d = diagram_schema()["$defs"][model]
    assert d.get("description")
    assert [f for f, v in d["properties"].items() if not v.get("description")] == []


ARROWS = """  table:
    title: "Returns"
    header: ["", "t = 0", "t = 1", "t = 2"]
    header_column: true
    arrows:
      - {row: 1, text: "← computed backwards", direction: back}
      - {row: 0, text: "time →"}
      - {column: 3, text: "down"}
      - {row: 1, span: [2, 3]}
    rows:
      - ["r", 1, 2, 3]
      - ["G", 6, 5, 3]
"""


def test_direction_arrows_run_outside_the_table_along_a_row_or_column(write_spec):
    scene = scene_of(write_spec, ARROWS)
    arrows = [p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "table-arrow"]
    labels = {p.text: p for p in walk(scene.items) if isinstance(p, Text) and p.meta.kind == "table-arrow-text"}
    cells = [p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind in ("table-cell", "table-header")]
    body = [p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind == "table-cell"]
    gx0, gy0 = min(c.x for c in cells), min(c.y for c in cells)
    gx1, gy1 = max(c.x + c.w for c in cells), max(c.y + c.h for c in cells)
    bx0 = min(c.x for c in body)  # body columns start right of the header column
    assert bx0 > gx0
    assert len(arrows) == 4 and all(a.arrow_end for a in arrows)
    under, over, side, short = arrows
    # under the last row, pointing left (back), spanning the body columns
    (ux0, uy), (ux1, _) = under.points
    assert uy > gy1 and ux0 > ux1 and ux1 == pytest.approx(bx0 + 4) and ux0 == pytest.approx(gx1 - 4)
    # over the first row (above the header), pointing right
    (ox0, oy), (ox1, _) = over.points
    assert oy < gy0 and ox0 < ox1
    # right of the last column, pointing down, along the body rows
    (sx, sy0), (_, sy1) = side.points
    assert sx > gx1 and sy0 < sy1 and sy0 > gy0
    # a span: columns 2..3 only, under the first arrow's label
    t2 = next(c for c in body if bbox(c)[0] > bx0 + 1)
    (hx0, hy), (hx1, _) = short.points
    assert hx0 == pytest.approx(t2.x + 4) and hx1 == pytest.approx(gx1 - 4)
    assert hy > bbox(labels["← computed backwards"])[3]
    # labels beside their arrows; the title above everything
    assert labels["← computed backwards"].y > uy and labels["time →"].y < oy and labels["down"].x > sx
    title = next(p for p in walk(scene.items) if isinstance(p, Text) and p.meta.kind == "table-title")
    assert bbox(title)[3] < bbox(labels["time →"])[1]


def test_an_arrow_along_an_inner_row_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: .*beyond the table's 2 body rows"):
        scene_of(write_spec, ARROWS.replace("{row: 1, text", "{row: 5, text"))
    inner = ARROWS.replace('      - ["G", 6, 5, 3]', '      - ["G", 6, 5, 3]\n      - ["V", 1, 1, 1]')
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: .*first or last body row \(expected row 0 or 2, not 1\)"):
        scene_of(write_spec, inner)
