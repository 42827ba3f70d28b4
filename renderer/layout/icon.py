"""Layout of the `icon` element kind: small vector pictograms built from scene primitives, label below."""

from __future__ import annotations

from collections.abc import Callable

from ..scene import Ellipse, Group, Line, Meta, Path, Polygon, Prim, Rect, Style, Text
from ..spec.elements.icon import Icon
from .base import Anchor, Block, Ctx, register

K = 0.5523  # cubic Bézier handle length of a quarter circle
ALIASES = {"agent": "robot", "environment": "globe", "chip": "gpu"}


class _Pen:
    """Draws in unit coordinates (0..1 on the icon square) and scales to px."""

    def __init__(self, ctx: Ctx, size: float, role: str, meta: Meta):
        self.ctx, self.s, self.meta = ctx, size, meta
        self.fill = Style(fill=ctx.color(role), stroke=ctx.color("text-soft"), stroke_width=max(1.0, size / 36))
        self.ink = Style(fill=ctx.color("text-soft"))
        self.paper = Style(fill=ctx.color("white"), stroke=ctx.color("text-soft"), stroke_width=max(0.8, size / 60))
        self.stroke = Style(stroke=ctx.color("text-soft"), stroke_width=max(1.0, size / 40))
        self.bold = Style(stroke=ctx.color(role), stroke_width=max(1.5, size / 7))  # a check or cross in its role
        self.role = role
        self.items: list[Prim] = []

    def _m(self, style: Style) -> Meta:
        if style is self.fill or style is self.bold:
            return Meta(self.meta.id, self.role, self.meta.src, self.meta.kind, icon=self.meta.icon)
        role = "white" if style is self.paper else "text-soft"
        return Meta(self.meta.id, role, self.meta.src, self.meta.kind, icon=self.meta.icon)

    def rect(self, x: float, y: float, w: float, h: float, r: float = 0.0, style: Style | None = None) -> None:
        st = style or self.fill
        self.items.append(Rect(x * self.s, y * self.s, w * self.s, h * self.s, r * self.s, st, self._m(st)))

    def circle(self, cx: float, cy: float, r: float, style: Style | None = None, ry: float | None = None) -> None:
        st = style or self.fill
        self.items.append(Ellipse(cx * self.s, cy * self.s, r * self.s, (ry or r) * self.s, st, self._m(st)))

    def poly(self, pts: list[tuple[float, float]], style: Style | None = None) -> None:
        st = style or self.fill
        self.items.append(Polygon(tuple((x * self.s, y * self.s) for x, y in pts), st, self._m(st)))

    def path(self, cmds: list[tuple], style: Style | None = None) -> None:
        st = style or self.fill
        scaled = tuple((c[0], *(v * self.s for v in c[1:])) for c in cmds)
        self.items.append(Path(scaled, st, self._m(st)))

    def line(self, pts: list[tuple[float, float]]) -> None:
        self.items.append(Line(tuple((x * self.s, y * self.s) for x, y in pts), self.stroke, meta=self._m(self.stroke)))


def _half_ellipse_down(x0: float, x1: float, y: float, ry: float) -> list[tuple]:
    """Cubic commands of the lower half of an ellipse from (x0, y) to (x1, y), pen already at (x0, y)."""
    rx, cx = (x1 - x0) / 2, (x0 + x1) / 2
    return [("C", x0, y + ry * K, cx - rx * K, y + ry, cx, y + ry),
            ("C", cx + rx * K, y + ry, x1, y + ry * K, x1, y)]


def _person(p: _Pen) -> None:
    p.path([("M", 0.16, 0.95), ("C", 0.16, 0.66, 0.3, 0.53, 0.5, 0.53), ("C", 0.7, 0.53, 0.84, 0.66, 0.84, 0.95),
            ("Z",)])
    p.circle(0.5, 0.28, 0.18)


def _robot(p: _Pen) -> None:
    p.line([(0.5, 0.1), (0.5, 0.2)])
    p.circle(0.5, 0.08, 0.045, p.ink)
    p.rect(0.08, 0.34, 0.08, 0.18, 0.02)
    p.rect(0.84, 0.34, 0.08, 0.18, 0.02)
    p.rect(0.42, 0.66, 0.16, 0.08, 0, p.ink)
    p.rect(0.26, 0.72, 0.48, 0.24, 0.06)
    p.rect(0.16, 0.2, 0.68, 0.48, 0.1)
    for x in (0.37, 0.63):
        p.circle(x, 0.38, 0.085, p.paper)
        p.circle(x, 0.385, 0.04, p.ink)
    p.rect(0.36, 0.54, 0.28, 0.05, 0.02, p.ink)
    p.circle(0.5, 0.84, 0.05, p.paper)


def _globe(p: _Pen) -> None:
    p.circle(0.5, 0.5, 0.44)
    p.circle(0.5, 0.5, 0.2, p.stroke, ry=0.44)
    p.line([(0.5, 0.06), (0.5, 0.94)])
    p.line([(0.06, 0.5), (0.94, 0.5)])
    half = (0.44 ** 2 - 0.22 ** 2) ** 0.5
    for y in (0.28, 0.72):
        p.line([(0.5 - half, y), (0.5 + half, y)])


def _database(p: _Pen) -> None:
    x0, x1, top, bot, ry = 0.14, 0.86, 0.18, 0.8, 0.09
    p.path([("M", x0, top), ("L", x0, bot), *_half_ellipse_down(x0, x1, bot, ry), ("L", x1, top), ("Z",)])
    for y in (0.39, 0.595):
        p.path([("M", x0, y), *_half_ellipse_down(x0, x1, y, ry)], p.stroke)
    p.circle(0.5, top, 0.36, p.fill, ry=ry)


def _document(p: _Pen) -> None:
    p.poly([(0.18, 0.05), (0.62, 0.05), (0.82, 0.25), (0.82, 0.95), (0.18, 0.95)])
    p.poly([(0.62, 0.05), (0.62, 0.25), (0.82, 0.25)], p.paper)
    for y, x1 in ((0.42, 0.7), (0.55, 0.7), (0.68, 0.7), (0.81, 0.56)):
        p.line([(0.3, y), (x1, y)])
    p.line([(0.3, 0.29), (0.5, 0.29)])


def _gpu(p: _Pen) -> None:
    for c in (0.29, 0.43, 0.57, 0.71):
        p.rect(c - 0.03, 0.05, 0.06, 0.14, 0, p.ink)
        p.rect(c - 0.03, 0.81, 0.06, 0.14, 0, p.ink)
        p.rect(0.05, c - 0.03, 0.14, 0.06, 0, p.ink)
        p.rect(0.81, c - 0.03, 0.14, 0.06, 0, p.ink)
    p.rect(0.16, 0.16, 0.68, 0.68, 0.05)
    p.rect(0.3, 0.3, 0.4, 0.4, 0.03, p.paper)
    s = p.s
    text = "GPU"
    size = min(0.16 * s, 0.3 * s / max(p.ctx.metrics.width(text, 1.0, 700), 1e-6))
    w = p.ctx.metrics.width(text, size, 700)
    p.items.append(Text(0.5 * s, 0.5 * s + 0.32 * size, text, size, p.ctx.color("text-soft"), 700, "middle",
                        tuple(p.ctx.theme.fonts["sans"]), width=w, meta=p._m(p.ink)))


def _padlock(p: _Pen, top: float, right_end: float) -> None:
    """A padlock: the shackle's arc at `top` (its right leg down to `right_end`) over a body with a keyhole."""
    shackle = Style(stroke=p.ctx.color("text-soft"), stroke_width=max(1.2, p.s / 11))
    p.path([("M", 0.3, 0.46), ("L", 0.3, top + 0.2), ("C", 0.3, top + 0.09, 0.39, top, 0.5, top),
            ("C", 0.61, top, 0.7, top + 0.09, 0.7, top + 0.2), ("L", 0.7, right_end)], shackle)
    p.rect(0.16, 0.44, 0.68, 0.5, 0.08)
    p.circle(0.5, 0.63, 0.07, p.ink)
    p.rect(0.47, 0.64, 0.06, 0.17, 0.02, p.ink)


def _lock(p: _Pen) -> None:
    """A padlock (frozen weights): the shackle closed into the body."""
    _padlock(p, 0.1, 0.46)


def _flame(p: _Pen) -> None:
    """A flame (trained, updated weights): an outer tongue and a paler inner one."""
    p.path([("M", 0.5, 0.04), ("C", 0.56, 0.22, 0.84, 0.38, 0.84, 0.64), ("C", 0.84, 0.84, 0.69, 0.96, 0.5, 0.96),
            ("C", 0.31, 0.96, 0.16, 0.84, 0.16, 0.64), ("C", 0.16, 0.48, 0.26, 0.38, 0.32, 0.26),
            ("C", 0.36, 0.36, 0.4, 0.4, 0.44, 0.42), ("C", 0.44, 0.28, 0.46, 0.16, 0.5, 0.04), ("Z",)])
    p.path([("M", 0.5, 0.5), ("C", 0.56, 0.62, 0.66, 0.68, 0.66, 0.78), ("C", 0.66, 0.88, 0.58, 0.92, 0.5, 0.92),
            ("C", 0.42, 0.92, 0.34, 0.88, 0.34, 0.78), ("C", 0.34, 0.68, 0.44, 0.62, 0.5, 0.5), ("Z",)], p.paper)


def _check(p: _Pen) -> None:
    """A tick, drawn as one heavy stroke in the role colour."""
    p.path([("M", 0.14, 0.54), ("L", 0.4, 0.78), ("L", 0.86, 0.24)], p.bold)


def _cross(p: _Pen) -> None:
    """An X, two heavy strokes in the role colour."""
    p.path([("M", 0.2, 0.2), ("L", 0.8, 0.8)], p.bold)
    p.path([("M", 0.8, 0.2), ("L", 0.2, 0.8)], p.bold)


def _model(p: _Pen) -> None:
    """A small network: three layers of nodes (2, 3, 2) joined by thin links."""
    layers = [[(0.14, y) for y in (0.32, 0.68)], [(0.5, y) for y in (0.16, 0.5, 0.84)],
              [(0.86, y) for y in (0.32, 0.68)]]
    for a, b in zip(layers, layers[1:], strict=False):
        for pa in a:
            for pb in b:
                p.line([pa, pb])
    for layer in layers:
        for x, y in layer:
            p.circle(x, y, 0.12)


def _unlock(p: _Pen) -> None:
    """An open padlock (unfrozen, trained again): the shackle lifted clear of the body on its right."""
    _padlock(p, 0.02, 0.3)


def _page(p: _Pen) -> None:
    """A white sheet with its top-right corner folded over in the role colour."""
    p.poly([(0.18, 0.04), (0.64, 0.04), (0.84, 0.24), (0.84, 0.96), (0.18, 0.96)], p.paper)
    p.poly([(0.64, 0.04), (0.64, 0.24), (0.84, 0.24)])


def _word(p: _Pen, text: str, cx: float, cy: float, box_w: float) -> None:
    """`text` in bold dark ink, centred at (cx, cy), as wide as `box_w` at most (unit coordinates): it reads on
    every role's fill, pale or dark."""
    s = p.s
    size = min(0.2 * s, box_w * s / max(p.ctx.metrics.width(text, 1.0, 700), 1e-6))
    w = p.ctx.metrics.width(text, size, 700)
    p.items.append(Text(cx * s, cy * s + 0.35 * size, text, size, p.ctx.color("text"), 700, "middle",
                        tuple(p.ctx.theme.fonts["sans"]), width=w, meta=p._m(p.ink)))


def _pdf(p: _Pen) -> None:
    """A PDF file: a sheet with a band in the role colour reading PDF across it."""
    _page(p)
    for y in (0.32, 0.82):
        p.line([(0.3, y), (0.72, y)])
    p.rect(0.06, 0.44, 0.7, 0.28, 0.05)
    _word(p, "PDF", 0.41, 0.58, 0.56)


def _web_page(p: _Pen) -> None:
    """A web page: a browser window with a title bar in the role colour, three dots and lines of text."""
    p.rect(0.05, 0.12, 0.9, 0.76, 0.06, p.paper)
    p.rect(0.05, 0.12, 0.9, 0.17, 0.06)
    for x in (0.14, 0.23, 0.32):
        p.circle(x, 0.205, 0.035, p.paper)
    p.rect(0.16, 0.38, 0.3, 0.2, 0.02)
    for y, x0, x1 in ((0.42, 0.54, 0.84), (0.52, 0.54, 0.84), (0.68, 0.16, 0.84), (0.78, 0.16, 0.66)):
        p.line([(x0, y), (x1, y)])


def _code_file(p: _Pen) -> None:
    """A source file: a sheet (its fold in the role colour) with </> in dark ink, readable on any role."""
    _page(p)
    ink = Style(stroke=p.ctx.color("text-soft"), stroke_width=max(1.2, p.s / 14))
    for pts in (((0.42, 0.44), (0.28, 0.6), (0.42, 0.76)), ((0.6, 0.44), (0.74, 0.6), (0.6, 0.76)),
                ((0.56, 0.4), (0.46, 0.8))):
        p.path([("M", *pts[0]), *(("L", *q) for q in pts[1:])], ink)


def _spreadsheet(p: _Pen) -> None:
    """A spreadsheet: a sheet with a grid of cells, its header row in the role colour."""
    _page(p)
    x0, x1, y0, y1 = 0.26, 0.76, 0.34, 0.86
    p.rect(x0, y0, x1 - x0, 0.13)
    for i in range(5):
        y = y0 + i * (y1 - y0) / 4
        p.line([(x0, y), (x1, y)])
    for i in range(4):
        x = x0 + i * (x1 - x0) / 3
        p.line([(x, y0), (x, y1)])


DRAW: dict[str, Callable[[_Pen], None]] = {
    "person": _person, "robot": _robot, "globe": _globe, "database": _database, "document": _document, "gpu": _gpu,
    "lock": _lock, "flame": _flame, "check": _check, "cross": _cross, "model": _model, "unlock": _unlock,
    "pdf": _pdf, "web-page": _web_page, "code-file": _code_file, "spreadsheet": _spreadsheet,
}


def pictogram(name: str, ctx: Ctx, size: float, role: str, meta: Meta) -> list[Prim]:
    """The primitives of pictogram `name` in the square (0, 0, size, size)."""
    pen = _Pen(ctx, size, role, meta)
    DRAW[ALIASES.get(name, name)](pen)
    return pen.items


@register("icon")
def layout_icon(el: Icon, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The pictogram centred above its (wrapped, measured) label."""
    src = ctx.src(path)
    meta = Meta(el.id, el.role, src, "icon", icon=el.name)
    label = None
    if el.label is not None:
        label = ctx.text_lines(ctx.t(el.label), ctx.size("small"), max(el.size * 2.5, 120), 400, "text",
                               meta=Meta(el.id, "text", ctx.src(path + ("label",)), "icon-label"))
    gap = 4.0
    cw = max(el.size, label.w if label else 0.0)
    ch = el.size + (gap + label.h if label else 0.0)
    w, h = max(cw, min_w), max(ch, min_h)
    x0, y0 = (w - el.size) / 2, (h - ch) / 2
    pic = Block(el.size, el.size, pictogram(el.name, ctx, el.size, el.role, meta))
    out = Block(w, h)
    out.add(pic, x0, y0)
    if label:
        out.add(label, (w - label.w) / 2, y0 + el.size + gap)
    out.items = [Group(tuple(out.items), meta)]
    # edges meet the pictogram at its sides and the label's bottom below it (not the label's wider sides)
    anchor = Anchor(x0, y0, el.size, ch, "rect", src)
    if el.id:
        out.anchors[el.id] = anchor
    out.obstacles.append(anchor)
    return out
