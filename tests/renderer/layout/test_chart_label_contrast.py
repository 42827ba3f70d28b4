"""Chart labels on fills stay readable: a chip of the paper behind a label on part of a band or area, black or
white for a plain label inside one opaque bar and for heat-map values; nothing where a label is on the paper."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.layout.base import contrast
from renderer.layout.theme import load_theme
from renderer.scene import Rect, Text, bbox, walk

THEME = load_theme()


def line(annotation: str, region: bool = True) -> str:
    band = "    regions:\n      - {x: [2, 4], role: negative}\n" if region else ""
    return ("  chart:\n    id: c\n    kind: line\n    height: 200\n    series:\n"
            "      - {x: [0, 1, 2, 3, 4], values: [1, 2, 3, 4, 5]}\n" + band
            + f"    annotations:\n      - {annotation}\n")


def note(scene) -> list[Text]:
    return kind(scene, "chart-annotation", Text)


def test_a_coloured_label_on_a_band_gets_a_chip_just_below_it(write_spec):
    scene = scene_of(write_spec, line("{x: 3, y: 2, dx: 0, dy: 0, role: emphasis, text: over the band}"))
    (chip,) = kind(scene, "chart-chip", Rect)
    (t,) = note(scene)
    tb, cb = bbox(t), bbox(chip)
    assert cb[0] < tb[0] and cb[1] < tb[1] and cb[2] > tb[2] and cb[3] > tb[3], "the chip surrounds the text"
    assert chip.style.fill == THEME.color("white") and 0.5 < chip.style.opacity < 1
    order = list(walk(scene.items))
    assert order.index(chip) < order.index(t), "the chip is drawn under the text"
    (band,) = kind(scene, "chart-region", Rect)
    assert order.index(band) < order.index(chip), "… and over the band"
    assert t.fill == THEME.color("emphasis"), "a coloured label keeps its colour"


def test_a_label_on_the_paper_gets_no_chip(write_spec):
    scene = scene_of(write_spec, line("{x: 3, y: 2, dx: 0, dy: 0, role: emphasis, text: on white}", region=False))
    assert not kind(scene, "chart-chip")
    scene = scene_of(write_spec, line("{x: 1, y: 4, dx: 0, dy: 0, role: emphasis, text: beside the band}"))
    assert not kind(scene, "chart-chip"), "the band is elsewhere"


def test_a_black_label_on_a_pale_band_needs_nothing(write_spec):
    scene = scene_of(write_spec, line("{x: 3, y: 2, dx: 0, dy: 0, role: text, text: reads fine}"))
    assert not kind(scene, "chart-chip")
    assert note(scene)[0].fill == THEME.color("text")


def test_a_grey_label_inside_a_grey_bar_turns_black(write_spec):
    body = ("  chart:\n    kind: bar\n    height: 200\n    x: {categories: [a, b]}\n    y: {min: 0, max: 10}\n"
            "    series:\n      - {values: [9, 9], role: removed}\n"
            "    annotations:\n      - {x: 0, y: 4, dx: 0, dy: 0, role: text-soft, text: in}\n")
    scene = scene_of(write_spec, body)
    (t,) = note(scene)
    bar = min(kind(scene, "chart-bar", Rect), key=lambda b: b.x)
    assert bbox(t)[0] > bar.x and bbox(t)[2] < bar.x + bar.w, "the label lies wholly inside the bar"
    assert contrast(THEME.color("text-soft"), THEME.color("removed")) < 4.5
    assert t.fill == THEME.color("text") and not kind(scene, "chart-chip")


@pytest.mark.parametrize(("value", "white"), [(1.0, True), (0.05, False)])
def test_heat_map_values_take_black_or_white_by_contrast(write_spec, value, white):
    body = (f"  chart:\n    kind: heatmap\n    matrix: [[{value}, 0.5]]\n    cell_values: '.2f'\n"
            "    scale: {continuous: true, scheme: sequential, min: 0, max: 1}\n")
    scene = scene_of(write_spec, body)
    (t, _) = sorted(kind(scene, "chart-cell-text", Text), key=lambda t: t.x)
    assert t.fill == THEME.color("white" if white else "text")


def inside_band(values: str, band: str = "[1, 3]") -> str:
    return ("  chart:\n    kind: line\n    height: 200\n    y: {min: 0, max: 5}\n    series:\n"
            f"      - {{x: [0, 1, 2, 3, 4], values: {values}}}\n"
            f"    regions:\n      - {{x: {band}, role: kept-bg, label: in the band, label_at: inside}}\n")


def label_and_band(scene):
    (t,) = [t for t in kind(scene, "chart-label", Text)]
    (band,) = kind(scene, "chart-region", Rect)
    return bbox(t), band


def crosses(scene, box) -> bool:
    from renderer.layout.chart_axes import segment_hits_box

    (ln,) = kind(scene, "chart-line")
    return any(segment_hits_box(p, q, box) for p, q in zip(ln.points, ln.points[1:], strict=False))


def test_a_band_label_inside_goes_to_the_top_of_its_band_off_the_line(write_spec):
    scene = scene_of(write_spec, inside_band("[0.5, 1, 1.5, 2, 2.5]"))
    box, band = label_and_band(scene)
    assert band.x < box[0] and box[2] < band.x + band.w, "inside the band"
    assert band.y < box[1] < band.y + 0.2 * band.h, "at its top"
    assert not crosses(scene, box)


def test_a_band_label_inside_moves_down_when_the_line_runs_along_the_top(write_spec):
    scene = scene_of(write_spec, inside_band("[4.7, 4.7, 4.7, 4.7, 4.7]"))
    box, band = label_and_band(scene)
    assert band.x < box[0] and box[2] < band.x + band.w
    mid = band.y + band.h / 2
    assert box[1] < mid < box[3], "in the middle: the top is taken by the line"
    assert not crosses(scene, box)


def test_a_band_label_with_no_room_inside_goes_above_the_plot(write_spec):
    scene = scene_of(write_spec, inside_band("[1, 2, 3, 4, 5]", band="[2, 2.1]"))
    box, band = label_and_band(scene)
    assert box[3] <= band.y, "above the plot, as an outside label"


def test_a_y_band_label_inside_sits_at_the_left_of_its_band(write_spec):
    body = inside_band("[4, 4, 4, 4, 4]").replace("{x: [1, 3], role: kept-bg", "{y: [1, 2.5], role: kept-bg")
    scene = scene_of(write_spec, body)
    box, band = label_and_band(scene)
    assert band.y < box[1] and box[3] < band.y + band.h, "inside the band's height"
    assert band.x < box[0] < band.x + 10, "at its left"
