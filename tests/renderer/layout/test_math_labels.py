"""TeX inside labels ($…$ in box, panel-title and tensor-title text), Chinese in \\text{…}, aligned equations."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from _helpers import inside, kind, scene_of
from lxml import etree

from renderer.app.check import DEFECTS, check_spec
from renderer.backends.pptx import draw_pptx
from renderer.layout import metrics_for
from renderer.layout.base import Ctx
from renderer.layout.math import layout_math
from renderer.layout.math_glyphs import outline
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Rect, Text, bbox, walk
from renderer.scene import Path as PathPrim
from renderer.spec.elements.math import Math
from renderer.spec.errors import SpecError

NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


def box_group(scene, ident: str) -> Group:
    return next(p for p in walk(scene.items) if isinstance(p, Group) and p.meta.id == ident and p.meta.kind == "box")


def test_a_formula_in_a_box_label_is_a_path_inside_the_box_that_widens_and_heightens_it(write_spec):
    scene = scene_of(write_spec, """
  row:
    items:
      - box: {id: plain, text: "scores S"}
      - box: {id: frac, text: "scores $S = \\\\frac{QK^\\\\top}{\\\\sqrt{d_k}}$"}
""")
    plain, frac = box_group(scene, "plain"), box_group(scene, "frac")
    assert not [p for p in walk(plain.children) if isinstance(p, PathPrim)]
    paths = [p for p in walk(frac.children) if isinstance(p, PathPrim)]
    rect = next(p for p in frac.children if isinstance(p, Rect))
    prect = next(p for p in plain.children if isinstance(p, Rect))
    assert len(paths) == 1 and paths[0].meta.kind == "math" and paths[0].style.fill == load_theme().color("text")
    assert inside(bbox(rect), bbox(paths[0]))
    assert rect.w > prect.w + 40 and rect.h > prect.h + 5  # measured: the fraction is wider and taller
    [text] = [p for p in frac.children if isinstance(p, Text)]
    assert text.text == "scores " and bbox(text)[2] <= bbox(paths[0])[0] + 0.5  # the words end where math starts


def test_words_around_a_formula_share_its_baseline_and_a_simple_formula_keeps_the_line_height():
    c = ctx()
    plain = c.text_lines("a x b", 16, None)
    mixed = c.text_lines(r"a $x$ b", 16, None)
    texts = [p for p in mixed.items if isinstance(p, Text)]
    [path] = [p for p in mixed.items if isinstance(p, PathPrim)]
    assert [t.text for t in texts] == ["a ", " b"]
    assert texts[0].y == texts[1].y == plain.items[0].y  # same baseline as the plain line
    assert mixed.h == pytest.approx(plain.h)
    assert bbox(texts[0])[2] <= bbox(path)[0] + 0.5 and bbox(path)[2] <= bbox(texts[1])[0] + 0.5
    _, y0, _, y1 = bbox(path)
    assert y0 < texts[0].y < y1 + 4  # the italic x sits on the text's baseline


def test_an_escaped_dollar_is_a_literal_dollar_and_no_math():
    block = ctx().text_lines(r"costs \$5 a month", 16, None)
    assert [p.text for p in block.items] == ["costs $5 a month"]
    assert not [p for p in block.items if isinstance(p, PathPrim)]


def test_labels_with_math_wrap_between_words_never_inside_a_formula():
    block = ctx().text_lines(r"the advantage $\hat{A}_t = \sum_l (\gamma\lambda)^l \delta_{t+l}$ is a weighted "
                             r"sum of TD errors over the steps that follow", 16, 220)
    texts = [p for p in block.items if isinstance(p, Text)]
    assert len({round(t.y) for t in texts}) >= 2
    assert len([p for p in block.items if isinstance(p, PathPrim)]) == 1
    assert all(bbox(p)[2] <= block.w + 0.5 for p in block.items)


def test_panel_and_tensor_titles_typeset_their_formulas(write_spec):
    scene = scene_of(write_spec, """
  row:
    items:
      - panel:
          title: "Attention $\\\\sqrt{d_k}$"
          items: [{box: {text: x}}]
      - tensor: {title: "$Q \\\\in \\\\mathbb{R}^{n \\\\times d}$", shape: [2, 3]}
""")
    paths = kind(scene, "math", PathPrim)
    assert len(paths) == 2
    panel = next(p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind == "panel")
    assert inside(bbox(panel), bbox(paths[0]))
    assert paths[0].style.fill == load_theme().color("text-soft")  # the title's colour


@pytest.mark.parametrize(("text", "msg"), [("costs $5", "unbalanced"), (r"$\frac{a$", "cannot typeset"),
                                           ("$x + 中$", "Chinese")])
def test_bad_math_in_a_label_is_a_located_error(write_spec, text, msg):
    with pytest.raises(SpecError, match=msg) as e:
        scene_of(write_spec, f"""
  row:
    items:
      - box: {{text: "ok"}}
      - box:
          text: '{text}'
""")
    [p] = e.value.problems
    assert (p.line, p.col) == (10, 17) and p.file.endswith("s.yaml")


def test_chinese_inside_text_is_drawn_in_the_cjk_face_where_the_formula_leaves_room():
    c = ctx("zh")
    o = outline(r"r = \frac{\text{正确数}}{\text{步数}}", 16.0, True, c.metrics.unit_width)
    assert [t[2] for t in o.texts] == ["正确数", "步数"]
    block = c.text_lines(r"奖励 $r = \frac{\text{正确数}}{\text{步数}}$", 16, None)
    cn = [p for p in block.items if isinstance(p, Text) and p.meta.kind == "math-text"]
    [path] = [p for p in block.items if isinstance(p, PathPrim)]
    num, den = cn
    assert num.text == "正确数" and den.text == "步数"
    assert num.y < den.y and num.size < 16  # numerator above the denominator, at script size
    px0, py0, px1, py1 = bbox(path)
    assert bbox(num)[3] <= bbox(den)[1] + 1  # stacked, not overlapping
    assert num.y < py1 < den.y  # the fraction bar (the lowest ink of the path) between them
    assert px0 < bbox(num)[0] and bbox(num)[2] <= px1 + 0.5 and bbox(num)[2] <= block.w + 0.5
    faced = c.metrics.faced([num])[0]
    assert faced.family == tuple(load_theme().fonts["sans"])  # the CJK face


def test_textsf_is_drawn_in_the_label_face_at_its_own_width():
    # `\\textsf{…}` (an underbrace label in English) is set like Chinese text: in the sans label face, as in
    # the Chinese version of the same formula, not in the math font's serif
    c = ctx("en")
    o = outline(r"\underbrace{\sigma(x)}_{\textsf{dynamic coefficient}}", 16.0, False, c.metrics.unit_width)
    assert [t[2] for t in o.texts] == ["dynamic coefficient"]  # the no-break space of \\textsf is a space
    block = layout_math(Math(tex=r"\underbrace{\sigma(x)}_{\textsf{dynamic}}"), ("math",), c)
    [t] = [p for p in walk(block.items) if isinstance(p, Text)]
    assert t.text == "dynamic" and bbox(t)[2] <= block.w + 0.5
    assert c.metrics.faced([t])[0].family[0] == "Noto Sans"  # the Latin label face


def test_chinese_text_in_a_math_element_formula():
    block = layout_math(Math(tex=r"\text{奖励}\ r_t"), ("math",), ctx("zh"))
    [t] = [p for p in walk(block.items) if isinstance(p, Text)]
    assert t.text == "奖励" and 0 <= t.x and bbox(t)[2] <= block.w + 0.5
    assert [p for p in walk(block.items) if isinstance(p, PathPrim)]  # r_t is glyph paths


def test_pptx_draws_the_formula_as_a_freeform_beside_the_text_runs(write_spec):
    scene = scene_of(write_spec, """
  box: {id: b, text: "scores $\\\\sqrt{d_k}$"}
""")
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    grp = next(g for g in root.iter(f"{{{NS['p']}}}grpSp")
               if g.find("p:nvGrpSpPr/p:cNvPr", NS).get("name") == "b")
    shapes = grp.findall("p:sp", NS)
    assert any(s.find("p:spPr/a:custGeom", NS) is not None for s in shapes)  # the formula, editable
    assert any("scores" in "".join(s.itertext()) for s in shapes)  # the words, as text
    assert not root.findall(".//p:pic", NS)


def test_the_math_labels_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/math-labels.yaml"), only=DEFECTS) == []


def _rows(block, n: int) -> list[tuple[float, float]]:
    """(min x, max x) of the ink of each of n equal-height bands of a formula's path."""
    [path] = [p for p in walk(block.items) if isinstance(p, PathPrim)]
    subs, cur = [], []
    for c in path.cmds:
        if c[0] == "M" and cur:
            subs.append(cur)
            cur = []
        cur.append(c)
    subs.append(cur)
    out: list[list[float]] = [[] for _ in range(n)]
    for s in subs:
        xs = [v for c in s for v in c[1::2]]
        ys = [v for c in s for v in c[2::2]]
        if xs:
            out[min(int((sum(ys) / len(ys)) / block.h * n), n - 1)] += xs
    return [(min(r), max(r)) for r in out]


def test_lines_are_aligned_at_their_equals_signs():
    block = layout_math(Math(lines=["a = b", r"x + y + z = b"]), ("math",), ctx())
    (l0, r0), (l1, r1) = _rows(block, 2)
    assert r0 == pytest.approx(r1, abs=0.5)  # "= b" ends at the same x on both lines
    assert l1 < l0 - 20  # the longer left side reaches further left
    ref = layout_math(Math(tex=r"\begin{aligned}\mathstrut a &= b \\ \mathstrut x + y + z &= b\end{aligned}"),
                      ("math",), ctx())
    assert [p.cmds for p in walk(block.items)] == [p.cmds for p in walk(ref.items)]


def test_aligned_in_tex_is_typeset_as_rows_and_chinese_text_works_in_lines():
    block = layout_math(Math(tex=r"\begin{aligned} a &= b \\ c &= d \\ e &= f \end{aligned}"), ("math",), ctx())
    one = layout_math(Math(tex="a = b"), ("math",), ctx())
    assert block.h > 2.5 * one.h
    zh = layout_math(Math(lines=[{"en": "o = AV", "zh": r"\text{输出} = AV"}, "A = QK"]), ("math",), ctx("zh"))
    [t] = [p for p in walk(zh.items) if isinstance(p, Text)]
    assert t.text == "输出" and t.y < zh.h / 2


@pytest.mark.parametrize(("body", "msg"), [("{tex: 'a', lines: ['b']}", "exactly one of `tex`"),
                                         ("{lines: []}", "0 items"),
                                         ("{text: 'a', lines: ['b = c']}", "`lines` \\(an aligned")])
def test_lines_is_validated(write_spec, body, msg):
    from renderer.spec.loader import load

    path = write_spec("id: t\nchapter: test\ntitle: {en: T, zh: T}\nbody:\n  math: " + body + "\n")
    with pytest.raises(SpecError, match=msg) as e:
        load(path)
    assert all(p.line == 5 for p in e.value.problems)
