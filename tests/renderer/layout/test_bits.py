"""The `bits` element: a cell per bit, elision breaks, dimension lines, alignment at one field."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of
from test_tensor_pictures import name, slide_shapes

from renderer.app.check import check_spec
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Line, Rect, Text
from renderer.spec.errors import SpecError

EXAMPLE = ROOT / "specs" / "_examples" / "bits.yaml"


def fmt(sign: int, exp: int, frac: int, show: str = "", label: str = "F") -> str:
    return (f"      - label: {label}\n        fields:\n"
            f"          - {{name: sign, bits: {sign}, role: negative}}\n"
            f"          - {{name: exponent, bits: {exp}, role: data}}\n"
            f"          - {{name: fraction, bits: {frac}, role: model{show}}}\n")


def cells(scene, role: str | None = None) -> list[Rect]:
    return [r for r in kind(scene, "bits-cell", Rect) if role is None or r.meta.role == role]


def test_one_cell_per_bit_in_the_fields_role_and_a_dimension_line_each(write_spec):
    theme = load_theme()
    scene = scene_of(write_spec, "  bits:\n    cell: 10\n    formats:\n" + fmt(1, 5, 10))
    assert [len(cells(scene, r)) for r in ("negative", "data", "model")] == [1, 5, 10]
    assert {r.style.fill for r in cells(scene, "data")} == {theme.color("data")}
    xs = sorted(r.x for r in cells(scene))
    assert xs == pytest.approx([xs[0] + 10 * k for k in range(16)]), "one width, no gaps, sign first"
    assert [t.text for t in kind(scene, "bits-dim", Text)] == ["1 bit", "5 bits", "10 bits"]
    assert [t.text for t in kind(scene_of(write_spec, "  bits:\n    formats:\n" + fmt(1, 5, 10), lang="zh"),
                                 "bits-dim", Text)] == ["1 位", "5 位", "10 位"]
    lines = [ln for ln in kind(scene, "bits-dim", Line) if ln.arrow_start]
    assert len(lines) == 2 and all(ln.arrow_end for ln in lines), "arrows on the 5- and 10-bit fields"
    frac = cells(scene, "model")
    ln = max(lines, key=lambda v: v.points[1][0] - v.points[0][0])
    assert (ln.points[0][0], ln.points[1][0]) == pytest.approx((frac[0].x + 1.5, frac[-1].x + 10 - 1.5))
    assert ln.points[0][1] < frac[0].y, "above the cells"


def test_a_long_field_keeps_its_first_cells_and_its_last_around_an_elision_break(write_spec):
    scene = scene_of(write_spec, "  bits:\n    cell: 10\n    formats:\n" + fmt(1, 11, 52, ", show: 6"))
    frac = sorted(cells(scene, "model"), key=lambda r: r.x)
    assert len(frac) == 6
    gap = kind(scene, "bits-elision", Rect)
    assert len(gap) == 1 and gap[0].x == pytest.approx(frac[4].x + 10), "after the first five"
    assert frac[5].x == pytest.approx(gap[0].x + 10), "then the last cell"
    assert len(kind(scene, "bits-elision", Ellipse)) == 3
    assert "52 bits" in [t.text for t in kind(scene, "bits-dim", Text)], "the count is the real one"


def test_align_at_lines_the_rows_up_where_the_field_begins_with_a_dashed_guide(write_spec):
    body = "  bits:\n    cell: 10\n    align_at: fraction\n    formats:\n" + fmt(1, 8, 23) + fmt(1, 5, 10)
    scene = scene_of(write_spec, body)
    frac = cells(scene, "model")
    rows = sorted({round(r.y, 3) for r in frac})
    starts = [min(r.x for r in frac if round(r.y, 3) == y) for y in rows]
    assert len(rows) == 2 and starts[0] == pytest.approx(starts[1])
    signs = sorted(cells(scene, "negative"), key=lambda r: r.y)
    assert signs[1].x - signs[0].x == pytest.approx(30), "FP16's shorter exponent starts 3 bits later"
    guide = kind(scene, "bits-guide", Line)
    assert len(guide) == 1 and guide[0].style.dash and guide[0].points[0][0] == pytest.approx(starts[0])
    plain = scene_of(write_spec, "  bits:\n    cell: 10\n    formats:\n" + fmt(1, 8, 23) + fmt(1, 5, 10))
    s2 = sorted(cells(plain, "negative"), key=lambda r: r.y)
    assert s2[0].x == pytest.approx(s2[1].x) and not kind(plain, "bits-guide", Line), "left-aligned by default"


def test_counts_come_from_placeholders_and_the_shapes_are_native(write_spec):
    comp = "compute:\n  q: {fn: quant.float_formats, args: {}}\n"
    body = ("  bits:\n    formats:\n      - fields:\n"
            "          - {name: exponent, bits: '{{ q.formats[3].exponent }}', role: data}\n"
            "          - {name: fraction, bits: '{{ q.formats[3].mantissa }}', role: model}\n")
    scene = scene_of(write_spec, body, compute=comp)
    assert [len(cells(scene, r)) for r in ("data", "model")] == [8, 7], "BF16: 8 exponent bits, 7 fraction bits"
    shapes = [name(sp) for sp in slide_shapes(scene)]
    assert sum(n.startswith("bits-cell") for n in shapes) == 15


@pytest.mark.parametrize(("body", "message"), [
    ("    align_at: mantissa\n    formats:\n" + fmt(1, 8, 23), r"format 0 has no field 'mantissa' to align at"),
    ("    formats:\n" + fmt(1, 0, 23), r"bit count is 0\.0 \(expected a whole number from 1 to 4096\)"),
    ("    formats:\n" + fmt(1, 8, 23, ", show: 1"), r"1 is out of range \(expected ≥ 2\)"),
])
def test_bad_bit_fields_are_located_errors(write_spec, body, message):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: .*" + message):
        scene_of(write_spec, "  bits:\n" + body)


def test_a_placeholder_count_that_is_not_a_whole_number_is_a_located_error(write_spec):
    comp = "compute:\n  q: {fn: quant.float_formats, args: {}}\n"
    body = "  bits:\n    formats:\n      - fields:\n          - {name: x, bits: '{{ q.formats[3].eps }}'}\n"
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: .*bit count is 0\.0078125 \(expected a whole"):
        scene_of(write_spec, body, compute=comp)


def test_example_spec_is_clean():
    assert check_spec(EXAMPLE) == []


def test_values_write_each_shown_bit_and_an_elided_field_ends_with_its_last_bit(write_spec):
    bits = [1, 0, 0, 1, 1, 0, 1, 0, 0, 1]  # sign, 3 exponent bits, 6 fraction bits shown as 3 + … + 1
    body = ("  bits:\n    cell: 10\n    formats:\n      - values: " + str(bits) + "\n        fields:\n"
            "          - {name: sign, bits: 1}\n          - {name: exponent, bits: 3}\n"
            "          - {name: fraction, bits: 6, show: 4}\n")
    scene = scene_of(write_spec, body)
    texts = sorted(kind(scene, "bits-value", Text), key=lambda t: t.x)
    assert [t.text for t in texts] == [str(b) for b in bits[:7]] + [str(bits[-1])], "bits 7 and 8 are elided"
    cellx = sorted(r.x + 5 for r in cells(scene))
    assert [t.x for t in texts] == pytest.approx(cellx), "each value centred in its cell"
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: 9 bit values for 10 bits"):
        scene_of(write_spec, body.replace(str(bits), str(bits[:-1])))
