"""Math layout: LaTeX becomes vector Path primitives (never images), measured like text, cached, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.app.check import DEFECTS, check_spec
from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.math import layout_math
from renderer.layout.math_glyphs import outline, path_cmds
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Path as PathPrim
from renderer.scene import Text, bbox, walk
from renderer.spec.elements.math import Math
from renderer.spec.errors import SpecError


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


def test_a_formula_is_drawn_only_as_filled_paths_of_its_role_colour():
    block = layout_math(Math(tex=r"\frac{QK^\top}{\sqrt{d_k}}", role="title"), ("math",), ctx())
    prims = list(walk(block.items))
    assert prims and all(isinstance(p, PathPrim) for p in prims)
    assert {p.style.fill for p in prims} == {load_theme().color("title")}
    assert all(c[0] in ("M", "L", "C", "Z") for p in prims for c in p.cmds)


def test_the_bbox_grows_with_the_formula_and_stays_inside_the_block():
    sizes = []
    for tex in ["x", "x + y", r"x + y + \frac{a}{b}", r"x + y + \frac{a}{b} + \sum_{i=1}^{n} x_i"]:
        block = layout_math(Math(tex=tex), ("math",), ctx())
        x0, y0, x1, y1 = bbox(block.items[0])
        assert -0.5 <= x0 and x1 <= block.w + 0.5 and -0.5 <= y0 and y1 <= block.h + 0.5
        sizes.append((x1 - x0, block.w, block.h))
    widths = [s[0] for s in sizes]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert sizes[-1][2] > sizes[0][2]  # the fraction and the sum's limits make it taller


def test_size_scales_the_outline():
    small = layout_math(Math(tex="E = mc^2", size="small"), ("math",), ctx())
    big = layout_math(Math(tex="E = mc^2", size=30), ("math",), ctx())
    assert big.w / small.w == pytest.approx(30 / load_theme().sizes["small"], rel=0.03)


def test_outline_is_cached_per_latex_and_size():
    outline.cache_clear()
    a = outline("a^2+b^2", 15.0)
    b = outline("a^2+b^2", 15.0)
    assert a is b
    assert outline("a^2+b^2", 16.0) is not a


def test_inline_text_mixes_measured_words_and_formulas_and_wraps():
    el = Math(text=r"The TD error $\delta_t = r_t + \gamma V(s_{t+1}) - V(s_t)$ measures surprise, and "
                   r"we sum it with weights $(\gamma\lambda)^l$ over many steps (\$0).", max_width=260)
    block = layout_math(el, ("math",), ctx())
    texts = [p for p in walk(block.items) if isinstance(p, Text)]
    paths = [p for p in walk(block.items) if isinstance(p, PathPrim)]
    assert len(paths) == 2 and texts
    assert any("$0" in t.text for t in texts)
    for p in [*texts, *paths]:
        x0, _, x1, _ = bbox(p)
        assert x0 >= -0.5 and x1 <= max(block.w, 260) + 0.5
    assert len({round(t.y) for t in texts}) >= 2  # wrapped onto several lines
    for a in texts:
        for b in paths:
            ta, pb = bbox(a), bbox(b)
            assert not (min(ta[2], pb[2]) - max(ta[0], pb[0]) > 1 and min(ta[3], pb[3]) - max(ta[1], pb[1]) > 3)


def test_chinese_text_goes_around_the_formula_in_the_theme_font():
    el = Math(text={"en": "x", "zh": r"其中 $\delta_t$ 是误差"})
    block = layout_math(el, ("math",), ctx("zh"))
    assert [t.text for t in walk(block.items) if isinstance(t, Text)] == ["其中 ", " 是误差"]


def test_bad_latex_and_unbalanced_dollars_are_located_errors():
    with pytest.raises(SpecError, match="cannot typeset"):
        layout_math(Math(tex=r"\frac{a}{"), ("math",), ctx())
    with pytest.raises(SpecError, match="unbalanced"):
        layout_math(Math(text="costs $5"), ("math",), ctx())
    with pytest.raises(SpecError, match="Chinese"):
        layout_math(Math(tex=r"x + 中"), ("math",), ctx())


def test_svg_path_data_converts_quadratics_and_relative_commands_to_absolute_cubics():
    cmds = path_cmds("M 0 0 Q 3 3 6 0 l 1 1 h 2 v -1 Z m 1 1 L 2 2")
    assert cmds[0] == ("M", 0.0, 0.0)
    assert cmds[1] == pytest.approx(("C", 2.0, 2.0, 4.0, 2.0, 6.0, 0.0)) or cmds[1][0] == "C"
    assert cmds[1][1:] == pytest.approx((2.0, 2.0, 4.0, 2.0, 6.0, 0.0))
    assert cmds[2:5] == [("L", 7.0, 1.0), ("L", 9.0, 1.0), ("L", 9.0, 0.0)]
    assert cmds[5] == ("Z",) and cmds[6] == ("M", 1.0, 1.0) and cmds[7] == ("L", 2.0, 2.0)


def test_the_math_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/math.yaml"), only=DEFECTS) == []


def test_angle_brackets_and_ampersands_inside_text_are_typeset_as_written():
    from renderer.layout.math_glyphs import _mathml

    root, _ = _mathml(r"\underbrace{0.77}_{\text{<END> & <EOS>}} < 1", inline=False)
    texts = [el.text for el in root.iter() if el.tag.endswith("mtext")]
    assert [t.replace("\u00a0", " ") for t in texts] == ["<END> & <EOS>"]
    wide, plain = outline(r"\text{<END>}", 16.0), outline(r"\text{END}", 16.0)
    assert wide.width > plain.width  # the brackets are drawn, not dropped
