"""Our SVG as the PNG rasteriser gets it: text as glyph outlines, arrow-head markers as plain paths.

Text: resvg (in vl-convert) looked fonts up per glyph and mapped the 19.5 MB Noto CJK file each time,
three quarters of a PNG's cost. Here the faces are opened once per process (uharfbuzz, as layout measures
with), each run is shaped with harfbuzz's default features (as resvg's rustybuzz does), and every glyph
outline is written once into <defs> in font units and placed by a transform. A text cut into runs by face
(layout chose Noto Sans or Noto Sans CJK SC per character) is a <text> of <tspan font-family> children, each
outlined with its own face. A run this cannot reproduce exactly (an unknown attribute, other child elements,
a family outside the known faces) stays <text>. A character the face lacks comes from DejaVu Sans, or is
the face's .notdef box when that lacks it too.

Markers: Skia's SVG module draws no <marker>, so each marker-start/-end of a path is drawn as the
marker's path, placed and turned as SVG's `orient="auto-start-reverse"` does.

Only the PNG sees this document; the SVG output keeps its real <text> and markers.
"""

from __future__ import annotations

import html
import math
import re
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/local/share/fonts")
CJK_FILES = {False: "NotoSansCJK-Regular.ttc", True: "NotoSansCJK-Bold.ttc"}  # bold? -> file
LATIN_FILES = {False: "NotoSans-Regular.ttf", True: "NotoSans-Bold.ttf"}
SYMBOL_FILES = {False: "NotoSansMath-Regular.ttf", True: "NotoSansMath-Regular.ttf"}  # one weight
FALLBACK_DIR = "/usr/share/fonts/truetype/dejavu"
FALLBACK = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
# the families a run may name first -> (glyph id prefix, files); the layout chose the face of every run
FACES = {"Noto Sans CJK SC": ("", CJK_FILES), "Noto Sans Mono CJK SC": ("", CJK_FILES),
         "Noto Sans": ("l", LATIN_FILES), "Noto Sans Math": ("s", SYMBOL_FILES)}
# attributes a run may have; font-style too: Noto CJK has no italic face, and resvg drew italic runs upright
KNOWN_ATTRS = {"x", "y", "fill", "font-size", "font-weight", "font-family", "font-style", "text-anchor",
               "data-role", "data-id"}

_TEXT = re.compile(r"<text\b([^>]*?)(?:/>|>(.*?)</text>)", re.S)
_TSPANS = re.compile(r'(?:<tspan font-family="[^"<>]*">[^<]*</tspan>)+')
_TSPAN = re.compile(r'<tspan font-family="([^"<>]*)">([^<]*)</tspan>')
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_ROOT_FAMILY = re.compile(r'<svg\b[^>]*?\bfont-family="([^"]*)"')
_MARKER = re.compile(r'<marker\b([^>]*)>\s*<path\b([^>]*?)/?>\s*</marker>', re.S)
_MARKED = re.compile(r'<path\b([^>]*\bmarker-(?:start|end)="[^"]*"[^>]*?)\s*/>', re.S)
_NUMBER = re.compile(r"-?[\d.]+")


class _Pen:
    """Collects a glyph outline as SVG path data (font units, y up)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def moveTo(self, p):  # noqa: N802 - the fontTools pen protocol harfbuzz calls
        self.parts.append(f"M{_n(p[0])} {_n(p[1])}")

    def lineTo(self, p):  # noqa: N802
        self.parts.append(f"L{_n(p[0])} {_n(p[1])}")

    def curveTo(self, a, b, c):  # noqa: N802
        self.parts.append(f"C{_n(a[0])} {_n(a[1])} {_n(b[0])} {_n(b[1])} {_n(c[0])} {_n(c[1])}")

    def qCurveTo(self, a, b):  # noqa: N802
        self.parts.append(f"Q{_n(a[0])} {_n(a[1])} {_n(b[0])} {_n(b[1])}")

    def closePath(self):  # noqa: N802
        self.parts.append("Z")


def _n(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@cache
def _file(name: str) -> Path | None:
    for d in FONT_DIRS:
        p = Path(d) / name
        if p.is_file():
            return p
    return None


@cache
def face(family: str, bold: bool) -> tuple[hb.Font, int, str] | None:
    """(font, units per em, glyph id prefix) of a family's regular or bold face; None if not installed."""
    prefix, files = FACES[family]
    path = _file(files[bold])
    if path is None:
        return None
    blob = hb.Blob.from_file_path(str(path))
    for i in range(32):
        try:
            f = hb.Face(blob, i)
        except Exception:
            return None
        if f.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == family:
            return hb.Font(f), f.upem, f"{prefix}{'b' if bold else 'r'}{i}"
    return None


@cache
def fallback(bold: bool) -> tuple[hb.Font, int, str] | None:
    """The face for characters the Noto CJK face lacks (DejaVu Sans, as the rasteriser's fallback found)."""
    path = Path(FALLBACK_DIR) / FALLBACK[bold]
    if not path.is_file():
        return None
    f = hb.Face(hb.Blob.from_file_path(str(path)), 0)
    return hb.Font(f), f.upem, f"f{'b' if bold else 'r'}"


def _covers(found: tuple[hb.Font, int, str], ch: str) -> bool:
    return found[0].get_nominal_glyph(ord(ch)) is not None or ch in "\n\r\t"


def _spans(text: str, primary: tuple, bold: bool) -> list[tuple[str, tuple]]:
    """The run cut where the face changes: the primary face where it has the character, else the
    fallback face where that has it, else the primary face again (its .notdef box, as resvg draws)."""
    out: list[tuple[str, tuple]] = []
    alt = None
    for ch in text:
        use = primary
        if not _covers(primary, ch):
            alt = alt or fallback(bold)
            if alt is not None and _covers(alt, ch):
                use = alt
        if out and out[-1][1] is use:
            out[-1] = (out[-1][0] + ch, use)
        else:
            out.append((ch, use))
    return out


def _shape(font: hb.Font, text: str) -> tuple[list, list]:
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf)
    return buf.glyph_infos, buf.glyph_positions


def _first_family(value: str) -> str:
    return value.split(",")[0].strip().strip("'\"")


@lru_cache(maxsize=8192)  # a CJK outline is 1-4 kB: at most ~25 MB per process
def _glyph_d(font: hb.Font, gid: int) -> str:
    pen = _Pen()
    font.draw_glyph_with_pen(gid, pen)
    return "".join(pen.parts)


class _Outliner:
    """Rewrites one document's <text> runs; collects the glyph definitions they use."""

    def __init__(self, root_family: str) -> None:
        self.root_family = root_family
        self.defs: dict[str, str] = {}  # glyph id in the document -> path data

    def run(self, m: re.Match) -> str:
        attrs = dict(_ATTR.findall(m.group(1)))
        raw = m.group(2) or ""
        if not attrs.keys() <= KNOWN_ATTRS:
            return m.group(0)
        if "<" in raw:  # runs in their faces, as layout cut them: only <tspan font-family> children
            if not _TSPANS.fullmatch(raw):
                return m.group(0)
            pieces = [(_first_family(html.unescape(f)), html.unescape(t)) for f, t in _TSPAN.findall(raw)]
        else:
            pieces = [(_first_family(attrs.get("font-family", self.root_family)), html.unescape(raw))]
        weight = attrs.get("font-weight", "400")
        if not weight.isdigit() or any(f not in FACES for f, _ in pieces):
            return m.group(0)
        bold = int(weight) > 500  # CSS matching with only 400 and 700 installed
        found = [face(f, bold) for f, _ in pieces]
        if None in found:
            return m.group(0)
        if not any(t for _, t in pieces):
            return ""
        size = float(attrs.get("font-size", "16"))
        shaped = [(f, u, k, _shape(f, part)) for (_, text), primary in zip(pieces, found, strict=True)
                  for part, (f, u, k) in _spans(text, primary, bold)]
        total = sum(p.x_advance * size / u for _f, u, _k, (_i, ps) in shaped for p in ps)
        x = float(attrs.get("x", "0")) - {"middle": total / 2, "end": total}.get(attrs.get("text-anchor", ""), 0.0)
        y = float(attrs.get("y", "0"))
        uses = []
        for font, upem, key, (infos, positions) in shaped:
            s = size / upem
            for info, pos in zip(infos, positions, strict=True):
                d = _glyph_d(font, info.codepoint)
                if d:
                    gid = f"{key}g{info.codepoint}"
                    self.defs.setdefault(gid, d)
                    gx, gy = x + pos.x_offset * s, y - pos.y_offset * s
                    uses.append(f'<use xlink:href="#{gid}" '
                                f'transform="matrix({s:.6g} 0 0 {-s:.6g} {gx:.3f} {gy:.3f})"/>')
                x += pos.x_advance * s
        return f'<g fill="{attrs.get("fill", "#000000")}">{"".join(uses)}</g>'


def _angle(points: list[tuple[float, float]], at_end: bool) -> float | None:
    """Direction (radians) of the path at its end, or at its start reversed; None if it has no length."""
    seq = points[::-1] if at_end else points
    for a, b in zip(seq, seq[1:], strict=False):
        if a != b:
            return math.atan2(a[1] - b[1], a[0] - b[0])  # end: last segment forward; start: first reversed
    return None


def expand_markers(svg: str) -> str:
    """The SVG with each path's marker-start/-end drawn as the marker's own path (markers left unused)."""
    markers = {}
    for m in _MARKER.finditer(svg):
        ma, pa = dict(_ATTR.findall(m.group(1))), dict(_ATTR.findall(m.group(2)))
        if ma.get("markerUnits") != "userSpaceOnUse" or ma.get("orient") != "auto-start-reverse":
            return svg  # a marker this does not place: leave them all to the rasteriser
        markers[f"url(#{ma['id']})"] = (float(ma.get("refX", 0)), float(ma.get("refY", 0)), pa.get("d", ""),
                                        pa.get("fill", "#000000"))
    if not markers:
        return svg

    def place(m: re.Match) -> str:
        attrs = dict(_ATTR.findall(m.group(1)))
        d = attrs.get("d", "")
        if not all(c in "MLC0123456789.,- " for c in d):
            return m.group(0)
        nums = [float(v) for v in _NUMBER.findall(d)]  # M/L/C: every pair is a point or a control point, so
        points = list(zip(nums[::2], nums[1::2], strict=False))  # the last two give the end tangent
        heads = []
        for end, key in ((False, "marker-start"), (True, "marker-end")):
            if key not in attrs:
                continue
            if attrs[key] not in markers:
                return m.group(0)
            ref_x, ref_y, md, fill = markers[attrs[key]]
            a = _angle(points, end)
            if a is None:
                continue
            (vx, vy), c, s = points[-1 if end else 0], math.cos(a), math.sin(a)
            tx, ty = vx - (c * ref_x - s * ref_y), vy - (s * ref_x + c * ref_y)
            heads.append(f'<path d="{md}" fill="{fill}" '
                         f'transform="matrix({c:.6f} {s:.6f} {-s:.6f} {c:.6f} {tx:.3f} {ty:.3f})"/>')
        rest = {k: v for k, v in attrs.items() if k not in ("marker-start", "marker-end", "opacity")}
        path = "<path " + " ".join(f'{k}="{v}"' for k, v in rest.items()) + "/>"
        if "opacity" in attrs:  # opacity applies to the path with its markers, as one group
            return f'<g opacity="{attrs["opacity"]}">{path}{"".join(heads)}</g>'
        return path + "".join(heads)

    return _MARKED.sub(place, svg)


def prepare(svg: str) -> str:
    """The document as the PNG rasteriser draws it: glyph outlines for text, plain paths for markers."""
    return expand_markers(outline_text(svg))


def outline_text(svg: str) -> str:
    """The SVG document with its text runs drawn as glyph outlines (runs it cannot reproduce kept as text)."""
    root = _ROOT_FAMILY.search(svg)
    w = _Outliner(html.unescape(root.group(1)) if root else "")
    body = _TEXT.sub(w.run, svg)
    if not w.defs:
        return body
    defs = "<defs>" + "".join(f'<path id="{k}" d="{d}"/>' for k, d in w.defs.items()) + "</defs>"
    end = body.index(">", body.index("<svg")) + 1
    return body[:end] + defs + body[end:]
