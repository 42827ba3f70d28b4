"""Labels on chart and tensor canvases get typographic quotes, as box text does (quotes.py), in both languages."""

from __future__ import annotations

import pytest
from _helpers import scene_of

from renderer.layout import metrics_for
from renderer.layout.theme import load_theme
from renderer.scene import Text, walk

TENSOR = ("  tensor:\n    values: [['\"a\"', b], [c, \"it's\"]]\n"
          "    row_headers: [{en: \"the 'cat'\", zh: \"“猫”\"}, {en: 'say \"hi\"', zh: '说\"你好\"'}]\n"
          "    col_headers: [\"s'\", '\"x\"']\n"
          "    braces: [{side: bottom, text: {en: 'the \"keys\"', zh: '\"键\"'}}]\n")
CHART = ("  chart:\n    kind: bar\n    x: {categories: ['\"good\"', \"policy's\"], title: {en: 'the \"answer\"', "
         "zh: '\"答案\"'}}\n    y: {title: \"Q(s', a')\"}\n    series: [{name: 'p', values: [0.4, 0.6]}]\n")
HEAT = ("  chart:\n    kind: heatmap\n    matrix: [[1, 2], [3, 4]]\n    x: {categories: [a, \"b's\"]}\n"
        "    y: {categories: ['\"r\"', s]}\n")


CELLS = ("tensor-cell-text", "chart-cell-text")  # a cell's value is data (a token such as 're), drawn as written


def texts(scene) -> list[Text]:
    return [p for p in walk(scene.items) if isinstance(p, Text) and p.meta.kind not in ("title", "credit")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("body", [TENSOR, CHART, HEAT], ids=["tensor", "chart", "heatmap"])
def test_canvas_labels_have_no_straight_quotes_and_are_measured_as_drawn(write_spec, body, lang):
    sc = scene_of(write_spec, body, lang)
    drawn = [t for t in texts(sc) if t.meta.kind not in CELLS]
    assert not [t.text for t in drawn if '"' in t.text or "'" in t.text], [t.text for t in drawn]
    joined = " ".join(t.text for t in drawn)
    assert "“" in joined and "”" in joined
    metrics = metrics_for(load_theme())
    for t in drawn:  # the width kept for checks and PPTX is the curly text's
        if t.text.strip() and t.meta.kind in ("tensor-cell-text", "tensor-header", "chart-label", "chart-tick"):
            assert abs(t.width - metrics.width(t.text, t.size, t.weight)) < 0.01, t


def test_tensor_cells_headers_and_braces_read_their_quotes_as_boxes_do(write_spec):
    joined = " ".join(t.text for t in texts(scene_of(write_spec, TENSOR)))
    cells = [t.text for t in texts(scene_of(write_spec, TENSOR)) if t.meta.kind == "tensor-cell-text"]
    assert '"a"' in cells and "it's" in cells, cells
    for want in ("the ‘cat’", "say “hi”", "s′", "“x”", "the “keys”"):
        assert want in joined, (want, joined)
    zh = " ".join(t.text for t in texts(scene_of(write_spec, TENSOR, "zh")))
    assert "说“你好”" in zh and "“键”" in zh and "“猫”" in zh


def test_chart_categories_titles_and_heat_map_cells_read_their_quotes(write_spec):
    joined = " ".join(t.text for t in texts(scene_of(write_spec, CHART)))
    for want in ("“good”", "policy’s", "the “answer”", "Q(s′, a′)"):
        assert want in joined, (want, joined)
    heat = " ".join(t.text for t in texts(scene_of(write_spec, HEAT)))
    assert "“r”" in heat and "b’s" in heat
