"""Balancing: a `place: auto` note and a `legend_at: inside` legend go into the empty room of their container."""

from __future__ import annotations

import pytest

from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.balance import empty_rooms, ink_boxes
from renderer.layout.theme import load_theme
from renderer.scene import Line, Rect, Text, bbox, walk
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
NOTE = {"en": "The short column leaves room under it; this note goes there instead of taking a row.",
        "zh": "短列下方留有空位；这条注释放在那里，而不是另占一行。"}


def _body(place: str, tall: int = 6) -> str:
    boxes = "".join(f"            - box: {{id: t{i}, text: {{en: 'stage {i}', zh: '阶段 {i}'}}, width: 220}}\n"
                    for i in range(tall))
    return ("body:\n  row:\n    gap: 40\n    align: start\n    items:\n"
            "      - column:\n          items:\n"
            "            - box: {id: a, text: {en: input, zh: 输入}, role: data, width: 200}\n"
            f"      - note: {{id: n, place: {place}, text: {{en: '{NOTE['en']}', zh: '{NOTE['zh']}'}}}}\n"
            f"      - column:\n          items:\n{boxes}"
            "edges:\n  - {from: a, to: t0}\n")


def scene(write_spec, text: str, lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + text))).for_lang(lang), load_theme())


def union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def meets(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def parts(sc):
    """Boxes by id, the note's text box, and the ink of everything else (edges segment by segment)."""
    boxes = {p.meta.id: bbox(p) for p in walk(sc.items) if isinstance(p, Rect) and p.meta.kind == "box"}
    note = union([bbox(p) for p in walk(sc.items) if isinstance(p, Text) and p.meta.kind == "note"])
    others = [p for p in sc.items if p.meta.kind not in ("note", "frame", "credit", "credit-bg", "tab", "title")]
    return boxes, note, ink_boxes(others)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_auto_note_goes_under_the_short_column_beside_the_tall_one_and_overlaps_nothing(write_spec, lang):
    sc = scene(write_spec, _body("auto"), lang)
    boxes, note, ink = parts(sc)
    a, tall = boxes["a"], union([boxes[f"t{i}"] for i in range(6)])
    assert note[1] > a[3]  # under the short column …
    assert note[2] < tall[0]  # … left of the tall one …
    assert note[3] < tall[3]  # … within the tall column's height, not on a row of its own
    assert not any(meets(note, b) for b in ink)
    flow = scene(write_spec, _body("flow"), lang)
    assert sc.width <= flow.width + 0.01 and sc.height <= flow.height + 0.01
    assert sc.width * sc.height < flow.width * flow.height  # the note's column is gone


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_auto_note_is_wrapped_to_the_room_and_keeps_its_anchor_for_edges(write_spec, lang):
    sc = scene(write_spec, _body("auto"), lang)
    boxes, note, _ = parts(sc)
    tall = union([boxes[f"t{i}"] for i in range(6)])
    x, y, w, h = sc.anchors["n"]
    assert x >= boxes["a"][0] - 40 and x + w <= tall[0]  # the anchor moved with the note
    assert note[0] >= x - 0.5 and note[2] <= x + w + 0.5


def test_an_auto_note_with_no_room_takes_its_place_in_the_flow(write_spec):
    auto = scene(write_spec, _body("auto", tall=1))  # no column is taller than the other: nowhere to go
    flow = scene(write_spec, _body("flow", tall=1))
    assert (auto.width, auto.height) == (flow.width, flow.height)
    assert [bbox(p) for p in walk(auto.items) if p.meta.kind == "note"] == \
        [bbox(p) for p in walk(flow.items) if p.meta.kind == "note"]


LEGEND = ("legend:\n  - {role: data, text: {en: 'what comes in', zh: 输入的内容}}\n"
          "  - {role: model, text: {en: 'the model stages', zh: 模型的各阶段}}\n")


def _legend_body(at: str) -> str:
    tall = "".join(f"            - box: {{id: t{i}, text: {{en: 'stage {i}', zh: '阶段 {i}'}}, role: model, "
                   "width: 220}\n" for i in range(7))
    return ("body:\n  row:\n    gap: 40\n    align: start\n    items:\n"
            "      - column:\n          items:\n"
            "            - box: {id: a, text: {en: input, zh: 输入}, role: data, width: 260}\n"
            f"      - column:\n          items:\n{tall}"
            f"edges:\n  - {{from: a, to: t0}}\n{LEGEND}legend_at: {at}\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_inside_legend_fills_the_empty_room_and_the_canvas_gains_no_legend_row(write_spec, lang):
    sc = scene(write_spec, _legend_body("inside"), lang)
    legend = union([bbox(p) for p in walk(sc.items) if p.meta.kind in ("legend", "legend-text")])
    boxes = {p.meta.id: bbox(p) for p in walk(sc.items) if isinstance(p, Rect) and p.meta.kind == "box"}
    tall = union([boxes[f"t{i}"] for i in range(7)])
    assert legend[1] > boxes["a"][3] and legend[2] < tall[0] and legend[3] < tall[3]
    ink = ink_boxes([p for p in sc.items if p.meta.kind in ("box", "edge") or isinstance(p, Line)])
    assert not any(meets(legend, b) for b in ink)
    # swatch colours kept: one entry per role, beside its text
    swatches = [p.style.fill for p in walk(sc.items) if isinstance(p, Rect) and p.meta.kind == "legend"]
    theme = load_theme()
    assert swatches == [theme.color("data"), theme.color("model")]
    under = scene(write_spec, _legend_body("bottom"), lang)
    assert sc.height < under.height and sc.width <= under.width + 0.01


def test_an_inside_legend_with_no_room_goes_where_auto_puts_it(write_spec):
    flat = ("body:\n  row:\n    - box: {id: a, text: {en: input, zh: 输入}, role: data}\n"
            "    - box: {id: b, text: {en: model, zh: 模型}, role: model}\n" + LEGEND)
    inside = scene(write_spec, flat + "legend_at: inside\n")
    auto = scene(write_spec, flat + "legend_at: auto\n")
    assert (inside.width, inside.height) == (auto.width, auto.height)


def test_empty_rooms_are_the_maximal_free_rectangles_largest_first():
    # a 100 × 100 area with a tall block on the left and a short one on the right
    rooms = empty_rooms(100, 100, [(0, 0, 40, 100), (60, 0, 100, 30)], 0)
    assert rooms[0] == (40, 30, 60, 70)  # under the short block, as wide as the gap and the short block
    assert (40, 0, 20, 100) in rooms  # the full-height gap between the two
    assert all(r[2] * r[3] >= s[2] * s[3] for r, s in zip(rooms, rooms[1:], strict=False))
    # a margin keeps the rooms clear of the blocks
    assert empty_rooms(100, 100, [(0, 0, 40, 100), (60, 0, 100, 30)], 5)[0] == (45, 35, 55, 65)
    assert empty_rooms(10, 10, [(0, 0, 10, 10)], 0) == []


def test_an_auto_note_in_a_panel_stays_on_the_panel(write_spec):
    tall = "".join(f"              - box: {{id: t{i}, text: 'stage {i}', width: 200}}\n" for i in range(6))
    body = ("body:\n  panel:\n    id: p\n    direction: row\n    align: start\n"
            "    title: {en: stages, zh: 阶段}\n    items:\n"
            "      - box: {id: a, text: input, role: data, width: 200}\n"
            f"      - note: {{place: auto, text: '{NOTE['en']}'}}\n"
            f"      - column:\n          items:\n{tall}")
    sc = scene(write_spec, body)
    panel = next(bbox(p) for p in walk(sc.items) if isinstance(p, Rect) and p.meta.kind == "panel")
    boxes, note, ink = parts(sc)
    assert panel[0] < note[0] and panel[1] < note[1] and note[2] < panel[2] and note[3] < panel[3]
    assert note[1] > boxes["a"][3] and note[2] < boxes["t0"][0]
    assert not any(meets(note, b) for b in ink if b != panel)
