"""PPTX shapes: every scene primitive as a native, editable PowerPoint shape.

Boxes are rounded rectangles or ellipses, polygons and paths are freeforms (custom geometry with
real Bézier segments), lines are connectors or open freeforms with native arrow heads, text runs are
text boxes placed so that their baseline and anchor match the SVG. Element groups become PowerPoint
groups named after the element id, so a box moves with its label. Speaker notes hold the caption and
every computed value with its source. Output is deterministic (fixed core properties and zip times).

The shapes are written as DrawingML text directly, one string per shape (python-pptx's object API cost
about 1 ms per text box); the XML is what python-pptx wrote for the same calls. Native tables and charts
(pptx_native) still use python-pptx's table and chart writers, on elements, through a small stand-in for
its shape tree (`SlideWriter.shapes`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..scene import Ellipse, Group, Line, Path, Polygon, Prim, Rect, Scene, Style, Text, rotated, walk

# python-pptx's prefixes (not imported from it: a slide without native tables or charts does not load python-pptx)
NAMESPACES = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
              "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
              "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
              "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


@functools.cache
def qn(tag: str) -> str:
    """"a:tag" -> Clark name (cached: a table writes hundreds of thousands of elements)."""
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def parse_xml(xml: str) -> etree._Element:
    """XML parsed as python-pptx parses it (its element classes: what the native handlers work on)."""
    from pptx.oxml import parse_xml as pptx_parse

    return pptx_parse(xml)

EMU_PER_PX = 9525  # 914400 EMU per inch / 96 px per inch
PT_PER_PX = 0.75
SLIDE_MIN_PX = 96.0  # PowerPoint accepts slide sides from 1 in ...
SLIDE_MAX_PX = 5376.0  # ... to 56 in
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Where an office app puts the first baseline of a top-anchored text box with zero insets and 100 %
# line spacing, in em below the box top. Measured with LibreOffice 7.4 (PPTX → PDF → pdftoppm, 200 px
# text): exactly 1.00 em for Noto Sans CJK SC, DejaVu Sans and Liberation Sans alike, i.e. independent
# of the font's own ascent (1.16 em for Noto Sans CJK).
BASELINE_EM = 1.0
LINE_EM = 1.25  # text box height (no autofit, so only the selection frame's size)
_CJK = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]")

# Element kinds that a backend may draw natively instead of as primitives (e.g. "table" → a PowerPoint
# table, "chart" → a PowerPoint chart). A handler gets the writer, the parent shape-tree element (an lxml
# group, `writer.tree` at the top) and the element's Group; it adds shapes with `writer.shapes` (python-pptx
# graphic frames) then `writer.place(shape, parent)`, or draws primitives with `writer.draw(parent, p)`, and
# returns True when it drew the element; otherwise the Group's primitives are drawn as shapes.
NativeHandler = Callable[["SlideWriter", etree._Element, Group], bool]
NATIVE: dict[str, NativeHandler] = {}
# Native forms written as text (no elements, no python-pptx): the shape's XML and its extent, or None to draw
# the Group's primitives. Tried before NATIVE.
XmlHandler = Callable[["SlideWriter", Group], "tuple[str, tuple[int, int, int, int]] | None"]
NATIVE_XML: dict[str, XmlHandler] = {}


@dataclass(frozen=True)
class Fit:
    """Maps scene px to slide EMU: slide = (scene * scale + offset) px, then × EMU_PER_PX."""

    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    def x(self, v: float) -> int:
        return round((v * self.scale + self.dx) * EMU_PER_PX)

    def y(self, v: float) -> int:
        return round((v * self.scale + self.dy) * EMU_PER_PX)

    def len(self, v: float) -> int:
        return round(v * self.scale * EMU_PER_PX)


def _el(tag: str, **attrs) -> etree._Element:
    e = etree.Element(qn(tag))
    for k, v in attrs.items():
        e.set(k, str(v))
    return e


def _sub(parent: etree._Element, tag: str, **attrs) -> etree._Element:
    e = _el(tag, **attrs)
    parent.append(e)
    return e


def _color(parent: etree._Element, hex_: str, opacity: float = 1.0) -> None:
    _srgb(_sub(parent, "a:solidFill"), hex_, opacity)


def _srgb(parent: etree._Element, hex_: str, opacity: float = 1.0) -> None:
    clr = _sub(parent, "a:srgbClr", val=hex_.lstrip("#").upper())
    if opacity < 1:
        _sub(clr, "a:alpha", val=round(opacity * 100000))


def shape_name(p: Prim) -> str:
    """A shape's name: element id (or kind), kind and theme role, e.g. `hidden box [panel]`."""
    m = p.meta
    parts = [m.id or m.kind or type(p).__name__.lower()]
    if m.kind and m.kind != parts[0]:
        parts.append(m.kind)
    if m.role:
        parts.append(f"[{m.role}]")
    return " ".join(parts)


Box = tuple[int, int, int, int]  # EMU: x0, y0, x1, y1


def _box(el: etree._Element) -> Box | None:
    """A shape element's extent from its transform (None: it has none)."""
    xfrm = el.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    if xfrm is None:
        xfrm = el.find(f"{qn('p:grpSpPr')}/{qn('a:xfrm')}")
    if xfrm is None:
        xfrm = el.find(qn("p:xfrm"))  # graphic frames (native tables and charts)
    if xfrm is None:
        return None
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    x, y = int(off.get("x")), int(off.get("y"))
    return x, y, x + int(ext.get("cx")), y + int(ext.get("cy"))


def _union(boxes) -> Box | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _fit_group(grp: etree._Element) -> None:
    """Size a group element to its children once (identity child transform: children keep slide coordinates)."""
    box = _union(_box(child) for child in grp)
    if box is None:
        return
    x0, y0, x1, y1 = box
    xfrm = grp.find(f"{qn('p:grpSpPr')}/{qn('a:xfrm')}")
    for tag, a, b in (("a:off", x0, y0), ("a:chOff", x0, y0)):
        e = xfrm.find(qn(tag))
        e.set("x", str(a))
        e.set("y", str(b))
    for tag in ("a:ext", "a:chExt"):
        e = xfrm.find(qn(tag))
        e.set("cx", str(x1 - x0))
        e.set("cy", str(y1 - y0))


def subpaths(cmds: list[tuple]) -> list[list[tuple]]:
    """Split M/L/C/Q/Z commands at every moveto."""
    out: list[list[tuple]] = []
    for c in cmds:
        if c[0].upper() == "M" or not out:
            out.append([])
        out[-1].append(c)
    return out


def fill_groups(cmds: list[tuple]) -> list[list[tuple]]:
    """Subpaths grouped so that each group is one outline with its holes (nesting by bounding box).

    SVG fills with the nonzero rule, so overlapping outlines (glyph pieces, brace extenders) unite;
    office apps may fill a DrawingML path even-odd, where overlaps cancel. Each group becomes its own
    `a:path` of the shape: outlines still unite, and holes (even nesting depth parity) stay holes.
    """
    subs = subpaths(cmds)

    def box(sp):
        xs = [v for c in sp for v in c[1:-1:2]]
        ys = [v for c in sp for v in c[2::2]]
        return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)

    boxes = [box(sp) for sp in subs]
    eps = 1e-6
    area = [(b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
    grown = [(b[0] - eps, b[1] - eps, b[2] + eps, b[3] + eps) for b in boxes]
    groups: list[list[tuple]] = []
    owner: dict[int, int] = {}
    for i in sorted(range(len(subs)), key=lambda i: -area[i]):
        a = boxes[i]
        a0, a1, a2, a3 = a
        # the outlines placed so far whose box holds box a strictly
        containers = [j for j in owner if a0 >= grown[j][0] and a1 >= grown[j][1] and a2 <= grown[j][2]
                      and a3 <= grown[j][3] and boxes[j] != a]
        if len(containers) % 2 == 1:  # a hole: joins the group of its smallest container
            owner[i] = owner[min(containers, key=area.__getitem__)]
        else:
            owner[i] = len(groups)
            groups.append([])
    for i, sp in enumerate(subs):  # keep the original command order inside each group
        groups[owner[i]].extend(sp)
    return [g for g in groups if g]


MAX_ALT = 1000  # characters of alt text per group


def alt_text(g: Group, limit: int = MAX_ALT) -> str:
    """Alt text of an element's group: the text it draws, in drawing order, at most `limit` characters."""
    text = " ".join(p.text.strip() for p in walk(g.children) if isinstance(p, Text) and p.text.strip())
    return text if len(text) <= limit else text[:limit - 1] + "…"


NSDECLS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_CTRL = re.compile(r"[\x00-\x08\x0B-\x1F]")  # python-pptx writes these as "_xHHHH_" in run text


def esc_text(s: str) -> str:
    """Element text as lxml serialises it (control characters as python-pptx escapes them in runs)."""
    if _CTRL.search(s):
        s = _CTRL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def esc_attr(s: str) -> str:
    """An attribute value as lxml serialises it."""
    if _CTRL.search(s):
        s = _CTRL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def srgb_xml(hex_: str, opacity: float = 1.0) -> str:
    val = hex_.lstrip("#").upper()
    if opacity < 1:
        return f'<a:srgbClr val="{val}"><a:alpha val="{round(opacity * 100000)}"/></a:srgbClr>'
    return f'<a:srgbClr val="{val}"/>'


def _xfrm(x: int, y: int, cx: int, cy: int, flip: str = "") -> str:
    return f'<a:xfrm{flip}><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'


def _prst(prst: str, adj: float | None = None) -> str:
    """A preset geometry; `adj` sets its first adjustment as python-pptx's `adjustments[0] = adj` does."""
    if adj is None:
        return f'<a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom>'
    return (f'<a:prstGeom prst="{prst}"><a:avLst><a:gd name="adj" fmla="val {int(adj * 100000.0)}"/></a:avLst>'
            "</a:prstGeom>")


# an autoshape's empty text body, centred, without insets
EMPTY_BODY = ('<p:txBody><a:bodyPr rtlCol="0" anchor="ctr" lIns="0" tIns="0" rIns="0" bIns="0"/><a:lstStyle/>'
              '<a:p><a:pPr algn="ctr"/></a:p></p:txBody>')
ALIGN = {"start": "l", "middle": "ctr", "end": "r"}


def sp_xml(id_: int, name: str, sppr: str, body: str = EMPTY_BODY, cnv: str = "<p:cNvSpPr/>") -> str:
    """A `p:sp` shape: non-visual properties, shape properties (geometry and paint) and text body."""
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="{id_}" name="{esc_attr(name)}"/>{cnv}<p:nvPr/></p:nvSpPr>'
            f"<p:spPr>{sppr}</p:spPr>{body}</p:sp>")


class _Shapes:
    """The part of python-pptx's slide shape tree the native handlers use: shape ids, tables and charts.

    `part` is where charts go: a python-pptx slide part (decks) or the one-slide package's stand-in.
    """

    def __init__(self, writer: SlideWriter, part):
        self._w = writer
        self.part = part

    @property
    def _next_shape_id(self) -> int:
        return self._w.next_id()

    def add_table(self, rows: int, cols: int, left: int, top: int, width: int, height: int):
        from pptx.oxml.shapes.graphfrm import CT_GraphicalObjectFrame
        from pptx.shapes.graphfrm import GraphicFrame

        id_ = self._next_shape_id
        frame = CT_GraphicalObjectFrame.new_table_graphicFrame(id_, f"Table {id_ - 1}", rows, cols, left, top,
                                                                width, height)
        self._w.tree.append(frame)
        return GraphicFrame(frame, self)

    def add_chart(self, chart_type, x: int, y: int, cx: int, cy: int, chart_data):
        from pptx.oxml.shapes.graphfrm import CT_GraphicalObjectFrame
        from pptx.shapes.graphfrm import GraphicFrame

        rId = self.part.add_chart_part(chart_type, chart_data)
        id_ = self._next_shape_id
        frame = CT_GraphicalObjectFrame.new_chart_graphicFrame(id_, f"Chart {id_ - 1}", rId, x, y, cx, cy)
        self._w.tree.append(frame)
        return GraphicFrame(frame, self)


Frag = tuple[str, "Box | None"]  # a shape's XML and its extent


class SlideWriter:
    """Writes scene primitives as native shapes: the XML of a slide's shape tree, shape ids from `first_id`.

    `part` receives native charts (python-pptx's slide part, or pptx_package's stand-in for one).
    """

    def __init__(self, fit: Fit = Fit(), lang: str = "en", part=None, first_id: int = 3):
        self.fit = fit
        self.lang = lang
        self._id = first_id - 1
        self.shapes = _Shapes(self, part)
        self.tree: etree._Element | None = None  # the element a native handler draws into (while it runs)

    def next_id(self) -> int:
        self._id += 1
        return self._id

    # --- paint ---------------------------------------------------------------------------------
    def paint_xml(self, style: Style, fill: bool = True, head: bool = False, tail: bool = False) -> str:
        """The style as DrawingML paint: fill, outline, dashes, arrow ends, no effects."""
        op = style.opacity
        if fill and style.gradient:  # a native linear gradient fill, stops evenly spaced
            n = max(len(style.gradient) - 1, 1)
            stops = "".join(f'<a:gs pos="{round(i / n * 100000)}">{srgb_xml(c, op)}</a:gs>'
                            for i, c in enumerate(style.gradient))
            ang = 0 if style.gradient_axis == "x" else 5400000
            out = f'<a:gradFill rotWithShape="1"><a:gsLst>{stops}</a:gsLst><a:lin ang="{ang}" scaled="0"/></a:gradFill>'
        elif fill and style.hatch:  # diagonal lines over the fill: a native pattern fill
            out = (f'<a:pattFill prst="wdDnDiag"><a:fgClr>{srgb_xml(style.hatch, op)}</a:fgClr>'
                   f'<a:bgClr>{srgb_xml(style.fill or "#FFFFFF", op)}</a:bgClr></a:pattFill>')
        elif fill and style.fill:
            out = f"<a:solidFill>{srgb_xml(style.fill, op)}</a:solidFill>"
        else:
            out = "<a:noFill/>"
        out += f'<a:ln w="{self.fit.len(style.stroke_width)}" cap="flat">'
        if style.stroke:
            out += f"<a:solidFill>{srgb_xml(style.stroke, op)}</a:solidFill>"
            if style.dash:
                dashes = list(style.dash) * (2 if len(style.dash) % 2 else 1)
                sw = max(style.stroke_width, 1e-6)
                out += "<a:custDash>" + "".join(
                    f'<a:ds d="{round(d / sw * 100000)}" sp="{round(s / sw * 100000)}"/>'
                    for d, s in zip(dashes[::2], dashes[1::2], strict=True)) + "</a:custDash>"
            else:
                out += '<a:prstDash val="solid"/>'
            out += '<a:miter lim="800000"/>'
            # the SVG marker is a 10 × 8 px triangle; LibreOffice sizes line ends as 3× (med) or 5× (lg)
            # max(line width, 0.7 mm), which on our 1.3 px edges is 7.9 px for med and 13 px for lg
            if head:
                out += '<a:headEnd type="triangle" w="med" len="med"/>'
            if tail:
                out += '<a:tailEnd type="triangle" w="med" len="med"/>'
        else:
            out += "<a:noFill/>"
        return out + "</a:ln><a:effectLst/>"

    # --- primitives ----------------------------------------------------------------------------
    def place(self, shape, parent: etree._Element) -> None:
        """Move a shape a native handler made (on `self.tree`) into `parent`, one of its groups."""
        if parent is not self.tree:
            parent.append(getattr(shape, "_element", shape))

    def draw(self, parent, p: Prim) -> None:
        """Add one primitive (a Group recursively) to `parent`: a list of shape XML strings, or an lxml element
        (the tree or a group a native handler is filling)."""
        if isinstance(parent, list):
            self._draw(parent, p)
            return
        frags: list[Frag] = []
        self._draw(frags, p)
        if frags:
            for el in list(parse_xml(f"<p:grpSp {NSDECLS}>{''.join(x for x, _ in frags)}</p:grpSp>")):
                parent.append(el)

    def _native(self, out: list[Frag], handler: NativeHandler, g: Group) -> bool:
        """Run a native handler on an element tree of its own, then take what it drew as XML."""
        saved = self.tree
        self.tree = tree = parse_xml(f"<p:grpSp {NSDECLS}/>")
        try:
            drawn = handler(self, tree, g)
        finally:
            self.tree = saved
        if len(tree):
            text = etree.tostring(tree, encoding="unicode")
            out.append((text[text.index(">") + 1:text.rindex("</")], _union(_box(el) for el in tree)))
        return drawn

    def _draw(self, out: list[Frag], p: Prim) -> None:
        f = self.fit
        if isinstance(p, Group):
            kind = p.meta.kind or ""
            writer = NATIVE_XML.get(kind)
            frag = writer(self, p) if writer is not None else None
            if frag is not None:
                out.append(frag)
                return
            handler = NATIVE.get(kind)
            if handler is not None and self._native(out, handler, p):
                return
            kids = p.children
            if not kids:
                return
            if len(kids) == 1:
                self._draw(out, kids[0])
                return
            # the element as a group; its parts carry their kind and role in their names
            gid = self.next_id()
            inner: list[Frag] = []
            for c in kids:
                self._draw(inner, c)
            box = _union(b for _, b in inner) or (0, 0, 0, 0)
            x0, y0, x1, y1 = box
            alt = alt_text(p)
            descr = f' descr="{esc_attr(alt)}"' if alt else ""
            name = esc_attr(p.meta.id or p.meta.kind or "group")
            out.append((f'<p:grpSp><p:nvGrpSpPr><p:cNvPr id="{gid}" name="{name}"{descr}/><p:cNvGrpSpPr/>'
                        f'<p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="{x0}" y="{y0}"/>'
                        f'<a:ext cx="{x1 - x0}" cy="{y1 - y0}"/><a:chOff x="{x0}" y="{y0}"/>'
                        f'<a:chExt cx="{x1 - x0}" cy="{y1 - y0}"/></a:xfrm></p:grpSpPr>'
                        + "".join(x for x, _ in inner) + "</p:grpSp>", box))
            return
        if isinstance(p, Rect | Ellipse):
            if isinstance(p, Rect):
                x, y, cx, cy = f.x(p.x), f.y(p.y), max(f.len(p.w), 1), max(f.len(p.h), 1)
                geom = (_prst("roundRect", min(0.5, p.rx / max(min(p.w, p.h), 1e-6))) if p.rx > 0
                        else _prst("rect"))
            else:
                x, y = f.x(p.cx - p.rx), f.y(p.cy - p.ry)
                cx, cy = max(f.len(2 * p.rx), 1), max(f.len(2 * p.ry), 1)
                geom = _prst("ellipse")
            id_ = self.next_id()
            out.append((sp_xml(id_, shape_name(p), _xfrm(x, y, cx, cy) + geom + self.paint_xml(p.style)),
                        (x, y, x + cx, y + cy)))
        elif isinstance(p, Polygon):
            if not p.points:
                return
            cmds = [("M", *p.points[0]), *[("L", *pt) for pt in p.points[1:]], ("Z",)]
            self._freeform(out, cmds, p, p.style)
        elif isinstance(p, Path):
            self._freeform(out, list(p.cmds), p, p.style)
        elif isinstance(p, Line):
            self._line(out, p)
        elif isinstance(p, Text):
            self._text(out, p)
        else:
            raise TypeError(f"unknown primitive {type(p).__name__}")

    def _freeform(self, out: list[Frag], cmds: list[tuple], p: Prim, style: Style, closed_fill: bool = True,
                  paint: str | None = None) -> None:
        """A custom-geometry shape from M/L/C/Q/Z commands (Béziers kept as Béziers)."""
        f = self.fit
        xs = [v for c in cmds for v in c[1:-1:2]]
        if not xs:
            return
        ys = [v for c in cmds for v in c[2::2]]
        ox, oy = f.x(min(xs)), f.y(min(ys))
        w, h = max(f.x(max(xs)) - ox, 1), max(f.y(max(ys)) - oy, 1)
        # points relative to the shape's offset, rounded as Fit.x / Fit.y round (written out: ~50 000 per slide)
        sx, dx, dy, E, R = f.scale, f.dx, f.dy, EMU_PER_PX, round

        parts = []
        path_open = f'<a:path w="{w}" h="{h}">' if closed_fill else f'<a:path w="{w}" h="{h}" fill="none">'
        for group in fill_groups(cmds) if closed_fill else [cmds]:
            parts.append(path_open)
            for c in group:
                op = c[0].upper()
                if op == "L":
                    parts.append(f'<a:lnTo><a:pt x="{R((c[1] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[2] * sx + dy) * E) - oy}"/>'
                                 "</a:lnTo>")
                elif op == "C":
                    parts.append(f'<a:cubicBezTo><a:pt x="{R((c[1] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[2] * sx + dy) * E) - oy}"/><a:pt x="{R((c[3] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[4] * sx + dy) * E) - oy}"/><a:pt x="{R((c[5] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[6] * sx + dy) * E) - oy}"/></a:cubicBezTo>')
                elif op == "M":
                    parts.append(f'<a:moveTo><a:pt x="{R((c[1] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[2] * sx + dy) * E) - oy}"/></a:moveTo>')
                elif op == "Z":
                    parts.append("<a:close/>")
                elif op == "Q":
                    parts.append(f'<a:quadBezTo><a:pt x="{R((c[1] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[2] * sx + dy) * E) - oy}"/><a:pt x="{R((c[3] * sx + dx) * E) - ox}" '
                                 f'y="{R((c[4] * sx + dy) * E) - oy}"/></a:quadBezTo>')
                else:
                    raise ValueError(f"unsupported path command {c[0]!r}")
            parts.append("</a:path>")
        id_ = self.next_id()
        geom = ('<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="l" t="t" r="r" b="b"/>'
                f'<a:pathLst>{"".join(parts)}</a:pathLst></a:custGeom>')
        paint = self.paint_xml(style) if paint is None else paint
        out.append((sp_xml(id_, shape_name(p), _xfrm(ox, oy, w, h) + geom + paint), (ox, oy, ox + w, oy + h)))

    def _line(self, out: list[Frag], p: Line) -> None:
        """A two-point line is a straight connector; a polyline or a drawn path (`cmds`) an open freeform;
        arrow heads native (line ends)."""
        f = self.fit
        if len(p.points) < 2:
            return
        style = Style(stroke=p.style.stroke or "#000000", stroke_width=p.style.stroke_width,
                      dash=p.style.dash, opacity=p.style.opacity)
        paint = self.paint_xml(style, fill=False, head=p.arrow_start, tail=p.arrow_end)
        if p.cmds:  # rounded corners or a curve: an open freeform with Bézier segments
            self._freeform(out, list(p.cmds), p, style, closed_fill=False, paint=paint)
        elif len(p.points) == 2:
            (xa, ya), (xb, yb) = p.points
            bx, by, ex, ey = f.x(xa), f.y(ya), f.x(xb), f.y(yb)
            x, y, cx, cy = min(bx, ex), min(by, ey), abs(ex - bx), abs(ey - by)
            flip = (' flipH="1"' if bx > ex else "") + (' flipV="1"' if by > ey else "")
            id_ = self.next_id()
            out.append((f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{id_}" name="{esc_attr(shape_name(p))}"/><p:cNvCxnSpPr/>'
                        f"<p:nvPr/></p:nvCxnSpPr><p:spPr>{_xfrm(x, y, cx, cy, flip)}{_prst('line')}{paint}</p:spPr>"
                        "</p:cxnSp>", (x, y, x + cx, y + cy)))
        else:
            cmds = [("M", *p.points[0]), *[("L", *pt) for pt in p.points[1:]]]
            self._freeform(out, cmds, p, style, closed_fill=False, paint=paint)

    def _text(self, out: list[Frag], t: Text) -> None:
        """A text box whose first baseline sits at t.y and whose anchor point is t.x, as in SVG."""
        if not t.text:
            return
        f = self.fit
        size = t.size * f.scale
        w = (t.width if t.width > 0 else t.size * len(t.text)) * f.scale
        w += 2 * size  # slack: office apps measure the same font, but never clip or wrap a hair short
        x = t.x * f.scale + f.dx
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.anchor]
        top = t.y * f.scale + f.dy - BASELINE_EM * size
        h = LINE_EM * size
        rot = ""
        if t.rotate and t.pivot is not None:  # a box turned about its centre: that centre turned about the pivot
            pivot = (t.pivot[0] * f.scale + f.dx, t.pivot[1] * f.scale + f.dy)
            cx_, cy_ = rotated((left + w / 2, top + h / 2), pivot, t.rotate)
            left, top = cx_ - w / 2, cy_ - h / 2
            rot = f' rot="{round(t.rotate % 360 * 60000)}"'
        bx, by, cx, cy = (round(left * EMU_PER_PX), round(top * EMU_PER_PX), round(w * EMU_PER_PX),
                          round(h * EMU_PER_PX))
        lang = "zh-CN" if self.lang == "zh" or _CJK.search(t.text) else "en-US"
        # font size as python-pptx's font.size = Emu(...) stores it (whole centipoints, rounded down)
        rpr = (f'sz="{round(size * PT_PER_PX * 12700) // 127}" b="{"1" if t.weight >= 600 else "0"}" '
               f'i="{"1" if t.italic else "0"}" lang="{lang}" dirty="0"><a:solidFill><a:srgbClr '
               f'val="{t.fill.lstrip("#").upper()[:6]}"/></a:solidFill>')
        # one run per face, its latin, ea and cs fonts all naming it: PowerPoint cannot then give an
        # ambiguous character (`×`, `·`, quotes) to the East Asian font
        runs = []
        for piece, family in t.pieces:
            face = esc_attr(family[0] if family else "Noto Sans CJK SC")
            runs.append(f'<a:r><a:rPr {rpr}<a:latin typeface="{face}"/><a:ea typeface="{face}"/>'
                        f'<a:cs typeface="{face}"/></a:rPr><a:t>{esc_text(piece)}</a:t></a:r>')
        body = ('<p:txBody><a:bodyPr wrap="none" lIns="0" rIns="0" tIns="0" bIns="0" anchor="t"><a:noAutofit/>'
                f'</a:bodyPr><a:lstStyle/><a:p><a:pPr algn="{ALIGN[t.anchor]}"><a:lnSpc><a:spcPct val="100000"/>'
                '</a:lnSpc><a:spcBef><a:spcPts val="0"/></a:spcBef></a:pPr>' + "".join(runs)
                + f'<a:endParaRPr sz="{round(size * PT_PER_PX * 100)}"/></a:p></p:txBody>')
        id_ = self.next_id()
        sppr = _xfrm(bx, by, cx, cy, rot) + '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
        out.append((sp_xml(id_, shape_name(t), sppr, body, '<p:cNvSpPr txBox="1"/>'), (bx, by, bx + cx, by + cy)))

    def scene_xml(self, scene: Scene) -> str:
        """Every item of the scene, in paint order: the shapes' XML for a slide's shape tree."""
        out: list[Frag] = []
        for p in scene.items:
            self._draw(out, p)
        return "".join(x for x, _ in out)


def _rgb(hex_: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_.lstrip("#").upper()[:6])
