"""Sweeps on DPO's β, the implicit-reward curve's β, PPO-Clip's ε, the ε-greedy decay rate and LoRA's rank (#22).

Each test lays out every frame of the diagram's sweep and reads the scene: the picture moves the way the swept
parameter says (numbers re-derived here from the papers' formulas, not from compute/), and the axes stay put
so frames compare.
"""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
import pytest

from renderer.app import sweeps
from renderer.app.build import find_specs
from renderer.layout.theme import load_theme
from renderer.scene import Line, Rect, Text, walk
from renderer.spec.loader import load


@cache
def frames(stem: str, lang: str = "en") -> tuple[list, list]:
    """(the sweep's values, one laid-out scene per value)."""
    spec = load(next(p for p in find_specs() if p.stem == stem))
    scenes = sweeps.frame_scenes(sweeps.bind_frames(spec), lang, load_theme())
    return spec.diagram.sweep.frame_values(), scenes


def prims(scene, kind: str, el: str | None = None, cls=object) -> list:
    return [p for p in walk(scene.items)
            if isinstance(p, cls) and p.meta.kind == kind and (el is None or p.meta.id == el)]


def texts(scene, kind: str | None = None, el: str | None = None) -> list[str]:
    return [t.text for t in walk(scene.items) if isinstance(t, Text)
            and (kind is None or t.meta.kind == kind) and (el is None or t.meta.id == el)]


def axis_lines(scene, el: str) -> list:
    return sorted(p.points for p in prims(scene, "chart-axis", el, Line))


def x_axis(scene, el: str) -> tuple[float, float]:
    """Pixel x of the horizontal axis line's two ends."""
    (x0, _), (x1, _) = next(a for a in axis_lines(scene, el) if a[0][1] == a[-1][1])
    return x0, x1


def axes(scene, el: str) -> list:
    """The chart's axis lines and its tick labels where they are drawn (equal across frames: a fixed scale)."""
    return axis_lines(scene, el) + sorted((t.text, round(t.x, 3), round(t.y, 3))
                                          for t in prims(scene, "chart-tick", el, Text))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_implicit_reward_curve_sharpens_with_beta_on_fixed_axes():
    values, scenes = frames("dpo-implicit-reward")
    assert values == [0.1, 0.25, 0.5, 1, 2]
    spreads = []
    for beta, scene in zip(values, scenes, strict=True):
        notes = " ".join(texts(scene, "chart-annotation", "curve"))
        # DPO paper eq. 7: the pair's weight σ(r̂_l − r̂_w) = σ(−βΔ), read at Δ = −3 and Δ = +3
        assert f"Δ = −3: coefficient {sigmoid(3 * beta):.3f}" in notes
        assert f"Δ = 3: coefficient {sigmoid(-3 * beta):.3f}" in notes
        assert f"β = {beta:g}" in " ".join(texts(scene, "chart-title", "curve"))
        curve = max(prims(scene, "chart-line", "curve", Line), key=lambda ln: len(ln.points)).points
        spreads.append(curve[130][1] - curve[70][1])  # pixels between the readings at Δ = +3 and Δ = −3
    assert all(a < b for a, b in zip(spreads, spreads[1:], strict=False)), spreads
    assert all(axes(s, "curve") == axes(scenes[0], "curve") for s in scenes)


def _tilted(stem: str, beta: float) -> tuple[float, float]:
    """KL(π*‖π_ref) and E_π*[r] of π* ∝ π_ref·exp(r/β), from the spec's shapes, in plain numpy."""
    v = load(next(p for p in find_specs() if p.stem == stem)).doc.data["vars"]
    ref = np.exp(np.array(v["ref_logits"]))
    ref /= ref.sum()
    r = np.array(v["reward"])
    q = ref * np.exp(r / beta)
    q /= q.sum()
    return float(np.sum(q * np.log(q / ref))), float(q @ r)


def test_dpo_beta_middle_panel_follows_the_slider_between_fixed_ends():
    values, scenes = frames("dpo-beta")
    assert values == [3, 2, 1, 0.5, 0.3]
    peaks, ends = [], []
    for beta, scene in zip(values, scenes, strict=True):
        runs: dict[str, list[Text]] = {}  # a note's runs (text, then the subscript π*, then text) by its source
        for t in prims(scene, "note", cls=Text):
            runs.setdefault(t.meta.src, []).append(t)
        notes = sorted(("".join(t.text for t in ts), min(t.x for t in ts)) for ts in runs.values())
        notes = [n for n, _ in sorted((n for n in notes if "[r] =" in n[0]), key=lambda n: n[1])]
        kl, er = _tilted("dpo-beta", beta)
        assert f"= {kl:.2f};" in notes[1] and f"[r] = {er:.2f}".replace("-", "−") in notes[1], (beta, notes)
        ends.append((notes[0], notes[2]))
        assert f"β = {beta:g}" in texts(scene, "panel-title", "mid")
        policy = prims(scene, "chart-line", "mid-pi", Line)[2].points  # ref, data, π* in order
        base = max(y for ln in axis_lines(scene, "mid-pi") for _, y in ln)
        peaks.append(base - min(y for _, y in policy))
    assert all(e == ends[0] for e in ends), "the β = 5 and β = 0.25 panels do not change"
    assert all(a < b for a, b in zip(peaks, peaks[1:], strict=False)), "a smaller β concentrates π*"
    for el in ("large-pi", "mid-pi", "small-pi"):  # fixed y scale: the reference curve is the same line
        assert all(prims(s, "chart-line", el, Line)[0].points == prims(scenes[0], "chart-line", el, Line)[0].points
                   for s in scenes)


def test_ppo_clip_band_is_two_epsilon_wide_on_fixed_axes():
    values, scenes = frames("ppo-clip")
    assert values == [0.1, 0.15, 0.2, 0.25, 0.3]
    x0, x1 = x_axis(scenes[0], "clip-coef")
    per_unit = (x1 - x0) / (1.6 - 0.4)  # the x axis spans the ratios 0.4 … 1.6
    for eps, scene in zip(values, scenes, strict=True):
        band = prims(scene, "chart-region", "clip-coef", Rect)[0]
        assert band.w == pytest.approx(2 * eps * per_unit)
        assert band.x == pytest.approx(x0 + (1 - eps - 0.4) * per_unit)
        assert f"clipped to [{1 - eps:g}, {1 + eps:g}]" in " ".join(texts(scene, "note"))
        # L = min(rA, clip(r, 1−ε, 1+ε)A) for A = 1 is flat from 1+ε on: its last point sits at 1+ε's height
        obj = prims(scene, "chart-line", "pos-objective", Line)[2].points
        ticks = {t.text: t for t in prims(scene, "chart-tick", "pos-objective", Text)}
        assert obj[-1][1] == pytest.approx(obj[int(round((1 + eps - 0.4) / 0.05))][1])
        assert "1+ε" in ticks
    for el in ("clip-coef", "linear-coef", "pos-objective", "neg-objective"):  # the 1 ± ε ticks move, the rest stay
        lines = [axis_lines(s, el) for s in scenes]
        assert all(ln == lines[0] for ln in lines)
        fixed = [[(t.text, t.x, t.y) for t in prims(s, "chart-tick", el, Text) if "ε" not in t.text] for s in scenes]
        assert all(f == fixed[0] for f in fixed)


def test_epsilon_decay_rate_moves_the_time_constant_and_the_readings():
    values, scenes = frames("dynamic-epsilon")
    assert values == [100, 150, 200, 300, 400]
    x0, x1 = x_axis(scenes[0], "curve")
    for tau, scene in zip(values, scenes, strict=True):
        vertical = [ln for ln in prims(scene, "chart-ref", "curve", Line) if ln.points[0][0] == ln.points[-1][0]]
        assert vertical[0].points[0][0] == pytest.approx(x0 + (x1 - x0) * tau / 1000)
        shown = texts(scene)
        # PyTorch DQN tutorial's schedule: ε_t = ε_min + (ε_0 − ε_min)·exp(−t/τ)
        for t in (250, 500, 750, 1000):
            assert f"{0.05 + 0.95 * math.exp(-t / tau):.2f}" in shown
        notes = " ".join(texts(scene, "chart-annotation", "curve"))
        assert f"ε = {0.05 + 0.95 * math.exp(-800 / tau):.2f}" in notes
        assert f"t = τ = {tau}" in texts(scene, "chart-label", "curve")
    assert all(axes(s, "curve") == axes(scenes[0], "curve") for s in scenes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lora_rank_sets_the_adapter_size_and_ratio(lang):
    values, scenes = frames("lora", lang)
    assert values == [1, 2, 4, 16, 64, 256]
    d = 1024
    for r, scene in zip(values, scenes, strict=True):
        count = " ".join(texts(scene, "box-text", "ba-count"))
        n = int(re.search(r"([\d,]+)", count.replace("B and A", "").replace("B 与 A", "")).group(1).replace(",", ""))
        assert n == r * (d + d)  # Hu et al. 2021: B is d × r, A is r × d
        assert f"{100 * r * 2 * d / d**2:.2f}%" in count
        assert str(r) in texts(scene, "tensor-brace-text", "B") and str(r) in texts(scene, "tensor-brace-text", "A")
        cols = {round(c.x, 1) for c in prims(scene, "tensor-cell", "B", Rect)}
        assert len(cols) == min(r, 4 if r > 5 else r)  # up to 5 columns drawn, then an ellipsis column
    boxes = [[(b.x, b.y) for b in prims(s, "box", "x", Rect)] for s in scenes]
    assert all(b == boxes[0] for b in boxes), "the attention panel stays in place"
