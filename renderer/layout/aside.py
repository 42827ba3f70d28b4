"""Layout of the `aside` kind: stages on one centre line, each with its data beside it and a leader line between.

The stages (mains) share one column and one centre line, so a chain of arrows between them is straight; the
data (sides) share the column edge that faces the stages. A side no taller than its stage is centred on it; a
taller one is top-aligned with it, and the row grows so the next row never overlaps it. A tensor side is
placed by its grid instead: the grid's mid-height on the stage's (the stage moves down when the title above
the grid needs the room), so the leader meets the grid, not its title or headers. A leader line runs from
the stage's side to the data's side at the stage's mid-height.
"""

from __future__ import annotations

from ..scene import Group, Line, Meta, Rect, Style, Text, bbox, walk
from ..spec.models import Aside
from .base import Anchor, Block, Ctx, layout_element, register
from .flow import member_anchor

LEADER_DASH = {"dashdot": (6.0, 3.0, 1.5, 3.0), "dotted": (1.5, 3.0), "dashed": (5.0, 3.0), "solid": None}


@register("aside")
def layout_aside(a: Aside, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Two columns, module ↔ data, with leader lines and an optional chain of arrows between the modules."""
    gap = a.gap if a.gap is not None else ctx.sp("gap") * (2 if a.chain else 1)
    cgap = a.column_gap if a.column_gap is not None else ctx.sp("gap") * 3
    rpath = [path + ("rows", i) for i in range(len(a.rows))]
    mains = [layout_element(r.main, rpath[i] + ("main",), ctx) for i, r in enumerate(a.rows)]
    sides = [layout_element(r.side, rpath[i] + ("side",), ctx) if r.side is not None else None
             for i, r in enumerate(a.rows)]
    mw = max(m.w for m in mains)
    sw = max((s.w for s in sides if s is not None), default=0.0)
    span = cgap + sw if sw else 0.0
    w = mw + span
    x0 = max(min_w - w, 0.0) / 2  # the two columns centred in a wider container
    cx = x0 + (mw / 2 if a.side == "right" else span + mw / 2)  # the stages' centre line
    edge = x0 + (mw + cgap if a.side == "right" else sw)  # the data column's edge facing the stages
    out = Block(max(w, min_w), 0)
    boxes: list[Anchor] = []
    y = 0.0
    for i, (m, s) in enumerate(zip(mains, sides, strict=True)):
        mx = cx - m.w / 2
        grid = _grid_mid(s) if s is not None else None
        top = y if grid is None else y + max(grid - m.h / 2, 0.0)  # the stage, below the tensor's title
        out.add(m, mx, top)
        boxes.append(Anchor(mx, top, m.w, m.h, "rect", ctx.src(rpath[i] + ("main",))))
        member_anchor(out, a.id, i, len(mains), boxes[-1])
        row_h = top - y + m.h
        if s is not None:
            sy = top + m.h / 2 - grid if grid is not None else y + (m.h - s.h) / 2 if s.h <= m.h else y
            sx = edge if a.side == "right" else edge - s.w
            out.add(s, sx, sy)
            row_h = max(row_h, sy + s.h - y)
            if a.leader != "none":
                reach = _reach(s, top + m.h / 2 - sy, a.side == "right")
                out.items.append(_leader(a, i, (mx + m.w, sx + reach) if a.side == "right" else (mx, sx + reach),
                                         top + m.h / 2, ctx.src(rpath[i]), ctx))
        y += row_h + gap
    out.h = max(y - gap, min_h)
    if a.chain:
        out.items += _chain(a, boxes, cx, ctx, ctx.src(path + ("chain",)))
    if a.id:
        out.anchors[a.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


def _grid_mid(side: Block) -> float | None:
    """The mid-height of a tensor side's grid of cells (its block's coordinates); None when it has no grid."""
    ys = [(p.y, p.y + p.h) for p in walk(side.items) if isinstance(p, Rect) and p.meta is not None
          and p.meta.kind in ("tensor-cell", "tensor-ellipsis")]
    return (min(y0 for y0, _ in ys) + max(y1 for _, y1 in ys)) / 2 if ys else None


LEADER_CLEAR = 4.0  # px between a leader's end and the text it points at


def _reach(side: Block, y: float, from_left: bool) -> float:
    """Where a leader at height `y` meets the side's content (its nearest primitive at that height; a text run
    is kept LEADER_CLEAR px off); the side's outline when nothing is drawn at that height."""
    best: tuple[float, bool] | None = None
    for p in walk(side.items):
        if isinstance(p, Group):
            continue
        x0, y0, x1, y1 = bbox(p)
        if y0 <= y <= y1:
            x = x0 if from_left else x1
            if best is None or (x < best[0] if from_left else x > best[0]):
                best = (x, isinstance(p, Text))
    if best is None:
        return 0.0 if from_left else side.w
    x, text = best
    return x - LEADER_CLEAR * text if from_left else x + LEADER_CLEAR * text


def _leader(a: Aside, i: int, xs: tuple[float, float], y: float, src: str | None, ctx: Ctx) -> Line:
    """The dash-dot (dotted, dashed, solid) line from the stage's outline to its data's outline."""
    style = Style(stroke=ctx.color(a.leader_role), stroke_width=ctx.theme.stroke["width"], dash=LEADER_DASH[a.leader])
    return Line(((xs[0], y), (xs[1], y)), style, meta=Meta(f"{a.id or 'aside'}.leader-{i}", a.leader_role, src,
                                                           "leader"))


def _chain(a: Aside, boxes: list[Anchor], cx: float, ctx: Ctx, src: str | None) -> list[Line]:
    """Arrows between consecutive stages, all on the centre line `cx`: down the rows, or up with `chain: up`."""
    style = Style(stroke=ctx.color("arrow"), stroke_width=ctx.theme.stroke["edge"])
    out = []
    for i, (top, below) in enumerate(zip(boxes, boxes[1:], strict=False)):
        pts = ((cx, top.y + top.h), (cx, below.y))
        if a.chain == "up":
            pts = pts[::-1]
        out.append(Line(pts, style, arrow_end=True, meta=Meta(f"{a.id or 'aside'}.chain-{i}", "arrow", src, "edge")))
    return out
