"""Native PowerPoint tables and charts: editable data in the PPTX, SVG untouched, LibreOffice draws them like ours."""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation

from renderer.backends.png import draw_png
from renderer.backends.pptx import draw_pptx
from renderer.backends.pptx_native import chart_plan
from renderer.backends.pptx_office import distance, first_pages, missing_tools
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import chart as chart_layout
from renderer.layout import layout
from renderer.layout import table as table_layout
from renderer.layout.theme import load_theme
from renderer.scene import Group, Scene, walk
from renderer.spec.loader import load

ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "specs/_examples/chart.yaml"
TABLE = ROOT / "specs/_examples/table.yaml"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
THRESHOLD = 4.0  # as test_pptx.THRESHOLD: LibreOffice rendering vs our PNG, mean abs RGB at 64 px wide


def scene_of(spec: Path, lang: str = "en") -> Scene:
    return layout(bind(load(spec)).for_lang(lang), load_theme())


@pytest.fixture(scope="module")
def chart_scene() -> Scene:
    return scene_of(CHART)


@pytest.fixture(scope="module")
def charts(chart_scene):
    prs = Presentation(io.BytesIO(draw_pptx(chart_scene)))
    return [sh.chart for sh in _shapes(prs.slides[0].shapes) if getattr(sh, "has_chart", False) and sh.has_chart]


@pytest.fixture(scope="module")
def tables():
    prs = Presentation(io.BytesIO(draw_pptx(scene_of(TABLE))))
    return [sh.table for sh in _shapes(prs.slides[0].shapes) if getattr(sh, "has_table", False) and sh.has_table]


def computed(scene: Scene, name: str) -> dict:
    return scene.metadata["computed"][name]["result"]


# --- charts -----------------------------------------------------------------------------------------------

def test_bar_line_and_area_charts_are_native_charts_heat_maps_stay_shapes(chart_scene, charts):
    kinds = [g.data["kind"] for g in walk(chart_scene.items) if isinstance(g, Group) and g.data
             and g.meta.kind == "chart"]
    assert kinds == ["bar", "bar", "line", "line", "area"]  # the two heat maps carry no chart payload
    assert len(charts) == 5
    root = slide_xml(draw_pptx(chart_scene))
    frames = root.findall(".//p:graphicFrame/a:graphic/a:graphicData[@uri='http://schemas.openxmlformats.org/"
                          "drawingml/2006/chart']", NS)
    assert len(frames) == 5 and all(f.find(f"{C}chart") is not None for f in frames)
    heat = [g for g in walk(chart_scene.items) if isinstance(g, Group) and g.meta.kind == "chart-cell"]
    assert heat  # drawn as rectangles (with their values) like in the SVG


def test_bar_chart_holds_the_computed_values_categories_and_highlight_colours(chart_scene, charts):
    theme = load_theme()
    dist = computed(chart_scene, "dist")
    plot = charts[0].plots[0]
    assert list(plot.categories) == ["on", "good", "have", "of", "today", "man", "not", "[EOS]"]
    assert list(plot.series[0].values) == pytest.approx(dist["base_probs"])
    fills = {}
    for dpt in plot.series[0]._element.findall(f"{C}dPt"):
        idx = int(dpt.find(f"{C}idx").get("val"))
        fills[idx] = dpt.find(f"{C}spPr/a:solidFill/a:srgbClr", NS).get("val")
    for k, kept in enumerate(dist["kept"]):
        assert "#" + fills[k] == theme.color("kept" if kept else "removed"), k
    assert charts[0].chart_type.name == "COLUMN_CLUSTERED"
    horizontal = charts[1]
    assert horizontal.chart_type.name == "BAR_CLUSTERED"
    assert list(horizontal.plots[0].series[0].values) == pytest.approx(computed(chart_scene, "pol")["probs"])
    assert "#" + horizontal.plots[0].series[0]._element.findall(f"{C}dPt")[3].find(
        f"{C}spPr/a:solidFill/a:srgbClr", NS).get("val") == theme.color("negative")  # the spec's most likely action


def test_line_charts_hold_their_x_and_y_data(chart_scene, charts):
    temp = computed(chart_scene, "temp")
    cat_line = charts[2].plots[0]
    assert len(cat_line.series) == 3
    for k, s in enumerate(cat_line.series):
        assert list(s.values) == pytest.approx(temp["probs"][k])
    assert list(cat_line.categories)[-1] == "[EOS]"
    xy = charts[3]
    assert xy.chart_type.name.startswith("XY_SCATTER_LINES")  # markers none: read back as ..._NO_MARKERS
    clip = computed(chart_scene, "clip")
    ser = xy.plots[0].series[0]
    assert list(ser.values) == pytest.approx(clip["objective"])
    xs = [float(v.text) for v in ser._element.findall(f"{C}xVal/{C}numRef/{C}numCache/{C}pt/{C}v")]
    assert xs == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0])
    area = charts[4].plots[0]
    assert list(area.series[0].values) == pytest.approx(computed(chart_scene, "eps")["epsilons"])


def test_chart_without_payload_or_not_expressible_falls_back_to_shapes(chart_scene):
    stripped = replace(chart_scene, items=[_strip(p) for p in chart_scene.items])
    assert b"drawingml/2006/chart" not in _slide_bytes(draw_pptx(stripped))
    area = next(g.data for g in walk(chart_scene.items) if isinstance(g, Group) and g.data
                and g.data.get("kind") == "area")
    uneven = {**area, "series": [{**s, "x": [0.0, 1.0, 5.0] + s["x"][3:]} for s in area["series"]]}
    assert chart_plan(area) is not None and chart_plan(uneven) is None


def test_pptx_with_charts_is_deterministic(chart_scene):
    a = draw_pptx(chart_scene)
    time.sleep(1.1)  # the embedded workbooks would otherwise carry the current second
    assert draw_pptx(chart_scene) == a


# --- tables -----------------------------------------------------------------------------------------------

def test_tables_are_native_tables_with_merged_cells_and_texts(tables):
    assert len(tables) == 3
    formats, mc, returns = tables
    assert (len(formats.rows), len(formats.columns)) == (11, 5)
    assert formats.cell(1, 0).text == "FP64" and formats.cell(0, 3).text == "max"
    assert formats.cell(1, 2).text == ""  # the bit layout is drawn over the cell
    assert (len(mc.rows), len(mc.columns)) == (5, 3)
    both = mc.cell(4, 1)
    assert both.is_merge_origin and both.span_width == 2 and mc.cell(4, 2).is_spanned
    assert both.text == "model-free: learn from sampled\nexperience, no transition model"
    assert mc.cell(3, 1).text == "unbiased, high variance"
    assert (len(returns.rows), len(returns.columns)) == (3, 7)
    assert returns.cell(0, 0).is_merge_origin and returns.cell(0, 0).span_width == 2
    episode = returns.cell(1, 0)
    assert episode.is_merge_origin and episode.span_height == 2 and episode.text == "episode"
    assert returns.cell(2, 2).text == "14"
    theme = load_theme()
    assert mc.cell(3, 2)._tc.find("a:tcPr/a:solidFill/a:srgbClr", NS).get("val") == theme.color("negative")[1:]
    assert mc.cell(1, 0)._tc.find(".//a:rPr", NS).get("b") == "1"  # header column


def test_table_slide_holds_a_tbl_and_no_cell_text_boxes():
    root = slide_xml(draw_pptx(scene_of(TABLE)))
    assert len(root.findall(".//a:tbl", NS)) == 3
    boxes = [t.text for t in root.findall(".//p:sp//a:t", NS)]
    assert "FP64" not in boxes and "episode" not in boxes  # only in the tables
    assert "52" in boxes  # bit-layout segment labels stay drawn shapes


# --- SVG untouched ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", [CHART, TABLE], ids=["chart", "table"])
def test_svg_output_is_unchanged_by_the_payload(spec, monkeypatch):
    scene = scene_of(spec)
    assert any(isinstance(g, Group) and g.data for g in walk(scene.items))
    svg = draw_svg(scene)
    assert draw_svg(replace(scene, items=[_strip(p) for p in scene.items])) == svg  # SVG ignores the payload
    monkeypatch.setattr(chart_layout, "_payload", lambda *a, **k: {})
    monkeypatch.setattr(table_layout, "_payload", lambda *a, **k: None)
    plain = scene_of(spec)
    assert not any(isinstance(g, Group) and g.data for g in walk(plain.items))
    assert draw_svg(plain) == svg  # filling the payload does not change what is drawn


# --- with real office software ----------------------------------------------------------------------------

office = pytest.mark.skipif(missing_tools() is not None, reason=f"office check skipped: {missing_tools()}")


@office
def test_libreoffice_draws_native_charts_and_tables_like_our_svg(tmp_path):
    # Measured (mean abs RGB difference at 64 px wide): chart 1.40 (en) / 1.48 (zh), table 1.21 / 1.48;
    # the same limit as for the shapes fixture in test_pptx.py
    scenes = {f"{spec.stem}_{lang}.pptx": scene_of(spec, lang) for spec in (CHART, TABLE) for lang in ("en", "zh")}
    pages = first_pages({name: draw_pptx(scene) for name, scene in scenes.items()}, tmp_path, dpi=48)
    for name, scene in scenes.items():
        lo = pages[name]
        ref = Image.open(io.BytesIO(draw_png(scene, 0.5))).convert("RGB")
        assert abs(lo.width - ref.width) <= 2 and abs(lo.height - ref.height) <= 2
        d = distance(ref, lo)
        assert d < THRESHOLD, f"{name}: LibreOffice rendering differs from the SVG by {d:.2f} (limit {THRESHOLD})"


# --- helpers ----------------------------------------------------------------------------------------------

def _strip(p):
    if isinstance(p, Group):
        return replace(p, children=tuple(_strip(c) for c in p.children), data=None)
    return p


def _shapes(shapes):
    for sh in shapes:
        if sh.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(sh.shapes)
        else:
            yield sh


def _slide_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("ppt/slides/slide1.xml")


def slide_xml(data: bytes) -> etree._Element:
    return etree.fromstring(_slide_bytes(data))
