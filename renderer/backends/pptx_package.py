"""The one-slide PPTX package written directly: a zip of cached template parts and this diagram's parts.

python-pptx opened its default template, added the slide, the notes slide and the notes master, then
serialised and zipped every part again for each diagram (about 15 ms before the first shape). Here a
base presentation is made with python-pptx once per process (`Base`: its parts as bytes, the constant
ones already deflated); a diagram then costs only its slide, notes, core properties, slide size, content
types and native charts. The zip is written here too (fixed times, deflate as zipfile does) so that the
cached parts are not compressed again.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

ZIP_DATE = (0 << 9) | (1 << 5) | 1  # DOS date of 1980-01-01 (the fixed time every entry carries)
EXTERNAL_ATTR = 0o644 << 16
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_NOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide"
RT_LAYOUT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
SLIDE = "ppt/slides/slide1.xml"
SLIDE_RELS = "ppt/slides/_rels/slide1.xml.rels"
NOTES = "ppt/notesSlides/notesSlide1.xml"
# parts made per diagram; every other part of the base is copied as it is
VARIABLE = {"[Content_Types].xml", "docProps/core.xml", "ppt/presentation.xml", SLIDE, SLIDE_RELS, NOTES}


@dataclass(frozen=True)
class Entry:
    """A zip member, deflated: name, CRC-32, size and compressed bytes."""

    name: str
    crc: int
    size: int
    data: bytes


def deflate(name: str, raw: bytes) -> Entry:
    """A member compressed as zipfile.ZIP_DEFLATED does (zlib's default level, raw deflate)."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Entry(name, zlib.crc32(raw), len(raw), c.compress(raw) + c.flush())


def zip_bytes(entries: list[Entry]) -> bytes:
    """A zip archive of deflated members (no zip64: a slide is far below 4 GB), all dated 1980-01-01."""
    out, central, offset = [], [], 0
    for e in entries:
        name = e.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        head = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, 8, 0, ZIP_DATE, e.crc, len(e.data), e.size,
                           len(name), 0)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, 8, 0, ZIP_DATE, e.crc,
                                   len(e.data), e.size, len(name), 0, 0, 0, 0, EXTERNAL_ATTR, offset) + name)
        out += [head, name, e.data]
        offset += len(head) + len(name) + len(e.data)
    cd = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), offset, 0)
    return b"".join(out) + cd + end


class ChartParts:
    """Stands in for python-pptx's slide part (and its package) for native charts: python-pptx's ChartPart
    and EmbeddedXlsxPart are made with it, numbered as python-pptx numbers them, related as rId2, rId3, …"""

    def __init__(self) -> None:
        self.charts: list = []
        self._names: dict[str, int] = {}

    def next_partname(self, tmpl: str):
        from pptx.opc.packuri import PackURI

        self._names[tmpl] = self._names.get(tmpl, 0) + 1
        return PackURI(tmpl % self._names[tmpl])

    def add_chart_part(self, chart_type, chart_data) -> str:
        from pptx.parts.chart import ChartPart

        self.charts.append(ChartPart.new(chart_type, chart_data, self))
        return f"rId{len(self.charts) + 1}"  # rId1 is the slide layout

    def related_part(self, rId: str):
        return self.charts[int(rId[3:]) - 2]

    def entries(self) -> list[Entry]:
        """Each chart part, its relationships and the parts they reach (the workbook), as python-pptx orders them."""
        out, seen = [], set()

        def visit(part) -> None:
            if part.partname in seen:
                return
            seen.add(part.partname)
            out.append(deflate(part.partname.membername, part.blob))
            rels = part.rels
            if len(rels):
                out.append(deflate(part.partname.rels_uri.membername, rels.xml))
            for rel in rels.values():
                if not rel.is_external:
                    visit(rel.target_part)

        for chart in self.charts:
            visit(chart)
        return out

    def content_types(self) -> tuple[set[str], dict[str, str]]:
        """(default extensions, partname overrides) the charts add to [Content_Types].xml."""
        if not self.charts:
            return set(), {}
        return {"xlsx"}, {str(c.partname): CHART_CT for c in self.charts}


@dataclass(frozen=True)
class Base:
    """A presentation python-pptx made (one empty slide, with or without notes), split into its zip members."""

    order: tuple[str, ...]  # member names in python-pptx's order
    fixed: dict[str, Entry]  # the members copied as they are, deflated once
    raw: dict[str, bytes]  # the variable members as python-pptx wrote them

    @classmethod
    def from_pptx(cls, data: bytes) -> Base:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            order = tuple(i.filename for i in z.infolist())
            members = {n: z.read(n) for n in order}
        return cls(order, {n: deflate(n, b) for n, b in members.items() if n not in VARIABLE},
                   {n: b for n, b in members.items() if n in VARIABLE})

    def layout_target(self) -> str:
        rels = self.raw[SLIDE_RELS].decode()
        return re.search(rf'Type="{RT_LAYOUT}" Target="([^"]+)"', rels).group(1)


def content_types(base: bytes, defaults: set[str], overrides: dict[str, str]) -> bytes:
    """The base's [Content_Types].xml with more defaults (extension → type) and overrides, sorted as python-pptx
    sorts them."""
    if not defaults and not overrides:
        return base
    text = base.decode()
    dflt = dict(re.findall(r'<Default Extension="([^"]+)" ContentType="([^"]+)"/>', text))
    over = dict(re.findall(r'<Override PartName="([^"]+)" ContentType="([^"]+)"/>', text))
    dflt.update({ext: XLSX_CT for ext in defaults})
    over.update(overrides)
    head = text[:text.index("<Types")]
    root = re.search(r"<Types[^>]*>", text).group(0)
    body = "".join(f'<Default Extension="{e}" ContentType="{dflt[e]}"/>' for e in sorted(dflt))
    body += "".join(f'<Override PartName="{p}" ContentType="{over[p]}"/>' for p in sorted(over))
    return (head + root + body + "</Types>").encode()


def slide_rels(layout: str, charts: ChartParts, notes: bool) -> bytes:
    """The slide's relationships: its layout (rId1), its charts (rId2…), its notes slide last."""
    rels = [(RT_LAYOUT, layout)] + [(RT_CHART, "../" + str(c.partname).removeprefix("/ppt/")) for c in charts.charts]
    if notes:
        rels.append((RT_NOTES, "../notesSlides/notesSlide1.xml"))
    body = "".join(f'<Relationship Id="rId{i + 1}" Type="{t}" Target="{target}"/>' for i, (t, target) in
                   enumerate(rels))
    return XML_HEAD + f'<Relationships xmlns="{RELS_NS}">{body}</Relationships>'.encode()


def package(base: Base, parts: dict[str, bytes], charts: ChartParts) -> bytes:
    """The presentation: the base's members in its order with `parts` (variable members) replaced, the charts'
    parts after the slide's relationships (where python-pptx writes them)."""
    entries = []
    for name in base.order:
        if name in base.fixed:
            entries.append(base.fixed[name])
            continue
        entries.append(deflate(name, parts[name]))
        if name == SLIDE_RELS:
            entries += charts.entries()
    return zip_bytes(entries)
