"""Layout of the `graph` element kind: Graphviz dot places measured nodes and routes splines; we draw them.

Every node is laid out first exactly like a `box` (so it looks like one), and its measured size goes to
dot as a fixed width/height in inches; edge labels, cluster titles and the labels of `dot` nodes go to
dot as fixed-size empty HTML tables of our measured size, so dot leaves room for our text (graph_dot.py).
We read positions and cubic B-spline control points back (`-Tjson0`), flip y, convert points to px and draw
with scene primitives: boxes, Path curves with Polygon arrow heads, text at dot's label positions. A graph
naming a `layout` group is drawn on the group's one layout of the union of its graphs (graph_share.py).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..scene import Ellipse, Group, Meta, Path, Polygon, Prim, Rect, Style
from ..spec.elements.graph import Graph, GraphEdge, GraphNode
from ..spec.errors import Problem, SpecError
from ..spec.models import Box
from .base import Anchor, Block, Ctx, register
from .flow import layout_box
from .graph_dot import ARROW_LEN, DOT_SIZE, PX_PER_PT, dot_layout, pt, run_dot, shape_of
from .tree import GHOST_OPACITY

__all__ = ["SharedGraph", "edge_keys", "layout_graph", "measure", "run_dot", "share_key"]
ARROW_HALF_W = 4.0
EdgeKey = tuple[str, str, str, int]  # from, to, head, and which repeat of that edge


@dataclass
class SharedGraph:
    """A `layout` group's one dot layout of the union of its graphs (graph_share.py), by node id and edge key."""

    data: dict  # dot's json0 layout of the union
    nodes: dict[str, int]  # node id -> its index in the union (dot's n<i>)
    shapes: dict[str, str]  # node id -> its shape
    sizes: dict[str, tuple[float, float]]  # node id -> box size in px, the largest appearance (not dots)
    edges: dict[EdgeKey, int]  # edge key -> its index in the union (dot's e<j>)
    clusters: dict[str, int] = field(default_factory=dict)  # group id -> its index (dot's cluster_<k>)
    drawn: set[EdgeKey] = field(default_factory=set)  # edges some graph draws (not only hidden ones)
    members: set[tuple] = field(default_factory=set)  # spec paths of the group's graphs


@dataclass
class Parts:
    """A graph's measured parts: node boxes, the labels of dot nodes, edge labels and cluster titles."""

    blocks: dict[str, Block]
    labels: dict[str, Block]
    elabels: list[Block | None]
    titles: list[Block | None]


@dataclass
class _Where:
    """The names of a graph's parts in dot's layout, and the parts of a shared layout drawn as ghosts."""

    nodes: dict[str, str]
    edges: list[str]
    clusters: list[str]
    ghost_nodes: list[str] = field(default_factory=list)  # node ids
    ghost_edges: list[str] = field(default_factory=list)  # dot edge ids


def share_key(group: str) -> str:
    """The `ctx.shared` key of a graph layout group."""
    return f"graph-layout:{group}"


def edge_keys(el: Graph) -> list[EdgeKey]:
    """Each edge's key across the graphs of a group: its ends, its arrow heads and its repeat among those."""
    seen: Counter = Counter()
    out = []
    for e in el.edges:
        base = (e.from_, e.to, e.head)
        out.append((*base, seen[base]))
        seen[base] += 1
    return out


def _fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


def _node_box(n: GraphNode, el: Graph, anchor: str) -> Box:
    """The box a node is drawn as. Built from fields the spec's validation already checked, so not validated
    again: Box's own validator (the whole element union, through `items`) would be built on first use, 0.1 s
    of every process that draws a graph."""
    shape = shape_of(n, el)
    return Box.model_construct(id=anchor, text=n.text if n.text is not None else n.id, sub=n.sub,
                               role=n.role or el.node_role,
                               shape={"circle": "ellipse", "dot": "round"}.get(shape, shape), bold=n.bold,
                               dashed=n.dashed, outline=n.outline, text_role=n.text_role, badge=n.badge,
                               badge_role=n.badge_role,
                               width=el.node_min_width if shape not in ("circle", "dot") else None)


def _edge_text(e: GraphEdge, el: Graph, ctx: Ctx) -> str | None:
    if e.label is None:
        return None
    if isinstance(e.label, float | int) and not isinstance(e.label, bool):
        return format(e.label, el.format)
    return ctx.t(e.label)


def _names(el: Graph) -> dict[str, str]:
    return {n.id: (f"{el.id}.{n.id}" if el.id else n.id) for n in el.nodes}


def measure(el: Graph, path: tuple, ctx: Ctx, sizes: dict[str, tuple[float, float]] | None = None) -> Parts:
    """Every node laid out like a box (at `sizes`, a shared layout's, when given), every label like text."""
    names = _names(el)
    blocks: dict[str, Block] = {}
    labels: dict[str, Block] = {}
    for i, n in enumerate(el.nodes):
        npath = path + ("nodes", i)
        shape = shape_of(n, el)
        if shape == "dot":
            if n.text is not None:
                labels[n.id] = ctx.text_lines(ctx.t(n.text), ctx.size("small"), None, 700 if n.bold else 400,
                                              n.text_role or "text",
                                              meta=Meta(names[n.id], n.text_role or "text", ctx.src(npath + ("text",)),
                                                        "graph-node-label"))
            continue
        box = _node_box(n, el, names[n.id])
        if sizes is not None:
            box = box.model_copy(update={"width": sizes[n.id][0], "height": sizes[n.id][1]})
        b = layout_box(box, npath, ctx)
        if shape == "circle" and sizes is None:
            d = max(b.w, b.h)
            b = layout_box(box.model_copy(update={"width": d, "height": d}), npath, ctx)
        blocks[n.id] = b
    elabels: list[Block | None] = []
    for j, e in enumerate(el.edges):
        text = _edge_text(e, el, ctx)
        lrole = "text-soft"
        elabels.append(None if text is None else ctx.text_lines(
            text, ctx.size("edge_label"), 200, 400, lrole,
            meta=Meta(el.id, lrole, ctx.src(path + ("edges", j, "label")), "edge-label")))
    titles: list[Block | None] = []
    for k, g in enumerate(el.groups):
        titles.append(None if g.title is None else ctx.text_lines(
            ctx.t(g.title), ctx.size("small"), None, 700, "text-soft",
            meta=Meta(el.id, "text-soft", ctx.src(path + ("groups", k, "title")), "graph-group-title")))
    return Parts(blocks, labels, elabels, titles)


@register("graph")
def layout_graph(el: Graph, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Nodes drawn like boxes at dot's positions, edges along dot's splines, clusters as tinted panels."""
    if el.ghosts and not el.layout:
        raise _fail(ctx, path + ("ghosts",), "`ghosts` draws the nodes and edges of a shared layout this graph "
                                             "lacks (expected `layout: <name>` with it)")
    shared: SharedGraph | None = ctx.shared.get(share_key(el.layout)) if el.layout else None
    if shared is not None and path not in shared.members:
        raise _fail(ctx, path + ("layout",), f"layout group '{el.layout}' is gathered from rows, columns, grids, "
                                             "panels and asides, and this graph sits elsewhere (expected it in one of "
                                             "those, or no `layout`)")
    parts = measure(el, path, ctx, shared.sizes if shared else None)
    if shared is not None:
        return _draw(el, path, ctx, shared.data, parts, _shared_where(el, shared), shared, min_w, min_h)
    import graphviz  # imported where a diagram has a graph

    try:
        data = dot_layout(el, parts.blocks, parts.labels, parts.elabels, parts.titles)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as e:
        raise _fail(ctx, path, f"graphviz dot failed: {e}") from None
    where = _Where({n.id: f"n{i}" for i, n in enumerate(el.nodes)}, [f"e{j}" for j in range(len(el.edges))],
                   [f"cluster_{k}" for k in range(len(el.groups))])
    return _draw(el, path, ctx, data, parts, where, None, min_w, min_h)


def _shared_where(el: Graph, shared: SharedGraph) -> _Where:
    keys = edge_keys(el)
    where = _Where({n.id: f"n{shared.nodes[n.id]}" for n in el.nodes}, [f"e{shared.edges[k]}" for k in keys],
                   [f"cluster_{shared.clusters[g.id]}" for g in el.groups])
    if el.ghosts:
        own = set(keys)
        where.ghost_nodes = [n for n in shared.nodes if n not in where.nodes]
        where.ghost_edges = [f"e{j}" for k, j in shared.edges.items() if k not in own and k in shared.drawn]
    return where


def _draw(el: Graph, path: tuple, ctx: Ctx, data: dict, parts: Parts, where: _Where, shared: SharedGraph | None,
          min_w: float, min_h: float) -> Block:
    src, names = ctx.src(path), _names(el)
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    H = y1  # noqa: N806 (dot's height in points, for the y flip)
    w, h = (x1 - x0) * PX_PER_PT, (y1 - y0) * PX_PER_PT
    out = Block(w, h)
    objs = data.get("objects", [])
    # clusters first (behind everything)
    for k, g in enumerate(el.groups):
        o = next(o for o in objs if o.get("name") == where.clusters[k])
        bx0, by0, bx1, by1 = (float(v) for v in o["bb"].split(","))
        (ax, ay), (bx, by) = pt(f"{bx0},{by1}", H), pt(f"{bx1},{by0}", H)
        meta = Meta(f"{el.id}.{g.id}" if el.id else g.id, g.role, ctx.src(path + ("groups", k)), "graph-group")
        style = Style(fill=ctx.color(g.role), stroke=ctx.color("frame") if g.dashed else None,
                      stroke_width=ctx.theme.stroke["width"], dash=(4, 3) if g.dashed else None)
        out.items.append(Rect(ax, ay, bx - ax, by - ay, ctx.theme.stroke["radius"], style, meta))
        t = parts.titles[k]
        if t is not None and "lp" in o:
            lx, ly = pt(o["lp"], H)
            out.add(t, max(ax + 8, lx - t.w / 2), ly - t.h / 2)
    # edges: ghosts behind
    dot_edges = {d.get("id"): d for d in data.get("edges", [])}  # matched by our ids: dot reorders edges
    ghost = Style(stroke=ctx.color("removed"), stroke_width=ctx.theme.stroke["edge"], dash=(4, 3),
                  opacity=GHOST_OPACITY)
    for gid in where.ghost_edges:
        out.items += _edge_prims(dot_edges[gid], H, ghost, Meta(el.id, "white", src, "ghost-edge"))  # as a ghost node
    for j, e in enumerate(el.edges):
        if e.hidden:
            continue
        ed = dot_edges[where.edges[j]]
        style = Style(stroke=ctx.color(e.role), stroke_width=ctx.theme.stroke["edge"],
                      dash=(5, 4) if e.dashed else None)
        out.items += _edge_prims(ed, H, style, Meta(el.id, e.role, ctx.src(path + ("edges", j)), "graph-edge"))
        lab = parts.elabels[j]
        if lab is not None and "lp" in ed:
            lx, ly = pt(ed["lp"], H)
            out.add(lab, lx - lab.w / 2, ly - lab.h / 2)
    # nodes: ghosts first
    pos = {o["name"]: o for o in objs if "pos" in o}
    if shared is not None:
        for nid in where.ghost_nodes:
            out.items.append(_ghost_node(pt(pos[f"n{shared.nodes[nid]}"]["pos"], H), shared, nid, el, src, ctx))
    for i, n in enumerate(el.nodes):
        o = pos[where.nodes[n.id]]
        cx, cy = pt(o["pos"], H)
        npath = path + ("nodes", i)
        if n.id in parts.blocks:
            b = parts.blocks[n.id]
            out.add(b, cx - b.w / 2, cy - b.h / 2)
            continue
        role = n.role or el.node_role
        meta = Meta(names[n.id], role, ctx.src(npath), "graph-node")
        r = DOT_SIZE / 2
        prims: list[Prim] = [Ellipse(cx, cy, r, r, Style(fill=ctx.color(role)), meta)]
        anchor = Anchor(cx - r, cy - r, 2 * r, 2 * r, "ellipse", meta.src)
        if n.id in parts.labels and "xlp" in o:
            lab = parts.labels[n.id]
            lx, ly = pt(o["xlp"], H)
            prims += lab.moved(lx - lab.w / 2, ly - lab.h / 2).items
        out.items.append(Group(tuple(prims), meta))
        out.anchors[names[n.id]] = anchor
        out.obstacles.append(anchor)
    out.spine = _chain_line([pt(pos[where.nodes[n.id]]["pos"], H) for n in el.nodes], el.direction)
    if min_w > w or min_h > h:
        big = Block(max(w, min_w), max(h, min_h))
        big.add(out, (big.w - w) / 2, (big.h - h) / 2)
        out = big
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", src)
    return out



def _ghost_node(c: tuple[float, float], shared: SharedGraph, nid: str, el: Graph, src: str | None,
                ctx: Ctx) -> Group:
    """A node of the shared layout this graph lacks: a faint dashed outline of its shape, no text."""
    shape = shared.shapes[nid]
    meta = Meta(el.id, "white", src, "ghost")
    style = Style(stroke=ctx.color("removed"), stroke_width=ctx.theme.stroke["width"], dash=(4, 3),
                  opacity=GHOST_OPACITY)
    w, h = shared.sizes.get(nid, (DOT_SIZE, DOT_SIZE))
    if shape in ("circle", "ellipse", "dot"):
        return Group((Ellipse(c[0], c[1], w / 2, h / 2, style, meta),), meta)
    radius = {"rect": 0.0, "pill": h / 2}.get(shape, ctx.theme.stroke["radius"])
    return Group((Rect(c[0] - w / 2, c[1] - h / 2, w, h, radius, style, meta),), meta)


def _chain_line(centres: list[tuple[float, float]], direction: str) -> tuple[float | None, float | None]:
    """The graph's main chain: the x (TB/BT) or y (LR/RL) most node centres share, when 3 or more do."""
    axis = 0 if direction in ("TB", "BT") else 1
    counts: dict[float, int] = {}
    for c in centres:
        counts[round(c[axis], 1)] = counts.get(round(c[axis], 1), 0) + 1
    line, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]), default=(0.0, 0))
    if n < 3:
        return (None, None)
    return (line, None) if axis == 0 else (None, line)


def _edge_prims(ed: dict, H: float, style: Style, meta: Meta) -> list[Prim]:  # noqa: N803
    """The spline as a cubic Path, plus a Polygon head at each arrow end dot reserved."""
    start = end = None
    pts: list[tuple[float, float]] = []
    for tok in ed["pos"].split():
        if tok.startswith("s,"):
            start = pt(tok[2:], H)
        elif tok.startswith("e,"):
            end = pt(tok[2:], H)
        else:
            pts.append(pt(tok, H))
    cmds: list[tuple] = [("M", *pts[0])]
    for k in range(1, len(pts) - 2, 3):
        cmds.append(("C", *pts[k], *pts[k + 1], *pts[k + 2]))
    out: list[Prim] = [Path(tuple(cmds), style, meta)]
    head = Style(fill=style.stroke, opacity=style.opacity)
    if end is not None:
        out.append(Polygon(_arrow(pts[-1], end), head, meta))
    if start is not None:
        out.append(Polygon(_arrow(pts[0], start), head, meta))
    return out


def _arrow(base: tuple[float, float], tip: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    """A filled triangle from `base` to `tip` (the shape of the SVG marker of diagram edges)."""
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    bx, by = tip[0] - ux * ARROW_LEN, tip[1] - uy * ARROW_LEN
    return ((round(tip[0], 2), round(tip[1], 2)), (round(bx - uy * ARROW_HALF_W, 2), round(by + ux * ARROW_HALF_W, 2)),
            (round(bx + uy * ARROW_HALF_W, 2), round(by - ux * ARROW_HALF_W, 2)))
