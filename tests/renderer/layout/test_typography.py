"""Typography of free text: typographic quotes (not in code, not in math)."""

from __future__ import annotations

import pytest
from _helpers import scene_of

from renderer.layout.quotes import curly
from renderer.layout.text import Metrics
from renderer.layout.theme import load_theme
from renderer.scene import Rect, Text, walk


@pytest.mark.parametrize(("plain", "typeset"), [
    ('the model\'s "answer"', "the model’s “answer”"),
    ("Q(s', a') from s'", "Q(s′, a′) from s′"),
    ("the policies' values", "the policies’ values"),
    ("'a' or 'b'", "‘a’ or ‘b’"),
    ('他说"你好"然后', "他说“你好”然后"),
    ("评论家的'状态' s'", "评论家的‘状态’ s′"),
    ("rock 'n' roll", "rock ‘n’ roll"),
    ('("x"), "y"', "(“x”), “y”"),
    ("don't use $f'(x)$ here", "don’t use $f'(x)$ here"),  # the prime inside math stays TeX
    ("no quotes at all", "no quotes at all"),
])
def test_quotes_by_position(plain, typeset):
    assert curly(plain) == typeset


def texts(scene) -> list[str]:
    return [p.text for p in walk(scene.items) if isinstance(p, Text)]


def test_boxes_and_tables_draw_typographic_quotes_but_code_keeps_straight_ones(write_spec):
    body = """  column:
    items:
      - box: {text: "the critic's \\"value\\""}
      - table: {rows: [["it's", "\\"ok\\""]]}
      - code: {language: python, code: "x = 'a' + \\"b\\""}
"""
    got = texts(scene_of(write_spec, body))
    joined = " ".join(got)
    assert "the critic’s “value”" in got, got
    assert "it’s" in got and "“ok”" in got, got
    assert "'a'" in joined and '"b"' in joined, got  # code untouched
    assert "'" not in joined.replace("'a'", "") and '"' not in joined.replace('"b"', "")


@pytest.mark.parametrize("mark", ["。", "，", "、", "？"])
def test_a_lone_cjk_mark_is_centred_by_its_ink(write_spec, mark):
    """A chip whose whole text is 。: the glyph's ink (harfbuzz extents), not its advance, sits at the centre."""
    body = f"""  row:
    items:
      - box: {{id: a, text: "{mark}", role: white, width: 60, height: 40}}
      - box: {{id: b, text: "词{mark}", role: white, width: 60, height: 40}}
"""
    scene = scene_of(write_spec, body, lang="zh")
    m = Metrics(load_theme())
    rects = {p.meta.id: p for p in walk(scene.items) if isinstance(p, Rect) and p.meta.id in ("a", "b")}
    lone = next(p for p in walk(scene.items) if isinstance(p, Text) and p.text == mark)
    left, right, top, bottom = m.ink(mark, lone.size, lone.weight)
    assert lone.anchor == "middle"
    x0 = lone.x - lone.width / 2
    ink_cx, ink_cy = x0 + (left + right) / 2, lone.y - (top + bottom) / 2
    box = rects["a"]
    assert ink_cx == pytest.approx(box.x + box.w / 2, abs=0.3)
    assert ink_cy == pytest.approx(box.y + box.h / 2, abs=0.3)
    # text with more than the mark is placed by its advance, as before
    other = next(p for p in walk(scene.items) if isinstance(p, Text) and p.text == "词" + mark)
    assert other.x == pytest.approx(rects["b"].x + rects["b"].w / 2, abs=0.01)


def test_a_token_cell_holding_a_lone_cjk_mark_centres_its_ink(write_spec):
    """The same in a tensor's cells (token strips): 。 centred by ink, 词 by advance as before."""
    scene = scene_of(write_spec, '  tensor: {id: t, values: [["词", "。"]], cell: 40}\n', lang="zh")
    m = Metrics(load_theme())
    cells = {p.meta.parts[0]: p for p in walk(scene.items) if hasattr(p, "meta") and p.meta.parts
             and p.meta.kind == "tensor-cell" and not isinstance(p, Text)}
    mark = next(p for p in walk(scene.items) if isinstance(p, Text) and p.text == "。")
    word = next(p for p in walk(scene.items) if isinstance(p, Text) and p.text == "词")
    rect = next(p for p in cells["r0c1"].children if isinstance(p, Rect))
    left, right, top, bottom = m.ink("。", mark.size)
    assert mark.x + (left + right) / 2 == pytest.approx(rect.x + rect.w / 2, abs=0.3)
    assert mark.y - (top + bottom) / 2 == pytest.approx(rect.y + rect.h / 2, abs=0.3)
    rect0 = next(p for p in cells["r0c0"].children if isinstance(p, Rect))
    assert word.x + word.width / 2 == pytest.approx(rect0.x + rect0.w / 2, abs=0.3)
