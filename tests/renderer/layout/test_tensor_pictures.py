"""Tensor pictures: dimension braces, pick callouts, hatched masks, shared cell sizes, 3-D stacks."""

from __future__ import annotations

import io
import zipfile

import pytest
from _helpers import kind, scene_of
from lxml import etree

from renderer.app.check import check_spec
from renderer.backends.pptx import draw_pptx
from renderer.project import ROOT
from renderer.scene import Group, Path, Text, bbox
from renderer.spec.errors import SpecError

NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
EXAMPLE = ROOT / "specs" / "_examples" / "tensor-pictures.yaml"


def grid_box(scene) -> tuple[float, float, float, float]:
    """Union of the drawn cells (incl. ellipsis slots)."""
    boxes = [bbox(g.children[0]) for g in kind(scene, "tensor-cell", Group) + kind(scene, "tensor-ellipsis", Group)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def slide_shapes(scene) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert root.findall(".//p:pic", NS) == []
    return list(root.iter(f"{{{NS['p']}}}sp"))


def name(sp: etree._Element) -> str:
    return sp.find(".//p:cNvPr", NS).get("name")


# --- 1. dimension braces ----------------------------------------------------------------------------------

BRACES = ("  tensor:\n    id: E\n    shape: [151936, 896]\n    row_index: true\n    braces:\n"
          "      - {side: left, text: '151936 rows'}\n"
          "      - {side: top, text: '896 columns'}\n"
          "      - {side: right, text: 'first 3', from: 0, to: 2}\n"
          "      - {side: bottom, text: 'hidden', from: 0, to: 4}\n")


def test_braces_sit_outside_each_side_and_span_their_rows_or_columns(write_spec):
    scene = scene_of(write_spec, BRACES)
    x0, y0, x1, y1 = grid_box(scene)
    ch = (y1 - y0) / 8  # 8 row slots (7 shown + the ellipsis)
    cw = (x1 - x0) / 10
    br = {p.meta.src.split(":")[1]: bbox(p) for p in kind(scene, "tensor-brace", Path)}
    assert len(br) == 4
    left, top, right, bottom = (br[k] for k in sorted(br, key=int))
    heads = [bbox(t) for t in kind(scene, "tensor-header", Text)]
    assert left[2] < min(h[0] for h in heads), "left brace is left of the row headers"
    assert left[1] == pytest.approx(y0 + 2) and left[3] == pytest.approx(y1 - 2), "the whole side by default"
    assert top[3] < y0 and top[0] == pytest.approx(x0 + 2) and top[2] == pytest.approx(x1 - 2)
    assert right[0] > x1 and right[1] == pytest.approx(y0 + 2) and right[3] == pytest.approx(y0 + 3 * ch - 2)
    shape = bbox(kind(scene, "tensor-shape", Text)[0])
    assert bottom[1] > shape[3], "the bottom brace is under the shape label, which stays"
    assert bottom[2] == pytest.approx(x0 + 5 * cw - 2)
    labels = {t.text: bbox(t) for t in kind(scene, "tensor-brace-text", Text)}
    assert labels["151936 rows"][2] < left[0] and labels["first 3"][0] > right[2]
    assert labels["896 columns"][3] < top[1] and labels["hidden"][1] > bottom[3]
    mid = (labels["first 3"][1] + labels["first 3"][3]) / 2
    assert mid == pytest.approx(y0 + 1.5 * ch, abs=2), "the label is beside the middle of its span"


def test_overlapping_braces_on_one_side_are_stacked_outwards(write_spec):
    body = ("  tensor:\n    shape: [6, 6]\n    braces:\n      - {side: left, text: all}\n"
            "      - {side: left, text: two, from: 1, to: 2}\n      - {side: left, text: end, from: 4, to: 5}\n")
    scene = scene_of(write_spec, body)
    br = sorted((bbox(p) for p in kind(scene, "tensor-brace", Path)), key=lambda b: b[3] - b[1])
    two, end, every = br
    assert two[0] == pytest.approx(end[0]), "disjoint spans share a level"
    assert every[2] < two[0] - 9, "the whole-side brace sits outside the inner ones and their labels"


def test_braces_are_native_freeforms_in_pptx(write_spec):
    scene = scene_of(write_spec, BRACES)
    braces = [sp for sp in slide_shapes(scene) if "tensor-brace [" in name(sp)]
    assert len(braces) == 4
    for sp in braces:
        path = sp.find("p:spPr/a:custGeom/a:pathLst/a:path", NS)
        assert path is not None and len(path.findall("a:cubicBezTo", NS)) == 4


@pytest.mark.parametrize(("brace", "where", "message"), [
    ("{side: left, from: 2, to: 40}", r"s\.yaml:8:\d+", r"brace to 40 is outside the 20 rows"),
    ("{side: top, from: 3, to: 1}", r"s\.yaml:8:\d+", r"brace `to` 1 is before `from` 3"),
    ("{side: middle}", r"s\.yaml:8:\d+", r'"middle" is not allowed \(expected one of: left, right, top'),
    ("{side: left, from: 12, to: 14}", r"s\.yaml:8:\d+", r"brace 12 … 14 lies inside the elided part"),
])
def test_bad_braces_are_located_errors(write_spec, brace, where, message):
    with pytest.raises(SpecError, match=where + r": error: .*" + message):
        scene_of(write_spec, f"  tensor:\n    shape: [20, 4]\n    braces:\n      - {brace}\n")


def test_example_spec_is_clean():
    assert check_spec(EXAMPLE) == []


# --- 2. pick: an extracted row or cell with a callout -----------------------------------------------------

def test_pick_outlines_the_row_and_points_an_arrow_at_a_callout_right_of_the_grid(write_spec):
    from renderer.layout.theme import load_theme
    from renderer.scene import Line, Rect

    body = "  tensor:\n    id: T\n    shape: [10, 6]\n    pick: {row: 3, text: 'row 3 → embedding'}\n"
    scene = scene_of(write_spec, body)
    x0, y0, x1, y1 = grid_box(scene)
    ch = (y1 - y0) / 8
    emphasis = load_theme().color("emphasis")
    outline = next(p for p in kind(scene, "tensor-pick", Rect))
    assert outline.style.stroke == emphasis and outline.style.fill is None
    assert bbox(outline) == pytest.approx((x0 - 1, y0 + 3 * ch - 1, x1 + 1, y0 + 4 * ch + 1))
    arrow = next(p for p in kind(scene, "tensor-pick", Line))
    assert arrow.arrow_end and arrow.style.stroke == emphasis
    (ax, ay), (bx, by) = arrow.points
    assert ax == pytest.approx(x1 + 1) and ay == by == pytest.approx(y0 + 3.5 * ch)
    box = bbox(kind(scene, "tensor-pick-box", Rect)[0])
    assert box[0] == pytest.approx(bx) and box[1] < ay < box[3]
    text = kind(scene, "tensor-pick-text", Text)
    assert [t.text for t in text] == ["row 3 → embedding"]
    tb = bbox(text[0])
    assert box[0] < tb[0] and tb[2] < box[2] and box[1] < tb[1] and tb[3] < box[3]
    assert "r3" in {p for g in kind(scene, "tensor-cell", Group) for p in g.meta.parts}, "the row stays a port"


def test_pick_of_a_cell_outlines_only_that_cell(write_spec):
    from renderer.scene import Rect

    scene = scene_of(write_spec, "  tensor:\n    values: [[1, 2, 3], [4, 5, 6]]\n    pick: {cell: [1, 2], text: x}\n")
    cell = next(g.children[0] for g in kind(scene, "tensor-cell", Group) if "r1c2" in g.meta.parts)
    outline = kind(scene, "tensor-pick", Rect)[0]
    assert bbox(outline) == pytest.approx((cell.x - 1, cell.y - 1, cell.x + cell.w + 1, cell.y + cell.h + 1))


def test_pick_is_a_native_rectangle_connector_and_text_box_in_pptx(write_spec):
    scene = scene_of(write_spec, "  tensor:\n    shape: [4, 4]\n    pick: {row: 1, text: 'row 1'}\n")
    shapes = slide_shapes(scene)
    names = [name(sp) for sp in shapes]
    assert any("tensor-pick-box" in n for n in names)
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        xml = z.read("ppt/slides/slide1.xml").decode()
    assert 'type="triangle"' in xml and "row 1" in xml


@pytest.mark.parametrize(("pick", "message"), [
    ("{row: 12, text: x}", r"s\.yaml:8:\d+: error: pick row 12 is outside the 10 rows"),
    ("{cell: [1, 9], text: x}", r"s\.yaml:8:\d+: error: pick column 9 is outside the 4 columns"),
    ("{row: 1, cell: [1, 1], text: x}", r"s\.yaml:8:\d+: error: .*exactly one of `row` and `cell`"),
    ("{row: 8, text: x}", r"s\.yaml:8:\d+: error: the picked row is elided"),
])
def test_bad_picks_are_located_errors(write_spec, pick, message):
    with pytest.raises(SpecError, match=message):
        scene_of(write_spec, f"  tensor:\n    shape: [10, 4]\n    show_rows: 5\n    pick: {pick}\n")


# --- 3. masked-cell style ---------------------------------------------------------------------------------

def _masked_cells(scene):
    return [g for g in kind(scene, "tensor-cell", Group) if g.meta.role == "light"]


def test_hatched_mask_draws_lines_and_no_minus_infinity(write_spec):
    from renderer.backends.svg import draw_svg
    from renderer.layout.theme import load_theme

    body = "  tensor: {values: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], mask: causal, mask_style: hatch}\n"
    scene = scene_of(write_spec, body)
    masked = _masked_cells(scene)
    assert len(masked) == 3
    theme = load_theme()
    for g in masked:
        assert g.children[0].style.hatch == theme.color("text-soft")
        assert g.children[0].style.fill == theme.color("light")
        texts = [p.text for p in g.children if isinstance(p, Text)]
        assert texts and "−∞" not in texts, "a hatched cell keeps its value, no −∞ text"
    assert sorted(p.text for g in masked for p in g.children if isinstance(p, Text)) == ["2", "3", "6"]
    kept = [g for g in kind(scene, "tensor-cell", Group) if g not in masked]
    assert all(g.children[0].style.hatch is None for g in kept)
    svg = draw_svg(scene).decode()
    assert svg.count("<pattern ") == 1 and svg.count('fill="url(#hatch-0)"') == 3
    assert "−∞" not in svg


def test_text_mask_style_keeps_minus_infinity(write_spec):
    body = "  tensor: {values: [[1, 2], [3, 4]], mask: causal, mask_style: text}\n"
    masked = _masked_cells(scene_of(write_spec, body))
    assert [t.text for g in masked for t in g.children[1:]] == ["−∞"]
    assert masked[0].children[0].style.hatch is None


def test_hatched_mask_is_a_pattern_fill_in_pptx(write_spec):
    scene = scene_of(write_spec, "  tensor: {shape: [3, 3], mask: causal, mask_style: hatch}\n")
    patt = [sp.find("p:spPr/a:pattFill", NS) for sp in slide_shapes(scene)]
    patt = [p for p in patt if p is not None]
    assert len(patt) == 3 and all(p.get("prst") == "wdDnDiag" for p in patt)
    assert patt[0].find("a:bgClr/a:srgbClr", NS).get("val") != patt[0].find("a:fgClr/a:srgbClr", NS).get("val")


def test_hatched_mask_shows_the_lines_in_png(write_spec):
    import numpy as np
    from PIL import Image

    from renderer.backends.png import svg_to_png
    from renderer.backends.svg import draw_svg

    scene = scene_of(write_spec, "  tensor: {shape: [2, 2], mask: causal, mask_style: hatch, cell: 60}\n")
    cell = next(g.children[0] for g in _masked_cells(scene))
    img = np.asarray(Image.open(io.BytesIO(svg_to_png(draw_svg(scene, fonts=False), 1))).convert("L")).astype(int)
    inner = img[round(cell.y) + 4:round(cell.y + cell.h) - 4, round(cell.x) + 4:round(cell.x + cell.w) - 4]
    assert inner.max() - inner.min() > 60, "dark lines over the light fill"


# --- 4. one cell size shared by sibling tensors -----------------------------------------------------------

def test_tensors_in_one_cell_group_share_the_largest_cell(write_spec):
    body = ("  grid:\n    columns: 3\n    items:\n"
            "      - tensor: {shape: [3, 3], cell_group: g}\n"
            "      - tensor: {values: [[123456.5, 2], [3, 4]], format: '.1f', cell_group: g}\n"
            "      - tensor: {shape: [2, 2]}\n")
    scene = scene_of(write_spec, body)
    by_tensor: dict[str, set] = {}
    for g in kind(scene, "tensor-cell", Group):
        by_tensor.setdefault(g.meta.src.split(":")[1], set()).add((round(g.children[0].w, 3),
                                                                    round(g.children[0].h, 3)))
    a, b, c = (by_tensor[k] for k in sorted(by_tensor, key=int))
    assert len(a) == len(b) == 1 and a == b, "one cell size in the group"
    (w, h), = a
    assert w > h + 20, "the widest value of the group sets the width of every cell"
    assert c != a, "a tensor outside the group keeps its own size"


def test_a_cell_group_named_once_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:5:\d+: error: cell group 'g' is named by this tensor only"):
        scene_of(write_spec, "  tensor: {shape: [3, 3], cell_group: g}\n")


# --- 5. 3-D stacks ----------------------------------------------------------------------------------------

def test_depth_draws_offset_layers_behind_the_grid_with_a_label_and_the_front_slice(write_spec):
    from renderer.layout.tensor_marks import DEPTH_STEP
    from renderer.layout.theme import load_theme
    from renderer.scene import Rect, walk

    body = ("  tensor:\n    shape: [3, 4]\n    depth: 8\n    depth_label: 'batch of 8'\n    slice: 2\n"
            "    col_index: true\n")
    scene = scene_of(write_spec, body)
    x0, y0, x1, y1 = grid_box(scene)
    layers = kind(scene, "tensor-layer", Rect)
    assert len(layers) == 4, "at most 4 layers drawn behind the front"
    assert [(round(r.x - x0, 3), round(y0 - r.y, 3)) for r in layers] == \
        [(m * DEPTH_STEP, m * DEPTH_STEP) for m in (4, 3, 2, 1)], "farthest first, each moved up and right"
    assert all((r.w, r.h) == pytest.approx((x1 - x0, y1 - y0)) for r in layers)
    order = [p for p in walk(scene.items) if p.meta.kind in ("tensor-layer", "tensor-cell")]
    assert all(p.meta.kind == "tensor-layer" for p in order[:4]), "layers are painted under the cells"
    label = next(t for t in kind(scene, "tensor-depth", Text))
    assert label.text == "batch of 8" and bbox(label)[0] > x1 + 4 * DEPTH_STEP
    front = kind(scene, "tensor-slice", Rect)[0]
    assert front.style.stroke == load_theme().color("emphasis")
    assert bbox(front) == pytest.approx((x0 - 1, y0 - 1, x1 + 1, y1 + 1))
    assert [t.text for t in kind(scene, "tensor-slice", Text)] == ["[2]"]
    heads = [bbox(t) for t in kind(scene, "tensor-header", Text)]
    assert max(h[3] for h in heads) < y0 - 4 * DEPTH_STEP, "column headers stand above the stack"
    assert [t.text for t in kind(scene, "tensor-shape", Text)] == ["8×3×4"]


def test_slice_without_depth_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:5:\d+: error: slice 3 needs a `depth` above it"):
        scene_of(write_spec, "  tensor: {shape: [3, 3], depth: 3, slice: 3}\n")


@pytest.mark.parametrize("model", ["TensorBrace", "TensorPick"])
def test_every_new_tensor_field_is_documented_in_the_schema(model):
    from renderer.spec.schema import diagram_schema

    d = diagram_schema()["$defs"][model]
    assert d.get("description")
    assert [f for f, v in d["properties"].items() if not v.get("description")] == []


def test_highlight_depth_draws_a_slab_through_every_layer(write_spec):
    from renderer.layout.tensor_marks import DEPTH_STEP
    from renderer.layout.theme import load_theme
    from renderer.scene import Polygon

    body = ("  tensor:\n    shape: [3, 4]\n    depth: 3\n    highlight: [[null, 1], [2, null], [1, 1]]\n"
            "    highlight_role: text-soft\n    highlight_depth: true\n")
    scene = scene_of(write_spec, body)
    x0, y0, x1, y1 = grid_box(scene)
    cw, ch, lift = (x1 - x0) / 4, (y1 - y0) / 3, 2 * DEPTH_STEP
    faces = sorted(tuple((round(x - x0, 3), round(y - y0, 3)) for x, y in p.points)
                    for p in kind(scene, "tensor-slab", Polygon))
    top = ((cw + 1, 1), (cw + 1 + lift, 1 - lift), (2 * cw - 1 + lift, 1 - lift), (2 * cw - 1, 1))
    right = ((x1 - x0 - 1, 2 * ch + 1), (x1 - x0 - 1 + lift, 2 * ch + 1 - lift),
             (x1 - x0 - 1 + lift, 3 * ch - 1 - lift), (x1 - x0 - 1, 3 * ch - 1))
    expect = sorted([tuple((round(a, 3), round(b, 3)) for a, b in top),
                     tuple((round(a, 3), round(b, 3)) for a, b in right)])
    assert faces == expect, "column 1 gets its top face, row 2 its right face, the inner cell none"
    polys = kind(scene, "tensor-slab", Polygon)
    assert all(p.style.stroke == load_theme().color("text-soft") and p.style.fill is None for p in polys)
    assert sum(name(sp).startswith("tensor-slab") for sp in slide_shapes(scene)) == 2, "native PPTX shapes"
    plain = scene_of(write_spec, body.replace("    highlight_depth: true\n", ""))
    assert kind(plain, "tensor-slab", Polygon) == [], "off by default: the front outline only"
    flat = scene_of(write_spec, body.replace("    depth: 3\n", ""))
    assert kind(flat, "tensor-slab", Polygon) == [], "no stack, no slab"


def test_the_token_strip_example_picks_each_columns_argmax():
    """A distribution column per position (a tall elided column vector) outlines the likeliest token of each."""
    import math

    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.project import SPECS_DIR
    from renderer.scene import walk
    from renderer.spec.loader import load

    spec = SPECS_DIR / "_examples" / "token-strips.yaml"
    bound = bind(load(spec), use_cache=False)
    scene = layout(bound.for_lang("en"), load_theme())
    for k, logits in enumerate(([2.6, 1.9, 0.2, -0.4, 0.1, -0.6], [0.2, 1.1, 2.9, 0.4, -0.3, 0.8],
                                [0.1, -0.2, 0.3, 3.1, 0.9, -0.5], [0.4, 0.2, -0.1, 0.6, 2.7, 1.0])):
        z = [math.exp(v) for v in logits]
        probs = [v / sum(z) for v in z]
        best = max(range(len(probs)), key=probs.__getitem__)
        cells = [g for g in walk(scene.items) if getattr(g, "meta", None) and g.meta.id == f"d{k}"
                 and g.meta.kind == "tensor-cell" and isinstance(g, Group)]
        picked = [i for i, g in enumerate(cells[:6]) if g.meta.role == "kept-bg"]
        texts = [t.text for g in cells[:6] for t in g.children if isinstance(t, Text)]
        assert picked == [best], (k, picked, best)
        assert texts == [f"{p:.2f}" for p in probs]
