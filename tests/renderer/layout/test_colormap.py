"""Continuous colour maps: OKLab blending, sequential/diverging/periodic schemes, log maps, the colour bar."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.app.check import check_scene
from renderer.layout.colormap import CONTINUOUS_ROLE, blend, hex_to_oklab, log_ticks, oklab_to_hex
from renderer.layout.theme import load_theme
from renderer.scene import Rect, Text
from renderer.spec.errors import SpecError


def test_oklab_matches_the_published_reference_values():
    # Björn Ottosson, "A perceptual color space for image processing" (2020): sRGB red and white
    assert hex_to_oklab("#FF0000") == pytest.approx((0.627955, 0.224863, 0.125846), abs=1e-5)
    assert hex_to_oklab("#FFFFFF") == pytest.approx((1.0, 0.0, 0.0), abs=1e-6)
    for c in load_theme().colors():
        assert oklab_to_hex(hex_to_oklab(c)) == c


def test_blending_happens_in_oklab():
    # halfway from black to white is L = 0.5: linear 0.5³ = 0.125, sRGB 1.055·0.125^(1/2.4) − 0.055 = 0.3896 → 99
    assert blend(["#000000", "#FFFFFF"], 0.5) == "#636363"
    assert blend(["#112233", "#DDEEFF"], 0.0) == "#112233" and blend(["#112233", "#DDEEFF"], 1.0) == "#DDEEFF"
    stops = ["#5B9BD5", "#70C08E", "#F6D368", "#EB6252"]
    assert blend(stops, 1.0, periodic=True) == stops[0], "a periodic map closes into a loop"
    assert blend(stops, 1.0) == stops[-1]


def test_the_sequential_scheme_is_perceptual_its_lightness_falls_evenly_enough():
    stops = load_theme().palette["scale-sequential"]
    ls = [hex_to_oklab(blend(stops, k / 20))[0] for k in range(21)]
    assert all(a > b for a, b in zip(ls, ls[1:], strict=False)), "lightness strictly falls"


def heat(matrix: str, scale: str) -> str:
    return f"  chart:\n    kind: heatmap\n    matrix: {matrix}\n    cell: 30\n    scale: {scale}\n"


def cells(scene) -> list[Rect]:
    return [r for r in kind(scene, "chart-cell", Rect)]


def test_a_continuous_map_colours_each_cell_by_its_exact_value(write_spec):
    scene = scene_of(write_spec, heat("[[0.0, 0.25, 0.5], [0.75, 1.0, 0.6]]",
                                      "{continuous: true, scheme: sequential, min: 0, max: 1}"))
    stops = load_theme().palette["scale-sequential"]
    cs = cells(scene)
    values = [0.0, 0.25, 0.5, 0.75, 1.0, 0.6]
    assert [c.meta.role for c in cs] == [CONTINUOUS_ROLE] * 6
    assert cs[0].style.fill == stops[0] and cs[4].style.fill == stops[-1]
    by_value = [c.style.fill for _v, c in sorted(zip(values, cs, strict=True), key=lambda p: p[0])]
    ls = [hex_to_oklab(f)[0] for f in by_value]
    assert all(a > b for a, b in zip(ls, ls[1:], strict=False)), "a larger value is a darker cell"
    assert len(set(by_value)) == 6, "no two values share a bin"
    key = [r for r in kind(scene, "chart-key", Rect) if r.meta.role == CONTINUOUS_ROLE]
    assert len(key) == 48 and key[0].style.fill != key[-1].style.fill
    labels = [t.text for t in kind(scene, "chart-key", Text)]
    assert labels[:2] == ["0", "1"], "the bar's ends carry the range"
    found = [p.message for p in check_scene(scene, load_theme()) if "theme colour" in p.message]
    assert not found, "blends of the theme's scale are not foreign colours"


def test_a_log_map_gives_equal_ratios_equal_colour_steps_and_ticks_at_powers_of_ten(write_spec):
    scene = scene_of(write_spec, heat("[[1, 10, 100, 1000]]", "{continuous: true, log: true, scheme: sequential}"))
    stops = load_theme().palette["scale-sequential"]
    fills = [c.style.fill for c in cells(scene)]
    assert fills == [blend(stops, k / 3) for k in range(4)]
    ticks = [t.text for t in kind(scene, "chart-key-tick", Text)]
    assert ticks == ["10", "100"]  # 1 and 1000 are the labelled ends
    assert log_ticks(0.003, 0.04) == [0.005, 0.01, 0.02]


def test_a_periodic_map_gives_both_ends_of_the_range_one_colour(write_spec):
    scene = scene_of(write_spec, heat("[[0.0, 3.0, 6.0]]", "{periodic: true, scheme: cyclic, min: 0, max: 6}"))
    a, _b, c = (x.style.fill for x in cells(scene))
    assert a == c


def test_a_log_map_with_a_value_at_or_below_zero_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*log colour scale needs values, min and max above 0"):
        scene_of(write_spec, heat("[[0.0, 1.0]]", "{continuous: true, log: true}"))


def test_a_tensor_coloured_by_value_takes_the_same_continuous_map(write_spec):
    body = ("  tensor:\n    values: [[0.0, 0.5, 1.0]]\n    color_by_value: true\n"
            "    scale: {continuous: true, scheme: sequential, min: 0, max: 1}\n")
    scene = scene_of(write_spec, body)
    stops = load_theme().palette["scale-sequential"]
    fills = [r.style.fill for r in kind(scene, "tensor-cell", Rect)]
    assert fills == [blend(stops, 0.0), blend(stops, 0.5), blend(stops, 1.0)]
