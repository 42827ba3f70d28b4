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
