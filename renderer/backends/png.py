"""PNG backend: rasterise our SVG with vl-convert (resvg inside; per-character font fallback)."""

from __future__ import annotations

from functools import cache

from ..scene import Scene
from . import png_scale
from .svg import draw_svg

SCALE = 2.0  # the default; `vizspec render --scale` overrides it through png_scale()
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype")


@cache
def _vlc():
    import vl_convert as vlc

    for d in FONT_DIRS:
        try:
            vlc.register_font_directory(d)
        except Exception:  # a missing folder is fine: system fonts are found anyway
            pass
    return vlc


def svg_to_png(svg: bytes, scale: float = SCALE) -> bytes:
    """Rasterise SVG bytes at `scale` (2× by default)."""
    return bytes(_vlc().svg_to_png(svg.decode("utf-8"), scale=scale))


def draw_png(scene: Scene, scale: float | None = None) -> bytes:
    """The scene as a PNG image at `scale` (default: png_scale()), rendered from its SVG so both look the same."""
    return svg_to_png(draw_svg(scene), png_scale() if scale is None else scale)
