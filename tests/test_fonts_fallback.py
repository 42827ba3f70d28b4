"""Per-character font choice: Latin from Noto Sans, CJK from Noto Sans CJK SC, in measuring and every backend.

The reference values come from the font files themselves (uharfbuzz on each file, FreeType through
Pillow), not from the renderer's own lookup.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from xml.etree import ElementTree

import numpy as np
import pytest
import uharfbuzz as hb
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from renderer.backends.png import draw_png
from renderer.backends.png_svg import outline_text
from renderer.backends.pptx import draw_pptx
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout, metrics_for
from renderer.layout.text import FontNotFound, Metrics, font_file
from renderer.layout.theme import load_theme
from renderer.scene import Group, Scene, Text, walk
from renderer.spec.loader import load

THEME = load_theme()
LATIN, CJK, SYMBOLS = "Noto Sans", "Noto Sans CJK SC", "Noto Sans Math"
MIXED = "形状 3×896"
MINUS = "形状 −1.3"
SPEC = f"""\
id: t-fonts
chapter: test
title: {{en: "Fonts", zh: "字体"}}
body:
  column:
    items:
      - box: {{id: a, text: "{MIXED}"}}
      - box: {{id: b, text: "self-attention, top-k, pre-train"}}
      - box: {{id: c, text: "{MINUS}"}}
      - table:
          id: t
          header: ["{MIXED}", "β·x"]
          rows: [["a", "b"]]
"""
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _face(family: str, bold: bool = False) -> tuple[hb.Font, int, int, str]:
    """(font, units per em, face index, path) of a family, found in its file by name."""
    face = {LATIN: "latin", SYMBOLS: "symbols"}.get(family, "cjk")
    path = str(font_file(THEME, 700 if bold else 400, face=face))
    blob = hb.Blob.from_file_path(path)
    for i in range(32):
        f = hb.Face(blob, i)
        if f.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == family:
            return hb.Font(f), f.upem, i, path
    raise AssertionError(f"{family} not in {path}")


def _advance(text: str, family: str) -> float:
    """Advance of `text` in em, shaped by harfbuzz with one face."""
    font, upem, _, _ = _face(family)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf)
    return sum(p.x_advance for p in buf.glyph_positions) / upem


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Scene:
    p = tmp_path_factory.mktemp("spec") / "t-fonts.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return layout(bind(load(p), use_cache=False).for_lang("en"), THEME)


def _text(scene: Scene, text: str) -> Text:
    return next(t for t in walk(scene.items) if isinstance(t, Text) and t.text == text)


def test_the_scene_cuts_mixed_text_into_runs_of_each_face(scene):
    t = _text(scene, MIXED)
    assert [(piece, fam[0]) for piece, fam in t.pieces] == [("形状 ", CJK), ("3×896", LATIN)]
    latin_only = _text(scene, "self-attention, top-k, pre-train")
    assert latin_only.runs == () and latin_only.family[0] == LATIN  # one face: no runs, just the family


def test_each_character_class_goes_to_its_face():
    m = metrics_for(THEME)
    latin = "Aa09,.;:!?()[]'\"·×–—“”‘’αβγΩ"
    cjk = "形状汉字かなカナ，。：；（）「」、！？Ａ１"
    assert m.runs(latin) == ((latin, "latin"),)
    assert m.runs(cjk) == ((cjk, "cjk"),)
    # what the Latin face lacks (Debian's Noto Sans has no U+2212 or arrows) comes from Noto Sans Math, whose
    # minus is as wide as the Latin plus and digits; the CJK face's arrow is a full em
    font, symbols = _face(LATIN)[0], _face(SYMBOLS)[0]
    for ch in "−→≤∞":
        assert font.get_nominal_glyph(ord(ch)) is None and symbols.get_nominal_glyph(ord(ch)) is not None
        assert m.runs(f"a{ch}b") == (("a", "latin"), (ch, "symbols"), ("b", "latin"))
    minus, plus = symbols.get_nominal_glyph(ord("−")), font.get_nominal_glyph(ord("+"))
    assert symbols.get_glyph_h_advance(minus) / _face(SYMBOLS)[1] == font.get_glyph_h_advance(plus) / _face(LATIN)[1]
    assert m.runs("  形 x") == (("  形 ", "cjk"), ("x", "latin"))  # spaces stay with the run before them


def test_a_mixed_width_is_the_sum_of_its_runs_in_their_faces():
    m = metrics_for(THEME)
    size = 15.0
    expected = (_advance("形状 ", CJK) + _advance("3×896", LATIN)) * size
    assert m.width(MIXED, size) == pytest.approx(expected, abs=1e-9)
    all_cjk = _advance(MIXED, CJK) * size
    assert abs(m.width(MIXED, size) - all_cjk) > 2.0  # `×` alone: 1 em in the CJK face, 0.57 em in Noto Sans


def test_svg_writes_one_tspan_per_run_naming_its_face(scene):
    root = ElementTree.fromstring(draw_svg(scene))
    ns = "{http://www.w3.org/2000/svg}"
    for text, want in ((MIXED, [("形状 ", CJK), ("3×896", LATIN)]),
                       (MINUS, [("形状 ", CJK), ("−", SYMBOLS), ("1.3", LATIN)])):
        el = next(e for e in root.iter(f"{ns}text") if "".join(e.itertext()) == text)
        spans = [(s.text, s.get("font-family").split(",")[0].strip("'")) for s in el.findall(f"{ns}tspan")]
        assert spans == want
    css = "".join(e.text or "" for e in root.iter(f"{ns}style"))
    assert f"font-family:'{SYMBOLS}'" in css  # embedded like the other faces


def _slide(data: bytes) -> etree._Element:
    """The slide's drawing, without its title placeholder (which sits above the slide)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    for ph in root.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph]", namespaces=ns):
        ph.getparent().remove(ph)
    return root


def _faces_of_runs(root: etree._Element) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for r in root.iter(f"{A_NS}r"):
        rpr = r.find(f"{A_NS}rPr")
        out.append((r.find(f"{A_NS}t").text, tuple(rpr.find(f"{A_NS}{k}").get("typeface")
                                                  for k in ("latin", "ea", "cs"))))
    return out


def test_pptx_writes_one_run_per_face_with_latin_ea_and_cs_all_set(scene):
    runs = _faces_of_runs(_slide(draw_pptx(scene)))
    # the box label and the native table's header cell both
    assert runs.count(("形状 ", (CJK,) * 3)) == 3  # the two of MIXED and the one of MINUS
    assert runs.count(("3×896", (LATIN,) * 3)) == 2
    assert ("β·x", (LATIN,) * 3) in runs
    assert ("−", (SYMBOLS,) * 3) in runs and ("1.3", (LATIN,) * 3) in runs


def test_png_outlines_each_run_with_its_own_face(scene):
    t = _text(scene, MIXED)
    doc = draw_svg(Scene(300, 60, [replace(t, x=10, y=40, anchor="start")], family=scene.family)).decode()
    outlined = outline_text(doc)
    assert "<text" not in outlined
    used = [u.split('"#')[1].split('"')[0] for u in outlined.split("<use ")[1:]]
    # glyph ids as png_svg names them: <l = Noto Sans file | '' = CJK file><r = regular><face index>g<glyph>
    font_l, _, i_l, _ = _face(LATIN)
    font_c, _, i_c, _ = _face(CJK)
    times_latin = f"lr{i_l}g{font_l.get_nominal_glyph(ord('×'))}"
    times_cjk = f"r{i_c}g{font_c.get_nominal_glyph(ord('×'))}"
    assert times_latin in used and times_cjk not in used
    assert f"r{i_c}g{font_c.get_nominal_glyph(ord('形'))}" in used
    assert sum(u.startswith("lr") for u in used) == len("3×896")
    m = _text(scene, MINUS)
    doc = draw_svg(Scene(300, 60, [replace(m, x=10, y=40, anchor="start")], family=scene.family)).decode()
    used = [u.split('"#')[1].split('"')[0] for u in outline_text(doc).split("<use ")[1:]]
    font_s, _, i_s, _ = _face(SYMBOLS)
    assert f"sr{i_s}g{font_s.get_nominal_glyph(ord('−'))}" in used  # the minus outlined from Noto Sans Math
    assert f"r{i_c}g{font_c.get_nominal_glyph(ord('−'))}" not in used


def _ink(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L")) < 128


def _extent(ink: np.ndarray) -> tuple[int, int]:
    xs = np.nonzero(ink.any(axis=0))[0]
    return int(xs.min()), int(xs.max())


def _shape(ink: np.ndarray, size=(80, 12)) -> np.ndarray:
    ys, xs = np.nonzero(ink)
    box = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    return np.asarray(Image.fromarray((box * 255).astype("uint8")).resize(size, Image.Resampling.BOX), float)


def _freetype(runs: list[tuple[str, str]]) -> np.ndarray:
    """The runs drawn one after another by FreeType from x = 10, each with its own face file."""
    img = Image.new("L", (900, 120), 255)
    draw, x = ImageDraw.Draw(img), 10.0
    for text, family in runs:
        _, _, index, path = _face(family)
        font = ImageFont.truetype(path, 60, index=index)
        draw.text((x, 20), text, font=font, fill=0)
        x += font.getlength(text)
    return np.asarray(img) < 128


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_the_png_looks_like_each_run_drawn_in_its_face(scene):
    t = _text(scene, MIXED)
    png = draw_png(Scene(420, 90, [Group((replace(t, x=10, y=70, size=60, anchor="start"),))], family=scene.family),
                   1.0)
    ours = _ink(png)
    per_run = _freetype([("形状 ", CJK), ("3×896", LATIN)])
    one_face = _freetype([(MIXED, CJK)])
    # the ink ends where FreeType's per-run drawing ends (the CJK face's 1-em `×` would put it 22 px later)
    assert abs(_extent(ours)[1] - _extent(per_run)[1]) <= 1
    assert abs(_extent(ours)[1] - _extent(one_face)[1]) > 10
    assert _corr(_shape(ours), _shape(per_run)) > _corr(_shape(ours), _shape(one_face)) + 0.1


def test_hyphens_in_words_stay_hyphens(scene):
    t = _text(scene, "self-attention, top-k, pre-train")
    assert "−" not in t.text
    assert "−" not in draw_svg(scene).decode().split("self")[1].split("</text>")[0]


def test_a_missing_latin_font_names_its_package():
    files = {**THEME.fonts["files"], "latin_regular": "NoSuchNotoSans.ttf"}
    theme = replace(THEME, fonts={**THEME.fonts, "files": files}, digest="missing-latin")
    with pytest.raises(FontNotFound, match=r"NoSuchNotoSans\.ttf not found .*fonts-noto-core"):
        Metrics(theme)
