"""The SVG writer (xml.etree) writes the bytes the svgwrite-based writer it replaced wrote, spec by spec."""

from __future__ import annotations

import json
from dataclasses import replace
from xml.etree import ElementTree

import pytest
import svgwrite

from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.scene import Ellipse, Group, Line, Path, Polygon, Prim, Rect, Scene, Style, Text
from renderer.spec.loader import load

# ---- the former writer, unchanged (renderer/backends/svg.py before it stopped importing svgwrite) ----

def _n(v: float) -> str:
    """Numbers written with at most 2 decimals, no trailing zeros (stable and compact)."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _paint(style: Style) -> dict:
    a: dict = {"fill": style.fill or "none"}
    if style.stroke:
        a["stroke"] = style.stroke
        a["stroke_width"] = _n(style.stroke_width)
        if style.dash:
            a["stroke_dasharray"] = " ".join(_n(d) for d in style.dash)
    if style.opacity < 1:
        a["opacity"] = _n(style.opacity)
    return a


def _ident(p: Prim) -> dict:
    a = {}
    if p.meta.role:
        a["data_role"] = p.meta.role
    if p.meta.id and isinstance(p, Group):
        a["data_id"] = p.meta.id
    return a


class _Writer:
    def __init__(self, scene: Scene):
        self.scene = scene
        self.dwg = svgwrite.Drawing(size=(_n(scene.width), _n(scene.height)), debug=False, profile="full")
        self.dwg.attribs["viewBox"] = f"0 0 {_n(scene.width)} {_n(scene.height)}"
        self.markers: dict[str, str] = {}

    def marker(self, color: str) -> str:
        if color not in self.markers:
            mid = f"arrow-{len(self.markers)}"
            m = self.dwg.marker(id=mid, insert=(9, 5), size=(10, 10), orient="auto-start-reverse",
                                markerUnits="userSpaceOnUse")
            m.add(self.dwg.path(d="M0,1 L10,5 L0,9 z", fill=color))
            self.dwg.defs.add(m)
            self.markers[color] = mid
        return f"url(#{self.markers[color]})"

    def hatch(self, fill: str, color: str) -> str:  # added after svgwrite: a hatched fill's pattern
        hatches = self.__dict__.setdefault("hatches", {})
        if (fill, color) not in hatches:
            hid = f"hatch-{len(hatches)}"
            pat = self.dwg.pattern(id=hid, size=(6, 6), patternUnits="userSpaceOnUse")
            pat.add(self.dwg.rect(size=(6, 6), fill=fill))
            pat.add(self.dwg.path(d="M-1,-1 L7,7 M5,-1 L7,1 M-1,5 L1,7", stroke=color, stroke_width="1"))
            self.dwg.defs.add(pat)
            hatches[fill, color] = hid
        return f"url(#{hatches[fill, color]})"

    def gradient(self, style: Style) -> str:  # added after svgwrite: a spectrum's linear gradient
        grads = self.__dict__.setdefault("gradients", {})
        key = (style.gradient, style.gradient_axis)
        if key not in grads:
            gid = f"gradient-{len(grads)}"
            end = ("1", "0") if style.gradient_axis == "x" else ("0", "1")
            grad = self.dwg.linearGradient(start=("0", "0"), end=end, id=gid)
            for i, c in enumerate(style.gradient):
                grad.add_stop_color(_n(i / max(len(style.gradient) - 1, 1)), c)
            self.dwg.defs.add(grad)
            grads[key] = gid
        return f"url(#{grads[key]})"

    def fill(self, p: Prim) -> dict:
        paint = _paint(p.style)
        if p.style.gradient:
            paint["fill"] = self.gradient(p.style)
        return paint

    def elem(self, p: Prim):
        d = self.dwg
        if isinstance(p, Rect):
            kw = {"rx": _n(p.rx), "ry": _n(p.rx)} if p.rx else {}
            paint = _paint(p.style)
            if p.style.hatch:
                paint["fill"] = self.hatch(p.style.fill or "#FFFFFF", p.style.hatch)
            return d.rect((_n(p.x), _n(p.y)), (_n(p.w), _n(p.h)), **kw, **paint, **_ident(p))
        if isinstance(p, Ellipse):
            return d.ellipse((_n(p.cx), _n(p.cy)), (_n(p.rx), _n(p.ry)), **self.fill(p), **_ident(p))
        if isinstance(p, Polygon):
            return d.polygon([(_n(x), _n(y)) for x, y in p.points], **self.fill(p), **_ident(p))
        if isinstance(p, Path):
            cmds = " ".join(c[0] + ",".join(_n(v) for v in c[1:]) for c in p.cmds)
            return d.path(d=cmds, **self.fill(p), **_ident(p))
        if isinstance(p, Line):
            cmds = " ".join(("M" if i == 0 else "L") + f"{_n(x)},{_n(y)}" for i, (x, y) in enumerate(p.points))
            if p.cmds:  # a drawn path (rounded corners, a curve; added after svgwrite): written as a Path's
                cmds = " ".join(c[0] + ",".join(_n(v) for v in c[1:]) for c in p.cmds)
            el = d.path(d=cmds, **_paint(Style(stroke=p.style.stroke, stroke_width=p.style.stroke_width,
                                                dash=p.style.dash, opacity=p.style.opacity)), **_ident(p))
            if p.arrow_end:
                el.attribs["marker-end"] = self.marker(p.style.stroke or "#000000")
            if p.arrow_start:
                el.attribs["marker-start"] = self.marker(p.style.stroke or "#000000")
            return el
        if isinstance(p, Text) and p.rotate and p.pivot is not None:  # added with turned labels: a rotating group
            g = d.g(transform=f"rotate({_n(p.rotate)} {_n(p.pivot[0])} {_n(p.pivot[1])})")
            g.add(self.elem(replace(p, rotate=0.0, pivot=None)))
            return g
        if isinstance(p, Text):
            kw = {"font_size": _n(p.size), "fill": p.fill}
            if p.weight != 400:
                kw["font_weight"] = str(p.weight)
            if p.anchor != "start":
                kw["text_anchor"] = p.anchor
            if p.italic:
                kw["font_style"] = "italic"
            if p.runs:  # added with the per-face runs: one tspan per run, each naming its face
                t = d.text("", insert=(_n(p.x), _n(p.y)), **kw)
                for piece, fam in p.runs:
                    t.add(d.tspan(piece, font_family=_families(fam)))
                return t
            if p.family and p.family[0] != self.scene.family[0]:
                kw["font_family"] = _families(p.family)
            return d.text(p.text, insert=(_n(p.x), _n(p.y)), **kw)
        if isinstance(p, Group):
            g = d.g(**_ident(p))
            for c in p.children:
                g.add(self.elem(c))
            return g
        raise TypeError(type(p).__name__)

    def write(self) -> bytes:
        s = self.scene
        d = self.dwg
        d.attribs["font-family"] = _families(s.family)
        d.attribs["xml:space"] = "preserve"  # text runs keep their leading/trailing spaces, as measured
        d.attribs["role"] = "img"
        d.attribs["aria-labelledby"] = "title desc"
        d.add(d.rect((0, 0), (_n(s.width), _n(s.height)), fill=s.background))
        for p in s.items:
            d.add(self.elem(p))
        md = json.dumps(s.metadata, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        # title, desc and metadata open the document (before <defs>), as elements of the tree
        d.elements[0:0] = [_Leaf("title", "title", s.title), _Leaf("desc", "desc", s.desc),
                           _Leaf("metadata", "vizspec", md)]
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + d.tostring() + "\n").encode()


class _Leaf:
    """A text-only child element with an id (svgwrite's Title/Desc/Metadata take no attributes)."""

    def __init__(self, tag: str, ident: str, text: str):
        self.elementname = tag
        self.xml = ElementTree.Element(tag, id=ident)
        self.xml.text = text

    def get_xml(self) -> ElementTree.Element:
        return self.xml


def _families(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{f}'" if " " in f else f for f in names)



# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in (SPECS_DIR / "_examples").glob("*.yaml")))
def test_svg_bytes_are_what_the_svgwrite_writer_wrote(name):
    bound = bind(load(SPECS_DIR / "_examples" / f"{name}.yaml"), use_cache=False)
    for lang in ("en", "zh"):
        scene = layout(bound.for_lang(lang), load_theme())
        assert draw_svg(scene, fonts=False) == _Writer(scene).write(), (name, lang)


def test_edge_cases_are_written_the_same():
    scene = Scene(50.005, 20, [Text(1, 2, "", 12), Text(1, 2, "a < b & 'c'", 12, italic=True, weight=700,
                                                        anchor="end", family=("Noto Sans Mono CJK SC",)),
                               Rect(0, 0, 5, 5, style=Style(fill=None, stroke="#000000", dash=(2, 1), opacity=0.5)),
                               Line(((0, 0), (1, 1)), arrow_start=True, arrow_end=True),
                               Group((Polygon(((0, 0), (1, 0), (0, 1))),), ), Ellipse(1, 1, 1, 1),
                               Path((("M", 0, 0), ("C", 1, 1, 2, 2, 3, 3), ("Z",)))],
                  title="", desc="d\n<x>", metadata={"k": "ü"})
    assert draw_svg(scene, fonts=False) == _Writer(scene).write()
