"""The theme's `fonts.math_letters`: formulas set their Latin letters and digits in the sans-serif math
alphabets (matching the sans text face) or the serif ones; symbols and explicit styles are unchanged."""

from __future__ import annotations

import dataclasses

import pytest

from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.math import layout_math
from renderer.layout.math_glyphs import MathError, math_letters, outline
from renderer.layout.math_text import math_lines
from renderer.layout.theme import load_theme
from renderer.scene import Meta, walk
from renderer.scene import Path as PathPrim
from renderer.spec.elements.math import Math

SANS_ITALIC_X = "\U0001d639"  # MATHEMATICAL SANS-SERIF ITALIC SMALL X
SANS_SEVEN = "\U0001d7e9"  # MATHEMATICAL SANS-SERIF DIGIT SEVEN


def ctx(letters: str | None = None) -> Ctx:
    theme = load_theme()
    if letters is not None:
        theme = dataclasses.replace(theme, fonts={**theme.fonts, "math_letters": letters})
    return Ctx(theme, metrics_for(theme), "en", None)


def paths(block) -> list:
    return [p.cmds for p in walk(block.items) if isinstance(p, PathPrim)]


def test_sans_letters_are_the_fonts_sans_serif_math_alphabet():
    assert outline("x", 20.0, letters="sans").cmds == outline(SANS_ITALIC_X, 20.0).cmds
    assert outline("7", 20.0, letters="sans").cmds == outline(SANS_SEVEN, 20.0).cmds
    assert outline("x", 20.0).cmds != outline(SANS_ITALIC_X, 20.0).cmds  # the default stays serif


def test_symbols_do_not_change_with_the_letters():
    assert outline("+", 20.0, letters="sans").cmds == outline("+", 20.0).cmds
    assert outline(r"\sum", 20.0, letters="sans").cmds == outline(r"\sum", 20.0).cmds


def test_the_project_theme_sets_formulas_in_sans():
    assert load_theme().fonts["math_letters"] == "sans"
    assert paths(layout_math(Math(tex="x"), ("math",), ctx())) == paths(
        layout_math(Math(tex=SANS_ITALIC_X), ("math",), ctx("serif")))
    assert paths(layout_math(Math(tex="x"), ("math",), ctx("serif"))) != paths(
        layout_math(Math(tex="x"), ("math",), ctx("sans")))


def test_inline_math_in_text_follows_the_theme():
    def mixed(letters: str) -> list:
        return paths(layout_math(Math(text="the gain $x_7$ per step"), ("math",), ctx(letters)))

    assert mixed("sans") != mixed("serif")
    assert mixed("sans") == paths(layout_math(Math(text=f"the gain ${SANS_ITALIC_X}_{SANS_SEVEN}$ per step"),
                                              ("math",), ctx("serif")))


def test_an_unknown_choice_is_a_clear_error():
    with pytest.raises(MathError, match=r"math_letters is 'script' \(expected one of serif, sans\)"):
        math_letters({"math_letters": "script"})
    assert math_letters({}) == ""  # no setting: serif


def test_math_in_box_labels_follows_the_theme():
    def label(letters: str, text: str = "gain $x_7$") -> list:
        block = math_lines(ctx(letters), text, 15.0, None, 400, "text", "center", None,
                           Meta("b", "text", None, "box"), False)
        return paths(block)

    assert label("sans") != label("serif")
    assert label("sans") == label("serif", f"gain ${SANS_ITALIC_X}_{SANS_SEVEN}$")
