"""Edge routing: attach arrows to the borders of their elements; orthogonal elbows (rounded) where needed."""

from __future__ import annotations

import math
from dataclasses import replace

from ..scene import Line, Meta, Polygon, Prim, Rect, Style, Text
from ..spec.models import Edge
from .base import PART_PAD, Anchor, Ctx
from .bus import bus_groups, bus_routes, junction
from .edge_paths import curve, flatten, length, point_at, rounded, squiggle
from .geometry import clip_segment, dedupe

Side = str
Pt = tuple[float, float]


def _port(a: Anchor, side: Side, along: float | None = None) -> Pt:
    """The point on side `side` of `a`; `along` overrides the coordinate along that side."""
    if side == "top":
        return (a.port_x if along is None else along, a.y)
    if side == "bottom":
        return (a.port_x if along is None else along, a.y + a.h)
    if side == "left":
        return (a.x, a.port_y if along is None else along)
    return (a.x + a.w, a.port_y if along is None else along)


def _auto_sides(a: Anchor, b: Anchor) -> tuple[Side, Side]:
    """Pick the facing sides of two boxes from their relative position."""
    dx = b.cx - a.cx
    dy = b.cy - a.cy
    below = b.y >= a.y + a.h - 1
    above = b.y + b.h <= a.y + 1
    right = b.x >= a.x + a.w - 1
    left = b.x + b.w <= a.x + 1
    if (below or above) and not (right or left):
        return ("bottom", "top") if below else ("top", "bottom")
    if (right or left) and not (below or above):
        return ("right", "left") if right else ("left", "right")
    if abs(dy) * 1.2 >= abs(dx):
        return ("bottom", "top") if dy > 0 else ("top", "bottom")
    return ("right", "left") if dx > 0 else ("left", "right")


def _clip_to_border(a: Anchor, toward: Pt) -> Pt:
    """Where the ray from a's centre toward `toward` leaves a's outline (rectangle or ellipse)."""
    cx, cy = a.cx, a.cy
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return (cx, cy)
    if a.shape == "ellipse":
        rx, ry = a.w / 2, a.h / 2
        t = 1 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
    else:
        tx = (a.w / 2) / abs(dx) if dx else math.inf
        ty = (a.h / 2) / abs(dy) if dy else math.inf
        t = min(tx, ty)
    return (cx + dx * t, cy + dy * t)


SIDES = ("top", "bottom", "left", "right")


def route(a: Anchor, b: Anchor, e: Edge, obstacles: list[Anchor] = (), from_sides: tuple[str, ...] = SIDES,
          to_sides: tuple[str, ...] = SIDES) -> list[Pt]:
    """The edge's points from a's border to b's: the candidate route crossing fewest other boxes.

    Candidates are the preferred sides (from the relative position, or as the spec fixes them) and
    every other pair of sides; a route's cost is 10 000 per box it crosses plus its length, with a small
    bonus for the preferred route, so a clean direct route wins and a crossing one is avoided.
    `from_sides`/`to_sides` limit the sides an end may use (a part of an element: only its outer sides).
    """
    if _same(a, b):
        return _self_loop(a, e.from_side if e.from_side != "auto" else "right")
    others = [o for o in obstacles if not (_same(o, a) or _same(o, b) or _inside(a, o) or _inside(b, o))]
    first = _route(a, b, e, e.from_side, e.to_side, others)
    allowed = _side(first[0], a) in from_sides and _side(first[-1], b) in to_sides
    if allowed and (e.route == "straight" or not others or _crossings(first, others) == 0):
        return first
    best, best_cost = first, (_cost(first, others) - 50) if allowed else math.inf
    for sa in ([e.from_side] if e.from_side != "auto" else from_sides):
        for sb in ([e.to_side] if e.to_side != "auto" else to_sides):
            pts = _route(a, b, e, sa, sb, others)
            if _enters_wrong_way(pts, a, b):
                continue
            c = _cost(pts, others)
            # two U-loops (same side at both ends) whose lengths differ by a few px, e.g. because the labels
            # are longer in one language: the first in side order wins, so the loop keeps its side everywhere
            tie = LOOP_TIE if sa == sb and _is_loop(best, a, b) else 0.0
            if c < best_cost - tie:
                best, best_cost = pts, c
    return best


LOOP_TIE = 60.0  # px


def _is_loop(pts: list[Pt], a: Anchor, b: Anchor) -> bool:
    return len(pts) >= 2 and _side(pts[0], a) == _side(pts[-1], b)


def _side(pt: Pt, a: Anchor) -> str:
    """The side of `a` a port point lies on."""
    d = {"top": abs(pt[1] - a.y), "bottom": abs(pt[1] - a.y - a.h), "left": abs(pt[0] - a.x),
         "right": abs(pt[0] - a.x - a.w)}
    return min(d, key=lambda k: d[k])


def outer_sides(name: str, anchors: dict[str, Anchor]) -> tuple[str, ...]:
    """The sides of a part (`elem.part`) that lie on its element's outline: an edge reaching the part from
    any other side would run through the element's other parts. Any side for a whole element."""
    head = name.rsplit(".", 1)[0]
    if "." not in name or head not in anchors or name not in anchors:
        return SIDES
    p, w = anchors[name], anchors[head]
    tol = 2 * PART_PAD + 1  # the part's and the element's padding, plus a pixel
    out = tuple(s for s, ok in (("top", p.y - w.y <= tol), ("bottom", w.y + w.h - p.y - p.h <= tol),
                                ("left", p.x - w.x <= tol), ("right", w.x + w.w - p.x - p.w <= tol)) if ok)
    return out or SIDES


def _self_loop(a: Anchor, side: str, out: float = 26) -> list[Pt]:
    """A loop leaving and re-entering the same side of a box (a step that repeats)."""
    if side in ("left", "right"):
        x = a.x + a.w if side == "right" else a.x
        d = out if side == "right" else -out
        y0, y1 = a.y + a.h * 0.3, a.y + a.h * 0.7
        return [(x, y0), (x + d, y0), (x + d, y1), (x, y1)]
    y = a.y + a.h if side == "bottom" else a.y
    d = out if side == "bottom" else -out
    x0, x1 = a.x + a.w * 0.3, a.x + a.w * 0.7
    return [(x0, y), (x0, y + d), (x1, y + d), (x1, y)]


def _same(o: Anchor, a: Anchor) -> bool:
    return abs(o.x - a.x) < 0.01 and abs(o.y - a.y) < 0.01 and abs(o.w - a.w) < 0.01 and abs(o.h - a.h) < 0.01


def _inside(inner: Anchor, outer: Anchor) -> bool:
    """`inner` lies within `outer` (a container with an id); such boxes are not obstacles to it."""
    return (outer.x <= inner.x and outer.y <= inner.y and inner.x + inner.w <= outer.x + outer.w
            and inner.y + inner.h <= outer.y + outer.h)


def _cost(pts: list[Pt], others: list[Anchor]) -> float:
    length = sum(math.dist(pts[i], pts[i + 1]) for i in range(len(pts) - 1))
    return 10_000 * _crossings(pts, others) + length + 30 * (len(pts) - 2)


def _crossings(pts: list[Pt], others: list[Anchor]) -> int:
    """How many boxes the route passes through (a box off a segment's bounding box is skipped cheaply)."""
    segs = [(p, q, min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1]))
            for p, q in zip(pts, pts[1:], strict=False)]
    count = 0
    for o in others:
        ox1, oy1 = o.x + o.w, o.y + o.h
        for p, q, lx, hx, ly, hy in segs:
            if hx < o.x or lx > ox1 or hy < o.y or ly > oy1:
                continue
            if segment_hits(p, q, o, 1.0):
                count += 1
                break
    return count


def _enters_wrong_way(pts: list[Pt], a: Anchor, b: Anchor) -> bool:
    """A route whose first/last segment runs back through its own box."""
    return segment_hits(pts[0], pts[1], a, 1.5, strict=True) or segment_hits(pts[-2], pts[-1], b, 1.5, strict=True)


def segment_hits(p: Pt, q: Pt, r: Anchor, inset: float = 1.0, strict: bool = False) -> bool:
    """Whether segment p–q passes through the interior of rectangle r shrunk by `inset` (Liang–Barsky)."""
    x0, y0, x1, y1 = r.x + inset, r.y + inset, r.x + r.w - inset, r.y + r.h - inset
    if x1 <= x0 or y1 <= y0:
        return False
    span = clip_segment(p, q, x0, y0, x1, y1)
    if span is None:
        return False
    t0, t1 = span
    return t1 - t0 > (1e-3 if not strict else 0.05)


def _route(a: Anchor, b: Anchor, e: Edge, from_side: str, to_side: str, others: list[Anchor] = ()) -> list[Pt]:
    """One candidate route for fixed sides ('auto' picks from the relative position)."""
    if e.route == "straight":
        p0 = _clip_to_border(a, (b.cx, b.cy))
        return [p0, _clip_to_border(b, (a.cx, a.cy))]
    sa, sb = _auto_sides(a, b)
    sa = sa if from_side == "auto" else from_side
    sb = sb if to_side == "auto" else to_side
    # sides the spec fixed keep their centred ports, unless they face each other across a gap: then a
    # straight segment where the boxes overlap is still the route (no jog into a container)
    fixed = (from_side != "auto" or to_side != "auto") and not _facing(a, b, sa, sb)
    vert_a, vert_b = sa in ("top", "bottom"), sb in ("top", "bottom")
    if vert_a and vert_b:
        lo, hi = max(a.x, b.x), min(a.x + a.w, b.x + b.w)
        x = _straight_at(lo, hi, *_centres(a, b, 0)) if hi - lo > 8 and not fixed else None
        if x is not None:  # overlapping spans: one straight segment
            return [_port(a, sa, x), _port(b, sb, x)]
        p0, p1 = _port(a, sa), _port(b, sb)
        if sa == sb:  # both on the same side: a U-shaped loop
            y = _clear(min(p0[1], p1[1]) - 20 if sa == "top" else max(p0[1], p1[1]) + 20, sa == "top",
                       [(o.y, o.y + o.h) for o in others if o.x < max(p0[0], p1[0]) and o.x + o.w > min(p0[0], p1[0])])
        else:
            y = (p0[1] + p1[1]) / 2
        return dedupe([p0, (p0[0], y), (p1[0], y), p1])
    if not vert_a and not vert_b:
        lo, hi = max(a.y, b.y), min(a.y + a.h, b.y + b.h)
        y = _straight_at(lo, hi, *_centres(a, b, 1)) if hi - lo > 8 and not fixed else None
        if y is not None:
            return [_port(a, sa, y), _port(b, sb, y)]
        p0, p1 = _port(a, sa), _port(b, sb)
        if sa == sb:
            x = _clear(min(p0[0], p1[0]) - 20 if sa == "left" else max(p0[0], p1[0]) + 20, sa == "left",
                       [(o.x, o.x + o.w) for o in others if o.y < max(p0[1], p1[1]) and o.y + o.h > min(p0[1], p1[1])])
        else:
            x = (p0[0] + p1[0]) / 2
        return dedupe([p0, (x, p0[1]), (x, p1[1]), p1])
    p0, p1 = _port(a, sa), _port(b, sb)
    corner = (p1[0], p0[1]) if not vert_a else (p0[0], p1[1])
    return dedupe([p0, corner, p1])


def _curve_sides(a: Anchor, b: Anchor) -> tuple[Side, Side]:
    """The facing sides a curve uses: across the wider of the two gaps between the boxes (a curve across a
    narrow gap would double back on itself)."""
    gx = max(b.x - (a.x + a.w), a.x - (b.x + b.w))
    gy = max(b.y - (a.y + a.h), a.y - (b.y + b.h))
    if gy >= gx:
        return ("bottom", "top") if b.cy > a.cy else ("top", "bottom")
    return ("right", "left") if b.cx > a.cx else ("left", "right")


def _centres(a: Anchor, b: Anchor, axis: int) -> list[tuple[float, float]]:
    """(port coordinate, size) of both ends along `axis`; only a bracket's or a spine's when one end is
    one (its port is fixed: the bracket's middle, the spine's centre line)."""
    cs = [((x.port_x, x.w) if axis == 0 else (x.port_y, x.h),
           x.shape == "bracket" or (x.px if axis == 0 else x.py) is not None) for x in (a, b)]
    fixed = [c for c, br in cs if br]
    if len(fixed) == 1:
        return fixed * 2
    return fixed or [c for c, _ in cs]


def _facing(a: Anchor, b: Anchor, sa: str, sb: str) -> bool:
    """Side sa of a and side sb of b face each other across the gap between the boxes."""
    return {("right", "left"): b.x >= a.x + a.w - 1, ("left", "right"): a.x >= b.x + b.w - 1,
            ("bottom", "top"): b.y >= a.y + a.h - 1, ("top", "bottom"): a.y >= b.y + b.h - 1}.get((sa, sb), False)


JOG = 6.0  # px: centres closer than this are joined by one straight segment between them, not a Z


def _straight_at(lo: float, hi: float, *centres: tuple[float, float]) -> float | None:
    """Where a straight edge crosses the overlap [lo, hi] of two boxes: at the centre of the smaller box
    when that lies well inside the overlap (its port is then centred), else the larger box's, else between
    two nearly equal centres; None otherwise: an elbow then joins the two centred ports."""
    for c, _size in sorted(centres, key=lambda cs: cs[1]):
        if lo + 4 <= c <= hi - 4:
            return c
    (c1, _), (c2, _) = centres
    return (c1 + c2) / 2 if abs(c1 - c2) < JOG and lo <= (c1 + c2) / 2 <= hi else None


def _clear(v: float, decreasing: bool, spans: list[tuple[float, float]], gap: float = 20) -> float:
    """Move a U-loop's far coordinate past every box span it would run through (and only those)."""
    moved = True
    while moved:
        moved = False
        for lo, hi in spans:
            if lo - 1 < v < hi + 1:
                v = lo - gap if decreasing else hi + gap
                moved = True
    return v


def draw_edges(edges: list[Edge], anchors: dict[str, Anchor], obstacles: list[Anchor], ctx: Ctx,
               srcs: list[str | None], frames: list[tuple[tuple, Anchor]] = (),
               texts: list[tuple[float, float, float, float]] = ()
               ) -> tuple[list[Prim], dict[tuple, dict[str, float]]]:
    """Route every edge, then place labels clear of boxes and of the other edges' lines.

    Also returns the room loops lack: {container path: {side: px}} for every visible container (`frames`)
    that an edge between two of its members runs outside of (or closer than LOOP_MARGIN to its border);
    the caller lays out again with that much more padding (Ctx.grow), so the loop fits inside.
    `texts` (x0, y0, x1, y1 of the drawn text): an arrowhead never lands on a title or label (`_clear_of_text`).
    """
    buses = bus_groups(edges)
    in_bus = {i for _kind, ids in buses for i in ids}
    homes = [home_frame(anchors[e.from_], anchors[e.to], frames) for e in edges]
    routes = [[] if i in in_bus else route(anchors[e.from_], anchors[e.to], e, _within(obstacles, homes[i]),
                                           outer_sides(e.from_, anchors), outer_sides(e.to, anchors))
              for i, e in enumerate(edges)]
    _spread_ports(edges, routes, anchors, in_bus)
    if texts:
        for i, e in enumerate(edges):
            if i not in in_bus and e.from_ != e.to and routes[i]:
                routes[i] = _clear_of_text(routes[i], e, anchors, texts)
    dots: list[Prim] = []
    sharp: set[Pt] = set()  # bus junctions: the T stays square (its dot marks it)
    for kind, ids in buses:
        member_routes, joins = bus_routes(kind, ids, edges, anchors)
        for i, pts in member_routes.items():
            routes[i] = pts
        sharp.update(joins)
        dots += [junction(pt, ctx.color(edges[ids[0]].role), srcs[ids[0]], f"edge-{ids[0]}") for pt in joins]
    drawn = [_drawn(e, pts, anchors, ctx, sharp) for e, pts in zip(edges, routes, strict=True)]
    drawn = [(pts, (squiggle(flatten(cmds, pts)) or cmds) if e.style == "squiggle" else cmds)
             for e, (pts, cmds) in zip(edges, drawn, strict=True)]
    routes = [pts for pts, _cmds in drawn]
    brackets = _brackets(edges, routes, anchors, ctx, srcs)
    needs: dict[tuple, dict[str, float]] = {}
    for home, pts in zip(homes, routes, strict=True):
        if home is not None:
            for side, px in lacking_room(pts, home[1]).items():
                need = needs.setdefault(home[0], {})
                need[side] = max(need.get(side, 0.0), px)
    out: list[Prim] = []
    labels: list[Prim] = []
    placed: list[Anchor] = []
    segments = [(j, _segment_box(r[k], r[k + 1])) for j, r in enumerate(routes) for k in range(len(r) - 1)]
    for i, (e, pts) in enumerate(zip(edges, routes, strict=True)):
        meta = Meta(f"edge-{i}", e.role, srcs[i], "edge")
        style = Style(stroke=ctx.color(e.role), stroke_width=ctx.theme.stroke["edge"],
                      dash=(5, 4) if e.dashed else None)
        out.append(Line(tuple(pts), style, e.head in ("start", "both"), e.head in ("end", "both"), meta,
                        drawn[i][1]))
        if e.relabel is not None:
            bar, names = _relabel(e, i, pts, list(obstacles) + [box for j, box in segments if j != i] + placed,
                                  ctx, srcs[i])
            out.append(bar)
            for rect, block in names:
                placed.append(Anchor(rect.x, rect.y, rect.w, rect.h))
                labels += [rect, *block]
        if e.label is None:
            continue
        block = ctx.text_lines(ctx.t(e.label), ctx.size("edge_label"), 200, 400, "text-soft",
                               meta=Meta(f"edge-{i}", "text-soft", srcs[i], "edge-label"))
        others = [box for j, box in segments if j != i]
        a, b = anchors[e.from_], anchors[e.to]
        taken = list(obstacles) + others + placed
        if e.label_rotate and slanted(pts):
            box, prims = _turned_label(pts, block, taken, ctx, i, srcs[i])
            placed.append(box)
            labels += prims
            continue
        shared = {k for k in range(len(pts) - 1) if any(_collinear_overlap(pts[k], pts[k + 1], o) for o in others)}
        cands = _label_cands(pts, block.w, block.h, 1 if _same(a, b) else None, shared)
        spot = _clear_spot(cands, block.w, block.h, taken)
        if spot is None:  # no room beside the edge: farther off, with a leader back to the edge
            far = _far_spot(pts, block.w, block.h, taken, shared)
            if far is not None:
                spot, mid = far
                labels.append(_leader(mid, Anchor(spot[0] - 3, spot[1], block.w + 6, block.h), ctx, i, srcs[i]))
        bx, by = spot if spot is not None else cands[0]
        placed.append(Anchor(bx - 3, by, block.w + 6, block.h))  # later labels keep off this one
        labels.append(Rect(bx - 3, by, block.w + 6, block.h, 3, Style(fill=ctx.color("white")),
                           Meta(f"edge-{i}", "white", srcs[i], "edge-label-bg")))
        labels += block.moved(bx, by).items
    return brackets + out + dots + labels, needs  # labels last: drawn over every line


RELABEL_BAR = 9.0  # px: half the length of the bar across an edge where its quantity is renamed
RELABEL_GAP = 5.0  # px between the bar and the stretch of the edge each name is placed along


def _relabel(e: Edge, i: int, pts: list[Pt], boxes: list[Anchor], ctx: Ctx, src: str | None
             ) -> tuple[Line, list[tuple[Rect, list[Prim]]]]:
    """The bar across the edge at `relabel.at` of its length, and its two names: the old one placed along the
    stretch just before the bar, the new one along the stretch just after it, each clear of boxes and lines."""
    r = e.relabel
    total = length(pts)
    at = total * r.at
    (x, y), (ux, uy) = point_at(pts, at)
    bar = Line(((x + uy * RELABEL_BAR, y - ux * RELABEL_BAR), (x - uy * RELABEL_BAR, y + ux * RELABEL_BAR)),
               Style(stroke=ctx.color(e.role), stroke_width=ctx.theme.stroke["edge"] * 1.6),
               meta=Meta(f"edge-{i}", e.role, src, "edge-mark"))
    taken = list(boxes) + [Anchor(x - RELABEL_BAR - 1, y - RELABEL_BAR - 1, 2 * RELABEL_BAR + 2, 2 * RELABEL_BAR + 2)]
    names = []
    for text, before in ((r.from_, True), (r.to, False)):
        block = ctx.text_lines(ctx.t(text), ctx.size("edge_label"), 200, 400, "text-soft",
                               meta=Meta(f"edge-{i}", "text-soft", src, "edge-label"))
        bx, by = _name_spot(pts, at, before, block.w, block.h, taken)
        rect = Rect(bx - 3, by, block.w + 6, block.h, 3, Style(fill=ctx.color("white")),
                    Meta(f"edge-{i}", "white", src, "edge-label-bg"))
        taken.append(Anchor(rect.x, rect.y, rect.w, rect.h))
        names.append((rect, block.moved(bx, by).items))
    return bar, names


def _name_spot(pts: list[Pt], at: float, before: bool, w: float, h: float, boxes: list[Anchor]) -> Pt:
    """Top-left of a relabel name next to the bar at arc length `at`: on a horizontal stretch on the line (else
    above or below it), on a vertical one beside it; just before the bar (or just after it), moving away from it
    until the name covers no box, line or other label (else the nearest spot)."""
    total = length(pts)
    cands: list[Pt] = []
    for extra in (0.0, 12.0, 24.0, 40.0):
        _, (ux, uy) = point_at(pts, at)
        horizontal = abs(ux) >= abs(uy)
        off = RELABEL_GAP + (w + 6 if horizontal else h) / 2 + extra
        s = min(max(at - off if before else at + off, 0.0), total)
        (cx, cy), _ = point_at(pts, s)
        if horizontal:
            cands += [(cx - w / 2, cy - h / 2), (cx - w / 2, cy - h - 3), (cx - w / 2, cy + 3)]
        else:
            cands += [(cx + 6, cy - h / 2), (cx - 6 - w, cy - h / 2)]
    for bx, by in cands:
        r = Anchor(bx - 5, by - 2, w + 10, h + 4)  # a little room round the name (its subscripts, its chip)
        if not any(_overlap(r, o) for o in boxes):
            return (bx, by)
    return cands[0]


def _brackets(edges: list[Edge], routes: list[list[Pt]], anchors: dict[str, Anchor], ctx: Ctx,
              srcs: list[str | None]) -> list[Prim]:
    """A square bracket on every side of a `frame: bracket` container that an edge leaves or enters, its
    middle where the edge attaches; serifs BRACKET_SERIF px long point back at the stack."""
    seen: dict[tuple[str, str], int] = {}
    for i, (e, pts) in enumerate(zip(edges, routes, strict=True)):
        for name, pt in ((e.from_, pts[0]), (e.to, pts[-1])):
            if anchors[name].shape == "bracket" and len(pts) >= 2:
                seen.setdefault((name, _side(pt, anchors[name])), i)
    out: list[Prim] = []
    for (name, side), i in sorted(seen.items(), key=lambda kv: kv[1]):
        a, s = anchors[name], BRACKET_SERIF
        x0, y0, x1, y1 = a.x, a.y, a.x + a.w, a.y + a.h
        pts = {"left": ((x0 + s, y0), (x0, y0), (x0, y1), (x0 + s, y1)),
               "right": ((x1 - s, y0), (x1, y0), (x1, y1), (x1 - s, y1)),
               "top": ((x0, y0 + s), (x0, y0), (x1, y0), (x1, y0 + s)),
               "bottom": ((x0, y1 - s), (x0, y1), (x1, y1), (x1, y1 - s))}[side]
        style = Style(stroke=ctx.color(edges[i].role), stroke_width=ctx.theme.stroke["edge"])
        out.append(Line(pts, style, meta=Meta(name.rsplit(".spine", 1)[0], edges[i].role, a.src or srcs[i],
                                              "group-bracket")))
    return out


BRACKET_SERIF = 6.0  # px: the bracket's ends, turned back toward the stack


LOOP_MARGIN = 10.0  # px: an edge between two members of a container keeps this far inside its outline


def home_frame(a: Anchor, b: Anchor, frames: list[tuple[tuple, Anchor]]) -> tuple[tuple, Anchor] | None:
    """The smallest visible container holding both ends (and being neither of them)."""
    holders = [(k, f) for k, f in frames if _inside(a, f) and _inside(b, f) and not _same(a, f) and not _same(b, f)]
    return min(holders, key=lambda kf: kf[1].w * kf[1].h) if holders else None


def _within(obstacles: list[Anchor], home: tuple[tuple, Anchor] | None) -> list[Anchor]:
    """The obstacles an edge must avoid: inside its home container only (it never leaves that)."""
    return list(obstacles) if home is None else [o for o in obstacles if _inside(o, home[1])]


def lacking_room(pts: list[Pt], f: Anchor, margin: float = LOOP_MARGIN) -> dict[str, float]:
    """How far (px, by side) the route comes closer than `margin` to the outline of `f`, or crosses it."""
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    short = {"left": f.x + margin - min(xs), "right": max(xs) - (f.x + f.w - margin),
             "top": f.y + margin - min(ys), "bottom": max(ys) - (f.y + f.h - margin)}
    return {k: math.ceil(v) for k, v in short.items() if v > 0.01}


def _drawn(e: Edge, pts: list[Pt], anchors: dict[str, Anchor], ctx: Ctx, sharp: set[Pt]
           ) -> tuple[list[Pt], tuple]:
    """(points the checks measure, path commands drawn): a curve and its samples for `route: curved`,
    else the route with its bends rounded (theme `stroke.edge_corner_radius`; none at bus junctions)."""
    a, b = anchors[e.from_], anchors[e.to]
    if e.route == "curved" and len(pts) >= 2 and not _same(a, b):
        sa, sb = _curve_sides(a, b)
        sa, sb = (sa if e.from_side == "auto" else e.from_side), (sb if e.to_side == "auto" else e.to_side)
        p0 = pts[0] if _side(pts[0], a) == sa else _port(a, sa)
        p1 = pts[-1] if _side(pts[-1], b) == sb else _port(b, sb)
        cmds, samples = curve(p0, sa, p1, sb)
        return samples, cmds
    return pts, rounded(pts, float(ctx.theme.stroke.get("edge_corner_radius", 0)), sharp)


PORT_CLASH = 6.0  # px: edge ends closer than this on one side of one element share a port, so they are spread


def _spread_ports(edges: list[Edge], routes: list[list[Pt]], anchors: dict[str, Anchor], skip: set[int]) -> None:
    """Two or more edges ending at one point of a side get their own ports, spread evenly along that side
    in the order of their other ends (so they do not cross), each keeping its segment square to the side."""
    ends: dict[tuple[str, str], list[tuple[int, bool]]] = {}
    for i, (e, pts) in enumerate(zip(edges, routes, strict=True)):
        if i in skip or len(pts) < 2 or e.from_ == e.to:
            continue
        for at_start, name in ((True, e.from_), (False, e.to)):
            pt = pts[0] if at_start else pts[-1]
            ends.setdefault((name, _side(pt, anchors[name])), []).append((i, at_start))
    for (name, side), members in ends.items():
        if len(members) < 2:
            continue
        pts_at = [routes[i][0] if s else routes[i][-1] for i, s in members]
        if max(math.dist(a, b) for a in pts_at for b in pts_at) > PORT_CLASH:
            continue  # already apart
        a = anchors[name]
        if a.shape in ("ellipse", "bracket"):
            continue  # a port slid along an ellipse would leave its outline; a bracket has one port, its middle
        horizontal = side in ("top", "bottom")
        far = [routes[i][-1] if s else routes[i][0] for i, s in members]
        order = sorted(range(len(members)), key=lambda k: far[k][0] if horizontal else far[k][1])
        for rank, k in enumerate(order):
            i, at_start = members[k]
            frac = (rank + 1) / (len(members) + 1)
            along = (a.x + a.w * frac) if horizontal else (a.y + a.h * frac)
            other = anchors[edges[i].to if at_start else edges[i].from_]
            routes[i] = _move_end(routes[i], at_start, along, horizontal, other)


TEXT_CLEAR = 6.0  # px: an arrowhead's tip keeps at least this far from the text of the box it points at
END_MARGIN = 6.0  # px: a slid end stays this far from the corners of its side
MAX_SLIDE = 16.0  # px: the farthest an end slides along its side (farther, it would leave the box's middle)


def _clear_of_text(pts: list[Pt], e: Edge, anchors: dict[str, Anchor], texts: list[tuple]) -> list[Pt]:
    """The route with each arrowhead end off the text and badges of the box it points at (a block's title, a
    tensor's caption, an icon in a corner): slid along its top or bottom side (at most MAX_SLIDE px; never on a
    left or right side, whose port points at a row; a part is left alone) to the nearest point
    TEXT_CLEAR px from all of them; else pulled back a little (at most PULL_BACK px) off the outline."""
    for at_start in (False, True):
        if e.head not in (("start", "both") if at_start else ("end", "both")):
            continue
        name = e.from_ if at_start else e.to
        a = anchors[name]
        # a part (a row, a cell, an axis, a tree node) already ends PART_PAD px outside its own text
        if a.shape in ("ellipse", "bracket") or len(pts) < 2 or "." in name:
            continue
        near = [t for t in texts if t[0] < a.x + a.w and t[2] > a.x and t[1] < a.y + a.h and t[3] > a.y]
        tip = pts[0] if at_start else pts[-1]
        if not near or _text_dist(tip, near) >= TEXT_CLEAR:
            continue
        side = _side(tip, a)
        horizontal = side in ("top", "bottom")
        lo, hi = (a.x, a.x + a.w) if horizontal else (a.y, a.y + a.h)
        here = tip[0] if horizontal else tip[1]
        # a port on a left or right side points at a row: it never slides off it
        slide = horizontal
        steps = sorted((v for v in _frange(lo + END_MARGIN, hi - END_MARGIN, 1.0) if abs(v - here) <= MAX_SLIDE),
                       key=lambda v: abs(v - here)) if slide else []
        other = anchors[e.to if at_start else e.from_]
        for v in steps:
            pt = (v, tip[1]) if horizontal else (tip[0], v)
            if _text_dist(pt, near) >= TEXT_CLEAR:
                pts = _move_end(pts, at_start, v, horizontal, other)
                break
        else:
            pts = _pulled_back(pts, at_start, near) or pts
    return pts


PULL_BACK = 2.5  # px: the farthest an end is pulled back off its outline (the checks allow 3)


def _pulled_back(pts: list[Pt], at_start: bool, near: list[tuple]) -> list[Pt] | None:
    """The route with its end pulled back along its last segment, up to PULL_BACK px off the outline, to
    where the tip is TEXT_CLEAR px from the text; None when that needs more."""
    tip, prev = (pts[0], pts[1]) if at_start else (pts[-1], pts[-2])
    d = math.dist(tip, prev)
    if d < 2 * PULL_BACK:
        return None
    ux, uy = (prev[0] - tip[0]) / d, (prev[1] - tip[1]) / d
    for k in range(1, 11):
        t = PULL_BACK * k / 10
        pt = (tip[0] + ux * t, tip[1] + uy * t)
        if _text_dist(pt, near) >= TEXT_CLEAR:
            return [pt, *pts[1:]] if at_start else [*pts[:-1], pt]
    return None


def _frange(lo: float, hi: float, step: float) -> list[float]:
    n = int((hi - lo) / step) if hi > lo else -1
    return [lo + k * step for k in range(n + 1)]


def _text_dist(pt: Pt, boxes: list[tuple]) -> float:
    """Distance from a point to the nearest of the text boxes (0 inside one)."""
    return min(math.hypot(max(b[0] - pt[0], 0.0, pt[0] - b[2]), max(b[1] - pt[1], 0.0, pt[1] - b[3]))
               for b in boxes)


def _move_end(pts: list[Pt], at_start: bool, along: float, horizontal: bool, other: Anchor) -> list[Pt]:
    """The route with one end slid along its side to `along`; the segment leaving it stays square (a
    straight edge stays straight when its other end can slide the same way along `other`)."""
    pts = list(pts) if at_start else list(reversed(pts))
    end, nxt = pts[0], pts[1]
    k = 0 if horizontal else 1  # the coordinate that slides
    new_end = (along, end[1]) if horizontal else (end[0], along)
    lo, hi = (other.x, other.x + other.w) if horizontal else (other.y, other.y + other.h)
    if len(pts) == 2 and abs(nxt[k] - end[k]) < 0.5 and lo + 2 <= along <= hi - 2:
        far = (along, nxt[1]) if horizontal else (nxt[0], along)
        return [new_end, far] if at_start else [far, new_end]
    square = abs(nxt[k] - end[k]) < 0.5  # the first segment runs square off the side
    if square and len(pts) > 2:
        pts[1] = (along, nxt[1]) if horizontal else (nxt[0], along)
    elif len(pts) == 2:  # a straight segment that cannot stay straight: an elbow halfway keeps it square
        far = nxt
        mid = (end[1 - k] + far[1 - k]) / 2
        a_, b_ = ((along, mid), (far[0], mid)) if horizontal else ((mid, along), (mid, far[1]))
        pts = [new_end, a_, b_, far]
    pts[0] = new_end
    pts = dedupe(pts)
    return pts if at_start else list(reversed(pts))


def _segment_box(p: Pt, q: Pt) -> Anchor:
    """A thin box around a line segment (labels keep off other edges)."""
    return Anchor(min(p[0], q[0]) - 1, min(p[1], q[1]) - 1, abs(q[0] - p[0]) + 2, abs(q[1] - p[1]) + 2)


def _collinear_overlap(p: Pt, q: Pt, box: Anchor) -> bool:
    """Segment p–q runs along (inside) another edge's thin segment box: the two edges share it."""
    if abs(p[0] - q[0]) < 0.5:  # vertical
        return box.w <= 2.5 and box.x <= p[0] <= box.x + box.w and \
            min(max(p[1], q[1]), box.y + box.h) - max(min(p[1], q[1]), box.y) > 4
    if abs(p[1] - q[1]) < 0.5:
        return box.h <= 2.5 and box.y <= p[1] <= box.y + box.h and \
            min(max(p[0], q[0]), box.x + box.w) - max(min(p[0], q[0]), box.x) > 4
    return False


def _segment_order(pts: list[Pt], seg: int | None, shared: set[int]) -> list[int]:
    """The edge's own segments before those it shares, longest first (`seg` first when given)."""
    order = sorted(range(len(pts) - 1), key=lambda i: (i in shared, -math.dist(pts[i], pts[i + 1])))
    return order if seg is None else [seg] + [i for i in order if i != seg]


def _label_cands(pts: list[Pt], w: float, h: float, seg: int | None, shared: set[int] = frozenset()) -> list[Pt]:
    """Top-left corners tried for an edge label, in order: beside (vertical) or on (horizontal) a segment, the
    edge's own segments before those it shares with other edges (a fork's trunk), longest first. The first
    that covers no box wins (`_clear_spot`): a label never sits on an element or another label when there is
    room; failing that, a spot farther off with a leader (`_far_spot`), else the first candidate."""
    cands: list[Pt] = []
    for i in _segment_order(pts, seg, shared):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if abs(x1 - x0) < 0.5:  # vertical: right of the line, else left of it
            top, bottom = min(y0, y1), max(y0, y1)
            cands += [(mx + 6, my - h / 2), (mx - 6 - w, my - h / 2), (mx + 6, top - h - 2), (mx - 6 - w, top - h - 2),
                      (mx + 6, bottom + 2), (mx - 6 - w, bottom + 2)]
        else:
            if math.dist(pts[i], pts[i + 1]) >= w + 12:
                cands.append((mx - w / 2, my - h / 2))
            cands += [(mx - w / 2, my - h - 3), (mx - w / 2, my + 3)]
    return cands


def _clear_spot(cands: list[Pt], w: float, h: float, boxes: list[Anchor]) -> Pt | None:
    """The first candidate whose label (with its 3 px chip) covers no box, or None."""
    for x, y in cands:
        r = Anchor(x - 3, y, w + 6, h)
        if not any(_overlap(r, o) for o in boxes):
            return (x, y)
    return None


LEADER_STEPS = (14.0, 26.0, 40.0, 56.0)  # px farther off the edge than the nearest spots, tried in turn
LEADER_WIDTH = 0.8  # px: the thin line from a moved label back to its edge


def _far_spot(pts: list[Pt], w: float, h: float, boxes: list[Anchor], shared: set[int]
              ) -> tuple[Pt, Pt] | None:
    """(top-left, segment midpoint) of the nearest clear spot farther off the edge than the usual ones:
    above or below a horizontal segment, beside a vertical one, also slid along it; None when none is clear."""
    for d in LEADER_STEPS:
        for i in _segment_order(pts, None, shared):
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            if abs(x1 - x0) < 0.5:
                slide = (0.0, -(h + 6), h + 6)
                cands = [(mx + 6 + d, my - h / 2 + s) for s in slide]
                cands += [(mx - 6 - d - w, my - h / 2 + s) for s in slide]
            else:
                slide = (0.0, -(w / 2 + 8), w / 2 + 8)
                cands = [(mx - w / 2 + s, my - h - 3 - d) for s in slide]
                cands += [(mx - w / 2 + s, my + 3 + d) for s in slide]
            spot = _clear_spot(cands, w, h, boxes)
            if spot is not None:
                return spot, (mx, my)
    return None


def _leader(mid: Pt, r: Anchor, ctx: Ctx, i: int, src: str | None) -> Line:
    """A thin line from the edge's midpoint `mid` to the nearest point of the moved label's chip `r`."""
    end = (min(max(mid[0], r.x), r.x + r.w), min(max(mid[1], r.y), r.y + r.h))
    return Line((mid, end), Style(stroke=ctx.color("text-soft"), stroke_width=LEADER_WIDTH),
                meta=Meta(f"edge-{i}", "text-soft", src, "edge-leader"))


def slanted(pts: list[Pt]) -> bool:
    """One straight segment that is neither horizontal nor vertical."""
    return len(pts) == 2 and abs(pts[1][0] - pts[0][0]) > 0.5 and abs(pts[1][1] - pts[0][1]) > 0.5


TURNED_GAP = 3.0  # px between a turned label's chip and its edge


def _turned_label(pts: list[Pt], block, boxes: list[Anchor], ctx: Ctx, i: int, src: str | None
                  ) -> tuple[Anchor, list[Prim]]:
    return turned_label(pts, block, boxes, ctx, f"edge-{i}", src)


def turned_label(pts: list[Pt], block, boxes: list[Anchor], ctx: Ctx, ident: str, src: str | None
                 ) -> tuple[Anchor, list[Prim]]:
    """A label laid along a slanted edge: turned to the edge's angle (read left to right), centred on the
    middle of the edge on its upper side (else its lower side, else slid along it), clear of boxes where
    there is room. Returns the chip's bounding box and the chip (a polygon) and text drawn turned."""
    (x0, y0), (x1, y1) = pts
    ang = math.degrees(math.atan2(y1 - y0, x1 - x0))
    ang = ang - 180 if ang > 90 else ang + 180 if ang <= -90 else ang
    ux, uy = math.cos(math.radians(ang)), math.sin(math.radians(ang))
    nx, ny = uy, -ux  # the label's "up", turned with it
    w, h = block.w + 6, block.h
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    off = h / 2 + TURNED_GAP
    cands = [(mx + nx * off * k + ux * s, my + ny * off * k + uy * s)
             for s in (0.0, -w / 3, w / 3) for k in (1, -1)]
    best = None
    for cx, cy in cands:
        corners = [(cx + ux * dx * w / 2 + nx * dy * h / 2, cy + uy * dx * w / 2 + ny * dy * h / 2)
                   for dx, dy in ((-1, 1), (1, 1), (1, -1), (-1, -1))]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        box = Anchor(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        if best is None:
            best = (box, corners, (cx, cy))
        if not any(_overlap(box, o) for o in boxes):
            best = (box, corners, (cx, cy))
            break
    box, corners, (cx, cy) = best
    chip = Polygon(tuple(corners), Style(fill=ctx.color("white")), Meta(ident, "white", src, "edge-label-bg"))
    texts = [replace(t, rotate=ang, pivot=(cx, cy)) if isinstance(t, Text) else t
             for t in block.moved(cx - block.w / 2, cy - block.h / 2).items]
    return box, [chip, *texts]


def _overlap(r: Anchor, o: Anchor) -> bool:
    return min(r.x + r.w, o.x + o.w) - max(r.x, o.x) > 0.5 and min(r.y + r.h, o.y + o.h) - max(r.y, o.y) > 0.5
