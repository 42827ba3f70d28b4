"""Small multiples of graphs: graphs naming one `layout` group are drawn on one dot layout of their union."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from renderer.app.check import check_spec
from renderer.backends.pptx import draw_pptx
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.graph_share import merged_order
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Ellipse, Group, Polygon, Rect, Text, bbox, walk
from renderer.scene import Path as PathPrim
from renderer.spec.errors import SpecError
from renderer.spec.loader import load
from tests.renderer.layout._helpers import kind, scene_of

STEP1 = ("nodes: [{id: q, text: Q, shape: pill}, {id: a, text: {en: A, zh: 甲}}, {id: b, text: B}]",
         "edges: [{from: q, to: a}, {from: q, to: b}]")
STEP2 = ("nodes: [{id: q, text: Q, shape: pill}, {id: a, text: {en: 'A, a long label', zh: '很长的标签文字'}}, "
         "{id: b, text: B}, {id: m, text: M, role: warm}]",
         "edges: [{from: q, to: a}, {from: q, to: b}, {from: a, to: m, label: {en: merge, zh: 合并}}, "
         "{from: b, to: m}]")
STEP3 = ("nodes: [{id: q, text: Q, shape: pill}, {id: a, text: {en: A, zh: 甲}}, {id: b, text: B}, "
         "{id: m, text: M, role: warm}, {id: z, text: Z, shape: circle}]",
         "edges: [{from: q, to: a}, {from: q, to: b}, {from: a, to: m, label: {en: merge, zh: 合并}}, "
         "{from: b, to: m}, {from: m, to: m, label: again}, {from: m, to: z}]")


def graph(ident: str, step: tuple[str, str], extra: str = "layout: g") -> str:
    lines = [f"id: {ident}", *([extra] if extra else []), *step]
    return "      - panel:\n          items:\n            - graph:\n" + "".join(f"                {x}\n" for x in lines)


def body(extra1: str = "layout: g", extra: str = "layout: g") -> str:
    return "  row:\n    items:\n" + graph("g1", STEP1, extra1) + graph("g2", STEP2, extra) + graph("g3", STEP3, extra)


def boxes(scene, ident: str) -> dict[str, tuple[float, ...]]:
    """Every node's box relative to its graph's box."""
    gx, gy, _, _ = scene.anchors[ident]
    return {k.split(".", 1)[1]: (round(x - gx, 2), round(y - gy, 2), round(w, 2), round(h, 2))
            for k, (x, y, w, h) in scene.anchors.items() if k.startswith(ident + ".")}


def centre(b: tuple[float, ...]) -> tuple[float, float]:
    return round(b[0] + b[2] / 2, 2), round(b[1] + b[3] / 2, 2)


def edge_paths(scene, ident: str, typ=PathPrim, name: str = "graph-edge") -> list[tuple]:
    """The commands of a graph's edge paths (or ghost edges), relative to the graph's box."""
    gx, gy, _, _ = scene.anchors[ident]
    out = []
    for p in kind(scene, name, typ):
        if p.meta.id != ident:
            continue
        out.append(tuple((c[0], *(round(v - (gx if i % 2 == 0 else gy), 2) for i, v in enumerate(c[1:])))
                         for c in p.cmds))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_node_sits_at_the_same_place_and_size_in_every_graph_of_the_group(write_spec, lang):
    scene = scene_of(write_spec, body(), lang)
    b1, b2, b3 = (boxes(scene, g) for g in ("g1", "g2", "g3"))
    assert set(b1) == {"q", "a", "b"} and set(b3) == {"q", "a", "b", "m", "z"}
    for node in ("q", "a", "b"):
        assert b1[node] == b2[node] == b3[node]  # one centre and one box: the largest appearance (g2's 'a')
    assert b2["m"] == b3["m"]
    assert len({tuple(round(v, 2) for v in scene.anchors[g][2:]) for g in ("g1", "g2", "g3")}) == 1
    alone = scene_of(write_spec, body("", ""), lang)  # without the group each graph is laid out on its own
    assert boxes(alone, "g1")["a"] != boxes(alone, "g2")["a"]
    assert boxes(alone, "g1")["a"][2] < boxes(scene, "g1")["a"][2]  # the group widened g1's 'a' to g2's


def test_each_graph_draws_its_own_text_in_the_shared_box(write_spec):
    scene = scene_of(write_spec, body())
    texts = {g: [t.text for t in walk(scene.items) if isinstance(t, Text) and t.meta.id == f"{g}.a"]
             for g in ("g1", "g2")}
    assert texts["g1"] == ["A"] and "".join(texts["g2"]).startswith("A, a long")


def test_edges_the_graphs_share_follow_one_route_and_labels_one_place(write_spec):
    scene = scene_of(write_spec, body())
    p1, p2, p3 = (edge_paths(scene, g) for g in ("g1", "g2", "g3"))
    assert len(p1) == 2 and len(p3) == 6
    assert set(p1) <= set(p2) <= set(p3)  # q→a, q→b in every graph; a→m, b→m in the later two, on one route
    gx2, gy2, _, _ = scene.anchors["g2"]
    gx3, gy3, _, _ = scene.anchors["g3"]
    labels = {t.meta.src: t for t in walk(scene.items) if isinstance(t, Text) and t.meta.kind == "edge-label"}
    merge = [(round(t.x - (gx2 if t.meta.id == "g2" else gx3), 2), round(t.y - (gy2 if t.meta.id == "g2" else gy3), 2))
             for t in labels.values() if t.text == "merge"]
    assert len(merge) == 2 and merge[0] == merge[1]


def test_missing_nodes_and_edges_are_ghosts_with_ghosts_true_and_blank_without(write_spec):
    scene = scene_of(write_spec, body("layout: g\n                ghosts: true"))
    ghosts = [g for g in kind(scene, "ghost", Group) if g.meta.id == "g1"]
    assert len(ghosts) == 2  # g1 lacks m and z
    gx, gy, _, _ = scene.anchors["g1"]
    b3 = boxes(scene, "g3")
    where = set()
    for g in ghosts:
        shape = g.children[0]
        assert len(g.children) == 1 and shape.style.dash and shape.style.fill is None and shape.style.opacity < 1
        x0, y0, x1, y1 = bbox(shape)
        where.add((round((x0 + x1) / 2 - gx, 1), round((y0 + y1) / 2 - gy, 1), type(shape)))
    at = {n: tuple(round(v, 1) for v in centre(b3[n])) for n in ("m", "z")}
    assert where == {(*at["m"], Rect), (*at["z"], Ellipse)}
    ghost_edges = edge_paths(scene, "g1", name="ghost-edge")
    assert len(ghost_edges) == 4  # a→m, b→m, m→m, m→z
    assert set(ghost_edges) == set(edge_paths(scene, "g3")) - set(edge_paths(scene, "g1"))  # the union's routes
    for p in kind(scene, "ghost-edge"):
        assert p.style.opacity < 1 and (isinstance(p, Polygon) or p.style.dash)
    assert "g1.m" not in scene.anchors  # a ghost is no edge end
    assert not [t for t in walk(scene.items) if isinstance(t, Text) and t.text == "again" and t.meta.id == "g1"]
    plain = scene_of(write_spec, body())
    assert not kind(plain, "ghost") and not kind(plain, "ghost-edge")


def test_the_backends_draw_ghosts_dashed_and_faint(write_spec):
    scene = scene_of(write_spec, body("layout: g\n                ghosts: true"))
    svg = draw_svg(scene, fonts=False).decode()
    assert len(re.findall(r'<path[^>]*stroke-dasharray[^>]*opacity="0.45"|<path[^>]*opacity="0.45"[^>]*'
                          r'stroke-dasharray', svg)) >= 4
    with zipfile.ZipFile(io.BytesIO(draw_pptx(scene))) as z:
        slide = z.read("ppt/slides/slide1.xml").decode()
    assert slide.count('<a:alpha val="45000"/>') >= 6 and "<a:custDash>" in slide  # native, editable shapes


def test_merged_order_puts_each_new_item_after_its_predecessor():
    assert merged_order([["s1", "s2", "s3"], ["s1", "a", "b", "s2", "c", "s3"]]) == ["s1", "a", "b", "s2", "c", "s3"]
    assert merged_order([["b", "c"], ["a", "b"], ["c", "d"]]) == ["a", "b", "c", "d"]


def test_the_example_is_clean():
    assert check_spec(Path(ROOT / "specs/_examples/graph-share.yaml")) == []


TREE = ("      - panel:\n          items:\n            - tree:\n                id: t\n                layout: g\n"
        "                root: {id: R, label: R}\n")


@pytest.mark.parametrize("text, line, words", [
    (body("layout: g", "layout: h"), 11, "layout group 'g' is named by this graph only"),
    ("  row:\n    items:\n" + graph("g1", STEP1) + TREE + graph("g2", STEP2), 18,
     "is named by a graph at"),
    ("  row:\n    items:\n" + graph("g1", STEP1) + graph("g2", STEP1, "layout: g\n                direction: LR"), 19,
     "expected direction: TB, as the first graph"),
    ("  row:\n    items:\n" + graph("g1", STEP1) + graph("g2", (STEP1[0].replace("text: B}", "text: B, shape: dot}"),
                                                       STEP1[1])), 19, "node 'b' is a dot here but a round at"),
    ("  row:\n    items:\n" + graph("g1", STEP1, "ghosts: true"), 11, "expected `layout: <name>`"),
    ("  row:\n    items:\n" + graph("g1", (*STEP1, "groups: [{id: c1, nodes: [a]}]"))
     + graph("g2", (*STEP1, "groups: [{id: c2, nodes: [a, b]}]")), 22, "node 'a' is in group 'c2' here but in 'c1'"),
])
def test_bad_groups_are_located_errors(write_spec, text, line, words):
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, text)
    p = e.value.problems[0]
    assert words in p.message and p.line == line, str(e.value)


def test_clusters_merge_by_id_and_are_drawn_where_a_graph_has_them(write_spec):
    scene = scene_of(write_spec, "  row:\n    items:\n" + graph("g1", (*STEP1, "groups: [{id: c, nodes: [a]}]"))
                     + graph("g2", (*STEP2, "groups: [{id: c, nodes: [a, m]}]")))
    rects = {r.meta.id: r for r in kind(scene, "graph-group", Rect)}
    (x1, y1, _, _), (x2, y2, _, _) = scene.anchors["g1"], scene.anchors["g2"]
    r1, r2 = rects["g1.c"], rects["g2.c"]
    assert (round(r1.x - x1, 2), round(r1.y - y1, 2), r1.w, r1.h) == (round(r2.x - x2, 2), round(r2.y - y2, 2), r2.w,
                                                                      r2.h)  # the union's cluster: around a and m


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markov_chain_and_mdp_draw_their_states_at_the_same_places(lang):
    scene = layout(bind(load(ROOT / "specs/rl-basics/markov-chain-vs-mdp.yaml")).for_lang(lang), load_theme())
    chain, mdp = boxes(scene, "chain"), boxes(scene, "mdp")
    for s in ("s1", "s2", "s3"):
        assert chain[s] == mdp[s]
    assert scene.anchors["chain"][2:] == scene.anchors["mdp"][2:]


def test_hidden_edges_hold_a_route_and_are_ghosts_only_where_another_graph_draws_them(write_spec):
    hidden1 = (STEP1[0], "edges: [{from: q, to: a}, {from: q, to: b}, {from: a, to: b, hidden: true}, "
                         "{from: b, to: a, hidden: true}]")
    seen = (STEP1[0], "edges: [{from: q, to: a}, {from: q, to: b}, {from: a, to: b}]")
    scene = scene_of(write_spec, "  row:\n    items:\n" + graph("g1", hidden1) + graph("g2", seen)
                     + graph("g3", STEP1, "layout: g\n                ghosts: true"))
    assert len(edge_paths(scene, "g1")) == 2  # its hidden edges are laid out, not drawn
    ghosts = edge_paths(scene, "g3", name="ghost-edge")
    assert set(ghosts) == set(edge_paths(scene, "g2")) - set(edge_paths(scene, "g3"))
    assert len(ghosts) == 1  # a→b, which g2 draws; b→a is hidden everywhere


def test_a_graph_the_pre_pass_did_not_gather_is_a_located_error():
    from renderer.layout import metrics_for
    from renderer.layout.base import Ctx
    from renderer.layout.graph import SharedGraph, layout_graph, share_key
    from renderer.spec.elements.graph import Graph

    theme = load_theme()
    ctx = Ctx(theme, metrics_for(theme), "en", None)
    ctx.shared[share_key("g")] = SharedGraph({}, {}, {}, {}, {}, members={("body", "graph")})
    el = Graph.model_validate({"layout": "g", "nodes": [{"id": "a"}]})
    with pytest.raises(SpecError, match="this graph sits elsewhere"):
        layout_graph(el, ("other", "graph"), ctx)
