"""Small multiples: trees that name one `layout` group are placed by one tidy layout of the union of their nodes.

A pre-pass over the whole element tree (layout is otherwise element by element): every node of every tree in
a group is measured, the union is built by node id (each id keeps one parent; its box is the largest of its
appearances), placed once, and stored in `ctx.shared[group]` for `layout_tree` to use.
"""

from __future__ import annotations

from dataclasses import replace

from ..spec.elements.tree import Tree
from ..spec.models import Element
from .base import Ctx
from .elements import all_elements
from .tree import _N, SharedLayout, _all, _fail, _place, look_of, measured, shape_of


def share_tree_layouts(body: Element, ctx: Ctx) -> dict[str, SharedLayout]:
    """The shared layout of every `layout` group of trees in the body."""
    groups: dict[str, list[tuple[Tree, tuple]]] = {}
    for el, path in all_elements(body, ("body",), ctx):
        if el.kind == "tree" and el.tree.layout:
            groups.setdefault(el.tree.layout, []).append((el.tree, path + ("tree",)))
    out = {}
    for name, trees in groups.items():
        if sum(len(t.items()) for t, _ in trees) < 2:
            t, path = trees[0]
            others = ", ".join(sorted(g for g in groups if g != name)) or "none"
            raise _fail(ctx, path + ("layout",), f"layout group '{name}' is named by this tree only (expected at "
                                                 f"least two trees sharing it; other groups: {others})")
        out[name] = _union_layout(name, trees, ctx)
    return out


def _union_layout(name: str, trees: list[tuple[Tree, tuple]], ctx: Ctx) -> SharedLayout:
    parent: dict[str, str | None] = {}
    seen_at: dict[str, tuple] = {}
    union: dict[str, _N] = {}
    first: tuple[Tree, tuple] | None = None
    for el, path in trees:
        if first is not None and el.direction != first[0].direction:
            raise _fail(ctx, path + ("direction",), f"trees of layout group '{name}' grow in one direction "
                                                    f"(expected direction: {first[0].direction}, as the first)")
        first = first or (el, path)
        look = look_of(el, path, ctx)
        for item, ipath in el.items():
            root, _ = measured(item, ipath, el, path, ctx, look)
            _merge(name, root, None, union, parent, seen_at, ctx)
    root_id = next(iter(parent))
    roots = [k for k, v in parent.items() if v is None]
    if len(roots) > 1:
        raise _fail(ctx, seen_at[roots[1]], f"trees of layout group '{name}' share one root (expected node id "
                                            f"'{root_id}' at the root, as the first tree; got '{roots[1]}')")
    for nid, pid in parent.items():
        if pid is not None:
            union[pid].children.append(union[nid])
    el, path = first  # type: ignore[misc]
    tallest = max(u.h for u in union.values())  # one node height (one diameter for circles), as in one tree
    for u in union.values():
        u.h = tallest
        if shape_of(u, el) == "circle":
            u.w = tallest
    w, h = _place(union[root_id], look_of(el, path, ctx))
    boxes = {n.id: (n.x, n.y, n.w, n.h) for n in _all(union[root_id]) if n.id}
    return SharedLayout(boxes, parent, w, h)


def _merge(name: str, n: _N, pid: str | None, union: dict[str, _N], parent: dict[str, str | None],
           seen_at: dict[str, tuple], ctx: Ctx) -> None:
    """Add a measured node and its subtree to the union (largest box and longest edge label per id)."""
    if n.id is None:
        raise _fail(ctx, n.path, f"every node of a tree in layout group '{name}' needs an id: nodes are matched "
                                 "across the trees by id (expected `id: …` on this node)")
    if n.id in parent and parent[n.id] != pid:
        was = ctx.src(seen_at[n.id]) or "another tree"
        raise _fail(ctx, n.path, f"node '{n.id}' has parent '{pid}' here but '{parent[n.id]}' at {was} (expected "
                                 f"one parent per node id in layout group '{name}')")
    if n.id not in parent:
        parent[n.id], seen_at[n.id] = pid, n.path
        union[n.id] = replace(n, children=[])
    u = union[n.id]
    u.w, u.h = max(u.w, n.w), max(u.h, n.h)
    if n.edge and len(n.edge) > len(u.edge or ""):
        u.edge = n.edge
    for c in n.children:
        _merge(name, c, n.id, union, parent, seen_at, ctx)
