"""Edges end at parts of an element: a tensor row, a chart bar, a table cell, a tree node, a member."""

from __future__ import annotations

import pytest
from _helpers import kind

from renderer.scene import Line, bbox
from renderer.spec.errors import SpecError


def ends(scene) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(ln.points[0], ln.points[-1]) for ln in kind(scene, "edge", Line) if (ln.meta.id or "").startswith("edge-")]


def on_outline(pt, box, tol: float = 0.6) -> bool:
    x, y = pt
    x0, y0, x1, y1 = box
    inside = x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol
    return inside and min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) <= tol


def union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


TENSOR = ("  row:\n    gap: 60\n    items:\n      - box: {id: src, text: gather}\n"
          "      - tensor: {id: t, values: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]]}\n")


def spec_with(write_spec, body: str, edges: str, lang: str = "en"):
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.spec.loader import load

    path = write_spec("id: t\nchapter: test\ntitle: T\nbody:\n" + body + "edges:\n" + edges)
    return layout(bind(load(path)).for_lang(lang), load_theme())


def test_an_edge_ends_on_a_tensor_row_not_on_the_whole_tensor(write_spec):
    for lang in ("en", "zh"):
        s = spec_with(write_spec, TENSOR, "  - {from: src, to: t.r2}\n", lang)
        cells = union([bbox(g) for g in kind(s, "tensor-cell") if "r2" in g.meta.parts])
        row2 = _xyxy(s.anchors["t.r2"])
        assert row2 == pytest.approx((cells[0] - 4, cells[1] - 4, cells[2] + 4, cells[3] + 4))  # with a margin
        (_, end), = ends(s)
        assert on_outline(end, row2)
        assert abs(end[1] - (row2[1] + row2[3]) / 2) < 0.6  # centred on the side it uses
        whole = _xyxy(s.anchors["t"])
        assert row2[3] - row2[1] < (whole[3] - whole[1]) / 2


def test_an_edge_ends_on_a_chart_bar(write_spec):
    body = ("  column:\n    gap: 50\n    items:\n      - box: {id: note, text: the pick}\n"
            "      - chart: {id: c, kind: bar, x: {categories: [a, b, c, d]},\n"
            "               series: [{values: [0.1, 0.5, 0.3, 0.1]}]}\n")
    s = spec_with(write_spec, body, "  - {from: note, to: c.bar2}\n")
    bar = bbox(next(b for b in kind(s, "chart-bar") if "bar2" in b.meta.parts))
    third = _xyxy(s.anchors["c.bar2"])
    assert third[0] == pytest.approx(bar[0] - 4) and third[3] == pytest.approx(bar[3] + 4)
    (_, end), = ends(s)
    assert on_outline(end, third) and abs(end[0] - (third[0] + third[2]) / 2) < 0.6


def test_an_edge_ends_on_a_table_cell_and_on_a_container_member(write_spec):
    body = ("  row:\n    gap: 60\n    items:\n"
            "      - column: {id: col, gap: 30, items: [{box: A}, {box: B}, {box: C}]}\n"
            "      - table: {id: tb, rows: [[x, y], [z, w]]}\n")
    s = spec_with(write_spec, body, "  - {from: col.last, to: tb.r1c1}\n  - {from: col.first, to: tb.r0c0}\n")
    cells = {k.split(".", 1)[1]: _xyxy(v) for k, v in s.anchors.items() if k.startswith("tb.")}
    boxes = sorted((bbox(g) for g in kind(s, "box") if g.meta.kind == "box"), key=lambda b: b[1])
    (a0, a1), (b0, b1) = ends(s)
    assert on_outline(a1, cells["r1c1"]) and on_outline(b1, cells["r0c0"])
    assert on_outline(a0, boxes[-1]) and on_outline(b0, boxes[0])


def test_an_edge_ends_on_a_tree_node(write_spec):
    body = ("  row:\n    gap: 60\n    items:\n      - box: {id: q, text: query}\n"
            "      - tree: {id: tr, root: {id: r, label: root,\n"
            "               children: [{id: k, label: kid}, {id: m, label: other}]}}\n")
    s = spec_with(write_spec, body, "  - {from: q, to: tr.m}\n")
    (_, end), = ends(s)
    assert on_outline(end, tuple(_xyxy(s.anchors["tr.m"])))


def _xyxy(a):
    return (a[0], a[1], a[0] + a[2], a[1] + a[3])


def test_an_unknown_part_is_a_located_error_listing_the_parts(write_spec):
    with pytest.raises(SpecError) as e:
        spec_with(write_spec, TENSOR, "  - {from: src, to: t.r9}\n")
    msg = str(e.value.problems[0])
    assert "s.yaml:11:21: error: edge to unknown node 't.r9'" in msg and "t.r3c2" in msg


BUS = ("  column:\n    gap: 60\n    items:\n"
       "      - row: {gap: 30, items: [{box: {id: g1, text: grad 1}}, {box: {id: g2, text: grad 2}},"
       " {box: {id: g3, text: grad 3}}, {box: {id: g4, text: grad 4}}]}\n"
       "      - box: {id: sum, text: sum}\n")


def test_fan_in_of_four_items_through_a_bus(write_spec):
    from renderer.scene import Ellipse

    edges = "".join(f"  - {{from: g{i}, to: sum, bus: true}}\n" for i in range(1, 5))
    for lang in ("en", "zh"):
        s = spec_with(write_spec, BUS, edges, lang)
        routes = [ln.points for ln in kind(s, "edge", Line)]
        assert len(routes) == 4
        sums = s.anchors["sum"]
        tip = (sums[0] + sums[2] / 2, sums[1])
        assert all(abs(r[-1][0] - tip[0]) < 0.01 and abs(r[-1][1] - tip[1]) < 0.01 for r in routes)  # one entry
        trunk_y = {round(r[-2][1], 2) for r in routes}
        assert len(trunk_y) == 1  # every member meets the same trunk
        for i, r in enumerate(sorted(routes, key=lambda r: r[0][0]), 1):
            g = s.anchors[f"g{i}"]
            assert abs(r[0][0] - (g[0] + g[2] / 2)) < 0.01 and abs(r[0][1] - (g[1] + g[3])) < 0.01  # bottom centre
        dots = [d for d in kind(s, "edge-junction") if isinstance(d, Ellipse)]
        # T-junctions: the two inner stubs and the trunk's exit into `sum` (the outer stubs are corners)
        assert len(dots) == 3 and all(abs(d.cy - next(iter(trunk_y))) < 0.01 for d in dots)


def test_without_bus_the_same_edges_are_routed_one_by_one(write_spec):
    edges = "".join(f"  - {{from: g{i}, to: sum}}\n" for i in range(1, 5))
    s = spec_with(write_spec, BUS, edges)
    assert not kind(s, "edge-junction")
    assert len({tuple(ln.points[-1]) for ln in kind(s, "edge", Line)}) > 1  # separate ports or routes


def test_fan_out_from_one_source_through_a_bus(write_spec):
    body = ("  column:\n    gap: 60\n    items:\n      - box: {id: src, text: policy}\n"
            "      - row: {gap: 30, items: [{box: {id: a, text: A}}, {box: {id: b, text: B}},"
            " {box: {id: c, text: C}}]}\n")
    s = spec_with(write_spec, body, "".join(f"  - {{from: src, to: {t}, bus: true}}\n" for t in "abc"))
    routes = [ln.points for ln in kind(s, "edge", Line)]
    src = s.anchors["src"]
    assert all(abs(r[0][1] - (src[1] + src[3])) < 0.01 and abs(r[0][0] - (src[0] + src[2] / 2)) < 0.01
               for r in routes)
    for t in "abc":
        a = s.anchors[t]
        assert any(abs(r[-1][0] - (a[0] + a[2] / 2)) < 0.01 and abs(r[-1][1] - a[1]) < 0.01 for r in routes)


LOOP = ("  column:\n    gap: 30\n    align: ALIGN\n    items:\n"
        "      - box: {id: a, text: {en: collect experience, zh: 收集经验}}\n"
        "      - box: {id: b, text: {en: compute advantages, zh: 计算优势函数和回报值}}\n"
        "      - box: {id: c, text: {en: update, zh: 更新策略网络的全部参数}}\n")


def test_a_feedback_loop_keeps_its_side_in_both_languages(write_spec):
    edges = "  - {from: a, to: b}\n  - {from: b, to: c}\n  - {from: c, to: a, label: {en: next round, zh: 下一轮}}\n"
    for align in ("start", "center", "end"):
        sides = set()
        for lang in ("en", "zh"):
            s = spec_with(write_spec, LOOP.replace("ALIGN", align), edges, lang)
            loop = next(ln for ln in kind(s, "edge", Line) if ln.meta.id == "edge-2")
            a = s.anchors["a"]
            x = loop.points[1][0]
            assert len(loop.points) == 4 and (x < a[0] or x > a[0] + a[2])  # a U-loop beside the column
            sides.add("left" if x < a[0] else "right")
        assert len(sides) == 1, (align, sides)


def test_two_edges_on_one_side_get_two_ports(write_spec):
    body = ("  column:\n    gap: 60\n    items:\n"
            "      - row: {gap: 120, items: [{box: {id: l, text: left}}, {box: {id: r, text: right}}]}\n"
            "      - box: {id: dst, text: a wide target box}\n")
    for lang in ("en", "zh"):
        s = spec_with(write_spec, body, "  - {from: l, to: dst}\n  - {from: r, to: dst}\n", lang)
        lines = sorted(kind(s, "edge", Line), key=lambda ln: ln.points[0][0])
        a = s.anchors["dst"]
        ends = [ln.points[-1] for ln in lines]
        assert all(abs(p[1] - a[1]) < 0.01 for p in ends)  # both on the top side ...
        assert ends[0][0] == pytest.approx(a[0] + a[2] / 3) and ends[1][0] == pytest.approx(a[0] + 2 * a[2] / 3)
        for ln in lines:  # ... in the order of their sources, every segment still square
            pairs = zip(ln.points, ln.points[1:], strict=False)
            assert all(abs(p[0] - q[0]) < 0.01 or abs(p[1] - q[1]) < 0.01 for p, q in pairs)
