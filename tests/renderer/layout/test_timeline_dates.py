"""A date axis: ISO dates placed in proportion to time, date ticks, dates in breaks and eras, date sub-labels,
label sides that do not depend on the language, and marker shapes with their legend samples."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.app.check_legend import legend_checks
from renderer.layout.dates import MONTHS_EN
from renderer.layout.marks import shape_of
from renderer.layout.theme import load_theme
from renderer.scene import Line, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError


def tl(items: list[str], axis: str = "", extra: str = "", lanes: str = "") -> str:
    body = "  timeline:\n    width: 600\n    label_sides: alternate\n" + extra
    if axis:
        body += f"    axis: {axis}\n"
    body += "    lanes:\n      - items:\n" + "".join(f"          - {it}\n" for it in items) + lanes
    return body


def marker_x(scene) -> list[float]:
    """x of each point event's marker, in item order."""
    out = {}
    for p in walk(scene.items):
        if p.meta.kind == "timeline-event" and shape_of(p) is not None:
            x0, _, x1, _ = _box(p)
            out[p.meta.src] = (x0 + x1) / 2
    return list(out.values())


def _box(p) -> tuple[float, float, float, float]:
    return bbox(p)


def test_month_and_day_dates_sit_in_proportion_to_time(write_spec):
    items = ['{at: "2016-01", label: a}', '{at: "2016-03", label: b}', '{at: "2017-01", label: c}',
             '{at: "2016-02-15", label: d}', '{at: "2016-02", label: e}', '{at: 2016.5, label: f}',
             '{at: "2016", label: g}']
    a, b, c, d, e, f, g = marker_x(scene_of(write_spec, tl(items)))
    year = c - a
    assert b - a == pytest.approx(year * 2 / 12, rel=1e-6), "two months apart = 2/12 of a year"
    assert d == pytest.approx(e, abs=1e-6), "15 Feb 2016 (of 29 days) is the middle of February"
    assert f == pytest.approx(g, abs=1e-6), "a year given as a date stands at its middle"


def test_a_long_date_axis_ticks_years_and_a_short_one_months_in_each_language(write_spec):
    long = scene_of(write_spec, tl(['{at: "2013-12", label: a}', '{at: "2024-12-05", label: b}'], axis="{}"))
    labels = [t.text for t in kind(long, "timeline-axis", Text)]
    assert labels and all(s.isdigit() and len(s) == 4 for s in labels), labels
    short = tl(['{at: "2023-01-16", label: a}', '{at: "2023-12-10", label: b}'],
               axis='{min: "2023-01", max: "2023-12"}')
    en = kind(scene_of(write_spec, short), "timeline-axis", Text)
    zh = kind(scene_of(write_spec, short, "zh"), "timeline-axis", Text)
    assert en[0].text == "Jan 2023" and en[-1].text == "Jan 2024", [t.text for t in en]
    assert all(t.text in MONTHS_EN[1:] for t in en[1:-1]), [t.text for t in en]
    assert zh[0].text == "2023 年 1 月" and zh[1].text in [f"{m} 月" for m in (2, 3, 4, 7)]
    months = 12 // (len(en) - 1)  # every 1, 2, 3 or 6 months
    assert months in (1, 2, 3, 6) and MONTHS_EN.index(en[1].text) == months
    step = en[1].x - en[0].x
    assert en[-1].x - en[0].x == pytest.approx(step * 12 / months, rel=1e-6), "max 2023-12 ends with December"


def test_breaks_and_eras_take_dates_at_the_start_and_end_of_their_periods(write_spec):
    items = ['{at: "2013-12", label: a}', '{at: "2017-07", label: b}', '{at: "2022-03", label: c}']
    axis = '{min: "2013", max: "2025", breaks: [["2018", "2021"]], on_lanes: true}'
    eras = '    eras:\n      - {start: "2013", end: "2017", label: early, role: panel}\n'
    scene = scene_of(write_spec, tl(items, axis=axis, extra=eras))
    ticks = [t.text for t in kind(scene, "timeline-axis", Text)]
    assert not {"2019", "2020", "2021"} & set(ticks), ticks
    (band,) = kind(scene, "timeline-era", Rect)
    a, b, _ = marker_x(scene)
    year = (b - a) / (2017 + 6.5 / 12 - 2013 - 11.5 / 12)
    assert band.w == pytest.approx(5 * year, rel=1e-6), "2013 … 2017 is five whole years"
    assert band.x == pytest.approx(a - 11.5 / 12 * year, abs=1e-6), "the era starts on 1 Jan 2013"
    tick_text = kind(scene, "timeline-axis", Text)
    xs = sorted(t.x for t in tick_text)
    assert all(x1 - x0 > 20 for x0, x1 in zip(xs, xs[1:], strict=False)), "no two tick labels meet at the break"


def test_a_bad_date_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*\"2016-13\" is not a number or an ISO date"):
        scene_of(write_spec, tl(['{at: "2016-13", label: a}', '{at: 2017, label: b}']))
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*\"2023-02-30\" is not a number or an ISO date"):
        scene_of(write_spec, tl(['{at: "2023-02-30", label: a}', '{at: 2024, label: b}']))


def test_sub_dates_write_each_events_date_in_the_diagrams_language(write_spec):
    body = tl(['{at: "2016-03", label: a}', '{at: "2017-06-12", label: b}', '{at: 2018, label: c, sub: x}'],
              extra="    sub_dates: true\n")
    en = {t.text for t in kind(scene_of(write_spec, body), "timeline-text", Text)}
    zh = {t.text for t in kind(scene_of(write_spec, body, "zh"), "timeline-text", Text)}
    assert {"Mar 2016", "12 Jun 2017", "x"} <= en
    assert {"2016 年 3 月", "2017 年 6 月 12 日", "x"} <= zh


def sides(scene) -> list[int]:
    """For each event, +1 when its stem goes down to a label below the lane, −1 when up."""
    out = []
    for p in kind(scene, "timeline-stem", Line):
        (_, y0), (_, y1) = p.points[0], p.points[-1]
        out.append(1 if y1 > y0 else -1)
    return out


def test_alternating_sides_on_a_date_axis_are_the_same_in_both_languages(write_spec):
    items = ['{at: "2017-06", label: {en: "RL from human preferences (Christiano et al.)", zh: "偏好"}}',
             '{at: "2017-07", label: {en: PPO, zh: "近端策略优化算法（Schulman 等人提出）"}}',
             '{at: "2022-03", label: {en: "InstructGPT", zh: "InstructGPT：大模型的人类反馈强化学习"}}',
             '{at: "2022-11-30", label: {en: "ChatGPT", zh: "ChatGPT"}}']
    body = tl(items, extra="    label_width: 120\n")
    en, zh = sides(scene_of(write_spec, body)), sides(scene_of(write_spec, body, "zh"))
    assert en == zh == [-1, 1, -1, 1]


def test_markers_take_each_shape_and_the_legend_draws_the_same_shapes(write_spec):
    shapes = ["circle", "diamond", "square", "triangle", "star"]
    items = [f"{{at: {2000 + i}, label: {s}, marker: {s}}}" for i, s in enumerate(shapes)]
    legend = "legend:\n" + "".join(f"  - {{mark: {s}, text: {s} means}}\n" for s in shapes) + \
        "  - {mark: triangle, role: emphasis, text: red}\n"
    scene = scene_of(write_spec, tl(items) + legend)
    drawn = [shape_of(p) for p in kind(scene, "timeline-event") if shape_of(p)]
    assert drawn == shapes
    samples = kind(scene, "legend-shape")
    assert [shape_of(p) for p in samples] == shapes + ["triangle"]
    theme = load_theme()
    assert samples[-1].style.fill == theme.color("emphasis") != samples[0].style.fill
    texts = [t for t in kind(scene, "legend-text", Text)]
    for p, s in zip(samples, shapes, strict=False):  # each sample just left of its text
        (t,) = [t for t in texts if t.text == f"{s} means"]
        assert 0 < t.x - _box(p)[2] < 12 and _box(p)[1] < t.y < _box(p)[3] + 8
    assert [f for f in legend_checks(scene, theme) if f[0] == "legend" and "marker" in f[2]] == []


def test_a_marker_legend_entry_for_a_shape_no_event_uses_is_reported(write_spec):
    legend = "legend:\n  - {mark: star, text: feedback}\n"
    scene = scene_of(write_spec, tl(["{at: 1, label: a}", "{at: 2, label: b, marker: diamond}"]) + legend)
    found = [f for f in legend_checks(scene, load_theme()) if f[0] == "legend"]
    assert len(found) == 1 and "star marker" in found[0][2]


def test_a_marker_entry_takes_only_a_role(write_spec):
    legend = "legend:\n  - {mark: star, hatch: true, text: feedback}\n"
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*takes only a `role`"):
        scene_of(write_spec, tl(["{at: 1, label: a, marker: star}"]) + legend)


def line_over_dates(days: str) -> str:
    return ("  chart:\n    kind: line\n    width: 400\n    legend: none\n    series:\n"
            f"      - {{x: {days}, values: [1, 2, 3]}}\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_line_chart_over_iso_dates_places_them_in_time_with_month_ticks(write_spec, lang):
    scene = scene_of(write_spec, line_over_dates('["2023-01-16", "2023-03-16", "2023-06-30"]'), lang)
    (line,) = kind(scene, "chart-line", Line)
    (x0, _), (x1, _), (x2, _) = line.points
    jan16, mar16 = 2023 + (15.5 / 31) / 12, 2023 + (2 + 15.5 / 31) / 12
    jun30 = 2023 + (5 + 29.5 / 30) / 12
    assert (x1 - x0) / (x2 - x0) == pytest.approx((mar16 - jan16) / (jun30 - jan16), rel=1e-6)
    ticks = [t for t in kind(scene, "chart-tick", Text) if "xaxis" in t.meta.parts]
    first = {"en": "Jan 2023", "zh": "2023 年 1 月"}[lang]
    assert ticks[0].text == first and len(ticks) >= 4, [t.text for t in ticks]
    assert ticks[-1].text in ("Jul", "7 月"), "the axis runs out to the month after the last day"


def test_a_line_chart_over_years_of_dates_ticks_whole_years(write_spec):
    scene = scene_of(write_spec, line_over_dates('["2016-03", "2019-07", "2024-12"]'))
    texts = [t.text for t in kind(scene, "chart-tick", Text) if "xaxis" in t.meta.parts]
    assert texts[0] == "2016" and texts[-1] in ("2024", "2025") and all(s.isdigit() for s in texts), texts
