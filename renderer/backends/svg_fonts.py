"""The fonts an SVG draws with, embedded as subsets, so it looks the same where Noto is not installed.

Per face a document uses (family × weight, as layout chose them per character), a small OpenType (CFF)
font is built from scratch with fontTools' FontBuilder: only the characters drawn, each glyph's outline
and advance read through harfbuzz from the installed face (as layout measured and the PNG outlines them),
and the kerning of the character pairs the text contains as a `kern` table. Subsetting the 19.5 MB CJK
collection with fontTools' subsetter took 1.6–2.5 s per diagram; building from the glyphs used takes
milliseconds per face once a process has drawn a glyph (the compiled charstrings are cached). The font is
WOFF (zlib): WOFF2's brotli at quality 11 tripled the cost for files about 4 % smaller (measured on four
diagrams × two languages). Each subset is declared by an `@font-face` under the family name the text
already names, so the text stays text (selectable, searchable, editable). Same scene → same bytes.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import uharfbuzz as hb

from .png_svg import FACES, _shape, face

STAMP = 2082844800  # head.created / .modified (seconds since 1904): 1970-01-01, so the same text gives the same bytes


@lru_cache(maxsize=16384)
def _bytecode(font: hb.Font, gid: int, advance: int) -> bytes:
    """A glyph's compiled Type 2 charstring (cached: the diagrams of one process share most glyphs)."""
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    pen = T2CharStringPen(advance, None)
    font.draw_glyph_with_pen(gid, pen)  # harfbuzz calls the fontTools pen protocol directly
    cs = pen.getCharString()
    cs.compile()
    return cs.bytecode


def _bounds(font: hb.Font, gids: list[int]) -> tuple[int, int, int, int]:
    """xMin, yMin, xMax, yMax of the glyphs (harfbuzz's extents; fontTools would run every charstring)."""
    boxes = [e for e in (font.get_glyph_extents(g) for g in gids) if e is not None and e.width]
    if not boxes:
        return 0, 0, 0, 0
    return (min(e.x_bearing for e in boxes), min(e.y_bearing + e.height for e in boxes),
            max(e.x_bearing + e.width for e in boxes), max(e.y_bearing for e in boxes))


def _kerning(font: hb.Font, text: str, gids: dict[int, str]) -> dict[tuple[str, str], int]:
    """Pair adjustments harfbuzz applies to `text`: a glyph's shaped advance minus its nominal advance."""
    infos, positions = _shape(font, text)
    out: dict[tuple[str, str], int] = {}
    for (a, pa), b in zip(zip(infos, positions, strict=True), infos[1:], strict=False):
        delta = pa.x_advance - font.get_glyph_h_advance(a.codepoint)
        if delta and a.codepoint in gids and b.codepoint in gids:
            out[gids[a.codepoint], gids[b.codepoint]] = delta
    return out


@lru_cache(maxsize=256)
def subset_font(family: str, bold: bool, text: str) -> bytes | None:
    """A WOFF font of `family`'s face with the characters of `text` (sorted, unique) and the kerning of
    the pairs in each of its lines; None if the face is not installed."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.misc.psCharStrings import T2CharString
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0

    found = face(family, bold)
    if found is None:
        return None
    font, upem, _key = found
    lines = text.split("\n")
    chars = sorted({c for c in "".join(lines) if c.isprintable()})
    cmap: dict[int, str] = {}
    gids: dict[int, str] = {}
    for c in chars:
        gid = font.get_nominal_glyph(ord(c))
        if gid is not None:
            gids.setdefault(gid, f"g{gid}")
            cmap[ord(c)] = gids[gid]
    names = [".notdef", *sorted(set(gids.values()), key=lambda n: int(n[1:]))]
    by_name = {n: g for g, n in gids.items()}
    advances = {n: font.get_glyph_h_advance(by_name[n]) if n in by_name else upem // 2 for n in names}
    charstrings = {n: T2CharString(bytecode=_bytecode(font, by_name.get(n, 0), advances[n])) for n in names}
    ext = font.get_font_extents("ltr")
    x0, y0, x1, y1 = _bounds(font, [by_name.get(n, 0) for n in names])
    ps = f"vz{family.replace(' ', '')}{'-Bold' if bold else ''}"
    fb = FontBuilder(upem, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(cmap)
    fb.setupCFF(ps, {"FullName": ps, "FontBBox": [x0, y0, x1, y1]}, charstrings, {})
    fb.setupHorizontalMetrics({n: (advances[n], 0) for n in names})
    fb.setupHorizontalHeader(ascent=ext.ascender, descent=ext.descender)
    fb.setupNameTable({"familyName": family, "styleName": "Bold" if bold else "Regular"})
    fb.setupOS2(sTypoAscender=ext.ascender, sTypoDescender=ext.descender, sTypoLineGap=ext.line_gap,
                usWinAscent=ext.ascender, usWinDescent=-ext.descender, usWeightClass=700 if bold else 400)
    fb.setupPost()
    head, hhea = fb.font["head"], fb.font["hhea"]
    head.created = head.modified = STAMP
    head.xMin, head.yMin, head.xMax, head.yMax = x0, y0, x1, y1
    hhea.advanceWidthMax, hhea.xMaxExtent = max(advances.values()), x1
    hhea.minLeftSideBearing, hhea.minRightSideBearing = min(0, x0), 0
    fb.font.recalcBBoxes = False  # set above from harfbuzz: recomputing runs every charstring twice
    kerns: dict[tuple[str, str], int] = {}
    for line in lines:
        if line:
            kerns.update(_kerning(font, line, gids))
    if kerns:
        table = KernTable_format_0()
        table.version, table.coverage, table.format, table.kernTable = 0, 1, 0, kerns
        fb.font["kern"] = newTable("kern")
        fb.font["kern"].version, fb.font["kern"].kernTables = 0, [table]
    fb.font.flavor = "woff"
    fb.font.recalcTimestamp = False
    buf = io.BytesIO()
    fb.font.save(buf)
    return buf.getvalue()


def font_face_css(runs: dict[tuple[str, bool], list[str]]) -> str:
    """`@font-face` rules for the runs drawn per (family, bold): each face's subset as a WOFF data URL."""
    rules = []
    for (family, bold), texts in sorted(runs.items()):
        if family not in FACES:
            continue
        data = subset_font(family, bold, "\n".join(sorted(set(texts))))
        if data is None:
            continue
        rules.append(f"@font-face{{font-family:'{family}';font-weight:{700 if bold else 400};"
                     f"src:url(data:font/woff;base64,{base64.b64encode(data).decode('ascii')}) format('woff')}}")
    return "".join(rules)
