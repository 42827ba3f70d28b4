"""Level labels of a tree (`levels:`): one label per depth, over the columns of a left-to-right tree or left
of the rows of a top-down one, so that "step 1, step 2, …" sit on the nodes they name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ..scene import Meta
from .base import Block, Ctx

LEVEL_GAP = 12.0  # px between the level labels and the nearest node


class _Node(Protocol):
    x: float
    y: float
    w: float
    h: float
    ghost: bool
    children: list


def _depths(n: _Node, d: int = 0) -> Iterator[tuple[int, _Node]]:
    yield d, n
    for c in n.children:
        yield from _depths(c, d + 1)


def with_levels(b: Block, root: _Node, labels: list[str], right: bool, src: tuple, ctx: Ctx, el_id: str | None,
                ) -> Block:
    """The tree block `b` with a label over (right) or beside (down) each depth's nodes; b itself unchanged."""
    spans: dict[int, tuple[float, float]] = {}
    for d, n in _depths(root):
        lo, hi = (n.x, n.x + n.w) if right else (n.y, n.y + n.h)
        a, z = spans.get(d, (lo, hi))
        spans[d] = (min(a, lo), max(z, hi))
    texts = []
    for d, t in enumerate(labels):
        if t and d in spans:
            blk = ctx.text_lines(t, ctx.size("small"), None, 700, "text-soft",
                                 meta=Meta(el_id, "text-soft", ctx.src(src + (d,)), "tree-level"))
            texts.append((spans[d], blk))
    if not texts:
        return b
    if right:
        th = max(t.h for _, t in texts)
        out = Block(b.w, b.h + th + LEVEL_GAP)
        out.add(b, 0, th + LEVEL_GAP)
        for (lo, hi), t in texts:
            out.add(t, min(max((lo + hi - t.w) / 2, 0.0), b.w - t.w), th - t.h)
    else:
        tw = max(t.w for _, t in texts)
        out = Block(b.w + tw + LEVEL_GAP, b.h)
        out.add(b, tw + LEVEL_GAP, 0)
        for (lo, hi), t in texts:
            out.add(t, tw - t.w, (lo + hi - t.h) / 2)
    return out
