"""Row and column groups of a tensor whose `size` is a `{{ placeholder }}`: the bound sizes, checked."""

from __future__ import annotations

from ..spec.elements.tensor import MAX_SIDE, Tensor, TensorGroup
from .base import Ctx
from .chart_data import bound, fail


def _size(grp: TensorGroup, ctx: Ctx, path: tuple) -> int:
    """The group's size as a whole number in 1 … MAX_SIDE, or a located error."""
    v = bound(grp.size, ctx, path, "tensor group size", "a whole number")
    if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v) or not 1 <= v <= MAX_SIDE:
        raise fail(ctx, path, f"tensor group size is {v!r} (expected a whole number from 1 to {MAX_SIDE})")
    return int(v)


def resolved_groups(el: Tensor, ctx: Ctx, path: tuple) -> Tensor:
    """The tensor with every row/column group size a bound, checked int (unchanged when all are literal)."""
    if all(isinstance(g.size, int) for g in (*el.row_groups, *el.col_groups)):
        return el
    groups = {key: [g.model_copy(update={"size": _size(g, ctx, path + (key, i, "size"))})
                    for i, g in enumerate(getattr(el, key))] for key in ("row_groups", "col_groups")}
    return el.model_copy(update=groups)
