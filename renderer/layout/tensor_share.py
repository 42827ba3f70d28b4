"""Tensors that name one `cell_group` share one cell size: the largest of their own cell sizes.

A pre-pass over the whole element tree (as tree_share does for trees): every tensor of a group is laid out on
its own, its cell measured, and the group's largest width and height are stored in `ctx.shared` for
`layout_tensor` to use, so sibling tensors draw the same px per cell. Members coloured by one scale with its
colour bar on share the bar too: one range over all their values, drawn beside the last member only.
"""

from __future__ import annotations

from ..scene import Group, walk
from ..spec.models import Element
from .base import Ctx
from .chart_data import fail
from .elements import all_elements
from .tensor import layout_tensor, scale_key, tensor_values, value_range


def cell_key(name: str) -> str:
    """The `ctx.shared` key of a cell group."""
    return f"tensor-cells:{name}"


def share_tensor_cells(body: Element, ctx: Ctx) -> dict[str, tuple[float, float]]:
    """(cell width, cell height) of every `cell_group` of tensors in the body."""
    groups: dict[str, list[tuple]] = {}
    for el, path in all_elements(body, ("body",), ctx):
        if el.kind == "tensor" and el.tensor.cell_group:
            groups.setdefault(el.tensor.cell_group, []).append((el.tensor, path + ("tensor",)))
    out = {}
    for name, tensors in groups.items():
        if len(tensors) < 2:
            others = ", ".join(sorted(g for g in groups if g != name)) or "none"
            raise fail(ctx, tensors[0][1] + ("cell_group",), f"cell group '{name}' is named by this tensor only "
                                                             f"(expected at least two tensors; other groups: {others})")
        sizes = [_cell(layout_tensor(t, p, ctx)) for t, p in tensors]
        out[cell_key(name)] = (max(w for w, _ in sizes), max(h for _, h in sizes))
        keyed = [(t, p) for t, p in tensors if t.color_by_value and t.scale.legend]
        if len(keyed) >= 2 and all(t.scale == keyed[0][0].scale for t, _ in keyed):
            ranges = [value_range(t, ctx, p, tensor_values(t, ctx, p)) for t, p in keyed]
            out[scale_key(name)] = (min(a for a, _ in ranges), max(b for _, b in ranges), keyed[-1][1])
    return out


def _cell(block) -> tuple[float, float]:
    rect = next(p.children[0] for p in walk(block.items)
                if isinstance(p, Group) and p.meta.kind in ("tensor-cell", "tensor-ellipsis"))
    return rect.w, rect.h
