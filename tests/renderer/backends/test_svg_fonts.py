"""Self-contained SVGs: the faces a diagram draws with travel inside the SVG as font subsets."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from renderer.backends import svg_fonts
from renderer.backends.png_svg import CJK_FILES, FACES, LATIN_FILES, SYMBOL_FILES, _file
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.spec.loader import load

NS = "{http://www.w3.org/2000/svg}"
RULE = re.compile(r"@font-face\{font-family:'([^']+)';font-weight:(\d+);src:url\(data:font/woff;base64,([^)]+)\)")
SPEC = SPECS_DIR / "llm-basics" / "llm-structure.yaml"  # Latin and CJK, regular and bold, both languages
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def scenes():
    bound = bind(load(SPEC), use_cache=False)
    return {lang: layout(bound.for_lang(lang), load_theme()) for lang in ("en", "zh")}


def embedded(svg: bytes) -> dict[tuple[str, bool], TTFont]:
    """(family, bold) -> the font an SVG declares in its @font-face rules."""
    css = "".join(el.text or "" for el in ElementTree.fromstring(svg).iter(f"{NS}style"))
    return {(fam, int(w) > 500): TTFont(io.BytesIO(base64.b64decode(data)))
            for fam, w, data in RULE.findall(css)}


def drawn(svg: bytes) -> dict[tuple[str, bool], set[str]]:
    """(family, bold) -> the characters the document's text runs draw in that face."""
    root = ElementTree.fromstring(svg)
    family = root.get("font-family", "")
    out: dict[tuple[str, bool], set[str]] = {}
    for t in root.iter(f"{NS}text"):
        bold = int(t.get("font-weight", "400")) > 500
        pieces = [(s.get("font-family"), s.text or "") for s in t.iter(f"{NS}tspan")] or [(t.get("font-family"),
                                                                                            t.text or "")]
        for fam, text in pieces:
            first = (fam or family).split(",")[0].strip().strip("'\"")
            out.setdefault((first, bold), set()).update(c for c in text if c.isprintable() and not c.isspace())
    return out


def installed(family: str, bold: bool) -> TTFont:
    """The installed Noto face, read by fontTools (the reference: harfbuzz read it for the subset)."""
    files = CJK_FILES if "CJK" in family else SYMBOL_FILES if family == "Noto Sans Math" else LATIN_FILES
    path = _file(files[bold])
    for i in range(32):
        f = TTFont(path, fontNumber=i, lazy=True)
        if f["name"].getDebugName(1) == family:
            return f
    raise AssertionError(f"{family} not in {path}")


def bounds(font: TTFont, glyph: str) -> tuple | None:
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[glyph].draw(pen)
    return pen.bounds


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_drawn_character_is_embedded_with_the_installed_outline_and_advance(scenes, lang):
    svg = draw_svg(scenes[lang], fonts=True)
    fonts, chars = embedded(svg), drawn(svg)
    assert ("Noto Sans", False) in fonts and ("Noto Sans", True) in fonts
    if lang == "zh":
        assert ("Noto Sans CJK SC", False) in fonts and ("Noto Sans CJK SC", True) in fonts
    checked = 0
    for key, used in chars.items():
        if key[0] not in FACES:
            continue
        ref = installed(*key)
        ref_cmap, sub = ref.getBestCmap(), fonts[key]
        sub_cmap = sub.getBestCmap()
        for c in sorted(used):
            if ord(c) not in ref_cmap:
                continue  # the face lacks it: the viewer's fallback draws it, as with the system font
            assert ord(c) in sub_cmap, (key, c)
            g_ref, g_sub = ref_cmap[ord(c)], sub_cmap[ord(c)]
            assert sub["hmtx"][g_sub][0] == ref["hmtx"][g_ref][0], (key, c)
            b_ref, b_sub = bounds(ref, g_ref), bounds(sub, g_sub)
            assert (b_ref is None) == (b_sub is None), (key, c)
            if b_ref is not None:
                assert np.allclose(b_ref, b_sub, atol=1), (key, c, b_ref, b_sub)
            checked += 1
    assert checked > 40
    embedded_chars = {chr(u) for f in fonts.values() for u in f.getBestCmap() if not chr(u).isspace()}
    extra = embedded_chars - set().union(*chars.values())
    assert not extra, f"characters embedded but never drawn: {sorted(extra)[:10]}"


def _shaped_advances(font, text: str) -> list[int]:
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"kern": True})
    return [p.x_advance for p in buf.glyph_positions]


def test_kerning_of_the_text_is_kept():
    """Noto Sans kerns "AV": text shaped with the embedded subset advances as with the installed face."""
    import uharfbuzz as hb

    data = svg_fonts.subset_font("Noto Sans", False, "AVATAR")
    assert data[:4] == b"wOFF"
    sfnt = TTFont(io.BytesIO(data))  # fontTools decodes the WOFF (and checks its tables)
    sfnt.flavor = None
    plain = io.BytesIO()
    sfnt.save(plain)
    sub = hb.Font(hb.Face(hb.Blob(plain.getvalue()), 0))
    ref = hb.Font(hb.Face(hb.Blob.from_file_path(str(_file(LATIN_FILES[False]))), 0))
    want = _shaped_advances(ref, "AVATAR")
    assert want[0] < ref.get_glyph_h_advance(ref.get_nominal_glyph(ord("A")))  # A is kerned towards V
    assert _shaped_advances(sub, "AVATAR") == want


def test_same_scene_same_bytes_and_system_mode_only_drops_the_fonts(scenes):
    a = draw_svg(scenes["zh"], fonts=True)
    svg_fonts.subset_font.cache_clear()
    assert draw_svg(scenes["zh"], fonts=True) == a  # fonts rebuilt from scratch: same bytes (fixed timestamps)
    plain = draw_svg(scenes["zh"], fonts=False)
    assert b"@font-face" not in plain
    assert re.sub(rb'<style type="text/css">.*?</style>', b"", a, flags=re.S) == plain


def test_without_fonts_gives_the_bytes_of_the_document_drawn_without_fonts(scenes):
    """The PNG backend and the diff rasterise an SVG already written: stripped of its fonts it must be exactly
    the font-less SVG of the same scene, also when nothing but fonts is in <defs> and when a title spells the
    markup the fonts start with."""
    from dataclasses import replace

    from renderer.backends.svg import without_fonts
    from renderer.scene import Rect, Scene, Style, Text

    bare = Scene(120, 40, [Text(5, 20, "plain text", 12, "#000")], '<defs><style type="text/css">@font-face',
                 "no defs but the fonts", "en")
    cases = [*scenes.values(), bare, replace(bare, items=[Rect(0, 0, 9, 9, style=Style(fill="#fff"))])]
    for scene in cases:
        with_fonts, plain = draw_svg(scene, fonts=True), draw_svg(scene, fonts=False)
        assert without_fonts(with_fonts) == plain
        assert without_fonts(plain) == plain
    assert b"@font-face" in draw_svg(bare, fonts=True) and b"<defs />" in draw_svg(bare, fonts=False)


def test_render_embeds_by_default_and_svg_fonts_system_does_not(tmp_path):
    spec = SPECS_DIR / "_examples" / "math.yaml"
    env = {k: v for k, v in os.environ.items() if k != "VIZSPEC_SVG_FONTS"}
    for mode in ("default", "system"):
        args = [sys.executable, "-m", "renderer.app.entry", "render", str(spec), "--format", "svg", "--lang", "en",
                "--out", str(tmp_path / mode), "--no-gallery"] + (["--svg-fonts", "system"] if mode == "system" else [])
        r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
    with_fonts = next((tmp_path / "default").rglob("example-math.svg")).read_bytes()
    without = next((tmp_path / "system").rglob("example-math.svg")).read_bytes()
    assert b"@font-face" in with_fonts and b"@font-face" not in without


# --- in a browser on a machine without Noto ---------------------------------------------------------------

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir>
<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>
"""


def test_chromium_without_noto_draws_the_embedded_fonts_exactly_as_with_noto(scenes, tmp_path):
    """Chromium with fontconfig seeing only DejaVu: the SVG with embedded fonts looks as it does where Noto is
    installed, while the same SVG naming system fonts only does not (so the environment really lacks Noto)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (scripts/setup.sh --test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    from PIL import Image

    scene = scenes["zh"]
    (tmp_path / "with.svg").write_bytes(draw_svg(scene, fonts=True))
    (tmp_path / "without.svg").write_bytes(draw_svg(scene, fonts=False))
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(cache=tmp_path / "fc-cache"))
    no_noto = {**os.environ, "FONTCONFIG_FILE": str(conf)}

    def shot(name: str, env: dict) -> np.ndarray:
        with sync_api.sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox",
                                                                        "--disable-gpu"], env=env)
            try:
                page = b.new_page(viewport={"width": int(scene.width), "height": int(scene.height)})
                page.goto((tmp_path / name).as_uri())
                page.wait_for_timeout(200)
                return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("L"), float)
            finally:
                b.close()

    listed = subprocess.run(["fc-list"], env=no_noto, capture_output=True, text=True).stdout
    assert "Noto" not in listed and "DejaVu" in listed
    embedded_noto, embedded_bare = shot("with.svg", dict(os.environ)), shot("with.svg", no_noto)
    system_noto, system_bare = shot("without.svg", dict(os.environ)), shot("without.svg", no_noto)
    assert np.abs(embedded_bare - embedded_noto).mean() < 0.05
    assert np.abs(system_bare - system_noto).mean() > 1.0  # without the fonts the text visibly changes
    assert np.abs(embedded_noto - system_noto).mean() < 2.0  # and the embedded faces look like the installed ones
