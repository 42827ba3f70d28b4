"""A highlight that runs through every layer of a tensor's 3-D stack (`highlight_depth: true`): a slab.

The front outline is drawn by the tensor; this adds the slab's faces that show beside the front grid,
the top face when the highlight reaches the first row and the right face when it reaches the last column
(the stack is drawn up and to the right), each a parallelogram as deep as the stack.
"""

from __future__ import annotations

from ..scene import Meta, Polygon, Style

Box = tuple[float, float, float, float]  # x, y, w, h of the front outline


def slab_faces(box: Box, grid_w: float, lift: float, style: Style, meta: Meta) -> list[Polygon]:
    """The visible faces of a slab whose front is `box` on a grid `grid_w` wide, `lift` px deep."""
    if lift <= 0:
        return []
    x, y, w, h = box
    out: list[Polygon] = []
    if y <= 1.5:  # reaches the top row: the top face rises above the grid
        out.append(Polygon(((x, y), (x + lift, y - lift), (x + w + lift, y - lift), (x + w, y)), style, meta))
    if x + w >= grid_w - 1.5:  # reaches the last column: the right face stands beside the grid
        out.append(Polygon(((x + w, y), (x + w + lift, y - lift), (x + w + lift, y + h - lift), (x + w, y + h)),
                           style, meta))
    return out
