"""Tree layout: tidy (no overlaps, parents centred), highlighted and pruned paths, several trees, bound data."""

from __future__ import annotations

import random
from itertools import combinations
from pathlib import Path

import pytest

from renderer.app.check import DEFECTS, check_spec
from renderer.bind import bind
from renderer.layout import layout, metrics_for
from renderer.layout.base import Ctx
from renderer.layout.theme import load_theme
from renderer.layout.tree import layout_tree
from renderer.layout.tree_tidy import TidyNode, tidy
from renderer.project import ROOT
from renderer.scene import Group, Line, Rect, Text, bbox, walk
from renderer.spec.elements.tree import Tree
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
WORDS = ["a", "token", "nice", "environment", "GPU", "的", "强化学习", "beam search step"]
PROBS = {"dog": {"p": 0.4, "next": {"has": {"p": 0.9}, "runs": {"p": 0.05}}},
         "nice": {"p": 0.5, "next": {"woman": {"p": 0.4}, "house": {"p": 0.3}, "guy": {"p": 0.3}}},
         "car": {"p": 0.1, "next": {"is": {"p": 0.3}, "drives": {"p": 0.5}}}}


def ctx(lang: str = "en") -> Ctx:
    theme = load_theme()
    return Ctx(theme, metrics_for(theme), lang, None)


def random_tree(rng: random.Random, depth: int, prefix: str = "n") -> dict:
    """A random nested node with ids equal to the path (n, n-0, n-0-2, ...)."""
    node = {"id": prefix, "label": rng.choice(WORDS)}
    if rng.random() < 0.4:
        node["value"] = rng.choice(["0.25", "3/5", "Q=1.7"])
    if rng.random() < 0.5:
        node["edge"] = rng.choice(["0.4", "0.05", "sample"])
    if depth > 0:
        k = rng.choice([0, 1, 1, 2, 3, 4]) if prefix != "n" else rng.choice([2, 3, 4])
        node["children"] = [random_tree(rng, depth - 1, f"{prefix}-{i}") for i in range(k)]
    return node


def relations(node: dict, out: list | None = None) -> list[tuple[str, list[str]]]:
    out = [] if out is None else out
    kids = node.get("children", [])
    if kids:
        out.append((node["id"], [c["id"] for c in kids]))
    for c in kids:
        relations(c, out)
    return out


def overlaps(a, b, tol: float = 0.01) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def node_boxes(block) -> dict[str, tuple]:
    return {k: (a.x, a.y, a.x + a.w, a.y + a.h) for k, a in block.anchors.items() if "-" in k or k == "n"}


@pytest.mark.parametrize("direction", ["down", "right"])
@pytest.mark.parametrize("seed", range(12))
def test_tidy_tree_nodes_never_overlap_and_parents_are_centred_over_their_children(seed, direction):
    rng = random.Random(seed)
    data = random_tree(rng, 4)
    el = Tree.model_validate({"root": data, "direction": direction, "node_shape": rng.choice(["round", "circle"])})
    block = layout_tree(el, ("tree",), ctx())
    boxes = node_boxes(block)
    assert len(boxes) >= 3
    for (ka, a), (kb, b) in combinations(boxes.items(), 2):
        assert not overlaps(a, b), f"nodes {ka} and {kb} overlap: {a} {b}"
    for parent, kids in relations(data):
        p = boxes[parent]
        first, last = boxes[kids[0]], boxes[kids[-1]]
        if direction == "down":
            centre, mid = (p[0] + p[2]) / 2, ((first[0] + first[2]) / 2 + (last[0] + last[2]) / 2) / 2
            assert all(boxes[k][1] > p[3] for k in kids), "children below their parent"
        else:
            centre, mid = (p[1] + p[3]) / 2, ((first[1] + first[3]) / 2 + (last[1] + last[3]) / 2) / 2
            assert all(boxes[k][0] > p[2] for k in kids), "children right of their parent"
        assert centre == pytest.approx(mid, abs=0.01), f"{parent} is not centred over its children"
    for x0, y0, x1, y1 in boxes.values():
        assert x0 >= -0.01 and y0 >= -0.01 and x1 <= block.w + 0.01 and y1 <= block.h + 0.01


def test_tidy_packing_is_symmetric_for_a_mirrored_tree():
    def build(shape):
        return TidyNode(10, [build(s) for s in shape])

    shape = [[[], [], []], [], [[]], [[], [], [], []]]

    def mirror(s):
        return [mirror(c) for c in reversed(s)]

    a, b = build(shape), build(mirror(shape))
    tidy(a, 5)
    tidy(b, 5)
    pa = [c.pos for c in a.children]
    pb = [-c.pos for c in reversed(b.children)]
    assert pa == pytest.approx(pb)


def test_sibling_edge_labels_do_not_overlap_each_other():
    root = {"label": "The", "children": [{"label": "x", "edge": f"0.{i}5 prob"} for i in range(6)]}
    block = layout_tree(Tree.model_validate({"root": root}), ("tree",), ctx())
    labels = [bbox(p) for p in walk(block.items) if isinstance(p, Rect) and p.meta.kind == "edge-label-bg"]
    assert len(labels) == 6
    for a, b in combinations(labels, 2):
        assert not overlaps(a, b)


def test_highlighted_path_draws_its_nodes_and_edges_in_the_kept_roles():
    el = Tree.model_validate({"tokens": PROBS, "prompt": "The", "highlight": ["nice", "woman"]})
    block = layout_tree(el, ("tree",), ctx())
    nodes = [g for g in walk(block.items) if isinstance(g, Group) and g.meta.kind == "node"]
    kept = {next(t.text for t in g.children if isinstance(t, Text)) for g in nodes if g.meta.role == "kept-bg"}
    assert kept == {"The", "nice", "woman"}
    kept_edges = [p for p in walk(block.items) if isinstance(p, Line) and p.meta.role == "kept"]
    assert len(kept_edges) == 2
    theme = load_theme()
    assert {e.style.stroke for e in kept_edges} == {theme.color("kept")}


@pytest.mark.parametrize("direction", ["down", "up"])
def test_path_arrows_put_heads_on_the_highlighted_edges_only_pointing_down_or_up(direction):
    el = Tree.model_validate({"tokens": PROBS, "prompt": "The", "highlight": ["nice", "woman"],
                              "path_arrows": direction})
    block = layout_tree(el, ("tree",), ctx())
    nodes = {next(t.text for t in g.children if isinstance(t, Text)): bbox(g)
             for g in walk(block.items) if isinstance(g, Group) and g.meta.kind == "node"}
    lines = [p for p in walk(block.items) if isinstance(p, Line) and p.meta.kind == "edge"]
    kept = [ln for ln in lines if ln.meta.role == "kept"]
    assert len(kept) == 2 and all(ln.arrow_end for ln in kept)
    assert not any(ln.arrow_end for ln in lines if ln.meta.role != "kept"), "other edges keep no heads"
    for parent, child in (("The", "nice"), ("nice", "woman")):
        top, bottom = nodes[child][1], nodes[parent][3]  # the child's top, the parent's bottom
        ends = [ln.points[-1][1] for ln in kept if min(p[1] for p in ln.points) == pytest.approx(bottom)]
        assert ends == [pytest.approx(top if direction == "down" else bottom)]
    plain = layout_tree(Tree.model_validate({"tokens": PROBS, "highlight": ["nice", "woman"]}), ("tree",), ctx())
    assert not any(p.arrow_end for p in walk(plain.items) if isinstance(p, Line)), "default: no heads"


def test_an_item_of_trees_overrides_path_arrows_and_a_value_role_colours_the_value_line():
    node = {"id": "r", "label": "R", "value": "3/5", "value_role": "emphasis",
            "children": [{"id": "a", "label": "A", "value": "1/2"}]}
    el = Tree.model_validate({"path_arrows": "down", "trees": [
        {"root": node, "highlight": ["a"]}, {"root": node, "highlight": ["a"], "path_arrows": "up"}]})
    block = layout_tree(el, ("tree",), ctx())
    kept = [p for p in walk(block.items) if isinstance(p, Line) and p.meta.role == "kept"]
    assert len(kept) == 2 and all(ln.arrow_end for ln in kept)
    down, up = sorted(kept, key=lambda ln: ln.points[0][0])  # the first tree is on the left
    assert down.points[-1][1] > down.points[0][1], "the element's `down`: the head at the child (below)"
    assert up.points[-1][1] < up.points[0][1], "the item's `up`: the head at the parent (above)"
    theme = load_theme()
    values = {t.text: t.fill for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "tree-value"}
    assert values == {"3/5": theme.color("emphasis"), "1/2": theme.color("text-soft")}


def test_dim_rest_greys_every_node_off_the_highlighted_and_kept_paths():
    el = Tree.model_validate({"tokens": PROBS, "highlight": ["dog", "has"], "keep": [["nice"], ["nice", "woman"]],
                              "dim_rest": True})
    block = layout_tree(el, ("tree",), ctx())
    groups = [g for g in walk(block.items) if isinstance(g, Group) and g.meta.kind == "node"]
    role = {next(t.text for t in g.children if isinstance(t, Text)): g.meta.role for g in groups}
    assert role["has"] == "kept-bg" and role["dog"] == "kept-bg"
    assert role["nice"] == role["woman"] == "data"
    assert {role[t] for t in ("car", "is", "drives", "house", "guy", "runs")} == {"light"}
    pruned_edges = [p for p in walk(block.items) if isinstance(p, Line) and p.meta.role == "removed"]
    assert len(pruned_edges) == 6 and all(e.style.dash for e in pruned_edges)


def test_a_path_step_that_is_not_a_child_is_an_error_naming_the_children():
    el = Tree.model_validate({"tokens": PROBS, "highlight": ["nice", "cat"]})
    with pytest.raises(SpecError, match=r"'cat' is not a child of 'nice'.*'woman', 'house', 'guy'"):
        layout_tree(el, ("tree",), ctx())


def test_a_placeholder_that_survived_binding_is_a_clear_error():
    el = Tree.model_validate({"root": "{{ beam.tree }}"})
    with pytest.raises(SpecError, match="still the text"):
        layout_tree(el, ("tree",), ctx())


def test_several_trees_sit_side_by_side_with_captions_below_on_one_line():
    one = {"id": "r", "label": "R", "children": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
    el = Tree.model_validate({"id": "mcts", "trees": [
        {"id": "s1", "root": one, "caption": "1. Selection"},
        {"id": "s2", "root": {**one, "children": [*one["children"], {"id": "c", "label": "C"}]},
         "caption": "2. Expansion"}]})
    block = layout_tree(el, ("tree",), ctx())
    assert {"mcts.s1.r", "mcts.s1.a", "mcts.s2.c", "mcts"} <= set(block.anchors)
    left = [a for k, a in block.anchors.items() if k.startswith("mcts.s1.")]
    right = [a for k, a in block.anchors.items() if k.startswith("mcts.s2.")]
    assert max(a.x + a.w for a in left) < min(a.x for a in right)
    caps = [t for t in walk(block.items) if isinstance(t, Text) and t.meta.kind == "tree-caption"]
    assert len(caps) == 2 and caps[0].y == caps[1].y
    assert all(c.y - c.size > max(a.y + a.h for a in left + right) for c in caps)


def test_node_anchors_are_qualified_by_the_tree_id():
    root = {"id": "root", "label": "R", "children": [{"id": "k", "label": "K"}]}
    el = Tree.model_validate({"id": "tax", "root": root})
    block = layout_tree(el, ("tree",), ctx())
    assert {"tax", "tax.root", "tax.k"} <= set(block.anchors)
    bare = layout_tree(Tree.model_validate({"root": {"id": "root", "label": "R"}}), ("tree",), ctx())
    assert "root" in bare.anchors


def test_a_tree_bound_from_decoding_results_renders_with_the_greedy_path(write_spec):
    path = write_spec(HEAD + """
vars:
  probs:
    dog: {p: 0.4, next: {has: {p: 0.9}}}
    nice: {p: 0.5, next: {woman: {p: 0.4}, guy: {p: 0.3}}}
compute:
  g: {fn: decoding.greedy, args: {tree: "{{ vars.probs }}", steps: 2}}
body:
  tree: {id: t, tokens: "{{ vars.probs }}", prompt: The, highlight: "{{ g.path }}"}
""")
    scene = layout(bind(load(path)).for_lang("en"), load_theme())
    kept = [g for g in walk(scene.items) if isinstance(g, Group) and g.meta.role == "kept-bg"]
    assert [next(t.text for t in g.children if isinstance(t, Text)) for g in kept] == ["The", "nice", "woman"]


def test_the_tree_example_renders_clean_in_both_languages():
    assert check_spec(Path(ROOT / "specs/_examples/tree.yaml"), only=DEFECTS) == []
