"""PPTX backend: native editable shapes, text placed like the SVG, notes, determinism; checked in LibreOffice."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation

from renderer.backends import pptx_shapes as backend
from renderer.backends.png import draw_png
from renderer.backends.pptx import draw_pptx
from renderer.backends.pptx_office import distance, first_pages, missing_tools
from renderer.backends.pptx_shapes import BASELINE_EM, EMU_PER_PX, fill_groups
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Ellipse, Group, Line, Meta, Rect, Scene, Style, Text, shift
from renderer.scene import Path as PathPrim
from renderer.spec.loader import load

NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}

SPEC = """\
id: t-shapes
chapter: test
order: 1
title: {en: "Test diagram", zh: "测试图"}
caption: {en: "A policy box feeds a reward ellipse.", zh: "策略框连到奖励椭圆。"}
compute:
  p: {fn: sampling.softmax, args: {logits: [1.0, 2.0]}}
body:
  column:
    gap: 30
    items:
      - row:
          gap: 60
          items:
            - box: {id: a, text: {en: "Policy model", zh: "策略模型"}, role: model, width: 150}
            - box: {id: b, text: {en: "Reward", zh: "奖励"}, role: data, shape: ellipse, width: 120}
            - box: {id: c, text: {en: "Loss", zh: "损失"}, role: negative, shape: rect, width: 110}
      - box:
          {id: d, text: {en: "p = {{ p.probs[1] | fmt('.2f') }}", zh: "概率 {{ p.probs[1] | fmt('.2f') }}"},
           role: module, width: 200}
edges:
  - {from: a, to: b, label: {en: "score", zh: "打分"}}
  - {from: b, to: c, dashed: true}
  - {from: a, to: d, label: x}
"""

# Mean absolute RGB difference (0-255) at 64 px wide between LibreOffice's rendering of our PPTX and our PNG
# (pptx_office.distance). Measured on this fixture: 2.3 (en), 2.2 (zh); over all 39 specs in specs/ × 2
# languages 0.8-4.95 (the highest for dense tables, whose many hairlines LibreOffice anti-aliases
# differently). Deliberately wrong renderings of this fixture: everything moved 12 px 5.0 / 5.1, box fills
# changed 13.9 / 13.8, a blank page 12.8 / 12.5. The limit sits between.
THRESHOLD = 4.0


def scene_for(tmp_path: Path, lang: str = "en") -> Scene:
    p = tmp_path / "t-shapes.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return layout(bind(load(p), use_cache=False).for_lang(lang), load_theme())


def slide_xml(data: bytes, n: int = 1) -> etree._Element:
    """The slide's drawing: its XML without the title placeholder (tested on its own, it sits above the slide)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read(f"ppt/slides/slide{n}.xml"))
    for ph in root.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph]", namespaces=NS):
        ph.getparent().remove(ph)
    return root


def shapes_by_name(root: etree._Element) -> dict[str, etree._Element]:
    out = {}
    for el in root.iter(f"{{{NS['p']}}}sp", f"{{{NS['p']}}}cxnSp", f"{{{NS['p']}}}grpSp"):
        name = el.find(".//p:cNvPr", NS).get("name")
        out.setdefault(name, el)
    return out


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> dict[str, Scene]:
    tmp = tmp_path_factory.mktemp("spec")
    return {lang: scene_for(tmp, lang) for lang in ("en", "zh")}


def test_box_and_arrow_slide_is_native_shapes_and_connectors_not_a_picture(scenes):
    root = slide_xml(draw_pptx(scenes["en"]))
    prst = [g.get("prst") for g in root.iterfind(".//p:sp/p:spPr/a:prstGeom", NS)]
    assert root.findall(".//p:pic", NS) == []
    assert prst.count("roundRect") >= 2  # boxes a, d (and the frame)
    assert prst.count("ellipse") == 1  # box b
    assert len(root.findall(".//p:cxnSp", NS)) == 3  # the three straight edges
    assert len(root.findall(".//p:sp/p:nvSpPr/p:cNvSpPr[@txBox='1']", NS)) >= 5  # labels, title, credit
    assert root.findall(".//p:cxnSp/p:spPr/a:ln/a:tailEnd[@type='triangle']", NS)


def test_slide_size_is_the_scene_size_in_emu(scenes):
    prs = Presentation(io.BytesIO(draw_pptx(scenes["en"])))
    assert len(prs.slides) == 1
    assert prs.slide_width == round(scenes["en"].width * EMU_PER_PX)
    assert prs.slide_height == round(scenes["en"].height * EMU_PER_PX)


def test_boxes_keep_theme_fills_and_rounded_corners(scenes):
    theme = load_theme()
    shapes = shapes_by_name(slide_xml(draw_pptx(scenes["en"])))
    a = shapes["a box [model]"]
    assert a.find(".//a:prstGeom", NS).get("prst") == "roundRect"
    assert a.find("p:spPr/a:solidFill/a:srgbClr", NS).get("val") == theme.color("model").lstrip("#")
    adj = int(a.find(".//a:gd", NS).get("fmla").split()[1]) / 100000
    rect = next(p for p in _walk(scenes["en"].items) if isinstance(p, Rect) and p.meta.id == "a")
    assert adj * min(rect.w, rect.h) == pytest.approx(rect.rx, abs=0.01)
    b = shapes["b box [data]"]
    assert b.find(".//a:prstGeom", NS).get("prst") == "ellipse"
    assert b.find("p:spPr/a:solidFill/a:srgbClr", NS).get("val") == theme.color("data").lstrip("#")
    assert shapes["c box [negative]"].find(".//a:prstGeom", NS).get("prst") == "rect"


def test_shapes_are_named_after_element_ids_and_roles(scenes):
    names = set(shapes_by_name(slide_xml(draw_pptx(scenes["en"]))))
    assert {"a box [model]", "b box [data]", "frame [frame]", "title [title]", "edge-0 edge [arrow]"} <= names
    assert any(n.startswith("a box-text") for n in names)
    assert "a" in names  # the box's group: rectangle and label move together


def test_edges_have_native_arrow_heads_and_dashes(scenes):
    shapes = shapes_by_name(slide_xml(draw_pptx(scenes["en"])))
    for name in ("edge-0 edge [arrow]", "edge-1 edge [arrow]"):
        ln = shapes[name].find("p:spPr/a:ln", NS)
        assert ln.find("a:tailEnd", NS).get("type") == "triangle"
        assert ln.find("a:headEnd", NS) is None
    dashes = shapes["edge-1 edge [arrow]"].findall("p:spPr/a:ln/a:custDash/a:ds", NS)
    line = next(p for p in _walk(scenes["en"].items) if isinstance(p, Line) and p.meta.id == "edge-1")
    n = len(line.style.dash)
    assert line.style.dash and len(dashes) == (n if n % 2 else n // 2)  # an odd SVG list repeats once
    assert int(dashes[0].get("d")) == round(line.style.dash[0] / line.style.stroke_width * 100000)
    assert shapes["edge-0 edge [arrow]"].find("p:spPr/a:ln/a:custDash", NS) is None


def test_text_boxes_keep_size_and_set_the_east_asian_font(scenes):
    scene = scenes["zh"]
    root = slide_xml(draw_pptx(scene))
    texts = [p for p in _walk(scene.items) if isinstance(p, Text) and p.text]
    runs = root.findall(".//a:r", NS)
    pieces = [(t, piece, fam) for t in texts for piece, fam in t.pieces]  # one a:r per run of one face
    assert [r.find("a:t", NS).text for r in runs] == [piece for _, piece, _ in pieces]
    assert {fam[0] for _, _, fam in pieces} == {"Noto Sans", "Noto Sans CJK SC"}
    for r, (t, _, fam) in zip(runs, pieces, strict=True):
        rpr = r.find("a:rPr", NS)
        assert int(rpr.get("sz")) == round(t.size * 0.75 * 100)
        for tag in ("a:latin", "a:ea", "a:cs"):
            assert rpr.find(tag, NS).get("typeface") == fam[0]
        assert (rpr.get("b") == "1") == (t.weight >= 600)
    boxes = [sp for sp in root.iterfind(".//p:sp", NS) if sp.find("p:nvSpPr/p:cNvSpPr[@txBox='1']", NS) is not None]
    assert len(boxes) == len(texts)
    for sp in boxes:
        body = sp.find("p:txBody/a:bodyPr", NS)
        assert body.get("wrap") == "none" and body.find("a:noAutofit", NS) is not None
        assert {body.get(k) for k in ("lIns", "tIns", "rIns", "bIns")} == {"0"}


def test_text_box_puts_the_anchor_and_baseline_where_the_svg_does(scenes):
    prs = Presentation(io.BytesIO(draw_pptx(scenes["en"])))
    texts = {(t.text, t.anchor): t for t in _walk(scenes["en"].items) if isinstance(t, Text)}
    boxes = {}
    for sh in _iter_shapes(prs.slides[0].shapes):
        if sh.has_text_frame and sh.text_frame.text:
            boxes[sh.text_frame.text] = sh
    for (text, anchor), t in texts.items():
        sh = boxes[text]
        left, top, w = sh.left / EMU_PER_PX, sh.top / EMU_PER_PX, sh.width / EMU_PER_PX
        x = {"start": left, "middle": left + w / 2, "end": left + w}[anchor]
        assert x == pytest.approx(t.x, abs=0.01), text
        assert top + BASELINE_EM * t.size == pytest.approx(t.y, abs=0.01), text
        assert w > t.width  # never wraps or clips a measured run


def test_no_shadows_and_no_theme_style_references(scenes):
    root = slide_xml(draw_pptx(scenes["en"]))
    assert root.findall(".//p:style", NS) == []
    for sp in [*root.iterfind(".//p:sp", NS), *root.iterfind(".//p:cxnSp", NS)]:
        if sp.find("p:nvSpPr/p:cNvSpPr[@txBox='1']", NS) is None:
            assert sp.find("p:spPr/a:effectLst", NS) is not None


def test_speaker_notes_hold_caption_and_computed_values_with_sources(scenes):
    prs = Presentation(io.BytesIO(draw_pptx(scenes["en"])))
    notes = prs.slides[0].notes_slide.notes_text_frame.text
    assert "A policy box feeds a reward ellipse." in notes
    assert "p = sampling.softmax(logits=[1.0, 2.0])" in notes
    assert "p.probs = [0.2689" in notes
    assert re.search(r"\[compute/sampling\.py, code hash [0-9a-f]+\]", notes)
    zh = Presentation(io.BytesIO(draw_pptx(scenes["zh"]))).slides[0].notes_slide.notes_text_frame.text
    assert "策略框连到奖励椭圆。" in zh


def test_same_scene_gives_byte_identical_pptx(scenes):
    a, b = draw_pptx(scenes["zh"]), draw_pptx(scenes["zh"])
    assert a == b
    prs = Presentation(io.BytesIO(a))
    assert prs.core_properties.created == backend.FIXED_TIME == prs.core_properties.modified
    assert prs.core_properties.title == "测试图"


def test_curves_stay_bezier_curves_in_a_freeform():
    path = PathPrim((("M", 10, 10), ("C", 20, 0, 40, 0, 50, 10), ("L", 50, 30), ("Z",)),
                    Style(fill="#71CCF5", stroke="#000000"), Meta("curve", "model", None, "path"))
    root = slide_xml(draw_pptx(Scene(100, 50, [path])))
    geom = root.find(".//p:sp/p:spPr/a:custGeom", NS)
    assert geom is not None and root.find(".//a:prstGeom", NS) is None
    assert len(geom.findall(".//a:cubicBezTo/a:pt", NS)) == 3
    assert geom.find(".//a:close", NS) is not None


def test_overlapping_outlines_fill_separately_and_holes_stay_with_their_outline():
    def square(x, y, s, cw=True):
        pts = [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
        pts = pts if cw else pts[::-1]
        return [("M", *pts[0]), *[("L", *p) for p in pts[1:]], ("Z",)]

    outer, hole, dot = square(0, 0, 10), square(3, 3, 4, cw=False), square(4, 4, 2)
    overlapping = square(8, 0, 10)
    groups = fill_groups(outer + hole + dot + overlapping)
    assert len(groups) == 3  # [outer + hole], [dot inside the hole], [overlapping square]
    assert groups[0] == outer + hole
    assert dot in groups and overlapping in groups


def test_polyline_is_an_open_freeform_with_arrow_heads_at_both_ends():
    line = Line(((10, 10), (60, 10), (60, 40)), Style(stroke="#EB6252", stroke_width=1.3), True, True,
                Meta("edge-0", "emphasis", None, "edge"))
    root = slide_xml(draw_pptx(Scene(100, 50, [line])))
    sp = root.find(".//p:sp", NS)
    assert sp.find(".//a:path", NS).get("fill") == "none"
    assert sp.find("p:spPr/a:noFill", NS) is not None
    ln = sp.find("p:spPr/a:ln", NS)
    assert ln.find("a:solidFill/a:srgbClr", NS).get("val") == "EB6252"
    assert ln.find("a:headEnd", NS) is not None and ln.find("a:tailEnd", NS) is not None
    assert int(ln.get("w")) == round(1.3 * EMU_PER_PX)


def test_scene_larger_than_powerpoint_allows_is_scaled_down():
    scene = Scene(8000, 1000, [Rect(0, 0, 8000, 1000, 0, Style(fill="#DEEBF7"))])
    prs = Presentation(io.BytesIO(draw_pptx(scene)))
    assert prs.slide_width == round(backend.SLIDE_MAX_PX * EMU_PER_PX)
    sh = next(_iter_shapes(prs.slides[0].shapes))
    assert sh.width == prs.slide_width and sh.height == round(1000 * backend.SLIDE_MAX_PX / 8000 * EMU_PER_PX)


def test_empty_paths_and_degenerate_lines_are_skipped_not_fatal():
    scene = Scene(50, 50, [PathPrim(()), Line(((5, 5),)), Rect(1, 1, 10, 10, 0, Style(fill="#FFE699"))])
    assert len(slide_xml(draw_pptx(scene)).findall(".//p:sp", NS)) == 1


def test_native_hook_replaces_a_groups_primitives(monkeypatch):
    calls = []

    def native_table(writer, parent, group):
        calls.append(group.meta.id)
        return True

    monkeypatch.setitem(backend.NATIVE, "table", native_table)
    table = Group((Rect(0, 0, 10, 10), Rect(10, 0, 10, 10)), Meta("t1", None, None, "table"))
    root = slide_xml(draw_pptx(Scene(40, 20, [table, Ellipse(30, 10, 5, 5, Style(fill="#FFE699"))])))
    assert calls == ["t1"]
    assert len(root.findall(".//p:sp", NS)) == 1  # only the ellipse: the table was drawn by the hook


# --- with real office software ----------------------------------------------------------------------------

office = pytest.mark.skipif(missing_tools() is not None, reason=f"office check skipped: {missing_tools()}")


@pytest.fixture(scope="module")
def office_renderings(scenes, tmp_path_factory) -> dict[str, Image.Image]:
    pages = first_pages({f"t-{lang}.pptx": draw_pptx(scene) for lang, scene in scenes.items()},
                        tmp_path_factory.mktemp("office"), dpi=48)
    return {lang: pages[f"t-{lang}.pptx"] for lang in scenes}


def _png(scene: Scene) -> Image.Image:
    return Image.open(io.BytesIO(draw_png(scene, 0.5))).convert("RGB")


@office
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_libreoffice_draws_the_slide_like_our_svg(scenes, office_renderings, lang):
    lo = office_renderings[lang]
    ref = _png(scenes[lang])
    assert abs(lo.width - ref.width) <= 2 and abs(lo.height - ref.height) <= 2
    d = distance(ref, lo)
    assert d < THRESHOLD, f"{lang}: LibreOffice rendering differs from the SVG by {d:.2f} (limit {THRESHOLD})"


@office
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_comparison_rejects_a_wrong_rendering(scenes, office_renderings, lang):
    scene = scenes[lang]
    lo = office_renderings[lang]
    moved = replace(scene, items=[shift(p, 12, 0) for p in scene.items])
    refilled = replace(scene, items=[_refill(p, "#EB6252") for p in scene.items])
    for wrong in (moved, refilled):
        assert distance(_png(wrong), lo) > THRESHOLD
    assert distance(Image.new("RGB", lo.size, "white"), lo) > THRESHOLD


# --- helpers ----------------------------------------------------------------------------------------------

def _walk(items):
    for p in items:
        yield p
        if isinstance(p, Group):
            yield from _walk(p.children)


def _iter_shapes(shapes):
    for sh in shapes:
        if sh.is_placeholder:  # the slide title, above the slide
            continue
        if sh.shape_type is not None and sh.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _iter_shapes(sh.shapes)
        else:
            yield sh


def _refill(p, color: str):
    if isinstance(p, Group):
        return replace(p, children=tuple(_refill(c, color) for c in p.children))
    if isinstance(p, Rect | Ellipse) and p.style.fill and p.meta.kind == "box":
        return replace(p, style=replace(p.style, fill=color))
    return p
