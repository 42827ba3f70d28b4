"""A highlight that runs through every layer of a tensor's 3-D stack (`highlight_depth: true`): a slab.

The front outline is drawn by the tensor; this adds the slab's faces that show beside the front grid,
the top face when the highlight reaches the first row and the right face when it reaches the last column
(the stack is drawn up and to the right), each a parallelogram as deep as the stack.
"""

from __future__ import annotations

from ..scene import Line, Meta, Polygon, Prim, Rect, Style

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


def fibre_prims(box: Box, grid_w: float, lift: float, fill: Style, edge: Style, meta: Meta) -> list[Prim]:
    """A fibre through the stack whose front is the cell `box`: its far end and the edges joining it to the
    front dashed (hidden behind the layers), its top/right faces filled where it reaches the stack's sides,
    and the front cell outlined (its fill is the cell's own)."""
    if lift <= 0:
        return []
    x, y, w, h = box
    hidden = Style(stroke=edge.stroke, stroke_width=1.0, dash=(3.0, 2.0))
    out: list[Prim] = [Rect(x + lift, y - lift, w, h, 0, hidden, meta)]
    out += [Line(((px, py), (px + lift, py - lift)), hidden, meta=meta)
            for px, py in ((x, y), (x + w, y), (x + w, y + h))]  # the fourth runs behind the front cell
    out += slab_faces(box, grid_w, lift, Style(fill=fill.fill, stroke=edge.stroke, stroke_width=edge.stroke_width),
                      meta)
    out.append(Rect(x, y, w, h, 0, edge, meta))
    return out
