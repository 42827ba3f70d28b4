"""The element tree of a diagram as (element, spec path) pairs, for pre-passes that look across elements."""

from __future__ import annotations

from collections.abc import Iterator

from ..spec.models import Element
from .base import Ctx, child_path, content_path


def children(el: Element, path: tuple, ctx: Ctx) -> list[tuple[Element, tuple]]:
    """The elements directly inside `el` (a container's items, an aside's stages and data) with their paths."""
    c = el.content
    here = content_path(el, path)
    if el.kind == "aside":
        out = []
        for i, r in enumerate(c.rows):
            out.append((r.main, here + ("rows", i, "main")))
            if r.side is not None:
                out.append((r.side, here + ("rows", i, "side")))
        return out
    if el.kind == "bridge":
        return [(c.item, here + ("item",))]
    items = getattr(c, "items", None)
    if el.kind in ("row", "column", "grid", "panel", "box") and items is not None:
        return [(child, child_path(ctx, here, i)) for i, child in enumerate(items)]
    return []


def all_elements(el: Element, path: tuple, ctx: Ctx) -> Iterator[tuple[Element, tuple]]:
    """`el` and every element inside it, depth first, in document order."""
    stack = [(el, path)]
    while stack:
        e, p = stack.pop()
        yield e, p
        stack += reversed(children(e, p, ctx))
