"""Small multiples of graphs: graphs naming one `layout` group are drawn on one dot layout of their union.

A pre-pass over the whole element tree, like tree_share.py: every graph of a group is measured, and the union
takes each node id once (its box the largest of its appearances; one shape per id) and each edge once, by key
(from, to, arrow heads, repeat; its label room the largest), in an order merged from the graphs' own; clusters
merge by id, and every same_rank set is kept. Direction, gaps, splines and ordering are the first graph's (a later graph
setting another value is an error). dot lays the union out once; `ctx.shared` keeps it for `layout_graph`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ..spec.elements.graph import MAX_NODES, Graph, GraphGroup, GraphNode
from ..spec.models import Element
from .base import Block, Ctx
from .elements import all_elements
from .graph import SharedGraph, _fail, edge_keys, measure, share_key
from .graph_dot import dot_layout, shape_of

SETTINGS = ("direction", "rank_gap", "node_gap", "splines", "ordering")  # the layout's own settings: one per group
Size = tuple[float, float]


def share_graph_layouts(body: Element, ctx: Ctx) -> dict[str, SharedGraph]:
    """The shared layout of every `layout` group of graphs in the body, keyed by `share_key(group)`."""
    groups: dict[str, list[tuple[Graph, tuple]]] = {}
    first: dict[str, tuple[str, int, tuple]] = {}  # group -> (kind, document order, path) of its first user
    for k, (el, path) in enumerate(all_elements(body, ("body",), ctx)):
        if el.kind not in ("tree", "graph") or not el.content.layout:
            continue
        name, here = el.content.layout, path + (el.kind, "layout")
        was = first.setdefault(name, (el.kind, k, here))
        if was[0] != el.kind:
            at = ctx.src(was[2]) or "another element"
            raise _fail(ctx, here, f"layout group '{name}' is named by a {was[0]} at {at} and by this {el.kind} "
                                   "(expected trees and graphs in separate groups: a tree's tidy layout and a "
                                   "graph's dot layout cannot be shared)")
        if el.kind == "graph":
            groups.setdefault(name, []).append((el.graph, path + ("graph",)))
    out = {}
    for name, graphs in groups.items():
        if len(graphs) < 2:
            others = ", ".join(sorted(g for g in groups if g != name)) or "none"
            raise _fail(ctx, graphs[0][1] + ("layout",), f"layout group '{name}' is named by this graph only "
                                                         f"(expected at least two graphs sharing it; other graph "
                                                         f"groups: {others})")
        out[share_key(name)] = _union_layout(name, graphs, ctx)
    return out


def merged_order(seqs: Sequence[Sequence[Hashable]]) -> list:
    """Every item of the sequences once: each new item right after the item before it in its own sequence."""
    out: list = []
    for seq in seqs:
        at = 0  # where this sequence's next new item goes
        for item in seq:
            if item in out:
                at = out.index(item) + 1
            else:
                out.insert(at, item)
                at += 1
    return out


def _grow(sizes: dict, key: Hashable, b: Block | None) -> None:
    if b is not None:
        w, h = sizes.get(key, (0.0, 0.0))
        sizes[key] = (max(w, b.w), max(h, b.h))


def _union_layout(name: str, graphs: list[tuple[Graph, tuple]], ctx: Ctx) -> SharedGraph:
    first, fpath = graphs[0]
    nodes: dict[str, GraphNode] = {}
    shapes: dict[str, str] = {}
    seen_at: dict[str, tuple] = {}
    sizes: dict[str, Size] = {}
    labels: dict[str, Size] = {}
    edges: dict = {}
    drawn: set = set()
    elabels: dict = {}
    clusters: dict[str, GraphGroup] = {}
    member: dict[str, tuple[str, tuple]] = {}  # node id -> (cluster id, where it was put in it)
    titles: dict[str, Size] = {}
    ranks: list[list[str]] = []
    for el, path in graphs:
        for s in SETTINGS:
            if s in el.model_fields_set and getattr(el, s) != getattr(first, s):
                raise _fail(ctx, path + (s,), f"graphs of layout group '{name}' share one layout, laid out as the "
                                              f"first graph says (expected {s}: {getattr(first, s)}, as the first "
                                              "graph, or no value)")
        parts = measure(el, path, ctx)
        for i, n in enumerate(el.nodes):
            shape, npath = shape_of(n, el), path + ("nodes", i)
            if shapes.setdefault(n.id, shape) != shape:
                raise _fail(ctx, npath, f"node '{n.id}' is a {shape} here but a {shapes[n.id]} at "
                                        f"{ctx.src(seen_at[n.id]) or 'another graph'} (expected one shape per "
                                        f"node id in layout group '{name}')")
            seen_at.setdefault(n.id, npath)
            nodes.setdefault(n.id, n.model_copy(update={"shape": shape}))
            _grow(sizes, n.id, parts.blocks.get(n.id))
            _grow(labels, n.id, parts.labels.get(n.id))
        for key, e, lab in zip(edge_keys(el), el.edges, parts.elabels, strict=True):
            edges.setdefault(key, e)
            if not e.hidden:
                drawn.add(key)
            _grow(elabels, key, lab)
        for k, g in enumerate(el.groups):
            for n in g.nodes:
                cid, where = member.setdefault(n, (g.id, path + ("groups", k, "nodes")))
                if cid != g.id:
                    raise _fail(ctx, path + ("groups", k, "nodes"), f"node '{n}' is in group '{g.id}' here but in "
                                f"'{cid}' at {ctx.src(where) or 'another graph'} (expected one group per node id "
                                f"in layout group '{name}')")
            had = clusters.get(g.id)
            clusters[g.id] = g if had is None else had.model_copy(update={"nodes": merged_order([had.nodes, g.nodes])})
            _grow(titles, g.id, parts.titles[k])
        ranks += [r for r in el.same_rank if r not in ranks]
    order, eorder = merged_order([[n.id for n in el.nodes] for el, _ in graphs]), merged_order(
        [edge_keys(el) for el, _ in graphs])
    if len(order) > MAX_NODES:
        raise _fail(ctx, fpath + ("layout",), f"layout group '{name}' has {len(order)} nodes in all (expected at "
                                              f"most {MAX_NODES})")
    union = first.model_copy(update={"nodes": [nodes[i] for i in order], "edges": [edges[k] for k in eorder],
                                     "groups": list(clusters.values()), "same_rank": ranks})
    import graphviz  # imported where a diagram has a graph

    try:
        data = dot_layout(union, {i: Block(*s) for i, s in sizes.items()}, {i: Block(*s) for i, s in labels.items()},
                          [Block(*elabels[k]) if k in elabels else None for k in eorder],
                          [Block(*titles[g]) if g in titles else None for g in clusters])
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as e:
        raise _fail(ctx, fpath, f"graphviz dot failed: {e}") from None
    return SharedGraph(data, {i: k for k, i in enumerate(order)}, shapes, sizes, {k: j for j, k in enumerate(eorder)},
                       {g: k for k, g in enumerate(clusters)}, drawn, {p for _, p in graphs})
