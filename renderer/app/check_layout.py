"""Layout-quality checks of a rendered scene: slide shape, dead space, near-misses of alignment, edge ends.

Each returns (check name, spec location, message) findings; `check.py` turns them into located problems.
"""

from __future__ import annotations

import math

from ..scene import Group, Line, Prim, Rect, Scene, Text, bbox, walk

ASPECT = (0.75, 1.9)  # frame width / height: a slide is 1.78 (16:9), a portrait page 0.75
POSTER_ASPECT = (0.75, 2.6)  # a diagram with `poster: true` (one wide overview figure)
EMPTY_SHARE = 0.12  # largest empty rectangle, as a share of the frame's inner area
EMPTY_CELL = 8.0  # px: the occupancy grid's resolution
EMPTY_MIN_SIDE = 7  # cells (56 px): a thinner empty rectangle is a gutter between parts, not dead space
NEAR = (1.5, 14.0)  # px: centres or edges closer than this but not equal were meant to line up
COMPARABLE = 0.4  # the smaller of two parts is at least this share of the larger, to be compared
NEIGHBOUR_GAP = 80.0  # px: only parts this close in the stacking direction count as stacked
END_TOLERANCE = 3.0  # px: an edge end this close to an element's outline touches it
ARROW_CLEARANCE = 4.0  # px between an arrowhead and any text
ARROW_LENGTH = 10.0  # px: the arrowhead drawn at a line end (backends/svg.py marker)
BLOCK_KINDS = ("box", "node", "chart", "tensor", "bits", "table", "icon", "polar", "timeline", "graph-node", "panel",
               "code", "target")
BACKGROUND = ("frame", "panel", "lanes-tint", "lanes-rule")  # drawn, but not content that fills space

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Finding = tuple[str, str | None, str]


def frame_of(scene: Scene) -> Rect | None:
    return next((p for p in scene.items if isinstance(p, Rect) and p.meta.kind == "frame"), None)


def aspect(scene: Scene) -> list[Finding]:
    """The frame fits a slide: width / height within ASPECT (POSTER_ASPECT for a poster)."""
    f = frame_of(scene)
    if f is None or f.h <= 0:
        return []
    r = f.w / f.h
    lo, hi = POSTER_ASPECT if scene.metadata.get("poster") else ASPECT
    if lo <= r <= hi:
        return []
    shape = "a strip" if r > hi else "a tower"
    return [("aspect", None, f"frame aspect {r:.2f} ({f.w:.0f}×{f.h:.0f} px) is {shape} "
                             f"(expected width/height between {lo} and {hi}; 16:9 is 1.78)")]


def empty_space(scene: Scene) -> list[Finding]:
    """The largest rectangle inside the frame that nothing is drawn in, above EMPTY_SHARE of the frame."""
    f = frame_of(scene)
    if f is None:
        return []
    c = EMPTY_CELL
    cols, rows = max(1, int(f.w // c)), max(1, int(f.h // c))
    full = [[False] * cols for _ in range(rows)]

    def mark(b: Box) -> None:
        i0, i1 = max(0, int((b[1] - f.y) // c)), min(rows - 1, int((b[3] - f.y) // c))
        j0, j1 = max(0, int((b[0] - f.x) // c)), min(cols - 1, int((b[2] - f.x) // c))
        for i in range(i0, i1 + 1):
            row = full[i]
            for j in range(j0, j1 + 1):
                row[j] = True

    for p in walk(scene.items):
        if isinstance(p, Group) or p.meta.kind in BACKGROUND:
            continue
        if isinstance(p, Line):  # a line fills the cells it passes, not its bounding box
            for a, b in zip(p.points, p.points[1:], strict=False):
                n = max(1, int(math.dist(a, b) // (c / 2)))
                for k in range(n + 1):
                    x, y = a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n
                    mark((x, y, x, y))
        else:
            mark(bbox(p))
    area, (i, j, h, w) = _largest_empty(full, EMPTY_MIN_SIDE)
    share = area / (rows * cols)
    if share <= EMPTY_SHARE:
        return []
    x, y = f.x + j * c, f.y + i * c
    return [("empty-space", None, f"an empty region of {w * c:.0f}×{h * c:.0f} px at ({x:.0f}, {y:.0f}) is "
                                  f"{share:.0%} of the frame (expected at most {EMPTY_SHARE:.0%}: fill it, "
                                  "or let the parts around it shrink)")]


def _largest_empty(full: list[list[bool]], min_side: int = 1) -> tuple[int, tuple[int, int, int, int]]:
    """Area and (row, col, height, width) of the largest all-empty rectangle whose sides are at least
    `min_side` cells (histogram and stack: every maximal rectangle is visited once per row)."""
    cols = len(full[0])
    heights = [0] * cols
    best = (0, (0, 0, 0, 0))
    for i, row in enumerate(full):
        for j in range(cols):
            heights[j] = 0 if row[j] else heights[j] + 1
        stack: list[int] = []
        for j in range(cols + 1):
            h = heights[j] if j < cols else 0
            while stack and heights[stack[-1]] >= h:
                top = stack.pop()
                left = stack[-1] + 1 if stack else 0
                a = heights[top] * (j - left)
                if a > best[0] and heights[top] >= min_side and j - left >= min_side:
                    best = (a, (i - heights[top] + 1, left, heights[top], j - left))
            stack.append(j)
    return best


def _blocks(scene: Scene) -> list[tuple[Prim, Box]]:
    return [(p, bbox(p.children[0] if isinstance(p, Group) and p.meta.kind in ("box", "node") and p.children
                     else p))
            for p in scene.items if p.meta.kind in BLOCK_KINDS]


def contains(outer: Box, inner: Box, tol: float = 1.0) -> bool:
    """`inner` lies within `outer` (give or take `tol` px)."""
    return (outer[0] - tol <= inner[0] and outer[1] - tol <= inner[1]
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _inside(a: Box, b: Box, tol: float = 1.0) -> bool:
    return contains(b, a, tol)


def near_alignment(scene: Scene) -> list[Finding]:
    """Parts stacked or side by side whose centres or edges nearly, but not quite, line up.

    Only parts in the same panel (or both outside any) are compared: parts of different panels are
    placed by different containers, and the panels themselves are compared with each other.
    """
    blocks = _blocks(scene)
    panels = [bb for p, bb in blocks if p.meta.kind == "panel"]
    home = {id(p): _home(bb, panels) for p, bb in blocks}
    out = []
    for axis, names in ((0, ("left edges", "centres", "right edges")), (1, ("tops", "centres", "bottoms"))):
        lo, hi = (0, 2) if axis == 0 else (1, 3)  # the coordinates compared
        plo, phi = (1, 3) if axis == 0 else (0, 2)  # the stacking direction
        for a, ba in blocks:
            for b, bb in blocks:
                if a is b or _inside(ba, bb) or _inside(bb, ba) or (a.meta.id and a.meta.id == b.meta.id) \
                        or home[id(a)] != home[id(b)]:
                    continue  # nested, two nodes of one tree or graph (placed by its own layout), other panels
                wa, wb = ba[hi] - ba[lo], bb[hi] - bb[lo]
                if min(wa, wb) < COMPARABLE * max(wa, wb):
                    continue  # a small part beside a large one: not meant to share an edge or centre
                gap = bb[plo] - ba[phi]
                overlap = min(ba[hi], bb[hi]) - max(ba[lo], bb[lo])
                if not (0 <= gap <= NEIGHBOUR_GAP and overlap > 0) or _between(blocks, ba, bb, plo, phi, lo, hi):
                    continue
                diffs = (abs(ba[lo] - bb[lo]), abs((ba[lo] + ba[hi]) / 2 - (bb[lo] + bb[hi]) / 2),
                         abs(ba[hi] - bb[hi]))
                k = min(range(3), key=lambda n: diffs[n])
                if NEAR[0] < diffs[k] < NEAR[1]:
                    how = "stacked" if axis == 0 else "side by side"
                    out.append(("near-alignment", b.meta.src,
                                f"'{_name(a)}' and '{_name(b)}' are {how} but their {names[k]} differ by "
                                f"{diffs[k]:.1f} px (expected equal, or at least {NEAR[1]:.0f} px apart)"))
    return out


def _home(b: Box, panels: list[Box]) -> Box | None:
    """The smallest panel holding a part (other than the part itself)."""
    holders = [p for p in panels if p != b and _inside(b, p)]
    return min(holders, key=lambda p: (p[2] - p[0]) * (p[3] - p[1])) if holders else None


def _between(blocks, ba: Box, bb: Box, plo: int, phi: int, lo: int, hi: int) -> bool:
    """Another block sits in the gap between two neighbours (so they are not neighbours)."""
    for _p, bc in blocks:
        if bc in (ba, bb) or _inside(ba, bc) or _inside(bb, bc):
            continue
        if bc[plo] >= ba[phi] - 0.5 and bc[phi] <= bb[plo] + 0.5 and min(bc[hi], ba[hi], bb[hi]) > max(
                bc[lo], ba[lo], bb[lo]):
            return True
    return False


def _name(p: Prim) -> str:
    if p.meta.id:
        return p.meta.id
    text = next((t.text for t in walk([p]) if isinstance(t, Text) and t.text.strip()), "")
    return text[:24] or (p.meta.kind or "element")


def _dist(pt: tuple[float, float], b: Box) -> float:
    """Distance from a point to a box (0 inside)."""
    dx = max(b[0] - pt[0], 0.0, pt[0] - b[2])
    dy = max(b[1] - pt[1], 0.0, pt[1] - b[3])
    return math.hypot(dx, dy)


def _outline_dist(pt: tuple[float, float], b: Box) -> float:
    """Distance from a point to a box's outline."""
    if _dist(pt, b) > 0:
        return _dist(pt, b)
    return min(pt[0] - b[0], b[2] - pt[0], pt[1] - b[1], b[3] - pt[1])


def _xyxy(a: tuple[float, float, float, float]) -> Box:
    return (a[0], a[1], a[0] + a[2], a[1] + a[3])


def edge_ends(scene: Scene) -> list[Finding]:
    """Each edge end touches the outline of the element the spec named, not a gap, a container or text."""
    out = []
    texts = [t for t in walk(scene.items) if isinstance(t, Text) and t.text.strip()
             and t.meta.kind not in ("edge-label",)]
    anchors = {k: _xyxy(v) for k, v in scene.anchors.items()}
    for line in (p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"):
        i = _edge_index(line)
        if i is None or i >= len(scene.links) or len(line.points) < 2:
            continue
        for end, name, pt in (("from", scene.links[i][0], line.points[0]), ("to", scene.links[i][1],
                                                                           line.points[-1])):
            own = anchors.get(name)
            if own is None:
                continue
            d = _outline_dist(pt, own)
            if d > END_TOLERANCE:
                holder = _container_at(anchors, pt, own)
                where = f"container '{holder}'" if holder else "nothing"
                out.append(("edge-end", line.meta.src, f"edge {end} end lies {d:.0f} px from '{name}', the "
                                                       f"element it names, and touches {where} (expected it on "
                                                       f"'{name}''s outline)"))
            for t in texts:
                if _dist(pt, _shrink(bbox(t), 1.0)) == 0:
                    out.append(("edge-end", line.meta.src, f"edge {end} end lies on the text '{t.text[:30]}'"))
                    break
    return out


def _shrink(b: Box, d: float) -> Box:
    return (b[0] + d, b[1] + d, b[2] - d, b[3] - d)


def _edge_index(line: Line) -> int | None:
    ident = line.meta.id or ""
    return int(ident[5:]) if ident.startswith("edge-") and ident[5:].isdigit() else None


def _container_at(anchors: dict[str, Box], pt, own: Box) -> str | None:
    """The smallest element (other than the named one) that holds `own` and whose outline the point is on."""
    best = None
    for k, b in anchors.items():
        if b != own and _inside(own, b) and _outline_dist(pt, b) <= END_TOLERANCE:
            size = (b[2] - b[0]) * (b[3] - b[1])
            if best is None or size < best[0]:
                best = (size, k)
    return best[1] if best else None


def arrow_clearance(scene: Scene) -> list[Finding]:
    """Arrowheads keep ARROW_CLEARANCE px from every text run."""
    out = []
    texts = [t for t in walk(scene.items) if isinstance(t, Text) and t.text.strip()]
    for line in (p for p in walk(scene.items) if isinstance(p, Line) and len(p.points) >= 2):
        heads = []
        if line.arrow_end:
            heads.append((line.points[-1], line.points[-2]))
        if line.arrow_start:
            heads.append((line.points[0], line.points[1]))
        for tip, prev in heads:
            seg = math.dist(tip, prev) or 1.0
            base = (tip[0] + (prev[0] - tip[0]) * min(1.0, ARROW_LENGTH / seg),
                    tip[1] + (prev[1] - tip[1]) * min(1.0, ARROW_LENGTH / seg))
            for t in texts:
                if t.meta.kind == "edge-label" and t.meta.id == line.meta.id:
                    continue
                d = min(_dist(tip, bbox(t)), _dist(base, bbox(t)), _dist(((tip[0] + base[0]) / 2,
                                                                          (tip[1] + base[1]) / 2), bbox(t)))
                if d < ARROW_CLEARANCE - 0.05:
                    out.append(("arrow-near-text", line.meta.src, f"arrowhead {d:.1f} px from the text "
                                                                  f"'{t.text[:30]}' (expected at least "
                                                                  f"{ARROW_CLEARANCE:.0f} px)"))
                    break
    return out


CONTAINER_KINDS = ("panel", "group-frame")  # drawn container outlines an edge between members stays inside


def edge_leaves_container(scene: Scene) -> list[Finding]:
    """An edge whose two ends lie inside one drawn container (a panel, a framed stack) runs outside it."""
    holders = [bbox(p) for p in walk(scene.items) if isinstance(p, Rect) and p.meta.kind in CONTAINER_KINDS]
    anchors = {k: _xyxy(v) for k, v in scene.anchors.items()}
    out = []
    for line in (p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"):
        i = _edge_index(line)
        if i is None or i >= len(scene.links):
            continue
        ends = [anchors.get(n) for n in scene.links[i]]
        if None in ends:
            continue
        home = [c for c in holders if all(contains(c, e) and not _same_box(c, e) for e in ends)]
        if not home:
            continue
        c = min(home, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        worst = max(_dist(pt, c) for pt in line.points)
        if worst > 0.5:
            out.append(("edge-leaves-container", line.meta.src,
                        f"edge from '{scene.links[i][0]}' to '{scene.links[i][1]}' runs {worst:.0f} px outside the "
                        "container holding both its ends (expected it inside, clear of the container's border)"))
    return out


def _same_box(a: Box, b: Box, tol: float = 0.5) -> bool:
    return all(abs(u - v) <= tol for u, v in zip(a, b, strict=True))


LAYOUT_CHECKS = (aspect, empty_space, near_alignment, edge_ends, arrow_clearance, edge_leaves_container)
