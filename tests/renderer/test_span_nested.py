"""A node on the border between two panels (`bridge`) and elements nested in a box (`box: {items}`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation

from renderer.app.check_layout import edge_ends
from renderer.backends.pptx import draw_pptx
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.bridge import MARGIN
from renderer.layout.theme import load_theme
from renderer.scene import Group, Line, Rect, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
STACKED = """\
body:
  column:
    gap: 16
    align: stretch
    items:
      - panel:
          id: top
          title: {en: "Write", zh: "写入"}
          direction: row
          items:
            - box: {id: a, text: {en: "records", zh: "记录"}}
            - box: {id: enc, text: {en: "encoder", zh: "编码器"}}
      - bridge:
          %s
          item: {box: {id: store, text: {en: "shared store", zh: "共享存储"}, role: accent}}
      - panel:
          id: bottom
          title: {en: "Read", zh: "读取"}
          direction: row
          items:
            - box: {id: q, text: {en: "request", zh: "请求"}}
            - box: {id: s, text: {en: "search", zh: "检索"}}
edges:
  - {from: enc, to: store}
  - {from: store, to: s}
"""
SIDE_BY_SIDE = """\
body:
  row:
    gap: 20
    items:
      - panel: {id: left, title: "Worker 0", direction: row, items: [{box: {id: g0, text: gradient}}]}
      - bridge: {item: {box: {id: avg, text: average, shape: pill}}}
      - panel: {id: right, title: "Worker 1", direction: row, items: [{box: {id: g1, text: gradient}}]}
edges:
  - {from: g0, to: avg}
  - {from: g1, to: avg}
"""
NESTED = """\
body:
  row:
    gap: 80
    items:
      - box: {id: sensor, text: camera, role: data}
      - box:
          id: robot
          text: {en: "Robot", zh: "机器人"}
          role: panel
          outline: frame
          items:
            - icon: {name: agent, size: 30}
            - box: {id: planner, text: {en: "planner", zh: "规划器"}, role: model}
            - box: {id: memory, text: {en: "memory", zh: "记忆"}, role: white}
      - box:
          id: arm
          text: Arm
          role: panel
          direction: row
          items:
            - box: {id: motor, text: motor, role: thought}
            - box: {id: joint, text: joint, role: thought}
edges:
  - {from: sensor, to: robot}
  - {from: robot.planner, to: arm.motor}
  - {from: robot.2, to: planner}
"""


def scene(write_spec, text: str, lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + text))).for_lang(lang), load_theme())


def rects(sc, kind: str) -> dict[str, tuple]:
    return {p.meta.id: bbox(p) for p in walk(sc.items) if isinstance(p, Rect) and p.meta.kind == kind}


def anchor(sc, name: str) -> tuple[float, float, float, float]:
    x, y, w, h = sc.anchors[name]
    return x, y, x + w, y + h


def edges(sc) -> list[Line]:
    return sorted((p for p in walk(sc.items) if isinstance(p, Line) and p.meta.kind == "edge"),
                  key=lambda ln: int(ln.meta.id[5:]))


def on_outline(pt, box, tol: float = 3.0) -> bool:
    x, y = pt
    x0, y0, x1, y1 = box
    inside = x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol
    return inside and min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) <= tol


def overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bridge_between_stacked_panels_sits_on_their_border_above_both(write_spec, lang):
    sc = scene(write_spec, STACKED % "", lang)
    p = rects(sc, "panel")
    top, bottom = p["top"], p["bottom"]
    st = anchor(sc, "store")
    border = (top[3] + bottom[1]) / 2
    assert abs((st[1] + st[3]) / 2 - border) < 0.01  # its centre on the middle of the gap
    assert st[1] < top[3] and st[3] > bottom[1]  # overlapping both panels' borders
    x0, x1 = max(top[0], bottom[0]), min(top[2], bottom[2])
    assert x0 <= st[0] and st[2] <= x1  # on their shared span
    order = [p.meta.id for p in walk(sc.items) if p.meta.kind in ("panel", "box") and isinstance(p, Rect)]
    assert order.index("store") > order.index("bottom") > order.index("top")  # drawn above both fills
    # each panel's content keeps MARGIN px from the bridge (the panels grew their padding for it)
    grown = (st[0] - MARGIN + 0.5, st[1] - MARGIN + 0.5, st[2] + MARGIN - 0.5, st[3] + MARGIN - 0.5)
    for member in ("a", "enc", "q", "s"):
        assert not overlaps(anchor(sc, member), grown), member
    for t in (p for p in walk(sc.items) if p.meta.kind == "panel-title"):
        assert not overlaps(bbox(t), grown)
    # edges from either panel end on the bridge's outline
    put, get = edges(sc)
    assert on_outline(put.points[-1], st) and on_outline(put.points[0], anchor(sc, "enc"))
    assert on_outline(get.points[0], st) and on_outline(get.points[-1], anchor(sc, "s"))
    assert edge_ends(sc) == []


def test_at_moves_a_bridge_along_the_border(write_spec):
    sc0, sc1 = scene(write_spec, STACKED % "at: 0"), scene(write_spec, STACKED % "at: 1")
    p = rects(sc0, "panel")
    a0, a1 = anchor(sc0, "store"), anchor(sc1, "store")
    assert abs(a0[0] - max(p["top"][0], p["bottom"][0])) < 0.01  # at its start: flush with the shared span
    p1 = rects(sc1, "panel")
    assert abs(a1[2] - min(p1["top"][2], p1["bottom"][2])) < 0.01  # at its end


def test_a_bridge_between_panels_side_by_side_is_centred_on_the_gap_in_line_with_their_members(write_spec):
    sc = scene(write_spec, SIDE_BY_SIDE)
    p = rects(sc, "panel")
    avg = anchor(sc, "avg")
    assert abs((avg[0] + avg[2]) / 2 - (p["left"][2] + p["right"][0]) / 2) < 0.01
    assert avg[0] < p["left"][2] and avg[2] > p["right"][0]
    g0 = anchor(sc, "g0")
    assert abs((avg[1] + avg[3]) / 2 - (g0[1] + g0[3]) / 2) < 0.5  # in line with the boxes it joins
    assert all(len(e.points) == 2 for e in edges(sc))  # so both edges are straight
    assert anchor(sc, "g1")[0] - avg[2] >= MARGIN - 0.5  # the right panel's member clears it


def test_an_icon_bridge_centres_its_glyph_on_the_border(write_spec):
    text = (STACKED % "").replace('item: {box: {id: store, text: {en: "shared store", zh: "共享存储"}, role: accent}}',
                                  "item: {icon: {id: store, name: database, size: 40, label: shared store}}")
    sc = scene(write_spec, text)
    p = rects(sc, "panel")
    glyph = [bbox(g) for g in walk(sc.items) if isinstance(g, Group) and g.meta.kind == "icon"][0]
    st = anchor(sc, "store")
    assert abs(st[1] + 20 - (p["top"][3] + p["bottom"][1]) / 2) < 0.01  # the 40 px glyph's middle on the border
    assert glyph[3] > st[1] + 40  # its label hangs below, into the lower panel


@pytest.mark.parametrize(("body", "where", "says"), [
    ("  column:\n    items:\n      - bridge: {item: {box: x}}\n      - box: a\n", (7, 17), "between two members"),
    ("  column:\n    items:\n      - box: a\n      - bridge: {item: {box: x}}\n      - bridge: {item: {box: y}}\n"
     "      - box: b\n", (8, 17), "between two members"),
    ("  grid:\n    columns: 3\n    items:\n      - box: a\n      - bridge: {item: {box: x}}\n      - box: b\n",
     (9, 17), "between two members"),
    ("  row:\n    wrap: 2\n    items:\n      - box: a\n      - bridge: {item: {box: x}}\n      - box: b\n",
     (9, 17), "not wrapped"),
])
def test_a_misplaced_bridge_is_a_located_error(write_spec, body, where, says):
    with pytest.raises(SpecError) as e:
        scene(write_spec, "body:\n" + body)
    msg = str(e.value)
    assert f":{where[0]}:{where[1]}:" in msg and says in msg


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_box_with_items_holds_them_under_its_label(write_spec, lang):
    sc = scene(write_spec, NESTED, lang)
    robot, arm = anchor(sc, "robot"), anchor(sc, "arm")
    for child in ("planner", "memory"):
        b = anchor(sc, child)
        assert robot[0] < b[0] and b[2] < robot[2] and robot[1] < b[1] and b[3] < robot[3]
    for child in ("motor", "joint"):
        b = anchor(sc, child)
        assert arm[0] < b[0] and b[2] < arm[2] and arm[1] < b[1] and b[3] < arm[3]
    assert anchor(sc, "motor")[2] < anchor(sc, "joint")[0]  # direction: row
    assert anchor(sc, "planner")[3] < anchor(sc, "memory")[1]  # a column by default
    group = next(g for g in walk(sc.items) if isinstance(g, Group) and g.meta.kind == "box" and g.meta.id == "robot")
    label = next(t for t in group.children if getattr(t, "text", "") in ("Robot", "机器人"))
    icon = next(g for g in walk(group.children) if isinstance(g, Group) and g.meta.kind == "icon")
    assert bbox(label)[3] < bbox(icon)[1]  # the label on top
    assert any(isinstance(c, Group) and c.meta.id == "planner" for c in walk(group.children))  # inside its group
    # addressable as <box>.<child> and by position; the outer box is an edge end too
    assert sc.anchors["robot.planner"] == sc.anchors["planner"]
    assert sc.anchors["robot.2"] == sc.anchors["memory"] and sc.anchors["arm.first"] == sc.anchors["motor"]
    into_robot, command, recall = edges(sc)
    assert on_outline(into_robot.points[-1], robot)
    assert on_outline(command.points[0], anchor(sc, "planner")) and on_outline(command.points[-1], anchor(sc, "motor"))
    assert on_outline(recall.points[0], anchor(sc, "memory")) and on_outline(recall.points[-1],
                                                                            anchor(sc, "planner"))
    assert edge_ends(sc) == []


def test_a_nested_box_is_one_editable_pptx_group_holding_its_children(write_spec):
    sc = scene(write_spec, NESTED)
    prs = Presentation(io.BytesIO(draw_pptx(sc)))
    root = etree.fromstring(etree.tostring(prs.slides[0].shapes._spTree))
    p = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    grp = next(g for g in root.iter(f"{p}grpSp")
               if (c := g.find(f"{p}nvGrpSpPr/{p}cNvPr")) is not None and c.get("name") == "robot")
    names = {e.get("name") for e in grp.iter(f"{p}cNvPr")}
    assert "planner" in names and "memory" in names  # the children move with the box
    assert next(grp.iter(f"{p}sp"), None) is not None  # native shapes, not a picture


@pytest.mark.parametrize(("body", "says"), [
    ("  box: {id: b, text: x, shape: ellipse, items: [{box: y}]}\n", "round or rect box"),
    ("  box: {id: b, text: x, gap: 4}\n", "expected them with `items`"),
])
def test_bad_nested_box_options_are_located_errors(write_spec, body, says):
    with pytest.raises(SpecError) as e:
        scene(write_spec, "body:\n" + body)
    assert says in str(e.value) and ":5:8:" in str(e.value)


def test_an_edge_to_an_unknown_child_names_the_known_ones(write_spec):
    with pytest.raises(SpecError) as e:
        scene(write_spec, NESTED + "  - {from: sensor, to: robot.nothing}\n")
    msg = str(e.value)
    assert "robot.nothing" in msg and "robot.planner" in msg


def test_align_stretch_gives_a_boxes_items_one_width(write_spec):
    body = NESTED.replace("          outline: frame\n          items:",
                          "          outline: frame\n          align: stretch\n          items:")
    sc = scene(write_spec, body)
    planner, memory = anchor(sc, "planner"), anchor(sc, "memory")
    assert abs(planner[0] - memory[0]) < 0.01 and abs(planner[2] - memory[2]) < 0.01
    plain = scene(write_spec, NESTED)
    assert anchor(plain, "planner")[2] - anchor(plain, "planner")[0] != planner[2] - planner[0] or \
        anchor(plain, "memory")[2] - anchor(plain, "memory")[0] != memory[2] - memory[0]


def test_between_two_plain_boxes_the_gap_widens_until_they_clear_the_bridge(write_spec):
    sc = scene(write_spec, "body:\n  column:\n    gap: 4\n    items:\n      - box: {id: a, text: above}\n"
                           "      - bridge: {item: {box: {id: m, text: between, height: 60}}}\n"
                           "      - box: {id: b, text: below}\n")
    a, m, b = anchor(sc, "a"), anchor(sc, "m"), anchor(sc, "b")
    assert abs((m[1] + m[3]) / 2 - (a[3] + b[1]) / 2) < 0.01
    assert m[1] - a[3] >= MARGIN - 0.5 and b[1] - m[3] >= MARGIN - 0.5


def test_rag_draws_its_vector_index_on_the_border_between_the_two_stages():
    spec = load(Path(__file__).resolve().parents[2] / "specs" / "decoding" / "rag.yaml")
    for lang in ("en", "zh"):
        sc = layout(bind(spec).for_lang(lang), load_theme())
        p = rects(sc, "panel")
        glyph = next(bbox(g) for g in walk(sc.items) if isinstance(g, Group) and g.meta.kind == "icon"
                     and g.meta.id == "index")
        border = (p["online"][3] + p["offline"][1]) / 2
        top = anchor(sc, "index")[1]
        assert abs(top + 22 - border) < 0.01  # the 44 px glyph's middle on the line between the panels
        assert glyph[1] < p["online"][3] and glyph[3] > p["offline"][1]
