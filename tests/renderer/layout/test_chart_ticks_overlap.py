"""Explicit ticks: the axis ends labelled on request, explicit tick labels moved apart where they would meet;
coincident lines kept visible; and the check's warning for a line over a category axis."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.app.check import named_findings
from renderer.layout.theme import load_theme
from renderer.scene import Line, Text, bbox
from renderer.spec.errors import SpecError


def chart(x: str = "", y: str = "", series: str = "      - {x: [0, 1, 2], values: [0, 1, 2]}\n",
          kind_: str = "line") -> str:
    return (f"  chart:\n    kind: {kind_}\n    width: 300\n    height: 200\n    legend: none\n"
            + (f"    x: {x}\n" if x else "") + (f"    y: {y}\n" if y else "") + "    series:\n" + series)


def labels(scene, axis: str) -> list[Text]:
    return [t for t in kind(scene, "chart-tick", Text) if axis in t.meta.parts]


def ticks(scene, axis: str) -> list[Line]:
    return [ln for ln in kind(scene, "chart-tick", Line) if axis in ln.meta.parts]


def test_ends_label_the_axis_min_and_max_beside_explicit_ticks(write_spec):
    y = "{min: 0, max: 10, ticks: [2.5, 5], ends: true}"
    assert [float(t.text) for t in labels(scene_of(write_spec, chart(y=y)), "yaxis")] == [0, 2.5, 5, 10]
    plain = scene_of(write_spec, chart(y="{min: 0, max: 10, ticks: [2.5, 5]}"))
    assert [float(t.text) for t in labels(plain, "yaxis")] == [2.5, 5]
    both = scene_of(write_spec, chart(y="{min: 0, max: 10, ticks: [0, 5], ends: true}"))
    assert [t.text for t in labels(both, "yaxis")] == ["0", "5", "10"], "an end already ticked is not doubled"
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*`ends` adds the axis ends to explicit `ticks`"):
        scene_of(write_spec, chart(y="{min: 0, max: 10, ends: true}"))


EPS = '{min: 0, max: 2, ticks: [0, 0.97, 1, 1.03], tick_labels: ["0", "1−ε", "1", "1+ε"]}'
EPS_X = '{min: 0, max: 2, ticks: [0.97, 1, 1.03], tick_labels: ["1−ε", "1", "1+ε"]}'


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explicit_tick_labels_that_would_meet_are_moved_apart_around_their_middle(write_spec, lang):
    scene = scene_of(write_spec, chart(x=EPS_X, y=EPS), lang)
    ys = [t.y for t in labels(scene, "yaxis")]
    tick_y = [ln.points[0][1] for ln in ticks(scene, "yaxis")]
    fs = labels(scene, "yaxis")[0].size
    near = sorted(ys[1:])
    assert all(b - a >= fs * 1.1 - 1e-6 for a, b in zip(near, near[1:], strict=False)), "no two labels overlap"
    off = ys[0] - tick_y[0]  # the label "0", far from the others, at its tick (text y is its baseline)
    assert ys[2] - tick_y[2] == pytest.approx(off, abs=0.01), "the middle label of the run stays at its tick"
    assert ys[1] - tick_y[1] > off > ys[3] - tick_y[3], "1−ε moved down, 1+ε up"
    boxes = sorted(bbox(t) for t in labels(scene, "xaxis"))
    assert all(a[2] <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), "x labels side by side"
    xs = [ln.points[0][0] for ln in ticks(scene, "xaxis")]
    assert (boxes[1][0] + boxes[1][2]) / 2 == pytest.approx(xs[1], abs=0.5), "the middle one at its tick"


def test_explicit_tick_labels_with_room_stay_at_their_ticks(write_spec):
    scene = scene_of(write_spec, chart(y='{min: 0, max: 2, ticks: [0, 0.8, 1, 1.2], tick_labels: '
                                         '["0", "1−ε", "1", "1+ε"]}'))
    ys = [t.y for t in labels(scene, "yaxis")]
    tick_y = [ln.points[0][1] for ln in ticks(scene, "yaxis")]
    assert [y - t for y, t in zip(ys, tick_y, strict=True)] == pytest.approx([ys[0] - tick_y[0]] * 4)


def two(w0: float, w1: float, ys1: str = "[0, 1, 2]") -> str:
    return (f"      - {{x: [0, 1, 2], values: [0, 1, 2], role: model, width: {w0}, marker: none}}\n"
            f"      - {{x: [0, 1, 2], values: {ys1}, role: emphasis, width: {w1}, marker: none}}\n")


def test_of_two_coincident_lines_the_thinner_is_drawn_on_top(write_spec):
    scene = scene_of(write_spec, chart(series=two(1.5, 5)))
    order = kind(scene, "chart-line", Line)  # in drawing order
    assert [ln.style.stroke_width for ln in order] == [5, 1.5], "the thin line over the wide one"
    assert order[0].points == order[1].points, "not moved: the wide one shows on both sides"


def test_two_coincident_lines_of_one_width_are_set_side_by_side(write_spec):
    scene = scene_of(write_spec, chart(series=two(2, 2)))
    first, second = kind(scene, "chart-line", Line)
    assert [y1 - y0 for (_, y0), (_, y1) in zip(first.points, second.points, strict=True)] == pytest.approx([2] * 3)


def test_lines_apart_are_not_touched(write_spec):
    scene = scene_of(write_spec, chart(series=two(1.5, 5, "[0.5, 1.5, 2.5]")))
    first, second = kind(scene, "chart-line", Line)
    assert (first.style.stroke_width, second.style.stroke_width) == (1.5, 5)
    assert all(b[1] < a[1] for a, b in zip(first.points, second.points, strict=True))


CATS = '{categories: [Paris, Oslo, Rome]}'


def found(scene) -> list:
    return [p for name, p in named_findings(scene, load_theme(), "s.yaml") if name == "line-over-categories"]


def test_a_line_over_a_category_axis_is_a_warning_not_a_defect(write_spec):
    line = found(scene_of(write_spec, chart(x=CATS, series="      - {values: [12, 18, 25]}\n")))
    assert len(line) == 1 and line[0].severity == "warning" and "joins the categories" in line[0].message
    bars = found(scene_of(write_spec, chart(x=CATS, series="      - {values: [12, 18, 25]}\n", kind_="bar")))
    dots = found(scene_of(write_spec, chart(x=CATS, series="      - {values: [12, 18, 25], line: false}\n")))
    numeric = found(scene_of(write_spec, chart()))
    assert bars == dots == numeric == []


def test_check_prints_the_warning_and_still_passes(write_spec, capsys):
    import argparse

    from _helpers import HEAD

    from renderer.app.cli import cmd_check
    path = write_spec(HEAD + "body:\n" + chart(x=CATS, series="      - {values: [12, 18, 25]}\n"))
    assert cmd_check(argparse.Namespace(targets=[str(path)], lang="en")) == 0
    out = capsys.readouterr()
    assert "warning: [en] a line chart joins the categories" in out.out + out.err
