"""Spec-language gaps closed: placeholders inside lists of numbers, numeric options and markup; what the scene
draws from them."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.markup import SCRIPT_SCALE
from renderer.scene import Group, Path, Rect, Text, bbox, walk
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


def _boxes(scene) -> list:
    """The box groups of a scene, left to right, top to bottom."""
    return sorted(kind(scene, "box", Group), key=lambda g: (round(bbox(g)[1]), bbox(g)[0]))


def test_box_step_bold_state_and_dashed_may_be_placeholders(write_spec):
    body = ("  row:\n    repeat: \"{{ vars.names }}\"\n    item:\n"
            "      box: {text: \"{{ item }}\", step: \"{{ index + 1 }}\", bold: \"{{ index == 1 }}\",\n"
            "            state: \"{{ 'ghost' if index == 2 else None }}\", dashed: \"{{ index == 0 }}\"}\n")
    scene = scene_of(write_spec, body, compute="vars:\n  names: [alpha, beta, gamma]\n")
    boxes = _boxes(scene)
    steps = [[p.text for p in walk([g]) if isinstance(p, Text) and p.meta.kind == "step"] for g in boxes]
    assert steps == [["1"], ["2"], ["3"]]
    labels = {p.text: p for p in walk(scene.items) if isinstance(p, Text) and p.text in ("alpha", "beta", "gamma")}
    assert [labels[n].weight for n in ("alpha", "beta", "gamma")] == [400, 700, 400]
    shapes = [g.children[0] for g in boxes]
    assert shapes[0].style.dash is not None and shapes[1].style.dash is None
    assert shapes[2].style.fill is None and shapes[2].style.dash is not None  # ghost: a dashed outline only


@pytest.mark.parametrize("tiers, rows", [(1, 1), (2, 2), (3, 3), ("auto", None)])
def test_wrap_may_be_a_placeholder(write_spec, tiers, rows):
    body = ("  row:\n    wrap: \"{{ vars.tiers }}\"\n    items: [" + ", ".join(f"{{box: b{i}}}" for i in range(6))
            + "]\n")
    value = f"'{tiers}'" if isinstance(tiers, str) else tiers
    scene = scene_of(write_spec, body, compute=f"vars:\n  tiers: {value}\n")
    tops = {round(bbox(g)[1]) for g in kind(scene, "box", Group)}
    assert len(tops) == rows if rows else len(tops) >= 1


@pytest.mark.parametrize("field, value, message", [
    ("step", "{{ 1000 + 0 }}", "out of range"),
    ("state", "{{ 'gone' }}", "gone"),
])
def test_a_placeholder_option_with_a_wrong_value_is_a_located_error(write_spec, field, value, message):
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, f"  box: {{text: a, {field}: \"{value}\"}}\n")
    assert ":5:" in str(e.value) and message in str(e.value)


@pytest.mark.parametrize("label", ["x_{{{ vars.i }}}", "x_{ {{ vars.i }} }", "x_{{{ vars.i - 1 + 1 }}}"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_script_markup_may_hold_a_placeholder(write_spec, label, lang):
    scene = scene_of(write_spec, f"  box: {{text: \"{label}\", role: model}}\n", lang, compute="vars:\n  i: 7\n")
    texts = [p for p in walk(scene.items) if isinstance(p, Text) and p.meta.kind == "box-text"]
    assert [t.text for t in texts] == ["x", "7"]
    base, script = texts
    assert script.size == pytest.approx(base.size * SCRIPT_SCALE) and script.y > base.y  # a subscript, lowered
    assert script.x >= base.x + base.width - 0.01


def test_a_superscript_and_a_subscript_placeholder_side_by_side(write_spec):
    scene = scene_of(write_spec, "  box: {text: \"G^{{{ vars.i + 1 }}}_{{{ vars.i }}}\"}\n", compute="vars:\n  i: 2\n")
    texts = {p.text: p for p in walk(scene.items) if isinstance(p, Text) and p.meta.kind == "box-text"}
    assert set(texts) == {"G", "3", "2"} and texts["3"].y < texts["G"].y < texts["2"].y


@pytest.mark.parametrize("direction", ["TB", "BT", "LR", "RL"])
def test_same_rank_keeps_the_order_given(write_spec, direction):
    """Left to right in TB/BT, top to bottom in LR/RL, even against dot's own order (it would put a, b, c)."""
    body = (f"  graph:\n    direction: {direction}\n"
            "    nodes: [{id: r, text: R}, {id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, text: D}]\n"
            "    edges: [{from: r, to: a}, {from: r, to: b}, {from: r, to: c}, {from: a, to: d}]\n"
            "    same_rank: [[c, a, b]]\n")
    scene = scene_of(write_spec, body)
    at = {g.meta.id: bbox(g) for g in kind(scene, "box", Group)}
    across = 0 if direction in ("TB", "BT") else 1
    assert sorted("abc", key=lambda n: at[n][across]) == ["c", "a", "b"]
    assert len({round(at[n][1 - across]) for n in "abc"}) == 1  # still one rank
    assert len(kind(scene, "graph-edge", Path)) == 4  # the invisible chain is not drawn


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_hatched_masked_tensor_cell_keeps_its_value_on_a_white_chip(write_spec, lang):
    body = ("  tensor: {values: [[0.12, 0.5], [0.25, 0.75]], mask: [[true, false], [false, true]],"
            " mask_style: hatch, format: '.2f'}\n")
    scene = scene_of(write_spec, body, lang)
    cells = {p.meta.parts[0]: p for p in kind(scene, "tensor-cell", Group)}
    hatched = {k for k, g in cells.items() if g.children[0].style.hatch}
    assert hatched == {"r0c1", "r1c0"}
    for part, value in (("r0c0", "0.12"), ("r0c1", "0.50"), ("r1c0", "0.25"), ("r1c1", "0.75")):
        texts = [p for p in walk([cells[part]]) if isinstance(p, Text)]
        assert [t.text for t in texts] == [value], part  # every cell, hatched or not, prints its value
        chips = [p for p in walk([cells[part]]) if isinstance(p, Rect) and p.meta.kind == "tensor-chip"]
        assert bool(chips) == (part in hatched)
        for chip in chips:  # white, under the whole text
            t = texts[0]
            assert chip.style.fill == "#FFFFFF" and chip.x <= t.x and t.x + t.width <= chip.x + chip.w
            assert chip.y <= t.y - t.size * 0.7 and t.y <= chip.y + chip.h
    text_mask = scene_of(write_spec, body.replace("hatch", "text"), lang)
    written = {p.text for p in kind(text_mask, "tensor-cell-text", Text)}
    assert written == {"0.12", "0.75", "−∞"}  # a text mask still writes −∞ instead


def test_grid_columns_may_be_a_placeholder(write_spec):
    boxes = ", ".join(f"{{box: b{i}}}" for i in range(6))
    body = "  grid:\n    columns: \"{{ vars.n }}\"\n    items: [" + boxes + "]\n"
    for n, rows in ((2, 3), (3, 2), (6, 1)):
        scene = scene_of(write_spec, body, compute=f"vars:\n  n: {n}\n")
        tops = {round(bbox(g)[1]) for g in kind(scene, "box", Group)}
        assert len(tops) == rows
