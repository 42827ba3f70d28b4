"""Tables whose columns stand under a tree's levels (`columns_under: <tree id>`).

A pre-pass (like tree_share): the named left-to-right tree is placed alone and the x span of each depth's
nodes measured; column k of the table gets the width from the middle of the gap before level k to the middle
of the gap after it (the outer columns as wide again on their open side), so a table centred on the tree's
axis has column k centred under level k. The widths are stored in `ctx.shared` for `layout_table`.
"""

from __future__ import annotations

from ..spec.elements.tree import Tree
from ..spec.models import Element
from .base import Ctx
from .chart_data import fail
from .elements import all_elements
from .tree import _place, _place_shared, look_of, measured


def level_key(tree_id: str) -> str:
    """The `ctx.shared` key of a tree's level-column widths."""
    return f"tree-levels:{tree_id}"


def share_level_columns(body: Element, ctx: Ctx) -> dict[str, list[float]]:
    """The level-column widths of every tree a table names in `columns_under`."""
    wanted: dict[str, tuple] = {}
    trees: dict[str, tuple[Tree, tuple]] = {}
    for el, path in all_elements(body, ("body",), ctx):
        if el.kind == "table" and el.table.columns_under:
            wanted.setdefault(el.table.columns_under, path + ("table", "columns_under"))
        elif el.kind == "tree" and el.tree.id:
            trees[el.tree.id] = (el.tree, path + ("tree",))
    out = {}
    for tid, at in wanted.items():
        if tid not in trees:
            raise fail(ctx, at, f"columns_under names no tree '{tid}' (expected the id of a tree: "
                                f"{', '.join(sorted(trees)) or 'none in this diagram'})")
        tree, tpath = trees[tid]
        if tree.direction != "right" or tree.trees is not None:
            raise fail(ctx, at, f"tree '{tid}' has no level columns (expected a single `direction: right` tree)")
        out[level_key(tid)] = level_widths(tree, tpath, ctx)
    return out


def level_widths(el: Tree, path: tuple, ctx: Ctx) -> list[float]:
    """Column widths whose boundaries fall in the middle of the gaps between the tree's levels."""
    look = look_of(el, path, ctx)
    item, ipath = el.items()[0]
    root, _ = measured(item, ipath, el, path, ctx, look)
    shared = ctx.shared.get(el.layout) if el.layout else None
    if shared is None:
        _place(root, look)
    else:
        _place_shared(root, shared, False)
    spans: dict[int, tuple[float, float]] = {}
    stack = [(root, 0)]
    while stack:
        n, d = stack.pop()
        lo, hi = spans.get(d, (n.x, n.x + n.w))
        spans[d] = (min(lo, n.x), max(hi, n.x + n.w))
        stack += [(c, d + 1) for c in n.children]
    cols = [spans[d] for d in sorted(spans)]
    if len(cols) == 1:
        return [cols[0][1] - cols[0][0]]
    mids = [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:], strict=False)]
    edges = [cols[0][0] - (mids[0] - cols[0][1]), *mids, cols[-1][1] + (cols[-1][0] - mids[-1])]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]
