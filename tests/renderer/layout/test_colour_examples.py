"""The examples added for issue #14's missing rows: bars under a tracked token row, a component repeated with
edges to its copies' parts, and a scatter; each asserted from its scene in both languages."""

from __future__ import annotations

import pytest
from _helpers import kind

from renderer.app.check import check_spec
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Line, Rect, bbox, walk
from renderer.spec.loader import load

EXAMPLES = ROOT / "specs" / "_examples"


def scene(name: str, lang: str):
    return layout(bind(load(EXAMPLES / f"{name}.yaml")).for_lang(lang), load_theme())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_bar_of_the_repeat_example_sits_under_its_token(lang):
    sc = scene("repeat", lang)
    tokens = sorted((bbox(g) for g in kind(sc, "box", Group) if g.meta.role == "data"), key=lambda b: b[0])
    bars = sorted((bbox(p) for p in kind(sc, "chart-bar", Rect)), key=lambda b: b[0])
    assert len(tokens) == len(bars) == 4
    for t, b in zip(tokens, bars, strict=True):
        assert abs((t[0] + t[2]) / 2 - (b[0] + b[2]) / 2) < 1.0 and b[1] > t[3]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_repeated_component_gets_indexed_ids_that_edges_reach(lang):
    sc = scene("repeat-component", lang)
    ids = {p.meta.id for p in walk(sc.items) if p.meta.id}
    assert {"lora.w-0", "lora.a-1", "lora.add-1"} <= ids and "lora.w" not in ids
    assert len(kind(sc, "edge", Line)) >= 12  # input → W and A of both copies, A → B, W and B → +, + → attention


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scatter_example_draws_markers_and_no_line(lang):
    sc = scene("chart-scatter", lang)
    assert not kind(sc, "chart-line") and not kind(sc, "chart-curve")
    assert len([m for m in kind(sc, "chart-marker") if "legend" not in (m.meta.kind or "")]) >= 20


@pytest.mark.parametrize("name", ["repeat", "repeat-component", "chart-scatter", "color-by", "legend-auto"])
def test_the_examples_are_clean(name):
    assert check_spec(EXAMPLES / f"{name}.yaml") == []
