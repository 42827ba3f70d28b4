"""The `aside` element: stages on one centre line, data beside them, leader lines, a chain of arrows."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from renderer.app.check import check_spec
from renderer.backends.pptx import draw_pptx
from renderer.layout.aside import LEADER_CLEAR, LEADER_DASH
from renderer.project import ROOT
from renderer.scene import Group, Line, Rect, Text, walk
from renderer.spec.errors import SpecError
from tests.renderer.layout._helpers import kind, scene_of

NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
BODY = """\
  aside:
    id: a
    chain: {chain}
    side: {side}
    rows:
      - main: {{box: {{id: m0, text: {{en: "Output layer", zh: "输出层"}}, width: 240}}}}
        side: {{box: {{id: s0, text: {{en: "probabilities", zh: "概率"}}, role: data}}}}
      - main: {{box: {{id: m1, text: {{en: "Decoder", zh: "解码器"}}, height: 90}}}}
        side: {{box: {{id: s1, text: {{en: "short", zh: "短"}}, role: data}}}}
      - main: {{box: {{id: m2, text: {{en: "Input", zh: "输入"}}}}}}
        side: {{box: {{id: s2, text: {{en: "a tall note", zh: "高的注释"}}, role: data, height: 140}}}}
      - main: {{box: {{id: m3, text: {{en: "Text", zh: "文本"}}, width: 120}}}}
"""


def boxes(scene) -> dict[str, Rect]:
    """The outline rectangle of every box, by element id."""
    return {g.meta.id: g.children[0] for g in walk(scene.items)
            if isinstance(g, Group) and g.meta.kind == "box" and g.meta.id}


def lay(write_spec, lang: str = "en", chain: str = "up", side: str = "right"):
    return scene_of(write_spec, BODY.format(chain=chain, side=side), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_data_item_is_centred_on_its_stage_or_top_aligned_when_taller(write_spec, lang):
    b = boxes(lay(write_spec, lang))
    for i in (0, 1):  # shorter than their stage: the same mid-height
        m, s = b[f"m{i}"], b[f"s{i}"]
        assert s.h < m.h or i == 0
        assert s.y + s.h / 2 == pytest.approx(m.y + m.h / 2, abs=0.01)
    m2, s2 = b["m2"], b["s2"]
    assert s2.h > m2.h and s2.y == pytest.approx(m2.y, abs=0.01)  # taller: top-aligned with its stage
    assert b["m3"].y >= s2.y + s2.h  # the next row starts below it: never overlapping


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_data_column_shares_the_edge_facing_the_stages(write_spec, lang):
    b = boxes(lay(write_spec, lang))
    assert len({round(b[f"s{i}"].x, 2) for i in range(3)}) == 1
    assert b["s0"].x > max(b[f"m{i}"].x + b[f"m{i}"].w for i in range(4))
    left = boxes(lay(write_spec, lang, side="left"))
    assert len({round(left[f"s{i}"].x + left[f"s{i}"].w, 2) for i in range(3)}) == 1  # right edges line up
    assert left["s0"].x + left["s0"].w < min(left[f"m{i}"].x for i in range(4))


@pytest.mark.parametrize("side", ["right", "left"])
def test_leader_lines_run_from_the_stage_outline_to_the_data_outline_at_the_stage_mid_height(write_spec, side):
    scene = lay(write_spec, side=side)
    b = boxes(scene)
    leaders = sorted(kind(scene, "leader", Line), key=lambda ln: ln.meta.id)
    assert [ln.meta.id for ln in leaders] == ["a.leader-0", "a.leader-1", "a.leader-2"]  # no data, no leader
    for i, ln in enumerate(leaders):
        m, s = b[f"m{i}"], b[f"s{i}"]
        (x0, y0), (x1, y1) = ln.points
        assert y0 == y1 == pytest.approx(m.y + m.h / 2, abs=0.01)
        if side == "right":
            assert (x0, x1) == (pytest.approx(m.x + m.w, abs=0.01), pytest.approx(s.x, abs=0.01))
        else:
            assert (x0, x1) == (pytest.approx(m.x, abs=0.01), pytest.approx(s.x + s.w, abs=0.01))
        assert s.y <= y1 <= s.y + s.h  # it meets the data's side, not the space above or below it
        assert ln.style.dash == LEADER_DASH["dashdot"] and not ln.arrow_end and not ln.arrow_start


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stages_share_one_centre_line_and_the_chain_is_straight(write_spec, lang):
    scene = lay(write_spec, lang)
    b = boxes(scene)
    centres = {round(b[f"m{i}"].x + b[f"m{i}"].w / 2, 2) for i in range(4)}
    assert len(centres) == 1 and len({b[f"m{i}"].w for i in range(4)}) > 1  # different widths, one centre
    chain = sorted((ln for ln in kind(scene, "edge", Line) if ln.meta.id.startswith("a.chain-")),
                   key=lambda ln: ln.meta.id)
    assert len(chain) == 3
    cx = centres.pop()
    for i, ln in enumerate(chain):  # `up`: from the top of row i+1 to the bottom of row i
        (xa, ya), (xb, yb) = ln.points
        assert xa == xb == pytest.approx(cx, abs=0.01)
        below, above = b[f"m{i + 1}"], b[f"m{i}"]
        assert (ya, yb) == (pytest.approx(below.y, abs=0.01), pytest.approx(above.y + above.h, abs=0.01))
        assert ln.arrow_end and not ln.arrow_start
    down = [ln for ln in kind(lay(write_spec, lang, chain="true"), "edge", Line) if ln.meta.id == "a.chain-0"]
    assert down[0].points[0][1] < down[0].points[1][1]  # `true`: pointing down the rows
    assert not [ln for ln in kind(lay(write_spec, lang, chain="false"), "edge", Line)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_tensor_is_placed_by_its_grid_so_the_leader_meets_the_cells_not_the_title(write_spec, lang):
    scene = scene_of(write_spec, """\
  aside:
    rows:
      - main: {box: {id: m0, text: stage}}
        side: {box: {id: s0, text: data}}
      - main: {box: {id: m, text: {en: short stage, zh: 短阶段}}}
        side:
          tensor:
            id: t
            title: {en: "a tensor with a title", zh: "带标题的张量"}
            col_headers: [a, b, c]
            values: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
""", lang)
    m, s0 = boxes(scene)["m"], boxes(scene)["s0"]
    cells = [r for r in walk(scene.items) if isinstance(r, Rect) and r.meta is not None and r.meta.id == "t"
             and r.meta.kind == "tensor-cell"]
    mid = (min(r.y for r in cells) + max(r.y + r.h for r in cells)) / 2
    assert m.y + m.h / 2 == pytest.approx(mid, abs=0.01)  # grid centred on the stage
    ln = next(ln for ln in kind(scene, "leader", Line) if ln.meta.id == "aside.leader-1")
    assert ln.points[0][1] == pytest.approx(mid, abs=0.01)
    assert ln.points[1][0] == pytest.approx(min(r.x for r in cells), abs=0.01)  # ends on the cells' edge
    title = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta is not None
                 and t.meta.kind == "tensor-title")
    assert title.y > s0.y + s0.h  # the title above the grid pushed the stage down, below the row above


def test_a_leader_stops_short_of_text_it_points_at(write_spec):
    scene = scene_of(write_spec, """\
  aside:
    rows:
      - main: {box: {id: m, text: stage}}
        side: {note: {id: n, text: "what the stage produces"}}
""")
    (ln,) = kind(scene, "leader", Line)
    note = next(t for t in walk(scene.items) if isinstance(t, Text) and t.text.startswith("what"))
    assert ln.points[1][0] == pytest.approx(note.left - LEADER_CLEAR, abs=0.01)


def test_leaders_are_not_edges_for_the_checker_and_the_example_is_clean():
    assert check_spec(Path(ROOT / "specs/_examples/aside.yaml")) == []


def test_leaders_and_chain_are_native_pptx_connectors(write_spec):
    scene = lay(write_spec)
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    names = {c.find("p:nvCxnSpPr/p:cNvPr", NS).get("name"): c for c in root.iterfind(".//p:cxnSp", NS)}
    leaders = [c for n, c in names.items() if " leader " in n]
    assert len(leaders) == 3
    for c in leaders:  # dash-dot: four dash/space values, no arrow heads
        assert len(c.findall("p:spPr/a:ln/a:custDash/a:ds", NS)) == 2
        assert c.find("p:spPr/a:ln/a:tailEnd", NS) is None
    chain = [c for n, c in names.items() if n.startswith("a.chain-")]
    assert len(chain) == 3 and all(c.find("p:spPr/a:ln/a:tailEnd[@type='triangle']", NS) is not None for c in chain)


def test_an_edge_can_end_at_a_stage_or_a_data_item_inside_an_aside(write_spec):
    path = write_spec("""\
id: t
chapter: test
title: {en: T, zh: T}
body:
  row:
    items:
      - aside:
          rows:
            - main: {box: {id: m, text: stage}}
              side: {box: {id: s, text: data}}
      - box: {id: far, text: far}
edges:
  - {from: s, to: far}
""")
    assert check_spec(path, only=("edge-end",)) == []


@pytest.mark.parametrize("body, where, words", [
    ("  aside:\n    rows: []\n", (6, 11), "minItems 1"),
    ("  aside:\n    rows:\n      - side: {box: x}\n", (7, 9), "missing key 'main'"),
    ("  aside:\n    rows:\n      - main: {box: x}\n        sid: {box: y}\n", (8, 9), "unknown key 'sid'"),
    ("  aside:\n    leader: wavy\n    rows:\n      - main: {box: x}\n", (6, 13), "dashdot"),
    ("  aside:\n    rows:\n      - main: {box: {id: x, text: a}}\n        side: {box: {id: x, text: b}}\n", (8, 26),
     "duplicate element id 'x'"),
])
def test_bad_asides_are_located_errors(write_spec, body, where, words):
    from renderer.spec.loader import load

    path = write_spec("id: t\nchapter: test\ntitle: {en: T, zh: T}\nbody:\n" + body)
    with pytest.raises(SpecError) as e:
        load(path)
    p = e.value.problems[0]
    assert words in p.message and (p.line, p.col) == where, str(e.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_llm_structure_puts_each_data_item_beside_its_stage_on_one_straight_chain(lang):
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.spec.loader import load

    scene = layout(bind(load(ROOT / "specs/llm-basics/llm-structure.yaml")).for_lang(lang), load_theme())
    chain = [ln for ln in kind(scene, "edge", Line) if (ln.meta.id or "").startswith("model.chain-")]
    assert len(chain) == 6 and len({round(x, 2) for ln in chain for x, _ in ln.points}) == 1
    leaders = kind(scene, "leader", Line)
    assert len(leaders) == 6
    a = scene.anchors
    pairs = [("next", "again"), ("decode", "probs"), ("head", "logits"), ("dec", "h24"), ("embed", "h0"),
             ("tok", "ids")]
    for ln, (stage, data) in zip(sorted(leaders, key=lambda ln: ln.meta.id), pairs, strict=True):
        (x0, y0), (x1, _) = ln.points  # the data column is on the left (the layer's inside on the right)
        sx, sy, sw, sh = a[stage]
        assert x0 == pytest.approx(sx, abs=0.01) and y0 == pytest.approx(sy + sh / 2, abs=0.01)
        dx, dy, dw, dh = a[data]  # at the data item's right side, where its content is at that height
        assert dx + dw / 2 <= x1 <= dx + dw and dy <= y0 <= dy + dh
        if data != "again":  # a tensor: the leader meets its grid's middle, not its title or headers
            cells = [r for r in walk(scene.items) if isinstance(r, Rect) and r.meta is not None
                     and r.meta.id == data and r.meta.kind == "tensor-cell"]
            top, bottom = min(r.y for r in cells), max(r.y + r.h for r in cells)
            assert y0 == pytest.approx((top + bottom) / 2, abs=0.01)
