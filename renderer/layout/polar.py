"""Layout of the `polar` element kind: a circle with axes, vectors from the origin and labelled angle arcs."""

from __future__ import annotations

import math

from ..scene import Ellipse, Group, Line, Meta, Prim, Style, bbox, shift
from ..spec.elements.polar import Polar
from .base import Anchor, Block, Ctx, register
from .chart_axes import overlap_area
from .chart_data import fail, number

TIP_GAP = 6.0  # between a vector's tip (or an arc) and its label
AXIS_OVER = 14.0  # how far the axes reach past the circle
HEAD = 9.0  # half the size of an arrow head (10 px long) and its clearance, kept clear of labels


def _arc_cmds(cx: float, cy: float, r: float, a0: float, a1: float) -> tuple[list[tuple], list[tuple]]:
    """Cubic Bézier commands of a circular arc from a0 to a1 (radians, counter-clockwise, y up) and samples."""
    n = max(1, math.ceil(abs(a1 - a0) / (math.pi / 2)))
    step = (a1 - a0) / n
    k = 4 / 3 * math.tan(step / 4)

    def at(a: float) -> tuple[float, float]:
        return cx + r * math.cos(a), cy - r * math.sin(a)

    cmds: list[tuple] = [("M", *at(a0))]
    samples = [at(a0)]
    for i in range(n):
        s, e = a0 + i * step, a0 + (i + 1) * step
        (x0, y0), (x1, y1) = at(s), at(e)
        c1 = (x0 - k * r * math.sin(s), y0 - k * r * math.cos(s))
        c2 = (x1 + k * r * math.sin(e), y1 + k * r * math.cos(e))
        cmds.append(("C", *c1, *c2, x1, y1))
        samples += [at(s + (e - s) * j / 6) for j in range(1, 7)]
    return cmds, samples


def _label_at(ctx: Ctx, text: str, x: float, y: float, a: float, role: str, meta: Meta,
              taken: list[tuple]) -> list[Prim]:
    """A label just outside a point in direction `a`, on the side the direction points to; moved outwards,
    then sideways, to the first place that clears what is already drawn (`taken`, boxes), else to the place
    that covers least of it. The label's box joins `taken`."""
    b = ctx.text_lines(text, ctx.size("small"), 160, 400, role, meta=meta)
    c, s = math.cos(a), math.sin(a)
    best: tuple[float, float, float, tuple] | None = None
    for out in (TIP_GAP, TIP_GAP + 8, TIP_GAP + 18, TIP_GAP + 30):
        for k in (0, 1, -1, 2, -2):
            side = k * (b.h + 2)
            lx = x + c * out - b.w / 2 + c * b.w / 2 - s * side
            ly = y - s * out - b.h / 2 - s * b.h / 2 - c * side
            box = (lx - 1, ly - 1, lx + b.w + 1, ly + b.h + 1)
            cover = sum(overlap_area(box, t) for t in taken)
            if best is None or cover < best[0] - 0.5:
                best = (cover, lx, ly, box)
            if cover == 0:
                break
        if best[0] == 0:
            break
    _cover, lx, ly, box = best
    taken.append(box)
    return b.moved(lx, ly).items


def _segment_boxes(p: tuple[float, float], q: tuple[float, float], step: float = 6.0) -> list[tuple]:
    """Small boxes along a drawn segment, so labels keep off it."""
    n = max(1, int(math.hypot(q[0] - p[0], q[1] - p[1]) / step))
    pts = [(p[0] + (q[0] - p[0]) * i / n, p[1] + (q[1] - p[1]) * i / n) for i in range(n + 1)]
    return [(x - 1.5, y - 1.5, x + 1.5, y + 1.5) for x, y in pts]


@register("polar")
def layout_polar(el: Polar, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The glyph around its origin; the block is the bounding box of everything drawn."""
    src = ctx.src(path)
    unit = math.radians if el.degrees else float
    r = el.size / 2
    top = number(el.max, ctx, path + ("max",), "max")
    if top <= 0:
        raise fail(ctx, path + ("max",), f"max is {top:g} (expected a positive length)")
    items: list[Prim] = []
    taken: list[tuple] = []  # label boxes and arrow heads placed so far
    soft = Style(stroke=ctx.color("grid"), stroke_width=1.0)
    if el.circle:
        items.append(Ellipse(0, 0, r, r, soft, Meta(el.id, "grid", src, "polar-circle")))
    if el.axes:
        axis = Style(stroke=ctx.color("text-soft"), stroke_width=1.0)
        ends = [(r + AXIS_OVER, 0.0), (0.0, -(r + AXIS_OVER))]
        for k, (x, y) in enumerate(ends):
            items.append(Line(((-x, -y), (x, y)), axis, arrow_end=True, meta=Meta(el.id, "text-soft", src,
                                                                                      "polar-axis")))
            taken.append((x - HEAD, y - HEAD, x + HEAD, y + HEAD))
            if k < len(el.axis_labels):
                lp = path + ("axis_labels", k)
                items += _label_at(ctx, ctx.t(el.axis_labels[k]), x, y, 0.0 if k == 0 else math.pi / 2,
                                   "text-soft", Meta(el.id, "text-soft", ctx.src(lp), "polar-axis-label"), taken)
    tips: list[tuple] = []  # labels to place once every arrow head is known
    arcs: list[tuple] = []
    for k, a in enumerate(el.arcs):
        ap = path + ("arcs", k)
        a0 = unit(number(a.from_, ctx, ap + ("from",), "arc from"))
        a1 = unit(number(a.to, ctx, ap + ("to",), "arc to"))
        if abs(a1 - a0) < 1e-9:
            continue
        cmds, samples = _arc_cmds(0.0, 0.0, a.radius * r, a0, a1)
        meta = Meta(el.id, a.role, ctx.src(ap), "polar-arc")
        items.append(Line(tuple(samples), Style(stroke=ctx.color(a.role), stroke_width=1.2), arrow_end=True,
                          meta=meta, cmds=tuple(cmds)))
        taken.append((samples[-1][0] - HEAD, samples[-1][1] - HEAD, samples[-1][0] + HEAD, samples[-1][1] + HEAD))
        for p0, p1 in zip(samples, samples[1:], strict=False):
            taken += _segment_boxes(p0, p1)
        if a.label is not None:
            mid = (a0 + a1) / 2
            px, py = a.radius * r * math.cos(mid), -a.radius * r * math.sin(mid)
            arcs.append((ctx.t(a.label), px, py, mid, a.role, Meta(el.id, a.role, ctx.src(ap + ("label",)),
                                                                                "polar-label")))
    for k, v in enumerate(el.vectors):
        vp = path + ("vectors", k)
        ang = unit(number(v.angle, ctx, vp + ("angle",), "vector angle"))
        ln = number(v.length, ctx, vp + ("length",), "vector length")
        if not 0 <= ln <= top * 1.0001:
            raise fail(ctx, vp + ("length",), f"vector length {ln:g} is outside 0 … max {top:g} (expected a length "
                                              "the circle can hold: raise `max`)")
        tip = (ln / top * r * math.cos(ang), -ln / top * r * math.sin(ang))
        meta = Meta(el.id, v.role, ctx.src(vp), "polar-vector")
        items.append(Line(((0.0, 0.0), tip), Style(stroke=ctx.color(v.role), stroke_width=2.0,
                                                   dash=(5, 3) if v.dashed else None), arrow_end=True, meta=meta))
        taken.append((tip[0] - HEAD, tip[1] - HEAD, tip[0] + HEAD, tip[1] + HEAD))
        taken += _segment_boxes((0.0, 0.0), tip)
        if v.label is not None:
            tips.append((ctx.t(v.label), *tip, ang, v.role, Meta(el.id, v.role, ctx.src(vp + ("label",)),
                                                                 "polar-label")))
    for text, x, y, ang, role, meta in tips + arcs:  # vector labels first: they sit at the tips
        items += _label_at(ctx, text, x, y, ang, role, meta, taken)
    items.append(Ellipse(0, 0, 2.5, 2.5, Style(fill=ctx.color("text")), Meta(el.id, "text", src, "polar-origin")))
    boxes = [bbox(p) for p in items]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    body = [shift(p, -x0, -y0) for p in items]
    w, h = x1 - x0, y1 - y0
    out = Block(w, h)
    if el.title is not None:
        t = ctx.text_lines(ctx.t(el.title), ctx.size("small"), max(w, 160), 700, "text",
                           meta=Meta(el.id, "text", ctx.src(path + ("title",)), "polar-title"))
        out.w = max(w, t.w)
        out.add(t, (out.w - t.w) / 2, 0)
        dy = t.h + 6
        out.h = h + dy
        body = [shift(p, (out.w - w) / 2, dy) for p in body]
    out.items += body
    ox, oy = (out.w - w) / 2, out.h - h
    out.w, out.h = max(out.w, min_w), max(out.h, min_h)
    meta = Meta(el.id, None, src, "polar")
    out.items = [Group(tuple(out.items), meta)]
    anchor = Anchor(ox, oy, w, h, "rect", src)
    if el.id:
        out.anchors[el.id] = anchor
    out.obstacles.append(anchor)
    return out
