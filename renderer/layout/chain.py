"""Layout of the `chain` element kind: states (circles), actions (dots), boxes and terminals (filled squares)
in a line, joined by arrows carrying labels (rewards), with values under the nodes and braces under ranges.

Along the chain everything is measured first (`measure`: one slot per node, one gap per step); chains of one
column share the largest slot and gap of each index (chain_share.py), so node k sits at one x in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scene import Ellipse, Group, Line, Meta, Path, Prim, Rect, Style
from ..spec.elements.chain import Chain, ChainNode, ChainStep
from ..spec.errors import Problem, SpecError
from .annotations import DEPTH as BRACE_DEPTH
from .annotations import GAP as BRACE_GAP
from .annotations import brace_cmds
from .base import Anchor, Block, Ctx

DOT = 12.0  # diameter of an action's dot
DOT_GAP = 4.0  # between a dot and its label
LABEL_GAP = 4.0  # between an arrow and its label, a node and its value
LABEL_PAD = 8.0  # an arrow is this much longer than its label on each side
HEAD_GAP = 16.0  # between the heading and node 0
NOTE_GAP = 24.0  # between the last node of the longest chain and the notes
ELIDE = 22.0  # the ⋯ mark inside an eliding arrow (three dots and the space round them)
ELIDE_DOT = 1.7  # radius of an elision dot


@dataclass
class Sizes:
    """Extents along the chain (main axis) of its parts; what chains of one column share."""

    slots: list[float]  # node k's slot
    gaps: list[float]  # step k's arrow region, between slot k and slot k + 1
    head: float = 0.0  # the heading's extent (with HEAD_GAP), before node 0
    note: float = 0.0  # the note's extent, after the notes' start
    diam: float = 0.0  # one diameter for every state circle and terminal square

    def merged(self, o: Sizes) -> Sizes:
        """The larger of each extent (the longer list where one chain is longer)."""
        def mx(a: list[float], b: list[float]) -> list[float]:
            return [max(a[i] if i < len(a) else 0.0, b[i] if i < len(b) else 0.0) for i in range(max(len(a), len(b)))]
        return Sizes(mx(self.slots, o.slots), mx(self.gaps, o.gaps), max(self.head, o.head), max(self.note, o.note),
                     max(self.diam, o.diam))

    def centres(self) -> list[float]:
        """Main-axis centre of every slot."""
        out, at = [], self.head
        for k, s in enumerate(self.slots):
            out.append(at + s / 2)
            at += s + (self.gaps[k] if k < len(self.gaps) else 0.0)
        return out

    @property
    def notes_at(self) -> float:
        """Where the notes start: after the last slot."""
        return self.head + sum(self.slots) + sum(self.gaps[:max(len(self.slots) - 1, 0)]) + NOTE_GAP

    @property
    def length(self) -> float:
        return self.notes_at + self.note if self.note else self.notes_at - NOTE_GAP


def fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


def _txt(ctx: Ctx, v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return format(v, "g")
    return ctx.t(v)  # type: ignore[arg-type]


@dataclass
class Parts:
    """Measured text blocks of one chain."""

    labels: list[Block | None] = field(default_factory=list)
    values: list[Block | None] = field(default_factory=list)
    steps: list[Block | None] = field(default_factory=list)
    head: Block | None = None
    note: Block | None = None


def shape(el: Chain, n: ChainNode) -> str:
    return n.shape or el.node_shape


def fill_of(el: Chain, n: ChainNode) -> str:
    k = shape(el, n)
    return n.role or ("muted" if k == "terminal" else "text" if k == "action" else el.node_role)


def step_of(el: Chain, k: int) -> ChainStep | None:
    return el.steps[k] if k < len(el.steps) else None


def parts(el: Chain, path: tuple, ctx: Ctx) -> Parts:
    """Every text of the chain, measured (node labels in their fill's readable colour)."""
    if len(el.steps) > len(el.nodes) - 1:
        raise fail(ctx, path + ("steps", len(el.nodes) - 1 if el.nodes else 0),
                   f"a chain of {len(el.nodes)} nodes has {len(el.nodes) - 1} steps between them (got "
                   f"{len(el.steps)} `steps`; step i joins node i to node i + 1)")
    body, small, lab = ctx.size("body"), ctx.size("small"), ctx.size("edge_label")
    p = Parts()
    for i, n in enumerate(el.nodes):
        npath = path + ("nodes", i)
        text = _txt(ctx, n.label)
        fill = None if shape(el, n) == "action" else fill_of(el, n)
        role = ctx.readable(fill, "text")
        p.labels.append(ctx.text_lines(text, body, None, 400, role, meta=Meta(el.id, role, ctx.src(npath),
                                                                                "chain-label")) if text else None)
        v = _txt(ctx, n.value)
        vrole = n.value_role or "text-soft"
        p.values.append(ctx.text_lines(v, small, None, 400, vrole, meta=Meta(el.id, vrole, ctx.src(npath + ("value",)),
                                                                             "chain-value")) if v else None)
    for k in range(len(el.nodes) - 1):
        s = step_of(el, k)
        t = _txt(ctx, s.label) if s else ""
        p.steps.append(ctx.text_lines(t, lab, None, 400, "text", meta=Meta(f"{el.id or 'chain'}.step-{k}", "text",
                       ctx.src(path + ("steps", k, "label")), "edge-label")) if t else None)
    if el.label is not None:
        p.head = ctx.text_lines(ctx.t(el.label), ctx.size("heading"), 200, 700, "text",
                                "end" if el.direction == "horizontal" else "center",
                                meta=Meta(el.id, "text", ctx.src(path + ("label",)), "text"))
    if el.note is not None:
        p.note = ctx.text_lines(ctx.t(el.note), body, ctx.sp("text_max_width"), 400, "text", "start",
                                meta=Meta(el.id, "text", ctx.src(path + ("note",)), "text"))
    return p


def diam_of(el: Chain, p: Parts, ctx: Ctx) -> float:
    """Diameter of the state circles: the widest state label fits, at least two lines of body text high."""
    pad = ctx.sp("padding")
    d = ctx.size("body") * 2.5
    for n, b in zip(el.nodes, p.labels, strict=True):
        if b is not None and shape(el, n) in ("state", "terminal"):
            d = max(d, max(b.w, b.h) + pad * 1.2)
    return d


def node_size(el: Chain, n: ChainNode, b: Block | None, diam: float, ctx: Ctx) -> tuple[float, float]:
    """(w, h) of the node's shape."""
    k = shape(el, n)
    if k == "action":
        return DOT, DOT
    if k == "box":
        pad = ctx.sp("padding")
        return (b.w if b else 0) + 2 * pad, max((b.h if b else 0) + pad, diam * 0.8)
    return diam, diam


def measure(el: Chain, path: tuple, ctx: Ctx, p: Parts | None = None) -> Sizes:
    """The chain's extents along its axis, alone (`p`: its texts, when already measured)."""
    p = p or parts(el, path, ctx)
    diam = diam_of(el, p, ctx)
    horizontal = el.direction == "horizontal"
    slots = []
    for n, b, v in zip(el.nodes, p.labels, p.values, strict=True):
        w, h = node_size(el, n, b, diam, ctx)
        if horizontal:
            slots.append(max(w, b.w if b and shape(el, n) == "action" else 0.0, v.w if v else 0.0))
        else:
            slots.append(max(h, b.h if b and shape(el, n) == "action" else 0.0, v.h if v else 0.0))
    gaps = []
    for k, b in enumerate(p.steps):
        s = step_of(el, k)
        need = ((b.w if horizontal else b.h) + 2 * LABEL_PAD) if b else 0.0
        gaps.append(max(el.step_length, need) + (ELIDE if s and s.elide else 0.0))
    head = ((p.head.w if horizontal else p.head.h) + HEAD_GAP) if p.head else 0.0
    note = (p.note.w if horizontal else p.note.h) if p.note else 0.0
    return Sizes(slots, gaps, head, note, diam)


def share_key(path: tuple) -> str:
    """The key of a chain's shared sizes in `ctx.shared`."""
    return "chain@" + "/".join(map(str, path))


def node_prims(el: Chain, n: ChainNode, i: int, cx: float, cy: float, w: float, h: float, label: Block | None,
               ctx: Ctx, path: tuple) -> Prim:
    """The node's shape and label: a circle, a dot with its label beside it, a box, or a filled square."""
    k = shape(el, n)
    fill = fill_of(el, n)
    src = ctx.src(path + ("nodes", i))
    ident = f"{el.id}.{n.id or i}" if el.id else n.id
    meta = Meta(ident, fill, src, "node")  # the node's group: box-like for the checks
    mark = Meta(ident, fill, src, "chain-mark")  # its shape: what a legend `mark` sample explains
    line = Style(fill=ctx.color(fill), stroke=ctx.color("text"), stroke_width=ctx.theme.stroke["width"])
    if k == "action":
        disc = Group((Ellipse(cx, cy, DOT / 2, DOT / 2, Style(fill=ctx.color(fill)), mark),), meta)
        if label is None:
            return disc
        if el.direction == "horizontal":
            at = label.moved(cx - label.w / 2, cy - DOT / 2 - DOT_GAP - label.h)
        else:
            at = label.moved(cx - DOT / 2 - DOT_GAP - label.w, cy - label.h / 2)
        return Group((disc, Group(tuple(at.items), Meta(ident, None, src, "dot-label"))),
                     Meta(ident, None, src, "dot-node"))
    if k == "state":
        body: Prim = Ellipse(cx, cy, w / 2, h / 2, line, mark)
    else:
        rx = ctx.theme.stroke["radius"] if k == "box" else 2.0
        body = Rect(cx - w / 2, cy - h / 2, w, h, rx, line if k == "box" else Style(fill=ctx.color(fill)), mark)
    items: list[Prim] = [body]
    if label is not None:
        items += label.moved(cx - label.w / 2, cy - label.h / 2).items
    return Group(tuple(items), meta)


def elide_marks(cx: float, cy: float, horizontal: bool, ctx: Ctx, meta: Meta) -> list[Prim]:
    """Three small discs (⋯, or ⋮ along a vertical chain) centred on (cx, cy)."""
    style = Style(fill=ctx.color("text-soft"))
    step = 5.5
    return [Ellipse(cx + d * step if horizontal else cx, cy if horizontal else cy + d * step, ELIDE_DOT, ELIDE_DOT,
                    style, meta) for d in (-1, 0, 1)]


def arrow_prims(a: tuple[float, float], b: tuple[float, float], s: ChainStep | None, el: Chain, k: int,
                ctx: Ctx, path: tuple) -> list[Prim]:
    """The arrow of step k from a to b (with a ⋯ gap in its middle when it elides steps)."""
    role = (s.role if s and s.role else None) or el.step_role
    src = ctx.src(path + ("steps", k)) if s else ctx.src(path)
    meta = Meta(f"{el.id or 'chain'}.step-{k}", role, src, "edge")
    style = Style(stroke=ctx.color(role), stroke_width=ctx.theme.stroke["edge"],
                  dash=(5, 4) if s and s.dashed else None)
    if not (s and s.elide):
        return [Line((a, b), style, arrow_end=True, meta=meta)]
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    horizontal = el.direction == "horizontal"
    half = ELIDE / 2
    m0 = (mx - half, my) if horizontal else (mx, my - half)
    m1 = (mx + half, my) if horizontal else (mx, my + half)
    return [Line((a, m0), style, meta=meta), *elide_marks(mx, my, horizontal, ctx, Meta(meta.id, "text-soft", src,
                                                                                           "ellipsis")),
            Line((m1, b), style, arrow_end=True, meta=meta)]


def brace_prims(box: tuple[float, float, float, float], side: str, label: Block | None, role: str, ctx: Ctx,
                meta: Meta) -> tuple[list[Prim], tuple[float, float, float, float]]:
    """A brace along `side` of box and its label beyond the tip; and the box they take."""
    cmds, tip = brace_cmds(side, box)
    style = Style(stroke=ctx.color(role), stroke_width=ctx.theme.stroke["width"])
    items: list[Prim] = [Path(cmds, style, meta)]
    x0, y0, x1, y1 = box
    if side == "bottom":
        y1 = tip[1]
        if label is not None:
            items += label.moved(tip[0] - label.w / 2, tip[1] + LABEL_GAP).items
            x0, x1, y1 = min(x0, tip[0] - label.w / 2), max(x1, tip[0] + label.w / 2), tip[1] + LABEL_GAP + label.h
    else:
        x1 = tip[0]
        if label is not None:
            items += label.moved(tip[0] + LABEL_GAP, tip[1] - label.h / 2).items
            y0, y1, x1 = min(y0, tip[1] - label.h / 2), max(y1, tip[1] + label.h / 2), tip[0] + LABEL_GAP + label.w
    return items, (x0, y0, x1, y1)


BRACE_ROOM = BRACE_GAP + BRACE_DEPTH  # px a brace takes beyond the box it spans, before its label


def anchor_of(x: float, y: float, w: float, h: float, k: str, src: str | None) -> Anchor:
    return Anchor(x, y, w, h, "ellipse" if k in ("state", "action") else "rect", src)
