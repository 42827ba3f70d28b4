"""Layout of the `chain` element kind, its drawing half: nodes at the (possibly shared) slot centres, arrows
between them with their labels, values, braces, heading and note; anchors `<id>.<index>` and `<id>.<node id>`."""

from __future__ import annotations

from ..scene import Group, Meta, Prim
from ..spec.elements.chain import Chain
from .base import Anchor, Block, Ctx, register
from .chain import (
    BRACE_ROOM,
    DOT,
    DOT_GAP,
    LABEL_GAP,
    Parts,
    Sizes,
    anchor_of,
    arrow_prims,
    brace_prims,
    diam_of,
    fail,
    measure,
    node_prims,
    node_size,
    parts,
    shape,
    share_key,
    step_of,
)


@register("chain")
def layout_chain(el: Chain, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The chain: heading, nodes on one line joined by arrows, labels over the arrows, values under the nodes,
    braces under ranges, the note after it."""
    p = parts(el, path, ctx)
    sizes = ctx.shared.get(share_key(path)) or measure(el, path, ctx, p)
    return _draw(el, path, ctx, p, sizes, min_w, min_h)


def _index(el: Chain, ref: int | str, where: tuple, ctx: Ctx) -> int:
    """A brace end given as a node index or node id."""
    n = len(el.nodes)
    if isinstance(ref, int) and not isinstance(ref, bool):
        if 0 <= ref < n:
            return ref
        raise fail(ctx, where, f"node index {ref} is outside the chain (expected 0 … {n - 1})")
    ids = [x.id for x in el.nodes]
    if ref in ids:
        return ids.index(ref)
    if isinstance(ref, str) and ref.isdigit() and int(ref) < n:
        return int(ref)
    known = ", ".join(i for i in ids if i) or "none"
    raise fail(ctx, where, f"unknown node '{ref}' (expected a node index 0 … {n - 1} or a node id: {known})")


def _draw(el: Chain, path: tuple, ctx: Ctx, p: Parts, sizes: Sizes, min_w: float, min_h: float) -> Block:
    horizontal = el.direction == "horizontal"
    diam = max(sizes.diam, diam_of(el, p, ctx))
    dims = [node_size(el, n, b, diam, ctx) for n, b in zip(el.nodes, p.labels, strict=True)]
    band = max(w if not horizontal else h for w, h in dims)  # the nodes' extent across the chain
    centres = sizes.centres()
    src = ctx.src(path)
    dots = [b for n, b in zip(el.nodes, p.labels, strict=True) if b is not None and shape(el, n) == "action"]
    steps = [b for b in p.steps if b is not None]
    vals = [b for b in p.values if b is not None]
    if horizontal:
        c = max(band / 2, max((b.h + LABEL_GAP for b in steps), default=0.0),
                max((b.h + DOT / 2 + DOT_GAP for b in dots), default=0.0),
                p.head.h / 2 if p.head else 0.0, p.note.h / 2 if p.note else 0.0)
    else:
        c = max(band / 2, max((b.w + DOT / 2 + DOT_GAP for b in dots), default=0.0),
                p.head.w / 2 if p.head else 0.0, p.note.w / 2 if p.note else 0.0)
    items: list[Prim] = []
    anchors: dict[str, Anchor] = {}
    far = c + band / 2  # the furthest extent across the chain so far

    def xy(u: float, v: float) -> tuple[float, float]:
        return (u, v) if horizontal else (v, u)

    for k in range(len(el.nodes) - 1):  # arrows from rim to rim, labels over (right of) the step's region
        a_u = centres[k] + (dims[k][0] if horizontal else dims[k][1]) / 2
        b_u = centres[k + 1] - (dims[k + 1][0] if horizontal else dims[k + 1][1]) / 2
        items += arrow_prims(xy(a_u, c), xy(b_u, c), step_of(el, k), el, k, ctx, path)
        lab = p.steps[k]
        if lab is not None:
            mid = (centres[k] + sizes.slots[k] / 2 + centres[k + 1] - sizes.slots[k + 1] / 2) / 2
            if horizontal:
                items += lab.moved(mid - lab.w / 2, c - LABEL_GAP - lab.h).items
            else:
                items += lab.moved(c + LABEL_GAP, mid - lab.h / 2).items
                far = max(far, c + LABEL_GAP + lab.w)
    boxes: list[tuple[float, float, float, float]] = []  # each node with its value, for braces
    for i, n in enumerate(el.nodes):
        w, h = dims[i]
        cx, cy = xy(centres[i], c)
        items.append(node_prims(el, n, i, cx, cy, w, h, p.labels[i], ctx, path))
        a = anchor_of(cx - w / 2, cy - h / 2, w, h, shape(el, n), ctx.src(path + ("nodes", i)))
        for name in ([str(i)] + ([n.id] if n.id else [])) if el.id else ([n.id] if n.id else []):
            anchors[f"{el.id}.{name}" if el.id else name] = a
        box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        v = p.values[i]
        if v is not None:
            if horizontal:
                vx, vy = cx - v.w / 2, c + band / 2 + LABEL_GAP
            else:
                vx, vy = c + band / 2 + LABEL_GAP, cy - v.h / 2
                far = max(far, vx + v.w)
            items += v.moved(vx, vy).items
            box = [min(box[0], vx), min(box[1], vy), max(box[2], vx + v.w), max(box[3], vy + v.h)]
        boxes.append(tuple(box))  # type: ignore[arg-type]
    if horizontal and vals:
        far = c + band / 2 + LABEL_GAP + max(b.h for b in vals)
    for j, br in enumerate(el.braces):
        bpath = path + ("braces", j)
        i0, i1 = _index(el, br.from_, bpath + ("from",), ctx), _index(el, br.to, bpath + ("to",), ctx)
        i0, i1 = min(i0, i1), max(i0, i1)
        x0, y0 = min(b[0] for b in boxes[i0:i1 + 1]), min(b[1] for b in boxes[i0:i1 + 1])
        x1, y1 = max(b[2] for b in boxes[i0:i1 + 1]), max(b[3] for b in boxes[i0:i1 + 1])
        if horizontal:
            y1 = max(y1, far)
        else:
            x1 = max(x1, far)
        label = None
        if br.label is not None:
            wrap = max(240.0, (x1 - x0) if horizontal else 0.0)  # under a long range, one line as long as it
            label = ctx.text_lines(ctx.t(br.label), ctx.size("small"), wrap, 400, br.role,
                                   meta=Meta(el.id, br.role, ctx.src(bpath + ("label",)), "chain-brace-label"))
        prims, (_, _, ex, ey) = brace_prims((x0, y0, x1, y1), "bottom" if horizontal else "right", label, br.role,
                                            ctx, Meta(el.id, br.role, ctx.src(bpath), "chain-brace"))
        items += prims
        far = max(far, (ey if horizontal else ex))
    if el.braces:
        far = max(far, c + band / 2 + BRACE_ROOM)
    if p.head is not None:
        hx, hy = ((sizes.head - 16.0 - p.head.w, c - p.head.h / 2) if horizontal
                  else (c - p.head.w / 2, 0.0))
        items += p.head.moved(hx, hy).items
    if p.note is not None:
        nx, ny = (sizes.notes_at, c - p.note.h / 2) if horizontal else (c - p.note.w / 2, sizes.notes_at)
        items += p.note.moved(nx, ny).items
        if horizontal:
            far = max(far, c + p.note.h / 2)
    if p.head is not None and horizontal:
        far = max(far, c + p.head.h / 2)
    across = far
    length = max(sizes.length, centres[-1] + sizes.slots[len(el.nodes) - 1] / 2 if centres else 0.0)
    w, h = (length, across) if horizontal else (across, length)
    out = Block(max(w, min_w), max(h, min_h), [Group(tuple(items), Meta(el.id, None, src, "chain"))], anchors)
    out.obstacles += list(anchors.values())
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, w, h, "rect", src)
    if horizontal:
        out.spine = (None, c)
    else:
        out.spine = (c, None)
    return out
