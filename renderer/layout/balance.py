"""Balancing: a block (a `place: auto` note, a `legend_at: inside` legend) put into the largest empty rectangle
of a laid-out container that fits it, instead of a new row or column.

The empty rectangles are the maximal ones between the container's primitives (each kept `margin` px clear;
lines count segment by segment, so an elbow edge blocks only its own strokes). Candidates are tried largest
first (ties: higher, then further left), the block re-made for each one's width; the first that fits wins.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from ..scene import Group, Line, Path, Prim, Text, bbox

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Room = tuple[float, float, float, float]  # x, y, w, h
MIN_ROOM_W = 120.0  # px: narrower gaps are not offered (a note there would break into a word a line)
EPS = 0.01


def ink_boxes(items: list[Prim] | tuple[Prim, ...]) -> list[Box]:
    """Where the primitives draw: one box per primitive, per segment of a line or path, per group member."""
    out: list[Box] = []
    for p in items:
        if isinstance(p, Group):
            out += ink_boxes(p.children)
        elif isinstance(p, Text) and not p.text.strip():
            continue
        elif isinstance(p, Line | Path):
            pts = list(p.points) if isinstance(p, Line) else []
            pts += [(c[-2], c[-1]) for c in p.cmds if len(c) >= 3]
            w = (p.style.stroke_width or 1.0) / 2 + (4.0 if isinstance(p, Line) and (
                p.arrow_start or p.arrow_end) else 0.0)  # room for an arrowhead
            if len(pts) < 2:
                out.append(bbox(p))
            for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
                out.append((min(x0, x1) - w, min(y0, y1) - w, max(x0, x1) + w, max(y0, y1) + w))
        else:
            out.append(bbox(p))
    return out


def empty_rooms(w: float, h: float, boxes: list[Box], margin: float) -> list[Room]:
    """The maximal empty rectangles of a w × h area around `boxes` (each grown by `margin`), largest first."""
    grown = [(max(0.0, b[0] - margin), max(0.0, b[1] - margin), min(w, b[2] + margin), min(h, b[3] + margin))
             for b in boxes]
    grown = [b for b in grown if b[2] > b[0] + EPS and b[3] > b[1] + EPS]
    xs = sorted({0.0, w, *(v for b in grown for v in (b[0], b[2]))})
    ys = sorted({0.0, h, *(v for b in grown for v in (b[1], b[3]))})
    nx, ny = len(xs) - 1, len(ys) - 1
    if nx < 1 or ny < 1:
        return []
    import numpy as np  # here: a flowchart's start-up does not pay for numpy

    busy = np.zeros((ny, nx), dtype=bool)
    for x0, y0, x1, y1 in grown:
        busy[bisect_right(ys, y0 + EPS) - 1:bisect_left(ys, y1 - EPS), bisect_right(xs, x0 + EPS) - 1:
             bisect_left(xs, x1 - EPS)] = True
    rooms: set[Room] = set()
    top = [0] * nx  # per column: the first row of the free run ending at the current row
    for j in range(ny):
        for i in range(nx):
            if busy[j, i]:
                top[i] = j + 1
        heights = [ys[j + 1] - ys[top[i]] if top[i] <= j else 0.0 for i in range(nx)]
        stack: list[int] = []  # the largest rectangle under a histogram, per bar
        for i in range(nx + 1):
            cur = heights[i] if i < nx else -1.0
            while stack and heights[stack[-1]] >= cur:
                k = stack.pop()
                hk = heights[k]
                left = stack[-1] + 1 if stack else 0
                if hk > EPS:
                    rooms.add((xs[left], ys[j + 1] - hk, xs[i] - xs[left], hk))
            stack.append(i)
    return sorted(rooms, key=lambda r: (-round(r[2] * r[3], 2), round(r[1], 2), round(r[0], 2), -r[2]))


def place_in(w: float, h: float, items: list[Prim], make: Callable[[float], tuple[float, float] | None],
             margin: float, v_align: str = "top") -> tuple[Room, float, float] | None:
    """The room chosen for a block and where its top-left goes (x, y), or None when nothing fits.

    `make(width)` gives the block's size when laid out within `width` (None: it cannot be). The block is
    centred under what the room continues (_centre_x) and put at its top (`v_align: top`) or centred in it
    (`center`)."""
    boxes = ink_boxes(items)
    for room in empty_rooms(w, h, boxes, margin):
        rx, ry, rw, rh = room
        if rw < MIN_ROOM_W:
            continue
        size = make(rw)
        if size is None or size[0] > rw + EPS or size[1] > rh + EPS:
            continue
        bw, bh = size
        y = ry if v_align == "top" else ry + (rh - bh) / 2
        return room, _centre_x(room, bw, boxes, margin), y
    return None


def _centre_x(room: Room, bw: float, boxes: list[Box], margin: float) -> float:
    """Left edge of a block bw wide in the room: centred under what the room's top edge touches (the part it
    continues), as far as the room allows; centred in the room when it touches nothing above."""
    rx, ry, rw, _ = room
    above = [b for b in boxes if abs(b[3] + margin - ry) < 0.5 and b[0] < rx + rw and b[2] > rx]
    if not above:
        return rx + (rw - bw) / 2
    cx = (max(rx, min(b[0] for b in above)) + min(rx + rw, max(b[2] for b in above))) / 2
    return min(max(cx - bw / 2, rx), rx + rw - bw)
