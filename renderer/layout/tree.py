"""Layout of the `tree` element kind: tidy placement, node boxes with values, labelled edges, kept/pruned styles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..scene import Ellipse, Group, Line, Meta, Polygon, Prim, Rect, Style, shift
from ..spec.elements.tree import MAX_TREE_NODES, TokenNode, Tree, TreeItem, TreeNode
from ..spec.errors import Problem, SpecError
from ..spec.models_base import I18n
from .badges import clearance, corner_marks
from .base import Anchor, Block, Ctx, register
from .edge_paths import SQUIGGLE_AMPLITUDE, squiggle
from .edges import slanted, turned_label
from .tree_levels import with_levels
from .tree_tidy import TidyNode, tidy

ROOT_TOKEN = "<s>"
BADGE_TEXT_GAP = 5.0  # px more between a node's text and its corner badge than a box leaves (small tree nodes)
DOT = 12.0  # diameter of a `dot` node (an action in a backup diagram)
DOT_GAP = 4.0  # between a dot and its label
STOP = 0.78  # side of an `eos` node's stop marker (an octagon), in units of the label size
STOP_GAP = 5.0  # between the stop marker and the label


def octagon(cx: float, cy: float, r: float) -> tuple[tuple[float, float], ...]:
    """A regular octagon (a stop sign) with flat sides, its inscribed radius r."""
    R = r / math.cos(math.pi / 8)
    angles = [math.pi / 8 * (2 * k + 1) for k in range(8)]
    return tuple((round(cx + R * math.cos(a), 3), round(cy + R * math.sin(a), 3)) for a in angles)


def shape_of(n: _N, el: Tree) -> str:
    """The node's shape: its own, else the tree's."""
    return n.shape or el.node_shape


def _round(n: _N, el: Tree) -> bool:
    """Drawn as a disc (edges end on its rim)."""
    return shape_of(n, el) in ("circle", "dot")


def _fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


@dataclass
class _N:
    """A node during layout."""

    label: str
    names: tuple[str, ...]  # what a highlight path may call it: id, label (every language)
    value: str | None
    edge: str | None
    role: str | None
    kept: bool
    pruned: bool
    id: str | None
    path: tuple
    children: list[_N] = field(default_factory=list)
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0  # top-left, in the tree's block
    y: float = 0.0
    anchor: str | None = None
    ghost: bool = False  # a node of a shared layout this tree lacks: a faint dashed outline
    badge: str | None = None  # an icon badge on the node's top-right corner
    value_role: str | None = None  # text colour of the value line (None: text-soft)
    cut: bool = False  # the end of a `pruned` path (the cut itself; its subtree is only inherited-pruned)
    shape: str | None = None  # the node's own shape (None: the tree's node_shape)
    squiggle: bool = False  # the edge from its parent is a rollout: a wavy line with an arrowhead


@dataclass(frozen=True)
class SharedLayout:
    """One placement of the union of a layout group's nodes (by node id), for every tree in the group."""

    boxes: dict[str, tuple[float, float, float, float]]  # node id -> x, y, w, h in the tree's block
    parent: dict[str, str | None]  # node id -> its parent's id (None for the root), in first-seen order
    w: float
    h: float


def _text(v: object, fmt: str, ctx: Ctx) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format(v, fmt)
    return ctx.t(v)  # type: ignore[arg-type]


def _names(v: object, nid: str | None, fmt: str) -> tuple[str, ...]:
    out = [nid] if nid else []
    if isinstance(v, I18n):
        out += [v.en, v.zh]
    elif isinstance(v, float):
        out.append(format(v, fmt))
    else:
        out.append(str(v))
    return tuple(out)


def _from_node(n: TreeNode | str, path: tuple, ctx: Ctx, fmt: str, count: list[int]) -> _N:
    if isinstance(n, str):
        raise _fail(ctx, path, f"tree node is still the text {n[:60]!r} (expected a node mapping {{label, value, "
                               "edge, children}}, or a {{ placeholder }} bound to one by a compute result)")
    count[0] += 1
    if count[0] > MAX_TREE_NODES:
        raise _fail(ctx, path, f"tree has more than {MAX_TREE_NODES} nodes (limit)")
    if isinstance(n.children, str):
        raise _fail(ctx, path + ("children",), f"children are still the text {n.children[:60]!r} (expected a "
                                               "list of nodes, or a {{ placeholder }} bound to one)")
    out = _N(_text(n.label, fmt, ctx), _names(n.label, n.id, fmt),
             None if n.value is None else _text(n.value, fmt, ctx),
             None if n.edge is None else _text(n.edge, fmt, ctx), n.role, n.kept, n.pruned, n.id, path,
             badge=n.badge, value_role=n.value_role, shape=n.shape, squiggle=n.edge_line == "squiggle")
    out.children = [_from_node(c, path + ("children", i), ctx, fmt, count) for i, c in enumerate(n.children)]
    return out


def _from_tokens(level: dict[str, TokenNode], path: tuple, fmt: str, count: list[int], ctx: Ctx) -> list[_N]:
    out = []
    for tok, entry in level.items():
        count[0] += 1
        if count[0] > MAX_TREE_NODES:
            raise _fail(ctx, path, f"tree has more than {MAX_TREE_NODES} nodes (limit)")
        here = path + (tok,)
        n = _N(tok, (tok,), None, format(entry.p, fmt), None, False, False, None, here)
        n.children = _from_tokens(entry.next or {}, here + ("next",), fmt, count, ctx)
        out.append(n)
    return out


def _build(item: TreeItem, ipath: tuple, ctx: Ctx, fmt: str) -> _N:
    """The item's node tree, with highlight/pruned/dim_rest applied."""
    count = [0]
    if item.root is not None:
        root = _from_node(item.root, ipath + ("root",), ctx, fmt, count)
    else:
        if isinstance(item.tokens, str):
            raise _fail(ctx, ipath + ("tokens",), f"tokens are still the text {item.tokens[:60]!r} (expected a "
                                                  "next-token table {token: {p, next}}, or a placeholder bound to one)")
        prompt = ctx.t(item.prompt) if item.prompt is not None else ROOT_TOKEN
        root = _N(prompt, (prompt,), None, None, None, False, False, None, ipath + ("prompt",))
        root.children = _from_tokens(item.tokens or {}, ipath + ("tokens",), fmt, count, ctx)
    for p in _paths(item.highlight, ipath + ("highlight",), ctx):
        root.kept = True
        for n in _walk_path(root, p, ipath + ("highlight",), ctx):
            n.kept = True
    keep = {id(root)} if item.keep else set()
    for p in _paths(item.keep, ipath + ("keep",), ctx):
        keep |= {id(n) for n in _walk_path(root, p, ipath + ("keep",), ctx)}
    for p in _paths(item.pruned, ipath + ("pruned",), ctx):
        nodes = _walk_path(root, p, ipath + ("pruned",), ctx)
        if nodes:
            nodes[-1].pruned = nodes[-1].cut = True
    _spread(root, item.dim_rest, False, keep)
    _mark(root, item, ipath, ctx)
    return root


def _mark(root: _N, item: TreeItem, ipath: tuple, ctx: Ctx) -> None:
    """Give the nodes each mark names its role and shape; an id no node has is a located error."""
    by_id = {n.id: n for n in _all(root) if n.id}
    for k, m in enumerate(item.marks or []):
        mp = ipath + ("marks", k, "ids")
        if isinstance(m.ids, str):
            raise _fail(ctx, mp, f"mark ids are still the text {m.ids[:60]!r} (expected a list of node ids, or a "
                                 "{{ placeholder }} bound to one)")
        for nid in m.ids:
            n = by_id.get(str(nid))
            if n is None:
                raise _fail(ctx, mp, f"mark names node '{nid}', which this tree does not have (expected one of: "
                                     f"{', '.join(sorted(by_id)[:12])}{', …' if len(by_id) > 12 else ''})")
            n.role = m.role or n.role
            n.shape = m.shape or n.shape


def _paths(v: list | str | None, path: tuple, ctx: Ctx) -> list[list[str]]:
    if v is None:
        return []
    if isinstance(v, str):
        raise _fail(ctx, path, f"path is still the text {v[:60]!r} (expected a list of labels, or a placeholder "
                               "bound to one)")
    if v and all(isinstance(x, list) for x in v):
        return [[str(s) for s in p] for p in v]
    return [[str(s) for s in v]]


def _walk_path(root: _N, p: list[str], path: tuple, ctx: Ctx) -> list[_N]:
    """The nodes named by a path from the root (each step: a child's id or label)."""
    out, here = [], root
    for k, name in enumerate(p):
        nxt = next((c for c in here.children if c.id == name), None) or \
            next((c for c in here.children if name in c.names), None)
        if nxt is None:
            if k == 0 and name in root.names:
                continue  # the path may start with the root itself
            have = ", ".join(repr(c.label) for c in here.children) or "none: a leaf"
            raise _fail(ctx, path, f"path step {name!r} is not a child of {here.label!r} (its children: {have})")
        out.append(nxt)
        here = nxt
    return out


def _spread(n: _N, dim_rest: bool, pruned: bool, keep: set[int]) -> None:
    """Pruned is inherited by a subtree; dim_rest prunes what no highlight or keep path reaches."""
    n.pruned = n.pruned or pruned or (dim_rest and not n.kept and id(n) not in keep)
    for c in n.children:
        _spread(c, dim_rest, n.pruned, keep)


def _all(n: _N) -> list[_N]:
    out, stack = [], [n]
    while stack:
        m = stack.pop()
        out.append(m)
        stack += reversed(m.children)
    return out


@dataclass
class _Look:
    """Resolved sizes and options shared by every node of the element."""

    el: Tree
    ctx: Ctx
    src: str | None
    pad: float
    size: float
    small: float
    label_size: float


def look_of(el: Tree, path: tuple, ctx: Ctx) -> _Look:
    """The tree element's sizes in the theme."""
    return _Look(el, ctx, ctx.src(path), ctx.sp("padding"), ctx.size("body"), ctx.size("small"), ctx.size("edge_label"))


def _node_roles(n: _N, el: Tree) -> tuple[str, str | None, str]:
    """(fill role, outline role, text role) of a node."""
    if n.ghost:
        return "white", "removed", "removed"
    fill = n.role or ("kept-bg" if n.kept else "light" if n.pruned else el.node_role)
    outline = "kept" if n.kept else "removed" if n.pruned else None
    return fill, outline, "removed" if n.pruned else "text"


def _measure(nodes: list[_N], look: _Look) -> dict[int, Block]:
    """Text blocks of every node; sets node sizes (uniform height; uniform diameter for circles)."""
    ctx, el = look.ctx, look.el
    blocks: dict[int, Block] = {}
    max_w = ctx.sp("box_max_width")
    for n in nodes:
        fill, _, trole = _node_roles(n, el)
        fill = None if n.ghost or shape_of(n, el) == "dot" else fill  # a dot's label stands beside it
        trole = trole if n.pruned else ctx.readable(fill, trole)
        parts = [ctx.text_lines(n.label or "\u00a0", look.size, max_w, 700 if n.kept else 400, trole,
                                meta=Meta(n.anchor or el.id, trole, ctx.src(n.path), "tree-text"))]
        if n.value is not None:
            vrole = "removed" if n.pruned else n.value_role or ctx.readable(fill, "text-soft", 3.0)
            parts.append(ctx.text_lines(n.value, look.small, max_w, 400, vrole,
                                        meta=Meta(n.anchor or el.id, vrole, ctx.src(n.path), "tree-value")))
        tw = max(p.w for p in parts)
        b = Block(tw, 0)
        for p in parts:
            b.add(p, (tw - p.w) / 2, b.h)
            b.h += p.h
        blocks[id(n)] = b
    vpad = look.pad * 0.5
    h = max(b.h for b in blocks.values()) + 2 * vpad
    diam = max(math.hypot(b.w, b.h) for b in blocks.values()) + look.pad * 0.6
    for n in nodes:
        b = blocks[id(n)]
        shape = shape_of(n, el)
        if shape == "dot":  # the label beside the disc, room kept on both sides so the disc stays centred
            beside = b.w + DOT_GAP if n.label else 0.0
            if el.direction == "down":
                n.w, n.h = DOT + 2 * beside, max(DOT, b.h if n.label else 0.0)
            else:
                n.w, n.h = max(DOT, b.w), DOT + 2 * (b.h + DOT_GAP if n.label else 0.0)
            continue
        if shape == "circle":
            n.w = n.h = max(diam, h)
        elif shape == "pill":
            n.w, n.h = max(b.w + h, h * 1.6), h
        elif shape == "eos":  # a pill holding a stop marker and the label
            n.w, n.h = max(b.w + look.size * STOP + STOP_GAP + h, h * 1.6), h
        else:
            n.w, n.h = max(b.w + 2 * look.pad, look.size * 2), h
        if n.badge and shape != "circle":  # the text keeps clear of the badge, and stays centred
            n.w = max(n.w, b.w + 2 * (clearance(None, n.badge, ctx) + BADGE_TEXT_GAP))
        if el.node_min_width and shape != "circle":
            n.w = max(n.w, el.node_min_width)
    return blocks


def _place(root: _N, look: _Look) -> tuple[float, float]:
    """Tidy positions of every node (sets x, y); returns the tree's size."""
    ctx, el = look.ctx, look.el
    down = el.direction == "down"
    gap = el.sibling_gap if el.sibling_gap is not None else ctx.sp("gap")
    lab_h = look.label_size * ctx.sp("line_height")

    def label_w(n: _N) -> float:
        return ctx.metrics.width(n.edge, look.label_size) + 6 if n.edge else 0.0

    tnodes: dict[int, TidyNode] = {}

    def conv(n: _N) -> TidyNode:
        half = (n.w if down else n.h) / 2
        if n.edge:  # room for the labels of neighbouring sibling edges (they meet at half the spacing)
            half = max(half, (label_w(n) if down else lab_h) + 4 - gap / 2)
        t = TidyNode(half, [conv(c) for c in n.children])
        tnodes[id(n)] = t
        return t

    t = conv(root)
    lo, _hi = tidy(t, gap)
    nodes = _all(root)
    depth: dict[int, int] = {id(root): 0}
    for n in nodes:
        for c in n.children:
            depth[id(c)] = depth[id(n)] + 1
    levels = max(depth.values()) + 1
    extent = [0.0] * levels  # depth-axis size of each level
    for n in nodes:
        d = depth[id(n)]
        extent[d] = max(extent[d], n.h if down else n.w)
    has_labels = any(n.edge for n in nodes)
    elbow = el.edge_style == "elbow"  # an elbow's label sits on its last half of the gap: twice the room
    widest = max((label_w(n) for n in nodes), default=0)
    if el.level_gap is not None:
        lg = el.level_gap
    elif down:
        need = (2 * lab_h + 16 if elbow else 2 * lab_h + 10) if has_labels else 0
        lg = max(ctx.sp("gap") * 2.25, need)
    else:
        lg = max(ctx.sp("gap") * 2.5, (2 * widest if elbow else widest) + 28)
    start = [0.0] * levels
    for d in range(1, levels):
        start[d] = start[d - 1] + extent[d - 1] + lg
    # the breadth extent from the tidy contours misses nothing; shift so it starts at 0
    bmin = min(min(tnodes[id(n)].pos - (n.w if down else n.h) / 2 for n in nodes), lo)
    for n in nodes:
        b = tnodes[id(n)].pos - bmin
        d = depth[id(n)]
        if down:
            n.x, n.y = b - n.w / 2, start[d] + (extent[d] - n.h) / 2
        else:
            n.x, n.y = start[d] + (extent[d] - n.w) / 2, b - n.h / 2  # centred in its level, as `down` does
    w = max(n.x + n.w for n in nodes)
    h = max(n.y + n.h for n in nodes)
    return w, h


def _draw(root: _N, look: _Look, blocks: dict[int, Block], path_arrows: str = "none") -> Block:
    """Edges (normal, pruned, then kept on top; `path_arrows` heads on the kept ones), labels, then nodes."""
    ctx, el = look.ctx, look.el
    down = el.direction == "down"
    out = Block(0, 0)
    sw = ctx.theme.stroke["edge"]
    edges: list[tuple[int, list[Prim]]] = []
    for n in _all(root):
        for c in n.children:
            if down:
                p0, p1 = (n.x + n.w / 2, n.y + n.h), (c.x + c.w / 2, c.y)
            else:
                p0, p1 = (n.x + n.w, n.y + n.h / 2), (c.x, c.y + c.h / 2)
            elbow = el.edge_style == "elbow"
            if _round(n, el) and not elbow:
                p0 = _on_circle(n, p1, el)
            if _round(c, el) and not elbow:
                p1 = _on_circle(c, p0, el)
            pts = _elbow(p0, p1, _trunk(n, el), down) if el.edge_style == "elbow" else (p0, p1)
            kept, pruned = n.kept and c.kept, c.pruned or c.ghost
            role = "kept" if kept else "removed" if pruned else "arrow"
            dashed = pruned and not (c.cut and el.cut_style == "solid")
            eid = f"{el.id or 'tree'}.edge-{len(edges)}"  # one id per edge: the checker tells labels apart
            meta = Meta(eid, role, ctx.src(c.path), "ghost-edge" if c.ghost else "edge")
            style = Style(stroke=ctx.color(role), stroke_width=sw * (1.6 if kept else 1.0),
                          dash=(4, 3) if dashed else None, opacity=GHOST_OPACITY if c.ghost else 1.0)
            up = kept and path_arrows == "up"  # drawn child → parent, its head at the parent
            drawn = tuple(pts[::-1] if up else pts)
            wave = squiggle(list(drawn)) if c.squiggle else ()
            prims: list[Prim] = [Line(drawn, style, arrow_end=el.arrows or (kept and path_arrows != "none") or
                                      bool(wave), meta=meta, cmds=wave)]
            if c.edge:
                lrole = "kept" if kept else "removed" if pruned else "text-soft"
                lab = ctx.text_lines(c.edge, look.label_size, None, 700 if kept else 400, lrole,
                                     meta=Meta(eid, lrole, ctx.src(c.path + ("edge",)), "edge-label"))
                if el.label_rotate and not wave and slanted([pts[-2], p1]):  # laid along the edge, beside it
                    nodes = [Anchor(m.x, m.y, m.w, m.h) for m in _all(root)]
                    _, turned = turned_label([pts[-2], p1], lab, nodes, ctx, eid, ctx.src(c.path + ("edge",)))
                    prims += turned
                    edges.append((2 if kept else 0 if pruned else 1, prims) if not c.ghost else (-1, prims))
                    continue
                mx, my = (pts[-2][0] + p1[0]) / 2, (pts[-2][1] + p1[1]) / 2
                bx, by = mx - lab.w / 2, my - lab.h / 2
                if wave:  # beside the wavy line, which a label on it would hide
                    bx, by = (mx + SQUIGGLE_AMPLITUDE + 6, by) if down else (bx, my - lab.h - SQUIGGLE_AMPLITUDE - 4)
                prims.append(Rect(bx - 3, by, lab.w + 6, lab.h, 3, Style(fill=ctx.color("white")),
                                  Meta(eid, "white", ctx.src(c.path + ("edge",)), "edge-label-bg")))
                prims += lab.moved(bx, by).items
            edges.append((2 if kept else 0 if pruned else 1, prims) if not c.ghost else (-1, prims))
    for _, prims in sorted(edges, key=lambda e: e[0]):
        out.items += prims
    for n in _all(root):
        out.items.append(_node_prims(n, look, blocks[id(n)]))
    return out


def _trunk(n: _N, el: Tree) -> float:
    """Where the elbow edges out of `n` turn: halfway between `n` and its nearest child, across the levels."""
    if el.direction == "down":
        return (n.y + n.h + min(c.y for c in n.children)) / 2
    return (n.x + n.w + min(c.x for c in n.children)) / 2


def _elbow(p0: tuple[float, float], p1: tuple[float, float], trunk: float,
           down: bool) -> tuple[tuple[float, float], ...]:
    """An orthogonal edge p0 → p1 turning twice on the trunk line (y = trunk in a `down` tree, else x)."""
    mid = ((p0[0], trunk), (p1[0], trunk)) if down else ((trunk, p0[1]), (trunk, p1[1]))
    return tuple(dict.fromkeys((p0, *mid, p1)))  # no zero-length legs (a child in line with its parent)


def _on_circle(n: _N, toward: tuple[float, float], el: Tree) -> tuple[float, float]:
    """Where the line from the disc's centre toward a point leaves its rim."""
    cx, cy = n.x + n.w / 2, n.y + n.h / 2
    d = math.hypot(toward[0] - cx, toward[1] - cy) or 1.0
    r = DOT / 2 if shape_of(n, el) == "dot" else n.w / 2
    return (cx + (toward[0] - cx) * r / d, cy + (toward[1] - cy) * r / d)


def _node_prims(n: _N, look: _Look, text: Block) -> Group:
    ctx, el = look.ctx, look.el
    fill, outline, _ = _node_roles(n, el)
    meta = Meta(n.anchor or el.id, fill, ctx.src(n.path), "ghost" if n.ghost else "node")  # node: box-like
    style = Style(fill=None if n.ghost else ctx.color(fill), stroke=ctx.color(outline) if outline else None,
                  stroke_width=ctx.theme.stroke["width"] * (1.6 if n.kept else 1.0),
                  dash=(4, 3) if (n.pruned and not (n.cut and el.cut_style == "solid") or n.ghost) and not n.kept
                  else None,
                  opacity=GHOST_OPACITY if n.ghost else 1.0)
    kind = shape_of(n, el)
    cx, cy = n.x + n.w / 2, n.y + n.h / 2
    if kind == "dot":  # filled with the outline's colour (or the text's), the label beside it
        ink = ctx.color(outline or ("removed" if n.pruned else "text"))
        shape: Prim = Ellipse(cx, cy, DOT / 2, DOT / 2, Style(fill=ink, opacity=style.opacity), meta)
        if el.direction == "down":
            t = text.moved(cx + DOT / 2 + DOT_GAP, cy - text.h / 2)
        else:
            t = text.moved(cx - text.w / 2, cy - DOT / 2 - DOT_GAP - text.h)
        disc = Group((shape,), meta)  # the node (edges and checks see the disc); its label stands beside it
        if not n.label:
            return disc
        return Group((disc, Group(tuple(t.items), Meta(n.anchor or el.id, None, ctx.src(n.path), "dot-label"))),
                     Meta(n.anchor or el.id, None, ctx.src(n.path), "dot-node"))
    if kind == "circle":
        shape = Ellipse(cx, cy, n.w / 2, n.h / 2, style, meta)
    else:
        rx = {"round": ctx.theme.stroke["radius"], "rect": 0.0, "pill": n.h / 2, "eos": n.h / 2}[kind]
        shape = Rect(n.x, n.y, n.w, n.h, min(rx, n.h / 2), style, meta)
    t = text.moved(n.x + (n.w - text.w) / 2, n.y + (n.h - text.h) / 2)
    marks = [shift(p, n.x, n.y) for p in corner_marks(None, n.badge, None, n.w, meta, ctx)] if n.badge else []
    if kind == "eos":  # the stop marker and the label, centred together
        side = look.size * STOP
        x0 = n.x + (n.w - side - STOP_GAP - text.w) / 2
        ink = ctx.color(outline or ("removed" if n.pruned else "text"))
        stop = Polygon(octagon(x0 + side / 2, cy, side / 2), Style(fill=ink, opacity=style.opacity),
                       Meta(n.anchor or el.id, None, ctx.src(n.path), "eos-stop"))
        t = text.moved(x0 + side + STOP_GAP, n.y + (n.h - text.h) / 2)
        return Group((shape, stop, *t.items, *marks), meta)
    return Group((shape, *t.items, *marks), meta)


def measured(item: TreeItem, ipath: tuple, el: Tree, path: tuple, ctx: Ctx, look: _Look
             ) -> tuple[_N, dict[int, Block]]:
    """The item's nodes with their anchors and sizes, and the text block of each."""
    root = _build(item, path + ipath, ctx, el.format)
    prefix = ".".join(p for p in (el.id, item.id) if p)
    for n in _all(root):
        if n.id:
            n.anchor = f"{prefix}.{n.id}" if prefix else n.id
    return root, _measure(_all(root), look)


def _one(item: TreeItem, ipath: tuple, el: Tree, path: tuple, ctx: Ctx, look: _Look) -> tuple[Block, _N]:
    root, blocks = measured(item, ipath, el, path, ctx, look)
    shared = ctx.shared.get(el.layout) if el.layout else None
    if shared is None:
        w, h = _place(root, look)
    else:
        w, h = _place_shared(root, shared, el.ghosts)
        blocks.update({id(n): Block(0, 0) for n in _all(root) if n.ghost})
    b = _draw(root, look, blocks, item.path_arrows or el.path_arrows)
    b.w, b.h = w, h
    for n in _all(root):
        if n.ghost:
            continue
        if shape_of(n, el) == "dot":  # edges end at the disc, not at the room kept for its label
            a = Anchor(n.x + n.w / 2 - DOT / 2, n.y + n.h / 2 - DOT / 2, DOT, DOT, "ellipse", ctx.src(n.path))
        else:
            a = Anchor(n.x, n.y, n.w, n.h, "ellipse" if shape_of(n, el) == "circle" else "rect", ctx.src(n.path))
        if n.anchor:
            b.anchors[n.anchor] = a
        b.obstacles.append(a)
    if el.levels:
        b = with_levels(b, root, [ctx.t(t) for t in el.levels], el.direction == "right", path + ("levels",), ctx,
                        el.id)
    return b, root


GHOST_OPACITY = 0.45


def _place_shared(root: _N, shared: SharedLayout, ghosts: bool) -> tuple[float, float]:
    """Every node at its box in the group's layout; with `ghosts`, the union's other nodes as ghosts."""
    have = {n.id: n for n in _all(root)}
    for n in have.values():
        n.x, n.y, n.w, n.h = shared.boxes[n.id]  # type: ignore[index]
    if ghosts:
        for nid, pid in shared.parent.items():  # first-seen order: a parent comes before its children
            if nid in have or pid is None:
                continue
            g = _N("", (), None, None, None, False, False, None, have[pid].path, ghost=True)
            g.x, g.y, g.w, g.h = shared.boxes[nid]
            have[pid].children.append(g)
            have[nid] = g
    return shared.w, shared.h


@register("tree")
def layout_tree(el: Tree, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """One tree, or several side by side with captions underneath on a common line."""
    if el.ghosts and not el.layout:
        raise _fail(ctx, path + ("ghosts",), "`ghosts` draws the nodes of a shared layout this tree lacks "
                                             "(expected `layout: <name>` with it)")
    look = look_of(el, path, ctx)
    parts = []
    for item, ipath in el.items():
        b, _ = _one(item, ipath, el, path, ctx, look)
        cap = None
        if item.caption is not None:
            cpath = path + ipath + ("caption",)
            cap = ctx.text_lines(ctx.t(item.caption), ctx.size("body"), max(b.w, 220), 700, "text-soft",
                                 meta=Meta(el.id, "text-soft", ctx.src(cpath), "tree-caption"))
        parts.append((b, cap))
    gap = el.tree_gap if el.tree_gap is not None else ctx.sp("gap") * 3
    body_h = max(b.h for b, _ in parts)
    cap_gap = ctx.sp("gap")
    cap_h = max((c.h for _, c in parts if c), default=0.0)
    cols = [max(b.w, c.w if c else 0.0) for b, c in parts]
    cw = sum(cols) + gap * (len(parts) - 1)
    ch = body_h + (cap_gap + cap_h if cap_h else 0.0)
    w, h = max(cw, min_w), max(ch, min_h)
    out = Block(w, h)
    x, y0 = (w - cw) / 2, (h - ch) / 2
    for (b, cap), col in zip(parts, cols, strict=True):
        out.add(b, x + (col - b.w) / 2, y0)
        if cap:
            out.add(cap, x + (col - cap.w) / 2, y0 + body_h + cap_gap)
        x += col + gap
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, w, h, "rect", ctx.src(path))
    return out
