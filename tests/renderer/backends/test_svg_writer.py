"""The SVG writer serialises elements as xml.etree did (the bytes of every diagram depended on it)."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from renderer.backends.svg import _el, _n, draw_svg
from renderer.scene import Group, Line, Meta, Rect, Scene, Style, Text

TRICKY = 'a&b <c> "d" \r e\n f\t g \u00b7 中文'


def _etree(tag: str, attrs: dict[str, str], text: str | None, children: list[ElementTree.Element]):
    el = ElementTree.Element(tag)
    for key, value in sorted((k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items()):
        if value:
            el.set(key, value)
    el.text = text
    el.extend(children)
    return el


CASES = [
    ("rect", {"x": "1", "stroke_width": "2", "data_role": TRICKY, "fill": ""}, None, []),
    ("text", {"x": "0"}, TRICKY, []),
    ("text", {"x": "0"}, "", []),  # empty text: a self-closed element, as etree writes it
    ("g", {}, None, [("path", {"d": "M0,0 L1,1"}, None, []), ("text", {"y": "2"}, "x < y", [])]),
    ("marker", {"marker_end": "a", "marker-end": "b"}, None, []),  # one name spelt twice: the last in order wins
]


def _both(case):
    tag, attrs, text, children = case
    kids = [_both(c) for c in children]
    return (_el(tag, attrs, text, [k[0] for k in kids]),
            _etree(tag, attrs, text, [k[1] for k in kids]))


@pytest.mark.parametrize("case", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_elements_are_written_as_etree_writes_them(case):
    ours, tree = _both(case)
    assert ours == ElementTree.tostring(tree, encoding="unicode")


def test_numbers_keep_two_decimals_without_trailing_zeros_and_no_negative_zero():
    assert [_n(v) for v in (1.0, 1.5, 1.2345, -0.001, 0.0, -0.0, 100, 2.006, -3.1)] == \
        ["1", "1.5", "1.23", "0", "0", "0", "100", "2.01", "-3.1"]
    assert _n(1.5) == _n(1.5)  # answered again from memory: the same text


def test_a_scene_parses_back_with_its_text_and_attributes():
    scene = Scene(200, 100, [Group((Rect(1, 2, 30, 40, style=Style(fill="#FFFFFF", stroke="#000000")),
                                    Text(5, 6, TRICKY.replace("\r", ""), 12),
                                    Line(((0, 0), (10, 10)), Style(stroke="#FF0000"), arrow_end=True)),
                                   meta=Meta(role="policy"))],
                  "Title & <more>", "desc", "en", "#FFFFFF", {"k": "v"}, ("Noto Sans",))
    root = ElementTree.fromstring(draw_svg(scene, fonts=False))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Title & <more>"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert texts == [TRICKY.replace("\r", "")]
    assert [m.get("id") for m in root.iter(f"{ns}marker")] == ["arrow-0"]
    assert root.find(f".//{ns}g[@data-role='policy']") is not None
