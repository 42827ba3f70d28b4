"""Icons: every pictogram is drawn from scene primitives inside its square, in its role colour, label below."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.app.check import DEFECTS, check_spec
from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.icon import DRAW, layout_icon, pictogram
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Group, Line, Meta, Polygon, Rect, Text, bbox, walk
from renderer.scene import Path as PathPrim
from renderer.spec.elements.icon import Icon

NAMES = ["person", "robot", "agent", "globe", "environment", "database", "document", "gpu", "chip",
         "lock", "flame", "check", "cross", "model", "unlock", "pdf", "web-page", "code-file", "spreadsheet"]


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


@pytest.mark.parametrize("size", [16, 48, 120])
@pytest.mark.parametrize("name", NAMES)
def test_pictograms_are_only_primitives_within_their_square(name, size):
    prims = pictogram(name, ctx(), size, "model", Meta("i", "model", None, "icon"))
    assert len(prims) >= (1 if name == "check" else 2)  # a check is one stroke
    for p in prims:
        assert isinstance(p, Rect | Ellipse | Polygon | PathPrim | Line | Text)
        x0, y0, x1, y1 = bbox(p)
        assert -0.01 <= x0 and x1 <= size + 0.01 and -0.01 <= y0 and y1 <= size + 0.01, (name, p)


def test_every_built_in_name_has_a_drawing():
    assert set(DRAW) == {"person", "robot", "globe", "database", "document", "gpu", "lock", "flame", "check",
                         "cross", "model", "unlock", "pdf", "web-page", "code-file", "spreadsheet"}


def test_role_colours_the_pictogram_and_every_colour_is_from_the_theme():
    theme = load_theme()
    block = layout_icon(Icon(name="database", role="thought"), ("icon",), ctx())
    fills = {p.style.fill for p in walk(block.items) if hasattr(p, "style") and p.meta.role == "thought"}
    assert fills == {theme.color("thought")}
    colours = {c.upper() for p in walk(block.items) if hasattr(p, "style")
               for c in (p.style.fill, p.style.stroke) if c}
    assert colours <= theme.colors()


def test_label_sits_centred_under_the_pictogram_and_the_anchor_covers_both():
    block = layout_icon(Icon(id="env", name="globe", size=40, label="A rather long environment label"),
                        ("icon",), ctx())
    group = block.items[0]
    assert isinstance(group, Group)
    label = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "icon-label"]
    pic = [p for p in walk(block.items) if not isinstance(p, Group) and p.meta.kind == "icon"]
    pic_bottom = max(bbox(p)[3] for p in pic)
    assert all(bbox(t)[1] >= pic_bottom for t in label)
    a = block.anchors["env"]
    assert a.w == 40 and a.x == pytest.approx((block.w - 40) / 2) and a.h == pytest.approx(block.h)
    for t in label:
        assert 0 <= bbox(t)[0] and bbox(t)[2] <= block.w + 0.01


def test_the_icon_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/icon.yaml"), only=DEFECTS) == []
