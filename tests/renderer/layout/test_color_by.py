"""`color_by` on a repeat: each copy's {{ color }} is a role of the theme's categorical cycle."""

from __future__ import annotations

import pytest
import yaml
from _helpers import scene_of

from renderer.layout.theme import load_theme
from renderer.project import THEME_FILE
from renderer.scene import Rect, walk
from renderer.spec.errors import SpecError
from renderer.spec.palette import categorical_roles

CYCLE = ["model", "data", "module", "thought", "warm", "accent"]


def box_roles(scene) -> dict[str, str]:
    return {p.meta.id: p.meta.role for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind == "box"}


def test_the_theme_names_a_categorical_cycle_of_palette_roles():
    assert list(categorical_roles()) == CYCLE == yaml.safe_load(THEME_FILE.read_text())["categorical"]
    theme = load_theme()
    assert len({theme.color(r) for r in CYCLE}) == len(CYCLE)  # six distinct colours


def test_color_by_index_gives_a_token_the_same_colour_in_every_row(write_spec):
    scene = scene_of(write_spec, """
  column:
    items:
      - row:
          repeat: [a, b, c, d, e, f, g]
          color_by: index
          item: {box: {id: tok, text: "{{ item }}", role: "{{ color }}"}}
      - row:
          repeat: [1, 2, 3, 4, 5, 6, 7]
          color_by: index
          item: {box: {id: emb, text: "{{ item }}", role: "{{ color }}"}}
""")
    roles = box_roles(scene)
    assert [roles[f"tok-{i}"] for i in range(7)] == [*CYCLE, CYCLE[0]]  # the cycle wraps
    assert all(roles[f"tok-{i}"] == roles[f"emb-{i}"] for i in range(7))
    fills = {p.meta.id: p.style.fill for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind == "box"}
    assert fills["tok-2"] == fills["emb-2"] == load_theme().color("module")


def test_color_by_value_gives_equal_values_one_colour_in_order_of_first_appearance(write_spec):
    scene = scene_of(write_spec, """
  row:
    repeat: [the, cat, the, mat, cat]
    color_by: value
    item: {box: {id: w, text: "{{ item }}", role: "{{ color }}"}}
""")
    roles = box_roles(scene)
    assert [roles[f"w-{i}"] for i in range(5)] == ["model", "data", "model", "module", "data"]


@pytest.mark.parametrize(("body", "msg"), [
    ("  row:\n    color_by: index\n    items: [{box: {text: a}}]\n", "`color_by` colours the copies of a repeat"),
    ("  row:\n    repeat: [a]\n    color_by: hue\n    item: {box: {text: a}}\n", "hue"),
    ("  row:\n    repeat: [a]\n    item: {box: {text: a, role: '{{ color }}'}}\n", "color"),
])
def test_color_by_errors_are_located(write_spec, body, msg):
    with pytest.raises(SpecError, match=msg) as e:
        scene_of(write_spec, body)
    assert all(p.line >= 5 for p in e.value.problems)


KEYED = """
  column:
    items:
      - row:
          repeat: "{{ vars.toks }}"
          color_by: value
          item: {box: {id: tok, text: "{{ item }}", role: "{{ color }}"}}
      - tensor: {id: emb, shape: [5, 3], row_roles: "{{ vars.toks | key_colors }}"}
      - chart:
          kind: bar
          x: {categories: "{{ vars.toks }}"}
          series: [{values: [1, 2, 3, 4, 5], roles: "{{ vars.toks | key_colors }}"}]
      - tensor: {id: sub, shape: [2, 2], row_roles: "{{ [vars.toks[4], vars.toks[1]] | key_colors(vars.toks) }}"}
"""
TOKS = "vars:\n  toks: [the, cat, the, mat, sat]\n"


def rows_of(scene, ident: str) -> list[str]:
    cells = sorted((round(p.y, 3), p.meta.role) for p in walk(scene.items)
                   if isinstance(p, Rect) and p.meta.kind == "tensor-cell" and p.meta.id == ident)
    by_row: dict[float, set] = {}
    for y, role in cells:
        by_row.setdefault(y, set()).add(role)
    assert all(len(r) == 1 for r in by_row.values()), "one role per row"
    return [next(iter(r)) for _, r in sorted(by_row.items())]


def test_key_colors_gives_a_key_one_colour_in_a_repeat_a_tensors_rows_and_a_charts_bars(write_spec):
    scene = scene_of(write_spec, KEYED, compute=TOKS)
    boxes = box_roles(scene)
    toks = [boxes[f"tok-{i}"] for i in range(5)]
    assert toks == ["model", "data", "model", "module", "thought"]  # 'the' twice: one colour
    assert rows_of(scene, "emb") == toks
    bars = [p.meta.role for p in sorted((p for p in walk(scene.items) if p.meta.kind == "chart-bar"),
                                        key=lambda p: p.x)]
    assert bars == toks
    assert rows_of(scene, "sub") == ["thought", "data"]  # 'sat' and 'cat' keep their colours in a subset


def test_a_key_missing_from_the_key_list_is_a_located_error(write_spec):
    body = "  tensor: {shape: [1, 2], row_roles: \"{{ ['dog'] | key_colors(vars.toks) }}\"}\n"
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, body, compute=TOKS)
    assert "key_colors: dog is not one of the keys" in str(e.value) and ".yaml:7:" in str(e.value)
