"""`legend: auto` (entries read from what the diagram draws) and icon entries in legends."""

from __future__ import annotations

import io
import zipfile

import pytest
from _helpers import HEAD, kind
from lxml import etree

from renderer.app.check import check_spec
from renderer.app.check_legend import legend_checks
from renderer.backends.pptx import draw_pptx
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.icon import pictogram
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Line, Meta, Path, Rect, Text, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

BODY = ("body:\n  row:\n"
        "    - box: {id: a, text: {en: policy, zh: 策略}, role: model, badge: flame}\n"
        "    - box: {id: b, text: {en: prompt, zh: 提示}, role: data}\n"
        "    - box: {id: c, text: {en: reward, zh: 奖励}, role: module, badge: lock, badge_role: kept}\n"
        "edges:\n  - {from: a, to: b}\n  - {from: b, to: c, dashed: true}\n")
AUTO = ("legend:\n  auto: true\n"
        "  labels: {data: {en: prompt data, zh: 提示数据}, model: {en: policy, zh: 策略},\n"
        "           module: {en: scorer, zh: 评分}}\n"
        "  dashed: {arrow: {en: no gradient, zh: 无梯度}}\n")


def scene(write_spec, text: str, lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + text))).for_lang(lang), load_theme())


def texts(sc) -> list[str]:
    return [t.text for t in kind(sc, "legend-text", Text)]


def test_auto_lists_each_role_edge_style_and_badge_drawn_in_order_of_first_appearance(write_spec):
    theme = load_theme()
    for lang, words in (("en", ["policy", "trained", "prompt data", "scorer", "frozen", "no gradient"]),
                        ("zh", ["策略", "训练", "提示数据", "评分", "冻结", "无梯度"])):
        sc = scene(write_spec, BODY + AUTO, lang)
        assert texts(sc) == words
        assert [s.style.fill for s in kind(sc, "legend", Rect)] == [theme.color(r) for r in ("model", "data", "module")]
        line = kind(sc, "legend", Line)[0]
        assert line.meta.role == "arrow" and line.style.dash is not None
        icons = {p.meta.icon for p in walk(sc.items) if p.meta.kind == "legend-icon" and p.meta.icon}
        assert icons == {"flame", "lock"}
        rings = [p.style.stroke for p in kind(sc, "legend-icon", Ellipse) if p.meta.role == "white"]
        assert rings == [theme.color("warm"), theme.color("kept")]  # each badge in the colour it is drawn in
        assert legend_checks(sc, theme) == []


def test_the_plain_default_arrow_needs_no_label_but_a_meaningful_role_does(write_spec):
    path = write_spec(HEAD + BODY + "legend:\n  auto: true\n  labels: {model: policy, data: prompt}\n")
    with pytest.raises(SpecError) as e:
        layout(bind(load(path)).for_lang("en"), load_theme())
    msg = str(e.value)
    assert "colour role 'module'" in msg and "dashed 'arrow' edge" in msg and "solid 'arrow'" not in msg
    assert ":14:11:" in msg  # located at the labels
    assert "'flame' badge" not in msg  # lock and flame have default texts


def test_bare_auto_is_accepted_and_names_every_role_it_needs(write_spec):
    path = write_spec(HEAD + BODY + "legend: auto\n")
    with pytest.raises(SpecError) as e:
        layout(bind(load(path)).for_lang("en"), load_theme())
    for name in ("'model'", "'data'", "'module'"):
        assert name in str(e.value)


def test_an_auto_legend_leaves_a_charts_own_series_to_its_legend(write_spec):
    chart = ("body:\n  row:\n    - box: {text: x, role: warm}\n"
             "    - chart: {kind: bar, x: {categories: [a, b]}, series: [{name: one, values: [1, 2], role: model},"
             " {name: two, values: [2, 1], role: data}]}\n"
             "legend: {auto: true, labels: {warm: {en: warm thing, zh: 暖}}}\n")
    sc = scene(write_spec, chart)
    assert texts(sc) == ["warm thing"]


def test_a_hatched_fill_needs_its_own_label(write_spec):
    tensor = ("body:\n  tensor: {shape: [3, 3], role: model, mask: causal, mask_style: hatch}\n")
    with pytest.raises(SpecError) as e:
        scene(write_spec, tensor + "legend: {auto: true, labels: {model: weights}}\n")
    assert "hatched fill" in str(e.value)


def test_an_icon_entry_draws_its_badge_beside_its_text(write_spec):
    sc = scene(write_spec, "body:\n  box: {text: a, badge: unlock}\nlegend:\n  - {icon: unlock, text: thawed}\n")
    ring = [p for p in kind(sc, "legend-icon", Ellipse)][0]
    text = kind(sc, "legend-text", Text)[0]
    assert text.text == "thawed" and bbox(ring)[2] < text.x < bbox(ring)[2] + 12
    assert any(isinstance(p, Line | Rect) or p.meta.icon == "unlock" for p in kind(sc, "legend-icon"))
    assert legend_checks(sc, load_theme()) == []


def test_an_icon_entry_for_a_badge_not_drawn_is_reported(write_spec):
    sc = scene(write_spec, "body:\n  box: {text: a, badge: lock}\nlegend:\n  - {icon: flame, text: trained}\n")
    assert any("'flame'" in f[2] for f in legend_checks(sc, load_theme()) if f[0] == "legend")


def test_hand_written_legends_are_unchanged(write_spec):
    hand = ("legend:\n  - {role: model, text: policy}\n  - {role: data, text: prompt data}\n"
            "  - {role: module, text: scorer}\n  - {line: arrow, dashed: true, text: no gradient}\n")
    auto = ("legend:\n  auto: true\n  labels: {model: policy, data: prompt data, module: scorer}\n"
            "  dashed: {arrow: no gradient}\n  icons: {flame: trained, lock: frozen}\n")
    body = BODY.replace(", badge: flame", "").replace(", badge: lock, badge_role: kept", "")
    a, b = scene(write_spec, body + hand), scene(write_spec, body + auto)
    strip = [(type(p).__name__, round(bbox(p)[0], 3), round(bbox(p)[1], 3), getattr(p, "text", None))
             for p in walk(a.items)]
    assert strip == [(type(p).__name__, round(bbox(p)[0], 3), round(bbox(p)[1], 3), getattr(p, "text", None))
                     for p in walk(b.items)]


NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def test_legend_badges_and_the_file_type_icons_are_native_freeforms_in_pptx(write_spec):
    names = ("unlock", "pdf", "web-page", "code-file", "spreadsheet")
    body = "body:\n  row:\n" + "".join(f"    - box: {{text: {n}, badge: {n}}}\n" for n in names)
    legend = "legend:\n" + "".join(f"  - {{icon: {n}, text: {n} file}}\n" for n in names)
    sc = scene(write_spec, body + legend)
    drawn = {p.meta.icon for p in kind(sc, "legend-icon") if p.meta.icon}
    assert drawn == set(names)
    with zipfile.ZipFile(io.BytesIO(draw_pptx(sc))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    assert root.findall(".//p:pic", NS) == []
    shapes = [sp for sp in root.iter(f"{{{NS['p']}}}sp") if "legend-icon" in sp.find(".//p:cNvPr", NS).get("name")]
    assert len(shapes) >= 5 * 3 and any(sp.find("p:spPr/a:custGeom", NS) is not None for sp in shapes)


def test_an_unlocked_padlock_lifts_its_shackle_clear_of_the_body():
    from renderer.layout import metrics_for
    from renderer.layout.base import Ctx

    theme = load_theme()
    ctx = Ctx(theme, metrics_for(theme), "en")

    def shackle_end(name):
        path = [p for p in pictogram(name, ctx, 100, "accent", Meta(None, "accent", None, "icon"))
                if isinstance(p, Path)][0]
        return path.cmds[-1][-1]  # y of the right leg's end

    body_top = 44
    assert shackle_end("lock") > body_top and shackle_end("unlock") < body_top - 8


def test_the_legend_auto_example_is_clean_in_both_languages():
    assert check_spec(ROOT / "specs/_examples/legend-auto.yaml") == []


def test_an_unknown_role_in_the_labels_is_located_at_its_key(write_spec):
    path = write_spec(HEAD + BODY + "legend:\n  auto: true\n  labels: {model: a, data: b, module: c}\n"
                      "  dashed:\n    arow: no gradient\n")
    with pytest.raises(SpecError) as e:
        layout(bind(load(path)).for_lang("en"), load_theme())
    assert "unknown colour role 'arow' in `dashed`" in str(e.value) and ":16:5:" in str(e.value)
