"""Deviation lines coloured by their sign, and margin arrows saying what each side of a value means."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.theme import load_theme
from renderer.scene import Line, Text, bbox
from renderer.spec.errors import SpecError

XS = [0.0, 1.0, 2.0, 3.0, 4.0]
YS = [1.0, 3.0, 0.5, 2.5, 2.0]


def chart(series_opts: str = "", extra: str = "", kind_: str = "line") -> str:
    return (f"  chart:\n    id: c\n    kind: {kind_}\n    legend: none\n    y: {{min: 0, max: 4}}\n    series:\n"
            f"      - {{x: {XS}, values: {YS}, role: kept, marker: circle{series_opts}}}\n{extra}")


def test_each_deviation_line_takes_the_role_of_its_side(write_spec):
    scene = scene_of(write_spec, chart(", deviations: 2.0, deviation_roles: {above: thought, below: negative}"))
    theme = load_theme()
    devs = kind(scene, "chart-deviation", Line)
    assert len(devs) == 4  # the last point lies on 2.0
    (ref_y,) = {ln.points[1][1] for ln in devs}
    for ln in devs:
        above = ln.points[0][1] < ref_y
        role = "thought" if above else "negative"
        assert (ln.meta.role, ln.style.stroke) == (role, theme.color(role))
        assert ln.style.dash is None
    assert sorted(ln.meta.role for ln in devs) == ["negative", "negative", "thought", "thought"]


def test_without_deviation_roles_the_lines_stay_thin_dashed_in_the_series_colour(write_spec):
    devs = kind(scene_of(write_spec, chart(", deviations: 2.0")), "chart-deviation", Line)
    assert {ln.meta.role for ln in devs} == {"kept"} and all(ln.style.dash for ln in devs)


def test_deviation_roles_need_deviations(write_spec):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*`deviation_roles` .* needs `deviations`"):
        scene_of(write_spec, chart(", deviation_roles: {above: thought, below: negative}"))


ARROWS = "    margin_arrows: {at: 2, up: {en: more likely, zh: 更可能}, down: {en: less likely, zh: 更不可能}, " \
         "up_role: thought, down_role: negative}\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_margin_arrows_run_up_and_down_from_their_value_left_of_the_axis_labels(write_spec, lang):
    scene = scene_of(write_spec, chart(extra=ARROWS), lang)
    up, down = sorted(kind(scene, "chart-margin-arrow", Line), key=lambda ln: ln.points[-1][1])
    ticks = kind(scene, "chart-tick", Text)
    tick_y = sorted(ln.points[0][1] for ln in kind(scene, "chart-tick", Line)
                    if "yaxis" in ln.meta.parts)  # values 4, 3, 2, 1, 0
    top, two, bottom = tick_y[0], tick_y[len(tick_y) // 2], tick_y[-1]
    assert up.arrow_end and down.arrow_end
    assert up.points[0][1] == pytest.approx(two - 4) and down.points[0][1] == pytest.approx(two + 4), "from 2"
    assert abs(up.points[-1][1] - top) < 4 and abs(down.points[-1][1] - bottom) < 4, "they reach the plot ends"
    assert up.meta.role == "thought" and down.meta.role == "negative"
    left_of_labels = min(bbox(t)[0] for t in ticks)
    assert up.points[0][0] < left_of_labels and down.points[0][0] < left_of_labels
    labels = kind(scene, "chart-margin-label", Text)
    texts = {"en": ("more likely", "less likely"), "zh": ("更可能", "更不可能")}[lang]
    assert [t.text for t in sorted(labels, key=lambda t: t.y)] == list(texts)
    for t, ln in zip(sorted(labels, key=lambda t: t.y), (up, down), strict=True):
        assert bbox(t)[2] < ln.points[0][0], "the label is left of its arrow"
        assert min(ln.points[0][1], ln.points[-1][1]) - 20 < t.y < max(ln.points[0][1], ln.points[-1][1]) + 20


def test_margin_arrows_need_a_vertical_value_axis_and_a_value_on_it(write_spec):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*margin_arrows need a vertical value axis"):
        scene_of(write_spec, "  chart:\n    kind: bar\n    horizontal: true\n    series:\n      - {values: [1, 2]}\n"
                 + ARROWS)
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*margin_arrows `at` is outside the value axis"):
        scene_of(write_spec, chart(extra=ARROWS.replace("at: 2", "at: 9")))
