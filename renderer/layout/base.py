"""Layout building blocks: a Block is a laid-out element in local coordinates; kinds register here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..scene import Meta, Prim, Text, bbox, shift_seq, walk
from ..spec.models import Element, I18n
from ..spec.yamlpos import Located
from .markup import SCRIPT_SCALE, split_scripts
from .quotes import curly
from .text import Metrics, lone_cjk_mark
from .theme import Theme


@dataclass(frozen=True)
class Anchor:
    """Where an element with an id sits, for edges to attach to."""

    x: float
    y: float
    w: float
    h: float
    shape: str = "rect"  # rect | ellipse
    src: str | None = None
    # a spine port (`<container>.spine`): ports on the top/bottom sides sit at x = px, on the left/right at y = py
    px: float | None = None
    py: float | None = None

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def port_x(self) -> float:
        """Where a port on the top or bottom side sits by default."""
        return self.cx if self.px is None else self.px

    @property
    def port_y(self) -> float:
        """Where a port on the left or right side sits by default."""
        return self.cy if self.py is None else self.py

    def moved(self, dx: float, dy: float) -> Anchor:
        return Anchor(self.x + dx, self.y + dy, self.w, self.h, self.shape, self.src,
                      None if self.px is None else self.px + dx, None if self.py is None else self.py + dy)

    def grown(self, d: float) -> Anchor:
        """The same anchor `d` px larger on every side."""
        return Anchor(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d, self.shape, self.src, self.px, self.py)


@dataclass
class Block:
    """A laid-out element: size, primitives and anchors, all relative to its top-left corner."""

    w: float
    h: float
    items: list[Prim] = field(default_factory=list)
    anchors: dict[str, Anchor] = field(default_factory=dict)
    obstacles: list[Anchor] = field(default_factory=list)  # boxes edges should not cross
    # visible container outlines (panels, framed stacks) by spec path: a loop between two of its members
    # stays inside one (edges.py), growing its padding on that side through Ctx.grow when it must
    frames: list[tuple[tuple, Anchor]] = field(default_factory=list)
    # (x, y) of the centre lines of the block's inner chain when they are not its centre (a graph's main
    # column of nodes): a column lines its children up on these, and `.spine` ports use them
    spine: tuple[float | None, float | None] = (None, None)

    def moved(self, dx: float, dy: float) -> Block:
        """The same block shifted by (dx, dy); its primitives move when they are first read (see _items)."""
        out = Block(self.w, self.h, [], {k: a.moved(dx, dy) for k, a in self.anchors.items()},
                    [a.moved(dx, dy) for a in self.obstacles], [(k, a.moved(dx, dy)) for k, a in self.frames],
                    (None if self.spine[0] is None else self.spine[0] + dx,
                     None if self.spine[1] is None else self.spine[1] + dy))
        raw = self.__dict__["_items"]
        if raw:
            out.__dict__["_items"] = [_Placed(tuple(raw), dx, dy)]
            out.__dict__["_lazy"] = True
        return out

    def spine_at(self, axis: int) -> float:
        """The centre line of the inner chain along `axis` (0: x of a vertical chain, 1: y of a row)."""
        v = self.spine[axis]
        return (self.w if axis == 0 else self.h) / 2 if v is None else v

    def add(self, other: Block, dx: float, dy: float) -> None:
        """Place `other` at (dx, dy) inside this block."""
        m = other.moved(dx, dy)
        if m.__dict__["_items"]:
            self.__dict__["_items"] = self.__dict__["_items"] + m.__dict__["_items"]
            self.__dict__["_lazy"] = True
        self.anchors.update(m.anchors)
        self.obstacles += m.obstacles
        self.frames += m.frames


class _Placed(NamedTuple):
    """A placed block's entries (primitives or further _Placed), still to be moved by (dx, dy)."""

    entries: tuple
    dx: float
    dy: float


def _flatten(entries: list | tuple, moves: tuple, out: list[Prim]) -> None:
    for e in entries:
        if type(e) is _Placed:
            _flatten(e.entries, ((e.dx, e.dy), *moves), out)  # the innermost move first, as add applied them
        else:
            out.append(shift_seq(e, moves) if moves else e)


def _items(self: Block) -> list[Prim]:
    """A block's primitives. A block placed in another (add, moved) keeps its children's primitives unmoved
    with the offsets to apply; the list is built here, once, each primitive moved by all of them in turn, so
    the floats are those of moving it at every level, as layout did, without a copy per level."""
    d = self.__dict__
    if d.get("_lazy"):
        flat: list[Prim] = []
        _flatten(d["_items"], (), flat)
        d["_items"], d["_lazy"] = flat, False
    return d["_items"]


def _set_items(self: Block, items: list[Prim]) -> None:
    self.__dict__["_items"], self.__dict__["_lazy"] = items, False


Block.items = property(_items, _set_items)  # type: ignore[assignment]


@dataclass
class Ctx:
    """Everything a layout function needs: theme, metrics, language, and where the spec came from."""

    theme: Theme
    metrics: Metrics
    lang: str
    doc: Located | None = None
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # compute function -> (source, title)
    bar_pitch: float | None = None  # a bar chart laid on a column's tracks: px per category slot
    ground: str = "white"  # role of the fill behind what is laid out (a panel's role inside the panel)
    # extra padding (px) by side of the container at a spec path: room for a loop to stay inside it
    grow: dict[tuple, dict[str, float]] = field(default_factory=dict)

    # extra padding (px) by side of a panel at a spec path: room for a bridge on its border (bridge.py); set, not
    # added to, so a re-layout finds the same
    room: dict[tuple, dict[str, float]] = field(default_factory=dict)

    def pads(self, path: tuple, pad: float) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) padding of the container at `path`: `pad` plus what loops and bridges need."""
        g, r = self.grow.get(path, {}), self.room.get(path, {})
        return tuple(pad + g.get(s, 0.0) + r.get(s, 0.0)  # type: ignore[return-value]
                     for s in ("left", "top", "right", "bottom"))
    shared: dict[str, Any] = field(default_factory=dict)  # layout group -> its shared layout (tree_share.py)
    # frames of a sweep (frames.py): each element is laid out at least as large as in any frame (spec path -> w, h),
    # and the size it takes is recorded in `sizes`
    floors: dict[tuple, tuple[float, float]] = field(default_factory=dict)
    sizes: dict[tuple, tuple[float, float]] | None = None

    def t(self, text: str | I18n | None) -> str:
        """The text in the current language."""
        if text is None:
            return ""
        if isinstance(text, I18n):
            return getattr(text, self.lang)
        return str(text)

    def src(self, path: tuple) -> str | None:
        """`file:line:col` of a spec path."""
        if self.doc is None:
            return None
        memo = self.doc.__dict__.setdefault("_src_memo", {})  # asked for every primitive: once per path
        got = memo.get(path)
        if got is None:
            file, line, col = self.doc.locate(path)
            got = memo[path] = f"{file}:{line}:{col}"
        return got

    def size(self, name: str) -> float:
        return float(self.theme.sizes[name])

    def sp(self, name: str) -> float:
        return float(self.theme.spacing[name])

    def color(self, role: str) -> str:
        return self.theme.color(role)

    def readable(self, fill: str | None, text: str, minimum: float = 4.5) -> str:
        """`text`, or whichever of `text`/`white` reads best where `text` has less than `minimum` contrast on
        the `fill` role (WCAG: 4.5:1 for body text; 3:1 for the smaller, secondary grey lines)."""
        return self.readable_on(self.color(fill), text, minimum) if fill else text

    def readable_on(self, back: str, text: str = "text", minimum: float = 4.5) -> str:
        """`readable` on a fill given as a colour (a heat-map cell's value colour, a bar under a label)."""
        if contrast(self.color(text), back) >= minimum:
            return text
        return max(("text", "white"), key=lambda r: contrast(self.color(r), back))

    def text_lines(self, text: str, size: float, max_width: float | None, weight: int = 400,
                   role: str = "text", align: str = "center", width: float | None = None,
                   meta: Meta | None = None, mono: bool = False) -> Block:
        """A block of wrapped text lines; `width` (if given) is the box the lines are aligned in.

        Text between `$…$` is typeset as math (math_text.py)."""
        meta = meta or Meta()
        if not mono:
            text = curly(text)
        if "$" in text:  # inline TeX between $…$ (or an escaped \$): math_text.py, registered at import
            return MATH_LINES["lines"](self, text, size, max_width, weight, role, align, width, meta, mono)
        lines = self.metrics.wrap(text, size, max_width, weight, mono)
        runs = [split_scripts(s) for s in lines]
        widths = [sum(self.metrics.width(t, size * SCRIPT_SCALE if k else size, weight, mono) for t, k in r)
                  for r in runs]
        lh = size * self.sp("line_height")
        w = max([width or 0.0, *widths])
        fam = tuple(self.theme.fonts["mono" if mono else "sans"])
        items: list[Prim] = []
        for i, (r, sw) in enumerate(zip(runs, widths, strict=True)):
            y = i * lh + (lh - size) / 2 + size * 0.88
            if len(r) == 1 and not r[0][1]:
                x = {"start": 0.0, "center": w / 2, "end": w}[align]
                anchor = {"start": "start", "center": "middle", "end": "end"}[align]
                if align == "center" and len(lines) == 1 and lone_cjk_mark(r[0][0]):
                    # a chip holding only 。 or ，: its ink (low and left in the em box) centred in the line box
                    left, right, top, bottom = self.metrics.ink(r[0][0], size, weight)
                    x += sw / 2 - (left + right) / 2
                    y = lh / 2 + (top + bottom) / 2
                items.append(Text(x, y, r[0][0], size, self.color(role), weight, anchor, fam, width=sw, meta=meta))
                continue
            x = {"start": 0.0, "center": (w - sw) / 2, "end": w - sw}[align]
            items += script_runs(r, x, y, size, self.color(role), weight, fam, meta,
                                 lambda t, fs: self.metrics.width(t, fs, weight, mono))
        return Block(w, lh * len(lines), items)


def script_runs(runs: list[tuple[str, str]], left: float, baseline: float, size: float, fill: str, weight: int,
                family: tuple[str, ...], meta: Meta, width: Callable[[str, float], float]) -> list[Text]:
    """Text runs drawn one after another from `left`: sub/superscripts smaller and shifted."""
    out = []
    for part, k in runs:
        fs = size * SCRIPT_SCALE if k else size
        dy = {"": 0.0, "_": size * 0.22, "^": -size * 0.38}[k]
        pw = width(part, fs)
        out.append(Text(left, baseline + dy, part, fs, fill, weight, "start", family, width=pw, meta=meta))
        left += pw
    return out


LayoutFn = Callable[[Any, tuple, Ctx, float, float], Block]
KINDS: dict[str, LayoutFn] = {}
MATH_LINES: dict[str, Callable[..., Block]] = {}  # "lines": math_text.math_lines (registered when math.py imports it)


def register(kind: str) -> Callable[[LayoutFn], LayoutFn]:
    """Register the layout function of an element kind: fn(content, path, ctx, min_w, min_h) -> Block."""

    def deco(fn: LayoutFn) -> LayoutFn:
        KINDS[kind] = fn
        return fn

    return deco


def layout_element(el: Element, path: tuple, ctx: Ctx, min_w: float = 0.0, min_h: float = 0.0) -> Block:
    """Lay out any element; `path` is the spec path of the element mapping."""
    kind = el.kind
    floor = ctx.floors.get(path)
    if floor is not None:
        min_w, min_h = max(min_w, floor[0]), max(min_h, floor[1])
    block = KINDS[kind](el.content, content_path(el, path), ctx, min_w, min_h)
    if floor is not None and (block.w < floor[0] - 0.01 or block.h < floor[1] - 0.01):
        block = centred(block, max(block.w, floor[0]), max(block.h, floor[1]))
    if ctx.sizes is not None:
        ctx.sizes[path] = (block.w, block.h)
    ident = getattr(el.content, "id", None)
    if ident and kind in PART_KINDS:
        own = block.anchors.get(ident)
        part_anchors(block, ident, own.src if own else None)
        if own is not None:  # its outline is text (a title, tick labels): edges end a little outside it
            block.anchors[ident] = own.grown(PART_PAD)
    return block


def centred(block: Block, w: float, h: float) -> Block:
    """The block centred in a larger one (a sweep frame's element kept at the size it has in every frame)."""
    out = Block(w, h, spine=(None if block.spine[0] is None else block.spine[0] + (w - block.w) / 2,
                             None if block.spine[1] is None else block.spine[1] + (h - block.h) / 2))
    out.add(block, (w - block.w) / 2, (h - block.h) / 2)
    return out


PART_PAD = 4.0  # px between a part (a tensor row with its header, a bar with its value label) and an edge end
PART_KINDS = ("tensor", "chart", "table", "timeline")  # kinds whose primitives name parts edges can end at


def part_anchors(block: Block, ident: str, src: str | None) -> None:
    """Anchors `<ident>.<part>` for every part the element's primitives name: the union of their boxes."""
    boxes: dict[str, list[float]] = {}
    for p in walk(block.items):
        for part in p.meta.parts:
            b = bbox(p)
            cur = boxes.get(part)
            boxes[part] = list(b) if cur is None else [min(cur[0], b[0]), min(cur[1], b[1]),
                                                          max(cur[2], b[2]), max(cur[3], b[3])]
    for part, (x0, y0, x1, y1) in boxes.items():  # a little outside: arrowheads keep clear of the part's text
        block.anchors.setdefault(f"{ident}.{part}", Anchor(x0, y0, x1 - x0, y1 - y0, "rect", src).grown(PART_PAD))


def content_path(el: Element, path: tuple) -> tuple:
    """Spec path of an element's content (the value under its kind key)."""
    return path + (el.kind,)


def child_path(ctx: Ctx, container_path: tuple, i: int) -> tuple:
    """Spec path of a container's i-th child, for both `row: [..]` and `row: {items: [..]}` forms."""
    if isinstance(ctx.doc, Located) and _written(ctx.doc, container_path + (i,)):
        return container_path + (i,)
    return container_path + ("items", i)


def _written(doc: Located, path: tuple) -> bool:
    """Whether a path exists as written (in the spec or in the component it was expanded from)."""
    for n in range(len(path), 0, -1):
        if path[:n] in doc.sub:
            comp, cpath = doc.sub[path[:n]]
            return _written(comp, cpath + path[n:])
    return path in doc.pos


def _luminance(color: str) -> float:
    """Relative luminance of a #RRGGBB colour (WCAG 2)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 … 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
