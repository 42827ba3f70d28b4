"""SVG backend: writes a Scene as SVG text; same scene → byte-identical output.

Elements and attributes are written as svgwrite wrote them (attributes sorted by name, empty values left
out, `<defs>` first): svgwrite itself took 15 % of a one-diagram process to import (its attribute
parser builds a pyparsing grammar) and is no longer used. Elements are serialised straight to strings,
escaped and laid out as xml.etree writes them (`tostring`: `<a k="v" />` when empty); building an etree
and serialising it was half of the SVG (and of the PNG's SVG) time. tests/renderer/test_svg_writer.py
checks the bytes against xml.etree's.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..scene import Ellipse, Group, Line, Path, Polygon, Prim, Rect, Scene, Style, Text

ROOT_ATTRS = {"baseProfile": "full", "version": "1.1", "xmlns": "http://www.w3.org/2000/svg",
              "xmlns:ev": "http://www.w3.org/2001/xml-events", "xmlns:xlink": "http://www.w3.org/1999/xlink"}
HATCH_STEP = 6.0  # px between the diagonal lines of a hatched fill


_NUMBERS: dict[float, str] = {}  # _n's answers (coordinates repeat: grid cells, rows, strokes)
_KEYS: dict[str, str] = {}  # attribute names as written (`stroke_width` → `stroke-width`)


def _n(v: float) -> str:
    """Numbers written with at most 2 decimals, no trailing zeros (stable and compact)."""
    s = _NUMBERS.get(v)
    if s is None:
        s = f"{v:.2f}".rstrip("0").rstrip(".")
        if s in ("-0", ""):
            s = "0"
        if len(_NUMBERS) > 200_000:  # a bound, not a policy: a long-lived process drawing many diagrams
            _NUMBERS.clear()
        _NUMBERS[v] = s
    return s


def _key(k: str) -> str:
    name = _KEYS.get(k)
    if name is None:
        name = _KEYS[k] = k.rstrip("_").replace("_", "-")
    return name


def _cdata(text: str) -> str:
    """Character data escaped as xml.etree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


_ATTR_ESCAPES = (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _attr(text: str) -> str:
    """An attribute value escaped as xml.etree escapes it: as character data, then quotes and white space."""
    text = _cdata(text)
    for ch, ref in _ATTR_ESCAPES:
        if ch in text:
            text = text.replace(ch, ref)
    return text


def _el(tag: str, attrs: dict[str, str], text: str | None = None, children: list[str] | None = None) -> str:
    """An element as text, its non-empty attributes in name order (`stroke_width` → `stroke-width`)."""
    named: dict[str, str] = {}
    for key, value in sorted((_key(k), v) for k, v in attrs.items()):
        if value:
            named[key] = value  # two spellings of one name: the last in order wins, as with Element.set
    head = "<" + tag + "".join(f' {k}="{_attr(v)}"' for k, v in named.items())
    if text or children:
        return head + ">" + (_cdata(text) if text else "") + "".join(children or ()) + "</" + tag + ">"
    return head + " />"


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
    def __init__(self, scene: Scene, fonts: bool):
        self.scene = scene
        self.fonts = fonts
        self.runs: dict[tuple[str, bool], list[str]] = {}  # (family, bold) -> texts drawn in that face
        self.defs: list[str] = []  # the children of <defs>
        self.markers: dict[str, str] = {}
        self.hatches: dict[tuple[str, str], str] = {}
        self.gradients: dict[tuple[tuple[str, ...], str], str] = {}

    def hatch(self, fill: str, color: str) -> str:
        """A pattern of diagonal lines (top-left to bottom-right, as PPTX's wdDnDiag) over `fill`."""
        if (fill, color) not in self.hatches:
            hid = f"hatch-{len(self.hatches)}"
            s = HATCH_STEP
            self.defs.append(_el("pattern", {"id": hid, "patternUnits": "userSpaceOnUse", "width": _n(s),
                                             "height": _n(s)}, children=[
                _el("rect", {"x": "0", "y": "0", "width": _n(s), "height": _n(s), "fill": fill}),
                _el("path", {"d": f"M-1,-1 L{_n(s + 1)},{_n(s + 1)} M{_n(s - 1)},-1 L{_n(s + 1)},1 "
                                  f"M-1,{_n(s - 1)} L1,{_n(s + 1)}", "stroke": color, "stroke_width": "1"})]))
            self.hatches[fill, color] = hid
        return f"url(#{self.hatches[fill, color]})"

    def gradient(self, style: Style) -> str:
        """A linear gradient across the shape's bounding box through the style's colours, evenly spaced."""
        key = (style.gradient or (), style.gradient_axis)
        if key not in self.gradients:
            gid = f"gradient-{len(self.gradients)}"
            x2, y2 = ("1", "0") if style.gradient_axis == "x" else ("0", "1")
            colors = key[0]
            stops = [_el("stop", {"offset": _n(i / max(len(colors) - 1, 1)) if i else "0", "stop_color": c})
                     for i, c in enumerate(colors)]
            self.defs.append(_el("linearGradient", {"id": gid, "x1": "0", "y1": "0", "x2": x2, "y2": y2},
                                 children=stops))
            self.gradients[key] = gid
        return f"url(#{self.gradients[key]})"

    def fill(self, p: Rect | Ellipse | Polygon | Path) -> dict:
        """The paint of a filled shape, with its gradient (or a rectangle's hatch pattern)."""
        paint = _paint(p.style)
        if p.style.gradient:
            paint["fill"] = self.gradient(p.style)
        elif p.style.hatch and isinstance(p, Rect):
            paint["fill"] = self.hatch(p.style.fill or "#FFFFFF", p.style.hatch)
        return paint

    def marker(self, color: str) -> str:
        if color not in self.markers:
            mid = f"arrow-{len(self.markers)}"
            self.defs.append(_el("marker", {"id": mid, "refX": "9", "refY": "5", "markerWidth": "10",
                                            "markerHeight": "10", "orient": "auto-start-reverse",
                                            "markerUnits": "userSpaceOnUse"},
                                 children=[_el("path", {"d": "M0,1 L10,5 L0,9 z", "fill": color})]))
            self.markers[color] = mid
        return f"url(#{self.markers[color]})"

    def elem(self, p: Prim) -> str:
        if isinstance(p, Rect):
            kw = {"rx": _n(p.rx), "ry": _n(p.rx)} if p.rx else {}
            return _el("rect", {"x": _n(p.x), "y": _n(p.y), "width": _n(p.w), "height": _n(p.h), **kw,
                                **self.fill(p), **_ident(p)})
        if isinstance(p, Ellipse):
            return _el("ellipse", {"cx": _n(p.cx), "cy": _n(p.cy), "rx": _n(p.rx), "ry": _n(p.ry),
                                   **self.fill(p), **_ident(p)})
        if isinstance(p, Polygon):
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in p.points)
            return _el("polygon", {"points": points, **self.fill(p), **_ident(p)})
        if isinstance(p, Path):
            cmds = " ".join(c[0] + ",".join(_n(v) for v in c[1:]) for c in p.cmds)
            return _el("path", {"d": cmds, **self.fill(p), **_ident(p)})
        if isinstance(p, Line):
            cmds = (" ".join(c[0] + ",".join(_n(v) for v in c[1:]) for c in p.cmds) if p.cmds else
                    " ".join(("M" if i == 0 else "L") + f"{_n(x)},{_n(y)}" for i, (x, y) in enumerate(p.points)))
            a = {"d": cmds, **_paint(Style(stroke=p.style.stroke, stroke_width=p.style.stroke_width,
                                           dash=p.style.dash, opacity=p.style.opacity)), **_ident(p)}
            if p.arrow_end:
                a["marker-end"] = self.marker(p.style.stroke or "#000000")
            if p.arrow_start:
                a["marker-start"] = self.marker(p.style.stroke or "#000000")
            return _el("path", a)
        if isinstance(p, Text) and p.rotate and p.pivot is not None:  # turned about its pivot
            return _el("g", {"transform": f"rotate({_n(p.rotate)} {_n(p.pivot[0])} {_n(p.pivot[1])})"},
                       children=[self.elem(replace(p, rotate=0.0, pivot=None))])
        if isinstance(p, Text):
            kw = {"font_size": _n(p.size), "fill": p.fill}
            if p.weight != 400:
                kw["font_weight"] = str(p.weight)
            if p.anchor != "start":
                kw["text_anchor"] = p.anchor
            if p.italic:
                kw["font_style"] = "italic"
            if self.fonts:
                self.note_runs(p)
            if not p.runs:
                if p.family and p.family[0] != self.scene.family[0]:
                    kw["font_family"] = _families(p.family)
                return _el("text", {"x": _n(p.x), "y": _n(p.y), **kw}, str(p.text))
            return _el("text", {"x": _n(p.x), "y": _n(p.y), **kw},  # one tspan per face
                       children=[_el("tspan", {"font_family": _families(fam)}, piece) for piece, fam in p.runs])
        if isinstance(p, Group):
            return _el("g", _ident(p), children=[self.elem(c) for c in p.children])
        raise TypeError(type(p).__name__)

    def note_runs(self, p: Text) -> None:
        """Remember which characters are drawn in which face (for the embedded font subsets)."""
        bold = p.weight > 500  # CSS matching with only 400 and 700 installed
        pieces = p.runs or [(str(p.text), p.family or self.scene.family)]
        for piece, fam in pieces:
            if fam:
                self.runs.setdefault((fam[0], bold), []).append(piece)

    def write(self, frames: list[Scene] | None = None, seconds: float = 1.5, start: int = 0) -> bytes:
        s = self.scene
        w, h = _n(s.width), _n(s.height)
        md = json.dumps(s.metadata, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        # title, desc and metadata open the document (before <defs>)
        body = [_el(tag, {"id": ident}, text) for tag, ident, text in
                (("title", "title", s.title), ("desc", "desc", s.desc), ("metadata", "vizspec", md))]
        at_defs = len(body)
        body.append(_el("rect", {"x": "0", "y": "0", "width": w, "height": h, "fill": s.background}))
        if frames is None:
            body += [self.elem(p) for p in s.items]
        else:
            body.append(_el("style", {"type": "text/css"}, sweep_css(len(frames), seconds, start)))
            for i, f in enumerate(frames):  # the start frame visible where CSS is not applied; the others hidden
                body.append(_el("g", {"id": f"frame-{i}", "class": "vz-frame",
                                      "visibility": "" if i == start else "hidden"}, children=[
                    _el("rect", {"x": "0", "y": "0", "width": w, "height": h, "fill": f.background}),
                    *[self.elem(p) for p in f.items]]))
        if self.runs:
            from .svg_fonts import font_face_css

            css = font_face_css(self.runs)
            if css:
                self.defs.insert(0, _el("style", {"type": "text/css"}, css))
        body.insert(at_defs, _el("defs", {}, children=self.defs))  # after the defs are complete
        root = _el("svg", {**ROOT_ATTRS, "width": w, "height": h, "viewBox": f"0 0 {w} {h}",
                           "font-family": _families(s.family), "xml:space": "preserve", "role": "img",
                           "aria-labelledby": "title desc"}, children=body)
        # as xml.etree wrote UTF-8: a character UTF-8 cannot carry (a lone surrogate) as a character reference
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + root + "\n").encode("utf-8", "xmlcharrefreplace")


def sweep_css(n: int, seconds: float, start: int = 0) -> str:
    """Frames cycling in order, `seconds` each, from frame `start`; under prefers-reduced-motion only that frame, still.

    Negative delays start every frame's animation at once (no frame shows its base style first)."""
    share = 100.0 / n
    rules = [f"@keyframes vz-cycle {{0% {{visibility: visible}} {share:.4f}% {{visibility: hidden}} "
             "100% {visibility: hidden}}",
             f".vz-frame {{animation: vz-cycle {n * seconds:g}s step-end infinite}}"]
    rules += [f"#frame-{i} {{animation-delay: -{(n - (i - start) % n) % n * seconds:g}s}}" for i in range(n)
              if i != start]
    rules.append("@media (prefers-reduced-motion: reduce) {.vz-frame {animation: none; visibility: hidden} "
                 f"#frame-{start} {{visibility: visible}}}}")
    return "\n".join(rules)


def draw_sweep_svg(scenes: list[Scene], seconds: float = 1.5, start: int = 0, fonts: bool | None = None) -> bytes:
    """One self-contained animated SVG of a sweep's frames (from frame `start`), one font set for all."""
    if fonts is None:
        from . import svg_fonts_embedded

        fonts = svg_fonts_embedded()
    w = max(s.width for s in scenes)
    h = max(s.height for s in scenes)
    first = scenes[0]
    canvas = Scene(w, h, [], first.title, first.desc, first.lang, first.background,
                   {**first.metadata, "frames": len(scenes)}, first.family)
    return _Writer(canvas, fonts).write(scenes, seconds, start)


def _families(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{f}'" if " " in f else f for f in names)


_FONT_STYLE = b'<defs><style type="text/css">@font-face'


def without_fonts(svg: bytes) -> bytes:
    """The document `draw_svg(scene, fonts=True)` wrote, as `draw_svg(scene, fonts=False)` writes it: its
    `@font-face` style, the first child of `<defs>`, taken out (text escapes `<`, so the first `<defs><style`
    is that element). A document without embedded fonts comes back as it is."""
    i = svg.find(_FONT_STYLE)
    if i < 0:
        return svg
    j = svg.find(b"</style>", i) + len(b"</style>")
    if svg.startswith(b"</defs>", j):
        return svg[:i] + b"<defs />" + svg[j + len(b"</defs>"):]
    return svg[:i + len(b"<defs>")] + svg[j:]


def draw_svg(scene: Scene, fonts: bool | None = None) -> bytes:
    """The scene as an SVG document (UTF-8 bytes); `fonts`: embed the faces it draws with as WOFF
    subsets (default: `vizspec render --svg-fonts`, i.e. env VIZSPEC_SVG_FONTS, embed unless "system")."""
    if fonts is None:
        from . import svg_fonts_embedded

        fonts = svg_fonts_embedded()
    return _Writer(scene, fonts).write()
