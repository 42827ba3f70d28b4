"""A deck carries the faces its text uses as PowerPoint embedded fonts (p:embeddedFontLst, /ppt/fonts/*.fntdata
in EOT containers), subset to the characters it uses: every character of every run and chart has a glyph in the
embedded face it is drawn with, and LibreOffice still opens the deck."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pptx import Presentation

from renderer.app import build, slides
from renderer.backends.png_svg import FACES, face
from renderer.backends.pptx_fonts import (
    FONT_REL,
    FONT_TYPE,
    NUMBER_CHARS,
    embed_fonts,
    eot,
    font_data,
    subset_ttf,
    used_text,
)
from renderer.backends.pptx_office import missing_tools, to_pdf
from renderer.layout.theme import load_theme

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
IDS = ("example-chart", "beam-search")  # charts, a table, Chinese and Latin text, bold and regular


@pytest.fixture(scope="module")
def decks():
    specs = [p for p in build.find_specs(build.SPECS_DIR)
             if re.search(r"^id: (" + "|".join(IDS) + r")$", p.read_text(encoding="utf-8"), re.M)]
    items, problems = slides.prepare(specs, ("en", "zh"))
    assert not problems and len(items) == len(IDS)
    chapters = slides.ordered(items)
    theme = load_theme()
    return {lang: {embed: slides.deck(chapters, lang, "deck", theme, embed_fonts=embed) for embed in (False, True)}
            for lang in ("en", "zh")}


def package(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n) for n in z.namelist()}


def embedded(parts: dict[str, bytes]) -> dict[tuple[str, bool], TTFont]:
    """(typeface, bold) → the embedded font, read through presentation.xml and its relationships."""
    pres = etree.fromstring(parts["ppt/presentation.xml"])
    rels = {r.get("Id"): r for r in etree.fromstring(parts["ppt/_rels/presentation.xml.rels"])}
    out = {}
    for ef in pres.iter(f"{P}embeddedFont"):
        family = ef.find(f"{P}font").get("typeface")
        for slot in ef:
            if slot.tag in (f"{P}regular", f"{P}bold"):
                rel = rels[slot.get(f"{R}id")]
                assert rel.get("Type") == FONT_REL
                blob = parts["ppt/" + rel.get("Target")]
                out[family, slot.tag == f"{P}bold"] = TTFont(io.BytesIO(font_data(blob)))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_character_of_the_deck_has_a_glyph_in_its_embedded_face(decks, lang):
    parts = package(decks[lang][True])
    fonts = embedded(parts)
    runs: dict[tuple[str, bool], set[str]] = {}
    for name, xml in parts.items():
        if re.match(r"ppt/slides/slide\d+\.xml$", name):
            for r in etree.fromstring(xml).iter(f"{A}r"):
                rpr, t = r.find(f"{A}rPr"), r.find(f"{A}t")
                latin = rpr.find(f"{A}latin") if rpr is not None else None
                if latin is not None and latin.get("typeface") in FACES and t is not None and t.text:
                    runs.setdefault((latin.get("typeface"), rpr.get("b") == "1"), set()).update(t.text)
    assert ("Noto Sans", False) in runs and ("Noto Sans Math", False) in runs  # the minus comes from Noto Sans Math
    if lang == "zh":
        assert ("Noto Sans CJK SC", False) in runs and ("Noto Sans CJK SC", True) in runs
    n = 0
    for (family, bold), chars in runs.items():
        cmap = fonts[family, bold].getBestCmap()
        src = face(family, bold)[0]
        have = {c for c in chars if src.get_nominal_glyph(ord(c)) is not None}  # what the installed face draws
        assert have, (family, bold)
        missing = sorted(c for c in have if ord(c) not in cmap)
        assert not missing, (family, bold, missing)
        n += len(have)
    if lang == "zh":
        assert any("\u4e00" <= c <= "\u9fff" for c in runs["Noto Sans CJK SC", False])
    assert n > 100


def test_each_embedded_face_has_its_name_weight_and_real_outlines(decks):
    fonts = embedded(package(decks["zh"][True]))
    for (family, bold), f in fonts.items():
        assert f["name"].getDebugName(1) == family
        assert f["name"].getDebugName(2) == ("Bold" if bold else "Regular")
        assert f["OS/2"].usWeightClass == (700 if bold else 400) and f["OS/2"].fsType == 0
        glyf, cmap = f["glyf"], f.getBestCmap()
        ch = "8" if ord("8") in cmap else next(chr(c) for c in sorted(cmap) if not chr(c).isspace())
        g = glyf[cmap[ord(ch)]]
        if ch == "8":
            assert g.numberOfContours == 3  # an 8: its outline and two counters, converted to TrueType
        else:  # a face drawing a few symbols only (Noto Sans Math: the minus, ≥): one of them, outlined
            assert g.numberOfContours >= 1
        assert f["hmtx"][cmap[ord(ch)]][0] == face(family, bold)[0].get_glyph_h_advance(
            face(family, bold)[0].get_nominal_glyph(ord(ch)))


def test_a_chart_face_keeps_every_digit_its_number_formats_can_print(decks):
    parts = package(decks["en"][True])
    text = used_text(parts)
    fonts = embedded(parts)
    chart_faces = {f for name, xml in parts.items() if "/charts/" in name
                   for f in [(r.find(f"{A}latin").get("typeface"), r.get("b") == "1")
                             for r in etree.fromstring(xml).iter(f"{A}defRPr") if r.find(f"{A}latin") is not None]}
    assert chart_faces
    for f in chart_faces:
        assert set(NUMBER_CHARS) <= text[f]
        cmap = fonts[f].getBestCmap()
        assert all(ord(c) in cmap for c in "0123456789.%+")


def test_the_package_declares_the_fonts(decks):
    plain, emb = package(decks["en"][False]), package(decks["en"][True])
    assert not any(n.startswith("ppt/fonts/") for n in plain)
    pres = etree.fromstring(emb["ppt/presentation.xml"])
    assert pres.get("embedTrueTypeFonts") == "1"
    names = [etree.QName(e).localname for e in pres]
    assert names.index("embeddedFontLst") == names.index("notesSz") + 1  # the schema's order
    types = etree.fromstring(emb["[Content_Types].xml"])
    assert any(d.get("Extension") == "fntdata" and d.get("ContentType") == FONT_TYPE for d in types)
    assert set(emb) - set(plain) == {n for n in emb if n.startswith("ppt/fonts/")}
    assert len(Presentation(io.BytesIO(decks["en"][True])).slides) == len(Presentation(io.BytesIO(
        decks["en"][False])).slides)  # python-pptx reads the package as before
    # slides and charts are untouched; only the font list, its relationships and content types changed
    for n in plain:
        if n not in ("ppt/presentation.xml", "ppt/_rels/presentation.xml.rels", "[Content_Types].xml"):
            assert emb[n] == plain[n], n


def test_same_deck_same_bytes(decks):
    assert embed_fonts(decks["en"][False]) == decks["en"][True]
    a = eot(subset_ttf("Noto Sans", False, "abc"))
    assert a == eot(subset_ttf("Noto Sans", False, "cba"))
    assert font_data(a)[:4] == b"\x00\x01\x00\x00"  # a TrueType sfnt inside the container


@pytest.mark.skipif(missing_tools() is not None, reason=f"office check skipped: {missing_tools()}")
def test_libreoffice_opens_the_deck_with_embedded_fonts(decks, tmp_path):
    p = tmp_path / "emb-zh.pptx"
    p.write_bytes(decks["zh"][True])
    pdf = to_pdf([p], tmp_path)[0]
    assert pdf.stat().st_size > 10_000
