"""Tidy tree placement (Reingold–Tilford with full contours, symmetric): breadth offsets of every node.

Each subtree is packed against its left siblings as tightly as its contour (the breadth extent per
depth) allows; the same is done from the right, and the two packings are averaged. Every pairwise
separation constraint holds in both packings, so it holds in their average, and the result is a
mirror-symmetric drawing where small subtrees between large ones are centred, not pushed to one side.
A parent is centred over its first and last child.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Contour = dict[int, tuple[float, float]]  # depth below the subtree root -> (low, high) breadth extent


@dataclass
class TidyNode:
    """A node to place: its half extent along the breadth axis and its children."""

    half: float
    children: list[TidyNode] = field(default_factory=list)
    offset: float = 0.0  # breadth of the centre relative to the parent's centre (set by tidy)
    pos: float = 0.0  # absolute breadth of the centre (set by tidy)


def _sep(acc: Contour, c: Contour, gap: float) -> float:
    """Smallest offset of contour c that keeps it `gap` clear of acc on every shared depth (c to the right)."""
    return max((acc[k][1] - c[k][0] + gap for k in c if k in acc), default=float("-inf"))


def _merge(acc: Contour, c: Contour, off: float) -> None:
    for k, (lo, hi) in c.items():
        if k in acc:
            acc[k] = (min(acc[k][0], lo + off), max(acc[k][1], hi + off))
        else:
            acc[k] = (lo + off, hi + off)


def _pack(contours: list[Contour], gap: float) -> list[float]:
    """Offsets packing contours left to right, each against all placed before it; centred on the ends."""
    offs: list[float] = []
    acc: Contour = {}
    for c in contours:
        off = 0.0 if not offs else _sep(acc, c, gap)
        if off == float("-inf"):
            off = offs[-1]
        offs.append(off)
        _merge(acc, c, off)
    mid = (offs[0] + offs[-1]) / 2
    return [o - mid for o in offs]


def _layout(n: TidyNode, gap: float) -> Contour:
    if not n.children:
        return {0: (-n.half, n.half)}
    cs = [_layout(c, gap) for c in n.children]
    left = _pack(cs, gap)
    mirrored = [{k: (-hi, -lo) for k, (lo, hi) in c.items()} for c in reversed(cs)]
    right = [-o for o in reversed(_pack(mirrored, gap))]
    contour: Contour = {0: (-n.half, n.half)}
    for c, child, a, b in zip(cs, n.children, left, right, strict=True):
        child.offset = (a + b) / 2
        _merge(contour, {k + 1: v for k, v in c.items()}, child.offset)
    return contour


def tidy(root: TidyNode, gap: float) -> tuple[float, float]:
    """Place every node (sets .offset and .pos, the root at 0); returns the breadth extent (low, high)."""
    contour = _layout(root, gap)
    stack = [(root, 0.0)]
    while stack:
        n, base = stack.pop()
        n.pos = base + n.offset if n is not root else 0.0
        stack += [(c, n.pos) for c in n.children]
    return (min(lo for lo, _ in contour.values()), max(hi for _, hi in contour.values()))
