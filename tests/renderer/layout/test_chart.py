"""Chart layout: nice ticks cover the data, bars and labels never collide, colours come from the theme."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from _helpers import kind, scene_of
from hypothesis import given
from hypothesis import strategies as st

from renderer.app.check import DEFECTS, check_spec
from renderer.layout.chart_axes import nice_ticks, segment_hits_box, stack_levels
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Group, Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError

PROBS = [0.24, 0.2, 0.16, 0.14, 0.12, 0.07, 0.05, 0.02]
TOKENS = '["on", "good", "have", "of", "today", "man", "not", "[EOS]"]'


def overlaps(a, b, tol: float = 0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def no_overlaps(items) -> None:
    for a, b in combinations(items, 2):
        assert not overlaps(bbox(a), bbox(b)), f"{getattr(a, 'text', a)} overlaps {getattr(b, 'text', b)}"


def is_nice(step: float) -> bool:
    mant = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mant, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


# ------------------------------------------------------------------ ticks

def test_nice_ticks_of_probabilities_are_tenths():
    assert nice_ticks(0, 0.34, 5) == [0, 0.1, 0.2, 0.3, 0.4]


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(1e-3, 1e6), st.integers(2, 10))
def test_nice_ticks_cover_the_range_with_a_1_2_5_step(lo, span, target):
    hi = lo + span
    ticks = nice_ticks(lo, hi, target)
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    tol = 1e-6 * steps[0]  # within a millionth of a step is on the tick
    assert ticks[0] <= lo + tol and ticks[-1] >= hi - tol
    assert all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)
    assert is_nice(steps[0])
    assert len(ticks) - 1 <= target + 2


def test_stack_levels_never_put_overlapping_spans_on_one_level():
    spans = [(0, 30), (10, 40), (35, 60), (50, 90), (95, 100)]
    levels = stack_levels(spans, 2)
    for (a, la), (b, lb) in combinations(zip(spans, levels, strict=True), 2):
        if la == lb:
            assert a[1] + 2 <= b[0] or b[1] + 2 <= a[0]


# ------------------------------------------------------------------ bars

def bar_body(extra: str = "", values: str = str(PROBS)) -> str:
    return (f"  chart:\n    id: c\n    kind: bar\n    x: {{categories: {TOKENS}, title: token}}\n"
            f"    y: {{title: probability}}\n    series:\n      - values: {values}\n        labels: '.2f'\n" + extra)


def value_ticks(scene) -> list[float]:
    src_y = [t for t in kind(scene, "chart-tick", Text) if t.anchor == "end"]
    return sorted(float(t.text.replace("−", "-")) for t in src_y)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bars_value_labels_and_category_labels_never_overlap(write_spec, lang):
    scene = scene_of(write_spec, bar_body(), lang)
    bars = kind(scene, "chart-bar", Rect)
    assert len(bars) == 8
    no_overlaps(bars)
    labels = kind(scene, "chart-value", Text) + [t for t in kind(scene, "chart-tick", Text)]
    no_overlaps(labels)
    for t in kind(scene, "chart-value", Text):
        assert not any(overlaps(bbox(t), bbox(b)) for b in bars)


def test_value_axis_ticks_cover_the_data_and_start_at_zero(write_spec):
    scene = scene_of(write_spec, bar_body())
    ticks = value_ticks(scene)
    assert ticks[0] <= 0 and ticks[-1] >= max(PROBS)
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and is_nice(steps.pop())


def test_bar_heights_are_proportional_to_values(write_spec):
    bars = kind(scene_of(write_spec, bar_body()), "chart-bar", Rect)
    ratios = [b.h / v for b, v in zip(bars, PROBS, strict=True)]
    assert max(ratios) - min(ratios) < 1e-6 * max(ratios)
    assert len({round(b.y + b.h, 6) for b in bars}) == 1, "bars share their baseline"


def test_long_category_labels_widen_the_plot_instead_of_colliding(write_spec):
    long_tokens = '["internationalisation", "tokenizer", "probability", "embedding", "vocabulary"]'
    body = (f"  chart:\n    kind: bar\n    x: {{categories: {long_tokens}}}\n"
            "    series: [{values: [5, 4, 3, 2, 1]}]\n")
    scene = scene_of(write_spec, body)
    cats = [t for t in kind(scene, "chart-tick", Text) if t.anchor == "middle"]
    assert [t.text for t in cats] == ["internationalisation", "tokenizer", "probability", "embedding", "vocabulary"]
    no_overlaps(cats)


def test_highlight_list_maps_to_kept_and_removed_roles(write_spec):
    compute = ("compute:\n  dist: {fn: sampling.top_p, args: "
               "{logits: [2.1, 1.9, 1.7, 1.6, 1.4, 0.9, 0.5, -0.3], p: 0.7}}\n")
    scene = scene_of(write_spec, bar_body("        highlight: '{{ dist.kept }}'\n", "'{{ dist.base_probs }}'"),
                     compute=compute)
    theme = load_theme()
    bars = kind(scene, "chart-bar", Rect)
    assert [b.meta.role for b in bars] == ["kept"] * 4 + ["removed"] * 4  # 0.74 >= 0.7 after four tokens
    assert {b.style.fill for b in bars} == {theme.color("kept"), theme.color("removed")}


def test_explicit_bar_roles_and_horizontal_bars(write_spec):
    body = ("  chart:\n    kind: bar\n    horizontal: true\n    x: {categories: [a, b, c]}\n"
            "    series: [{values: [1, 2, 4], roles: [muted, muted, emphasis], labels: 'd'}]\n")
    scene = scene_of(write_spec, body)
    bars = kind(scene, "chart-bar", Rect)
    assert [b.meta.role for b in bars] == ["muted", "muted", "emphasis"]
    assert len({round(b.x, 6) for b in bars}) == 1 and len({round(b.h, 6) for b in bars}) == 1
    assert bars[2].w == pytest.approx(4 * bars[0].w)
    cats = [t for t in kind(scene, "chart-tick", Text) if t.anchor == "end"]
    assert all(bbox(t)[2] <= bars[0].x for t in cats), "category labels sit left of the bars"
    for t, b in zip(kind(scene, "chart-value", Text), bars, strict=True):
        assert t.left >= b.x + b.w, "value label right of its bar"


def test_a_placeholder_that_stays_text_is_a_located_error(write_spec):
    compute = "compute:\n  dist: {fn: sampling.softmax, args: {logits: [1, 2, 3]}}\n"
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, bar_body(values="'p = {{ dist.probs }}'"), compute=compute)
    msg = str(e.value)
    assert "s.yaml:13:17:" in msg and "expected a list" in msg and 'got text "p = 0.09' in msg
    assert "no fmt or percent" in msg


# ------------------------------------------------------------------ lines, areas, refs, annotations

LINES = """  chart:
    kind: line
    x: {title: r}
    series:
      - {name: first, x: [0, 0.5, 1, 1.5, 2], values: [0, 0.5, 1, 1.2, 1.2]}
      - {name: second, x: [0, 0.5, 1, 1.5, 2], values: [0, 0.5, 1, 1.5, 2], dashed: true}
    refs:
      - {x: 0.8, label: "1−ε"}
      - {x: 1.0, label: "1"}
      - {x: 1.2, label: "1+ε"}
      - {y: 1.2, label: ceiling}
    regions:
      - {x: [0.8, 1.2], label: trust region}
    annotations:
      - {series: 0, index: 4, text: clipped here}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_line_chart_texts_never_overlap(write_spec, lang):
    scene = scene_of(write_spec, LINES, lang)
    texts = [t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind and t.meta.kind.startswith("chart")]
    no_overlaps(texts)


def test_reference_labels_stack_above_the_plot(write_spec):
    scene = scene_of(write_spec, LINES)
    refs = [r for r in kind(scene, "chart-ref", Line)]
    assert len(refs) == 4
    top = min(min(y for _, y in r.points) for r in refs)
    labels = kind(scene, "chart-label", Text)
    assert {t.text for t in labels} >= {"1−ε", "1", "1+ε", "trust region", "ceiling"}
    above = [t for t in labels if t.text != "ceiling"]
    assert all(bbox(t)[3] <= top for t in above)
    no_overlaps(labels)


def test_a_region_opacity_lightens_its_fill_and_defaults_to_opaque(write_spec):
    theme = load_theme()
    tinted = LINES.replace("      - {x: [0.8, 1.2], label: trust region}",
                           "      - {x: [0.8, 1.2], label: trust region}\n"
                           "      - {x: [1.5, 2], role: negative, opacity: 0.35}")
    plain, tint = kind(scene_of(write_spec, tinted), "chart-region", Rect)
    assert plain.style.opacity == 1.0
    assert tint.style.opacity == pytest.approx(0.35) and tint.style.fill == theme.color("negative")


def test_legend_lists_the_named_series(write_spec):
    scene = scene_of(write_spec, LINES)
    assert [t.text for t in kind(scene, "chart-legend", Text)] == ["first", "second"]


def test_annotation_arrow_points_at_its_data_point(write_spec):
    scene = scene_of(write_spec, LINES)
    arrow = kind(scene, "chart-annotation-arrow", Line)[0]
    lines = kind(scene, "chart-line", Line)
    first = [m for m in kind(scene, "chart-marker", Ellipse) if m.meta.role == lines[0].meta.role]
    target = first[4]
    assert math.dist(arrow.points[-1], (target.cx, target.cy)) < 6
    note = kind(scene, "chart-annotation", Text)[0]
    for ln in lines:
        assert not any(segment_hits_box(p, q, bbox(note)) for p, q in zip(ln.points, ln.points[1:], strict=False))


def test_stacked_areas_add_up(write_spec):
    body = ("  chart:\n    kind: area\n    stacked: true\n    series:\n"
            "      - {values: [1, 1, 1]}\n      - {values: [2, 3, 4]}\n")
    scene = scene_of(write_spec, body)
    lines = kind(scene, "chart-area", Line)
    base = [y for _, y in lines[0].points]
    top = [y for _, y in lines[1].points]
    zero = kind(scene, "chart-axis", Line)[0].points[0][1]
    unit = zero - base[0]  # px per value unit (first series is 1 everywhere)
    assert [round((zero - y) / unit, 6) for y in top] == [3, 4, 5]


# ------------------------------------------------------------------ heat map

HEAT = """  chart:
    kind: heatmap
    matrix: [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, null]]
    cell_values: ".0f"
    x: {categories: [a, b, c, d], title: key}
    y: {title: query}
"""


def test_heatmap_colours_come_from_the_theme_scale(write_spec):
    scene = scene_of(write_spec, HEAT)
    scale = load_theme().palette["scale"]
    cells = [g for g in kind(scene, "chart-cell", Group)]
    assert len(cells) == 11, "null leaves its cell empty"
    fills = [g.children[0].style.fill for g in cells]
    assert set(fills) <= set(scale)
    assert fills[0] == scale[0] and fills[-1] == scale[-1]
    assert fills == sorted(fills, key=scale.index), "colour steps rise with the value"


def test_heatmap_values_sit_inside_their_cells_and_labels_do_not_collide(write_spec):
    scene = scene_of(write_spec, HEAT)
    for g in kind(scene, "chart-cell", Group):
        rect, text = g.children
        rb, tb = bbox(rect), bbox(text)
        assert rb[0] <= tb[0] and tb[2] <= rb[2] and rb[1] <= tb[1] and tb[3] <= rb[3]
    no_overlaps([t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind != "chart-cell-text"
                 and t.meta.kind and t.meta.kind.startswith("chart")])


def test_heatmap_key_title_sits_above_the_key_and_its_labels(write_spec):
    scene = scene_of(write_spec, HEAT + "    scale: {title: {en: 'angle (rad)', zh: '角度（弧度）'}}\n")
    title = kind(scene, "chart-key-title", Text)
    assert [t.text for t in title] == ["angle (rad)"]
    steps = [r for r in kind(scene, "chart-key", Rect)]
    labels = [t for t in kind(scene, "chart-key", Text)]
    top = min(bbox(x)[1] for x in steps + labels)
    tb = bbox(title[0])
    assert tb[3] <= top, "the title is above the key's top box and top label"
    assert tb[0] == pytest.approx(min(bbox(r)[0] for r in steps), abs=0.5), "left-aligned with the key"
    assert not kind(scene_of(write_spec, HEAT), "chart-key-title", Text), "no title unless asked for"


def test_large_heatmap_thins_its_axis_labels(write_spec):
    rows = [[i * j for j in range(60)] for i in range(40)]
    scene = scene_of(write_spec, f"  chart:\n    kind: heatmap\n    matrix: {rows}\n")
    ticks = kind(scene, "chart-tick", Text)
    assert len(ticks) < 100
    no_overlaps(ticks)


def test_example_spec_has_no_layout_defects():
    assert check_spec(ROOT / "specs" / "_examples" / "chart.yaml", only=DEFECTS) == []


@pytest.mark.parametrize("horizontal", [False, True])
def test_labels_of_negative_bars_clear_the_category_labels(write_spec, horizontal):
    body = (f"  chart:\n    kind: bar\n    horizontal: {str(horizontal).lower()}\n"
            "    x: {categories: [alpha, b, c]}\n    series: [{values: [-2, 3, -0.5], labels: '.1f'}]\n")
    scene = scene_of(write_spec, body)
    texts = [t for t in walk(scene.items) if isinstance(t, Text)]
    no_overlaps(texts)


def test_unknown_roles_in_a_role_list_and_empty_series_are_located_errors(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: unknown colour role 'golden'"):
        scene_of(write_spec, "  chart: {kind: bar, series: [{values: [1, 2], roles: [kept, golden]}]}\n")
    with pytest.raises(SpecError, match="series has no values"):
        scene_of(write_spec, "  chart: {kind: line, series: [{values: []}]}\n")


@pytest.mark.parametrize("model", ["Chart", "ChartAxis", "ChartSeries", "ChartRegion", "ChartRef", "ChartAnnotation",
                                   "ColorScale"])
def test_every_chart_field_is_documented_in_the_schema(model):
    from renderer.spec.schema import diagram_schema

    d = diagram_schema()["$defs"][model]
    assert d.get("description")
    assert [f for f, v in d["properties"].items() if not v.get("description")] == []


def test_annotation_index_can_come_from_a_compute_result(write_spec):
    compute = "compute:\n  d: {fn: sampling.softmax, args: {logits: [1.0, 3.0, 2.0]}}\n"
    body = ("  chart:\n    kind: bar\n    x: {categories: [a, b, c]}\n    series: [{values: \"{{ d.probs }}\"}]\n"
            "    annotations: [{series: 0, index: \"{{ d.probs | argmax }}\", text: most likely}]\n")
    scene = scene_of(write_spec, body, compute=compute)
    note = [t for t in walk(scene.items) if isinstance(t, Text) and t.text == "most likely"]
    bars = sorted((b for b in kind(scene, "chart-bar", Rect)), key=lambda b: b.x)
    assert note and len(bars) == 3
    arrow = kind(scene, "chart-annotation-arrow", Line)
    assert arrow and bars[1].x - 1 <= arrow[0].points[-1][0] <= bars[1].x + bars[1].w + 1  # points at bar b
