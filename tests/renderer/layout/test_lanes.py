"""Lanes layout: shared columns across rows, interlocking stage chevrons, spans, located span errors,
one column structure in both languages, edge ends at cells and banners, native PPTX chevrons."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from _helpers import inside, kind, scene_of
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE

from renderer.app.check import check_spec
from renderer.backends.pptx import draw_pptx
from renderer.project import ROOT
from renderer.scene import Group, Line, Polygon, Text, bbox
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

LANES = """  lanes:
    id: L
    stages:
      - {id: pre, text: {en: "Pre-training", zh: "预训练"}, role: negative}
      - {id: post, text: {en: "Post-training with a longer name", zh: "后训练"}, role: model, span: 2}
    rows:
      - label: {en: Data, zh: 数据}
        cells:
          - box: {id: a, text: {en: "web pages", zh: "网页"}}
          - box: {id: b, text: {en: "conversations and instructions", zh: "对话"}}
          - box: {id: c, text: {en: "pairs", zh: "偏好数据对，附带一段较长的说明文字"}}
      - label: {en: Method, zh: 训练方法}
        cells:
          - box: {id: d, text: {en: "self-supervised", zh: "自监督"}}
          - span: 2
            item: {box: {id: e, text: {en: "a wide box across both", zh: "跨两列"}}}
      - label: {en: Objective, zh: 目标}
        cells:
          - null
          - text: {text: {en: "follow instructions", zh: "遵循指令"}}
          - {span: 1}
"""


def boxes(scene) -> dict[str, tuple]:
    return {g.meta.id: bbox(g.children[0]) for g in kind(scene, "box", Group)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_row_uses_the_same_columns(write_spec, lang):
    scene = scene_of(write_spec, LANES, lang)
    b = boxes(scene)
    a = scene.anchors
    # one column per stage column: the cell anchors of a column share their x and width across rows
    single = {0: (0, 1, 2), 1: (0, 2), 2: (0, 2)}  # rows where a column holds a one-column cell
    for col, rows in single.items():
        cells = [a[f"L.{r}.{col}"] for r in rows]
        centres = {round(x + w / 2, 2) for x, _, w, _ in cells}
        assert len(centres) == 1, f"column {col} drifts: {cells}"
    # the stacked boxes of column 0 are centred on one line; the spanning box covers columns 1 and 2
    assert abs((b["a"][0] + b["a"][2]) / 2 - (b["d"][0] + b["d"][2]) / 2) < 0.01
    post_text = [bbox(t) for t in kind(scene, "lanes-stage", Group)[1].children[1:]]
    span_centre = (min(t[0] for t in post_text) + max(t[2] for t in post_text)) / 2  # centred over its columns
    assert abs((b["e"][0] + b["e"][2]) / 2 - span_centre) < 0.01
    assert b["b"][2] < b["c"][0] and b["b"][0] < span_centre < b["c"][2]
    # the row headers share one width and sit left of every cell
    heads = [bbox(g.children[0]) for g in kind(scene, "lanes-header", Group)]
    assert len(heads) == 3 and len({round(h[2] - h[0], 2) for h in heads}) == 1
    assert all(h[2] < min(v[0] for v in b.values()) for h in heads)
    # cells align top: the boxes of a row share their top edge
    assert abs(b["a"][1] - b["b"][1]) < 0.01 and abs(b["b"][1] - b["c"][1]) < 0.01


def test_chevron_points_nest_in_the_next_notch_a_small_gap_apart(write_spec):
    scene = scene_of(write_spec, LANES)
    first, second = [g.children[0] for g in kind(scene, "lanes-stage", Group)]
    assert isinstance(first, Polygon) and isinstance(second, Polygon)
    assert len(first.points) == 5 and len(second.points) == 6  # a pentagon, then a chevron
    tip = max(first.points, key=lambda p: p[0])
    notch = second.points[-1]  # the chevron's left, inward point
    assert abs(tip[1] - notch[1]) < 0.01, "the point and the notch are at one height"
    assert 0 < notch[0] - tip[0] < 12, "a small gap between them, no overlap"
    # parallel edges: the upper slope of the point runs beside the upper slope of the notch
    (x1, y1), (x2, y2) = first.points[1], first.points[2]
    (x3, y3), (x4, y4) = second.points[0], second.points[-1]
    assert abs((x2 - x1) / (y2 - y1) - (x4 - x3) / (y4 - y3)) < 1e-6
    # the last banner (span 2) reaches the right edge of the last column, and the notch sits in the gap
    # before its first column
    col1, col2 = scene.anchors["L.1.1"], [v for k, v in scene.anchors.items() if k == "L.0.2"][0]
    assert abs(max(x for x, _ in second.points) - max(col2[0] + col2[2], boxes(scene)["c"][2])) < 30
    assert notch[0] <= col1[0] + 1
    for g in kind(scene, "lanes-stage", Group):
        for t in g.children[1:]:
            assert inside(bbox(g.children[0]), bbox(t)), f"'{t.text}' leaves its banner"


def test_a_spanning_stage_widens_its_columns_for_its_text(write_spec):
    narrow = LANES.replace("Post-training with a longer name", "Post-training with a much, much longer name "
                           "that wants more room than both of its columns have")
    scene = scene_of(write_spec, narrow)
    second = kind(scene, "lanes-stage", Group)[1]
    for t in second.children[1:]:
        assert inside(bbox(second.children[0]), bbox(t))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_english_and_chinese_have_the_same_column_structure(write_spec, lang):
    en, zh = scene_of(write_spec, LANES, "en"), scene_of(write_spec, LANES, "zh")

    def structure(scene):
        cells = sorted(k for k in scene.anchors if k.startswith("L."))
        order = sorted(cells, key=lambda k: (round(scene.anchors[k][1]), scene.anchors[k][0]))
        return cells, [k.rsplit(".", 1)[1] for k in order], len(kind(scene, "lanes-stage", Group))

    assert structure(en) == structure(zh)


def test_cells_stages_and_rows_are_edge_ends(write_spec):
    label = "      - label: {en: Data, zh: 数据}\n"
    body = LANES.replace(label, label + "        id: data\n")
    edges = "edges:\n  - {from: a, to: d}\n  - {from: L.1.1, to: post}\n  - {from: data, to: a}\n"
    scene = scene_of(write_spec, body + edges)
    assert {"pre", "post", "data", "L.0.0", "L.1.1", "L.2.0"} <= set(scene.anchors)
    edges = [p for p in kind(scene, "edge", Line)]
    assert len(edges) == 3
    x, y, w, h = scene.anchors["post"]
    ex, ey = edges[1].points[-1]
    assert x - 4 <= ex <= x + w + 4 and y - 4 <= ey <= y + h + 4, "the edge ends at the banner"
    assert min(abs(ex - x), abs(ex - x - w), abs(ey - y), abs(ey - y - h)) < 4, "on its outline"


def test_spans_that_do_not_add_up_are_a_located_error(write_spec):
    bad = LANES.replace("          - span: 2\n            item:", "          - span: 3\n            item:")
    path = write_spec("id: t\nchapter: test\ntitle: {en: T, zh: T}\nbody:\n" + bad)
    with pytest.raises(SpecError) as e:
        load(path)
    (p,) = e.value.problems
    lines = path.read_text().splitlines()
    assert "row 2 covers 4 columns (expected 3" in p.message
    assert lines[p.line - 1].strip().startswith("- box: {id: d"), (p.line, p.col)  # the row's first cell


def test_bad_spans_from_the_cli_are_one_located_line_and_no_traceback(write_spec):
    bad = LANES.replace("          - {span: 1}\n", "")
    path = write_spec("id: t\nchapter: test\ntitle: {en: T, zh: T}\nbody:\n" + bad)
    done = subprocess.run([sys.executable, "-m", "renderer.app.cli", "validate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "Traceback" not in out
    assert f"{path.name}:" in out and "error: lanes row 3 covers 2 columns (expected 3" in out


def test_pptx_banners_are_native_chevrons_with_their_text(write_spec):
    scene = scene_of(write_spec, LANES, "zh")
    prs = Presentation(io.BytesIO(draw_pptx(scene)))
    autoshapes: dict = {}
    loose = set()  # text boxes
    for sh in prs.slides[0].shapes:
        if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
            autoshapes.setdefault(sh.auto_shape_type, []).append(sh.text_frame.text)
        elif sh.has_text_frame:
            loose.add(sh.text_frame.text)
    assert autoshapes.get(MSO_SHAPE.PENTAGON) == ["预训练"]
    assert {"后训练", "数据", "训练方法", "目标"} <= set(autoshapes.get(MSO_SHAPE.CHEVRON, []))
    drawn = {t.text for k in ("lanes-stage", "lanes-header") for g in kind(scene, k, Group) for t in g.children[1:]
             if isinstance(t, Text)}
    assert drawn and not drawn & loose, "banner text is inside its shape, not a separate text box"


def test_the_lanes_example_passes_every_layout_check():
    assert check_spec(ROOT / "specs" / "_examples" / "lanes.yaml") == []


def test_rules_between_lanes_tints_on_every_other_lane_and_bottom_alignment(write_spec):
    body = LANES.replace("    id: L\n", "    id: L\n    separators: true\n    tint: true\n    align: end\n")
    scene = scene_of(write_spec, body)
    b = boxes(scene)
    heads = sorted((bbox(g.children[0]) for g in kind(scene, "lanes-header", Group)), key=lambda h: h[1])
    rules = sorted(kind(scene, "lanes-rule", Line), key=lambda r: r.points[0][1])
    assert len(rules) == 2
    for rule, above, below in zip(rules, heads, heads[1:], strict=False):
        assert abs(rule.points[0][1] - (above[3] + below[1]) / 2) < 0.01, "a rule halfway between two lanes"
    tints = kind(scene, "lanes-tint")
    assert len(tints) == 1 and tints[0].y < heads[1][1] and tints[0].y + tints[0].h > heads[1][3]
    assert abs(b["a"][3] - b["b"][3]) < 0.01 and abs(b["a"][3] - heads[0][3]) < 0.01  # cells sit on the row's bottom
