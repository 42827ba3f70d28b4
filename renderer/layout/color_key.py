"""The colour key of a value-coloured grid (heat maps, tensors coloured by value): one box per colour step
with its boundaries labelled, or a smooth bar with nice ticks for a continuous map; titled, with its unit.

Drawn right of the grid, centred on its height, high values at the top.
"""

from __future__ import annotations

from typing import Any

from ..scene import Line, Meta, Rect, Style
from .base import Ctx
from .chart_axes import nice_ticks, tick_labels
from .chart_canvas import Canvas
from .chart_data import fmt_num
from .colormap import CONTINUOUS_ROLE, blend, log_ticks, position

KEY_TITLE_WIDTH = 160.0  # px at which a colour key's title wraps
KEY_BAR = 140.0  # px: the least height of a continuous colour bar
FIT_BAR = 60.0  # px: the least height of a bar fitted to its grid
KEY_SLICES = 48  # bands a continuous colour bar is drawn in
LABEL_GAP = 4.0  # between a key box and its label (as the chart's tick labels)


def key_title(ctx: Ctx, scale: Any) -> str | None:
    """The key's title with its unit: 'angle (rad)', or the unit alone, or None."""
    title = None if scale.title is None else ctx.t(scale.title)
    unit = None if getattr(scale, "unit", None) is None else ctx.t(scale.unit)
    if unit:
        return f"{title} ({unit})" if title else unit
    return title


def draw_color_key(ctx: Ctx, c: Canvas, scale: Any, steps: list[tuple[str, str]], lo: float, hi: float,
                   kx0: float, H: float, el_id: str | None, path: tuple, fit: bool = False) -> None:
    """The key of `scale` at x = kx0 beside a grid H px tall (`path` is the element's spec path). `fit`: a
    smooth bar as tall as the grid less one label line (at least FIT_BAR px; its title above the grid), not
    at least KEY_BAR."""
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    n = len(steps)
    smooth = scale.continuous or scale.periodic
    kh = max(lh, 14.0)
    km = Meta(el_id, None, ctx.src(path + ("scale",)), "chart-key")
    title = key_title(ctx, scale)
    src = path + ("scale", "title" if scale.title is not None else "unit")
    kt = None if title is None else ctx.text_lines(
        title, fs, KEY_TITLE_WIDTH, 400, "text", "start", meta=Meta(el_id, "text", ctx.src(src), "chart-key-title"))
    th = 0.0 if kt is None else kt.h + LABEL_GAP + lh / 2  # clear of the top boundary's label
    ky0 = max(th, (H - n * kh + th) / 2)  # the key and its title centred on the plot, never above it
    # fitted: the bar spans the grid, less half a label line at each end (its end labels stay within the
    # grid's height), its title above the grid
    bar = max(FIT_BAR, H - lh) if fit else max(n * kh, KEY_BAR)
    by0 = (H - bar) / 2 if fit else max(th, (H - bar + th) / 2)
    if kt is not None and smooth:
        c.place(kt, kx0, by0 - th)
    elif kt is not None:
        c.place(kt, kx0, ky0 - th)
    if smooth:
        _smooth_key(scale, ctx, c, [col for _r, col in steps], lo, hi, kx0, by0, bar, km)
        return
    for b, (role, color) in enumerate(steps):
        y = ky0 + (n - 1 - b) * kh
        c.add(Rect(kx0, y, 14, kh, 0, Style(fill=color, stroke=ctx.color("frame"), stroke_width=0.6),
                   Meta(el_id, role, km.src, "chart-key")))
    bounds = [lo * (hi / lo) ** (b / n) if scale.log else lo + (hi - lo) * b / n for b in range(n + 1)]
    labels = tick_labels(bounds, scale.format) if scale.format is None else \
        [fmt_num(v, scale.format) for v in bounds]
    if scale.format is None and len(set(labels)) < len(labels):
        labels = [fmt_num(v, ".3g") for v in bounds]
    inner = Meta(el_id, None, km.src, "chart-key-tick")  # even divisions of the range, like axis ticks
    for b, s in enumerate(labels):
        c.text(s, kx0 + 14 + LABEL_GAP, ky0 + (n - b) * kh, fs, "text-soft", "start", "middle",
               meta=km if b in (0, n) else inner)


def _smooth_key(scale: Any, ctx: Ctx, c: Canvas, stops: list[str], lo: float, hi: float, x0: float, y0: float,
                h: float, km: Meta) -> None:
    """A continuous colour bar (high at the top) in KEY_SLICES slices, framed; its ends labelled with the
    range and nice ticks (powers of ten on a log map) between them."""
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    sl = h / KEY_SLICES
    for k in range(KEY_SLICES):
        col = blend(stops, (k + 0.5) / KEY_SLICES, scale.periodic)
        c.add(Rect(x0, y0 + h - (k + 1) * sl, 14, sl + 0.3, 0, Style(fill=col),
                   Meta(km.id, CONTINUOUS_ROLE, km.src, "chart-key")))
    c.add(Rect(x0, y0, 14, h, 0, Style(stroke=ctx.color("frame"), stroke_width=0.6),
               Meta(km.id, "frame", km.src, "chart-key")))
    inner = Meta(km.id, None, km.src, "chart-key-tick")
    ticks = log_ticks(lo, hi) if scale.log else [t for t in nice_ticks(lo, hi) if lo <= t <= hi]
    fmt = scale.format
    ends = [(lo, km), (hi, km)]
    for v, meta in ends + [(t, inner) for t in ticks]:
        y = y0 + h * (1 - position(v, lo, hi, scale.log))
        if meta is inner and min(abs(y - y0), abs(y - y0 - h)) < lh:
            continue  # a tick next to an end label
        c.add(Line(((x0 + 14, y), (x0 + 17, y)), Style(stroke=ctx.color("text-soft"), stroke_width=0.8),
                   meta=Meta(km.id, "text-soft", km.src, "chart-key")))
        c.text(fmt_num(v, fmt) if fmt else fmt_num(v, ".3g"), x0 + 17 + LABEL_GAP, y, fs, "text-soft", "start",
               "middle", meta=meta)
