"""Spec-language gaps closed: placeholders inside lists of numbers, numeric options and markup; what the scene
draws from them."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Rect
from renderer.spec.errors import SpecError

SOFTMAX = "compute:\n  d: {fn: sampling.softmax, args: {logits: [1.0, 2.0, 3.0]}}\n"


def test_bar_values_may_be_a_list_of_placeholders_each_giving_one_number(write_spec):
    body = ("  chart: {kind: bar, x: {categories: [a, b, c]},\n"
            "          series: [{values: [\"{{ d.probs[2] }}\", 0.25, \"{{ d.probs | min }}\"]}]}\n")
    scene = scene_of(write_spec, body, compute=SOFTMAX)
    bars = sorted(kind(scene, "chart-bar", Rect), key=lambda b: b.x)
    probs = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
    ratios = [b.h / v for b, v in zip(bars, [probs[2], 0.25, probs[0]], strict=True)]
    assert len(bars) == 3 and max(ratios) - min(ratios) < 1e-6 * max(ratios)


def test_a_list_item_placeholder_that_gives_no_number_is_a_located_error(write_spec):
    body = "  chart: {kind: bar, x: {categories: [a, b]}, series: [{values: [\"{{ d.probs }}\", 0.25]}]}\n"
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, body, compute=SOFTMAX)
    assert ":7:" in str(e.value) and "expected a number" in str(e.value)
