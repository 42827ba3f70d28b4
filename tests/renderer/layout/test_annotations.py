"""Annotations on boxes and nodes: icon badges, numbered step badges, ghost and struck-out boxes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from _helpers import HEAD, inside, kind, scene_of
from lxml import etree

from renderer.app.check import DEFECTS, check_spec
from renderer.app.check_legend import legend_checks
from renderer.backends.pptx import draw_pptx
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Group, Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

THEME = load_theme()
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def _box(scene, ident: str) -> tuple[Group, Rect | Ellipse]:
    g = next(p for p in walk(scene.items) if isinstance(p, Group) and p.meta.kind == "box" and p.meta.id == ident)
    return g, g.children[0]


def _texts(g: Group) -> list[Text]:
    return [t for t in g.children if isinstance(t, Text) and t.meta.kind == "box-text"]


# --- icon badges ----------------------------------------------------------------------------------------------

def test_a_badge_is_a_ring_with_the_icon_on_the_top_right_corner_inside_the_box(write_spec):
    scene = scene_of(write_spec, '  row:\n    - box: {id: a, text: "Base model", badge: lock}\n'
                                 '    - box: {id: b, text: "Adapter"}\n')
    g, shape = _box(scene, "a")
    x0, y0, x1, y1 = bbox(shape)
    ring = next(p for p in g.children if isinstance(p, Ellipse) and p.meta.kind == "badge")
    assert ring.style.fill == THEME.color("white") and ring.style.stroke == THEME.color("accent")  # lock: accent
    assert inside((x0, y0, x1, y1), bbox(ring))
    assert x1 - (ring.cx + ring.rx) == pytest.approx(3) and (ring.cy - ring.ry) - y0 == pytest.approx(3)
    icon = [p for p in g.children if p.meta.kind == "badge" and p is not ring]
    assert len(icon) >= 3 and all(inside(bbox(ring), bbox(p), 0.5) for p in icon)
    assert {p.meta.role for p in icon if getattr(p.style, "fill", None) == THEME.color("accent")} == {"accent"}
    # the text keeps clear of the badge and stays centred; edges still use the whole box
    (t,) = _texts(g)
    assert bbox(t)[2] <= ring.cx - ring.rx
    assert (bbox(t)[0] + bbox(t)[2]) / 2 == pytest.approx((x0 + x1) / 2, abs=0.5)
    assert scene.anchors["a"] == pytest.approx((x0, y0, x1 - x0, y1 - y0))
    plain = _box(scene, "b")[0]
    assert not [p for p in plain.children if p.meta.kind == "badge"]


@pytest.mark.parametrize(("name", "role"), [("flame", "warm"), ("check", "thought"), ("cross", "emphasis"),
                                            ("model", "model")])
def test_each_badge_icon_has_its_default_colour_and_badge_role_overrides_it(write_spec, name, role):
    scene = scene_of(write_spec, f'  row:\n    - box: {{id: a, text: A, badge: {name}}}\n'
                                 f'    - box: {{id: b, text: B, badge: {name}, badge_role: negative}}\n')
    for ident, want in (("a", role), ("b", "negative")):
        ring = next(p for p in _box(scene, ident)[0].children if isinstance(p, Ellipse) and p.meta.kind == "badge")
        assert ring.style.stroke == THEME.color(want)


def test_badges_sit_on_tree_and_graph_nodes_inside_their_bounds(write_spec):
    body = ("  row:\n    - tree:\n        id: t\n        root:\n          id: r\n          label: root\n"
            "          children:\n            - {id: k, label: kept, badge: check}\n            - {id: x, label: x}\n"
            "    - graph:\n        id: g\n        nodes:\n          - {id: p, text: policy, badge: flame}\n"
            "          - {id: q, text: ref}\n        edges:\n          - {from: p, to: q}\n")
    scene = scene_of(write_spec, body)
    rings = [p for p in walk(scene.items) if isinstance(p, Ellipse) and p.meta.kind == "badge"]
    assert sorted(r.meta.id for r in rings) == ["g.p", "t.k"]
    for r in rings:
        x, y, w, h = scene.anchors[r.meta.id]
        assert inside((x, y, x + w, y + h), bbox(r))
        assert r.cx > x + w / 2 and r.cy < y + h / 2  # the top-right quarter
    tree_text = next(t for t in walk(scene.items) if isinstance(t, Text) and t.text == "kept")
    ring = next(r for r in rings if r.meta.id == "t.k")
    assert bbox(tree_text)[2] <= ring.cx - ring.rx


# --- step badges ------------------------------------------------------------------------------------------------

def test_step_badges_read_in_the_same_place_on_every_box(write_spec):
    scene = scene_of(write_spec, '  column:\n    - box: {id: a, text: "Load", step: 1}\n'
                                 '    - box: {id: b, text: "A much longer second step", step: 2}\n'
                                 '    - box: {id: c, text: "Three", step: 3, badge: check}\n')
    offsets = []
    for ident, n in (("a", 1), ("b", 2), ("c", 3)):
        g, shape = _box(scene, ident)
        x0, y0, x1, y1 = bbox(shape)
        disc = next(p for p in g.children if isinstance(p, Ellipse) and p.meta.kind == "step")
        num = next(p for p in g.children if isinstance(p, Text) and p.meta.kind == "step")
        assert disc.style.fill == THEME.color("title") and num.fill == THEME.color("white")
        assert num.text == str(n) and num.anchor == "middle" and num.x == pytest.approx(disc.cx)
        assert inside((x0, y0, x1, y1), bbox(disc))
        offsets.append((disc.cx - x0, disc.cy - y0))
        (t,) = _texts(g)
        assert bbox(t)[0] >= disc.cx + disc.rx
    assert offsets[0] == pytest.approx(offsets[1]), offsets
    assert offsets[0] == pytest.approx(offsets[2]), offsets


def test_a_panel_step_badge_sits_before_its_title_in_the_same_place_on_every_panel(write_spec):
    scene = scene_of(write_spec, '  row:\n    - panel: {id: p1, step: 1, title: "Sample", items: [{box: gen}]}\n'
                                 '    - panel: {id: p2, step: 2, title: "Score them all", items: [{box: rm}]}\n'
                                 '    - panel: {id: p3, title: "Plain", items: [{box: x}]}\n')
    offsets = []
    for ident in ("p1", "p2"):
        px, py, _, _ = scene.anchors[ident]
        disc = next(p for p in walk(scene.items) if isinstance(p, Ellipse) and p.meta.kind == "step"
                    and p.meta.id == ident)
        title = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "panel-title"
                     and t.meta.id == ident)
        assert bbox(title)[0] >= disc.cx + disc.rx + 4
        assert bbox(title)[1] - 2 <= disc.cy <= bbox(title)[3] + 2  # on the title's line
        offsets.append((disc.cx - px, disc.cy - py))
    assert offsets[0] == pytest.approx(offsets[1])
    plain = next(t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "panel-title"
                 and t.meta.id == "p3")
    assert bbox(plain)[0] - scene.anchors["p3"][0] == pytest.approx(THEME.spacing["panel_padding"])


def test_bad_badge_and_step_values_are_located_errors(write_spec):
    path = write_spec(HEAD + "body:\n  row:\n    - box: {text: A, badge: unicorn}\n    - box: {text: B, step: -2}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    msgs = sorted((p.line, p.message) for p in e.value.problems)
    assert [line for line, _ in msgs] == [6, 7]
    assert "unicorn" in msgs[0][1] and "lock" in msgs[0][1]
    assert "-2" in msgs[1][1] or "greater than or equal" in msgs[1][1]


# --- removed boxes ----------------------------------------------------------------------------------------------

def test_a_ghost_box_is_a_dashed_outline_with_faint_text_and_no_fill(write_spec):
    scene = scene_of(write_spec, '  row:\n    - box: {id: a, text: Gone, state: ghost, role: module}\n')
    g, shape = _box(scene, "a")
    assert shape.style.fill is None and shape.style.dash and shape.style.stroke == THEME.color("muted")
    assert {t.fill for t in _texts(g)} == {THEME.color("muted")}
    assert "module" not in {p.meta.role for p in walk(scene.items) if getattr(getattr(p, "style", None), "fill", 0)}


def test_a_struck_box_keeps_its_fill_and_is_crossed_corner_to_corner_in_emphasis(write_spec):
    scene = scene_of(write_spec, '  row:\n    - box: {id: a, text: "Old head", state: struck, role: module}\n'
                                 '    - box: {id: e, text: "Oval", state: struck, shape: ellipse}\n')
    g, shape = _box(scene, "a")
    x0, y0, x1, y1 = bbox(shape)
    assert shape.style.fill == THEME.color("module") and shape.style.dash is None
    assert {t.fill for t in _texts(g)} == {THEME.color("muted")}
    (strike,) = [p for p in g.children if isinstance(p, Line) and p.meta.kind == "strike"]
    assert strike.style.stroke == THEME.color("emphasis")
    (ax, ay), (bx, by) = strike.points
    assert ax - x0 < 4 and y1 - ay < 4 and x1 - bx < 4 and by - y0 < 4  # bottom-left to top-right
    ge, oval = _box(scene, "e")
    (s2,) = [p for p in ge.children if isinstance(p, Line) and p.meta.kind == "strike"]
    for px, py in s2.points:  # ends on the ellipse's outline
        assert ((px - oval.cx) / oval.rx) ** 2 + ((py - oval.cy) / oval.ry) ** 2 == pytest.approx(1)
    assert not kind(scene, "edge")  # not an edge: the edge checks leave it alone


# --- legend, PPTX, example --------------------------------------------------------------------------------------

def test_badge_colours_need_no_legend_entry(write_spec):
    scene = scene_of(write_spec, '  row:\n    - box: {text: A, badge: flame}\n    - box: {text: B, badge: cross}\n'
                                 '    - box: {text: C, step: 1}\n')
    assert legend_checks(scene, THEME) == []


def test_pptx_badges_are_native_shapes_not_pictures(write_spec):
    scene = scene_of(write_spec, '  row:\n    - box: {id: a, text: A, badge: flame, step: 2}\n'
                                 '    - box: {id: b, text: B, state: struck}\n')
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert root.findall(".//p:pic", NS) == []
    names = [el.get("name") for el in root.iter(f"{{{NS['p']}}}cNvPr")]
    badge = [n for n in names if "badge" in n]
    assert len(badge) >= 3  # the ring and the two tongues of the flame
    flame = [sp for sp in root.iter(f"{{{NS['p']}}}sp") if "badge [warm]" in sp.find(".//p:cNvPr", NS).get("name")]
    assert flame and all(sp.find("p:spPr/a:custGeom", NS) is not None for sp in flame)  # freeforms
    assert any("step" in n for n in names) and any("strike" in n for n in names)


def test_the_badges_example_is_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/badges.yaml"), only=DEFECTS) == []


# --- braces -----------------------------------------------------------------------------------------------------

TOKENS = ('  column:\n    gap: 48\n    items:\n      - row:\n          id: toks\n          items:\n'
          '            - box: {id: a, text: "The"}\n            - box: {id: b, text: "cat"}\n'
          '            - box: {id: c, text: "sat"}\n            - box: {id: d, text: "on"}\n'
          '      - tensor: {id: T, shape: [4, 6]}\n')


def _xyxy(a: tuple) -> tuple:
    return (a[0], a[1], a[0] + a[2], a[1] + a[3])


def _annotated(write_spec, anns: str):
    return scene_of(write_spec, TOKENS + "annotations:\n" + anns)


def test_a_brace_spans_the_union_of_its_targets_with_its_label_beyond_the_tip(write_spec):
    from renderer.layout.annotations import DEPTH, GAP, LABEL_GAP
    scene = _annotated(write_spec, '  - {brace: [b, d], side: top, text: "3 tokens"}\n')
    (path,) = [p for p in walk(scene.items) if p.meta.kind == "brace" and not isinstance(p, Group)]
    x0 = scene.anchors["b"][0]
    x1, y0 = scene.anchors["d"][0] + scene.anchors["d"][2], scene.anchors["b"][1]
    assert path.cmds[0][1:] == pytest.approx((x0, y0 - GAP))
    assert path.cmds[-1][-2:] == pytest.approx((x1, y0 - GAP))
    assert path.style.fill is None and path.style.stroke == THEME.color("text-soft")
    tip_y = min(bbox(path)[1], y0)
    assert tip_y == pytest.approx(y0 - GAP - DEPTH)
    (label,) = [t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "brace-text"]
    assert label.text == "3 tokens" and (bbox(label)[0] + bbox(label)[2]) / 2 == pytest.approx((x0 + x1) / 2)
    assert bbox(label)[3] <= tip_y - LABEL_GAP + 0.5


def test_a_brace_on_parts_spans_their_rows_and_moves_out_clear_of_text(write_spec):
    scene = _annotated(write_spec, '  - {brace: [T.r0, T.r3], side: left, text: "4 rows"}\n'
                                   '  - {brace: [T.r3c0, "T.r3c5"], side: bottom, text: "6 columns"}\n')
    left, bottom = [p for p in walk(scene.items) if p.meta.kind == "brace" and not isinstance(p, Group)]
    r0, r3 = _xyxy(scene.anchors["T.r0"]), _xyxy(scene.anchors["T.r3"])
    assert bbox(left)[1] == pytest.approx(r0[1]) and bbox(left)[3] == pytest.approx(r3[3])
    assert bbox(left)[2] <= r0[0]
    shape_label = next(t for t in walk(scene.items) if isinstance(t, Text) and t.text == "4×6")
    sb, bb = bbox(shape_label), bbox(bottom)
    assert bb[1] >= sb[3], "the bottom brace moved below the tensor's shape label"
    texts = [bbox(t) for t in walk(scene.items) if isinstance(t, Text)]
    for t in texts:
        assert not (bb[0] < t[2] and t[0] < bb[2] and bb[1] < t[3] and t[1] < bb[3])


def test_edges_route_around_braces(write_spec):
    spec = TOKENS + "edges:\n  - {from: a, to: d}\nannotations:\n  - {brace: [b, c], side: top, text: two}\n"
    scene = scene_of(write_spec, spec)
    brace = next(p for p in walk(scene.items) if p.meta.kind == "brace" and isinstance(p, Group))
    bx0, by0, bx1, by1 = bbox(brace)
    (edge,) = kind(scene, "edge", Line)
    assert min(y for _, y in edge.points) > scene.anchors["b"][1], "the loop goes under the row, not over the brace"
    for (x0, y0), (x1, y1) in zip(edge.points, edge.points[1:], strict=False):
        for i in range(1, 40):
            x, y = x0 + (x1 - x0) * i / 40, y0 + (y1 - y0) * i / 40
            assert not (bx0 < x < bx1 and by0 < y < by1)


def test_an_unknown_annotation_target_is_a_located_error_at_load(write_spec):
    path = write_spec(HEAD + "body:\n" + TOKENS + "annotations:\n  - {brace: [a, zz], side: top, text: x}\n"
                      "  - {callout: yy, text: note}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    got = sorted((p.line, p.col, p.message) for p in e.value.problems)
    n = len(path.read_text().splitlines())
    assert [(line, msg.split(" (")[0]) for line, _, msg in got] == [
        (n - 1, "annotation target unknown element id 'zz'"), (n, "annotation target unknown element id 'yy'")]
    assert got[0][1] == path.read_text().splitlines()[n - 2].index("zz") + 1


def test_an_unknown_part_is_a_located_error_at_layout(write_spec):
    from renderer.bind import bind
    from renderer.layout import layout
    path = write_spec(HEAD + "body:\n" + TOKENS + "annotations:\n  - {brace: [a, T.r9], side: top, text: x}\n")
    with pytest.raises(SpecError) as e:
        layout(bind(load(path)).for_lang("en"), THEME)
    (p,) = e.value.problems
    assert "annotation target unknown 'T.r9'" in p.message and "T.r3" in p.message
    assert p.line == len(path.read_text().splitlines())


@pytest.mark.parametrize("ann", ["{text: x}", "{brace: [a], callout: a, text: x}", "{brace: [a], text: x, side: up}",
                                 "{brace: [], text: x}"])
def test_malformed_annotations_are_located_errors(write_spec, ann):
    path = write_spec(HEAD + "body:\n" + TOKENS + f"annotations:\n  - {ann}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    assert all(p.line >= len(path.read_text().splitlines()) for p in e.value.problems)


# --- callouts -----------------------------------------------------------------------------------------------------

def test_a_callout_note_sits_beside_its_target_clear_of_boxes_and_text(write_spec):
    scene = _annotated(write_spec, '  - {callout: b, side: right, text: "the subject"}\n'
                                   '  - {callout: T.r2, side: right, text: "row 2 is gathered", role: emphasis}\n')
    notes = [p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind == "callout"]
    leaders = [p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "leader"]
    assert len(notes) == 2 and len(leaders) == 2
    boxes = [_xyxy(a) for k, a in scene.anchors.items() if k in "abcdT"]
    texts = [bbox(t) for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind != "callout-text"]
    for n in notes:
        nb = bbox(n)
        for r in boxes + texts + [bbox(m) for m in notes if m is not n]:
            assert not (nb[0] < r[2] and r[0] < nb[2] and nb[1] < r[3] and r[1] < nb[3]), (nb, r)
    # each leader runs from its note's facing side to its target's right side
    for ln, target in zip(leaders, ("b", "T.r2"), strict=True):
        tx0, ty0, tx1, ty1 = _xyxy(scene.anchors[target])
        (sx, sy), (ex, ey) = ln.points
        assert ex == pytest.approx(tx1) and ty0 <= ey <= ty1
        assert any(sx == pytest.approx(bbox(n)[0]) for n in notes) and sx > tx1
        for k in "acd":  # clear of the other boxes
            ox0, oy0, ox1, oy1 = _xyxy(scene.anchors[k])
            for i in range(1, 50):
                x, y = sx + (ex - sx) * i / 50, sy + (ey - sy) * i / 50
                assert not (ox0 < x < ox1 and oy0 < y < oy1)
    assert leaders[1].style.stroke == THEME.color("emphasis")


def test_pptx_braces_and_notes_are_native_freeforms_and_shapes(write_spec):
    scene = _annotated(write_spec, '  - {brace: [a, d], side: top, text: "4 tokens"}\n'
                                   '  - {callout: b, side: bottom, text: "note"}\n')
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert root.findall(".//p:pic", NS) == []
    sps = {sp.find(".//p:cNvPr", NS).get("name"): sp for sp in root.iter(f"{{{NS['p']}}}sp")}
    brace = [sp for n, sp in sps.items() if n.startswith("brace [")]
    assert brace and brace[0].find("p:spPr/a:custGeom", NS) is not None
    assert len(brace[0].findall(".//a:cubicBezTo", NS)) == 4
    names = [el.get("name") for el in root.iter(f"{{{NS['p']}}}cNvPr")]
    assert any("callout" in n for n in names) and any("leader" in n for n in names)  # the leader: a connector


def test_the_annotations_example_is_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/annotations.yaml"), only=DEFECTS) == []
