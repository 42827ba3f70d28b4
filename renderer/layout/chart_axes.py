"""Axis helpers for chart and timeline layout: nice 1-2-5 ticks, scales, label stacking, box geometry."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .chart_data import fmt_num
from .geometry import clip_segment

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
MAX_TICKS = 8  # intervals on an axis at most: more ticks only crowd it
_MAX_INTERVALS = 4  # a nice step gives at most ~target intervals; far more means the numbers broke down


def nice_step(span: float, target: int) -> float:
    """The smallest step of the form {1, 2, 5}·10^k that splits `span` into at most `target` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    if raw < 1e-300:  # denormal spans: log10 and the powers below underflow
        return 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10.0 * mag


def _clean(v: float, step: float) -> float:
    """v rounded to the step's decimals (no float noise like 0.30000000000000004)."""
    d = max(0, -math.floor(math.log10(step)) + 1) if step > 0 else 6
    out = round(v, d)
    return 0.0 if out == 0 else out


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Ticks at multiples of a nice step, from at or below `lo` to at or above `hi`."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.5 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, target)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    if last - first > _MAX_INTERVALS * max(target, 1):  # float trouble (spans near the limits): just the ends
        return [lo, hi]
    return [_clean(i * step, step) for i in range(first, last + 1)]


def ticks_within(lo: float, hi: float, target: int) -> list[float]:
    """Nice ticks inside [lo, hi] (for an axis whose ends are fixed)."""
    step = nice_step(hi - lo, target)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    if last - first > _MAX_INTERVALS * max(target, 1):
        return [lo, hi]
    return [_clean(i * step, step) for i in range(first, last + 1)]


def step_format(ticks: list[float]) -> str:
    """A format spec showing just the decimals the ticks need."""
    if len(ticks) < 2:
        return ".3g"
    step = min(abs(b - a) for a, b in zip(ticks, ticks[1:], strict=False) if b != a) if len(set(ticks)) > 1 else 1
    if max(abs(t) for t in ticks) >= 1e6 or step < 1e-4:
        return ".2g" if max(abs(t) for t in ticks) >= 1e6 else ".1e"
    d = 0
    while d < 6 and any(abs(round(t, d) - t) > step * 1e-6 for t in ticks):
        d += 1
    return f".{d}f"


@dataclass
class Linear:
    """A linear map from data [d0, d1] to pixels [r0, r1]."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, v: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


@dataclass
class Band:
    """n equal slots over pixels [r0, r1] (categories)."""

    n: int
    r0: float
    r1: float

    @property
    def width(self) -> float:
        return (self.r1 - self.r0) / max(self.n, 1)

    def center(self, i: float) -> float:
        return self.r0 + (i + 0.5) * self.width

    def __call__(self, v: float) -> float:
        return self.center(v)


def fit_ticks(lo: float, hi: float, length: float, label_len: Callable[[list[float]], float],
              fixed_ends: bool = False, min_gap: float = 10.0) -> list[float]:
    """The densest nice ticks whose labels (longest `label_len` px along the axis) do not collide."""
    best: list[float] | None = None
    for target in range(min(MAX_TICKS, max(2, int(length // 24))), 1, -1):
        ticks = ticks_within(lo, hi, target) if fixed_ends else nice_ticks(lo, hi, target)
        if len(ticks) < 2:
            continue
        span = (ticks[-1] - ticks[0]) if not fixed_ends else (hi - lo)
        spacing = length * (ticks[1] - ticks[0]) / span if span else length
        if spacing >= label_len(ticks) + min_gap:
            return ticks
        best = ticks
    return best or nice_ticks(lo, hi, 2)


def tick_labels(ticks: list[float], spec: str | None) -> list[str]:
    """Tick texts with one format for the whole axis."""
    f = spec or step_format(ticks)
    return [fmt_num(t, f) for t in ticks]


def thin_step(n: int, slot: float, need: float) -> int:
    """Show every k-th of n labels (k in 1, 2, 5, 10, …) so labels needing `need` px fit slots of `slot` px."""
    k = 1
    seq = [1, 2, 5]
    i, mag = 0, 1
    while k * slot < need and k < n:
        i += 1
        if i == len(seq):
            i, mag = 0, mag * 10
        k = seq[i] * mag
    return k


def stack_levels(spans: list[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """Level of each [x0, x1] span so that spans on one level do not overlap (lowest free level first)."""
    ends: list[float] = []  # right end of the last span on each level
    out = []
    for x0, x1 in spans:
        for lvl, end in enumerate(ends):
            if x0 >= end + gap:
                ends[lvl] = x1
                out.append(lvl)
                break
        else:
            ends.append(x1)
            out.append(len(ends) - 1)
    return out


def spread(centers: list[float], sizes: list[float], lo: float, hi: float, gap: float = 2.0) -> list[float]:
    """Move 1-D labels (given centres and sizes, in order) apart so they do not overlap, staying in [lo, hi]."""
    n = len(centers)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: centers[i])
    pos = [centers[i] for i in order]
    sz = [sizes[i] for i in order]
    for _ in range(2):
        for k in range(1, n):
            need = pos[k - 1] + (sz[k - 1] + sz[k]) / 2 + gap
            if pos[k] < need:
                pos[k] = need
        if pos[-1] + sz[-1] / 2 > hi:
            pos[-1] = hi - sz[-1] / 2
            for k in range(n - 2, -1, -1):
                need = pos[k + 1] - (sz[k + 1] + sz[k]) / 2 - gap
                if pos[k] > need:
                    pos[k] = need
        if pos[0] - sz[0] / 2 >= lo:
            break
        pos[0] = lo + sz[0] / 2
    out = [0.0] * n
    for k, i in enumerate(order):
        out[i] = pos[k]
    return out


def overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    """Boxes intersect (with `pad` px of clearance)."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def overlap_area(a: Box, b: Box) -> float:
    """Area of the intersection of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def segment_hits_box(p: tuple[float, float], q: tuple[float, float], b: Box) -> bool:
    """The segment p–q passes through (or touches) the box."""
    return clip_segment(p, q, *b) is not None


def border_point(b: Box, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the box centre toward a point leaves the box."""
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    hw, hh = (b[2] - b[0]) / 2, (b[3] - b[1]) / 2
    s = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return cx + dx * s, cy + dy * s


def spread_centred(centres: list[float], sizes: list[float], gap: float, lo: float | None = None,
           hi: float | None = None) -> list[float]:
    """Label centres along an axis moved apart just enough that no two labels (of `sizes` px, `gap` px apart)
    overlap: each run of colliding labels is laid side by side, centred on the mean of its wanted centres,
    and kept within [lo, hi] when given. Labels that do not collide keep their places. The same input
    gives the same output (labels in axis order)."""
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    runs: list[list[int]] = [[i] for i in order]

    def place(run: list[int]) -> list[float]:
        total = sum(sizes[i] for i in run) + gap * (len(run) - 1)
        mid = sum(centres[i] for i in run) / len(run)
        start = mid - total / 2
        if lo is not None:
            start = max(start, lo)
        if hi is not None:
            start = min(start, hi - total)
        out, x = [], start
        for i in run:
            out.append(x + sizes[i] / 2)
            x += sizes[i] + gap
        return out

    merged = True
    while merged:
        merged = False
        for k in range(len(runs) - 1):
            a, b = place(runs[k]), place(runs[k + 1])
            if a[-1] + sizes[runs[k][-1]] / 2 + gap > b[0] - sizes[runs[k + 1][0]] / 2 + 1e-9:
                runs[k:k + 2] = [runs[k] + runs[k + 1]]
                merged = True
                break
    pos = [0.0] * len(centres)
    for run in runs:
        for i, x in zip(run, place(run) if len(run) > 1 else [centres[run[0]]], strict=True):
            pos[i] = x
    return pos
