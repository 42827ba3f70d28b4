"""The DOT text of a `graph` element (every size fixed, no text of dot's own), dot's run, and its points in px."""

from __future__ import annotations

import json
import math
from functools import lru_cache

from ..spec.elements.graph import Graph, GraphNode
from .base import Block

PX_PER_PT = 96 / 72
ARROW_LEN = 10.0  # px, as the SVG marker of diagram edges
DIRS = {"end": "forward", "start": "back", "both": "both", "none": "none"}
DOT_SIZE = 10.0  # px diameter of a `dot` node
SHAPES = {"round": "box", "rect": "box", "pill": "box", "ellipse": "ellipse", "circle": "circle",
          "dot": "circle"}


def shape_of(n: GraphNode, el: Graph) -> str:
    """A node's shape: its own or the graph's `node_shape`."""
    return n.shape or el.node_shape


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


def dot_layout(el: Graph, blocks: dict[str, Block], labels: dict[str, Block], elabels: list[Block | None],
               titles: list[Block | None]) -> dict:
    """dot's layout of the graph (node i is `n<i>`, edge j `e<j>`, group k `cluster_<k>`), its same_rank sets in
    the order given (chained and run again when dot reordered one). Raises graphviz's errors."""
    index = {n.id: i for i, n in enumerate(el.nodes)}
    data = run_dot(_dot_source(el, blocks, labels, elabels, titles, index))
    if not _ranks_in_order(el, data, index):
        data = run_dot(_dot_source(el, blocks, labels, elabels, titles, index, chains=True))
    return data


def pt(s: str, height_pt: float) -> tuple[float, float]:
    """A dot "x,y" point (points, y up) in px with y down."""
    x, y = (float(v) for v in s.split(","))
    return (round(x * PX_PER_PT, 2), round((height_pt - y) * PX_PER_PT, 2))


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
           f" outputorder=edgesfirst{'' if el.ordering == 'auto' else ', ordering=' + el.ordering}];",
           '  node [fixedsize=true, label="", penwidth=0, margin=0];',
           f"  edge [arrowsize={_num(ARROW_LEN / PX_PER_PT / 10)}];"]
    grouped = {n for g in el.groups for n in g.nodes}

    def node_line(n: GraphNode) -> str:
        shape = shape_of(n, el)
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
        attrs += [f"{k}={v}" for k, v in (("tailport", e.from_port), ("headport", e.to_port)) if v]
        out.append(f"  n{index[e.from_]} -> n{index[e.to]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _rank_line(r: list[str], index: dict[str, int], chain_it: bool = False) -> str:
    """A same-rank constraint (inside the cluster of its nodes: dot drops clusters crossed by one); with
    `chain_it`, an invisible edge chain through its nodes keeps them in the order given."""
    ids = [f"n{index[n]}" for n in r]
    chain = f" {' -> '.join(ids)} [style=invis];" if chain_it and len(ids) > 1 else ""
    return "{ rank=same; " + " ".join(f"{i};" for i in ids) + chain + " }"
