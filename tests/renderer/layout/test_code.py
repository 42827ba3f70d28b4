"""Code layout: the real source of compute functions, token colours from theme roles, mono font, on a panel."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from pydantic import ValidationError

from compute import registry
from renderer.app.check import DEFECTS, check_spec
from renderer.bind.code_sources import function_source
from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.code import layout_code, token_role
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Rect, Text, bbox, walk
from renderer.spec.elements.code import Code
from renderer.spec.errors import SpecError


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None, {"rl.gae": function_source("rl.gae")})


def lines_of(block) -> dict[float, str]:
    """Code text per baseline, rebuilt from each run's measured column (mono font: one advance per char)."""
    runs = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "code-text"]
    col = ctx().metrics.width("x", runs[0].size, mono=True)
    x0 = min(t.x for t in runs)
    out: dict[float, str] = {}
    for t in sorted(runs, key=lambda t: (t.y, t.x)):
        line = out.get(round(t.y, 2), "")
        out[round(t.y, 2)] = line.ljust(round((t.x - x0) / col)) + t.text
    return out


def test_source_shows_the_real_def_line_of_the_registered_function():
    block = layout_code(Code(source="rl.gae"), ("code",), ctx())
    first = lines_of(block)[min(lines_of(block))]
    real = inspect.getsource(registry.get("rl.gae")).splitlines()[0].strip()
    assert first == real
    assert first.startswith("def gae(")


def test_lines_slice_and_docstring_removal_keep_the_function_numbering():
    block = layout_code(Code(source="rl.gae", docstring=False, line_numbers=True, lines=[1, 20]), ("code",), ctx())
    nums = [int(t.text) for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "code-lineno"]
    assert nums[0] == 1 and nums[-1] == 20 and nums == sorted(nums) and len(nums) < 20  # docstring lines gone
    assert not any('"""' in s for s in lines_of(block).values())


def test_tokens_take_theme_role_colours_never_raw_hex():
    theme = load_theme()
    block = layout_code(Code(code="def f(x):\n    # note\n    return x + 1.5  # done\ns = 'str'\n"), ("code",), ctx())
    texts = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "code-text"]
    role = {t.text: t.meta.role for t in texts}
    assert role["def"] == "title" and role["f"] == "warm" and role["1.5"] == "emphasis"
    assert role["'str'"] == "kept" and role["# note"] == "muted" and role["x +"] == "text"
    assert all(t.fill == theme.color(t.meta.role) for t in texts)
    assert all(t.family[0] == theme.fonts["mono"][0] for t in texts)


def test_code_sits_inside_its_background_panel_with_highlighted_lines():
    block = layout_code(Code(code="a = 1\nb = 2\nc = 3", highlight=[2], line_numbers=True, title="t.py"),
                        ("code",), ctx())
    panel = block.items[0].children[0]
    assert isinstance(panel, Rect) and panel.meta.kind == "code"
    pb = bbox(panel)
    for t in walk(block.items):
        if isinstance(t, Text):
            b = bbox(t)
            assert pb[0] <= b[0] and b[2] <= pb[2] and pb[1] <= b[1] and b[3] <= pb[3], t.text
    hl = [r for r in walk(block.items) if isinstance(r, Rect) and r.meta.kind == "code-highlight"]
    assert len(hl) == 1 and hl[0].style.fill == load_theme().color("kept-bg")


def test_runs_are_placed_at_their_measured_mono_columns_and_keep_inner_spaces():
    m = ctx().metrics
    block = layout_code(Code(code="    x  =  G_{t} + 1.5"), ("code",), ctx())
    runs = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "code-text"]
    assert [r.text for r in runs] == ["x  =  G_{t} +", "1.5"]  # literal: no sub/superscript markup
    col = m.width("x", runs[0].size, mono=True)
    assert runs[1].x - runs[0].x == pytest.approx(14 * col, rel=1e-6)
    assert runs[0].width == pytest.approx(13 * col, rel=1e-6)
    panel = block.items[0].children[0]
    assert runs[0].x == pytest.approx(panel.x + 10 + 4 * col)  # padding + the 4 leading spaces


def test_token_roles_fall_back_to_text():
    from pygments.token import Token

    assert token_role(Token.Punctuation) == ("text", False, False)


def test_exactly_one_source_and_known_functions_only():
    with pytest.raises(ValidationError, match="exactly one"):
        Code(code="x", source="rl.gae")
    with pytest.raises(ValidationError, match="unknown compute function"):
        Code(source="rl.nope")
    with pytest.raises(SpecError, match="beyond"):
        layout_code(Code(code="a\nb", lines=[1, 5]), ("code",), ctx())


def test_the_code_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/code.yaml"), only=DEFECTS) == []
