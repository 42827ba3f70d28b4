"""The PNG rasteriser (Skia on png_svg's prepared SVG) against resvg drawing the SVG as written, and its fonts."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from renderer.backends import png_svg
from renderer.backends.png import SCALE, draw_png, encode_png, resvg_png, svg_to_png
from renderer.backends.png_svg import FALLBACK, FALLBACK_DIR, expand_markers, outline_text
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.text import font_file
from renderer.layout.theme import load_theme
from renderer.project import SPECS_DIR
from renderer.scene import Line, Rect, Scene, Style, Text
from renderer.spec.loader import load

# Measured over every spec of the collection in both languages: the largest 32×32-pixel tile difference is
# 7 (antialiasing, dash phase) and the whole-image mean 0.5; with the arrow heads left out the tile
# difference is 28-33, with the text left out the mean is 5-11.
TILE_LIMIT = 15.0
MEAN_LIMIT = 1.0
EXAMPLES = ["graph", "table", "code", "tensor", "chart", "tree"]
FLOW = """\
id: t-png-flow
chapter: test
title: {en: "Arrows", zh: "箭头"}
body:
  column:
    gap: 50
    items:
      - row: {gap: 60, items: [{box: {id: a, text: "Policy"}}, {box: {id: b, text: {en: "Reward", zh: "奖励"}}}]}
      - box: {id: c, text: {en: "Loss", zh: "损失"}, role: negative}
edges:
  - {from: a, to: b, label: "score"}
  - {from: b, to: c, dashed: true}
  - {from: a, to: c, head: both}
"""


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)


def _difference(a: np.ndarray, b: np.ndarray, tile: int = 32) -> tuple[float, float]:
    """(largest mean difference of a tile × tile square, mean difference) of two equal-sized images."""
    d = np.abs(a - b).max(axis=2)
    h, w = (s // tile * tile for s in d.shape)
    tiles = d[:h, :w].reshape(h // tile, tile, w // tile, tile).mean(axis=(1, 3))
    return float(tiles.max()), float(d.mean())


@pytest.fixture(scope="module")
def example_svgs(tmp_path_factory) -> dict[str, bytes]:
    flow = tmp_path_factory.mktemp("spec") / "flow.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    out = {}
    for name in [*EXAMPLES, "flow"]:
        bound = bind(load(flow if name == "flow" else SPECS_DIR / "_examples" / f"{name}.yaml"), use_cache=False)
        for lang in ("en", "zh"):
            out[f"{name}-{lang}"] = draw_svg(layout(bound.for_lang(lang), load_theme()), fonts=False)
    return out


# A text cut into runs of two faces (<tspan font-family>): vl-convert's resvg draws a Noto Sans run of a text
# that holds a character Noto Sans lacks from a serif fallback at regular weight (seen with `x指x`), so it is
# no reference for those; tests/test_fonts_fallback.py compares them with FreeType drawing each run instead.
_MIXED = re.compile(rb"<text\b[^>]*>(?:<tspan\b[^>]*>[^<]*</tspan>)+</text>")


@pytest.mark.parametrize("key", [f"{n}-{lang}" for n in [*EXAMPLES, "flow"] for lang in ("en", "zh")])
def test_png_matches_the_svg_drawn_by_resvg(example_svgs, key):
    svg = _MIXED.sub(b"", example_svgs[key])
    ours, ref = _rgb(svg_to_png(svg)), _rgb(resvg_png(svg))
    assert ours.shape == ref.shape
    tile, mean = _difference(ours, ref)
    assert tile < TILE_LIMIT and mean < MEAN_LIMIT, (tile, mean)


def test_the_comparison_sees_missing_arrow_heads(example_svgs, monkeypatch):
    svg = example_svgs["flow-en"]  # edges between elements end in markers (graph edges end in polygons)
    monkeypatch.setattr(png_svg, "expand_markers", lambda text: text)  # Skia alone draws no markers
    tile, _ = _difference(_rgb(svg_to_png(svg)), _rgb(resvg_png(svg)))
    assert tile > TILE_LIMIT


def _ink(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float) < 128


def _crop(mask: np.ndarray, size=(64, 32)) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    box = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    return np.asarray(Image.fromarray((box * 255).astype("uint8")).resize(size, Image.Resampling.BOX), dtype=float)


def _freetype(text: str, path: str, index: int = 0) -> np.ndarray:
    font = ImageFont.truetype(path, 60, index=index)
    img = Image.new("L", (400, 100), 255)
    ImageDraw.Draw(img).text((10, 10), text, font=font, fill=0)
    return _crop(np.asarray(img) < 128)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _label(text: str, family: tuple[str, ...] = ("Noto Sans CJK SC",)) -> bytes:
    return draw_png(Scene(260, 80, [Text(10, 55, text, 30, family=family)]), SCALE)


def test_cjk_characters_come_from_noto_sans_cjk_sc_not_another_region():
    # these characters are drawn differently in the Simplified Chinese and the Japanese faces of the file
    text = "骨直递"
    ours = _crop(_ink(_label(text)))
    path = str(font_file(load_theme(), 400))
    sc, jp = _freetype(text, path, 2), _freetype(text, path, 0)  # face 2: Noto Sans CJK SC, 0: JP
    assert _corr(ours, sc) > 0.9
    assert _corr(ours, sc) > _corr(ours, jp) + 0.1  # measured 0.93 against 0.78


def test_code_text_comes_from_the_monospaced_face():
    text = "iiiWWW"
    ours = _crop(_ink(_label(text, ("Noto Sans Mono CJK SC", "monospace"))))
    path = str(font_file(load_theme(), 400))
    mono, sans = _freetype(text, path, 7), _freetype(text, path, 2)  # face 7: Noto Sans Mono CJK SC
    assert _corr(ours, mono) > 0.9 > _corr(ours, sans)


def test_a_character_noto_lacks_comes_from_dejavu_as_resvg_drew_it():
    text = "☈☈"  # U+2608 THUNDERSTORM: in DejaVu Sans, not in Noto Sans CJK
    svg = draw_svg(Scene(260, 80, [Text(10, 55, text, 30)]), fonts=False)
    ours = _crop(_ink(svg_to_png(svg)))
    assert _corr(ours, _freetype(text, f"{FALLBACK_DIR}/{FALLBACK[False]}")) > 0.9
    assert _corr(ours, _crop(_ink(resvg_png(svg)))) > 0.9


def test_a_run_that_cannot_be_outlined_is_still_drawn():
    svg = draw_svg(Scene(260, 80, [Text(10, 55, "Serif text", 30, family=("DejaVu Serif", "serif"))]), fonts=False)
    assert "<text" in outline_text(svg.decode())  # not a face png_svg knows
    ours, ref = _ink(svg_to_png(svg)), _ink(resvg_png(svg))
    assert ours.sum() > 500 and (ours == ref).all()


def test_arrow_heads_point_along_the_line_at_either_end():
    line = Line(((40, 20), (40, 120)), Style(stroke="#000000", stroke_width=1.3), arrow_start=True, arrow_end=True)
    svg = draw_svg(Scene(80, 140, [line])).decode()
    prepared = expand_markers(svg)
    assert "marker-end" not in prepared and "marker-start" not in prepared
    ours, ref = _rgb(svg_to_png(svg.encode())), _rgb(resvg_png(svg.encode()))
    tile, _ = _difference(ours, ref, 8)
    assert tile < TILE_LIMIT
    ink = ours.min(axis=2) < 128
    width = lambda y: int(ink[round(y * SCALE)].sum())  # noqa: E731
    assert width(114) >= 3 * width(70) and width(26) >= 3 * width(70)


def test_encoded_png_keeps_straight_alpha():
    half_red = Rect(0, 0, 20, 10, style=Style(fill="#EB6252", opacity=0.5))
    scene = Scene(20, 10, [half_red], background="none")
    ours = np.asarray(Image.open(io.BytesIO(draw_png(scene, 1.0))).convert("RGBA"), dtype=int)
    assert np.abs(ours - [0xEB, 0x62, 0x52, 128]).max() <= 1  # the colour itself, half covering


def test_encode_png_round_trips_pixels():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (7, 5, 4), dtype=np.uint8)
    back = np.asarray(Image.open(io.BytesIO(encode_png(pixels, 5, 7))).convert("RGBA"))
    assert (back == pixels).all()


def test_one_translucent_pixel_is_written_with_straight_alpha():
    """The opacity check sees a single pixel below alpha 255 (then the pixels are un-premultiplied)."""
    from renderer.backends.png import _opaque

    pixels = np.full((4, 6, 4), 255, np.uint8)
    pixels[..., :3] = 0  # black, opaque: colour bytes never count as alpha
    assert _opaque(pixels)
    pixels[3, 5, 3] = 254
    assert not _opaque(pixels)
    dot = Rect(3, 3, 1, 1, style=Style(fill="#EB6252", opacity=0.5))
    ours = np.asarray(Image.open(io.BytesIO(draw_png(Scene(8, 8, [dot], background="#FFFFFF"), 1.0))).convert("RGBA"))
    assert (ours[..., 3] == 255).all()  # on an opaque background every pixel stays opaque
