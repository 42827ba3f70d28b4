"""The backend-neutral scene: absolute-coordinate drawing primitives that every backend translates.

Coordinates are CSS px (96 per inch), origin top-left, y down. Colours are resolved hex strings
("#RRGGBB") or None for "no paint"; `role` keeps the theme role a colour came from (for the
checker and for naming PPTX shapes), `id` the spec element id the primitive belongs to, and `src`
the spec location ("file:line:col") of that element, so layout defects can be reported where they
were written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Style:
    """Paint of a shape: fill, stroke, dash pattern, opacity; `hatch` draws diagonal lines of that colour
    over the fill (an SVG pattern, a PPTX pattern fill); `gradient`, when given, fills instead with a linear
    blend through these colours, evenly spaced across the shape's bounding box along `gradient_axis` (x: left
    to right, y: top to bottom), as an SVG <linearGradient> and a PPTX gradient fill."""

    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 1.0
    dash: tuple[float, ...] | None = None
    opacity: float = 1.0
    hatch: str | None = None
    gradient: tuple[str, ...] | None = None
    gradient_axis: Literal["x", "y"] = "x"


@dataclass(frozen=True)
class Meta:
    """Where a primitive comes from: element id, theme role, spec location."""

    id: str | None = None
    role: str | None = None
    src: str | None = None
    kind: str | None = None  # element kind that produced it (box, text, edge, frame, chart, ...)
    parts: tuple[str, ...] = ()  # sub-parts it draws, for edges: `<id>.r3c2`, `<id>.bar1` (not drawn)
    icon: str | None = None  # the pictogram a badge draws (`lock`), read by `legend: auto` and `vizspec check`


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    rx: float = 0.0
    style: Style = Style()
    meta: Meta = Meta()


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    style: Style = Style()
    meta: Meta = Meta()


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    style: Style = Style()
    meta: Meta = Meta()


PathCmd = tuple  # ("M", x, y) | ("L", x, y) | ("C", x1, y1, x2, y2, x, y) | ("Z",)


@dataclass(frozen=True)
class Path:
    """A free path of M/L/C/Z commands (curves, chart lines, areas, glyph outlines)."""

    cmds: tuple[PathCmd, ...]
    style: Style = Style()
    meta: Meta = Meta()


@dataclass(frozen=True)
class Line:
    """A polyline; arrow heads at either end are drawn by the backend (markers / line ends).

    `cmds`, when given, is the path actually drawn (M/L/C: an edge's rounded corners or its curve);
    `points` stays the polyline the checks measure (the corners, or samples of the curve).
    """

    points: tuple[tuple[float, float], ...]
    style: Style = Style(stroke="#000000")
    arrow_start: bool = False
    arrow_end: bool = False
    meta: Meta = Meta()
    cmds: tuple[PathCmd, ...] = ()


@dataclass(frozen=True)
class Text:
    """One line of text; (x, y) is the anchor point on the baseline."""

    x: float
    y: float
    text: str
    size: float
    fill: str = "#000000"
    weight: int = 400
    anchor: Literal["start", "middle", "end"] = "start"
    family: tuple[str, ...] = ("Noto Sans CJK SC",)
    italic: bool = False
    width: float = 0.0  # measured advance width in px (for checks and for PPTX text boxes)
    meta: Meta = Meta()
    # the text cut where the drawing face changes: (piece, family list) in order; () means one run in `family`
    runs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # degrees clockwise about `pivot` (an edge label laid along a slanted edge); 0: upright
    rotate: float = 0.0
    pivot: tuple[float, float] | None = None

    @property
    def pieces(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The runs a backend draws, each in its own face (at least one)."""
        return self.runs or ((self.text, self.family),)

    @property
    def left(self) -> float:
        """Left edge of the measured run."""
        return self.x - {"start": 0.0, "middle": self.width / 2, "end": self.width}[self.anchor]


@dataclass(frozen=True)
class Group:
    """A named group of primitives (an element); carries no transform: children are absolute."""

    children: tuple[Prim, ...]
    meta: Meta = Meta()
    # Optional backend-neutral meaning of the element (a chart's series and axes, a table's grid), for
    # backends that have native forms of it (PPTX charts and tables). SVG ignores it. Coordinates in it
    # are px relative to the top-left of the group's bounding box, so `shift` (which keeps it) leaves
    # it valid. Not compared, so equal drawings stay equal.
    data: dict | None = field(default=None, compare=False, repr=False)


Prim = Rect | Ellipse | Polygon | Path | Line | Text | Group



@dataclass
class Scene:
    """A whole diagram: size, background, primitives in paint order, and its metadata."""

    width: float
    height: float
    items: list[Prim]
    title: str = ""
    desc: str = ""
    lang: str = "en"
    background: str = "#FFFFFF"
    metadata: dict = field(default_factory=dict)
    family: tuple[str, ...] = ("Noto Sans CJK SC", "sans-serif")  # default font list of the text
    # for checks, not drawn: where every element with an id sits (x, y, w, h), and each edge's (from, to)
    anchors: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()


def _moved(p: Prim, **changes) -> Prim:
    """A copy of frozen `p` with `changes` (what dataclasses.replace does, without re-running __init__)."""
    q = object.__new__(type(p))
    d = q.__dict__
    d.update(p.__dict__)
    d.pop("_bb", None)
    d.update(changes)
    return q


def shift(p: Prim, dx: float, dy: float) -> Prim:
    """Return the primitive moved by (dx, dy)."""
    if dx == 0 and dy == 0:
        return p
    if isinstance(p, Rect):
        return _moved(p, x=p.x + dx, y=p.y + dy)
    if isinstance(p, Text):
        pivot = None if p.pivot is None else (p.pivot[0] + dx, p.pivot[1] + dy)
        return _moved(p, x=p.x + dx, y=p.y + dy, pivot=pivot)
    if isinstance(p, Group):
        return _carry_box(p, _moved(p, children=tuple(shift(c, dx, dy) for c in p.children)), dx, dy)
    if isinstance(p, Ellipse):
        return _moved(p, cx=p.cx + dx, cy=p.cy + dy)
    if isinstance(p, Polygon):
        return _moved(p, points=tuple((x + dx, y + dy) for x, y in p.points))
    if isinstance(p, Line):
        return _moved(p, points=tuple((x + dx, y + dy) for x, y in p.points),
                      cmds=tuple(_shift_cmd(c, dx, dy) for c in p.cmds))
    if isinstance(p, Path):
        return _carry_box(p, _moved(p, cmds=tuple(_shift_cmd(c, dx, dy) for c in p.cmds)), dx, dy)
    raise TypeError(f"unknown primitive {type(p).__name__}")


def _carry_box(p: Prim, q: Prim, dx: float, dy: float) -> Prim:
    """`q` (p moved by dx, dy) with p's remembered bounding box moved along, so it is not measured again;
    exact, since adding one float to every coordinate keeps their order, so the extremes stay the extremes."""
    bb = p.__dict__.get("_bb")
    if bb is not None:
        q.__dict__["_bb"] = (bb[0] + dx, bb[1] + dy, bb[2] + dx, bb[3] + dy)
    return q


Moves = tuple[tuple[float, float], ...]


def _seq(v: float, moves: Moves, axis: int) -> float:
    for m in moves:  # one move at a time: the same floats as shifting by each in turn
        v += m[axis]
    return v


def _seq_xy(pts: tuple[tuple[float, float], ...], moves: Moves) -> tuple[tuple[float, float], ...]:
    return tuple((_seq(x, moves, 0), _seq(y, moves, 1)) for x, y in pts)


def _seq_cmd(c: PathCmd, moves: Moves) -> PathCmd:
    return (c[0], *[_seq(v, moves, i % 2) for i, v in enumerate(c[1:])])


def shift_seq(p: Prim, moves: Moves) -> Prim:
    """`p` shifted by each of `moves` in turn, built once: exactly `shift(shift(p, *m0), *m1)…`, without the
    copies in between (layout places a block inside its parent's, then that inside its parent's, …)."""
    moves = tuple(m for m in moves if m[0] != 0 or m[1] != 0)
    if len(moves) <= 1:
        return shift(p, *moves[0]) if moves else p
    if isinstance(p, Rect):
        q = _moved(p, x=_seq(p.x, moves, 0), y=_seq(p.y, moves, 1))
    elif isinstance(p, Text):
        pivot = None if p.pivot is None else (_seq(p.pivot[0], moves, 0), _seq(p.pivot[1], moves, 1))
        q = _moved(p, x=_seq(p.x, moves, 0), y=_seq(p.y, moves, 1), pivot=pivot)
    elif isinstance(p, Group):
        q = _moved(p, children=tuple(shift_seq(c, moves) for c in p.children))
    elif isinstance(p, Ellipse):
        q = _moved(p, cx=_seq(p.cx, moves, 0), cy=_seq(p.cy, moves, 1))
    elif isinstance(p, Polygon):
        q = _moved(p, points=_seq_xy(p.points, moves))
    elif isinstance(p, Line):
        q = _moved(p, points=_seq_xy(p.points, moves), cmds=tuple(_seq_cmd(c, moves) for c in p.cmds))
    elif isinstance(p, Path):
        q = _moved(p, cmds=tuple(_seq_cmd(c, moves) for c in p.cmds))
    else:
        raise TypeError(f"unknown primitive {type(p).__name__}")
    bb = p.__dict__.get("_bb")
    if bb is not None and isinstance(p, Group | Path):
        q.__dict__["_bb"] = (_seq(bb[0], moves, 0), _seq(bb[1], moves, 1), _seq(bb[2], moves, 0),
                             _seq(bb[3], moves, 1))
    return q


def _shift_cmd(c: PathCmd, dx: float, dy: float) -> PathCmd:
    n = len(c)  # the common commands spelled out (glyph outlines have thousands): M/L, C, Z
    if n == 3:
        return (c[0], c[1] + dx, c[2] + dy)
    if n == 7:
        return (c[0], c[1] + dx, c[2] + dy, c[3] + dx, c[4] + dy, c[5] + dx, c[6] + dy)
    if n == 1:
        return c
    op, *xy = c
    return (op, *[v + (dx if i % 2 == 0 else dy) for i, v in enumerate(xy)])


def walk(items: list[Prim] | tuple[Prim, ...]):
    """Yield every primitive, depth first, groups before their children."""
    for p in items:
        yield p
        if isinstance(p, Group):
            yield from walk(p.children)


def rotated(pt: tuple[float, float], pivot: tuple[float, float], degrees: float) -> tuple[float, float]:
    """`pt` turned `degrees` clockwise (y down) about `pivot`."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    dx, dy = pt[0] - pivot[0], pt[1] - pivot[1]
    return (pivot[0] + dx * c - dy * s, pivot[1] + dx * s + dy * c)


def bbox(p: Prim) -> tuple[float, float, float, float]:
    """Bounding box (x0, y0, x1, y1) of a primitive; text uses its measured width and size."""
    if isinstance(p, Rect):
        return (p.x, p.y, p.x + p.w, p.y + p.h)
    if isinstance(p, Ellipse):
        return (p.cx - p.rx, p.cy - p.ry, p.cx + p.rx, p.cy + p.ry)
    if isinstance(p, Polygon | Line):
        xs = [x for x, _ in p.points]
        ys = [y for _, y in p.points]
        return (min(xs), min(ys), max(xs), max(ys))
    if isinstance(p, Text):
        box = (p.left, p.y - p.size * 0.88, p.left + p.width, p.y + p.size * 0.24)
        if not p.rotate or p.pivot is None:
            return box
        pts = [rotated((x, y), p.pivot, p.rotate) for x in (box[0], box[2]) for y in (box[1], box[3])]
        return (min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts), max(y for _, y in pts))
    if isinstance(p, Path):
        bb = p.__dict__.get("_bb")
        if bb is None:  # measured once: glyph outlines have thousands of points
            xs = [v for c in p.cmds for v in c[1::2]]
            ys = [v for c in p.cmds for v in c[2::2]]
            bb = p.__dict__["_bb"] = (min(xs), min(ys), max(xs), max(ys)) if xs else (0, 0, 0, 0)
        return bb
    if isinstance(p, Group):
        bb = p.__dict__.get("_bb")
        if bb is None:  # a frozen group's box never changes: measured once, kept beside its fields
            boxes = [bbox(c) for c in p.children]
            bb = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else (0, 0, 0, 0)
            p.__dict__["_bb"] = bb
        return bb
    raise TypeError(f"unknown primitive {type(p).__name__}")
