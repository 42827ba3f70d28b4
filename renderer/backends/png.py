"""PNG backend: our SVG, prepared by png_svg (text as glyph outlines, markers as paths), drawn by Skia.

Skia rasterises in a few milliseconds; the PNG is written here (no filtering, zlib stream by ISA-L at
level 0), since general-purpose PNG encoders spent most of a PNG's time compressing. Level 0, not 1: ISA-L's
levels 1-3 read memory they never set (its "ICF" buffers, intel/isa-l#295), so the same pixels were now and
then compressed to other bytes (1-3 of the collection's 376 PNGs per full render, pixels equal); level 0 is as
fast and byte-for-byte repeatable, its files about a quarter larger. `resvg_png` is the
previous rasteriser (vl-convert's resvg, text drawn from the fonts): tests compare the two, and it still
draws any document with a text run png_svg could not turn into outlines.
"""

from __future__ import annotations

import math
import re
import struct
import sys
import zlib
from functools import cache

from ..scene import Scene
from . import png_scale
from .png_svg import prepare
from .svg import draw_svg, without_fonts

SCALE = 2.0  # the default; `vizspec render --scale` overrides it through png_scale()
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype")
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"|<svg\b[^>]*?\bheight="([\d.]+)"'
                   r'[^>]*?\bwidth="([\d.]+)"')


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(rgba, width: int, height: int) -> bytes:
    """8-bit RGBA (or RGB) pixels (a C-contiguous height × width × 4 (or 3) array) as a PNG file."""
    import numpy as np
    from isal import isal_zlib

    channels = rgba.shape[-1] if rgba.ndim == 3 else 4
    rows = np.empty((height, 1 + channels * width), np.uint8)  # each row: filter type 0, then the pixels
    rows[:, 0] = 0
    rows[:, 1:] = rgba.reshape(height, channels * width)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", isal_zlib.compress(rows.data, 0))
            + _chunk(b"IEND", b""))


def decode_png(data: bytes):
    """The pixels (height × width × channels, 8-bit) of a PNG as encode_png writes it (RGB or RGBA, rows
    unfiltered); None for any other PNG (read it with Pillow)."""
    import numpy as np
    from isal import isal_zlib

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, ihdr, idat = 8, None, []
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + size
    if ihdr is None or ihdr[2:] not in ((8, 6, 0, 0, 0), (8, 2, 0, 0, 0)):
        return None
    width, height, channels = ihdr[0], ihdr[1], 4 if ihdr[3] == 6 else 3
    try:
        raw = isal_zlib.decompress(b"".join(idat))
    except Exception:  # a broken stream: Pillow says what is wrong
        return None
    if len(raw) != height * (1 + channels * width):
        return None
    rows = np.frombuffer(raw, np.uint8).reshape(height, 1 + channels * width)
    if rows[:, 0].any():  # filtered rows: not ours
        return None
    return rows[:, 1:].reshape(height, width, channels)


def svg_size(svg: str, scale: float) -> tuple[int, int]:
    """Pixel size of the document at `scale` (whole pixels, cut down, as resvg/vl-convert size it)."""
    m = _SIZE.search(svg)
    if m is None:
        raise ValueError("the SVG root has no width and height")
    w, h = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return max(1, math.floor(float(w) * scale)), max(1, math.floor(float(h) * scale))


def svg_to_png(svg: bytes, scale: float = SCALE) -> bytes:
    """Rasterise our SVG bytes at `scale` (2× by default) with Skia."""
    import numpy as np
    import skia

    text = prepare(svg.decode("utf-8"))
    if "<text" in text:  # a run png_svg could not outline: Skia's SVG module has no font fallback
        return resvg_png(svg, scale)
    width, height = svg_size(text, scale)
    data = skia.Data.MakeWithCopy(text.encode("utf-8"))  # the DOM must not outlive its bytes
    dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream(data))
    pixels = np.zeros((height, width, 4), np.uint8)  # transparent, as resvg starts
    surface = skia.Surface(pixels)  # draws into the array (premultiplied RGBA)
    canvas = surface.getCanvas()
    canvas.scale(scale, scale)
    dom.render(canvas)
    if not _opaque(pixels):  # PNG wants straight alpha; opaque pixels are the same either way
        straight = np.empty_like(pixels)
        info = skia.ImageInfo.Make(width, height, skia.kRGBA_8888_ColorType, skia.kUnpremul_AlphaType)
        if not surface.readPixels(info, straight, 4 * width, 0, 0):
            raise RuntimeError("Skia could not read the rendered pixels")
        pixels = straight
    del canvas, surface
    return encode_png(pixels, width, height)


def _opaque(pixels) -> bool:
    """Whether every pixel of an RGBA array (height × width × 4, C-contiguous) has alpha 255."""
    import numpy as np

    if sys.byteorder == "little":  # one pass over 32-bit words (alpha is the high byte): a third of a strided min
        return not (pixels.view(np.uint32) < 0xFF000000).any()
    return bool(pixels[:, :, 3].min() == 255)


@cache
def _vlc():
    import vl_convert as vlc

    for d in FONT_DIRS:
        try:
            vlc.register_font_directory(d)
        except Exception:  # a missing folder is fine: system fonts are found anyway
            pass
    return vlc


def resvg_png(svg: bytes, scale: float = SCALE) -> bytes:
    """The previous rasteriser: vl-convert's resvg on the SVG as written, text drawn from the fonts."""
    return bytes(_vlc().svg_to_png(svg.decode("utf-8"), scale=scale))


def draw_png(scene: Scene, scale: float | None = None, svg: bytes | None = None) -> bytes:
    """The scene as a PNG image at `scale` (default: png_scale()), rendered from its SVG so both look the same;
    `svg`: the SVG draw_svg already wrote for this scene (with or without fonts), rasterised instead of
    drawing the scene again."""
    raster = draw_svg(scene, fonts=False) if svg is None else without_fonts(svg)
    return svg_to_png(raster, png_scale() if scale is None else scale)
