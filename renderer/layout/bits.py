"""Layout of the `bits` element kind: number formats as rows of bit cells, one cell per bit.

Every row uses one cell width; a field longer than its `show` keeps its first show − 1 cells and its last
with an elision slot between them; each field gets a dimension line with its bit count above it (stacked
when labels would collide); `align_at` shifts the rows so that one field starts at one x, marked by a
dashed guide. Labels stand in a column left of the rows, notes in a column right of the widest row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scene import Ellipse, Line, Meta, Rect, Style
from ..spec.elements.bits import MAX_BITS, BitField, Bits
from .base import Anchor, Block, Ctx, register
from .chart_axes import stack_levels
from .chart_canvas import Canvas
from .chart_data import bound, fail, measure

LABEL_GAP = 14.0  # px between the label column and the cells, and between the widest row and the notes
DIM_GAP = 5.0  # px between the cells and their dimension line
TEXT_LIFT = 5.0  # px between a dimension line and its label (clear of the neighbours' arrow heads)
ARROW_MIN = 22.0  # px: a shorter dimension line gets end ticks instead of arrow heads
NOTE_WIDTH = 300.0  # px at which a note wraps
LABEL_WIDTH = 160.0  # px at which a row label wraps


@dataclass
class _Run:
    """One field as drawn: its slots (bit cells and at most one elision slot) from x0."""

    field: BitField
    index: int
    bits: int
    x0: float
    slots: list[bool]  # True: a bit cell; False: the elision slot
    w: float  # px per slot

    @property
    def x1(self) -> float:
        return self.x0 + len(self.slots) * self.w


def _count(fd: BitField, ctx: Ctx, path: tuple) -> int:
    v = fd.bits
    if isinstance(v, str) and "{{" not in v:  # a number the model could not take (0, 2.5) comes back as text
        try:
            v = float(v)
        except ValueError:
            pass
    v = bound(v, ctx, path, "bit count", "a whole number")
    if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v) or not 1 <= v <= MAX_BITS:
        raise fail(ctx, path, f"bit count is {v!r} (expected a whole number from 1 to {MAX_BITS})")
    return int(v)


def _key(fd: BitField) -> str | None:
    return fd.key or (fd.name if isinstance(fd.name, str) else None)


def _dim_text(fd: BitField, n: int, ctx: Ctx) -> str:
    if fd.text is not None:
        return ctx.t(fd.text)
    if ctx.lang == "zh":
        return f"{n} 位"
    return f"{n} bit" if n == 1 else f"{n} bits"


def _values(el: Bits, f: int, runs: list[_Run], ctx: Ctx, path: tuple) -> list | None:
    """A format's bit values, one per bit of its fields (a located error otherwise)."""
    fmt = el.formats[f]
    if fmt.values is None:
        return None
    v = bound(fmt.values, ctx, path + ("values",), "bit values")
    total = sum(r.bits for r in runs)
    if not isinstance(v, list) or len(v) != total:
        n = len(v) if isinstance(v, list) else 1
        raise fail(ctx, path + ("values",), f"{n} bit values for {total} bits (expected one per bit of the fields)")
    return v


@register("bits")
def layout_bits(el: Bits, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The rows of bit cells with their dimension lines, labels, notes and the alignment guide."""
    cw = el.cell
    ch = round(cw * 1.4, 2)
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    rows: list[list[_Run]] = []
    for f, fmt in enumerate(el.formats):
        x, runs = 0.0, []
        for k, fd in enumerate(fmt.fields):
            n = _count(fd, ctx, path + ("formats", f, "fields", k, "bits"))
            slots = [True] * n if fd.show is None or n <= fd.show else [True] * (fd.show - 1) + [False, True]
            run = _Run(fd, k, n, x, slots, cw)
            runs.append(run)
            x = run.x1
        rows.append(runs)
    if el.align_at is not None:  # every row's aligned field starts where the latest one does
        starts = [next(r.x0 for r in runs if _key(r.field) == el.align_at) for runs in rows]
        at = max(starts)
        for runs, s in zip(rows, starts, strict=True):
            for r in runs:
                r.x0 += at - s

    labels = [None if fmt.label is None else ctx.text_lines(
        ctx.t(fmt.label), fs * 1.1, LABEL_WIDTH, 700, "text", "end",
        meta=Meta(el.id, "text", ctx.src(path + ("formats", f, "label")), "bits-label"))
        for f, fmt in enumerate(el.formats)]
    left = max([b.w for b in labels if b is not None] + [0.0])
    x_cells = left + LABEL_GAP if left else 0.0
    right = x_cells + max(r.x1 for runs in rows for r in runs)

    c = Canvas(ctx)
    frame = ctx.color("frame")
    soft = ctx.color("text-soft")
    y = 0.0
    tops, bottoms = [], []
    for f, runs in enumerate(rows):
        fpath = path + ("formats", f)
        texts = [_dim_text(r.field, r.bits, ctx) for r in runs] if el.dims else []
        spans = []
        for r, t in zip(runs, texts, strict=True):
            mid, tw = x_cells + (r.x0 + r.x1) / 2, measure(ctx, t, fs)
            spans.append((mid - tw / 2, mid + tw / 2))
        levels = stack_levels(spans, 4) if spans else []
        dim_h = (max(levels) + 1) * (lh + 2) + DIM_GAP + TEXT_LIFT if levels else 0.0
        top = y + dim_h
        tops.append(y)
        for r, t, lvl in zip(runs, texts, levels or [0] * len(runs), strict=False):
            src = ctx.src(fpath + ("fields", r.index))
            meta = Meta(el.id, "text-soft", src, "bits-dim")
            a, b = x_cells + r.x0 + 1.5, x_cells + r.x1 - 1.5
            ly = top - DIM_GAP  # every line of a row on one level, the labels stacked above them
            arrows = b - a >= ARROW_MIN
            c.add(Line(((a, ly), (b, ly)), Style(stroke=soft, stroke_width=1.0), arrows, arrows, meta))
            if not arrows:
                for px in (a, b):
                    c.add(Line(((px, ly - 3), (px, ly + 3)), Style(stroke=soft, stroke_width=1.0), meta=meta))
            c.text(t, (a + b) / 2, ly - TEXT_LIFT - lvl * (lh + 2), fs, "text-soft", "middle", "bottom", meta=meta)
        values = _values(el, f, runs, ctx, fpath)
        offset = 0
        for r in runs:
            src = ctx.src(fpath + ("fields", r.index))
            meta = Meta(el.id, r.field.role, src, "bits-cell")
            for s, is_bit in enumerate(r.slots):
                sx = x_cells + r.x0 + s * cw
                if is_bit:
                    c.add(Rect(sx, top, cw, ch, 0, Style(fill=ctx.color(r.field.role), stroke=frame,
                                                          stroke_width=0.8), meta))
                    if values is not None:  # the last slot of an elided field is the field's last bit
                        bit = offset + (r.bits - 1 if s == len(r.slots) - 1 else s)
                        c.text(str(values[bit]), sx + cw / 2, top + ch / 2, fs, "text", "middle", "middle",
                               meta=Meta(el.id, "text", ctx.src(fpath + ("values", bit)), "bits-value"))
                    continue
                em = Meta(el.id, "white", src, "bits-elision")
                c.add(Rect(sx, top, cw, ch, 0, Style(fill=ctx.color("white")), em))
                dash = Style(stroke=soft, stroke_width=1.0, dash=(2.0, 2.0))
                c.add(Line(((sx, top), (sx + cw, top)), dash, meta=em),
                      Line(((sx, top + ch), (sx + cw, top + ch)), dash, meta=em))
                c.add(*[Ellipse(sx + cw / 2 + d * cw / 4, top + ch / 2, 1.2, 1.2, Style(fill=soft), em)
                        for d in (-1, 0, 1)])
            c.add(Rect(x_cells + r.x0, top, r.x1 - r.x0, ch, 0, Style(stroke=soft, stroke_width=1.2),
                       Meta(el.id, "text-soft", src, "bits-field")))
            offset += r.bits
        if labels[f] is not None:
            c.place(labels[f], left - labels[f].w, top + ch / 2 - labels[f].h / 2)
        note = el.formats[f].note
        if note is not None:
            nb = ctx.text_lines(ctx.t(note), fs, NOTE_WIDTH, 400, "text", "start",
                                meta=Meta(el.id, "text", ctx.src(fpath + ("note",)), "bits-note"))
            c.place(nb, right + LABEL_GAP, top + ch / 2 - nb.h / 2)
        bottoms.append(top + ch)
        y = top + ch + el.gap
    if el.align_at is not None and el.guide:
        gx = x_cells + next(r.x0 for r in rows[0] if _key(r.field) == el.align_at)
        c.add(Line(((gx, tops[0]), (gx, bottoms[-1] + 4)), Style(stroke=soft, stroke_width=1.0, dash=(4.0, 3.0)),
                   meta=Meta(el.id, "text-soft", ctx.src(path + ("align_at",)), "bits-guide")))
    if el.title is not None:
        x0, y0, x1, _ = c.box()
        tb = ctx.text_lines(ctx.t(el.title), ctx.size("body"), max(x1 - x0, 200), 700, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("title",)), "bits-title"))
        c.place(tb, (x0 + x1) / 2 - tb.w / 2, y0 - tb.h - 6)
    out = c.block(min_w, min_h, Meta(el.id, None, ctx.src(path), "bits"))
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out
