"""The layout checker finds each class of defect and locates it at the element that causes it."""

from __future__ import annotations

from renderer.app.check import DEFECTS, check_spec, named_findings
from renderer.layout import metrics_for
from renderer.layout.theme import load_theme
from renderer.scene import Group, Meta, Rect, Scene, Style, Text

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
THEME = load_theme()


def frame(w=400, h=300) -> Rect:
    return Rect(0, 0, w, h, 0, Style(stroke="#BFBFBF"), Meta("frame", "frame", None, "frame"))


def box(id_, x, y, w, h, text="", src="s.yaml:3:5", fill="#71CCF5") -> Group:
    shape = Rect(x, y, w, h, 8, Style(fill=fill), Meta(id_, "model", src, "box"))
    kids = [shape]
    if text:
        width = metrics_for(THEME).width(text, 15)
        kids.append(Text(x + w / 2, y + h / 2 + 5, text, 15, "#000000", 400, "middle", width=width,
                         meta=Meta(id_, "text", src, "box-text")))
    return Group(tuple(kids), Meta(id_, "model", src, "box"))


def messages(items) -> list[str]:
    """The classic defects of a 400×300 scene (the layout-quality checks have their own tests)."""
    found = named_findings(Scene(400, 300, [frame(), *items]), THEME, "s.yaml")
    return sorted({f"{p.line}:{p.col}: {p.message}" for name, p in found if name in DEFECTS})


def test_clean_scene_has_no_defects():
    assert messages([box("a", 10, 10, 120, 40, "fits"), box("b", 200, 10, 120, 40, "fits too")]) == []


def test_text_overflowing_its_box():
    out = messages([box("a", 170, 10, 60, 40, "a label far too long for this box", src="s.yaml:7:9")])
    assert out == ["7:9: text 'a label far too long for this box' overflows its box (box 60×40 px)"]


def test_overlapping_boxes():
    out = messages([box("a", 10, 10, 120, 40, src="s.yaml:4:5"), box("b", 100, 20, 120, 40, src="s.yaml:5:5")])
    assert out == ["4:5: box 'a' overlaps b"]


def test_element_outside_the_frame():
    out = messages([box("a", 350, 10, 120, 40, src="s.yaml:9:3")])
    assert out == ["9:3: box 'a' lies outside the frame"]


def test_colour_not_from_the_theme():
    out = messages([box("a", 10, 10, 120, 40, src="s.yaml:2:2", fill="#123456")])
    assert out == ["2:2: colour #123456 is not a theme colour (expected a palette role)"]


def test_edge_crossing_a_box_is_located_at_the_edge(write_spec):
    path = write_spec(HEAD + "body:\n  row: [{box: {id: a, text: A}}, {box: {id: b, text: B}},"
                             " {box: {id: c, text: C}}]\n"
                             "edges:\n  - {from: a, to: c, route: straight}\n")
    out = [f"{p.line}:{p.col}: {p.message}" for p in check_spec(path, ("en",), only=DEFECTS)]
    assert out == ["7:5: [en] edge crosses box 'b'"]


def test_edge_routed_around_is_clean(write_spec):
    path = write_spec(HEAD + "body:\n  row: [{box: {id: a, text: A}}, {box: {id: b, text: B}},"
                             " {box: {id: c, text: C}}]\n"
                             "edges:\n  - {from: a, to: c}\n")
    assert check_spec(path, ("en",), only=DEFECTS) == []


def test_character_missing_from_the_font(write_spec):
    path = write_spec(HEAD + "body:\n  box: {text: \"G☈ = 14\"}\n")  # U+2608: in neither Noto face
    out = [f"{p.line}:{p.col}: {p.message}" for p in check_spec(path, ("en",), only=DEFECTS)]
    assert out == ["5:15: [en] character(s) '☈' not in the font (they would be drawn by a fallback font or as boxes)"]


def test_edge_label_wider_than_the_gap_is_reported(write_spec):
    path = write_spec(HEAD + "body:\n  row:\n    gap: 20\n"
                             "    items: [{box: {id: a, text: A}}, {box: {id: b, text: B}}]\n"
                             "edges:\n  - {from: a, to: b, label: a label much wider than the gap}\n")
    # layout now moves a label that has no room beside its edge farther off, with a leader: nothing overlaps
    assert [p.message for p in check_spec(path, ("en",), only=DEFECTS)] == []
    # the check still reports a label laid over a box (the label moved onto box a by hand)
    from dataclasses import replace

    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.scene import bbox, walk
    from renderer.spec.loader import load

    scene = layout(bind(load(path)).for_lang("en"), load_theme())
    box = next(p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.id == "a")

    def onto_a(items):
        out = []
        for p in items:
            if isinstance(p, Group):
                p = replace(p, children=tuple(onto_a(p.children)))
            elif isinstance(p, Text) and p.meta.kind == "edge-label":
                x0, y0, _, _ = bbox(p)
                p = replace(p, x=p.x + box.x - x0, y=p.y + box.y - y0 + 2)
            out.append(p)
        return out

    found = [p.message for _, p in named_findings(replace(scene, items=onto_a(scene.items)), load_theme(), str(path))]
    assert any("edge label 'a label much wider than the gap' overlaps box 'a'" in m for m in found), found
