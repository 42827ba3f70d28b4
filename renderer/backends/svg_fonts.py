"""The fonts an SVG draws with, embedded as subsets, so it looks the same where Noto is not installed.

Per face a document uses (family × weight, as layout chose them per character), the installed face is cut
down by harfbuzz's subsetter (hb-subset, through uharfbuzz) to the characters drawn: outlines, advances and
the face's own kerning (GPOS) of those glyphs, no hinting, no substitution or vertical tables (layout measured
horizontally without them). The result is wrapped as WOFF 1.0 (zlib per table) here.

History, measured per diagram: fontTools' subsetter on the 19.5 MB CJK collection took 1.6–2.5 s; a font built
glyph by glyph with fontTools' FontBuilder took 8–45 ms per face (its compiler was a fifth of the collection's
SVG and PNG time); hb-subset takes 0.1–0.7 ms. WOFF2's brotli at quality 11 tripled the cost for files about 4 %
smaller. Each subset is declared by an `@font-face` under the family name the text already names, so the text
stays text (selectable, searchable, editable). Same scene → same bytes.
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache

import uharfbuzz as hb

from .png_svg import FACES, face

# tables a browser does not need for horizontal text as layout set it (substitutions: layout shaped without a
# change of glyphs; vertical metrics; baselines; signatures and hinting hints)
DROP = ("GSUB", "vhea", "vmtx", "VORG", "BASE", "DSIG", "gasp", "hdmx", "LTSH", "VDMX", "JSTF", "MATH")
_FLAGS = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE  # flat charstrings: smaller, faster here


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def woff(sfnt: bytes) -> bytes:
    """An OpenType font wrapped as WOFF 1.0: each table zlib-compressed where that makes it smaller."""
    flavor, count = struct.unpack_from(">4sH", sfnt, 0)
    records = sorted(struct.unpack_from(">4sIII", sfnt, 12 + 16 * i) for i in range(count))  # tag, sum, at, size
    head = 44 + 20 * count
    directory, blocks = [], []
    offset, total = head, 12 + 16 * count
    for tag, checksum, at, size in records:
        raw = sfnt[at:at + size]
        packed = zlib.compress(raw, 9)
        data = packed if len(packed) < size else raw
        directory.append(struct.pack(">4sIIII", tag, offset, len(data), size, checksum))
        blocks.append(data + b"\0" * (-len(data) % 4))
        offset += len(blocks[-1])
        total += size + (-size % 4)
    header = struct.pack(">4s4sIHHIHHIIIII", b"wOFF", flavor, offset, count, 0, total, 0, 0, 0, 0, 0, 0, 0)
    return header + b"".join(directory) + b"".join(blocks)


@lru_cache(maxsize=256)
def subset_font(family: str, bold: bool, text: str) -> bytes | None:
    """A WOFF font of `family`'s face with the characters of `text` (and the face's kerning among them);
    None if the face is not installed."""
    found = face(family, bold)
    if found is None:
        return None
    font = found[0]
    spec = hb.SubsetInput()
    spec.unicode_set.update(sorted({ord(c) for c in text if c.isprintable()}))
    spec.flags = _FLAGS
    for name in DROP:
        spec.drop_table_tag_set.add(_tag(name))
    cut = hb.subset(font.face, spec)
    if cut is None:
        return None
    return woff(bytes(cut.blob.data))


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
