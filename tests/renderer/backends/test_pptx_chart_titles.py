"""A native chart holds its title and axis titles (c:title on the chart and on its axes) in our font, size, weight
and colour where the scene draws them as plain text lines, so moving or editing the chart keeps them; the text
boxes they replace are gone. A title the office app would set differently (math, scripts, too wide to stay on
one line) stays the text shapes it is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation

from renderer.backends.pptx import draw_pptx
from renderer.backends.pptx_chart_labels import TITLE_BASELINE_EM, TITLE_PAD_EM
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Group, Text, walk
from renderer.spec.loader import load

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_PX = 9525

SPEC = """\
id: t-chart-titles
chapter: examples
title: {{en: "Chart titles", zh: "图表标题"}}
compute:
  pol: {{fn: sampling.softmax, args: {{logits: [0.2, -0.1, 0.8, 2.6]}}}}
body:
  chart:
    id: c
    kind: {kind}
    {horizontal}
    width: 420
    title: {{en: "{title}", zh: "策略的概率"}}
    x: {{title: {{en: "{xtitle}", zh: "动作"}}, {x}}}
    y: {{title: {{en: "{ytitle}", zh: "概率"}}}}
    series:
      - values: "{{{{ pol.probs }}}}"
        labels: ".2f"
"""
CATS = 'categories: ["left", "right", "up", "down"]'


def deck(tmp_path: Path, lang: str = "en", kind: str = "bar", horizontal: bool = False, title: str = "Policy",
         xtitle: str = "action", ytitle: str = "probability", x: str = CATS):
    p = tmp_path / "t-chart-titles.yaml"
    p.write_text(SPEC.format(kind=kind, horizontal="horizontal: true" if horizontal else "", title=title,
                             xtitle=xtitle, ytitle=ytitle, x=x), encoding="utf-8")
    scene = layout(bind(load(p), use_cache=False).for_lang(lang), load_theme())
    return Presentation(io.BytesIO(draw_pptx(scene))), scene


def shapes(coll):
    for sh in coll:
        if sh.shape_type == 6:  # group
            yield from shapes(sh.shapes)
        else:
            yield sh


def chart_frame_and_texts(prs):
    all_shapes = list(shapes(prs.slides[0].shapes))
    frames = [sh for sh in all_shapes if getattr(sh, "has_chart", False) and sh.has_chart]
    texts = [sh.text_frame.text for sh in all_shapes if sh.has_text_frame and sh.text_frame.text]
    assert len(frames) == 1
    return frames[0], texts


def scene_titles(scene) -> dict[str, list[Text]]:
    chart = next(g for g in walk(scene.items) if isinstance(g, Group) and g.meta.kind == "chart")
    out: dict[str, list[Text]] = {}
    for t in chart.children:
        if isinstance(t, Text) and t.meta.kind in ("chart-title", "chart-axis-title"):
            out.setdefault(t.text, []).append(t)
    return out


@pytest.mark.parametrize("horizontal", [False, True])
def test_titles_are_the_charts_own_and_no_text_box_is_left(tmp_path, horizontal):
    prs, _ = deck(tmp_path, horizontal=horizontal)
    frame, texts = chart_frame_and_texts(prs)
    chart = frame.chart
    assert chart.has_title and chart.chart_title.text_frame.text == "Policy"
    # the spec's axes whichever way they are drawn: x the categories (left when horizontal), y the values
    assert chart.value_axis.has_title and chart.value_axis.axis_title.text_frame.text == "probability"
    assert chart.category_axis.has_title and chart.category_axis.axis_title.text_frame.text == "action"
    pos = {ax.axis_title.text_frame.text: ax._element.find(f"{C}axPos").get("val")
           for ax in (chart.value_axis, chart.category_axis)}
    assert pos == ({"probability": "b", "action": "l"} if horizontal else {"probability": "l", "action": "b"})
    for t in ("Policy", "probability", "action"):
        assert t not in texts  # no duplicate text box left on the slide
    assert chart._chartSpace.find(f"{C}chart/{C}autoTitleDeleted").get("val") == "0"


def test_titles_keep_our_font_size_weight_colour_and_place(tmp_path):
    prs, scene = deck(tmp_path)
    frame, _ = chart_frame_and_texts(prs)
    chart = frame.chart
    titles = scene_titles(scene)
    for text, el in (("Policy", chart.chart_title._title), ("probability", chart.value_axis.axis_title._title),
                     ("action", chart.category_axis.axis_title._title)):
        t = titles[text][0]
        rpr = el.find(f".//{A}r/{A}rPr")
        assert int(rpr.get("sz")) == round(t.size * 0.75 * 100)
        assert rpr.get("b") == ("1" if t.weight >= 600 else "0")
        assert rpr.find(f"{A}solidFill/{A}srgbClr").get("val") == t.fill.lstrip("#").upper()
        assert rpr.find(f"{A}latin").get("typeface") == t.pieces[0][1][0]
        assert el.find(f"{C}tx/{C}rich/{A}bodyPr").get("rot") == "0"  # upright, as we draw the value axis title
        # where the title goes on the slide: its text where ours is (the office app's padding accounted for)
        ml = el.find(f"{C}layout/{C}manualLayout")
        x = frame.left / EMU_PER_PX + float(ml.find(f"{C}x").get("val")) * frame.width / EMU_PER_PX
        y = frame.top / EMU_PER_PX + float(ml.find(f"{C}y").get("val")) * frame.height / EMU_PER_PX
        assert x == pytest.approx(t.left - TITLE_PAD_EM * t.size, abs=0.5)
        assert y == pytest.approx(t.y - TITLE_BASELINE_EM * t.size, abs=0.5)
    assert chart.chart_title._title.find(f".//{A}pPr").get("algn") == "ctr"
    assert chart.value_axis.axis_title._title.find(f".//{A}pPr").get("algn") == "l"


def test_a_numeric_line_chart_takes_its_titles_too(tmp_path):
    prs, _ = deck(tmp_path, kind="line", x="min: 0, max: 3")
    frame, texts = chart_frame_and_texts(prs)
    chart = frame.chart
    assert chart.has_title and chart.value_axis.axis_title.text_frame.text == "probability"
    assert chart.category_axis.axis_title.text_frame.text == "action"
    assert not {"Policy", "probability", "action"} & set(texts)


def test_chinese_titles_are_native_with_chinese_language_runs(tmp_path):
    prs, _ = deck(tmp_path, lang="zh")
    frame, texts = chart_frame_and_texts(prs)
    chart = frame.chart
    assert chart.chart_title.text_frame.text == "策略的概率"
    assert chart.value_axis.axis_title.text_frame.text == "概率"
    assert chart.chart_title._title.find(f".//{A}rPr").get("lang") == "zh-CN"
    assert not {"策略的概率", "概率", "动作"} & set(texts)


def test_a_wrapped_title_keeps_its_lines_and_spacing(tmp_path):
    long = "A long chart title that the layout wraps onto two lines in this narrow chart of ours"
    prs, scene = deck(tmp_path, title=long)
    lines = [ts for ts in scene_titles(scene).values() if ts[0].meta.kind == "chart-title"]
    lines = sorted((t for ts in lines for t in ts), key=lambda t: t.y)
    assert len(lines) >= 2
    frame, texts = chart_frame_and_texts(prs)
    title = frame.chart.chart_title
    assert [p.text for p in title.text_frame.paragraphs] == [t.text for t in lines]
    spc = title._title.find(f".//{A}pPr/{A}lnSpc/{A}spcPts")
    assert int(spc.get("val")) == round((lines[1].y - lines[0].y) * 0.75 * 100)
    assert not any(t.text in texts for t in lines)


def test_a_title_with_scripts_stays_text_shapes(tmp_path):
    prs, scene = deck(tmp_path, ytitle="L_{t}^{CLIP}")
    frame, texts = chart_frame_and_texts(prs)
    assert not frame.chart.value_axis.has_title
    pieces = [t for t in scene_titles(scene) if t in ("L", "t", "CLIP")]
    assert len(pieces) == 3 and all(p in texts for p in pieces)
    assert frame.chart.has_title and frame.chart.category_axis.has_title  # the others still are native


def test_a_vertical_axis_title_too_wide_for_the_office_app_stays_a_shape(tmp_path):
    # LibreOffice wraps a vertical axis's title wider than a fifth of the chart: ours then stays a text box
    wide = "probability of the action under the current policy"
    prs, _ = deck(tmp_path, ytitle=wide)
    frame, texts = chart_frame_and_texts(prs)
    assert not frame.chart.value_axis.has_title
    assert wide in texts
