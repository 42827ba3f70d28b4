"""The fonts a deck draws with, embedded in the PPTX (PowerPoint's "Embed fonts in the file"), subset to the
characters the deck uses, so it looks the same where Noto is not installed.

Per face the text names (typeface × bold, as layout chose them per character: "Noto Sans", "Noto Sans CJK SC",
"Noto Sans Mono CJK SC"), a small TrueType font is built from scratch with fontTools' FontBuilder: only the
characters the slides and charts use (a chart's number formats can print any digit, so all digits and number
punctuation are kept), each glyph's outline and advance read through harfbuzz from the installed face (cubic
CFF outlines of the CJK collection converted to quadratic ones with cu2qu; PowerPoint embeds TrueType).
Each font is stored as PowerPoint stores embedded fonts: an Embedded OpenType (EOT, W3C submission 2008)
container, uncompressed and not XOR-encrypted, in a `/ppt/fonts/fontN.fntdata` part (content type
application/x-fontdata) that `p:embeddedFontLst` in presentation.xml lists under the typeface's
`p:regular`/`p:bold` slot. (ECMA-376's GUID-keyed font obfuscation is WordprocessingML's: `w:embedRegular`
carries the `w:fontKey`; PresentationML's `p:regular` has only the relationship id, so there is no key to
obfuscate with, and PowerPoint's own .fntdata parts are EOT.) Same deck → same bytes.

Cost, measured on the collection's all.pptx (125 diagrams, CPU seconds): zh 4.45 MB → 4.81 MB (+0.36 MB: 1,500
CJK glyphs in two weights), en +0.04 MB; 1.3 s to embed (0.8 s once the process has the glyphs) against 17.6 s
to draw the deck. So `vizspec slides` embeds by default (`--no-embed-fonts` leaves the fonts out).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from functools import lru_cache
from html import unescape

from lxml import etree

from .png_svg import FACES, face

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_TYPE = "application/x-fontdata"
STAMP = 2082844800  # head.created / .modified (seconds since 1904): 1970-01-01, for equal bytes
EOT_VERSION = 0x00020001
EOT_MAGIC = 0x504C
# what a chart's number format may print besides the cached text: digits, signs, separators, percent
NUMBER_CHARS = "0123456789+-\u2212.,%E "
_PARTS = re.compile(r"ppt/(slides/slide|notesSlides/notesSlide|charts/chart)\d+\.xml$")
# p:presentation children that come after p:embeddedFontLst (ECMA-376 CT_Presentation sequence)
_AFTER = ("custShowLst", "photoAlbum", "custDataLst", "kinsoku", "defaultTextStyle", "modifyVerifier", "extLst")

Face = tuple[str, bool]  # (typeface, bold)


def _rpr_face(rpr: etree._Element) -> Face | None:
    latin = rpr.find(f"{{{A}}}latin")
    if latin is None or latin.get("typeface") not in FACES:
        return None
    return latin.get("typeface"), rpr.get("b") in ("1", "true")


# a run as python-pptx and our writers serialise it: its properties (bold, the latin face) and its text
_RUN = re.compile(rb'<a:r><a:rPr\b([^>]*)>(?:(?!</a:rPr>|</a:r>).)*?<a:latin typeface="([^"]*)"(?:(?!</a:r>).)*?'
                  rb"<a:t>([^<]*)</a:t></a:r>", re.S)
_BOLD = re.compile(rb'\bb="(?:1|true)"')


def used_text(parts: dict[str, bytes]) -> dict[Face, set[str]]:
    """Characters per face of every run in the slides, notes and charts (a chart's text in each face it names)."""
    out: dict[Face, set[str]] = {}
    for name, xml in parts.items():
        if not _PARTS.search(name):
            continue
        if "/charts/" not in name:  # slides and notes: thousands of runs, read without building a tree
            for m in _RUN.finditer(xml):
                family = m[2].decode("utf-8")
                if family in FACES and m[3]:
                    out.setdefault((family, bool(_BOLD.search(m[1]))), set()).update(unescape(m[3].decode("utf-8")))
            continue
        root = etree.fromstring(xml)
        faces = {f for tag in ("defRPr", "rPr") for r in root.iter(f"{{{A}}}{tag}") if (f := _rpr_face(r))}
        text = set(NUMBER_CHARS)
        for el in root.iter(f"{{{C}}}v", f"{{{A}}}t"):
            text |= set(el.text or "")
        for f in faces:
            out.setdefault(f, set()).update(text)
    return {f: {c for c in cs if c.isprintable()} for f, cs in out.items()}


@lru_cache(maxsize=65536)
def _glyph(family: str, bold: bool, gid: int) -> tuple[bytes, tuple[int, int, int, int], int, int]:
    """A glyph as TrueType glyph data (quadratic outline) from harfbuzz's drawing of the installed face, with
    its bounds, points and contours (compiled once per process: compiling is most of a font's cost)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font, _upem, _key = face(family, bold)
    pen = TTGlyphPen(None)
    # CFF outlines run counter-clockwise, TrueType's clockwise; a TrueType source is quadratic already
    font.draw_glyph_with_pen(gid, Cu2QuPen(pen, max_err=1.0, reverse_direction=not _is_ttf(family, bold)))
    g = pen.glyph()
    g.recalcBounds(None)
    box = tuple(getattr(g, k, 0) for k in ("xMin", "yMin", "xMax", "yMax"))
    points, contours = g.getMaxpValues() if g.numberOfContours > 0 else (0, 0)
    return g.compile(None, recalcBBoxes=False), box, points, contours


@lru_cache(maxsize=8)
def _is_ttf(family: str, bold: bool) -> bool:
    font, _upem, _key = face(family, bold)
    return bool(font.face.reference_table("glyf").data)


def subset_ttf(family: str, bold: bool, chars: str) -> bytes | None:
    """A TrueType font of `family`'s installed face with the characters of `chars`; None if not installed."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    found = face(family, bold)
    if found is None:
        return None
    font, upem, _key = found
    cmap: dict[int, str] = {}
    for c in sorted(set(chars)):
        gid = font.get_nominal_glyph(ord(c))
        if gid is not None:
            cmap[ord(c)] = f"g{gid}"
    gids = [0, *sorted({int(n[1:]) for n in cmap.values()} - {0})]
    names = [".notdef", *(f"g{g}" for g in gids[1:])]
    compiled = [_glyph(family, bold, g) for g in gids]
    fb = FontBuilder(upem, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(cmap)
    glyf, fb.font["loca"] = newTable("glyf"), newTable("loca")
    glyf.glyphOrder, glyf.glyphs = names, {n: Glyph(c[0]) for n, c in zip(names, compiled, strict=True)}
    fb.font["glyf"] = glyf
    fb.font.recalcBBoxes = False  # the bounds are the cached ones: expanding every glyph again costs seconds
    fb.setupHorizontalMetrics({n: (font.get_glyph_h_advance(g), c[1][0])
                               for n, g, c in zip(names, gids, compiled, strict=True)})
    ext = font.get_font_extents("ltr")
    fb.setupHorizontalHeader(ascent=ext.ascender, descent=ext.descender)
    style = "Bold" if bold else "Regular"
    ps = f"vz{family.replace(' ', '')}-{style}"
    fb.setupNameTable({"familyName": family, "styleName": style, "fullName": f"{family} {style}",
                       "psName": ps, "version": "Version 1.0"})
    fb.setupOS2(sTypoAscender=ext.ascender, sTypoDescender=ext.descender, sTypoLineGap=ext.line_gap,
                usWinAscent=ext.ascender, usWinDescent=-ext.descender, usWeightClass=700 if bold else 400,
                fsType=0, fsSelection=0x20 if bold else 0x40)
    fb.font["OS/2"].recalcUnicodeRanges(fb.font)
    fb.setupPost()
    fb.setupMaxp()
    boxes = [c[1] for c in compiled if c[3]]
    x0, y0, x1, y1 = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                      max(b[3] for b in boxes)) if boxes else (0, 0, 0, 0)
    head, hhea, maxp = fb.font["head"], fb.font["hhea"], fb.font["maxp"]
    head.xMin, head.yMin, head.xMax, head.yMax = x0, y0, x1, y1
    head.created = head.modified = STAMP
    head.macStyle = 1 if bold else 0
    hhea.advanceWidthMax = max(font.get_glyph_h_advance(g) for g in gids)
    hhea.minLeftSideBearing, hhea.xMaxExtent = min(0, x0), x1
    maxp.maxPoints, maxp.maxContours = max(c[2] for c in compiled), max(c[3] for c in compiled)
    fb.font.recalcTimestamp = False
    buf = io.BytesIO()
    fb.font.save(buf)
    return buf.getvalue()


def _name(s: str) -> bytes:
    b = s.encode("utf-16-le")
    return struct.pack("<HH", 0, len(b)) + b  # padding, then the size and the UTF-16LE string


def eot(ttf: bytes) -> bytes:
    """`ttf` in an Embedded OpenType container (version 2.1, no compression, no XOR), as PowerPoint embeds."""
    from fontTools.ttLib import TTFont

    tt = TTFont(io.BytesIO(ttf))
    os2, head, nm = tt["OS/2"], tt["head"], tt["name"]
    panose = os2.panose
    pan = bytes([panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion, panose.bContrast,
                 panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm, panose.bMidline, panose.bXHeight])
    ur = (os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4)
    cp = (getattr(os2, "ulCodePageRange1", 0), getattr(os2, "ulCodePageRange2", 0))
    fixed = struct.pack("<10sBBIHH4I2II4I", pan, 1, 1 if head.macStyle & 2 else 0, os2.usWeightClass, os2.fsType,
                        EOT_MAGIC, *ur, *cp, head.checkSumAdjustment, 0, 0, 0, 0)
    names = b"".join(_name(nm.getDebugName(i) or "") for i in (1, 2, 5, 4))
    body = fixed + names + struct.pack("<HH", 0, 0)  # padding5, an empty root string
    size = 16 + len(body) + len(ttf)
    return struct.pack("<IIII", size, len(ttf), EOT_VERSION, 0) + body + ttf


def font_data(fntdata: bytes) -> bytes:
    """The font inside an (uncompressed, unencrypted) EOT container."""
    size, data_size, _version, flags = struct.unpack_from("<IIII", fntdata)
    if size != len(fntdata) or flags & 0x4 or flags & 0x10000000:
        raise ValueError("not an uncompressed, unencrypted EOT")
    return fntdata[size - data_size:]


def embed_fonts(data: bytes) -> bytes:
    """The saved presentation `data` with its faces embedded (subsets of the characters used)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    text = used_text(parts)
    fonts: dict[str, dict[bool, bytes]] = {}
    for (family, bold), chars in sorted(text.items()):
        ttf = subset_ttf(family, bold, "".join(sorted(chars)))
        if ttf is not None:
            fonts.setdefault(family, {})[bold] = eot(ttf)
    if not fonts:
        return data
    pres = etree.fromstring(parts["ppt/presentation.xml"])
    rels = etree.fromstring(parts["ppt/_rels/presentation.xml.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    used_ids = {r.get("Id") for r in rels}
    k = 0
    lst = etree.Element(f"{{{P}}}embeddedFontLst")
    new: dict[str, bytes] = {}
    for family, faces in sorted(fonts.items()):
        ef = etree.SubElement(lst, f"{{{P}}}embeddedFont")
        etree.SubElement(ef, f"{{{P}}}font", typeface=family, pitchFamily="34", charset="0")
        for bold in (False, True):
            if bold not in faces:
                continue
            k += 1
            rid = next(f"rId{n}" for n in range(1000 + k, 10**6) if f"rId{n}" not in used_ids)
            used_ids.add(rid)
            new[f"ppt/fonts/font{k}.fntdata"] = faces[bold]
            etree.SubElement(rels, f"{{{PR}}}Relationship", Id=rid, Type=FONT_REL, Target=f"fonts/font{k}.fntdata")
            etree.SubElement(ef, f"{{{P}}}{'bold' if bold else 'regular'}").set(f"{{{R}}}id", rid)
    old = pres.find(f"{{{P}}}embeddedFontLst")
    if old is not None:
        pres.remove(old)
    after = next((e for tag in _AFTER if (e := pres.find(f"{{{P}}}{tag}")) is not None), None)
    (after.addprevious(lst) if after is not None else pres.append(lst))
    pres.set("embedTrueTypeFonts", "1")
    pres.set("saveSubsetFonts", "1")
    if not any(d.get("Extension") == "fntdata" for d in types.iter(f"{{{CT}}}Default")):
        d = etree.Element(f"{{{CT}}}Default", Extension="fntdata", ContentType=FONT_TYPE)
        types.insert(0, d)
    parts["ppt/presentation.xml"] = etree.tostring(pres, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["ppt/_rels/presentation.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                              standalone=True)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts.update(new)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, blob)
    return out.getvalue()
