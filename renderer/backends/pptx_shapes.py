"""PPTX shapes: every scene primitive as a native, editable PowerPoint shape (python-pptx).

Boxes are rounded rectangles or ellipses, polygons and paths are freeforms (custom geometry with
real Bézier segments), lines are connectors or open freeforms with native arrow heads, text runs are
text boxes placed so that their baseline and anchor match the SVG. Element groups become PowerPoint
groups named after the element id, so a box moves with its label. Speaker notes hold the caption and
every computed value with its source. Output is deterministic (fixed core properties and zip times).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn as _qn
from pptx.oxml.shapes.groupshape import CT_GroupShape
from pptx.util import Emu

from ..scene import Ellipse, Group, Line, Path, Polygon, Prim, Rect, Scene, Style, Text, walk

qn = functools.cache(_qn)  # "a:tag" -> Clark name: a table writes hundreds of thousands of elements

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
# table, "chart" → a PowerPoint chart). A handler gets the writer, the parent shape-tree element and the
# element's Group; it adds shapes with `writer.shapes` then `writer.place(shape, parent)`, and returns
# True when it drew the element; otherwise the Group's primitives are drawn as shapes.
NativeHandler = Callable[["SlideWriter", etree._Element, Group], bool]
NATIVE: dict[str, NativeHandler] = {}


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


def _fit_group(grp: etree._Element) -> None:
    """Size a group to its children once (identity child transform: children keep slide coordinates)."""
    boxes = []
    for child in grp:
        xfrm = child.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
        if xfrm is None:
            xfrm = child.find(f"{qn('p:grpSpPr')}/{qn('a:xfrm')}")
        if xfrm is None:
            xfrm = child.find(qn("p:xfrm"))  # graphic frames (native tables and charts)
        if xfrm is None:
            continue
        off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
        x, y = int(off.get("x")), int(off.get("y"))
        boxes.append((x, y, x + int(ext.get("cx")), y + int(ext.get("cy"))))
    if not boxes:
        return
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    grp.chOff.x = grp.x = x0
    grp.chOff.y = grp.y = y0
    grp.chExt.cx = grp.cx = x1 - x0
    grp.chExt.cy = grp.cy = y1 - y0


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
        xs = [c[i] for c in sp for i in range(1, len(c) - 1, 2)]
        ys = [c[i + 1] for c in sp for i in range(1, len(c) - 1, 2)]
        return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)

    boxes = [box(sp) for sp in subs]
    eps = 1e-6

    def inside(a, b):  # box a strictly within box b
        return (a != b and a[0] >= b[0] - eps and a[1] >= b[1] - eps and a[2] <= b[2] + eps
                and a[3] <= b[3] + eps)

    groups: list[list[tuple]] = []
    owner: dict[int, int] = {}
    order = sorted(range(len(subs)), key=lambda i: -(boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1]))
    for i in order:
        containers = [j for j in owner if inside(boxes[i], boxes[j])]
        if len(containers) % 2 == 1:  # a hole: joins the group of its smallest container
            j = min(containers, key=lambda k: (boxes[k][2] - boxes[k][0]) * (boxes[k][3] - boxes[k][1]))
            owner[i] = owner[j]
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


class SlideWriter:
    """Adds scene primitives to a slide's shape tree as native shapes."""

    def __init__(self, slide, fit: Fit = Fit(), lang: str = "en"):
        self.slide = slide
        self.fit = fit
        self.lang = lang
        self.shapes = slide.shapes  # every shape is made here (no per-shape group resizing), then placed
        self.shapes.turbo_add_enabled = True  # sequential shape ids instead of a search per shape
        self.tree = slide.shapes._spTree

    # --- paint ---------------------------------------------------------------------------------
    def _paint(self, shape, style: Style, fill: bool = True, head: bool = False, tail: bool = False) -> None:
        """Replace a shape's paint with the style's: fill, outline, dashes, arrow ends, no effects."""
        el = shape._element
        style_el = el.find(qn("p:style"))
        if style_el is not None:  # python-pptx's theme references (accent colours, effect style)
            el.remove(style_el)
        spPr = el.spPr
        for child in list(spPr):
            if child.tag not in (qn("a:xfrm"), qn("a:prstGeom"), qn("a:custGeom")):
                spPr.remove(child)
        if fill and style.gradient:  # a native linear gradient fill, stops evenly spaced
            grad = _sub(spPr, "a:gradFill", rotWithShape="1")
            gs_lst = _sub(grad, "a:gsLst")
            n = max(len(style.gradient) - 1, 1)
            for i, c in enumerate(style.gradient):
                _srgb(_sub(gs_lst, "a:gs", pos=round(i / n * 100000)), c, style.opacity)
            _sub(grad, "a:lin", ang=0 if style.gradient_axis == "x" else 5400000, scaled="0")
        elif fill and style.hatch:  # diagonal lines over the fill: a native pattern fill
            patt = _sub(spPr, "a:pattFill", prst="wdDnDiag")
            _srgb(_sub(patt, "a:fgClr"), style.hatch, style.opacity)
            _srgb(_sub(patt, "a:bgClr"), style.fill or "#FFFFFF", style.opacity)
        elif fill and style.fill:
            _color(spPr, style.fill, style.opacity)
        else:
            _sub(spPr, "a:noFill")
        ln = _sub(spPr, "a:ln", w=self.fit.len(style.stroke_width), cap="flat")
        if style.stroke:
            _color(ln, style.stroke, style.opacity)
            if style.dash:
                cust = _sub(ln, "a:custDash")
                dashes = list(style.dash) * (2 if len(style.dash) % 2 else 1)
                sw = max(style.stroke_width, 1e-6)
                for d, s in zip(dashes[::2], dashes[1::2], strict=True):
                    _sub(cust, "a:ds", d=round(d / sw * 100000), sp=round(s / sw * 100000))
            else:
                _sub(ln, "a:prstDash", val="solid")
            _sub(ln, "a:miter", lim=800000)
            # the SVG marker is a 10 × 8 px triangle; LibreOffice sizes line ends as 3× (med) or 5× (lg)
            # max(line width, 0.7 mm), which on our 1.3 px edges is 7.9 px for med and 13 px for lg
            if head:
                _sub(ln, "a:headEnd", type="triangle", w="med", len="med")
            if tail:
                _sub(ln, "a:tailEnd", type="triangle", w="med", len="med")
        else:
            ln.insert(0, _el("a:noFill"))
        _sub(spPr, "a:effectLst")  # no shadow, glow or reflection

    def _name(self, shape, p: Prim) -> None:
        shape.name = shape_name(p)

    # --- primitives ----------------------------------------------------------------------------
    def place(self, shape, parent: etree._Element) -> None:
        """Move a shape made on the slide's tree into `parent` (a group); groups are sized once, at the end."""
        if parent is not self.tree:
            parent.append(shape._element)

    def draw(self, parent: etree._Element, p: Prim) -> None:
        """Add one primitive (a Group recursively) to `parent`: the slide's shape tree or a group in it."""
        f = self.fit
        shapes = self.shapes
        if isinstance(p, Group):
            handler = NATIVE.get(p.meta.kind or "")
            if handler is not None and handler(self, parent, p):
                return
            kids = list(p.children)
            if not kids:
                return
            if len(kids) == 1:
                self.draw(parent, kids[0])
                return
            # the element as a group; its parts carry their kind and role in their names
            grp = CT_GroupShape.new_grpSp(self.shapes._next_shape_id, p.meta.id or p.meta.kind or "group")
            if parent is self.tree:
                self.tree.insert_element_before(grp, "p:extLst")
            else:
                parent.append(grp)
            for c in kids:
                self.draw(grp, c)
            _fit_group(grp)
            alt = alt_text(p)
            if alt:
                grp.nvGrpSpPr.cNvPr.set("descr", alt)
            return
        if isinstance(p, Rect):
            kind = MSO_SHAPE.ROUNDED_RECTANGLE if p.rx > 0 else MSO_SHAPE.RECTANGLE
            sh = shapes.add_shape(kind, Emu(f.x(p.x)), Emu(f.y(p.y)), Emu(max(f.len(p.w), 1)),
                                  Emu(max(f.len(p.h), 1)))
            if p.rx > 0:
                sh.adjustments[0] = min(0.5, p.rx / max(min(p.w, p.h), 1e-6))
            self._strip_text(sh)
        elif isinstance(p, Ellipse):
            sh = shapes.add_shape(MSO_SHAPE.OVAL, Emu(f.x(p.cx - p.rx)), Emu(f.y(p.cy - p.ry)),
                                  Emu(max(f.len(2 * p.rx), 1)), Emu(max(f.len(2 * p.ry), 1)))
            self._strip_text(sh)
        elif isinstance(p, Polygon):
            if not p.points:
                return
            cmds = [("M", *p.points[0]), *[("L", *pt) for pt in p.points[1:]], ("Z",)]
            sh = self._freeform(cmds)
        elif isinstance(p, Path):
            sh = self._freeform(list(p.cmds))
        elif isinstance(p, Line):
            sh = self._line(p)
        elif isinstance(p, Text):
            sh = self._text(p)
        else:
            raise TypeError(f"unknown primitive {type(p).__name__}")
        if sh is None:
            return
        if not isinstance(p, Line | Text):
            self._paint(sh, p.style)
        self._name(sh, p)
        self.place(sh, parent)

    @staticmethod
    def _strip_text(sh) -> None:
        """Autoshapes come with an empty centred text body; keep it empty and inset-free."""
        bp = sh._element.txBody.find(qn("a:bodyPr"))
        for k in ("lIns", "tIns", "rIns", "bIns"):
            bp.set(k, "0")

    def _freeform(self, cmds: list[tuple], closed_fill: bool = True):
        """A custom-geometry shape from M/L/C/Q/Z commands (Béziers kept as Béziers)."""
        f = self.fit
        pts = [(c[i], c[i + 1]) for c in cmds for i in range(1, len(c) - 1, 2)]
        if not pts:
            return None
        x0, y0 = min(x for x, _ in pts), min(y for _, y in pts)
        x1, y1 = max(x for x, _ in pts), max(y for _, y in pts)
        ox, oy = f.x(x0), f.y(y0)
        w, h = max(f.x(x1) - ox, 1), max(f.y(y1) - oy, 1)
        sh = self.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(ox), Emu(oy), Emu(w), Emu(h))
        spPr = sh._element.spPr
        prst = spPr.find(qn("a:prstGeom"))
        geom = _el("a:custGeom")
        for t in ("a:avLst", "a:gdLst", "a:ahLst", "a:cxnLst"):
            _sub(geom, t)
        _sub(geom, "a:rect", l="l", t="t", r="r", b="b")
        plst = _sub(geom, "a:pathLst")

        def pt(parent, x, y):
            _sub(parent, "a:pt", x=f.x(x) - ox, y=f.y(y) - oy)

        for group in fill_groups(cmds) if closed_fill else [cmds]:
            path = _sub(plst, "a:path", w=w, h=h)
            if not closed_fill:
                path.set("fill", "none")
            for c in group:
                op = c[0].upper()
                if op == "M":
                    pt(_sub(path, "a:moveTo"), c[1], c[2])
                elif op == "L":
                    pt(_sub(path, "a:lnTo"), c[1], c[2])
                elif op == "C":
                    cb = _sub(path, "a:cubicBezTo")
                    for i in (1, 3, 5):
                        pt(cb, c[i], c[i + 1])
                elif op == "Q":
                    qb = _sub(path, "a:quadBezTo")
                    for i in (1, 3):
                        pt(qb, c[i], c[i + 1])
                elif op == "Z":
                    _sub(path, "a:close")
                else:
                    raise ValueError(f"unsupported path command {c[0]!r}")
        prst.addprevious(geom)
        spPr.remove(prst)
        self._strip_text(sh)
        return sh

    def _line(self, p: Line):
        """A two-point line is a straight connector; a polyline or a drawn path (`cmds`) an open freeform;
        arrow heads native (line ends)."""
        f = self.fit
        style = Style(stroke=p.style.stroke or "#000000", stroke_width=p.style.stroke_width,
                      dash=p.style.dash, opacity=p.style.opacity)
        if len(p.points) < 2:
            return None
        if p.cmds:  # rounded corners or a curve: an open freeform with Bézier segments
            sh = self._freeform(list(p.cmds), closed_fill=False)
        elif len(p.points) == 2:
            (xa, ya), (xb, yb) = p.points
            sh = self.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(f.x(xa)), Emu(f.y(ya)),
                                      Emu(f.x(xb)), Emu(f.y(yb)))
        else:
            cmds = [("M", *p.points[0]), *[("L", *pt) for pt in p.points[1:]]]
            sh = self._freeform(cmds, closed_fill=False)
        if sh is None:
            return None
        self._paint(sh, style, fill=False, head=p.arrow_start, tail=p.arrow_end)
        return sh

    def _text(self, t: Text):
        """A text box whose first baseline sits at t.y and whose anchor point is t.x, as in SVG."""
        f = self.fit
        size = t.size * f.scale
        w = (t.width if t.width > 0 else t.size * len(t.text)) * f.scale
        w += 2 * size  # slack: office apps measure the same font, but never clip or wrap a hair short
        x = t.x * f.scale + f.dx
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.anchor]
        top = t.y * f.scale + f.dy - BASELINE_EM * size
        h = LINE_EM * size
        if not t.text:
            return None
        sh = self.shapes.add_textbox(Emu(round(left * EMU_PER_PX)), Emu(round(top * EMU_PER_PX)),
                                Emu(round(w * EMU_PER_PX)), Emu(round(h * EMU_PER_PX)))
        tf = sh.text_frame
        tf.word_wrap = False
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = Emu(0)
        tf.vertical_anchor = MSO_ANCHOR.TOP
        para = tf.paragraphs[0]
        para.alignment = {"start": PP_ALIGN.LEFT, "middle": PP_ALIGN.CENTER, "end": PP_ALIGN.RIGHT}[t.anchor]
        pPr = para._p.get_or_add_pPr()
        _sub(_sub(pPr, "a:lnSpc"), "a:spcPct", val=100000)
        _sub(_sub(pPr, "a:spcBef"), "a:spcPts", val=0)
        lang = "zh-CN" if self.lang == "zh" or _CJK.search(t.text) else "en-US"
        # one run per face, its latin, ea and cs fonts all naming it: PowerPoint cannot then give an
        # ambiguous character (`×`, `·`, quotes) to the East Asian font
        for piece, family in t.pieces:
            run = para.add_run()
            run.text = piece
            font = run.font
            font.size = Emu(round(size * PT_PER_PX * 12700))
            font.bold = t.weight >= 600
            font.italic = t.italic
            font.color.rgb = _rgb(t.fill)
            rPr = run._r.get_or_add_rPr()
            rPr.set("lang", lang)
            rPr.set("dirty", "0")
            for tag in ("a:latin", "a:ea", "a:cs"):
                rPr.append(_el(tag, typeface=family[0] if family else "Noto Sans CJK SC"))
        end = para._p.get_or_add_endParaRPr()
        end.set("sz", str(round(size * PT_PER_PX * 100)))
        return sh

    def draw_scene(self, scene: Scene) -> None:
        """Every item of the scene, in paint order, on the slide."""
        for p in scene.items:
            self.draw(self.tree, p)


def _rgb(hex_: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_.lstrip("#").upper()[:6])
