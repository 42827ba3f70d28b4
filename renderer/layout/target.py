"""Layout of the `target` element kind: a bull's-eye with estimates placed as marks (bias vs variance)."""

from __future__ import annotations

import math

from ..scene import Ellipse, Group, Line, Meta, Prim, Style
from ..spec.elements.target import Target
from .base import Anchor, Block, Ctx, register
from .chart_data import bound, fail

MARK_SHARE = 0.024  # mark radius as a share of the target's diameter
MIN_MARK = 4.0  # px
TITLE_GAP = 8.0
MARK_OUTLINE = 1.5  # px, white outline of a mark and of the bull
CROSS_WIDTH = 3.0  # px, stroke of the mean cross (over a white halo)


def _marks(el: Target, ctx: Ctx, path: tuple) -> list[tuple[float, float]]:
    """The points relative to the centre in data units; a located error for one outside the outer ring."""
    pts = bound(el.points, ctx, path + ("points",), "target points", "a list of [x, y] pairs")
    radius = _radius(el, ctx, path)
    out = []
    for i, p in enumerate(pts):
        dx, dy = p[0] - el.center[0], p[1] - el.center[1]
        if math.hypot(dx, dy) > radius:
            raise fail(ctx, path + ("points",), f"point {i} ({p[0]:g}, {p[1]:g}) lies outside the outer ring "
                       f"(distance {math.hypot(dx, dy):.3g} from the centre, radius {radius:g}; expected a "
                       "larger `radius`)")
        out.append((dx, dy))
    return out


def _radius(el: Target, ctx: Ctx, path: tuple) -> float:
    """The outer ring's data radius, or a located error when it is not a positive number after binding."""
    r = bound(el.radius, ctx, path + ("radius",), "target radius", "a positive number")
    if not isinstance(r, int | float) or not math.isfinite(r) or r <= 0:
        raise fail(ctx, path + ("radius",), f"target radius must be a positive number, got {r!r}")
    return float(r)


@register("target")
def layout_target(el: Target, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Rings round the true value, one mark per point (y up), an optional mean cross, the title below."""
    src = ctx.src(path)
    meta = Meta(el.id, el.role, src, "target")
    pts = _marks(el, ctx, path)
    title = None
    if el.title is not None:
        title = ctx.text_lines(ctx.t(el.title), ctx.size("heading"), max(el.size, 120), 400, "text",
                               meta=Meta(el.id, "text", ctx.src(path + ("title",)), "target-title"))
    d = el.size
    w = max(d, title.w if title else 0.0, min_w)
    ch = d + (TITLE_GAP + title.h if title else 0.0)
    h = max(ch, min_h)
    x0, y0 = (w - d) / 2, (h - ch) / 2
    cx, cy, big = x0 + d / 2, y0 + d / 2, d / 2
    ring = Style(stroke=ctx.color("text-soft"), stroke_width=1.3)
    items: list[Prim] = [Ellipse(cx, cy, big, big, Style(fill=ctx.color("white"), stroke=ring.stroke,
                                                            stroke_width=ring.stroke_width),
                                 Meta(el.id, "white", src, "target-ring"))]
    for k in range(el.rings - 1, 0, -1):
        r = big * k / el.rings
        items.append(Ellipse(cx, cy, r, r, ring, Meta(el.id, "text-soft", src, "target-ring")))
    mr = max(MIN_MARK, d * MARK_SHARE)
    scale = big / _radius(el, ctx, path)
    # white outlines keep overlapping marks apart; the bull and the mean cross are drawn over the marks
    mark = Style(fill=ctx.color(el.role), stroke=ctx.color("white"), stroke_width=MARK_OUTLINE)
    for dx, dy in pts:
        items.append(Ellipse(cx + dx * scale, cy - dy * scale, mr, mr, mark, Meta(el.id, el.role, src, "target-mark")))
    items.append(Ellipse(cx, cy, mr * 1.2, mr * 1.2, Style(fill=ctx.color(el.center_role), stroke=ctx.color("white"),
                                                          stroke_width=MARK_OUTLINE),
                         Meta(el.id, el.center_role, src, "target-center")))
    if el.mean and pts:
        mx = cx + sum(p[0] for p in pts) / len(pts) * scale
        my = cy - sum(p[1] for p in pts) / len(pts) * scale
        arm = mr * 1.4
        arms = (((mx - arm, my - arm), (mx + arm, my + arm)), ((mx - arm, my + arm), (mx + arm, my - arm)))
        halo = Style(stroke=ctx.color("white"), stroke_width=CROSS_WIDTH + 2 * MARK_OUTLINE)
        items += [Line(a, halo, meta=Meta(el.id, "white", src, "target-mean-halo")) for a in arms]
        cross = Style(stroke=ctx.color("text"), stroke_width=CROSS_WIDTH)
        items += [Line(a, cross, meta=Meta(el.id, "text", src, "target-mean")) for a in arms]
    out = Block(w, h)
    if title:
        out.add(title, (w - title.w) / 2, y0 + d + TITLE_GAP)
    out.items = [Group((*items, *out.items), meta)]
    anchor = Anchor(x0, y0, d, d, "ellipse", src)
    if el.id:
        out.anchors[el.id] = anchor
    out.obstacles.append(anchor)
    return out
