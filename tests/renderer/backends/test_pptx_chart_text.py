"""A native chart draws its own value and tick labels where a number format prints exactly what we draw, so
editing the chart's data in PowerPoint updates them; elsewhere the labels stay text shapes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData

from renderer.backends.pptx import draw_pptx
from renderer.backends.pptx_chart_labels import excel_format, excel_text
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.chart_data import fmt_num
from renderer.layout.theme import load_theme
from renderer.spec.loader import load

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
MINUS = "\u2212"

SPEC = """\
id: t-chart-text
chapter: examples
title: {{en: "Chart text", zh: "图表文字"}}
compute:
  pol: {{fn: sampling.softmax, args: {{logits: [0.2, -0.1, 0.8, 2.6]}}}}
body:
  chart:
    id: c
    kind: bar
    {horizontal}
    x: {{categories: ["left", "right", "up", "down"]}}
    y: {{min: {ymin}, max: 1, ticks: [{ticks}]}}
    series:
      - values: {values}
        labels: "{labels}"
"""


def pptx_of(tmp_path: Path, labels: str = ".2f", values: str = '"{{ pol.probs }}"', horizontal: bool = False,
            ymin: float = 0, ticks: str = "0, 0.25, 0.5, 0.75, 1") -> tuple[bytes, object]:
    p = tmp_path / "t-chart-text.yaml"
    p.write_text(SPEC.format(labels=labels, values=values, horizontal="horizontal: true" if horizontal else "",
                             ymin=ymin, ticks=ticks), encoding="utf-8")
    scene = layout(bind(load(p), use_cache=False).for_lang("en"), load_theme())
    return draw_pptx(scene), scene


def shapes(coll):
    for sh in coll:
        if sh.shape_type == 6:  # group
            yield from shapes(sh.shapes)
        else:
            yield sh


def chart_and_texts(data: bytes):
    prs = Presentation(io.BytesIO(data))
    all_shapes = list(shapes(prs.slides[0].shapes))
    charts = [sh.chart for sh in all_shapes if getattr(sh, "has_chart", False) and sh.has_chart]
    texts = [sh.text_frame.text for sh in all_shapes if sh.has_text_frame and sh.text_frame.text]
    return prs, charts, texts


@pytest.mark.parametrize(("spec", "code"), [
    (".2f", f'0.00;"{MINUS}"0.00;0.00'),
    ("+.2f", f'"+"0.00;"{MINUS}"0.00;"+"0.00'),
    ("d", f'0;"{MINUS}"0;0'),
    (".1%", f'0.0%;"{MINUS}"0.0%;0.0%'),
    (",d", f'#,##0;"{MINUS}"#,##0;#,##0'),
    (".3g", None), (".2", None), ("x", None), (None, None), (".2d", None),
])
def test_python_format_specs_map_to_excel_number_formats(spec, code):
    assert excel_format(spec) == code


VALUES = [0.6234, -2.0935, 1234.5678, 0.0, 7.0, -0.4449, 12.0]


@pytest.mark.parametrize(("spec", "v"), [(spec, v) for spec in (".2f", "+.2f", "d", ".1%", ",d", ".3f")
                                         for v in VALUES if not spec.endswith("d") or float(v).is_integer()])
def test_the_excel_text_is_what_we_draw_away_from_ties(spec, v):  # (integer formats: integer values only)
    assert excel_text(v, spec) == fmt_num(v, spec)


def test_ties_and_negative_zeros_are_where_excel_and_python_differ():
    assert fmt_num(0.125, ".2f") == "0.12" and excel_text(0.125, ".2f") == "0.13"  # half away from zero
    assert fmt_num(-0.001, ".2f") == "0.00" and excel_text(-0.001, ".2f") == f"{MINUS}0.00"  # sign by the value


def test_value_labels_are_data_labels_with_the_number_format_and_no_text_shapes_remain(tmp_path):
    data, scene = pptx_of(tmp_path)
    probs = scene.metadata["computed"]["pol"]["result"]["probs"]
    _, charts, texts = chart_and_texts(data)
    ser = charts[0].plots[0].series[0]
    assert list(ser.values) == pytest.approx(probs)
    dl = ser.data_labels
    assert dl.show_value and dl.number_format == f'0.00;"{MINUS}"0.00;0.00' and not dl.number_format_is_linked
    assert ser._element.find(f"{C}dLbls/{C}dLblPos").get("val") == "outEnd"
    drawn = {fmt_num(v, ".2f") for v in probs}
    assert not drawn & set(texts), "a value label is still a text box on top of the chart"


def test_edit_data_keeps_the_labels_with_the_chart(tmp_path):
    data, _ = pptx_of(tmp_path)
    prs, charts, _ = chart_and_texts(data)
    cd = CategoryChartData()
    cd.categories = ["left", "right", "up", "sideways"]
    cd.add_series("s", [0.5, 0.25, 0.125, 0.125])  # what "Edit Data" does: new categories and values
    charts[0].replace_data(cd)
    buf = io.BytesIO()
    prs.save(buf)
    _, charts, texts = chart_and_texts(buf.getvalue())
    plot = charts[0].plots[0]
    assert list(plot.categories) == ["left", "right", "up", "sideways"]
    assert plot.series[0].data_labels.show_value  # the labels now print the new values
    assert "down" not in texts and "sideways" not in texts  # category names are the axis's, not text boxes


def test_tick_labels_are_the_axes_own_when_the_axis_can_print_them(tmp_path):
    data, _ = pptx_of(tmp_path)
    _, charts, texts = chart_and_texts(data)
    cat_ax, val_ax = charts[0].category_axis, charts[0].value_axis
    assert cat_ax._element.find(f"{C}tickLblPos").get("val") == "low"
    assert val_ax._element.find(f"{C}tickLblPos").get("val") == "low"
    assert val_ax._element.find(f"{C}numFmt").get("formatCode") == f'0.00;"{MINUS}"0.00;0.00'
    assert val_ax.major_unit == pytest.approx(0.25) and val_ax.minimum_scale == 0 and val_ax.maximum_scale == 1
    assert not {"left", "right", "up", "down", "0.25", "0.75"} & set(texts)


def test_labels_no_number_format_can_print_stay_text_shapes(tmp_path):
    data, scene = pptx_of(tmp_path, labels=".3g")
    probs = scene.metadata["computed"]["pol"]["result"]["probs"]
    _, charts, texts = chart_and_texts(data)
    assert charts[0].plots[0].series[0]._element.find(f"{C}dLbls") is None
    assert {fmt_num(v, ".3g") for v in probs} <= set(texts)


def test_a_tie_keeps_the_labels_as_drawn(tmp_path):
    data, _ = pptx_of(tmp_path, values="[0.125, 0.25, 0.5, 0.125]")  # Excel would print 0.13
    _, charts, texts = chart_and_texts(data)
    assert charts[0].plots[0].series[0]._element.find(f"{C}dLbls") is None
    assert "0.12" in texts


def test_uneven_ticks_stay_shapes_and_categories_pushed_aside_stay_shapes(tmp_path):
    data, _ = pptx_of(tmp_path, values="[-2.1, 0.4, 0.9, -0.3]", horizontal=True, ymin=-2.1,
                      ticks="-2, 0, 1")
    _, charts, texts = chart_and_texts(data)
    assert charts[0].value_axis._element.find(f"{C}tickLblPos").get("val") == "none"  # −2, 0, 1: not one step
    assert {f"{MINUS}2", "0", "1"} <= set(texts)
    # the labels of the negative bars sit left of the plot, so the category names were moved past them
    assert {"left", "right", "up", "down"} <= set(texts)
    assert charts[0].category_axis._element.find(f"{C}tickLblPos").get("val") == "none"
