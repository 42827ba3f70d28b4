"""Tree `levels:` (a label over each depth's column) and `cut_style: solid` (a cut node solid, its subtree
dashed); legend swatches with an outline (dashed for a node style)."""

from __future__ import annotations

import re

import pytest
from _helpers import HEAD, kind

from renderer.bind import bind
from renderer.layout import layout, metrics_for
from renderer.layout.base import Ctx
from renderer.layout.theme import load_theme
from renderer.layout.tree import layout_tree
from renderer.scene import Group, Line, Rect, Text, bbox, walk
from renderer.spec.elements.tree import Tree
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

PROBS = {"dog": {"p": 0.4, "next": {"has": {"p": 0.9}, "runs": {"p": 0.05}}},
         "nice": {"p": 0.5, "next": {"woman": {"p": 0.4}, "house": {"p": 0.3}}}}


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


def _nodes(block) -> dict[str, Rect]:
    """Node label -> its shape."""
    out = {}
    for g in walk(block.items):
        if isinstance(g, Group) and g.meta.kind == "node":
            out[next(t.text for t in g.children if isinstance(t, Text))] = g.children[0]
    return out


def _edge_into(block, node: Rect) -> Line:
    """The tree edge that ends on the left side of `node` (a left-to-right tree)."""
    return next(p for p in walk(block.items) if isinstance(p, Line) and p.meta.kind == "edge"
                and abs(p.points[-1][0] - node.x) < 0.5 and node.y <= p.points[-1][1] <= node.y + node.h)


@pytest.mark.parametrize("direction", ["right", "down"])
def test_each_level_label_sits_over_or_beside_the_nodes_of_its_depth(direction):
    el = Tree.model_validate({"tokens": PROBS, "prompt": "The", "direction": direction,
                              "levels": ["prompt", "", {"en": "step 2", "zh": "第 2 步"}]})
    block = layout_tree(el, ("tree",), ctx())
    labels = {t.text: bbox(t) for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "tree-level"}
    assert set(labels) == {"prompt", "step 2"}  # '' leaves depth 1 blank
    nodes = {k: bbox(v) for k, v in _nodes(block).items()}
    for label, members in (("prompt", ["The"]), ("step 2", ["has", "runs", "woman", "house"])):
        lx0, ly0, lx1, ly1 = labels[label]
        boxes = [nodes[m] for m in members]
        if direction == "right":  # centred over the column, above every node
            centre = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2
            assert (lx0 + lx1) / 2 == pytest.approx(centre, abs=1.0) or lx0 == pytest.approx(0.0)  # or clamped
            assert ly1 <= min(b[1] for b in nodes.values()) - 4
        else:  # centred on the row, left of every node
            assert (ly0 + ly1) / 2 == pytest.approx((min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2,
                                                    abs=1.0)
            assert lx1 <= min(b[0] for b in nodes.values()) - 4
    assert all(b[2] <= block.w + 0.5 and b[3] <= block.h + 0.5 for b in [*labels.values(), *nodes.values()])
    zh = layout_tree(el, ("tree",), ctx("zh"))
    assert {t.text for t in walk(zh.items) if isinstance(t, Text) and t.meta.kind == "tree-level"} == \
        {"prompt", "第 2 步"}


def test_without_levels_the_tree_draws_no_level_labels():
    block = layout_tree(Tree.model_validate({"tokens": PROBS}), ("tree",), ctx())
    assert not [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "tree-level"]


@pytest.mark.parametrize("style", ["dashed", "solid"])
def test_cut_style_solid_draws_the_cut_node_solid_and_keeps_its_subtree_dashed(style):
    el = Tree.model_validate({"tokens": PROBS, "prompt": "The", "direction": "right", "pruned": [["nice"]],
                              "cut_style": style})
    block = layout_tree(el, ("tree",), ctx())
    n = _nodes(block)
    theme = load_theme()
    cut, below = n["nice"], [n["woman"], n["house"]]
    assert cut.style.stroke == theme.color("removed") and cut.style.fill == theme.color("light")
    assert (cut.style.dash is None) == (style == "solid")
    assert (_edge_into(block, cut).style.dash is None) == (style == "solid")
    for b in below:  # never evaluated: dashed either way
        assert b.style.dash is not None and _edge_into(block, b).style.dash is not None
    assert n["dog"].style.dash is None and _edge_into(block, n["dog"]).style.dash is None


def test_a_cut_style_that_does_not_exist_is_an_error_naming_the_choices():
    with pytest.raises(ValueError, match="dashed.*solid"):
        Tree.model_validate({"tokens": PROBS, "cut_style": "dotted"})


def test_a_legend_swatch_with_an_outline_is_stroked_dashed_when_asked(write_spec):
    text = ("body:\n  row:\n    - box: {text: a, role: white, outline: removed, dashed: true}\n"
            "    - box: {text: b, role: light, outline: removed}\n"
            "legend:\n  - {role: white, outline: removed, dashed: true, text: never evaluated}\n"
            "  - {role: light, outline: removed, text: cut}\n  - {role: kept-bg, text: chosen}\n")
    sc = layout(bind(load(write_spec(HEAD + text))).for_lang("en"), load_theme())
    theme = load_theme()
    never, cut, chosen = kind(sc, "legend", Rect)
    assert never.style.stroke == cut.style.stroke == theme.color("removed")
    assert never.style.dash is not None and cut.style.dash is None
    assert chosen.style.stroke is None and chosen.style.dash is None


@pytest.mark.parametrize("entry, msg", [
    ("{line: arrow, outline: removed, text: x}", "`outline` is the outline of a fill swatch"),
])
def test_a_legend_outline_without_its_swatch_is_a_located_error(write_spec, entry, msg):
    text = "body:\n  box: {text: a}\nlegend:\n  - " + entry + "\n"
    with pytest.raises(SpecError, match=msg) as e:
        load(write_spec(HEAD + text))
    assert re.search(r":7:\d+: error:", str(e.value)), str(e.value)  # the entry's own line


def test_a_tree_node_text_keeps_clear_of_its_corner_badge():
    root = {"label": "The", "children": [{"label": "here", "badge": "cross"}, {"label": "[EOS]", "badge": "cross"}]}
    block = layout_tree(Tree.model_validate({"root": root, "direction": "right"}), ("tree",), ctx())
    for g in walk(block.items):
        if isinstance(g, Group) and g.meta.kind == "node" and len(g.children) > 2:
            text = next(bbox(t) for t in g.children if isinstance(t, Text))
            badge = min(bbox(p)[0] for p in g.children[2:] if not isinstance(p, Text))
            assert badge - text[2] >= 6, (text, badge)


def test_nodes_of_a_right_tree_are_centred_in_their_level_column():
    # "woman" and "has" are wider than "runs": all step-2 nodes share one centre x, so a level label
    # centred over the column is centred over each node (not only over the widest)
    el = Tree.model_validate({"tokens": PROBS, "prompt": "The", "direction": "right"})
    nodes = {k: bbox(v) for k, v in _nodes(layout_tree(el, ("tree",), ctx())).items()}
    widths = {round(nodes[k][2] - nodes[k][0], 1) for k in ("has", "runs", "woman", "house")}
    assert len(widths) > 1  # the example needs nodes of different widths
    centres = {round((nodes[k][0] + nodes[k][2]) / 2, 1) for k in ("has", "runs", "woman", "house")}
    assert len(centres) == 1
