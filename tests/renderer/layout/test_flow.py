"""Rows, columns and panels: wrapping into tiers, panels sharing their size, long titles."""

from __future__ import annotations

from _helpers import kind, scene_of

from renderer.app.check_layout import aspect, near_alignment
from renderer.scene import Group, Rect, bbox

SEVEN = "".join(f"      - panel: {{id: p{i}, title: Panel {i}, items: [{{box: {{text: 'step {i}'}}}}]}}\n"
                for i in range(7))


def panels(scene) -> dict[str, tuple]:
    return {p.meta.id: bbox(p) for p in kind(scene, "panel", Rect)}


def test_a_seven_panel_row_wraps_into_two_tiers_on_one_grid(write_spec):
    for lang in ("en", "zh"):
        flat = scene_of(write_spec, "  row:\n    items:\n" + SEVEN, lang)
        wrapped = scene_of(write_spec, "  row:\n    wrap: auto\n    items:\n" + SEVEN, lang)
        assert aspect(flat), "the unwrapped row is a strip"
        assert aspect(wrapped) == []
        b = panels(wrapped)
        tops = sorted({round(v[1], 1) for v in b.values()})
        assert len(tops) == 2  # two tiers
        first = [k for k in b if round(b[k][1], 1) == tops[0]]
        assert first == ["p0", "p1", "p2", "p3"]  # filled left to right, four then three
        for i in range(3):  # the second tier's cells sit under the first tier's: one grid of columns
            assert abs(b[f"p{i}"][0] - b[f"p{i + 4}"][0]) < 0.01 and abs(b[f"p{i}"][2] - b[f"p{i + 4}"][2]) < 0.01


def test_wrap_with_a_count_and_a_column_reflowing_into_columns(write_spec):
    b = panels(scene_of(write_spec, "  row:\n    wrap: 3\n    items:\n" + SEVEN))
    assert len({round(v[1], 1) for v in b.values()}) == 3
    c = panels(scene_of(write_spec, "  column:\n    wrap: 2\n    items:\n" + SEVEN))
    lefts = sorted({round(v[0], 1) for v in c.values()})
    assert len(lefts) == 2  # two side-by-side columns, filled top to bottom
    assert [k for k in c if round(c[k][0], 1) == lefts[0]] == ["p0", "p1", "p2", "p3"]


def test_stretch_makes_every_box_of_a_wrapped_row_fill_its_grid_cell(write_spec):
    body = ("  row:\n    wrap: 2\n    gap: 6\n    align: {align}\n    items:\n"
            "      - box: {{id: a, text: short}}\n      - box: {{id: b, text: a much longer label}}\n"
            "      - box: {{id: c, text: a long label here as well}}\n      - box: {{id: d, text: x}}\n")
    def boxes(align: str, lang: str) -> dict[str, tuple]:
        return {r.meta.id: bbox(r) for r in kind(scene_of(write_spec, body.format(align=align), lang), "box", Rect)}

    for lang in ("en", "zh"):
        b = boxes("stretch", lang)
        assert abs(b["a"][0] - b["c"][0]) < 0.01 and abs(b["a"][2] - b["c"][2]) < 0.01  # column 0: one width
        assert abs(b["b"][2] - b["d"][2]) < 0.01  # column 1: one width
        centred = boxes("center", lang)
        assert centred["d"][2] < centred["b"][2] - 10  # without stretch a short box keeps its own width


def test_a_bad_wrap_is_a_located_error(write_spec):
    import pytest

    from renderer.spec.errors import SpecError
    from renderer.spec.loader import load

    path = write_spec("id: t\nchapter: test\ntitle: T\nbody:\n  row:\n    wrap: 0\n    items: [{box: a}]\n")
    with pytest.raises(SpecError, match="wrap is a tier count from 1 to 50"):
        load(path)


def test_panels_side_by_side_share_height_and_top_and_stacked_panels_share_width(write_spec):
    body = ("  row:\n    items:\n"
            "      - panel: {id: short, title: Short, items: [{box: a}]}\n"
            "      - panel: {id: tall, title: Tall, items: [{box: b}, {box: c}, {box: d}]}\n")
    for lang in ("en", "zh"):
        b = panels(scene_of(write_spec, body, lang))
        assert abs(b["short"][1] - b["tall"][1]) < 0.01 and abs(b["short"][3] - b["tall"][3]) < 0.01
    col = ("  column:\n    items:\n"
           "      - panel: {id: narrow, title: N, items: [{box: a}]}\n"
           "      - panel: {id: wide, title: A much wider panel title, items: [{box: b}]}\n")
    c = panels(scene_of(write_spec, col))
    assert abs(c["narrow"][0] - c["wide"][0]) < 0.01 and abs(c["narrow"][2] - c["wide"][2]) < 0.01


def test_a_long_title_wraps_instead_of_widening_the_canvas(write_spec):
    title = "A title far longer than the small diagram under it could ever hold on one line of the tab"
    zh = "一个远远长于下面这张小图所能容纳的标题，它应该折行而不是把画布撑宽，哪怕再多写几个字也一样"
    boxes = ", ".join(f"{{box: stage {i}}}" for i in range(9))
    path = write_spec(f"id: t\nchapter: test\ntitle: {{en: {title}, zh: {zh}}}\nbody:\n  row: [{boxes}]\n")
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.spec.loader import load

    bound = bind(load(path))
    for lang in ("en", "zh"):
        s = layout(bound.for_lang(lang), load_theme())
        lines = kind(s, "title")
        assert len({round(t.y, 1) for t in lines}) >= 2  # wrapped onto two lines or more
        body_right = max(bbox(p)[2] for p in kind(s, "box"))
        frame = kind(s, "frame")[0]
        assert frame.w < body_right + 200  # the canvas is not stretched to the title's one-line width


TRACKS = ("  column:\n    tracks: true\n    gap: 20\n    items:\n"
          "      - row: {items: [{box: {id: t0, text: {en: Who, zh: 谁}}}, {box: {id: t1, text: {en: are, zh: 是}}},"
          " {box: {id: t2, text: {en: you, zh: 你}}}]}\n"
          "      - row: {gap: 30, items: [{box: {id: i0, text: '15191'}}, {box: {id: i1, text: '525'}},"
          " {box: {id: i2, text: '498'}}]}\n"
          "      - row: {items: [{box: {id: p0, text: 'x', role: data}}, {box: {id: p1, text: 'yy', role: data}},"
          " {box: {id: p2, text: 'a much longer label', role: data}}]}\n")


def test_three_stacked_rows_share_columns_in_both_languages(write_spec):
    for lang in ("en", "zh"):
        s = scene_of(write_spec, TRACKS, lang)
        box = {g.meta.id: bbox(g) for g in kind(s, "box", Group) if g.meta.id}
        for j in range(3):
            centres = [(box[f"{r}{j}"][0] + box[f"{r}{j}"][2]) / 2 for r in "tip"]
            assert max(centres) - min(centres) < 0.01, (lang, j, centres)
        assert not [f for f in near_alignment(s)], "nothing stacked nearly-but-not-quite aligned"
        untracked = scene_of(write_spec, TRACKS.replace("tracks: true", "tracks: false"), lang)
        assert near_alignment(untracked), "without tracks the rows are centred one by one and drift"


def test_a_repeated_panel_is_a_stack_of_cards_with_a_count_badge(write_spec):
    body = ("  column:\n    items:\n      - box: {id: inp, text: input}\n"
            "      - panel: {id: layer, title: {en: Decoder layer, zh: 解码器层}, stack: 24,"
            " items: [{box: attention}, {box: MLP}]}\n")
    for lang in ("en", "zh"):
        s = scene_of(write_spec, body, lang)
        front = next(p for p in kind(s, "panel", Rect) if p.meta.id == "layer")
        cards = [p for p in kind(s, "panel-card", Rect)]
        assert len(cards) == 2 and all(c.w == front.w and c.h == front.h and c.x > front.x for c in cards)
        order = [p for p in s.items if p in cards or p is front]
        assert order[-1] is front  # the cards are drawn behind the front card
        badge = [t.text for t in kind(s, "panel-badge") if hasattr(t, "text")]
        assert badge == ["×24"]
        inp = s.anchors["inp"]
        assert abs((inp[0] + inp[2] / 2) - (front.x + front.w / 2)) < 0.01  # aligned by the front card


def test_a_narrow_body_breaks_the_credit_onto_two_lines_instead_of_widening_the_canvas(write_spec):
    narrow = scene_of(write_spec, "  box: {text: tiny}\n")
    credit = kind(narrow, "credit")
    lines = [t for t in credit if hasattr(t, "text")]
    assert len({round(t.y, 1) for t in lines}) == 2
    wide = scene_of(write_spec, "  row: [" + ", ".join(f"{{box: 'stage number {i}'}}" for i in range(6)) + "]\n")
    assert len({round(t.y, 1) for t in kind(wide, "credit") if hasattr(t, "text")}) == 1


BARS = ("      - chart: {id: pr, kind: bar, height: 90, x: {categories: [a, b, c]},"
        " series: [{values: [0.5, 0.3, 0.2], labels: '.1f'}]}\n")


def test_a_bar_chart_in_a_tracked_column_puts_each_bar_under_its_token_in_both_languages(write_spec):
    for lang in ("en", "zh"):
        s = scene_of(write_spec, TRACKS + BARS, lang)
        box = {g.meta.id: bbox(g) for g in kind(s, "box", Group) if g.meta.id}
        bars = [bbox(p) for p in kind(s, "chart-bar")]
        assert len(bars) == 3
        widths = {round(box[f"t{j}"][2] - box[f"t{j}"][0], 2) for j in range(3)}
        assert len(widths) == 1, "under a chart the tracks share one width (the chart's slots are equal)"
        for j in range(3):
            bar_c = (bars[j][0] + bars[j][2]) / 2
            for r in "tip":
                assert abs((box[f"{r}{j}"][0] + box[f"{r}{j}"][2]) / 2 - bar_c) < 0.01, (lang, r, j)
        untracked = scene_of(write_spec, (TRACKS + BARS).replace("tracks: true", "tracks: false"), lang)
        ub = {g.meta.id: bbox(g) for g in kind(untracked, "box", Group) if g.meta.id}
        ubars = [bbox(p) for p in kind(untracked, "chart-bar")]
        assert abs((ub["t0"][0] + ub["t0"][2]) / 2 - (ubars[0][0] + ubars[0][2]) / 2) > 1


def test_bars_sit_under_the_tracks_after_a_header_column(write_spec):
    body = ("  column:\n    tracks: true\n    items:\n"
            "      - row: [{text: token}, {box: {id: a, text: a}}, {box: {id: b, text: bb}}, {box: {id: c, text: c}}]\n"
            "      - row: [{text: P}, {box: '0.5'}, {box: '0.3'}, {box: '0.2'}]\n" + BARS)
    for lang in ("en", "zh"):
        s = scene_of(write_spec, body, lang)
        box = {g.meta.id: bbox(g) for g in kind(s, "box", Group) if g.meta.id}
        bars = [bbox(p) for p in kind(s, "chart-bar")]
        for j, ident in enumerate("abc"):
            assert abs((box[ident][0] + box[ident][2]) / 2 - (bars[j][0] + bars[j][2]) / 2) < 0.01, (lang, ident)
