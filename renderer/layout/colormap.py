"""Continuous colour maps: the theme's scale colours blended in OKLab (a perceptual space), with log and
periodic variants, as matplotlib's LinearSegmentedColormap and Vega-Lite's interpolate: "oklab" do.

Blending in OKLab keeps the steps between colours even to the eye (sRGB blends of blue and red go
muddy and dark in the middle). A periodic map closes the palette into a loop, so a value at `max`
has the colour of `min` (angles that wrap at 2π).
"""

from __future__ import annotations

import math

Lab = tuple[float, float, float]

CONTINUOUS_ROLE = "scale-continuous"  # the role of a blended colour: a value's colour, its key is the bar


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def hex_to_oklab(color: str) -> Lab:
    """OKLab (L, a, b) of a #RRGGBB colour (Björn Ottosson's matrices)."""
    r, g, b = (_to_linear(int(color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    lms = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
           0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
           0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in lms)
    return (0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
            1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
            0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_)


def oklab_to_hex(lab: Lab) -> str:
    """The #RRGGBB colour of an OKLab triple (clipped to sRGB)."""
    L, a, b = lab
    l_ = L + 0.3963377774 * a + 0.2158037573 * b
    m_ = L - 0.1055613458 * a - 0.0638541728 * b
    s_ = L - 0.0894841775 * a - 1.2914855480 * b
    lin = (4.0767416621 * l_ ** 3 - 3.3077115913 * m_ ** 3 + 0.2309699292 * s_ ** 3,
           -1.2684380046 * l_ ** 3 + 2.6097574011 * m_ ** 3 - 0.3413193965 * s_ ** 3,
           -0.0041960863 * l_ ** 3 - 0.7034186147 * m_ ** 3 + 1.7076147010 * s_ ** 3)
    return "#" + "".join(f"{round(_to_srgb(c) * 255):02X}" for c in lin)


def position(v: float, lo: float, hi: float, log: bool = False) -> float:
    """Where v lies on the map, 0 … 1 (clamped); on a log map by its logarithm."""
    if log:
        v, lo, hi = (math.log10(max(x, 1e-300)) for x in (v, lo, hi))
    if hi <= lo:
        return 1.0 if v > lo else 0.0
    at = (v / 2 - lo / 2) / (hi / 2 - lo / 2)  # halved: hi − lo of numbers near ±1.8e308 would overflow
    return min(1.0, max(0.0, at)) if math.isfinite(at) else 0.0


def blend(stops: list[str], t: float, periodic: bool = False) -> str:
    """The colour at t (0 … 1) of the map through `stops`, blended in OKLab; periodic: back to the first."""
    seq = [*stops, stops[0]] if periodic else list(stops)
    labs = [hex_to_oklab(c) for c in seq]
    x = min(1.0, max(0.0, t)) * (len(labs) - 1)
    k = min(int(x), len(labs) - 2)
    u = x - k
    a, b = labs[k], labs[k + 1]
    return oklab_to_hex(tuple(p + (q - p) * u for p, q in zip(a, b, strict=True)))


def log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten within [lo, hi] (lo > 0); 1-2-5 steps when fewer than two powers fit."""
    a, b = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    powers = [10.0 ** e for e in range(a, b + 1)]
    if len(powers) >= 2:
        return powers
    out = [m * 10.0 ** e for e in range(a - 1, b + 1) for m in (1, 2, 5)]
    return [v for v in out if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]
