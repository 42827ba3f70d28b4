"""Output formats. Each backend turns a Scene (and, for PNG, its SVG) into file bytes."""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable

# format -> (module, function, file extension); modules import lazily (PPTX and PNG pull big libraries)
FORMATS: dict[str, tuple[str, str, str]] = {
    "svg": ("renderer.backends.svg", "draw_svg", "svg"),
    "png": ("renderer.backends.png", "draw_png", "png"),
    "pptx": ("renderer.backends.pptx", "draw_pptx", "pptx"),
}


def png_scale() -> float:
    """Raster scale of PNG output: `vizspec render --scale` (env VIZSPEC_PNG_SCALE), 2× by default."""
    try:
        scale = float(os.environ.get("VIZSPEC_PNG_SCALE", "2"))
    except ValueError:
        return 2.0
    return scale if 0.25 <= scale <= 8 else 2.0


def svg_fonts_embedded() -> bool:
    """Whether SVGs carry their fonts: `vizspec render --svg-fonts embed|system` (env VIZSPEC_SVG_FONTS)."""
    return os.environ.get("VIZSPEC_SVG_FONTS", "embed") != "system"


def available() -> list[str]:
    """Formats whose backend module exists."""
    out = []
    for fmt, (mod, _fn, _ext) in FORMATS.items():
        if importlib.util.find_spec(mod) is not None:
            out.append(fmt)
    return out


def drawer(fmt: str) -> Callable[..., bytes]:
    """The draw function of a format: scene → bytes (PNG's also takes `svg=`, the scene's SVG already drawn)."""
    mod, fn, _ext = FORMATS[fmt]
    return getattr(importlib.import_module(mod), fn)
