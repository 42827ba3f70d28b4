"""Marks drawn around a tensor's grid: dimension braces along its sides, a picked row/cell with a callout."""

from __future__ import annotations

import math

from ..scene import Line, Meta, Path, Rect, Style
from ..spec.elements.tensor import Tensor
from .base import Ctx
from .chart_canvas import Canvas
from .chart_data import fail, measure

BRACE_DEPTH = 9.0  # px from the brace's ends to its tip
BRACE_GAP = 6.0  # px between the things already drawn and the brace, and between the brace and its label


def brace_cmds(a: float, b: float, edge: float, side: str, depth: float = BRACE_DEPTH) -> tuple:
    """Path commands of a curly brace from a to b along `side`, its back at `edge`, its tip pointing out."""
    q, m, L = depth / 2, (a + b) / 2, b - a
    r = min(1.5 * q, L / 4)
    out = 1 if side in ("right", "bottom") else -1

    def pt(t: float, u: float) -> tuple[float, float]:
        return (edge + out * u, t) if side in ("left", "right") else (t, edge + out * u)

    pts = [("M", a, 0.0), ("C", a, q, a, q, a + r, q), ("L", m - r, q), ("C", m, q, m, q, m, depth),
           ("C", m, q, m, q, m + r, q), ("L", b - r, q), ("C", b, q, b, q, b, 0.0)]
    cmds = []
    for op, *tu in pts:
        xy: list[float] = []
        for k in range(0, len(tu), 2):
            xy += pt(tu[k], tu[k + 1])
        cmds.append((op, *xy))
    return tuple(cmds)


FACTOR_GAP = 10.0  # px between the grid (or its headers), the factor and the brackets
BRACKET_BOW = 7.0  # px a round bracket bows out (a square one: the length of its serifs)


def draw_factor(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, W: float, H: float) -> None:
    """The factor beside the grid, and brackets enclosing grid, row headers and factor (`el.factor`)."""
    f = el.factor
    fs = ctx.size(f.size)
    meta = Meta(el.id, "text", ctx.src(path + ("factor", "text")), "tensor-factor")
    x0, _, x1, _ = c.box()
    if f.side == "right":
        t = c.text(ctx.t(f.text), x1 + FACTOR_GAP, H / 2, fs, "text", "start", "middle", meta=meta)
        x1 = t.left + t.width
    else:
        t = c.text(ctx.t(f.text), x0 - FACTOR_GAP, H / 2, fs, "text", "end", "middle", meta=meta)
        x0 = t.left
    if f.bracket == "none":
        return
    top, bot = -BRACKET_BOW, H + BRACKET_BOW
    bmeta = Meta(el.id, "text-soft", ctx.src(path + ("factor", "bracket")), "tensor-bracket")
    style = Style(stroke=ctx.color("title"), stroke_width=2.0)
    for x, out in ((x0 - FACTOR_GAP, -1), (x1 + FACTOR_GAP, 1)):
        b = BRACKET_BOW
        if f.bracket == "round":
            cmds = (("M", x - out * b, top), ("C", x + out * b * 0.2, top + (bot - top) * 0.2,
                                               x + out * b * 0.2, bot - (bot - top) * 0.2, x - out * b, bot))
        else:
            cmds = (("M", x - out * b, top), ("L", x, top), ("L", x, bot), ("L", x - out * b, bot))
        c.add(Path(cmds, style, bmeta))


def _slot_span(idx: list[int | None], lo: int, hi: int) -> tuple[int, int] | None:
    inside = [k for k, i in enumerate(idx) if i is not None and lo <= i <= hi]
    return (inside[0], inside[-1]) if inside else None


def _levels(spans: list[tuple[float, float]], gap: float) -> list[int]:
    """Level of each span, shorter spans first (nearest the grid), so that spans on a level do not overlap."""
    taken: list[list[tuple[float, float]]] = []
    out = [0] * len(spans)
    for k in sorted(range(len(spans)), key=lambda k: (spans[k][1] - spans[k][0], k)):
        a, b = spans[k]
        lvl = next((n for n, level in enumerate(taken) if all(b + gap <= x or a >= y + gap for x, y in level)),
                   len(taken))
        if lvl == len(taken):
            taken.append([])
        taken[lvl].append((a, b))
        out[k] = lvl
    return out


def draw_braces(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, rows: list[int | None], cols: list[int | None],
                cw: float, ch: float, R: int, C: int) -> None:
    """Every brace of `el.braces`, outside what the canvas holds on its side; braces that would overlap
    along one side are stacked outwards."""
    fs = ctx.size(el.brace_size) if isinstance(el.brace_size, str) else float(el.brace_size)
    lh = fs * ctx.sp("line_height")
    color = ctx.color("text-soft")
    box = c.box()
    for side in ("left", "right", "top", "bottom"):
        todo = [(b, br) for b, br in enumerate(el.braces) if br.side == side]
        if not todo:
            continue
        vertical = side in ("left", "right")
        idx, size, n = (rows, ch, R) if vertical else (cols, cw, C)
        spans = []
        for b, br in todo:
            lo = 0 if br.from_ is None else br.from_
            hi = n - 1 if br.to is None else br.to
            for key, v in (("from", br.from_), ("to", br.to)):
                if v is not None and v >= n:
                    what = "rows" if vertical else "columns"
                    raise fail(ctx, path + ("braces", b, key), f"brace {key} {v} is outside the {n} {what} "
                                                               f"(expected 0 … {n - 1})")
            if lo > hi:
                raise fail(ctx, path + ("braces", b), f"brace from {lo} is after to {hi} (expected from ≤ to)")
            sp = _slot_span(idx, lo, hi)
            if sp is None:
                raise fail(ctx, path + ("braces", b), f"brace {lo} … {hi} lies inside the elided part "
                                                      "(expected a span with a shown row/column)")
            text = ctx.t(br.text) if br.text is not None else ""
            a, z = sp[0] * size + 2, (sp[1] + 1) * size - 2
            tw = measure(ctx, text, fs) if text else 0.0
            reach = (a, z) if vertical else ((a + z) / 2 - tw / 2, (a + z) / 2 + tw / 2)
            spans.append((min(reach[0], a), max(reach[1], z), b, text, a, z, tw))
        levels = _levels([(s[0], s[1]) for s in spans], 4)
        step = [BRACE_DEPTH + BRACE_GAP + max([s[6] for s, lv in zip(spans, levels, strict=True) if lv == k]
                                               + [0.0]) + BRACE_GAP if vertical else
                BRACE_DEPTH + BRACE_GAP + lh + BRACE_GAP for k in range(max(levels) + 1)]
        base = {"left": box[0], "top": box[1], "right": box[2], "bottom": box[3]}[side]
        out = 1 if side in ("right", "bottom") else -1
        for (_, _, b, text, a, z, _tw), lvl in zip(spans, levels, strict=True):
            edge = base + out * (BRACE_GAP + sum(step[:lvl]))
            meta = Meta(el.id, "text-soft", ctx.src(path + ("braces", b)), "tensor-brace")
            c.add(Path(brace_cmds(a, z, edge, side), Style(stroke=color, stroke_width=1.3), meta))
            if not text:
                continue
            tip = edge + out * (BRACE_DEPTH + BRACE_GAP)
            tmeta = Meta(el.id, "text-soft", ctx.src(path + ("braces", b, "text")), "tensor-brace-text")
            m = (a + z) / 2
            if vertical:
                c.text(text, tip, m, fs, "text-soft", "start" if out > 0 else "end", "middle", meta=tmeta)
            else:
                c.text(text, m, tip, fs, "text-soft", "middle", "top" if out > 0 else "bottom", meta=tmeta)


PICK_ARROW = 30.0  # px of arrow between the grid (and what is right of it) and the callout box
PICK_PAD = 6.0


def draw_pick(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, rows: list[int | None], cols: list[int | None],
              cw: float, ch: float, R: int, C: int) -> None:
    """The picked row/cell outlined, and an arrow from it to a callout box right of everything drawn."""
    pk = el.pick
    assert pk is not None
    p = path + ("pick",)
    i, j = (pk.row, None) if pk.row is not None else (pk.cell[0], pk.cell[1])  # type: ignore[index]
    where = (("row",), ("row",)) if pk.row is not None else (("cell", 0), ("cell", 1))
    for v, n, what, sub in ((i, R, "row", where[0]), (j, C, "column", where[1])):
        if v is not None and v >= n:
            raise fail(ctx, p + sub, f"pick {what} {v} is outside the {n} {what}s (expected 0 … {n - 1})")
    rs = _slot_span(rows, i, i)
    cs = (0, len(cols) - 1) if j is None else _slot_span(cols, j, j)
    if rs is None or cs is None:
        raise fail(ctx, p, f"the picked {'row' if j is None else 'cell'} is elided (expected a shown one: "
                           "raise show_rows/show_cols or pick another)")
    color = ctx.color(pk.role)
    meta = Meta(el.id, pk.role, ctx.src(p), "tensor-pick")
    x0, y0, x1, y1 = cs[0] * cw, rs[0] * ch, (cs[1] + 1) * cw, (rs[1] + 1) * ch
    c.add(Rect(x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2, 0, Style(stroke=color, stroke_width=2.4), meta))
    fs = ctx.size("small")
    tb = ctx.text_lines(ctx.t(pk.text), fs, ctx.sp("text_max_width") * 0.6, 400, "text",
                        meta=Meta(el.id, "text", ctx.src(p + ("text",)), "tensor-pick-text"))
    cy = (y0 + y1) / 2
    bx = c.box()[2] + PICK_ARROW
    bw, bh = tb.w + 2 * PICK_PAD, tb.h + 2 * PICK_PAD
    c.add(Line(((x1 + 1, cy), (bx, cy)), Style(stroke=color, stroke_width=1.6), arrow_end=True, meta=meta))
    c.add(Rect(bx, cy - bh / 2, bw, bh, 4, Style(fill=ctx.color("white"), stroke=color, stroke_width=1.4),
               Meta(el.id, "white", ctx.src(p), "tensor-pick-box")))
    c.place(tb, bx + PICK_PAD, cy - tb.h / 2)


DEPTH_STEP = 7.0  # px each layer behind the front is moved up and right
DEPTH_DRAWN = 4  # layers drawn behind the front at most (the label gives the real depth)


def depth_lift(el: Tensor) -> float:
    """How far the stack reaches above (and right of) the front grid."""
    return 0.0 if el.depth is None else DEPTH_STEP * min(el.depth - 1, DEPTH_DRAWN)


def draw_depth(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, W: float, H: float) -> None:
    """The layers behind the grid (painted under it), the front outlined for a `slice`, and the label."""
    n = min((el.depth or 1) - 1, DEPTH_DRAWN)
    meta = Meta(el.id, el.role, ctx.src(path + ("depth",)), "tensor-layer")
    back = [Rect(m * DEPTH_STEP, -m * DEPTH_STEP, W, H, 0,
                 Style(fill=ctx.color(el.role), stroke=ctx.color("frame"), stroke_width=0.8), meta)
            for m in range(n, 0, -1)]
    c.items[:0] = back
    fs = ctx.size("small")
    lift = depth_lift(el)
    x, y = W + lift + BRACE_GAP, -lift
    text = ctx.t(el.depth_label) if el.depth_label is not None else str(el.depth)
    lm = Meta(el.id, "text-soft", ctx.src(path + ("depth_label" if el.depth_label is not None else "depth",)),
              "tensor-depth")
    if not any(b.side == "depth" for b in el.braces):  # else the depth brace carries the label
        c.text(text, x, y, fs, "text-soft", "start", "top", meta=lm)
    if el.slice is not None:
        sm = Meta(el.id, "emphasis", ctx.src(path + ("slice",)), "tensor-slice")
        c.add(Rect(-1, -1, W + 2, H + 2, 0, Style(stroke=ctx.color("emphasis"), stroke_width=2.0), sm))
        lh = fs * ctx.sp("line_height")
        c.text(f"[{el.slice}]", x, y + lh, fs, "emphasis", "start", "top", meta=sm)


def draw_depth_brace(el: Tensor, path: tuple, ctx: Ctx, c: Canvas, W: float, H: float) -> None:
    """The `depth` brace: along the stack's lower right edge, from the front grid's corner (W, H) to the
    last layer's, its tip pointing down and right, with its label (default: `depth_label`, else the depth)."""
    b, br = next((b, br) for b, br in enumerate(el.braces) if br.side == "depth")
    lift = depth_lift(el)
    r2 = math.sqrt(0.5)
    d, n = (r2, -r2), (r2, r2)  # along the edge (up and right), and out of the stack (down and right)
    a0 = 2.0  # as the other braces: 2 px in from each end

    def at(t: float, u: float) -> tuple[float, float]:
        return W + t * d[0] + u * n[0], H + t * d[1] + u * n[1]

    cmds = []
    for op, *xy in brace_cmds(a0, lift * math.sqrt(2) - a0, BRACE_GAP, "bottom"):
        pts: list[float] = []
        for k in range(0, len(xy), 2):
            pts += at(xy[k], xy[k + 1] - 0.0)
        cmds.append((op, *pts))
    meta = Meta(el.id, "text-soft", ctx.src(path + ("braces", b)), "tensor-brace")
    c.add(Path(tuple(cmds), Style(stroke=ctx.color("text-soft"), stroke_width=1.3), meta))
    text = ctx.t(br.text) if br.text is not None else ctx.t(el.depth_label) if el.depth_label is not None \
        else str(el.depth)
    if text:
        fs = ctx.size(el.brace_size) if isinstance(el.brace_size, str) else float(el.brace_size)
        tx, ty = at(lift * math.sqrt(0.5), BRACE_GAP + BRACE_DEPTH + BRACE_GAP / 2)
        src = path + ("braces", b, "text") if br.text is not None else path + (
            "depth_label" if el.depth_label is not None else "depth",)
        c.text(text, tx, ty, fs, "text-soft", "start", "top",
               meta=Meta(el.id, "text-soft", ctx.src(src), "tensor-brace-text"))
