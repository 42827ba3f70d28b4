"""Typography of free text: typographic quotes (not in code, not in math)."""

from __future__ import annotations

import pytest
from _helpers import scene_of

from renderer.layout.quotes import curly
from renderer.scene import Text, walk


@pytest.mark.parametrize(("plain", "typeset"), [
    ('the model\'s "answer"', "the model’s “answer”"),
    ("Q(s', a') from s'", "Q(s′, a′) from s′"),
    ("the policies' values", "the policies’ values"),
    ("'a' or 'b'", "‘a’ or ‘b’"),
    ('他说"你好"然后', "他说“你好”然后"),
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
