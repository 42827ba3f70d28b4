"""Sweeps on collection diagrams (issue #22): moving the slider changes the picture in the way the parameter
teaches, on fixed axes and colour scales (so frames compare), and the initial frame is the ordinary output."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from renderer.app import sweeps
from renderer.app.build import find_specs
from renderer.layout.theme import load_theme
from renderer.scene import Line, Rect, Text, walk
from renderer.spec.loader import load

SWEPT = ("return-backwards", "gae", "rope-frequencies", "alibi", "speculative-decoding")


def spec_path(stem: str) -> Path:
    return next(p for p in find_specs() if p.stem == stem)


@cache
def frames(stem: str, lang: str = "en") -> tuple:
    spec = load(spec_path(stem))
    return spec, tuple(sweeps.frame_scenes(sweeps.bind_frames(spec), lang, load_theme()))


def values(stem: str) -> list:
    return frames(stem)[0].diagram.sweep.frame_values()


def parts(scene, eid: str, kind: str, cls: type = Rect) -> list:
    return [it for it in walk(scene.items) if isinstance(it, cls) and it.meta.id == eid and it.meta.kind == kind]


def text(scene) -> str:
    return " ".join(t.text for t in walk(scene.items) if isinstance(t, Text))


def test_every_frame_has_the_same_size():
    for stem in SWEPT:
        for lang in ("en", "zh"):
            sizes = {(round(s.width, 3), round(s.height, 3)) for s in frames(stem, lang)[1]}
            assert len(sizes) == 1, (stem, lang, sizes)


def test_return_backwards_gamma_shrinks_the_weight_of_late_rewards():
    spec, scenes = frames("return-backwards")
    assert values("return-backwards")[sweeps.start_index(spec)] == 0.8  # the reviewed picture is the initial frame
    heights = [[b.h for b in parts(s, "weights", "chart-bar")] for s in scenes]
    full = heights[0][0]
    for g, h in zip(values("return-backwards"), heights, strict=True):
        assert len(h) == 4 and h[0] == pytest.approx(full)  # γ^0 = 1 on the same fixed axis in every frame
        assert [x / full for x in h] == pytest.approx([g ** k for k in range(4)], abs=1e-6)
    assert heights[0][3] < heights[-1][3]  # r_4 weighs more the larger γ
    # G_0 printed in each frame is the discounted sum for that frame's γ
    r = spec.doc.data["vars"]["rewards"]
    for g, s in zip(values("return-backwards"), scenes, strict=True):
        g0 = sum(g ** k * x for k, x in enumerate(r))
        assert f"{g0:g}" in text(s)


def line_ys(scene, eid: str, role: str) -> list[float]:
    (ln,) = [x for x in parts(scene, eid, "chart-line", Line) if x.meta.role == role]
    return [y for _, y in ln.points]


ON_TOP = 3.0  # px: a line drawn on another is moved aside by about its width to stay visible (chart.py)


def test_gae_lambda_moves_the_advantage_line_from_td_to_monte_carlo():
    spec, scenes = frames("gae")
    lams = values("gae")
    assert lams[sweeps.start_index(spec)] == 0.95 and lams[0] == 0 and lams[-1] == 1
    ys = [(line_ys(s, "curve", "text-soft"), line_ys(s, "curve", "warm"), line_ys(s, "curve", "frame"))
          for s in scenes]
    td, mc = ys[0][0], ys[0][2]
    for lo, mid, hi in ys:
        assert lo == pytest.approx(td) and hi == pytest.approx(mc)  # the extremes stay put: the y axis is fixed
        for a, b, c in zip(lo, mid, hi, strict=True):  # GAE lies between them at every step (smaller y = higher)
            assert min(a, c) - ON_TOP <= b <= max(a, c) + ON_TOP
    assert ys[0][1] == pytest.approx(td, abs=ON_TOP) and ys[-1][1] == pytest.approx(mc, abs=ON_TOP)
    a0 = [mid[0] for _, mid, _ in ys]
    assert a0 == sorted(a0, reverse=True) and a0[0] > a0[-1]  # A_0 rises monotonically with λ
    assert "γλ = 0.855" in text(scenes[lams.index(0.95)])


def test_rope_base_slows_the_low_frequency_pairs():
    spec, scenes = frames("rope-frequencies")
    bases = values("rope-frequencies")
    assert bases == sorted(bases) and bases[sweeps.start_index(spec)] == 10000
    # (1) θ_i on a fixed axis: pair 0 is 1 rad per position for every base, the rest fall faster the larger the base
    lines = [parts(s, "theta", "chart-line", Line)[0].points for s in scenes]
    assert len({round(p[0][1], 6) for p in lines}) == 1
    mid = [p[32][1] for p in lines]
    assert mid == sorted(mid) and mid[0] < mid[-1]  # larger y = lower θ_32
    # (5) over 4096 positions: the cells still near angle 0 (scale bin 0) grow with the base
    still = [sum(1 for c in parts(s, "far", "chart-cell") if c.meta.role == "scale-0") for s in scenes]
    assert still == sorted(still) and still[-1] > 2 * still[0]
    for b, s in zip(bases, scenes, strict=True):  # the θ_8 annotation prints that frame's base^(−16/128)
        assert f"{b ** (-16 / 128):#.3g}" in text(s)


def test_alibi_more_heads_pack_the_same_slope_range_more_densely():
    spec, scenes = frames("alibi")
    hs = values("alibi")
    assert hs[sweeps.start_index(spec)] == 8
    first, last = [], []
    for h, s in zip(hs, scenes, strict=True):
        bars = parts(s, "slopes", "chart-bar")
        assert len(bars) == h  # one bar per head, numbered 1 … H
        first.append(bars[0].h)
        last.append(bars[-1].h)
        assert f"m = {2 ** (-8 / h):.3g}" in text(s)  # head 1's slope, printed in panels 1 and 3
    # on the fixed 0–1 axis the first head's bar grows towards 1 while the last stays at 2^-8
    assert first == sorted(first) and first[-1] / first[0] == pytest.approx(2 ** (-8 / 32) / 2 ** (-8 / 4))
    assert max(last) == pytest.approx(min(last))


def test_speculative_decoding_draws_gamma_proposals_and_greys_the_rest():
    spec, scenes = frames("speculative-decoding")
    gammas = values("speculative-decoding")
    assert gammas[sweeps.start_index(spec)] == 6  # the ordinary output drafts every slot
    slots = spec.doc.data["vars"]["gamma_max"]
    assert max(gammas) == slots
    unit = []
    for g, s in zip(gammas, scenes, strict=True):
        fills = [parts(s, f"prop{i}", "box")[0].meta.role for i in range(slots)]
        assert fills == ["module"] * g + ["light"] * (slots - g)  # drafted, then "not drafted"
        arrows = [x.meta.role for x in walk(s.items) if isinstance(x, Line) and x.meta.kind == "edge"][1:slots]
        assert arrows == ["arrow"] * (g - 1) + ["white"] * (slots - g)  # no arrow into an undrafted slot
        assert "thought" in [parts(s, f"verdict{i}", "box")[0].meta.role for i in range(g)]
        # the whole run's bars share one fixed axis: the height per emitted token is the same in every frame
        bar = parts(s, "perpass", "chart-bar")[0]
        label = next(t for t in parts(s, "perpass", "chart-value", Text))
        unit.append(bar.h / int(label.text))
    assert max(unit) == pytest.approx(min(unit))
    # the expected tokens per target pass, (1 − α^{γ+1}) / (1 − α), grow with γ and are printed per frame
    runs = [f.results["sd"] for f in sweeps.bind_frames(spec)]
    expected = [r["expected_tokens"] for r in runs]
    assert expected == sorted(expected) and expected[-1] > expected[0] + 1
    for r, s in zip(runs, scenes, strict=True):
        assert f"{r['expected_tokens']:.2f}" in text(s)
