"""ziamath's row-height pass is remembered, and skipped for rows with no stretchy operator
(math_glyphs._memo_row_heights): formulas come out exactly the same."""

from __future__ import annotations

import pytest

from renderer.layout import math_glyphs


@pytest.mark.parametrize("tex", [
    r"\mathcal{L}_{\mathrm{DPO}}=-\log\sigma\left(\beta\log\frac{\pi_\theta(y_w\mid x)}{\pi_{\mathrm{ref}}(y_w\mid x)}"
    r"-\beta\log\frac{\pi_\theta(y_l\mid x)}{\pi_{\mathrm{ref}}(y_l\mid x)}\right)",
    r"\begin{aligned}G_t&=r_{t+1}+\gamma G_{t+1}\\&=\sum_{k=0}^{T-t-1}\gamma^k r_{t+k+1}\end{aligned}",
    r"p_i=\frac{\exp(z_i/T)}{\sum_j \exp(z_j/T)}",
    # rows with no stretchy operator skip the pass; ones holding one deep inside still take it
    r"x_1 + y^2 \cdot z", r"\frac{a_{i}}{b+\frac{c}{\left[ \frac{d}{e} \right]}}", r"\left\| \frac{W}{2} \right\|_F",
    r"\sqrt{\frac{1}{n}\sum_i \left| x_i - \mu \right|^2}", r"\begin{bmatrix} 1 & \frac{a}{b} \\ 0 & 1 \end{bmatrix}",
])
def test_remembered_heights_typeset_exactly_as_the_library_does(tex, monkeypatch):
    from ziamath.nodes import mrow

    math_glyphs.outline.cache_clear()
    remembered = math_glyphs.outline(tex, 20.0)  # installs the memo on first use
    assert getattr(mrow.Mrow._get_height_nostretch, "_memo", False)
    plain = mrow.Mrow._get_height_nostretch.__closure__  # the wrapped method is in the closure
    measure = next(c.cell_contents for c in plain if callable(c.cell_contents)
                   and getattr(c.cell_contents, "__name__", "") == "_get_height_nostretch")
    monkeypatch.setattr(mrow.Mrow, "_get_height_nostretch", measure)
    monkeypatch.setattr(math_glyphs, "_memo_row_heights", lambda: None)
    math_glyphs.outline.cache_clear()
    assert math_glyphs.outline(tex, 20.0) == remembered
    math_glyphs.outline.cache_clear()
