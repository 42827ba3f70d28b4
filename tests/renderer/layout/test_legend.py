"""The diagram legend (swatches, line samples, placement) and the colour checks that ask for it."""

from __future__ import annotations

import pytest
from _helpers import HEAD, kind

from renderer.app.check_legend import legend_checks
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Group, Line, Rect, Text, bbox
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

THREE = ("  row:\n"
         "    - box: {id: a, text: {en: policy, zh: 策略}, role: model}\n"
         "    - box: {id: b, text: {en: prompt, zh: 提示}, role: data}\n"
         "    - box: {id: c, text: {en: reward, zh: 奖励}, role: module}\n"
         "edges:\n  - {from: a, to: b}\n  - {from: b, to: c, dashed: true}\n")
LEGEND = ("legend:\n"
          "  - {role: model, text: {en: trained, zh: 训练}}\n"
          "  - {role: data, text: {en: data, zh: 数据}}\n"
          "  - {role: module, text: {en: frozen, zh: 冻结}}\n"
          "  - {line: arrow, dashed: true, text: {en: no gradient, zh: 无梯度}}\n")


def scene(write_spec, text: str, lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + text))).for_lang(lang), load_theme())


def found(sc, name: str) -> list[tuple[str, str | None, str]]:
    return [f for f in legend_checks(sc, load_theme()) if f[0] == name]


def test_each_entry_draws_its_role_colour_or_line_style_beside_its_text_in_both_languages(write_spec):
    theme = load_theme()
    words_of = {"en": ["trained", "data", "frozen", "no gradient"], "zh": ["训练", "数据", "冻结", "无梯度"]}
    for lang, words in words_of.items():
        sc = scene(write_spec, "body:\n" + THREE + LEGEND, lang)
        swatches = [p for p in kind(sc, "legend", Rect)]
        assert [s.style.fill for s in swatches] == [theme.color(r) for r in ("model", "data", "module")]
        sample = kind(sc, "legend", Line)[0]
        assert sample.arrow_end and sample.style.dash is not None
        texts = [t for t in kind(sc, "legend-text", Text)]
        assert [t.text for t in texts] == words
        for sw, t in zip([*swatches, sample], texts, strict=True):  # each text right of its own sample
            b = bbox(sw)
            assert b[2] < t.x < b[2] + 12 and b[1] - 4 < t.y < b[3] + 8


def test_the_legend_goes_under_a_wide_body_and_beside_a_tall_one(write_spec):
    wide = "body:\n  row: [" + ", ".join(f"{{box: {{text: 'step {i}', role: model}}}}" for i in range(6)) + "]\n"
    tall = "body:\n  column: [" + ", ".join(f"{{box: {{text: 'step {i}', role: model}}}}" for i in range(9)) + "]\n"
    entry = "legend: [{role: model, text: a trained model}]\n"
    for body, below in ((wide, True), (tall, False)):
        sc = scene(write_spec, body + entry)
        boxes = [bbox(g) for g in kind(sc, "box", Group)]
        sw = bbox(kind(sc, "legend", Rect)[0])
        if below:
            assert sw[1] > max(b[3] for b in boxes)
        else:
            assert sw[0] > max(b[2] for b in boxes)
    forced = scene(write_spec, tall + "legend_at: bottom\n" + entry)
    boxes = [bbox(g) for g in kind(forced, "box", Group)]
    assert bbox(kind(forced, "legend", Rect)[0])[1] > max(b[3] for b in boxes)


def test_two_meaningful_colours_without_a_legend_are_reported_where_each_is_used(write_spec):
    sc = scene(write_spec, "body:\n" + THREE)
    missing = found(sc, "legend")
    assert sorted(f[2].split("'")[1] for f in missing) == ["data", "model", "module"]
    assert {f[1].split(":")[1] for f in missing} == {"6", "7", "8"}  # the lines of the three boxes
    assert found(scene(write_spec, "body:\n" + THREE + LEGEND), "legend") == []
    one = scene(write_spec, "body:\n  row: [{box: {text: x, role: model}}, {box: {text: y, role: panel}}]\n")
    assert found(one, "legend") == [], "one meaningful colour (and a neutral one) needs no legend"


def test_a_legend_entry_for_a_colour_or_line_style_not_in_the_diagram_is_reported(write_spec):
    stale = LEGEND.replace("{role: module, text: {en: frozen, zh: 冻结}}", "{role: emphasis, text: x}")
    stale = stale.replace("dashed: true, text", "dashed: false, line: warm, text").replace("line: arrow, ", "")
    findings = found(scene(write_spec, "body:\n" + THREE + stale), "legend")
    messages = " ".join(f[2] for f in findings)
    assert "'emphasis' but nothing is filled or written with it" in messages
    assert "'warm' edge but no edge is drawn that way" in messages
    assert "'module' is used here" in messages


def test_a_legend_entry_may_explain_a_text_colour(write_spec):
    tree = ("body:\n  tree:\n    node_role: model\n    root:\n      label: S1\n      value: 'V=70→90'\n"
            "      value_role: emphasis\n      children: [{label: S2, role: data}]\n"
            "legend:\n  - {role: model, text: m}\n  - {role: data, text: d}\n  - {role: emphasis, text: changed}\n")
    assert found(scene(write_spec, tree), "legend") == []
    plain = tree.replace("      value_role: emphasis\n", "")
    assert "'emphasis' but nothing is filled or written with it" in " ".join(f[2] for f in found(
        scene(write_spec, plain), "legend"))


def test_a_line_entry_explains_a_dashed_edge_inside_a_graph(write_spec):
    graph = ("body:\n  graph:\n    nodes: [{id: a, text: x, role: model}, {id: b, text: y, role: data}]\n"
             "    edges: [{from: a, to: b, dashed: true, role: removed}]\n"
             "legend:\n  - {role: model, text: m}\n  - {role: data, text: d}\n")
    sc = scene(write_spec, graph + "  - {line: removed, dashed: true, text: dropped}\n")
    assert found(sc, "legend") == []
    solid = scene(write_spec, graph + "  - {line: removed, text: dropped}\n")
    assert "'removed' edge but no edge is drawn that way" in " ".join(f[2] for f in found(solid, "legend"))


def test_a_line_entry_explains_a_line_charts_series_drawn_in_that_style(write_spec):
    chart = ("body:\n  chart: {kind: line, series: [{values: [1, 2, 3], role: muted, dashed: true},"
             " {values: [3, 1, 2], role: emphasis}]}\n")
    sc = scene(write_spec, chart + "legend:\n  - {line: muted, dashed: true, text: reference}\n"
                                   "  - {line: emphasis, text: policy}\n")
    assert found(sc, "legend") == []
    wrong = scene(write_spec, chart + "legend:\n  - {line: muted, text: reference}\n")
    assert "'muted' edge but no edge is drawn that way" in " ".join(f[2] for f in found(wrong, "legend"))


def test_cells_coloured_by_a_scale_of_palette_roles_need_no_legend_entry(write_spec):
    body = ("body:\n  column:\n    - box: {text: x, role: model}\n"
            "    - tensor: {values: [[0, 1], [2, 3]], color_by_value: true, scale: {colors: [emphasis, warm]}}\n"
            "    - chart: {kind: heatmap, matrix: [[0, 1], [2, 3]], scale: {colors: [thought, kept]}}\n")
    sc = scene(write_spec, body)
    assert found(sc, "legend") == [], "a scale's steps are explained by its values, not by a legend entry"
    cells = [p for p in kind(sc, "tensor-cell", Rect)] + [p for p in kind(sc, "chart-cell", Rect)]
    theme = load_theme()
    assert {p.style.fill for p in cells} == {theme.color(r) for r in ("emphasis", "warm", "thought", "kept")}


def test_one_role_explained_as_two_things_is_reported(write_spec):
    body = ("body:\n  column:\n    - box: {text: chosen, role: kept}\n"
            "    - chart: {kind: bar, x: {categories: [a, b]},"
            " series: [{name: kept tokens, values: [1, 2], role: kept},"
            " {name: dropped, values: [2, 1], role: removed}]}\n")
    sc = scene(write_spec, body + "legend: [{role: kept, text: the chosen token}]\n")
    clash = found(sc, "role-meaning")
    assert len(clash) == 1 and "'kept'" in clash[0][2]
    same = scene(write_spec, body + "legend: [{role: kept, text: kept tokens}]\n")
    assert found(same, "role-meaning") == []


@pytest.mark.parametrize("entry, message", [
    ("{role: model, line: arrow, text: x}", "exactly one of `role`"),
    ("{text: x}", "exactly one of `role`"),
])
def test_a_malformed_entry_is_a_located_error(write_spec, entry, message):
    path = write_spec(HEAD + "body: {box: a}\nlegend:\n  - " + entry + "\n")
    with pytest.raises(SpecError) as e:
        load(path)
    assert message in str(e.value) and ":6:5:" in str(e.value)


def test_an_unknown_legend_role_is_located_at_its_entry(write_spec):
    path = write_spec(HEAD + "body: {box: a}\nlegend:\n  - {role: model, text: ok}\n  - {role: nosuch, text: x}\n")
    with pytest.raises(SpecError) as e:
        layout(bind(load(path)).for_lang("en"), load_theme())
    assert "unknown colour role 'nosuch'" in str(e.value) and ":7:" in str(e.value)


def test_a_neutral_role_in_use_may_be_explained_but_need_not_be(write_spec):
    body = ("body:\n  row:\n    - box: {text: a, role: model}\n    - box: {text: b, role: data}\n"
            "    - box: {text: c, role: kept-bg}\n")
    entries = LEGEND.split("  - {role: module")[0]
    assert found(scene(write_spec, body + entries), "legend") == []
    explained = scene(write_spec, body + entries + "  - {role: kept-bg, text: used reward}\n")
    assert found(explained, "legend") == []
    unused = scene(write_spec, body + entries + "  - {role: light, text: not used}\n")
    assert [f[2] for f in found(unused, "legend")] == [
        "the legend explains colour role 'light' but nothing is filled or written with it (expected an entry for a "
        "role in use)"]


def swatches(write_spec, entry: str) -> tuple[Rect, Rect]:
    """The swatch of a plain `model` entry and of `entry`, in a legend of those two."""
    legend = "legend:\n  - {role: model, text: trained}\n  - " + entry + "\n"
    plain, other = kind(scene(write_spec, "body:\n" + THREE + legend), "legend", Rect)
    return plain, other


def test_a_hatch_entry_draws_its_swatch_in_its_role_with_the_hatch_lines_of_masked_cells(write_spec):
    theme = load_theme()
    plain, hatched = swatches(write_spec, "{role: light, hatch: true, text: {en: ignored, zh: 忽略}}")
    assert plain.style.hatch is None
    assert hatched.style.fill == theme.color("light") and hatched.style.hatch == theme.color("text-soft")


@pytest.mark.parametrize("entry, message", [
    ("{line: arrow, hatch: true, text: x}", r"`hatch` needs a `role` swatch"),
    ("{role: model, arrow: false, text: x}", r"`arrow` needs a `line` sample"),
])
def test_a_swatch_option_on_a_line_or_a_line_option_on_a_swatch_is_a_located_error(write_spec, entry, message):
    with pytest.raises(SpecError, match=message):
        scene(write_spec, "body:\n" + THREE + "legend:\n  - " + entry + "\n")


def test_a_dashed_role_entry_draws_a_dashed_outline_swatch_like_a_ghost_box(write_spec):
    theme = load_theme()
    plain, ghost = swatches(write_spec, "{role: white, dashed: true, text: {en: removed, zh: 删除}}")
    assert plain.style.dash is None and plain.style.stroke is None
    assert ghost.style.dash is not None and ghost.style.stroke == theme.color("muted")
    assert ghost.style.fill == theme.color("white")


def test_arrow_false_draws_a_plain_line_sample_for_a_chart_series(write_spec):
    legend = ("legend:\n  - {line: arrow, text: edge}\n"
              "  - {line: emphasis, arrow: false, text: {en: policy, zh: 策略}}\n")
    sc = scene(write_spec, "body:\n" + THREE + legend)
    edge_sample, series_sample = kind(sc, "legend", Line)
    assert edge_sample.arrow_end and not series_sample.arrow_end


def test_a_dashed_swatch_with_an_outline_role_draws_its_dashed_outline_in_that_role(write_spec):
    theme = load_theme()
    _plain, node = swatches(write_spec, "{role: white, outline: emphasis, dashed: true, "
                                        "text: {en: never evaluated, zh: 未评估}}")
    assert node.style.stroke == theme.color("emphasis") and node.style.dash is not None


def test_an_outlined_swatch_is_filled_in_its_role_and_stroked_in_its_outline_role(write_spec):
    theme = load_theme()
    body = ("body:\n  row:\n    - box: {id: a, text: picked, role: kept-bg, outline: kept}\n"
            "    - box: {id: b, text: x, role: model}\n")
    legend = ("legend:\n  - {role: kept-bg, outline: kept, text: {en: picked, zh: 选中}}\n"
              "  - {role: model, text: {en: trained, zh: 训练}}\n")
    for lang in ("en", "zh"):
        picked, plain = kind(scene(write_spec, body + legend, lang), "legend", Rect)
        assert picked.style.fill == theme.color("kept-bg") and picked.style.stroke == theme.color("kept")
        assert plain.style.stroke is None


def test_an_outline_without_a_fill_role_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match="outline"):
        load(write_spec(HEAD + "body:\n  box: {text: a}\nlegend:\n  - {line: arrow, outline: kept, text: x}\n"))


EYE = ("body:\n  target: {id: T, points: [[1, 0], [0, 1]], radius: 2, mean: true}\n"
       "legend:\n  - {role: accent, text: estimate}\n  - {role: emphasis, text: truth}\n"
       "  - {mark: cross, text: {en: mean, zh: 均值}}\n")


def test_a_mark_entry_draws_the_targets_cross_beside_its_text(write_spec):
    sc = scene(write_spec, EYE)
    arms = kind(sc, "legend-mark", Line)
    assert len(arms) == 2 and not any(a.arrow_end for a in arms)
    (cross,) = {a.style.stroke for a in arms}
    assert cross == {a.style.stroke for a in kind(sc, "target-mean", Line)}.pop()
    (text,) = [t for t in kind(sc, "legend-text", Text) if t.text == "mean"]
    right = max(bbox(a)[2] for a in arms)
    assert right < text.x < right + 12
    assert found(sc, "legend") == []


def test_a_mark_entry_with_no_target_mean_cross_is_reported(write_spec):
    sc = scene(write_spec, EYE.replace("mean: true", "mean: false"))
    assert [f[2] for f in found(sc, "legend")] == [
        "the legend explains a cross mark but no target draws its mean cross (expected an entry for a mark in use)"]


def test_a_mark_entry_with_a_role_is_a_located_error(write_spec):
    path = write_spec(HEAD + "body: {box: a}\nlegend:\n  - {mark: cross, role: model, text: x}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    assert "exactly one of `role`" in str(e.value) and ":6:5:" in str(e.value)


def test_a_dashed_line_entry_explains_a_charts_reference_line(write_spec):
    chart = ("body:\n  chart: {kind: bar, series: [{values: [1, 2, 3]}],"
             " refs: [{y: 2, role: emphasis, label: mean}]}\n")
    sc = scene(write_spec, chart + "legend:\n  - {line: emphasis, dashed: true, text: the mean}\n")
    assert found(sc, "legend") == []
    wrong = scene(write_spec, chart + "legend:\n  - {line: warm, dashed: true, text: the mean}\n")
    assert "'warm' edge but no edge is drawn that way" in " ".join(f[2] for f in found(wrong, "legend"))


def test_a_neutral_fill_means_what_its_outline_dash_or_hatch_says_so_two_such_entries_do_not_clash(write_spec):
    body = ("body:\n  row:\n    - box: {text: a, role: model}\n    - box: {text: b, role: data}\n"
            "    - box: {text: c, role: white, state: ghost}\n    - box: {text: d, role: white, outline: frame}\n"
            "    - tensor: {values: [[1, 2]], roles: [[light, light]], mask: [[true, false]]}\n")
    entries = LEGEND.split("  - {role: module")[0]
    neutral = ("  - {role: white, dashed: true, text: removed}\n  - {role: white, outline: frame, text: not judged}\n"
               "  - {role: light, hatch: true, text: masked}\n  - {role: light, text: a cell}\n")
    sc = scene(write_spec, body + entries + neutral)
    assert found(sc, "role-meaning") == [] and found(sc, "legend") == []
    # the same neutral mark with two meanings is still one colour with two meanings
    twice = scene(write_spec, body + entries + neutral + "  - {role: white, dashed: true, text: dropped}\n")
    assert [f[2][:40] for f in found(twice, "role-meaning")] == ["colour role 'white' means 'dropped' here"]
    # a meaningful fill means one thing, outlined or not
    outlined = scene(write_spec, body + entries + "  - {role: model, outline: frame, text: the policy}\n")
    assert len(found(outlined, "role-meaning")) == 1
