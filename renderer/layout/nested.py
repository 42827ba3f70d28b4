"""A box with `items`: its label on top, the elements inside it stacked under the label.

Each inner element is an edge end by its own id and as `<box id>.<its id>` (`<box id>.0`, `.first`, `.last` by
position); the box itself stays an edge end. The box is a frame for loops between its children (edges.py) and an
obstacle only to edges from outside it (edges.route skips obstacles holding an edge's end).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..scene import Group, Meta, Prim, Rect, Style
from ..spec.models import Box
from .badges import clearance, corner_marks
from .base import Anchor, Block, Ctx

TITLE_GAP = 0.6  # of the theme's padding: between the label and the inner elements


def nested_box(b: Box, path: tuple, ctx: Ctx, min_w: float, min_h: float, label: list[Block], style: Style,
               stack: Callable[[Ctx], Block]) -> Block:
    """The box sized to its label and its inner stack (`stack(ctx)` lays the members out on the box's fill)."""
    pad = ctx.sp("padding")
    pl, pt, pr, pb = ctx.pads(path, pad)  # more on a side where a loop between two members needs the room
    meta = Meta(b.id, b.role, ctx.src(path), "box")
    inner = stack(replace(ctx, ground=b.role))
    tw = max(p.w for p in label)
    th = sum(p.h for p in label) + 2 * (len(label) - 1)
    side = max(pad, clearance(b.step, b.badge, ctx))  # the label keeps clear of the corner badges
    w = max(tw + 2 * side, inner.w + pl + pr, b.width or 0, min_w)
    top = pt * 0.6 + th + pad * TITLE_GAP
    h = max(top + inner.h + pb, b.height or 0, min_h)
    rx = ctx.theme.stroke["radius"] if b.shape == "round" else 0.0
    children: list[Prim] = []
    y = pt * 0.6
    for p in label:
        children += p.moved((w - p.w) / 2, y).items
        y += p.h + 2
    ix, iy = pl + (w - pl - pr - inner.w) / 2, top + (h - top - pb - inner.h) / 2
    placed = inner.moved(ix, iy)
    marks = corner_marks(b.step, b.badge, b.badge_role, w, meta, ctx)
    out = Block(w, h, [Group((Rect(0, 0, w, h, rx, style, meta), *children, *placed.items, *marks), meta)])
    out.obstacles += placed.obstacles
    out.frames += placed.frames
    own = Anchor(0, 0, w, h, "rect", meta.src)
    for k, a in placed.anchors.items():
        if b.id and k == b.id or k == f"{b.id}.spine":
            continue
        out.anchors[k] = a
        if b.id and not k.startswith(f"{b.id}."):
            out.anchors[f"{b.id}.{k}"] = a
    if b.id:
        out.anchors[b.id] = own
    out.obstacles.append(own)
    out.frames.append((path, own))
    return out
