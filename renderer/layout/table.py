"""Layout of the `table` element kind: a cell grid with merged cells, header styles and bit-layout bars.

Cells are placed like HTML tables (a cell takes the next free column; spans reserve the cells below
and to the right). Column widths and row heights come from the measured cell contents; a spanning
cell that needs more room spreads the extra over the columns/rows it covers. Bit layouts share one
px-per-bit scale, so FP64 is visibly twice as long as FP32.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..scene import Group, Line, Meta, Prim, Rect, Style, Text
from ..spec.elements.table import MAX_BITS, BitSegment, Table, TableCell, TableRow
from .base import Anchor, Block, Ctx, register
from .chart_axes import spread
from .chart_canvas import Canvas
from .chart_data import bound, check_roles, fail, measure, text_of
from .markup import split_scripts
from .quotes import curly
from .table_levels import level_key

CYCLE = ("model", "data", "module", "negative", "thought", "warm")
MAX_BITS_PX = 520.0  # the widest bit layout's default length (px); theme text_max_width is the same measure
SEG_PAD = 1.0  # px of clearance a segment label needs on each side


@dataclass
class _Cell:
    """A resolved cell: what it shows, how it looks, where it sits."""

    text: str = ""
    bits: list[tuple[str, int, str, str]] = field(default_factory=list)  # (name, bits, role, label)
    colspan: int = 1
    rowspan: int = 1
    role: str = "white"
    text_role: str = "text"
    bold: bool = False
    align: str = "center"
    src: tuple = ()
    header: bool = False
    row: int = 0
    col: int = 0
    max_width: float = 220.0
    wrap: float = 0.0  # the width its text was wrapped at (for the native-table payload)
    block: Block | None = None
    w: float = 0.0
    h: float = 0.0


@register("table")
def layout_table(el: Table, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A table whose columns and rows are as large as their measured contents need."""
    check_roles(ctx, el, path)
    rows = _rows(el, path, ctx)
    cells, ncols, nrows = _place(rows, el, path, ctx)
    fs = ctx.size("note")
    sfs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    pad = ctx.sp("padding") * 0.8
    vpad = pad * 0.5

    # header-column styling needs the final column of each cell
    for c in cells:
        if el.header_column and c.col == 0 and not c.header:
            c.header = True
            c.role = el.header_role if c.role == el.role else c.role
            c.bold = True

    # one px-per-bit scale for every bit layout
    bit_cells = [c for c in cells if c.bits]
    ppb = _px_per_bit(el, ctx, bit_cells, sfs)

    # measure contents
    for c in cells:
        if c.bits:
            total = sum(b for _, b, _, _ in c.bits)
            outside = any(measure(ctx, lab, sfs) + 2 * SEG_PAD > b * ppb for _, b, _, lab in c.bits)
            bar_h = sfs * ctx.sp("line_height") + 4
            c.w = total * ppb + 2 * pad
            c.h = bar_h + (sfs * ctx.sp("line_height") if outside else 0) + 2 * vpad
        else:
            if c.text:
                c.wrap = c.max_width
                c.block = ctx.text_lines(c.text, fs, c.max_width, 700 if c.bold else 400, c.text_role,
                                         c.align, meta=Meta(el.id, c.text_role, ctx.src(c.src), "table-text"))
            c.w = (c.block.w if c.block else 0.0) + 2 * pad
            c.h = max(c.block.h if c.block else 0.0, lh) + 2 * vpad

    col_w = _sizes(ncols, [(c.col, c.colspan, c.w) for c in cells])
    for c in cells:  # a merged cell wraps at the width of the columns it spans, when that is wider
        avail = sum(col_w[c.col:c.col + c.colspan]) - 2 * pad
        if c.colspan > 1 and c.block is not None and avail > c.max_width:
            c.wrap = avail
            c.block = ctx.text_lines(c.text, fs, avail, 700 if c.bold else 400, c.text_role, c.align,
                                     meta=Meta(el.id, c.text_role, ctx.src(c.src), "table-text"))
            c.h = max(c.block.h, lh) + 2 * vpad
    if el.columns_under:
        col_w = _fixed_widths(el, path, ctx, cells, col_w, fs, lh, pad, vpad)
    row_h = _sizes(nrows, [(c.row, c.rowspan, c.h) for c in cells])
    extra = 0.0 if el.columns_under else max(0.0, min_w - sum(col_w))
    col_w = [w + extra / ncols for w in col_w]
    xs = [sum(col_w[:k]) for k in range(ncols + 1)]
    ys = [sum(row_h[:k]) for k in range(nrows + 1)]

    canvas = Canvas(ctx)
    frame = ctx.color("frame")
    for c in cells:
        x, y = xs[c.col], ys[c.row]
        w, h = xs[c.col + c.colspan] - x, ys[c.row + c.rowspan] - y
        meta = Meta(el.id, c.role, ctx.src(c.src), "table-header" if c.header else "table-cell")
        kids: list[Prim] = [Rect(x, y, w, h, 0, Style(fill=ctx.color(c.role), stroke=frame, stroke_width=1.0), meta)]
        if c.bits:
            kids += _bit_bar(el, ctx, c, x + pad, y, w - 2 * pad, h, ppb, sfs)
        elif c.text and c.block is not None:
            bx = {"start": x + pad, "center": x + (w - c.block.w) / 2, "end": x + w - pad - c.block.w}[c.align]
            kids += c.block.moved(bx, y + (h - c.block.h) / 2).items
        canvas.add(Group(tuple(kids), replace(meta, parts=(f"r{c.row}c{c.col}", f"r{c.row}", f"c{c.col}"))))

    top, bottom = _arrows(el, path, ctx, canvas, cells, xs, ys)
    _legend(el, path, ctx, canvas, cells, xs[-1], bottom)
    if el.title is not None:
        tb = ctx.text_lines(ctx.t(el.title), ctx.size("body"), max(xs[-1], ctx.sp("text_max_width")), 700, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("title",)), "table-title"))
        canvas.place(tb, (xs[-1] - tb.w) / 2, top - tb.h - 6)
    x0, y0, _, _ = canvas.box()
    grid = _payload(ctx, cells, col_w, row_h, (-x0, -y0), fs, lh, pad, 700)
    out = canvas.block(min_w, min_h, Meta(el.id, None, ctx.src(path), "table"))
    out.items[0] = replace(out.items[0], data=grid)
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


ARROW_GAP = 9.0  # px between the table's edge and a direction arrow (room for its head's half width)
ARROW_LABEL_GAP = 3.0  # px between an arrow and its label


def _arrows(el: Table, path: tuple, ctx: Ctx, canvas: Canvas, cells: list[_Cell], xs: list[float],
            ys: list[float]) -> tuple[float, float]:
    """The table's direction arrows, outside the grid along its first/last body row or column; returns the
    top and bottom the grid and its arrows reach (the title goes above, the legend below)."""
    top, bottom = 0.0, ys[-1]
    body = [c for c in cells if not c.header]
    rows = sorted({r for c in body for r in range(c.row, c.row + c.rowspan)})
    fs = ctx.size("small")
    stroke = ctx.theme.stroke["width"] * 1.2
    for k, a in enumerate(el.arrows):
        apath = path + ("arrows", k)
        src = ctx.src(apath)
        meta = Meta(el.id, a.role, src, "table-arrow")
        label = ctx.t(a.text).strip() if a.text is not None else ""
        tmeta = replace(meta, role="text-soft", kind="table-arrow-text")
        lb = ctx.text_lines(label, fs, None, 400, "text-soft", meta=tmeta) if label else None
        style = Style(stroke=ctx.color(a.role), stroke_width=stroke)
        if a.row is not None:
            if a.row >= len(rows):
                raise fail(ctx, apath + ("row",), f"row {a.row} is beyond the table's {len(rows)} body rows "
                                                  f"(expected 0 to {len(rows) - 1})")
            r = rows[a.row]
            if r not in (rows[0], rows[-1]):
                raise fail(ctx, apath + ("row",), f"an arrow runs outside the table, so along its first or last "
                                                  f"body row (expected row 0 or {len(rows) - 1}, not {a.row})")
            span = [c for c in body if c.row <= r < c.row + c.rowspan]
            if a.span is not None:
                if a.span[1] >= len(xs) - 1:
                    raise fail(ctx, apath + ("span",), f"column {a.span[1]} is beyond the table's {len(xs) - 1} "
                                                       "columns")
                span = [c for c in span if a.span[0] <= c.col and c.col + c.colspan - 1 <= a.span[1]]
            if not span:
                raise fail(ctx, apath + ("span",), "the arrow spans no body cell of its row")
            x0, x1 = min(xs[c.col] for c in span), max(xs[c.col + c.colspan] for c in span)
            under = r == rows[-1]
            y = bottom + ARROW_GAP if under else top - ARROW_GAP
            ends = [(x0 + 4, y), (x1 - 4, y)]
            canvas.add(Line(tuple(ends if a.direction == "forward" else ends[::-1]), style, arrow_end=True,
                            meta=meta))
            if lb is not None:
                ly = y + ARROW_GAP / 2 + ARROW_LABEL_GAP if under else y - ARROW_GAP / 2 - ARROW_LABEL_GAP - lb.h
                canvas.place(lb, (x0 + x1 - lb.w) / 2, ly)
                y = ly + lb.h if under else ly
            else:
                y = y + ARROW_GAP / 2 if under else y - ARROW_GAP / 2
            bottom, top = (y, top) if under else (bottom, y)
            continue
        last = len(xs) - 2
        if a.column not in (0, last):
            raise fail(ctx, apath + ("column",), f"an arrow runs outside the table, so along its first or last "
                                                 f"column (expected column 0 or {last}, not {a.column})")
        span = [c for c in body if c.col <= a.column < c.col + c.colspan]
        if a.span is not None:  # body rows first..last
            if a.span[1] >= len(rows):
                raise fail(ctx, apath + ("span",), f"row {a.span[1]} is beyond the table's {len(rows)} body rows")
            lo, hi = rows[a.span[0]], rows[a.span[1]]
            span = [c for c in span if lo <= c.row and c.row + c.rowspan - 1 <= hi]
        if not span:
            raise fail(ctx, apath + ("column",), f"column {a.column} has no body cells to run along")
        y0, y1 = min(ys[c.row] for c in span), max(ys[c.row + c.rowspan] for c in span)
        right = a.column == last
        x = xs[-1] + ARROW_GAP if right else xs[0] - ARROW_GAP
        ends = [(x, y0 + 4), (x, y1 - 4)]
        canvas.add(Line(tuple(ends if a.direction == "forward" else ends[::-1]), style, arrow_end=True, meta=meta))
        if lb is not None:
            lx = x + ARROW_GAP / 2 + ARROW_LABEL_GAP if right else x - ARROW_GAP / 2 - ARROW_LABEL_GAP - lb.w
            canvas.place(lb, lx, (y0 + y1 - lb.h) / 2)
    return top, bottom


def _fixed_widths(el: Table, path: tuple, ctx: Ctx, cells: list[_Cell], natural: list[float], fs: float, lh: float,
                  pad: float, vpad: float) -> list[float]:
    """The column widths of the tree named by `columns_under` (table_levels' pre-pass); text rewrapped to fit."""
    widths = ctx.shared.get(level_key(el.columns_under or ""))
    if widths is None:  # laid out without the pre-pass (a table alone): natural widths
        return natural
    if len(widths) != len(natural):
        raise fail(ctx, path + ("columns_under",), f"the table has {len(natural)} columns but tree "
                                                   f"'{el.columns_under}' has {len(widths)} levels (expected one "
                                                   "column per level)")
    for c in cells:
        avail = sum(widths[c.col:c.col + c.colspan]) - 2 * pad
        if c.block is not None and c.block.w > avail:
            c.wrap = avail
            c.block = ctx.text_lines(c.text, fs, avail, 700 if c.bold else 400, c.text_role, c.align,
                                     meta=Meta(el.id, c.text_role, ctx.src(c.src), "table-text"))
            c.h = max(c.block.h, lh) + 2 * vpad
    return list(widths)


def _payload(ctx: Ctx, cells: list[_Cell], col_w: list[float], row_h: list[float], origin: tuple[float, float],
             fs: float, lh: float, pad: float, bold_weight: int) -> dict:
    """The grid as backend-neutral data (for native tables): tracks, and each cell's text lines and paint.

    Coordinates are px relative to the top-left of the table group's bounding box; `lines` are the
    wrapped lines as drawn, each a list of (text, "" | "_" | "^", family) runs: cut at script markup and
    where the drawing face changes.
    """
    out = []
    fams = {face: family[0] for face, family in ctx.metrics.families.items()}  # face -> family
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        lines = []
        if c.text and not c.bits:
            weight = bold_weight if c.bold else 400
            lines = [[[t, k, fams[face]] for part, k in split_scripts(s) for t, face in ctx.metrics.runs(part)]
                     for s in ctx.metrics.wrap(curly(c.text), fs, c.wrap, weight)]
        out.append({"row": c.row, "col": c.col, "rowspan": c.rowspan, "colspan": c.colspan, "lines": lines,
                    "fill": ctx.color(c.role), "color": ctx.color(c.text_role), "bold": c.bold, "align": c.align,
                    "header": c.header, "bits": bool(c.bits)})
    return {"kind": "table", "origin": list(origin), "col_widths": list(col_w), "row_heights": list(row_h),
            "font_size": fs, "line_height": lh, "pad": pad, "border": ctx.color("frame"), "border_width": 1.0,
            "family": list(ctx.theme.fonts["sans"]), "cells": out}


# ---------------------------------------------------------------- cells

def _rows(el: Table, path: tuple, ctx: Ctx) -> list[tuple[list[Any], dict, tuple]]:
    """Every row as (cell values, row options, spec path of its cells)."""
    out: list[tuple[list[Any], dict, tuple]] = []
    header = el.header
    if header is None and el.records is not None and any(c.header is not None for c in el.columns):
        header = [c.header for c in el.columns]
        out.append((header, {"header": True}, path + ("columns",)))
    elif header is not None:
        out.append((header, {"header": True}, path + ("header",)))
    if el.rows is not None:
        rows = bound(el.rows, ctx, path + ("rows",), "table rows")
        for i, r in enumerate(rows):
            if isinstance(r, TableRow):
                out.append((r.cells, {"role": r.role, "bold": r.bold, "header": r.header}, path + ("rows", i, "cells")))
            elif isinstance(r, list):
                out.append((r, {}, path + ("rows", i)))
            else:
                raise fail(ctx, path + ("rows", i), "a table row is a list of cells or {cells: […]}")
    else:
        recs = bound(el.records, ctx, path + ("records",), "table records")
        for i, rec in enumerate(recs):
            if not isinstance(rec, dict):
                raise fail(ctx, path + ("records",), f"record {i} is not a mapping (expected key: value pairs)")
            cells: list[Any] = []
            for k, col in enumerate(el.columns):
                if col.bits:
                    missing = [b for b in col.bits if b not in rec]
                    if missing:
                        raise fail(ctx, path + ("columns", k, "bits"), f"record {i} has no key '{missing[0]}' "
                                                                       f"(expected one of: {', '.join(rec)})")
                    cells.append(TableCell(bits={b: int(rec[b]) for b in col.bits}))
                elif col.key is not None:
                    if col.key not in rec:
                        raise fail(ctx, path + ("columns", k, "key"), f"record {i} has no key '{col.key}' "
                                                                      f"(expected one of: {', '.join(rec)})")
                    cells.append(rec[col.key])
                else:
                    cells.append(None)
            out.append((cells, {}, path + ("records", i)))
    return out


def _place(rows: list[tuple[list[Any], dict, tuple]], el: Table, path: tuple, ctx: Ctx
           ) -> tuple[list[_Cell], int, int]:
    """Resolve cells and give each its grid position (next free column; spans reserve cells)."""
    taken: set[tuple[int, int]] = set()
    cells: list[_Cell] = []
    nrows = len(rows)
    for r, (values, opts, rpath) in enumerate(rows):
        col = 0
        for k, v in enumerate(values):
            while (r, col) in taken:
                col += 1
            c = _cell(v, opts, el, ctx, rpath + (k,), col)
            if r + c.rowspan > nrows:
                raise fail(ctx, rpath + (k, "rowspan"), f"rowspan {c.rowspan} reaches past the last row "
                                                        f"(at most {nrows - r} here)")
            c.row, c.col = r, col
            for dr in range(c.rowspan):
                for dc in range(c.colspan):
                    if (r + dr, col + dc) in taken:
                        raise fail(ctx, rpath + (k,), "merged cells overlap (a colspan runs into a rowspan "
                                                      "from a row above)")
                    taken.add((r + dr, col + dc))
            cells.append(c)
            col += c.colspan
    ncols = max((c + 1 for _, c in taken), default=1)
    for r, (_values, opts, rpath) in enumerate(rows):  # short rows are completed with empty cells
        for col in range(ncols):
            if (r, col) not in taken:
                c = _cell(None, opts, el, ctx, rpath, col)
                c.row, c.col = r, col
                cells.append(c)
    return cells, ncols, nrows


def _cell(v: Any, opts: dict, el: Table, ctx: Ctx, src: tuple, col: int) -> _Cell:
    header = bool(opts.get("header"))
    colopt = el.columns[col] if col < len(el.columns) else None
    fmt = (colopt.format if colopt and colopt.format else None) or el.format
    c = _Cell(src=src, header=header, role=el.header_role if header else (opts.get("role") or
                                                                          (colopt.role if colopt and colopt.role
                                                                           else el.role)),
              bold=header or bool(opts.get("bold")),
              align=(colopt.align if colopt and colopt.align else el.align),
              max_width=(colopt.max_width if colopt and colopt.max_width else el.max_width))
    if isinstance(v, TableCell):
        c.colspan, c.rowspan = v.colspan, v.rowspan
        c.role = v.role or c.role
        c.text_role = v.text_role or c.text_role
        c.bold = c.bold if v.bold is None else v.bold
        c.align = v.align or c.align
        if v.bits is not None:
            c.bits = _segments(v.bits, el, ctx, src + ("bits",))
        else:
            c.text = text_of(v.text, ctx, fmt)
    elif isinstance(v, dict):
        raise fail(ctx, src, "a table cell mapping needs known keys (text, bits, colspan, rowspan, role, …)")
    else:
        c.text = text_of(v, ctx, fmt)
    return c


def _segments(bits: Any, el: Table, ctx: Ctx, src: tuple) -> list[tuple[str, int, str, str]]:
    """(name, bits, role, label) of each non-empty field of a bit layout."""
    bits = bound(bits, ctx, src, "bit layout")
    if isinstance(bits, dict):
        segs = [BitSegment(name=k, bits=v) for k, v in bits.items()]
    else:
        segs = [b if isinstance(b, BitSegment) else BitSegment.model_validate(b) for b in bits]
    out, total = [], 0
    for k, s in enumerate(segs):
        n = int(bound(s.bits, ctx, src + (k,), "bit count", "a whole number"))
        if n < 0:
            raise fail(ctx, src, f"bit count of '{s.name}' is {n} (expected 0 or more)")
        total += n
        if total > MAX_BITS:
            raise fail(ctx, src, f"bit layout has more than {MAX_BITS} bits (limit max_bits = {MAX_BITS})")
        if n == 0:
            continue
        kind = el.bit_kinds.get(s.name)
        role = s.role or (kind.role if kind else CYCLE[k % len(CYCLE)])
        out.append((s.name, n, role, ctx.t(s.label) if s.label is not None else str(n)))
    if not out:
        raise fail(ctx, src, "bit layout has no bits (expected at least one field with a count above 0)")
    return out


def _sizes(n: int, spans: list[tuple[int, int, float]]) -> list[float]:
    """Track sizes: single-span needs first, then spanning needs spread evenly over their tracks."""
    size = [0.0] * n
    for start, span, need in spans:
        if span == 1:
            size[start] = max(size[start], need)
    for start, span, need in sorted((s for s in spans if s[1] > 1), key=lambda s: s[1]):
        have = sum(size[start:start + span])
        if need > have:
            for k in range(start, start + span):
                size[k] += (need - have) / span
    return size


# ---------------------------------------------------------------- bit layouts

def _px_per_bit(el: Table, ctx: Ctx, cells: list[_Cell], size: float) -> float:
    """The shared scale: given, or the widest layout at ~MAX_BITS_PX, widened a little if labels need it."""
    if not cells:
        return 0.0
    if el.bit_width:
        return el.bit_width
    widest = max(sum(b for _, b, _, _ in c.bits) for c in cells)
    base = MAX_BITS_PX / widest
    need = max((measure(ctx, lab, size) + 2 * SEG_PAD) / b for c in cells for _, b, _, lab in c.bits)
    return max(base, need) if need <= base * 1.3 else base


def _bit_bar(el: Table, ctx: Ctx, c: _Cell, x: float, y: float, w: float, h: float, ppb: float,
             size: float) -> list[Prim]:
    """Segments of one bit layout, left-aligned in the cell; labels inside, or above when they do not fit."""
    lh = size * ctx.sp("line_height")
    bar_h = lh + 4
    by = y + h - bar_h - (h - bar_h - (lh if _any_outside(ctx, c, ppb, size) else 0)) / 2
    out: list[Prim] = []
    sx = x
    outside: list[tuple[float, str, str, Meta]] = []
    font = tuple(ctx.theme.fonts["sans"])
    for k, (name, n, role, lab) in enumerate(c.bits):
        sw = n * ppb
        meta = Meta(el.id, role, ctx.src(c.src + ("bits", name if isinstance(name, str) else k)), "table-bits")
        seg: list[Prim] = [Rect(sx, by, sw, bar_h, 0, Style(fill=ctx.color(role), stroke=ctx.color("white"),
                                                            stroke_width=1.0), meta)]
        tw = measure(ctx, lab, size)
        if tw + 2 * SEG_PAD <= sw:
            seg.append(Text(sx + sw / 2, by + bar_h / 2 + 0.32 * size, lab, size, ctx.color("text"), 400, "middle",
                            font, width=tw, meta=Meta(el.id, "text", meta.src, "table-bits-text")))
        else:
            outside.append((sx + sw / 2, lab, name, meta))
        out.append(Group(tuple(seg), meta))
        sx += sw
    if outside:
        widths = [measure(ctx, lab, size) for _, lab, _, _ in outside]
        xs = spread([cx for cx, *_ in outside], [w_ + 4 for w_ in widths], x, x + w)
        for (_, lab, _, meta), cx, tw in zip(outside, xs, widths, strict=True):
            out.append(Text(cx, by - 2 - 0.24 * size, lab, size, ctx.color("text"), 400, "middle", font, width=tw,
                            meta=Meta(el.id, "text", meta.src, "table-bits-label")))
    return out


def _any_outside(ctx: Ctx, c: _Cell, ppb: float, size: float) -> bool:
    return any(measure(ctx, lab, size) + 2 * SEG_PAD > n * ppb for _, n, _, lab in c.bits)


def _legend(el: Table, path: tuple, ctx: Ctx, canvas: Canvas, cells: list[_Cell], W: float, H: float) -> None:
    """Swatches of the bit kinds that have a label and are used, under the table."""
    if not el.legend:
        return
    used = {name for c in cells for name, *_ in c.bits}
    entries = [(k, v) for k, v in el.bit_kinds.items() if v.label is not None and k in used]
    if not entries:
        return
    fs = ctx.size("small")
    items = []
    for k, v in entries:
        items.append((k, v.role, ctx.t(v.label), measure(ctx, ctx.t(v.label), fs)))
    gap = 16.0
    total = sum(12 + 5 + w for *_, w in items) + gap * (len(items) - 1)
    x = (W - total) / 2
    y = H + 10
    for k, role, label, w in items:
        meta = Meta(el.id, role, ctx.src(path + ("bit_kinds", k)), "table-legend")
        canvas.add(Rect(x, y, 12, 12, 0, Style(fill=ctx.color(role)), meta))
        canvas.text(label, x + 17, y + 6, fs, "text", "start", "middle", meta=meta)
        x += 12 + 5 + w + gap
