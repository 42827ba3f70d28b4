"""Every SVG is a self-describing document: <title>, <desc> and <metadata> first, whatever it draws."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from renderer.app.build import find_specs
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Rect, Scene, Style
from renderer.spec.langs import LANGS
from renderer.spec.loader import load

SVG = "{http://www.w3.org/2000/svg}"
SPECS = find_specs()


def head_of(svg: bytes) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    assert root.get("aria-labelledby") == "title desc"
    first = list(root)[:3]
    assert [e.tag for e in first] == [SVG + "title", SVG + "desc", SVG + "metadata"]
    return {e.tag.removeprefix(SVG): e for e in first}


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_spec_svg_has_title_desc_and_metadata(path):
    bound = bind(load(path))
    for lang in LANGS:
        scene = layout(bound.for_lang(lang), load_theme())
        head = head_of(draw_svg(scene))
        assert head["title"].get("id") == "title" and head["title"].text == scene.title
        assert head["desc"].get("id") == "desc" and head["desc"].text == scene.desc
        meta = json.loads(head["metadata"].text)
        assert meta["id"] == bound.diagram.id and meta["lang"] == lang
        assert set(meta["computed"]) == set(bound.provenance)


def test_a_scene_without_arrows_still_gets_its_head():
    """The writer writes an empty <defs /> when no marker is needed; the head must not depend on it."""
    scene = Scene(20, 10, [Rect(0, 0, 5, 5, 0, Style(fill="#FFE699"))], "A & <b>", "desc > text", "en",
                  metadata={"id": "x", "note": "<&>"})
    svg = draw_svg(scene)
    assert b"marker" not in svg
    head = head_of(svg)
    assert head["title"].text == "A & <b>" and head["desc"].text == "desc > text"
    assert json.loads(head["metadata"].text) == {"id": "x", "note": "<&>"}
