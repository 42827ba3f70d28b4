"""Layout of the `timeline` element kind."""

from __future__ import annotations

from ..spec.elements.timeline import Timeline
from .base import Anchor, Block, Ctx, register


@register("timeline")
def layout_timeline(el: Timeline, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """TODO (issue 4)."""
    out = Block(max(min_w, 10), max(min_h, 10))
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out
