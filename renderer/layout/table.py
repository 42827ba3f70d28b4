"""Layout of the `table` element kind."""

from __future__ import annotations

from ..spec.elements.table import Table
from .base import Anchor, Block, Ctx, register


@register("table")
def layout_table(el: Table, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """TODO (issue 4)."""
    out = Block(max(min_w, 10), max(min_h, 10))
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out
