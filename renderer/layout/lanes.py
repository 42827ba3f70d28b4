"""Layout of the `lanes` element kind: stage banners (chevrons) over shared columns, labelled rows of cells.

Every row uses one set of column widths (the widest cell of each column, the stage banners included;
a spanning cell or stage that needs more widens its columns evenly) and has one height. Banners sit
edge to edge, each one's point nesting in the next one's notch with a small gap; the first is a
pentagon. Row labels sit in chevrons in a header column that all rows share.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scene import Group, Line, Meta, Polygon, Rect, Style
from ..spec.elements.lanes import LaneCell, Lanes, cell_span, span_problems
from ..spec.models import Element
from .base import Anchor, Block, Ctx, layout_element, register
from .chart_data import fail

BANNER_GAP = 6.0  # px between a banner's point and the next one's notch (measured horizontally)
DEPTH_SHARE = 0.3  # a banner's point depth, as a share of its height
HEADER_DEPTH = 14.0  # px: point depth of a row header chevron
HEADER_WRAP = 140.0  # px: row labels wrap beyond this by default
MIN_BANNER_H = 40.0  # px
TINT_OPACITY = 0.45


@dataclass
class _Cell:
    """One cell of a row: where it starts, how many columns it covers, its element (if any)."""

    col: int
    span: int
    item: Element | None
    path: tuple
    block: Block | None = None


def chevron(x0: float, y0: float, x1: float, y1: float, depth: float, notch: bool, point: bool
            ) -> tuple[tuple[float, float], ...]:
    """Points of a banner from x0 to x1: a point of `depth` on the right, a notch of `depth` on the left."""
    ym = (y0 + y1) / 2
    right = ((x1 - depth, y0), (x1, ym), (x1 - depth, y1)) if point else ((x1, y0), (x1, y1))
    left = ((x0, y1), (x0 + depth, ym)) if notch else ((x0, y1),)
    return ((x0, y0), *right, *left)


@register("lanes")
def layout_lanes(el: Lanes, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Stage banners, then each lane: its header chevron and its cells on the shared columns."""
    bad = span_problems(el)
    if bad:
        i, msg = bad[0]
        raise fail(ctx, path + ("rows", i, "cells"), msg)
    pad = ctx.sp("padding")
    gap = ctx.sp("gap") * 1.5 if el.gap is None else el.gap
    row_gap = ctx.sp("gap") * 1.5 if el.row_gap is None else el.row_gap
    n = el.columns
    starts = _stage_starts(el)
    sg = gap if el.stage_gap is None else el.stage_gap
    gaps = [sg if j + 1 in starts else gap for j in range(max(n - 1, 0))]  # gaps[j]: between columns j and j+1
    rows = [_cells(el, path, i) for i in range(len(el.rows))]
    for r in rows:
        for c in r:
            if c.item is not None:
                c.block = layout_element(c.item, c.path, ctx)

    # header column: one width for every row label
    labels = [_label(el, path, ctx, i) for i in range(len(el.rows))]
    hw = max([lb.w + 2 * pad + 2 * HEADER_DEPTH for lb in labels if lb is not None], default=0.0)
    x_cols = hw + gap if hw else 0.0

    # column widths: one-column cells, then wider spans (cells and stages) widen their columns evenly
    col_w = [0.0] * n
    spans = [(c.col, c.span, c.block.w) for r in rows for c in r if c.block is not None]
    for col, span, w in sorted(spans, key=lambda s: s[1]):
        _widen(col_w, col, span, w, gaps)
    texts = []
    for k, st in enumerate(el.stages):
        room = sum(col_w[starts[k]:starts[k] + st.span]) + sum(gaps[starts[k]:starts[k] + st.span - 1])
        wrap = max(room - 2 * pad - 2 * MIN_BANNER_H * DEPTH_SHARE, ctx.sp("box_max_width"))  # clear of the points
        texts.append(ctx.text_lines(ctx.t(st.text), ctx.size("heading"), wrap,
                                    700 if st.bold else 400, st.text_role, "center",
                                    meta=Meta(st.id, st.text_role, ctx.src(path + ("stages", k, "text")),
                                              "lanes-stage-text")))
    bh = max(MIN_BANNER_H, max(t.h for t in texts) + 2 * pad)
    depth = bh * DEPTH_SHARE
    for k, st in enumerate(el.stages):
        _widen(col_w, starts[k], st.span, texts[k].w + 2 * pad + 2 * depth, gaps)
    inner = x_cols + sum(col_w) + sum(gaps)
    if min_w > inner:
        col_w = [w + (min_w - inner) / n for w in col_w]
    xs = [x_cols + sum(col_w[:j]) + sum(gaps[:j]) for j in range(n)]
    width = xs[-1] + col_w[-1]

    def span_w(col: int, span: int) -> float:
        return xs[col + span - 1] + col_w[col + span - 1] - xs[col]

    # row heights; a stretched cell fills its cell
    row_h = [max([c.block.h for c in r if c.block is not None]
                 + [labels[i].h + 1.2 * pad if labels[i] is not None else 0.0]) for i, r in enumerate(rows)]
    if el.align == "stretch":
        for i, r in enumerate(rows):
            for c in r:
                if c.item is not None:
                    c.block = layout_element(c.item, c.path, ctx, span_w(c.col, c.span), row_h[i])
            row_h[i] = max([row_h[i]] + [c.block.h for c in r if c.block is not None])

    out = Block(width, 0.0)
    _banners(out, el, path, ctx, texts, starts, xs, col_w, gaps, bh, depth, span_w)
    y = bh + row_gap
    for i, r in enumerate(rows):
        h = row_h[i]
        _backdrop(out, el, path, ctx, i, y, h, width, row_gap)
        if labels[i] is not None:
            _header(out, el, path, ctx, i, labels[i], y, hw, h)
        for c in r:
            cw = span_w(c.col, c.span)
            cell = Anchor(xs[c.col], y, cw, h, "rect", ctx.src(c.path))
            if c.block is not None:
                k = c.block
                dx = xs[c.col] + (cw - k.w) / 2
                dy = y + {"start": 0.0, "end": h - k.h}.get(el.align, (h - k.h) / 2)
                out.add(k, dx, dy)
                cell = Anchor(dx, dy, k.w, k.h, "rect", ctx.src(c.path))
            if el.id:
                out.anchors[f"{el.id}.{i}.{c.col}"] = cell
        y += h + row_gap
    out.h = max(y - row_gap, min_h)
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


def _cells(el: Lanes, path: tuple, i: int) -> list[_Cell]:
    """A row's cells with their first column and spec path (nulls are empty one-column cells)."""
    out, col = [], 0
    for j, cell in enumerate(el.rows[i].cells):
        cp = path + ("rows", i, "cells", j)
        item = cell.item if isinstance(cell, LaneCell) else cell
        out.append(_Cell(col, cell_span(cell), item, cp + ("item",) if isinstance(cell, LaneCell) else cp))
        col += cell_span(cell)
    return out


def _stage_starts(el: Lanes) -> list[int]:
    starts, col = [], 0
    for st in el.stages:
        starts.append(col)
        col += st.span
    return starts


def _widen(col_w: list[float], col: int, span: int, need: float, gaps: list[float]) -> None:
    """Widen columns col … col+span-1 evenly until together (with their gaps) they are `need` wide."""
    have = sum(col_w[col:col + span]) + sum(gaps[col:col + span - 1])
    if need > have:
        for j in range(col, col + span):
            col_w[j] += (need - have) / span


def _label(el: Lanes, path: tuple, ctx: Ctx, i: int) -> Block | None:
    row = el.rows[i]
    if row.label is None:
        return None
    return ctx.text_lines(ctx.t(row.label), ctx.size("body"), el.header_width or HEADER_WRAP, 700, "text", "center",
                          meta=Meta(row.id, "text", ctx.src(path + ("rows", i, "label")), "lanes-header-text"))


def _banners(out: Block, el: Lanes, path: tuple, ctx: Ctx, texts: list[Block], starts: list[int], xs: list[float],
             col_w: list[float], gaps: list[float], bh: float, depth: float, span_w) -> None:
    """The stage banners: a pentagon then chevrons, each point nested in the next notch, BANNER_GAP apart."""
    last = len(el.stages) - 1
    for k, st in enumerate(el.stages):
        a, b = starts[k], starts[k] + st.span - 1
        if k == 0:
            x0 = 0.0
        else:
            x0 = xs[a] - gaps[a - 1] / 2 - depth / 2 + BANNER_GAP / 2
        x1 = xs[b] + col_w[b] + (0.0 if k == last else gaps[b] / 2 + depth / 2 - BANNER_GAP / 2)
        src = ctx.src(path + ("stages", k))
        meta = Meta(st.id, st.role, src, "lanes-stage")
        poly = Polygon(chevron(x0, 0.0, x1, bh, depth, k > 0, True), Style(fill=ctx.color(st.role)), meta)
        t = texts[k]
        cx = xs[a] + span_w(a, st.span) / 2
        label = t.moved(cx - t.w / 2, (bh - t.h) / 2)
        shape = "chevron" if k > 0 else "pentagon"
        out.items.append(Group((poly, *label.items), meta, {"shape": shape, "depth": depth}))
        anchor = Anchor(x0, 0.0, x1 - x0, bh, "rect", src)
        out.obstacles.append(anchor)
        if st.id:
            out.anchors[st.id] = anchor


def _header(out: Block, el: Lanes, path: tuple, ctx: Ctx, i: int, label: Block, y: float, hw: float,
            h: float) -> None:
    """A row's label in a chevron filling the header column."""
    row = el.rows[i]
    src = ctx.src(path + ("rows", i))
    meta = Meta(row.id, row.role, src, "lanes-header")
    depth = min(HEADER_DEPTH, h / 2)
    poly = Polygon(chevron(0.0, y, hw, y + h, depth, True, True), Style(fill=ctx.color(row.role)), meta)
    lab = label.moved((hw - label.w) / 2, y + (h - label.h) / 2)
    out.items.append(Group((poly, *lab.items), meta, {"shape": "chevron", "depth": depth}))
    anchor = Anchor(0.0, y, hw, h, "rect", src)
    out.obstacles.append(anchor)
    if row.id:
        out.anchors[row.id] = anchor


def _backdrop(out: Block, el: Lanes, path: tuple, ctx: Ctx, i: int, y: float, h: float, width: float,
              row_gap: float) -> None:
    """The faint tint behind every other lane, and the rule above every lane but the first."""
    src = ctx.src(path + ("rows", i))
    if el.tint and i % 2 == 1:
        out.items.append(Rect(0.0, y - row_gap / 2, width, h + row_gap, 0.0,
                              Style(fill=ctx.color("panel"), opacity=TINT_OPACITY),
                              Meta(None, "panel", src, "lanes-tint")))
    if el.separators and i > 0:
        out.items.append(Line(((0.0, y - row_gap / 2), (width, y - row_gap / 2)),
                              Style(stroke=ctx.color("grid"), stroke_width=1.0),
                              meta=Meta(None, "grid", src, "lanes-rule")))
