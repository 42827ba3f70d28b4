"""Edge routing: attach arrows to the borders of their elements; orthogonal elbows where needed."""

from __future__ import annotations

import math

from ..scene import Line, Meta, Prim, Rect, Style, Text
from ..spec.models import Edge
from .base import Anchor, Ctx

Side = str
Pt = tuple[float, float]


def _port(a: Anchor, side: Side, along: float | None = None) -> Pt:
    """The point on side `side` of `a`; `along` overrides the coordinate along that side."""
    if side == "top":
        return (a.cx if along is None else along, a.y)
    if side == "bottom":
        return (a.cx if along is None else along, a.y + a.h)
    if side == "left":
        return (a.x, a.cy if along is None else along)
    return (a.x + a.w, a.cy if along is None else along)


def _auto_sides(a: Anchor, b: Anchor) -> tuple[Side, Side]:
    """Pick the facing sides of two boxes from their relative position."""
    dx = b.cx - a.cx
    dy = b.cy - a.cy
    below = b.y >= a.y + a.h - 1
    above = b.y + b.h <= a.y + 1
    right = b.x >= a.x + a.w - 1
    left = b.x + b.w <= a.x + 1
    if (below or above) and not (right or left):
        return ("bottom", "top") if below else ("top", "bottom")
    if (right or left) and not (below or above):
        return ("right", "left") if right else ("left", "right")
    if abs(dy) * 1.2 >= abs(dx):
        return ("bottom", "top") if dy > 0 else ("top", "bottom")
    return ("right", "left") if dx > 0 else ("left", "right")


def _clip_to_border(a: Anchor, toward: Pt) -> Pt:
    """Where the ray from a's centre toward `toward` leaves a's outline (rectangle or ellipse)."""
    cx, cy = a.cx, a.cy
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return (cx, cy)
    if a.shape == "ellipse":
        rx, ry = a.w / 2, a.h / 2
        t = 1 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
    else:
        tx = (a.w / 2) / abs(dx) if dx else math.inf
        ty = (a.h / 2) / abs(dy) if dy else math.inf
        t = min(tx, ty)
    return (cx + dx * t, cy + dy * t)


def route(a: Anchor, b: Anchor, e: Edge) -> list[Pt]:
    """Points of the edge from a to b, starting and ending on their borders."""
    if e.route == "straight":
        p0 = _clip_to_border(a, (b.cx, b.cy))
        return [p0, _clip_to_border(b, (a.cx, a.cy))]
    sa, sb = _auto_sides(a, b)
    sa = sa if e.from_side == "auto" else e.from_side
    sb = sb if e.to_side == "auto" else e.to_side
    vert_a, vert_b = sa in ("top", "bottom"), sb in ("top", "bottom")
    if vert_a and vert_b:
        lo, hi = max(a.x, b.x), min(a.x + a.w, b.x + b.w)
        if hi - lo > 8 and e.from_side == "auto" and e.to_side == "auto":
            x = (lo + hi) / 2  # overlapping spans: one straight vertical segment
            return [_port(a, sa, x), _port(b, sb, x)]
        p0, p1 = _port(a, sa), _port(b, sb)
        if sa == sb:  # both on the same side: a U-shaped loop
            y = min(p0[1], p1[1]) - 20 if sa == "top" else max(p0[1], p1[1]) + 20
        else:
            y = (p0[1] + p1[1]) / 2
        return _dedupe([p0, (p0[0], y), (p1[0], y), p1])
    if not vert_a and not vert_b:
        lo, hi = max(a.y, b.y), min(a.y + a.h, b.y + b.h)
        if hi - lo > 8 and e.from_side == "auto" and e.to_side == "auto":
            y = (lo + hi) / 2
            return [_port(a, sa, y), _port(b, sb, y)]
        p0, p1 = _port(a, sa), _port(b, sb)
        if sa == sb:
            x = min(p0[0], p1[0]) - 20 if sa == "left" else max(p0[0], p1[0]) + 20
        else:
            x = (p0[0] + p1[0]) / 2
        return _dedupe([p0, (x, p0[1]), (x, p1[1]), p1])
    p0, p1 = _port(a, sa), _port(b, sb)
    corner = (p1[0], p0[1]) if not vert_a else (p0[0], p1[1])
    return _dedupe([p0, corner, p1])


def _dedupe(pts: list[Pt]) -> list[Pt]:
    out = [pts[0]]
    for p in pts[1:]:
        if abs(p[0] - out[-1][0]) > 0.01 or abs(p[1] - out[-1][1]) > 0.01:
            out.append(p)
    return out


def draw_edge(e: Edge, a: Anchor, b: Anchor, ctx: Ctx, src: str | None, index: int) -> list[Prim]:
    """The line (with heads) and its label on a white backing, centred on the longest segment."""
    pts = route(a, b, e)
    meta = Meta(f"edge-{index}", e.role, src, "edge")
    style = Style(stroke=ctx.color(e.role), stroke_width=ctx.theme.stroke["edge"], dash=(5, 4) if e.dashed else None)
    out: list[Prim] = [Line(tuple(pts), style, e.head in ("start", "both"), e.head in ("end", "both"), meta)]
    if e.label is not None:
        text = ctx.t(e.label)
        size = ctx.size("edge_label")
        block = ctx.text_lines(text, size, 200, 400, "text-soft",
                               meta=Meta(f"edge-{index}", "text-soft", src, "edge-label"))
        seg = max(range(len(pts) - 1), key=lambda i: math.dist(pts[i], pts[i + 1]))
        (x0, y0), (x1, y1) = pts[seg], pts[seg + 1]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if abs(x1 - x0) < 0.5:  # vertical segment: label to its right, clear of the line
            bx, by = mx + 6, my - block.h / 2
        elif math.dist(pts[seg], pts[seg + 1]) < block.w + 12:  # short: label above the line
            bx, by = mx - block.w / 2, my - block.h - 3
        else:
            bx, by = mx - block.w / 2, my - block.h / 2
        out.append(Rect(bx - 3, by, block.w + 6, block.h, 3, Style(fill=ctx.color("white")),
                        Meta(f"edge-{index}", "white", src, "edge-label-bg")))
        out += block.moved(bx, by).items
    return out


def label_text(p: Prim) -> bool:
    """Whether a primitive is an edge label's text."""
    return isinstance(p, Text) and p.meta.kind == "edge-label"
