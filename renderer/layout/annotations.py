"""Annotations drawn after layout, over the laid-out body (like edges): braces over a range of elements and
callouts (a note beside an element, joined to it by a thin leader line).

A brace spans the union of its targets' boxes on one side, `GAP` px off them, with its label beyond its tip.
A callout's note is placed beside its target on the chosen side, pushed outward until it is clear of every
box, text and annotation already there; the frame then grows to hold it (layout `_fit`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..scene import Group, Line, Meta, Path, Prim, Rect, Style, Text, bbox, walk
from ..spec.errors import SpecError
from ..spec.models import Annotation
from .base import Anchor, Block, Ctx

GAP = 6.0  # px between the targets and the brace
DEPTH = 10.0  # px from the brace's ends to its tip
LABEL_GAP = 4.0  # px between the brace's tip and its label
NOTE_GAP = 28.0  # px between a target and its note (the leader's length, at least)
NOTE_STEP = 12.0  # px a note moves outward while it is not clear
NOTE_PAD = 6.0  # px of padding inside a note
NOTE_MAX_W = 200.0  # px: a note's text wraps beyond this
NOTE_CLEAR = 6.0  # px a note keeps from other boxes and text
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _frame(side: str, a: Box) -> tuple[Callable[[float, float], tuple[float, float]], float, float]:
    """Map (u along the side, v outward from it) to (x, y), and the side's span (u0, u1)."""
    x0, y0, x1, y1 = a
    if side == "top":
        return (lambda u, v: (u, y0 - v)), x0, x1
    if side == "bottom":
        return (lambda u, v: (u, y1 + v)), x0, x1
    if side == "left":
        return (lambda u, v: (x0 - v, u)), y0, y1
    return (lambda u, v: (x1 + v, u)), y0, y1


def brace_cmds(side: str, a: Box, depth: float = DEPTH) -> tuple[tuple, tuple[float, float]]:
    """Path commands of a curly brace along `side` of box `a`, `GAP` px off it, and the point of its tip."""
    to, u0, u1 = _frame(side, a)
    d = min(depth, (u1 - u0) / 4) if u1 - u0 < 4 * depth else depth
    m, g, h = (u0 + u1) / 2, GAP, GAP + d / 2

    def c(*uv: float) -> tuple:
        pts = [to(uv[i], uv[i + 1]) for i in range(0, len(uv), 2)]
        return ("C", *(k for p in pts for k in p))

    cmds = (("M", *to(u0, g)), c(u0, g + d * 0.4, u0 + d * 0.4, h, u0 + d, h), ("L", *to(m - d, h)),
            c(m - d * 0.5, h, m, h + d * 0.1, m, g + d), c(m, h + d * 0.1, m + d * 0.5, h, m + d, h),
            ("L", *to(u1 - d, h)), c(u1 - d * 0.4, h, u1, g + d * 0.4, u1, g))
    return cmds, to(m, g + d)


def _union(names: list[str], anchors: dict[str, Anchor], where: tuple, ctx: Ctx) -> Box:
    boxes = []
    for j, name in enumerate(names):
        a = anchors.get(name)
        if a is None:
            known = ", ".join(sorted(k for k in anchors if k.startswith(name.split(".")[0]))) or "none"
            raise SpecError([ctx.doc.problem(where + (j,) if len(where) and where[-1] == "brace" else where,
                                             f"annotation target unknown '{name}' (expected an element id or part,"
                                             f" one of: {known})")])
        boxes.append((a.x, a.y, a.x + a.w, a.y + a.h))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _placed(label: Block, side: str, tip: tuple[float, float], gap: float) -> tuple[float, float]:
    """Top-left of a label beyond a tip on `side`."""
    x, y = tip
    if side == "top":
        return x - label.w / 2, y - gap - label.h
    if side == "bottom":
        return x - label.w / 2, y + gap
    if side == "left":
        return x - gap - label.w, y - label.h / 2
    return x + gap, y - label.h / 2


def _brace(n: Annotation, path: tuple, anchors: dict[str, Anchor], taken: list[Box], ctx: Ctx) -> list[Prim]:
    """The brace beside its targets, moved outward until it and its label are clear of `taken` (other than the
    targets and what holds them); it then joins `taken`."""
    box = _union(n.brace or [], anchors, path + ("brace",), ctx)
    label = ctx.text_lines(ctx.t(n.text), ctx.size("small"), NOTE_MAX_W, 400, "text-soft",
                           {"left": "end", "right": "start"}.get(n.side, "center"),
                           meta=Meta(None, "text-soft", ctx.src(path + ("text",)), "brace-text"))
    others = [t for t in taken if not _contains(t, box) and not _contains(box, t)]
    for k in range(120):
        grown = _grown_on(n.side, box, k * NOTE_STEP / 3)
        cmds, tip = brace_cmds(n.side, grown)
        x, y = _placed(label, n.side, tip, LABEL_GAP)
        shape = Path(cmds)
        parts = [bbox(shape), (x, y, x + label.w, y + label.h)]
        if not any(_overlaps(a, t) for a in parts for t in others):
            break
    taken += parts
    meta = Meta(None, n.role, ctx.src(path), "brace")
    style = Style(stroke=ctx.color(n.role), stroke_width=ctx.theme.stroke["edge"])
    return [Group((Path(cmds, style, meta), *label.moved(x, y).items), meta)]


def _grown_on(side: str, a: Box, d: float) -> Box:
    """Box `a` pushed out by `d` on one side."""
    x0, y0, x1, y1 = a
    return {"top": (x0, y0 - d, x1, y1), "bottom": (x0, y0, x1, y1 + d), "left": (x0 - d, y0, x1, y1),
            "right": (x0, y0, x1 + d, y1)}[side]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(p: tuple[float, float], q: tuple[float, float], r: Box) -> bool:
    """Segment p–q passes through the inside of box r (sampled; boxes are at least a few px)."""
    n = max(2, int(max(abs(q[0] - p[0]), abs(q[1] - p[1])) / 2))
    for i in range(1, n):
        x, y = p[0] + (q[0] - p[0]) * i / n, p[1] + (q[1] - p[1]) * i / n
        if r[0] < x < r[2] and r[1] < y < r[3]:
            return True
    return False


def _contains(a: Box, b: Box) -> bool:
    return a[0] <= b[0] + 0.5 and a[1] <= b[1] + 0.5 and b[2] <= a[2] + 0.5 and b[3] <= a[3] + 0.5


def _note_at(side: str, target: Box, w: float, h: float, out: float, along: float
             ) -> tuple[Box, tuple[float, float], tuple[float, float]]:
    """The note box `out` px beyond the target's side, moved `along` it, and its leader (note end, target end)."""
    x0, y0, x1, y1 = target
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if side in ("left", "right"):
        nx = x1 + out if side == "right" else x0 - out - w
        ny = cy - h / 2 + along
        return ((nx, ny, nx + w, ny + h), (nx if side == "right" else nx + w, ny + h / 2),
                (x1 if side == "right" else x0, cy))
    nx, ny = cx - w / 2 + along, (y0 - out - h if side == "top" else y1 + out)
    return ((nx, ny, nx + w, ny + h), (nx + w / 2, ny + h if side == "top" else ny), (cx, y0 if side == "top" else y1))


def _callout(n: Annotation, path: tuple, anchors: dict[str, Anchor], taken: list[Box], walls: list[Box],
             ctx: Ctx) -> list[Prim]:
    """The note beside its target, clear of `taken` (which it joins), its leader clear of the boxes in
    `walls` (other than the target and what holds it): nearest first, outward and along the side."""
    target = _union([n.callout or ""], anchors, path + ("callout",), ctx)
    src = ctx.src(path)
    text = ctx.text_lines(ctx.t(n.text), ctx.size("small"), NOTE_MAX_W, 400, "text",
                          meta=Meta(None, "text", ctx.src(path + ("text",)), "callout-text"))
    w, h = text.w + 2 * NOTE_PAD, text.h + 2 * NOTE_PAD
    walls = [r for r in walls if not _contains(r, target) and not _contains(target, r)]
    tries = sorted(((k, j) for k in range(120) for j in range(-8, 9)), key=lambda t: (t[0] + abs(t[1]), abs(t[1])))
    note, start, end = _note_at(n.side, target, w, h, NOTE_GAP, 0.0)
    for k, j in tries:  # far enough out, everything is clear: past the body's edge
        cand = _note_at(n.side, target, w, h, NOTE_GAP + k * NOTE_STEP, j * NOTE_STEP)
        room = (cand[0][0] - NOTE_CLEAR, cand[0][1] - NOTE_CLEAR, cand[0][2] + NOTE_CLEAR, cand[0][3] + NOTE_CLEAR)
        if not any(_overlaps(room, t) for t in taken) and not any(_crosses(cand[1], cand[2], r) for r in walls):
            note, start, end = cand
            break
    taken.append(note)
    nx, ny = note[0], note[1]
    meta = Meta(None, "white", src, "callout")
    frame = Rect(nx, ny, w, h, 4.0, Style(fill=ctx.color("white"), stroke=ctx.color("frame"),
                                           stroke_width=ctx.theme.stroke["width"]), meta)
    leader = Line((start, end), Style(stroke=ctx.color(n.role), stroke_width=ctx.theme.stroke["width"]),
                  meta=Meta(None, n.role, src, "leader"))
    return [leader, Group((frame, *text.moved(nx + NOTE_PAD, ny + NOTE_PAD).items), meta)]


BACKGROUND = ("panel", "panel-card", "group-frame", "lanes-tint", "lanes-rule")  # a note may sit on these


def _occupied(body: Block) -> list[Box]:
    """Boxes of what is drawn: element boxes, every shape and text run (not backgrounds), edge segments."""
    out = [(a.x, a.y, a.x + a.w, a.y + a.h) for a in body.obstacles]
    for p in walk(body.items):
        if isinstance(p, Group) or p.meta.kind in BACKGROUND:
            continue
        if isinstance(p, Line):
            out += [(min(a[0], b[0]) - 1, min(a[1], b[1]) - 1, max(a[0], b[0]) + 1, max(a[1], b[1]) + 1)
                    for a, b in zip(p.points, p.points[1:], strict=False)]
        else:
            out.append(bbox(p))
    return out


def draw_braces(anns: list[Annotation], body: Block, ctx: Ctx) -> tuple[list[Prim], list[Anchor]]:
    """Every brace's primitives (body coordinates), and their boxes as obstacles for the edges routed next."""
    out: list[Prim] = []
    taken = _occupied(body)
    for i, n in enumerate(anns):
        if n.brace is not None:
            out += _brace(n, ("annotations", i), body.anchors, taken, ctx)
    boxes = [bbox(g) for g in out]  # each brace with its label
    return out, [Anchor(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


def draw_callouts(anns: list[Annotation], body: Block, ctx: Ctx) -> list[Prim]:
    """Every callout (body coordinates, after the edges): notes clear of everything drawn, leaders clear of
    the element boxes and braces."""
    out: list[Prim] = []
    walls = [(a.x, a.y, a.x + a.w, a.y + a.h) for a in body.obstacles]
    walls += [bbox(p) for p in walk(body.items) if isinstance(p, Text) or p.meta.kind == "brace"]
    taken = _occupied(body)
    for i, n in enumerate(anns):
        if n.callout is not None:
            out += _callout(n, ("annotations", i), body.anchors, taken, walls, ctx)
    return out
