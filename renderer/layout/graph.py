"""Layout of the `graph` element kind: Graphviz dot places measured nodes and routes splines; we draw them.

Every node is laid out first exactly like a `box` (so it looks like one), and its measured size goes to
dot as a fixed width/height in inches; edge labels, cluster titles and the labels of `dot` nodes go to
dot as fixed-size empty HTML tables of our measured size, so dot leaves room for our text. We read
positions and cubic B-spline control points back (`-Tjson0`), flip y, convert points to px and draw
with scene primitives: boxes, Path curves with Polygon arrow heads, text at dot's label positions.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

from ..scene import Ellipse, Group, Meta, Path, Polygon, Prim, Rect, Style
from ..spec.elements.graph import Graph, GraphEdge, GraphNode
from ..spec.errors import Problem, SpecError
from ..spec.models import Box
from .base import Anchor, Block, Ctx, register
from .flow import layout_box

PX_PER_PT = 96 / 72
ARROW_LEN = 10.0  # px, as the SVG marker of diagram edges
ARROW_HALF_W = 4.0
DIRS = {"end": "forward", "start": "back", "both": "both", "none": "none"}
DOT_SIZE = 10.0  # px diameter of a `dot` node
SHAPES = {"round": "box", "rect": "box", "pill": "box", "ellipse": "ellipse", "circle": "circle",
          "dot": "circle"}


def _fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _fixed_label(w_px: float, h_px: float) -> str:
    """An empty HTML table of a fixed size in points: dot reserves exactly this much room."""
    w, h = max(1, math.ceil(w_px / PX_PER_PT)), max(1, math.ceil(h_px / PX_PER_PT))
    cell = f'FIXEDSIZE="TRUE" WIDTH="{w}" HEIGHT="{h}"'
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" {cell}>'
            f"<TR><TD {cell}></TD></TR></TABLE>>")


@lru_cache(maxsize=256)
def run_dot(source: str) -> dict:
    """dot's layout of a DOT source as parsed JSON (cached: same source, same layout)."""
    import graphviz

    out = graphviz.pipe("dot", "json0", source.encode(), quiet=True)
    return json.loads(out)


def _pt(s: str, height_pt: float) -> tuple[float, float]:
    """A dot "x,y" point (points, y up) in px with y down."""
    x, y = (float(v) for v in s.split(","))
    return (round(x * PX_PER_PT, 2), round((height_pt - y) * PX_PER_PT, 2))


def _node_box(n: GraphNode, el: Graph, anchor: str) -> Box:
    shape = n.shape or el.node_shape
    return Box(id=anchor, text=n.text if n.text is not None else n.id, sub=n.sub, role=n.role or el.node_role,
               shape={"circle": "ellipse", "dot": "round"}.get(shape, shape), bold=n.bold, dashed=n.dashed,
               outline=n.outline, text_role=n.text_role, badge=n.badge, badge_role=n.badge_role,
               width=el.node_min_width if shape not in ("circle", "dot") else None)


def _edge_text(e: GraphEdge, el: Graph, ctx: Ctx) -> str | None:
    if e.label is None:
        return None
    if isinstance(e.label, float | int) and not isinstance(e.label, bool):
        return format(e.label, el.format)
    return ctx.t(e.label)


@register("graph")
def layout_graph(el: Graph, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Nodes drawn like boxes at dot's positions, edges along dot's splines, clusters as tinted panels."""
    src = ctx.src(path)
    names = {n.id: (f"{el.id}.{n.id}" if el.id else n.id) for n in el.nodes}
    index = {n.id: i for i, n in enumerate(el.nodes)}
    # 1. measure every node like a box, every label like text
    blocks: dict[str, Block] = {}
    labels: dict[str, Block] = {}
    for i, n in enumerate(el.nodes):
        npath = path + ("nodes", i)
        shape = n.shape or el.node_shape
        if shape == "dot":
            if n.text is not None:
                labels[n.id] = ctx.text_lines(ctx.t(n.text), ctx.size("small"), None, 700 if n.bold else 400,
                                              n.text_role or "text",
                                              meta=Meta(names[n.id], n.text_role or "text", ctx.src(npath + ("text",)),
                                                        "graph-node-label"))
            continue
        box = _node_box(n, el, names[n.id])
        b = layout_box(box, npath, ctx)
        if shape == "circle":
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
    # 2. dot
    import graphviz  # imported where a diagram has a graph

    try:
        data = run_dot(_dot_source(el, blocks, labels, elabels, titles, index))
        if not _ranks_in_order(el, data, index):  # dot reordered a same_rank set: chain it in the order given
            data = run_dot(_dot_source(el, blocks, labels, elabels, titles, index, chains=True))
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as e:
        raise _fail(ctx, path, f"graphviz dot failed: {e}") from None
    # 3. draw
    return _draw(el, path, ctx, data, blocks, labels, elabels, titles, names, src, min_w, min_h)


def _ranks_in_order(el: Graph, data: dict, index: dict[str, int]) -> bool:
    """Each same_rank set lies in the order given: left to right (TB, BT), top to bottom (LR, RL)."""
    pos = {o["name"]: [float(v) for v in o["pos"].split(",")] for o in data.get("objects", []) if "pos" in o}
    across = (lambda p: p[0]) if el.direction in ("TB", "BT") else (lambda p: -p[1])  # dot's y points up
    for r in el.same_rank:
        at = [across(pos[f"n{index[n]}"]) for n in r]
        if any(a >= b for a, b in zip(at, at[1:], strict=False)):
            return False
    return True


def _dot_source(el: Graph, blocks: dict[str, Block], labels: dict[str, Block], elabels: list[Block | None],
                titles: list[Block | None], index: dict[str, int], chains: bool = False) -> str:
    """The DOT text: ids are n<i>, every size fixed, no text of dot's own; with `chains`, each same_rank set
    is held in its order by an invisible edge chain."""
    inch = 1 / 96
    out = ["digraph G {",
           f"  graph [rankdir={el.direction}, nodesep={_num(el.node_gap * inch)}, ranksep={_num(el.rank_gap * inch)},"
           f" splines={'true' if el.splines == 'spline' else el.splines}, margin=0, pad=0, forcelabels=true,"
           " outputorder=edgesfirst];",
           '  node [fixedsize=true, label="", penwidth=0, margin=0];',
           f"  edge [arrowsize={_num(ARROW_LEN / PX_PER_PT / 10)}];"]
    grouped = {n for g in el.groups for n in g.nodes}

    def node_line(n: GraphNode) -> str:
        shape = n.shape or el.node_shape
        if shape == "dot":
            d = DOT_SIZE * inch
            xl = f", xlabel={_fixed_label(labels[n.id].w, labels[n.id].h)}" if n.id in labels else ""
            return f"  n{index[n.id]} [shape=circle, width={_num(d)}, height={_num(d)}{xl}];"
        b = blocks[n.id]
        return f"  n{index[n.id]} [shape={SHAPES[shape]}, width={_num(b.w * inch)}, height={_num(b.h * inch)}];"

    for n in el.nodes:
        if n.id not in grouped:
            out.append(node_line(n))
    by_id = {n.id: n for n in el.nodes}
    for k, g in enumerate(el.groups):
        out.append(f"  subgraph cluster_{k} {{")
        t = titles[k]
        out.append(f"    label={_fixed_label(t.w, t.h)}; labeljust=l; labelloc=t;" if t else '    label="";')
        out.append("    margin=12;")
        out += ["  " + node_line(by_id[n]) for n in g.nodes]
        out += ["    " + _rank_line(r, index, chains) for r in el.same_rank if r[0] in g.nodes]
        out.append("  }")
    out += ["  " + _rank_line(r, index, chains) for r in el.same_rank if r[0] not in grouped]
    for j, e in enumerate(el.edges):
        attrs = [f'id="e{j}"', f"dir={DIRS[e.head]}"]
        if elabels[j] is not None:
            attrs.append(f"label={_fixed_label(elabels[j].w + 4, elabels[j].h)}")
        if e.weight != 1:
            attrs.append(f"weight={e.weight}")
        if not e.constraint:
            attrs.append("constraint=false")
        out.append(f"  n{index[e.from_]} -> n{index[e.to]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _rank_line(r: list[str], index: dict[str, int], chain_it: bool = False) -> str:
    """A same-rank constraint (inside the cluster of its nodes: dot drops clusters crossed by one); with
    `chain_it`, an invisible edge chain through its nodes keeps them in the order given."""
    ids = [f"n{index[n]}" for n in r]
    chain = f" {' -> '.join(ids)} [style=invis];" if chain_it and len(ids) > 1 else ""
    return "{ rank=same; " + " ".join(f"{i};" for i in ids) + chain + " }"


def _draw(el: Graph, path: tuple, ctx: Ctx, data: dict, blocks: dict[str, Block], labels: dict[str, Block],
          elabels: list[Block | None], titles: list[Block | None], names: dict[str, str], src: str | None,
          min_w: float, min_h: float) -> Block:
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    H = y1  # noqa: N806 (dot's height in points, for the y flip)
    w, h = (x1 - x0) * PX_PER_PT, (y1 - y0) * PX_PER_PT
    out = Block(w, h)
    objs = data.get("objects", [])
    # clusters first (behind everything)
    for k, g in enumerate(el.groups):
        o = next(o for o in objs if o.get("name") == f"cluster_{k}")
        bx0, by0, bx1, by1 = (float(v) for v in o["bb"].split(","))
        (ax, ay), (bx, by) = _pt(f"{bx0},{by1}", H), _pt(f"{bx1},{by0}", H)
        meta = Meta(f"{el.id}.{g.id}" if el.id else g.id, g.role, ctx.src(path + ("groups", k)), "graph-group")
        style = Style(fill=ctx.color(g.role), stroke=ctx.color("frame") if g.dashed else None,
                      stroke_width=ctx.theme.stroke["width"], dash=(4, 3) if g.dashed else None)
        out.items.append(Rect(ax, ay, bx - ax, by - ay, ctx.theme.stroke["radius"], style, meta))
        t = titles[k]
        if t is not None and "lp" in o:
            lx, ly = _pt(o["lp"], H)
            out.add(t, max(ax + 8, lx - t.w / 2), ly - t.h / 2)
    # edges
    dot_edges = {d.get("id"): d for d in data.get("edges", [])}  # matched by our ids: dot reorders edges
    for j, e in enumerate(el.edges):
        ed = dot_edges[f"e{j}"]
        epath = path + ("edges", j)
        out.items += _edge_prims(e, ed, H, ctx, Meta(el.id, e.role, ctx.src(epath), "graph-edge"))
        lab = elabels[j]
        if lab is not None and "lp" in ed:
            lx, ly = _pt(ed["lp"], H)
            out.add(lab, lx - lab.w / 2, ly - lab.h / 2)
    # nodes
    pos = {o["name"]: o for o in objs if "pos" in o}
    for i, n in enumerate(el.nodes):
        o = pos[f"n{i}"]
        cx, cy = _pt(o["pos"], H)
        npath = path + ("nodes", i)
        if n.id in blocks:
            b = blocks[n.id]
            out.add(b, cx - b.w / 2, cy - b.h / 2)
            continue
        role = n.role or el.node_role
        meta = Meta(names[n.id], role, ctx.src(npath), "graph-node")
        r = DOT_SIZE / 2
        prims: list[Prim] = [Ellipse(cx, cy, r, r, Style(fill=ctx.color(role)), meta)]
        anchor = Anchor(cx - r, cy - r, 2 * r, 2 * r, "ellipse", meta.src)
        if n.id in labels and "xlp" in o:
            lab = labels[n.id]
            lx, ly = _pt(o["xlp"], H)
            prims += lab.moved(lx - lab.w / 2, ly - lab.h / 2).items
        out.items.append(Group(tuple(prims), meta))
        out.anchors[names[n.id]] = anchor
        out.obstacles.append(anchor)
    out.spine = _chain_line([_pt(pos[f"n{i}"]["pos"], H) for i in range(len(el.nodes))], el.direction)
    if min_w > w or min_h > h:
        big = Block(max(w, min_w), max(h, min_h))
        big.add(out, (big.w - w) / 2, (big.h - h) / 2)
        out = big
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", src)
    return out


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


def _edge_prims(e: GraphEdge, ed: dict, H: float, ctx: Ctx, meta: Meta) -> list[Prim]:  # noqa: N803
    """The spline as a cubic Path, plus a Polygon head at each arrow end dot reserved."""
    start = end = None
    pts: list[tuple[float, float]] = []
    for tok in ed["pos"].split():
        if tok.startswith("s,"):
            start = _pt(tok[2:], H)
        elif tok.startswith("e,"):
            end = _pt(tok[2:], H)
        else:
            pts.append(_pt(tok, H))
    style = Style(stroke=ctx.color(e.role), stroke_width=ctx.theme.stroke["edge"], dash=(5, 4) if e.dashed else None)
    cmds: list[tuple] = [("M", *pts[0])]
    for k in range(1, len(pts) - 2, 3):
        cmds.append(("C", *pts[k], *pts[k + 1], *pts[k + 2]))
    out: list[Prim] = [Path(tuple(cmds), style, meta)]
    head = Style(fill=ctx.color(e.role))
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
