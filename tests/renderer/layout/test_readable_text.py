"""Box and tree-node text stays readable on its fill: WCAG contrast 4.5:1 for the label, 3:1 for the grey
second line, else black or white, whichever reads better."""

from __future__ import annotations

from _helpers import kind, scene_of

from renderer.layout.base import contrast
from renderer.layout.theme import load_theme
from renderer.scene import Text


def test_contrast_matches_the_wcag_definition():
    assert contrast("#000000", "#FFFFFF") == 21.0
    assert contrast("#777777", "#FFFFFF") == contrast("#FFFFFF", "#777777")
    assert 4.47 < contrast("#777777", "#FFFFFF") < 4.49  # the textbook "just fails AA" grey


def box_texts(write_spec, role: str, extra: str = "") -> dict[str, Text]:
    scene = scene_of(write_spec, f"  box: {{text: label, sub: second line, role: {role}{extra}}}\n")
    return {t.text: t for t in kind(scene, "box-text", Text)}


def test_a_dark_fill_gets_white_text_and_a_light_one_keeps_the_defaults(write_spec):
    theme = load_theme()
    dark = box_texts(write_spec, "title")  # black on #4472C4 is 4.45:1, white 4.72:1
    assert dark["label"].fill == theme.color("white")
    light = box_texts(write_spec, "data")
    assert light["label"].fill == theme.color("text") and light["second line"].fill == theme.color("text-soft")
    for role in ("model", "thought", "kept", "emphasis", "title", "removed", "accent", "warm"):
        t = box_texts(write_spec, role)
        fill = theme.color(role)
        best = max(contrast(theme.color(r), fill) for r in ("text", "white"))
        assert contrast(t["label"].fill, fill) >= min(4.5, best) - 1e-9, role
        assert contrast(t["second line"].fill, fill) >= min(3.0, best) - 1e-9, role


def test_an_explicit_text_role_is_kept(write_spec):
    t = box_texts(write_spec, "title", ", text_role: text")
    assert t["label"].fill == load_theme().color("text")
