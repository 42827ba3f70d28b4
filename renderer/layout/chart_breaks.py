"""A broken value axis: ranges of values the y axis skips, a gap at each, and the break marks.

The axis keeps one scale (px per unit) on every side of its breaks: the plot height less the gaps is
shared by the kept ranges in proportion to their spans. A value inside a skipped range maps linearly
into its gap, so the map stays continuous and monotone (a bar that crosses a break spans the gap).
The marks are two parallel slanted strokes with white between them, on the axis and across each bar
that crosses the break (plot coordinates: y down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scene import Line, Meta, Polygon, Prim, Style
from .chart_axes import nice_step, ticks_within

GAP = 10.0  # px between the two sides of a break
SLANT = 3.0  # px a break stroke rises from its left end to its right end
TICK_PX = 36.0  # px of axis per tick interval (at most) in each kept range


@dataclass
class Broken:
    """A map from data [d0, d1] to pixels [r0, r1] (r0 at d0) that skips the `breaks` ranges."""

    d0: float
    d1: float
    r0: float
    r1: float
    breaks: list[tuple[float, float]]
    gap: float = GAP

    def pieces(self) -> list[tuple[float, float, float, float]]:
        """(data from, data to, px from, px to) of the kept ranges and the gaps, low to high."""
        kept = [self.d0] + [v for ab in self.breaks for v in ab] + [self.d1]
        spans = [kept[k + 1] - kept[k] for k in range(0, len(kept), 2)]
        total = abs(self.r1 - self.r0) - self.gap * len(self.breaks)
        unit = total / sum(spans) if sum(spans) > 0 else 0.0
        sign = 1.0 if self.r1 >= self.r0 else -1.0
        out = []
        p = self.r0
        for k in range(len(kept) - 1):
            a, b = kept[k], kept[k + 1]
            step = (b - a) * unit if k % 2 == 0 else self.gap
            out.append((a, b, p, p + sign * step))
            p += sign * step
        return out

    def __call__(self, v: float) -> float:
        ps = self.pieces()
        if v <= ps[0][0]:
            a, b, pa, pb = ps[0]
        elif v >= ps[-1][1]:
            a, b, pa, pb = ps[-1]
        else:
            a, b, pa, pb = next(q for q in ps if q[0] <= v <= q[1])
        return pa if b == a else pa + (v - a) / (b - a) * (pb - pa)

    def gaps(self) -> list[tuple[float, float]]:
        """Pixel ranges (low value's px, high value's px) of the gaps."""
        return [(pa, pb) for k, (_a, _b, pa, pb) in enumerate(self.pieces()) if k % 2 == 1]

    def skipped(self, v: float) -> bool:
        """The value lies strictly inside a skipped range (no tick there)."""
        return any(a < v < b for a, b in self.breaks)


def break_ends(lo: float, hi: float, breaks: list[tuple[float, float]], amin: float | None,
               amax: float | None) -> tuple[float, float]:
    """The axis ends: given ones, else the data's ends rounded outward to a nice step of their range."""
    first, last = breaks[0][0], breaks[-1][1]
    low, high = min(lo, first), max(hi, last)
    d0 = amin if amin is not None else nice_step(max(first - low, 1e-12), 2) * math.floor(
        low / nice_step(max(first - low, 1e-12), 2) + 1e-9)
    d1 = amax if amax is not None else nice_step(max(high - last, 1e-12), 4) * math.ceil(
        high / nice_step(max(high - last, 1e-12), 4) - 1e-9)
    return d0, d1


def break_ticks(m: Broken) -> list[float]:
    """Nice ticks inside each kept range (its ends included where they are nice)."""
    out: list[float] = []
    for k, (a, b, pa, pb) in enumerate(m.pieces()):
        if k % 2 or b <= a:
            continue
        target = max(1, int(abs(pb - pa) // TICK_PX))
        for t in ticks_within(a, b, target):
            if not out or t > out[-1] + 1e-12:
                out.append(t)
    return out


def spaced(ticks: list[float], m: Broken, need: float) -> list[float]:
    """The ticks, low to high, less any whose label would come closer than `need` px to the last kept one
    (the two ends of a break are only a gap apart)."""
    out: list[float] = []
    for t in sorted(ticks):
        if not out or abs(m(t) - m(out[-1])) >= need:
            out.append(t)
    return out


def mark(x0: float, x1: float, y_lo: float, y_hi: float, stroke: str, white: str, meta: Meta) -> list[Prim]:
    """A break mark over [x0, x1]: white between two slanted strokes through y_lo and y_hi (px, y down)."""
    s = SLANT / 2
    lo = ((x0, y_lo + s), (x1, y_lo - s))
    hi = ((x0, y_hi + s), (x1, y_hi - s))
    style = Style(stroke=stroke, stroke_width=1.2)
    return [Polygon((lo[0], lo[1], hi[1], hi[0]), Style(fill=white), meta),
            Line(lo, style, meta=meta), Line(hi, style, meta=meta)]
