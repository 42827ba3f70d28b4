"""Layout of the `chart` element kind: bar, line, area (cartesian axes) and heat map.

Everything is drawn in plot coordinates (plot area at (0, 0)–(W, H), y down) on a Canvas; labels,
legend and titles are then placed around what is already drawn, and the result is normalised.
Text sizes are measured, and the plot grows so category labels, bar values and keys fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..scene import Ellipse, Group, Line, Meta, Path, Polygon, Prim, Rect, Style, Text, bbox, shift
from ..spec.elements.chart import STATES, Chart, ChartAxis, ChartSeries
from . import dates
from .base import Anchor, Block, Ctx, register, script_runs
from .chart_axes import (
    Band,
    Box,
    Linear,
    border_point,
    fit_ticks,
    nice_ticks,
    overlap_area,
    segment_hits_box,
    spread,
    spread_centred,
    stack_levels,
    thin_step,
    tick_labels,
)
from .chart_breaks import Broken, break_ends, break_ticks, mark, spaced
from .chart_canvas import ASCENT, DESCENT, Canvas
from .chart_data import (
    bound,
    check_log_scale,
    check_roles,
    fail,
    finite,
    fmt_num,
    measure,
    number,
    numbers,
    scale_colors,
    text_of,
    value_color,
)
from .chart_halo import on_fill, readable_labels
from .chart_lines import smooth_cmds, step_points
from .chart_teach import STATE_NAMES, STATE_STYLE, brace_cmds, state_rect, top_over
from .color_key import draw_color_key
from .markup import split_scripts

SERIES_ROLES = ("accent", "warm", "thought", "emphasis", "title", "kept", "module")
DEFAULT_W = 340.0
DEFAULT_H = 200.0
MAX_PLOT = 1600.0  # beyond this many px of categories, labels are thinned instead of the plot growing
TICK = 4.0  # tick mark length
LABEL_GAP = 4.0  # between a tick mark / bar end and its label
BAR_FILL = 0.72  # share of a category slot covered by its bars


@dataclass
class _S:
    """One bound series."""

    i: int
    model: ChartSeries
    ys: list[float]
    xs: list[float]
    role: str
    name: str
    bar_roles: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)  # one per bar when the series has `states`
    drawn: list[tuple[float, float]] = field(default_factory=list)  # its line as drawn (curves: samples), in px

    @property
    def right(self) -> bool:
        return self.model.axis == "right"


@register("chart")
def layout_chart(el: Chart, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A chart with axes, sized so every label is measured and fits."""
    check_roles(ctx, el, path)
    c = Canvas(ctx)
    legend: list[tuple[str, str, str, int, tuple]] = []  # (name, role, shape, series index, spec path)
    data: dict = {}  # what the chart shows, for backends with native charts (PPTX); heat maps have none
    if el.kind == "heatmap":
        _heatmap(el, path, ctx, c)
    else:
        legend = _cartesian(el, path, ctx, c, data)
        c.items = readable_labels(ctx, c.items)
    if legend and el.legend != "none":
        _legend(el, path, ctx, c, legend)
    if el.title is not None:
        x0, y0, x1, _ = c.box()
        tb = ctx.text_lines(ctx.t(el.title), ctx.size("body"), max(x1 - x0, ctx.sp("text_max_width")), 700, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("title",)), "chart-title"))
        c.place(tb, (x0 + x1 - tb.w) / 2, y0 - tb.h - ctx.sp("gap") / 2)
    if data:  # plot-area coordinates relative to the top-left of the chart group's bounding box
        x0, y0, _, _ = c.box()
        px, py, pw, ph = data["plot"]
        data["plot"] = [px - x0, py - y0, pw, ph]
        data["title"] = ctx.t(el.title) if el.title is not None else None
        data["legend"] = el.legend if legend else "none"
    out = c.block(min_w, min_h, Meta(el.id, None, ctx.src(path), "chart"))
    if data:
        out.items[0] = replace(out.items[0], data=data)
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


# ---------------------------------------------------------------- cartesian (bar, line, area)

def _series(el: Chart, path: tuple, ctx: Ctx) -> list[_S]:
    out = []
    cycle = 0
    for i, s in enumerate(el.series):
        sp = path + ("series", i)
        ys = numbers(s.values, ctx, sp + ("values",), "series values")
        xs = _xs(s.x, ctx, sp + ("x",)) if s.x is not None else [float(k) for k in range(len(ys))]
        if len(xs) != len(ys):
            raise fail(ctx, sp + ("x",), f"series x has {len(xs)} values but `values` has {len(ys)} "
                                         "(expected one x per value)")
        if not ys:
            raise fail(ctx, sp + ("values",), "series has no values (expected at least one number)")
        if not all(math.isfinite(v) for v in ys + xs):
            raise fail(ctx, sp + ("values",), "series values must be finite numbers (no NaN or infinity)")
        if s.role:
            role = s.role
        elif el.kind == "bar" and len(el.series) == 1:
            role = "model"
        else:
            role = SERIES_ROLES[cycle % len(SERIES_ROLES)]
            cycle += 1
        item = _S(i, s, ys, xs, role, ctx.t(s.name) if s.name is not None else "")
        if el.kind == "bar" and not item.right:
            item.bar_roles = _bar_roles(s, ys, role, ctx, sp)
            if s.states is not None:
                item.states = _states(s, ys, ctx, sp)
                item.bar_roles = [STATE_STYLE[st][0] for st in item.states]
        out.append(item)
    return out


def _states(s: ChartSeries, ys: list[float], ctx: Ctx, sp: tuple) -> list[str]:
    states = bound(s.states, ctx, sp + ("states",), "series states")
    if len(states) != len(ys):
        raise fail(ctx, sp + ("states",), f"series states has {len(states)} entries for {len(ys)} values "
                                          "(expected one state per value)")
    return list(states)  # each one of STATES: the model validated the bound values


def _xs(value, ctx: Ctx, path: tuple) -> list[float]:
    """A series' x values: numbers, or ISO dates as years (the middle of the year, month or day each names)."""
    v = bound(value, ctx, path, "series x")
    out = []
    for k, x in enumerate(v):
        d = dates.parse(x) if isinstance(x, str) else None
        out.append(d.time if d is not None else float(bound(x, ctx, path + (k,), f"series x item {k}", "a number")))
    return out


def _dated(el: Chart) -> bool:
    """Whether a series gives its x as ISO dates."""
    return any(isinstance(s.x, list) and any(isinstance(x, str) and dates.parse(x) is not None for x in s.x)
               for s in el.series)


def _elide(el: Chart, cats: list[str], series: list[_S]) -> tuple[list[str], int]:
    """Keep the first `elide_after` categories and values; the rest become one '…' slot. (cats, hidden)."""
    n = el.elide_after
    if n is None or len(cats) <= n + 1:  # hiding one category would take as much room as showing it
        return cats, 0
    hidden = len(cats) - n
    for s in series:
        s.ys, s.xs = s.ys[:n], s.xs[:n]
        s.bar_roles, s.states = s.bar_roles[:n], s.states[:n]
    return cats[:n] + [f"+{hidden}"], hidden


def _bar_roles(s: ChartSeries, ys: list[float], role: str, ctx: Ctx, sp: tuple) -> list[str]:
    if s.roles is not None:
        roles = bound(s.roles, ctx, sp + ("roles",), "series roles")
        if len(roles) != len(ys):
            raise fail(ctx, sp + ("roles",), f"series roles has {len(roles)} entries for {len(ys)} values "
                                             "(expected one role per value)")
        return list(roles)
    if s.highlight is not None:
        hl = bound(s.highlight, ctx, sp + ("highlight",), "series highlight")
        if len(hl) != len(ys):
            raise fail(ctx, sp + ("highlight",), f"series highlight has {len(hl)} entries for {len(ys)} values "
                                                 "(expected one true/false per value)")
        return [s.highlight_role if h else s.dim_role for h in hl]
    return [role] * len(ys)


def _categories(axis: ChartAxis, ctx: Ctx, apath: tuple) -> list[str] | None:
    if axis.categories is None:
        return None
    cats = bound(axis.categories, ctx, apath + ("categories",), "axis categories")
    return [text_of(v, ctx) for v in cats]


def _opt(v: float | str | None, ctx: Ctx, p: tuple, what: str) -> float | None:
    return None if v is None else number(v, ctx, p, what)


def _axis_ticks(axis: ChartAxis, apath: tuple, ctx: Ctx, lo: float, hi: float, length: float,
                label_len, horizontal: bool) -> tuple[list[float], list[str], float, float]:
    """Ticks, their labels and the domain of a numeric axis (explicit ticks, fixed ends or nice ticks)."""
    amin = _opt(axis.min, ctx, apath + ("min",), "axis min")
    amax = _opt(axis.max, ctx, apath + ("max",), "axis max")
    if axis.ticks is not None:
        ticks = numbers(axis.ticks, ctx, apath + ("ticks",), "axis ticks")
        labels = ([ctx.t(t) for t in axis.tick_labels] if axis.tick_labels is not None
                  else tick_labels(ticks, axis.format))
        d0 = amin if amin is not None else min([lo, *ticks])
        d1 = amax if amax is not None else max([hi, *ticks])
        keep = [(t, s) for t, s in zip(ticks, labels, strict=True) if d0 - 1e-12 <= t <= d1 + 1e-12]
        if axis.ends:  # the two ends too, labelled in the axis's format, unless a tick already stands there
            ends = [e for e in (d0, d1) if all(abs(e - t) > 1e-9 * max(1.0, abs(e)) for t, _ in keep)]
            keep = sorted(keep + list(zip(ends, tick_labels(ends, axis.format), strict=True)), key=lambda p: p[0])
            if axis.tick_labels is None:  # one format for the whole axis
                keep = list(zip([t for t, _ in keep], tick_labels([t for t, _ in keep], axis.format), strict=True))
        return [t for t, _ in keep], [s for _, s in keep], d0, d1
    lo = amin if amin is not None else lo
    hi = amax if amax is not None else hi
    if hi < lo:
        raise fail(ctx, apath, f"axis min {lo:g} is above its max {hi:g}")
    fixed = amin is not None and amax is not None

    def measure(ts: list[float]) -> float:
        return label_len(tick_labels(ts, axis.format))

    ticks = fit_ticks(lo, hi, length, measure, fixed_ends=fixed)
    d0 = amin if amin is not None else ticks[0]
    d1 = amax if amax is not None else ticks[-1]
    ticks = [t for t in ticks if d0 - 1e-12 <= t <= d1 + 1e-12]
    return ticks, tick_labels(ticks, axis.format), d0, d1


def _broken_axis(axis: ChartAxis, apath: tuple, ctx: Ctx, lo: float, hi: float, H: float, lh: float
                 ) -> tuple[list[float], list[str], float, float, Broken]:
    """Ticks, labels, domain and map of a y axis with breaks (each [from, to] skipped, one scale throughout)."""
    breaks = []
    for k, ab in enumerate(axis.breaks or []):
        a, b = (number(v, ctx, apath + ("breaks", k, j), "axis break") for j, v in enumerate(ab))
        if not a < b:
            raise fail(ctx, apath + ("breaks", k), f"break [{a:g}, {b:g}]: expected from < to")
        if breaks and a <= breaks[-1][1]:
            raise fail(ctx, apath + ("breaks", k), f"break [{a:g}, {b:g}] starts before the previous one ends "
                                                   "(expected breaks in increasing order, apart)")
        breaks.append((a, b))
    amin = _opt(axis.min, ctx, apath + ("min",), "axis min")
    amax = _opt(axis.max, ctx, apath + ("max",), "axis max")
    d0, d1 = break_ends(lo, hi, breaks, amin, amax)
    if not d0 < breaks[0][0] or not breaks[-1][1] < d1:
        raise fail(ctx, apath + ("breaks",), f"breaks must lie inside the axis ({d0:g} … {d1:g}), with values "
                                             "on both sides of each")
    vmap = Broken(d0, d1, H, 0.0, breaks)
    if axis.ticks is not None:
        ticks = numbers(axis.ticks, ctx, apath + ("ticks",), "axis ticks")
        labels = ([ctx.t(t) for t in axis.tick_labels] if axis.tick_labels is not None
                  else tick_labels(ticks, axis.format))
        keep = [(t, s) for t, s in zip(ticks, labels, strict=True)
                if d0 - 1e-12 <= t <= d1 + 1e-12 and not vmap.skipped(t)]
        shown = set(spaced([t for t, _ in keep], vmap, lh))
        keep = [(t, s) for t, s in keep if t in shown]
        return [t for t, _ in keep], [s for _, s in keep], d0, d1, vmap
    ticks = spaced(break_ticks(vmap), vmap, lh)
    return ticks, tick_labels(ticks, axis.format), d0, d1, vmap


def _break_marks(el: Chart, path: tuple, ctx: Ctx, c: Canvas, vmap: Broken, W: float) -> None:
    """Two slanted strokes with white between them at each break: on the y axis, across every bar that spans
    the gap (an area chart: across the plot)."""
    stroke, white = ctx.color("text-soft"), ctx.color(ctx.ground)  # the gap shows what is behind the chart
    bars = [p.children[0] if isinstance(p, Group) and p.meta.kind == "hatched" else p for p in c.items]
    bars = [b for b in bars if isinstance(b, Rect) and b.meta.kind == "chart-bar"]
    for k, (y_lo, y_hi) in enumerate(vmap.gaps()):
        meta = Meta(el.id, "text-soft", ctx.src(path + ("y", "breaks", k)), "chart-break")
        if el.kind == "area":
            c.add(*mark(-TICK - 2, W + 2, y_lo, y_hi, stroke, white, meta))
        for b in bars:
            if b.y < y_hi - 0.5 and b.y + b.h > y_lo + 0.5:
                c.add(*mark(b.x - 2, b.x + b.w + 2, y_lo, y_hi, stroke, white,
                            replace(meta, parts=b.meta.parts)))
        c.add(*mark(-TICK - 2, TICK + 2, y_lo, y_hi, stroke, white, replace(meta, parts=("yaxis",))))


def _cartesian(el: Chart, path: tuple, ctx: Ctx, c: Canvas, data: dict) -> list[tuple[str, str, str, int, tuple]]:
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    series = _series(el, path, ctx)
    bar = el.kind == "bar"
    horiz = bar and el.horizontal
    cat_axis, val_axis = el.x, el.y
    cpath, vpath = path + ("x",), path + ("y",)
    cats = _categories(cat_axis, ctx, cpath)
    npts = max(len(s.ys) for s in series)
    if bar and cats is None:
        cats = [str(k) for k in range(npts)]
    if bar and cats is not None and npts > len(cats):
        raise fail(ctx, path + ("series",), f"a series has {npts} values but the x axis has {len(cats)} "
                                            "categories (expected at most one value per category)")
    hidden = 0
    if cats is not None:
        cats, hidden = _elide(el, cats, series)
    elif el.elide_after is not None:
        raise fail(ctx, path + ("elide_after",), "elide_after needs a category x axis (`x: {categories: …}`)")
    left = [s for s in series if not s.right]
    right = [s for s in series if s.right]
    if not left:
        raise fail(ctx, path + ("series",), "every series has `axis: right` (expected at least one on the left)")
    if bar and any(ct.after is not None for ct in el.cuts()) or el.braces:
        if cats is None:
            raise fail(ctx, path + ("x",), "cut `after` and braces need a category x axis (`x: {categories: …}`)")
    ns = len(left)

    # value labels (bar values / point values), measured up front: they size the bars
    vlabels = {s.i: [fmt_num(v, s.model.labels) for v in s.ys] if s.model.labels else [] for s in series}
    vl_w = max([measure(ctx, t, fs) for ts in vlabels.values() for t in ts] or [0.0])

    # value range (stacked areas add up)
    stacks = _stacked(left) if el.kind == "area" and el.stacked else None
    vals = [v for s in left for v in s.ys] + ([v for st in stacks for v in st] if stacks else [])
    if bar or el.kind == "area":
        vals.append(0.0)
    vals += [number(r.y, ctx, path + ("refs", k, "y"), "ref y") for k, r in enumerate(el.refs) if r.y is not None]
    for k, g in enumerate(el.regions):
        if g.y is not None:
            vals += [number(v, ctx, path + ("regions", k, "y", j), "region y") for j, v in enumerate(g.y)]
    cut_y = {k: number(ct.y, ctx, path + ("cut", k, "y") if isinstance(el.cut, list) else path + ("cut", "y"),
                       "cut y") for k, ct in enumerate(el.cuts()) if ct.y is not None}
    vals += [v for k, v in cut_y.items() if el.cuts()[k].axis == "left"]
    lo, hi = min(vals), max(vals)

    # plot size from measured labels
    cat_w = [measure(ctx, t, fs) for t in cats] if cats else []
    thin = 1
    if horiz:
        slot = max(lh + 8, ns * max(lh * 0.75, 8) / BAR_FILL)
        H = max(el.height or 0.0, len(cats) * slot)
        W = el.width or DEFAULT_W
    elif bar and cats and ctx.bar_pitch:  # on a column's tracks: one slot per track, whatever the labels need
        W, H = len(cats) * ctx.bar_pitch, el.height or DEFAULT_H
    else:
        W = el.width or DEFAULT_W
        H = el.height or DEFAULT_H
        if cats:
            need = max(cat_w) + 10
            if bar:
                need = max(need, ns * (vl_w + 3) / BAR_FILL, 12.0)
            n = len(cats)
            if n * need > max(W, MAX_PLOT):
                W = max(W, min(n * need, MAX_PLOT))
                thin = thin_step(n, W / n, need)
            else:
                W = max(W, n * need)

    # value axis
    if horiz:
        vt, vtl, v0, v1 = _axis_ticks(val_axis, vpath, ctx, lo, hi, W,
                                      lambda ls: max(measure(ctx, s, fs) for s in ls), True)
        vmap = Linear(v0, v1, 0, W)
    elif val_axis.breaks is not None:
        vt, vtl, v0, v1, vmap = _broken_axis(val_axis, vpath, ctx, lo, hi, H, lh)
        for s in left:
            for k, v in enumerate(s.ys):
                if vmap.skipped(v):
                    raise fail(ctx, path + ("series", s.i, "values", k), f"value {v:g} lies in a range the y axis "
                               "skips (`breaks`); expected values outside every [from, to]")
    else:
        vt, vtl, v0, v1 = _axis_ticks(val_axis, vpath, ctx, lo, hi, H, lambda ls: lh, False)
        vmap = Linear(v0, v1, H, 0)
    vmap2: Linear | None = None
    if right:
        rvals = [v for s in right for v in s.ys] + [v for k, v in cut_y.items() if el.cuts()[k].axis == "right"]
        vt2, vtl2, w0, w1 = _axis_ticks(el.y2 or ChartAxis(), path + ("y2",), ctx, min([0.0, *rvals]),
                                        max(rvals), H, lambda ls: lh, False)
        vmap2 = Linear(w0, w1, H, 0)
    elif any(ct.axis == "right" for ct in el.cuts()):
        raise fail(ctx, path + ("cut",), "a cut on the right axis needs a series with `axis: right`")

    # category / x axis
    xnum: Linear | None = None
    band: Band | None = None
    if cats is not None:
        band = Band(len(cats), 0, H) if horiz else Band(len(cats), 0, W)
        xmap = band
    else:
        xs = [x for s in series for x in s.xs]
        xs += [number(r.x, ctx, path + ("refs", k, "x"), "ref x") for k, r in enumerate(el.refs) if r.x is not None]
        for k, g in enumerate(el.regions):
            if g.x is not None:
                xs += [number(v, ctx, path + ("regions", k, "x", j), "region x") for j, v in enumerate(g.x)]
        xt, xtl, x0, x1 = _axis_ticks(cat_axis, cpath, ctx, min(xs), max(xs), W,
                                      lambda ls: max(measure(ctx, s, fs) for s in ls), True)
        if _dated(el) and cat_axis.ticks is None and cat_axis.format is None:  # a date axis: years or months
            if cat_axis.min is None and cat_axis.max is None:  # from the data out to whole months or years
                per = 12 if max(xs) - min(xs) < dates.SHORT_SPAN else 1
                x0, x1 = math.floor(min(xs) * per) / per, math.ceil(max(xs) * per) / per
            span = (x1 - x0) or 1.0

            def fits(ticks: list[float], labels: list[str]) -> bool:
                ws = [measure(ctx, s, fs) for s in labels]
                return all((b - a) * W / span >= (wa + wb) / 2 + 10 for a, b, wa, wb in
                           zip(ticks, ticks[1:], ws, ws[1:], strict=False))

            xt, xtl = dates.date_ticks(x0, x1, ctx.lang, fits, lambda: fit_ticks(
                x0, x1, W, lambda ts: max(measure(ctx, s, fs) for s in tick_labels(ts, "d")), fixed_ends=True))
        xnum = Linear(x0, x1, 0, W)
        xmap = xnum

    def P(x: float, y: float) -> tuple[float, float]:
        """Plot pixel of a data point (x = slot index or number, y = value)."""
        return (vmap(y), xmap(x)) if horiz else (xmap(x), vmap(y))

    def P2(x: float, y: float) -> tuple[float, float]:
        """Plot pixel of a point of a right-axis series."""
        return xmap(x), (vmap2 or vmap)(y)

    # regions behind everything
    top_labels: list[tuple[float, str, str, tuple]] = []  # (x centre, text, role, src path)
    side_labels: list[tuple[float, str, str, tuple]] = []  # (y centre, text, role, src path)
    inside: list[tuple[Rect, str, str, tuple, bool]] = []  # (band, text, role, src path, across x?)
    for k, g in enumerate(el.regions):
        gp = path + ("regions", k)
        meta = Meta(el.id, g.role, ctx.src(gp), "chart-region")
        if g.x is not None:
            a, b = (number(v, ctx, gp + ("x", j), "region x") for j, v in enumerate(g.x))
            pa, pb = sorted((P(a, v0)[1 if horiz else 0], P(b, v0)[1 if horiz else 0]))
            r = Rect(0, pa, W, pb - pa) if horiz else Rect(pa, 0, pb - pa, H)
        else:
            a, b = (number(v, ctx, gp + ("y", j), "region y") for j, v in enumerate(g.y))
            pa, pb = sorted((vmap(a), vmap(b)))
            r = Rect(pa, 0, pb - pa, H) if horiz else Rect(0, pa, W, pb - pa)
        c.add(Rect(r.x, r.y, r.w, r.h, 0, Style(fill=ctx.color(g.role), opacity=g.opacity), meta))
        if g.label is not None and g.label_at == "inside":
            inside.append((r, ctx.t(g.label), "text-soft", gp + ("label",), (g.x is not None) != horiz))
        elif g.label is not None:
            lrole = "text-soft"
            if (g.x is not None) != horiz:
                top_labels.append((r.x + r.w / 2, ctx.t(g.label), lrole, gp + ("label",)))
            else:
                side_labels.append((r.y + r.h / 2, ctx.t(g.label), lrole, gp + ("label",)))

    # grid lines and axes
    grid_role = "grid"
    axis_role = "text-soft"
    amp = ctx.src(vpath)
    vgrid = val_axis.grid is not False
    on_zero = bar and v0 < 0 < v1  # bars stand on (and hang from) an axis line at value 0
    zero = vmap(0.0) if on_zero else (0 if horiz else H)
    for t in vt:
        p = vmap(t)
        gmeta = Meta(el.id, grid_role, amp, "chart-grid")
        if vgrid and abs(p - (0 if horiz else H)) > 0.5 and abs(p - zero) > 0.5:
            c.add(Line(((p, 0), (p, H)) if horiz else ((0, p), (W, p)), Style(stroke=ctx.color(grid_role),
                                                                               stroke_width=0.8), meta=gmeta))
    if xnum is not None and cat_axis.grid:
        for t in xt:
            p = xnum(t)
            c.add(Line(((p, 0), (p, H)), Style(stroke=ctx.color(grid_role), stroke_width=0.8),
                       meta=Meta(el.id, grid_role, ctx.src(cpath), "chart-grid")))

    # data
    obstacles: list[Box] = []
    polylines: list[list[tuple[float, float]]] = []
    label_at: dict[tuple[int, int], Box] = {}  # (series, index) -> value label box
    if bar:
        obstacles += _bars(el, path, ctx, c, left, band, vmap, horiz, vlabels, v0, v1, label_at)
    else:
        _between(el, path, ctx, c, series, P, P2)
        polylines, obs = _lines(el, path, ctx, c, left, xmap, vmap, stacks, vlabels, v0, el.kind)
        obstacles += obs
    if vmap2 is not None:
        more, obs = _lines(el, path, ctx, c, right, xmap, vmap2, None, vlabels, w0, "line")
        polylines += more
        obstacles += obs
    obstacles += _end_labels(el, path, ctx, c, series, left, stacks, P, P2, H)
    ameta = Meta(el.id, axis_role, ctx.src(path), "chart-axis")
    astyle = Style(stroke=ctx.color(axis_role), stroke_width=1.0)
    if on_zero:  # over the bars, under cut and reference lines (a line at 0 stays visible)
        c.add(Line(((zero, 0), (zero, H)) if horiz else ((0, zero), (W, zero)), astyle, meta=ameta))
    if hidden and band is not None:  # the elided slot: an ellipsis where its bars would stand
        base = vmap(min(max(0.0, v0), v1))
        t = c.text("…", band.center(len(cats) - 1), base - LABEL_GAP, fs * 1.4, "text-soft", "middle", "bottom",
                   meta=Meta(el.id, "text-soft", ctx.src(path + ("elide_after",)), "chart-elided"))
        obstacles.append(bbox(t))
    if el.braces and band is not None:
        obstacles += _braces(el, path, ctx, c, band, ns)

    # cut lines: dashed, between two slots or at a value, labelled like reference lines
    cut_lines: dict[tuple, int] = {}  # a labelled vertical cut's label path -> its line in c.items
    for k, ct in enumerate(el.cuts()):
        kp = path + ("cut", k) if isinstance(el.cut, list) else path + ("cut",)
        style = Style(stroke=ctx.color(ct.role), stroke_width=1.6, dash=(6, 4))
        meta = Meta(el.id, ct.role, ctx.src(kp), "chart-cut")
        text = ctx.t(ct.text) if ct.text is not None else None
        if ct.after is not None:
            _whole(ct.after, ctx, kp + ("after",))
            if band is None or ct.after > band.n:
                raise fail(ctx, kp + ("after",), f"cut after {ct.after} slots, but the chart has "
                                                 f"{band.n if band else 0} (expected 0 … {band.n if band else 0})")
            p = band.r0 + ct.after * band.width
            c.add(Line(((p, -4), (p, H)), style, meta=meta))
            if text:
                top_labels.append((p, text, ct.role, kp + ("text",)))
                cut_lines[kp + ("text",)] = len(c.items) - 1
        else:
            p = (vmap2 if ct.axis == "right" else vmap)(cut_y[k])
            c.add(Line(((0, p), (W, p)), style, meta=meta))
            if text:
                side_labels.append((p, text, ct.role, kp + ("text",)))

    # reference lines
    for k, r in enumerate(el.refs):
        rp = path + ("refs", k)
        style = Style(stroke=ctx.color(r.role), stroke_width=1.2, dash=(5, 3) if r.dashed else None)
        meta = Meta(el.id, r.role, ctx.src(rp), "chart-ref", parts=(f"ref{k}",))  # edges may end at `C.ref0`
        if r.x is not None:
            p = P(number(r.x, ctx, rp + ("x",), "ref x"), v0)[1 if horiz else 0]
            if horiz:
                c.add(Line(((0, p), (W, p)), style, meta=meta))
                if r.label is not None:
                    side_labels.append((p, ctx.t(r.label), r.role, rp + ("label",)))
            else:
                c.add(Line(((p, 0), (p, H)), style, meta=meta))
                if r.label is not None:
                    top_labels.append((p, ctx.t(r.label), r.role, rp + ("label",)))
        else:
            p = vmap(number(r.y, ctx, rp + ("y",), "ref y"))
            if horiz:
                c.add(Line(((p, 0), (p, H)), style, meta=meta))
                if r.label is not None:
                    top_labels.append((p, ctx.t(r.label), r.role, rp + ("label",)))
            else:
                c.add(Line(((0, p), (W, p)), style, meta=meta))
                if r.label is not None:
                    side_labels.append((p, ctx.t(r.label), r.role, rp + ("label",)))

    # axis lines, ticks, tick labels (labels under the plot clear the lowest label of the y axis)
    below = max(H + TICK + LABEL_GAP / 2, H + (ASCENT - DESCENT) / 2 * fs + DESCENT * fs + 1)
    values_drawn = [bbox(t) for t in c.items if isinstance(t, Text) and t.meta.kind == "chart-value"]
    below = max([below] + [b[3] + LABEL_GAP for b in values_drawn if b[3] > H])  # clear labels of negative bars
    left = min([-TICK - LABEL_GAP / 2] + [b[0] - 2 * LABEL_GAP for b in values_drawn if b[0] < 0])
    xpart, ypart = replace(ameta, parts=("xaxis",)), replace(ameta, parts=("yaxis",))  # edge ports: the axes
    if not on_zero:
        c.add(Line(((0, H), (W, H)), astyle, meta=xpart), Line(((0, 0), (0, H)), astyle, meta=ypart))
    else:  # the value axis; the category axis is the line at 0 drawn with the data
        c.add(Line(((0, H), (W, H)) if horiz else ((0, 0), (0, H)), astyle, meta=xpart if horiz else ypart))
    tmeta_v = Meta(el.id, axis_role, amp, "chart-tick", ("xaxis",) if horiz else ("yaxis",))
    vlab = [vmap(t) for t in vt]  # where each label goes: at its tick, or moved off a neighbour it would cover
    if val_axis.ticks is not None and not isinstance(vmap, Broken):
        vlab = spread_centred(vlab, [measure(ctx, s, fs) for s in vtl] if horiz else [fs * 1.1] * len(vt),
                              TICK_LABEL_GAP if horiz else 0.0)
    for t, s, q in zip(vt, vtl, vlab, strict=True):
        p = vmap(t)
        if horiz:
            c.add(Line(((p, H), (p, H + TICK)), astyle, meta=tmeta_v))
            c.text(s, q, below, fs, axis_role, "middle", "top", meta=tmeta_v)
        else:
            c.add(Line(((-TICK, p), (0, p)), astyle, meta=tmeta_v))
            c.text(s, -TICK - LABEL_GAP / 2, q, fs, axis_role, "end", "middle", meta=tmeta_v)
    if isinstance(vmap, Broken):
        _break_marks(el, path, ctx, c, vmap, W)
    if vmap2 is not None:  # the right-hand value axis
        r_meta = Meta(el.id, axis_role, ctx.src(path + ("y2",)), "chart-tick")
        c.add(Line(((W, 0), (W, H)), astyle, meta=ameta))
        for t, s in zip(vt2, vtl2, strict=True):
            p = vmap2(t)
            c.add(Line(((W, p), (W + TICK, p)), astyle, meta=r_meta))
            c.text(s, W + TICK + LABEL_GAP / 2, p, fs, axis_role, "start", "middle", meta=r_meta)
    tmeta_c = Meta(el.id, axis_role, ctx.src(cpath), "chart-tick", ("yaxis",) if horiz else ("xaxis",))
    if band is not None:
        for k, s in enumerate(cats or []):
            if k % thin:
                continue
            p = band.center(k)
            cm = replace(tmeta_c, parts=(*tmeta_c.parts, f"cat{k}"))  # a category's label: an edge port too
            if horiz:
                c.text(s, left, p, fs, "text", "end", "middle", meta=cm)
            else:
                c.text(s, p, below, fs, "text", "middle", "top", meta=cm)
    else:
        xlab = [xnum(t) for t in xt]
        if cat_axis.ticks is not None:  # explicit labels moved apart where they would meet
            xlab = spread_centred(xlab, [measure(ctx, s, fs) for s in xtl], TICK_LABEL_GAP)
        for t, s, q in zip(xt, xtl, xlab, strict=True):
            p = xnum(t)
            c.add(Line(((p, H), (p, H + TICK)), astyle, meta=tmeta_c))
            c.text(s, q, below, fs, axis_role, "middle", "top", meta=tmeta_c)

    # labels of vertical refs / x regions above the plot, of horizontal ones right of it
    for r, text, role, sp, across in _inside_labels(el, ctx, c, inside, polylines, obstacles, W, H):
        if across:  # no room inside: above (or right of) the plot, as an outside label
            top_labels.append((r.x + r.w / 2, text, role, sp))
        else:
            side_labels.append((r.y + r.h / 2, text, role, sp))
    bottoms = _top_labels(el, ctx, c, top_labels, W)
    for sp, i in cut_lines.items():  # a cut line runs up to its label, however high braces pushed it
        (x, y0), end = c.items[i].points
        c.items[i] = replace(c.items[i], points=((x, min(y0, bottoms[sp] + 2)), end))
    _side_labels(el, ctx, c, side_labels, W, H)

    # annotations avoid everything drawn so far
    _annotations(el, path, ctx, c, series, P, obstacles, polylines, horiz, band, label_at, P2, plot_h=H)

    if el.margin_arrows is not None:
        _margin_arrows(el, path, ctx, c, vmap, H)

    # axis titles: the horizontal axis's under its labels, the vertical axis's above the plot
    h_axis, h_path = (val_axis, vpath) if horiz else (cat_axis, cpath)
    v_axis, v_path = (cat_axis, cpath) if horiz else (val_axis, vpath)
    ts = ctx.size("note")
    if h_axis.title is not None:
        below = [bbox(p)[3] for p in c.items if bbox(p)[1] >= H - 0.5]
        tb = ctx.text_lines(ctx.t(h_axis.title), ts, max(W, 120), 400, "text",
                            meta=Meta(el.id, "text", ctx.src(h_path + ("title",)), "chart-axis-title"))
        c.place(tb, (W - tb.w) / 2, max(below, default=H) + LABEL_GAP)
    title_top = c.box()[1]
    if v_axis.title is not None:
        left = min([bbox(p)[0] for p in c.items if isinstance(p, Text) and bbox(p)[2] <= 0.5] or [0.0])
        top = title_top
        tb = ctx.text_lines(ctx.t(v_axis.title), ts, max(W, 120), 400, "text", "start",
                            meta=Meta(el.id, "text", ctx.src(v_path + ("title",)), "chart-axis-title"))
        c.place(tb, left, top - tb.h - LABEL_GAP)
    if vmap2 is not None and el.y2 is not None and el.y2.title is not None:  # level with the left one
        top = title_top
        tb = ctx.text_lines(ctx.t(el.y2.title), ts, max(W, 120), 400, "text", "end",
                            meta=Meta(el.id, "text", ctx.src(path + ("y2", "title")), "chart-axis-title"))
        rx = max([W, *[bbox(p)[2] for p in c.items if isinstance(p, Text) and bbox(p)[0] >= W]])
        c.place(tb, rx - tb.w, top - tb.h - LABEL_GAP)
    data.update(_payload(el, ctx, series, horiz, cats if band is not None else None,
                         [xnum.d0, xnum.d1] if xnum is not None else None, xt if xnum is not None else None,
                         [v0, v1], vt, W, H))
    if vmap2 is not None:  # the right-hand axis's range (only in payloads of charts that have one)
        data["y2_domain"] = [w0, w1]
    if isinstance(vmap, Broken):  # a native chart has no broken axis: the backend draws the shapes
        data["y_breaks"] = [list(ab) for ab in vmap.breaks]
    entries = [(s.name, s.role, "line" if s.right else "bar" if bar else el.kind, s.i, path + ("series", s.i, "name"))
               for s in series if s.name and not s.states and not s.model.end_label]
    entries += [(ctx.t(b.name), b.role, "area", -1, path + ("between", k, "name"))
                for k, b in enumerate(el.between) if b.name is not None]
    used = {st for s in series for st in s.states}
    for st in STATES:
        if st in used:
            label = el.state_labels.get(st)
            sp = path + ("state_labels", st) if label is not None else path + ("series",)
            entries.append((ctx.t(label if label is not None else STATE_NAMES[st]), STATE_STYLE[st][0],
                            f"state:{st}", -1, sp))
    return entries


TICK_LABEL_GAP = 6.0  # px kept between two explicit tick labels side by side
MARGIN_GAP = 10.0  # px between the value axis's labels and the margin arrows
MARGIN_LABEL = 96.0  # px, the widest a margin arrow's label may be before it wraps


def _margin_arrows(el: Chart, path: tuple, ctx: Ctx, c: Canvas, vmap, H: float) -> None:
    """Left of the value axis and its labels: an arrow up from `at` to the top of the plot and one down to its
    bottom, each in its role, with its label beside its head."""
    m = el.margin_arrows
    mp = path + ("margin_arrows",)
    y0 = vmap(number(m.at, ctx, mp + ("at",), "margin_arrows at"))
    if not -0.5 <= y0 <= H + 0.5:
        raise fail(ctx, mp + ("at",), "margin_arrows `at` is outside the value axis (expected a value on it)")
    left = min([0.0] + [bbox(p)[0] for p in c.items if isinstance(p, Text) and bbox(p)[2] <= 0.5])
    x = left - MARGIN_GAP
    fs = ctx.size("small")
    for text, role, key, end in ((m.up, m.up_role, "up", 0.0), (m.down, m.down_role, "down", H)):
        if text is None or abs(end - y0) < 24:
            continue
        meta = Meta(el.id, role, ctx.src(mp + (key,)), "chart-margin-arrow")
        a, b = (y0 - 4, end + 2) if end < y0 else (y0 + 4, end - 2)
        c.add(Line(((x, a), (x, b)), Style(stroke=ctx.color(role), stroke_width=2.5), arrow_end=True, meta=meta))
        tb = ctx.text_lines(ctx.t(text), fs, MARGIN_LABEL, 400, "text", "end",
                            meta=Meta(el.id, "text", ctx.src(mp + (key,)), "chart-margin-label"))
        c.place(tb, x - 6 - tb.w, b if end < y0 else b - tb.h)  # beside the arrow's head


def _braces(el: Chart, path: tuple, ctx: Ctx, c: Canvas, band: Band, ns: int) -> list[Box]:
    """Braces over ranges of bars (above what is drawn there), each with its text above it."""
    fs = ctx.size("small")
    inner = band.width * BAR_FILL
    out: list[Box] = []
    for k, b in enumerate(el.braces):
        bp = path + ("braces", k)
        _whole(b.from_, ctx, bp + ("from",))
        _whole(b.to, ctx, bp + ("to",))
        if b.to < b.from_:
            raise fail(ctx, bp + ("to",), f"a brace's `to` ({b.to}) is before its `from` ({b.from_}) "
                                          "(expected from ≤ to)")
        if b.to >= band.n:
            raise fail(ctx, bp + ("to",), f"brace to slot {b.to}, but the chart has {band.n} "
                                          f"(expected 0 … {band.n - 1})")
        x0, x1 = band.center(b.from_) - inner / 2, band.center(b.to) + inner / 2
        top = top_over(c.items, x0, x1, 0.0) - 4
        meta = Meta(el.id, b.role, ctx.src(bp), "chart-brace")
        brace = Path(brace_cmds(x0, x1, top - 8), Style(stroke=ctx.color(b.role), stroke_width=1.2), meta)
        c.add(brace)
        out.append(bbox(brace))
        if b.text is not None:
            t = c.text(ctx.t(b.text), (x0 + x1) / 2, top - 8 - LABEL_GAP / 2, fs, b.role, "middle", "bottom",
                       meta=Meta(el.id, b.role, ctx.src(bp + ("text",)), "chart-brace-text"))
            out.append(bbox(t))
    return out


def _payload(el: Chart, ctx: Ctx, series: list[_S], horiz: bool, cats: list[str] | None,
             x_domain: list[float] | None, x_ticks: list[float] | None, y_domain: list[float],
             y_ticks: list[float], W: float, H: float) -> dict:
    """The chart as backend-neutral data: kind, axes, series with their colours; plot area in canvas px."""
    out = []
    for s in series:
        color = ctx.color(s.role)
        kind = "line" if s.right else el.kind
        marker = s.model.marker or ("circle" if (len(s.ys) <= 30 or not s.model.line) and kind == "line" else "none")
        item = {"name": s.name, "values": list(s.ys), "x": list(s.xs) if x_domain is not None else None,
                "color": color,
                "point_colors": [ctx.color(r) for r in s.bar_roles] if el.kind == "bar" else None,
                "width": s.model.width, "dashed": s.model.dashed, "dash": [6, 4] if s.model.dashed else None,
                "marker": marker, "marker_r": max(2.5, s.model.width * 1.6), "marker_stroke": ctx.color("white"),
                "opacity": 0.35 if el.kind == "area" else 1.0, "labels": s.model.labels}
        if s.model.curve != "linear":  # the curve is a shape of its own: the chart's series keeps the data
            item["curve"] = s.model.curve
        if not s.model.line:  # a scatter: the chart's series draws its markers only
            item["line"] = False
        if s.right:  # only in payloads of charts that use the right axis
            item["axis"] = "right"
        if s.states:  # hatched states: pattern colour per point (None: solid), on a white ground
            item["point_hatch"] = [ctx.color(STATE_STYLE[st][0]) if STATE_STYLE[st][1] else None
                                   for st in s.states]
            item["hatch_bg"] = ctx.color("white")
        out.append(item)
    return {"kind": el.kind, "horizontal": horiz, "stacked": bool(el.stacked and el.kind == "area"),
            "categories": cats, "x_domain": x_domain, "x_ticks": x_ticks, "y_domain": y_domain, "y_ticks": y_ticks,
            "x_title": ctx.t(el.x.title) if el.x.title is not None else None,
            "y_title": ctx.t(el.y.title) if el.y.title is not None else None,
            "y_format": el.y.format, "bar_fill": BAR_FILL, "font_size": ctx.size("small"),
            "family": list(ctx.theme.fonts["sans"]), "plot": [0.0, 0.0, W, H], "series": out}


def _stacked(series: list[_S]) -> list[list[float]]:
    """Cumulative tops of stacked series (same length as each series)."""
    acc: list[float] = []
    out = []
    for s in series:
        top = [v + (acc[k] if k < len(acc) else 0.0) for k, v in enumerate(s.ys)]
        out.append(top)
        acc = [top[k] if k < len(top) else acc[k] for k in range(max(len(acc), len(top)))]
    return out


def _bars(el: Chart, path: tuple, ctx: Ctx, c: Canvas, series: list[_S], band: Band, vmap: Linear | Broken,
          horiz: bool, vlabels: dict[int, list[str]], v0: float, v1: float,
          label_at: dict[tuple[int, int], Box]) -> list[Box]:
    fs = ctx.size("small")
    ns = len(series)
    inner = band.width * BAR_FILL
    bw = inner / ns
    base = vmap(min(max(0.0, v0), v1))
    obstacles: list[Box] = []
    for j, s in enumerate(series):
        sp = path + ("series", s.i)
        for k, v in enumerate(s.ys):
            c0 = band.center(k) - inner / 2 + j * bw
            p = vmap(v)
            role = s.bar_roles[k]
            meta = Meta(el.id, role, ctx.src(sp + ("values", k)), "chart-bar",
                        (f"bar{k}", f"s{j}.bar{k}") if j == 0 else (f"s{j}.bar{k}",))
            if s.states:
                r = (state_rect(ctx, s.states[k], min(base, p), c0, abs(p - base), bw, meta) if horiz else
                     state_rect(ctx, s.states[k], c0, min(base, p), bw, abs(p - base), meta))
            elif horiz:
                r = Rect(min(base, p), c0, abs(p - base), bw, 0, Style(fill=ctx.color(role)), meta)
            else:
                r = Rect(c0, min(base, p), bw, abs(p - base), 0, Style(fill=ctx.color(role)), meta)
            c.add(r)
            obstacles.append(bbox(r))
            if vlabels[s.i]:
                lm = Meta(el.id, "text", ctx.src(sp + ("labels",)), "chart-value",  # part of its bar, for edges
                          (f"bar{k}", f"s{j}.bar{k}") if j == 0 else (f"s{j}.bar{k}",))
                s_ = vlabels[s.i][k]
                if horiz:
                    t = c.text(s_, p + LABEL_GAP if v >= 0 else p - LABEL_GAP, c0 + bw / 2, fs, "text",
                               "start" if v >= 0 else "end", "middle", meta=lm)
                else:
                    t = c.text(s_, c0 + bw / 2, p - LABEL_GAP / 2 if v >= 0 else p + LABEL_GAP / 2, fs, "text",
                               "middle", "bottom" if v >= 0 else "top", meta=lm)
                obstacles.append(bbox(t))
                label_at[s.i, k] = bbox(t)
    return obstacles


def _marker(kind: str, x: float, y: float, r: float, color: str, meta: Meta, white: str) -> Prim:
    st = Style(fill=color, stroke=white, stroke_width=1.0)
    if kind == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, 0, st, meta)
    if kind == "diamond":
        d = r * 1.3
        return Polygon(((x, y - d), (x + d, y), (x, y + d), (x - d, y)), st, meta)
    return Ellipse(x, y, r, r, st, meta)


def _lines(el: Chart, path: tuple, ctx: Ctx, c: Canvas, series: list[_S], xmap, vmap: Linear | Broken,
           stacks: list[list[float]] | None, vlabels: dict[int, list[str]], v0: float, kind: str
           ) -> tuple[list[list[tuple[float, float]]], list[Box]]:
    fs = ctx.size("small")
    polylines = []
    obstacles: list[Box] = []
    prev_top: list[tuple[float, float]] | None = None
    drawn_lines: list[int] = []  # index of each series' line in c.items
    for j, s in enumerate(series):
        sp = path + ("series", s.i)
        color = ctx.color(s.role)
        ys = stacks[j] if stacks else s.ys
        pts = [(xmap(x), vmap(y)) for x, y in zip(s.xs, ys, strict=True)]
        meta = Meta(el.id, s.role, ctx.src(sp), f"chart-{kind}")
        if kind == "area" and pts:
            if stacks and prev_top is not None:
                lower = list(reversed(prev_top))
            else:
                b = vmap(max(0.0, v0))
                lower = [(pts[-1][0], b), (pts[0][0], b)]
            cmds = [("M", *pts[0])] + [("L", *p) for p in pts[1:]] + [("L", *p) for p in lower] + [("Z",)]
            c.add(Path(tuple(cmds), Style(fill=color, opacity=0.35), meta))
            prev_top = pts
        if s.model.deviations is not None:  # behind the line: each point's distance to the value
            yd = vmap(number(s.model.deviations, ctx, sp + ("deviations",), "deviations"))
            dmeta = Meta(el.id, s.role, ctx.src(sp + ("deviations",)), "chart-deviation")
            signs = s.model.deviation_roles
            for x, y in pts:
                if abs(y - yd) > 0.5:
                    if signs is None:
                        c.add(Line(((x, y), (x, yd)), Style(stroke=color, stroke_width=1.0, dash=(2, 2)), meta=dmeta))
                    else:  # by sign: a solid line in the role of its side
                        role = signs.above if y < yd else signs.below
                        c.add(Line(((x, y), (x, yd)), Style(stroke=ctx.color(role), stroke_width=2.0),
                                   meta=replace(dmeta, role=role)))
        style = Style(stroke=color, stroke_width=s.model.width, dash=(6, 4) if s.model.dashed else None)
        curve = s.model.curve
        if curve != "linear" and any(b[0] <= a[0] for a, b in zip(pts, pts[1:], strict=False)):
            raise fail(ctx, sp + ("curve",), f"curve: {curve} needs x values that increase along the series")
        if not s.model.line:  # a scatter: the markers only; no polyline to keep notes off
            pass
        elif curve == "linear":
            c.add(Line(tuple(pts), style, meta=meta))
            s.drawn = pts
        elif curve == "step":
            s.drawn = step_points(pts)
            c.add(Line(tuple(s.drawn), style, meta=replace(meta, kind="chart-curve")))
        else:
            cmds, s.drawn = smooth_cmds(pts)
            c.add(Line(tuple(s.drawn), style, meta=replace(meta, kind="chart-curve"), cmds=tuple(cmds)))
        if s.drawn:
            polylines.append(s.drawn)
            drawn_lines.append(len(c.items) - 1)
        marker = s.model.marker or ("circle" if (len(pts) <= 30 or not s.model.line) and kind == "line" else "none")
        if marker != "none":
            r = max(2.5, s.model.width * 1.6)
            for k, p in enumerate(pts):
                parts = (f"p{k}", f"s{s.i}.p{k}") if s.i == 0 else (f"s{s.i}.p{k}",)  # edges may end at a point
                m = _marker(marker, p[0], p[1], r, color, Meta(el.id, s.role, ctx.src(sp), "chart-marker", parts),
                            ctx.color("white"))
                c.add(m)
                obstacles.append(bbox(m))
        for k, t in enumerate(vlabels[s.i]):
            x, y = pts[k]
            tx = c.text(t, x, y - LABEL_GAP - 2, fs, s.role if s.role != "kept-bg" else "text", "middle", "bottom",
                        meta=Meta(el.id, s.role, ctx.src(sp + ("labels",)), "chart-value"))
            obstacles.append(bbox(tx))
    _coincident(c, drawn_lines)
    return polylines, obstacles


COINCIDENT_PX = 1.0  # px: two lines this close at every point are drawn over each other
CASING = 2.0  # px a wider line must exceed a thinner one by to show on both sides of it


def _coincident(c: Canvas, drawn: list[int]) -> None:
    """Keep lines that lie on each other visible: of two coincident lines (`drawn`: their indices in c.items,
    in drawing order) the thinner goes on top of the wider when the wider shows on both sides of it; two lines
    of about the same width are set side by side, the later moved down by their mean width."""
    on_top: list[int] = []  # item indices of lines brought to the top, in drawing order
    for a in range(len(drawn)):
        for b in range(a + 1, len(drawn)):
            ia, ib = drawn[a], drawn[b]
            la, lb = c.items[ia], c.items[ib]
            if len(la.points) != len(lb.points) or any(
                    abs(p[0] - q[0]) > 0.01 or abs(p[1] - q[1]) > COINCIDENT_PX
                    for p, q in zip(la.points, lb.points, strict=True)):
                continue
            wa, wb = la.style.stroke_width, lb.style.stroke_width
            if wb >= wa + CASING and ia not in on_top:  # the earlier, thinner line is hidden: bring it up
                on_top.append(ia)
            elif abs(wa - wb) < CASING:  # about as wide: side by side
                d = (wa + wb) / 2
                c.items[ib] = replace(lb, points=tuple((x, y + d) for x, y in lb.points), cmds=tuple(
                    (k, *[v + d if n % 2 else v for n, v in enumerate(xy)]) for k, *xy in lb.cmds))
    if on_top:
        top = [c.items[i] for i in on_top]
        c.items = [p for i, p in enumerate(c.items) if i not in on_top] + top


def _between(el: Chart, path: tuple, ctx: Ctx, c: Canvas, series: list[_S], P, P2) -> None:
    """Areas filled between two line series, behind the lines."""
    for k, b in enumerate(el.between):
        bp = path + ("between", k)
        if max(b.series) >= len(series):
            raise fail(ctx, bp + ("series",), f"between series {b.series}, but the chart has {len(series)} "
                                              f"(expected indices 0 … {len(series) - 1})")
        up, lo = (series[i] for i in b.series)
        if up.xs != lo.xs:
            raise fail(ctx, bp + ("series",), f"between series {b.series[0]} and {b.series[1]}: their x values "
                                              "differ (expected the same x for both)")
        pts = [(P2 if s.right else P)(x, y) for s in (up, lo) for x, y in zip(s.xs, s.ys, strict=True)]
        n = len(up.xs)
        outline = pts[:n] + pts[n:][::-1]
        cmds = [("M", *outline[0])] + [("L", *q) for q in outline[1:]] + [("Z",)]
        c.add(Path(tuple(cmds), Style(fill=ctx.color(b.role), opacity=b.opacity),
                   Meta(el.id, b.role, ctx.src(bp), "chart-between")))


def _end_labels(el: Chart, path: tuple, ctx: Ctx, c: Canvas, series: list[_S], left: list[_S],
                stacks: list[list[float]] | None, P, P2, H: float) -> list[Box]:
    """Series names written right of their lines' last points, in their colours, kept apart."""
    ends = [s for s in series if s.model.end_label and s.name]
    if not ends:
        return []
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    points = []
    for s in ends:
        y = stacks[left.index(s)][-1] if stacks and s in left else s.ys[-1]
        points.append((P2 if s.right else P)(s.xs[-1], y))
    ys = spread([p[1] for p in points], [lh] * len(points), 0.0, H, gap=0.0)
    out = []
    for s, (px, _py), y in zip(ends, points, ys, strict=True):
        role = s.role if s.role not in ("kept-bg",) else "text"
        t = c.text(s.name, px + 8, y, fs, role, "start", "middle",
                   meta=Meta(el.id, s.role, ctx.src(path + ("series", s.i, "name")), "chart-end-label"))
        out.append(bbox(t))
    return out


LINE_MARKS = ("chart-ref", "chart-cut", "chart-line", "chart-curve", "chart-deviation", "chart-drop")


def _inside_labels(el: Chart, ctx: Ctx, c: Canvas, labels: list[tuple[Rect, str, str, tuple, bool]],
                   polylines: list[list[tuple[float, float]]], obstacles: list[Box], W: float, H: float
                   ) -> list[tuple[Rect, str, str, tuple, bool]]:
    """Region labels inside their bands, each at the first free place (an x band: top, middle, bottom; a y band:
    left, centre, right) that crosses no line and overlaps nothing drawn; the labels with no free place."""
    fs = ctx.size("small")
    pad = 4.0
    taken = list(obstacles) + [bbox(p) for p in c.items if isinstance(p, Text)]
    taken += [bbox(p) for p in c.items if isinstance(p, Ellipse | Polygon) or
              isinstance(p, Rect) and p.meta.kind == "chart-bar"]
    lines = polylines + [list(p.points) for p in c.items if isinstance(p, Line) and p.meta.kind in LINE_MARKS]
    left_over = []
    for r, text, role, sp, across in labels:
        room = max(r.w - 2 * pad, 24.0) if across else min(max(r.w - 2 * pad, 24.0), 200.0)
        tb = ctx.text_lines(text, fs, room, 400, role, meta=Meta(el.id, role, ctx.src(sp), "chart-label"))
        x0, x1 = max(r.x, 0.0), min(r.x + r.w, W)
        y0, y1 = max(r.y, 0.0), min(r.y + r.h, H)
        if across:
            cx = (x0 + x1 - tb.w) / 2
            spots = [(cx, y0 + pad), (cx, (y0 + y1 - tb.h) / 2), (cx, y1 - pad - tb.h)]
        else:
            cy = (y0 + y1 - tb.h) / 2
            spots = [(x0 + pad, cy), ((x0 + x1 - tb.w) / 2, cy), (x1 - pad - tb.w, cy)]
        for bx, by in spots:
            box = (bx - 2, by - 1, bx + tb.w + 2, by + tb.h + 1)
            fits = tb.w <= x1 - x0 - 2 and tb.h <= y1 - y0 - 2
            if fits and not any(overlap_area(box, t) > 0 for t in taken) and not any(
                    segment_hits_box(p, q, box) for pts in lines for p, q in zip(pts, pts[1:], strict=False)):
                c.place(tb, bx, by)
                taken.append(box)
                break
        else:
            left_over.append((r, text, role, sp, across))
    return left_over


def _top_labels(el: Chart, ctx: Ctx, c: Canvas, labels: list[tuple[float, str, str, tuple]], W: float
                ) -> dict[tuple, float]:
    """Labels of vertical reference lines / x regions above the plot, stacked so they never overlap; returns
    each label's bottom y by its source path."""
    if not labels:
        return {}
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    labels = sorted(labels, key=lambda t: t[0])
    widths = [measure(ctx, t[1], fs) for t in labels]
    spans = [(x - w / 2, x + w / 2) for (x, *_), w in zip(labels, widths, strict=True)]
    levels = stack_levels(spans, 6)
    inside = [bbox(p)[1] for p in c.items if bbox(p)[0] < W and bbox(p)[2] > 0]
    base = min([0.0, *inside]) - 3
    out = {}
    for (x, s, role, sp), lvl in zip(labels, levels, strict=True):
        c.text(s, x, base - lvl * lh, fs, role, "middle", "bottom", meta=Meta(el.id, role, ctx.src(sp), "chart-label"))
        out[sp] = base - lvl * lh
    return out


def _side_labels(el: Chart, ctx: Ctx, c: Canvas, labels: list[tuple[float, str, str, tuple]], W: float,
                 H: float) -> None:
    """Labels of horizontal reference lines / y regions right of the plot, spread apart vertically."""
    if not labels:
        return
    fs = ctx.size("small")
    lh = fs * 1.15
    right = max([W, *[bbox(p)[2] for p in c.items if bbox(p)[1] < H and bbox(p)[3] > 0]]) + 6
    ys = spread([y for y, *_ in labels], [lh] * len(labels), -lh, H + lh)
    for (_, s, role, sp), y in zip(labels, ys, strict=True):
        c.text(s, right, y, fs, role, "start", "middle", meta=Meta(el.id, role, ctx.src(sp), "chart-label"))


def _annotations(el: Chart, path: tuple, ctx: Ctx, c: Canvas, series: list[_S], P, obstacles: list[Box],
                 polylines: list[list[tuple[float, float]]], horiz: bool, band: Band | None,
                 label_at: dict[tuple[int, int], Box], P2=None, plot_h: float | None = None) -> None:
    if not el.annotations:
        return
    x0, y0, x1, y1 = c.box()
    W = max(x1, 1.0)
    H = max(y1, 1.0)
    taken = list(obstacles) + [bbox(p) for p in c.items if isinstance(p, Text)]
    for k, a in enumerate(el.annotations):
        ap = path + ("annotations", k)
        if a.crosses is not None:  # where a line crosses a value: ringed
            if a.series >= len(series):
                raise fail(ctx, ap + ("series",), f"annotation points at series {a.series}, which does not exist")
            s = series[a.series]
            px, py = _crossing(s, number(a.crosses, ctx, ap + ("crosses",), "annotation crosses"),
                               P2 if s.right else P, ctx, ap)
            ring = Ellipse(px, py, 5.5, 5.5, Style(stroke=ctx.color(a.role), stroke_width=2.0),
                           Meta(el.id, a.role, ctx.src(ap + ("crosses",)), "chart-crossing"))
            c.add(ring)
            taken.append(bbox(ring))
        elif a.series is not None and a.x is not None:  # pinned to a line between its points
            if a.series >= len(series):
                raise fail(ctx, ap + ("series",), f"annotation points at series {a.series}, which does not exist")
            s = series[a.series]
            px, py = _on_line(s, number(a.x, ctx, ap + ("x",), "annotation x"), P2 if s.right else P, ctx, ap)
        elif a.series is not None:
            if not isinstance(a.index, int):
                raise fail(ctx, ap + ("index",), f"annotation index is still the text {a.index!r} after binding "
                                                 "(expected a whole number)")
            if a.series >= len(series) or a.index >= len(series[a.series].ys):
                raise fail(ctx, ap, f"annotation points at series {a.series} index {a.index}, which does not exist")
            s = series[a.series]
            px, py = (P2 if s.right else P)(s.xs[a.index], s.ys[a.index])
            if el.kind == "bar" and band is not None and not s.right:
                bars = [b for b in series if not b.right]
                ns = len(bars)
                inner = band.width * BAR_FILL
                off = -inner / 2 + (bars.index(s) + 0.5) * inner / ns
                if horiz:
                    py += off
                else:
                    px += off
            lb = label_at.get((s.i, a.index))
            if lb is not None:  # point at the printed value, not through it
                px, py = (lb[2] + 1, (lb[1] + lb[3]) / 2) if horiz else ((lb[0] + lb[2]) / 2, lb[1] - 1)
        else:
            px, py = P(number(a.x, ctx, ap + ("x",), "annotation x"), number(a.y, ctx, ap + ("y",), "annotation y"))
        if a.drops and not horiz:  # to the x axis below and the y axis on the left
            dmeta = Meta(el.id, a.role, ctx.src(ap + ("drops",)), "chart-drop")
            dstyle = Style(stroke=ctx.color(a.role), stroke_width=1.0, dash=(3, 3))
            base = plot_h if plot_h is not None else H
            c.add(Line(((px, py), (px, base)), dstyle, meta=dmeta), Line(((px, py), (0.0, py)), dstyle, meta=dmeta))
        tb = ctx.text_lines(ctx.t(a.text), ctx.size("small"), 170, 400, a.role,
                            meta=Meta(el.id, a.role, ctx.src(ap + ("text",)), "chart-annotation"))
        w, h = tb.w, tb.h
        if a.dx is not None or a.dy is not None:
            dx, dy = a.dx or 0.0, a.dy or 0.0
            box = (px + dx - w / 2, py + dy - h / 2, px + dx + w / 2, py + dy + h / 2)
        else:
            box = _place_note(px, py, w, h, taken, polylines, (min(x0, 0), min(y0, 0), W, H))
        c.place(tb, box[0], box[1])
        start = border_point((box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2), (px, py))
        d = math.hypot(px - start[0], py - start[1])
        if d > 8:
            end = (px - (px - start[0]) / d * 4, py - (py - start[1]) / d * 4)
            c.add(Line((start, end), Style(stroke=ctx.color(a.role), stroke_width=1.2), arrow_end=True,
                       meta=Meta(el.id, a.role, ctx.src(ap), "chart-annotation-arrow")))
        taken.append(box)


def _crossing(s: _S, value: float, P, ctx: Ctx, ap: tuple) -> tuple[float, float]:
    """The first pixel where series `s`'s line, as drawn, reaches `value` (between two of its samples)."""
    if not s.drawn:
        raise fail(ctx, ap + ("series",), "`crosses` needs a series drawn as a line (a line or area chart, or "
                                          "a series with `axis: right`)")
    yt = P(s.xs[0], value)[1]
    for (x0, y0), (x1, y1) in zip(s.drawn, s.drawn[1:], strict=False):
        if (y0 - yt) * (y1 - yt) <= 0 and y0 != y1:
            u = (yt - y0) / (y1 - y0)
            return x0 + (x1 - x0) * u, yt
    if any(abs(y - yt) < 1e-9 for _, y in s.drawn):  # a flat line at the value: its first point there
        return next(p for p in s.drawn if abs(p[1] - yt) < 1e-9)
    raise fail(ctx, ap + ("crosses",), f"series {s.i} never reaches {value:g} (its values run "
                                       f"{min(s.ys):g} … {max(s.ys):g})")


def _on_line(s: _S, x: float, P, ctx: Ctx, ap: tuple) -> tuple[float, float]:
    """The pixel where series `s` is drawn at data x: on its straight segments, its steps, or its smooth
    curve (read off the drawn samples)."""
    xs, ys = s.xs, s.ys
    if not xs[0] <= x <= xs[-1]:
        raise fail(ctx, ap + ("x",), f"annotation x {x:g} is outside the line ({xs[0]:g} … {xs[-1]:g})")
    k = max(i for i, v in enumerate(xs) if v <= x) if x > xs[0] else 0
    if s.model.curve == "step" or k == len(xs) - 1:
        return P(x, ys[k])
    if s.model.curve == "smooth":
        target = P(x, ys[k])[0]
        for (x0, y0), (x1, y1) in zip(s.drawn, s.drawn[1:], strict=False):
            if x0 <= target <= x1 and x1 > x0:
                return target, y0 + (y1 - y0) * (target - x0) / (x1 - x0)
    u = (x - xs[k]) / (xs[k + 1] - xs[k])
    return P(x, ys[k] + (ys[k + 1] - ys[k]) * u)


def _place_note(px: float, py: float, w: float, h: float, taken: list[Box],
                polylines: list[list[tuple[float, float]]], area: Box) -> Box:
    """The candidate box around (px, py) that covers the least of what is drawn (lines count heavily)."""
    best: tuple[float, int, Box] | None = None
    order = 0
    for d in (34.0, 52.0, 76.0, 104.0):
        for ux, uy in ((1, -1), (-1, -1), (1, 1), (-1, 1), (0, -1), (0, 1), (1, 0), (-1, 0)):
            bx = px + d * 0.8 if ux > 0 else px - d * 0.8 - w if ux < 0 else px - w / 2
            by = py - d * 0.6 - h if uy < 0 else py + d * 0.6 if uy > 0 else py - h / 2
            box = (bx, by, bx + w, by + h)
            pad = (box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3)
            score = sum(overlap_area(pad, t) for t in taken)
            for pts in polylines:
                score += sum(2000.0 for p, q in zip(pts, pts[1:], strict=False) if segment_hits_box(p, q, pad))
            start = border_point(box, (px, py))
            tip = (px + (start[0] - px) * 0.1, py + (start[1] - py) * 0.1)  # the arrow, short of its point
            score += sum(600.0 for t in taken if segment_hits_box(start, tip, t))
            outside = (max(0.0, area[0] - box[0]) + max(0.0, box[2] - area[2])) * h + \
                      (max(0.0, area[1] - box[1]) + max(0.0, box[3] - area[3])) * w
            score += outside * 0.5 + d * 0.5
            order += 1
            if best is None or score < best[0]:
                best = (score, order, box)
    assert best is not None
    return best[2]


# ---------------------------------------------------------------- legend

def _legend(el: Chart, path: tuple, ctx: Ctx, c: Canvas, entries: list[tuple[str, str, str, int, tuple]]) -> None:
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    sw = 18.0 if any(e[2] == "line" for e in entries) else 11.0
    items: list[tuple[float, list[Prim]]] = []  # (width, prims at origin: top-left of the entry)
    for name, role, shape, i, src in entries:
        meta = Meta(el.id, role, ctx.src(src), "chart-legend")
        color = ctx.color(role)
        cy = lh / 2
        prims: list[Prim] = []
        if shape == "line":
            s = el.series[i]
            if s.line:
                prims.append(Line(((0, cy), (sw, cy)), Style(stroke=color, stroke_width=s.width,
                                                             dash=(6, 4) if s.dashed else None), meta=meta))
            mk = s.marker or ("circle" if len(numbers(s.values, ctx, (), "values")) <= 30 or not s.line else "none")
            if mk != "none":
                prims.append(_marker(mk, sw / 2, cy, max(2.5, s.width * 1.6), color, meta, ctx.color("white")))
        elif shape.startswith("state:"):
            prims.append(state_rect(ctx, shape[6:], sw / 2 - 5.5, cy - 5.5, 11, 11, meta))
        else:
            prims.append(Rect(sw / 2 - 5.5, cy - 5.5, 11, 11, 0,
                              Style(fill=color, opacity=0.35 if shape == "area" else 1.0,
                                    stroke=color if shape == "area" else None), meta))
        tw = measure(ctx, name, fs)
        prims += script_runs(split_scripts(name), sw + 5, cy + 0.32 * fs, fs, ctx.color("text"), 400,
                             tuple(ctx.theme.fonts["sans"]), meta, lambda part, size: measure(ctx, part, size))
        items.append((sw + 5 + tw, prims))
    x0, y0, x1, y1 = c.box()
    gap = 14.0
    if el.legend == "right":
        y = y0
        for _w, prims in items:
            c.add(*[_moved(p, x1 + 16, y) for p in prims])
            y += lh + 2
        return
    max_w = max(x1 - x0, 200.0)
    rows: list[list[tuple[float, list[Prim]]]] = [[]]
    rw = 0.0
    for it in items:
        if rows[-1] and rw + gap + it[0] > max_w:
            rows.append([])
            rw = 0.0
        rw += (gap if rows[-1] else 0) + it[0]
        rows[-1].append(it)
    total_h = len(rows) * (lh + 2)
    y = y0 - total_h - 8 if el.legend == "top" else y1 + 8
    for row in rows:
        width = sum(w for w, _ in row) + gap * (len(row) - 1)
        x = (x0 + x1 - width) / 2
        for w, prims in row:
            c.add(*[_moved(p, x, y) for p in prims])
            x += w + gap
        y += lh + 2


def _moved(p: Prim, dx: float, dy: float) -> Prim:
    return shift(p, dx, dy)


# ---------------------------------------------------------------- heat map



def _heatmap(el: Chart, path: tuple, ctx: Ctx, c: Canvas) -> None:
    mp = path + ("matrix",)
    rows = bound(el.matrix, ctx, mp, "heat-map matrix")
    if not rows or not any(rows):
        raise fail(ctx, mp, "heat-map matrix is empty (expected rows of numbers)")
    R = len(rows)
    C = max(len(r) for r in rows)
    fs = ctx.size("small")
    lh = fs * ctx.sp("line_height")
    vals = finite([v for r in rows for v in r])
    lo = _opt(el.scale.min, ctx, path + ("scale", "min"), "scale min")
    hi = _opt(el.scale.max, ctx, path + ("scale", "max"), "scale max")
    lo = lo if lo is not None else (min(vals) if vals else 0.0)
    hi = hi if hi is not None else (max(vals) if vals else 1.0)
    steps = scale_colors(ctx, el.scale.colors, el.scale.scheme)
    check_log_scale(el.scale, lo, hi, vals, ctx, path)

    texts = [[text_of(v, ctx, el.cell_values) if el.cell_values and v is not None else "" for v in r] for r in rows]
    tw = max([measure(ctx, t, fs) for r in texts for t in r] or [0.0])
    cw = max(el.cell or 0.0, (el.width or 0.0) / C, tw + 8 if el.cell_values else 0.0, 4.0)
    ch = max(el.cell or 0.0, (el.height or 0.0) / R, lh + 4 if el.cell_values else 0.0, 4.0)
    if not el.cell_values and el.cell is None and el.width is None and el.height is None:
        cw = ch = max(4.0, min(24.0, 420.0 / max(R, C)))
    xcats = _categories(el.x, ctx, path + ("x",))
    ycats = _categories(el.y, ctx, path + ("y",))
    if xcats is not None:  # named columns (tokens) widen their cells rather than lose labels, within reason
        need = max(measure(ctx, s, fs) for s in xcats) + 6
        if C * need <= MAX_PLOT:
            cw = max(cw, need)
    W, H = C * cw, R * ch

    stroke = ctx.color("white") if min(cw, ch) >= 10 else None
    for i, r in enumerate(rows):
        for j in range(C):
            v = r[j] if j < len(r) else None
            cell_src = ctx.src(mp + (i, j))
            if v is None:
                continue
            if isinstance(v, float) and not math.isfinite(v):
                role = "light"
                color = ctx.color(role)
            else:
                role, color = value_color(el.scale, steps, v, lo, hi)
            meta = Meta(el.id, role, cell_src, "chart-cell")
            rect = Rect(j * cw, i * ch, cw, ch, 0, Style(fill=color, stroke=stroke, stroke_width=1.0), meta)
            kids: list[Prim] = [rect]
            if texts[i][j]:
                t = texts[i][j]  # a cell's value is data (a token 're): drawn as written
                kids.append(Text(j * cw + cw / 2, i * ch + ch / 2 + 0.32 * fs, t, fs, on_fill(ctx, color), 400,
                                 "middle", tuple(ctx.theme.fonts["sans"]), width=measure(ctx, t, fs),
                                 meta=Meta(el.id, "text", cell_src, "chart-cell-text")))
            c.add(Group(tuple(kids), replace(meta, parts=(f"r{i}c{j}", f"r{i}", f"c{j}"))))  # edge ports

    _heat_highlights(el, path, ctx, c, R, C, cw, ch)

    # axis labels, thinned so they never collide
    if xcats is not None and len(xcats) != C:
        raise fail(ctx, path + ("x", "categories"), f"{len(xcats)} x categories for {C} columns (expected one each)")
    if ycats is not None and len(ycats) != R:
        raise fail(ctx, path + ("y", "categories"), f"{len(ycats)} y categories for {R} rows (expected one each)")
    xl = xcats or [str(j) for j in range(C)]
    yl = ycats or [str(i) for i in range(R)]
    kx = thin_step(C, cw, max(measure(ctx, s, fs) for s in xl) + 6)
    ky = thin_step(R, ch, lh)
    axis_role = "text-soft"
    xm = Meta(el.id, axis_role, ctx.src(path + ("x",)), "chart-tick")
    ym = Meta(el.id, axis_role, ctx.src(path + ("y",)), "chart-tick")
    for j in range(0, C, kx):
        c.text(xl[j], j * cw + cw / 2, H + LABEL_GAP, fs, "text" if xcats else axis_role, "middle", "top", meta=xm)
    for i in range(0, R, ky):
        c.text(yl[i], -LABEL_GAP - 2, i * ch + ch / 2, fs, "text" if ycats else axis_role, "end", "middle", meta=ym)

    if el.scale.legend:  # the colour key: one box per step (or a smooth bar), high at the top
        draw_color_key(ctx, c, el.scale, steps, lo, hi, W + 18, H, el.id, path)

    ts = ctx.size("note")
    if el.x.title is not None:
        below = max(bbox(p)[3] for p in c.items if bbox(p)[1] >= H - 0.5)
        tb = ctx.text_lines(ctx.t(el.x.title), ts, max(W, 120), 400, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("x", "title")), "chart-axis-title"))
        c.place(tb, (W - tb.w) / 2, below + LABEL_GAP)
    if el.y.title is not None:
        left = min([bbox(p)[0] for p in c.items if bbox(p)[2] <= 0.5] or [0.0])
        tb = ctx.text_lines(ctx.t(el.y.title), ts, max(W, 120), 400, "text", "start",
                            meta=Meta(el.id, "text", ctx.src(path + ("y", "title")), "chart-axis-title"))
        c.place(tb, left, c.box()[1] - tb.h - LABEL_GAP)


__all__ = ["layout_chart", "nice_ticks"]


def _runs(ix: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as runs of consecutive ones, (first, last)."""
    out: list[tuple[int, int]] = []
    for i in sorted(set(ix)):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _heat_highlights(el: Chart, path: tuple, ctx: Ctx, c: Canvas, R: int, C: int, cw: float, ch: float) -> None:
    """Outlines of highlighted rows, columns (adjacent ones share one outline) and cells, over the cells."""
    for k, h in enumerate(el.highlights()):
        hp = path + ("highlight", k) if isinstance(el.highlight, list) else path + ("highlight",)
        style = Style(stroke=ctx.color(h.role), stroke_width=h.width)
        boxes: list[tuple[float, float, float, float, str, tuple]] = []
        for key, n, what in (("rows", R, "row"), ("cols", C, "column")):
            v = getattr(h, key)
            if v is None:
                continue
            ix = bound(v, ctx, hp + (key,), f"highlight {key}", "an index or a list of indices")
            ix = [ix] if isinstance(ix, int) else list(ix)
            for i in ix:
                if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < n:
                    raise fail(ctx, hp + (key,), f"highlight {what} {i!r}, but the map has {n} {what}s "
                                                 f"(expected 0 … {n - 1})")
            for a, b in _runs(ix):
                parts = tuple(f"{key[0]}{i}" for i in range(a, b + 1))
                boxes.append((0.0, a * ch, C * cw, (b - a + 1) * ch, key, parts) if key == "rows" else
                             (a * cw, 0.0, (b - a + 1) * cw, R * ch, key, parts))
        if h.cells is not None:
            for r, col in bound(h.cells, ctx, hp + ("cells",), "highlight cells", "a list of [row, column]"):
                if not (0 <= r < R and 0 <= col < C):
                    raise fail(ctx, hp + ("cells",), f"highlight cell [{r}, {col}], but the map has {R} rows and "
                                                     f"{C} columns")
                boxes.append((col * cw, r * ch, cw, ch, "cells", (f"r{r}c{col}",)))
        for x, y, w, hh, key, parts in boxes:
            c.add(Rect(x, y, w, hh, 0, style, Meta(el.id, h.role, ctx.src(hp + (key,)), "chart-highlight", parts)))


def _whole(v: object, ctx: Ctx, path: tuple) -> None:
    """A slot index that a placeholder filled with something other than a whole number is a located error."""
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise fail(ctx, path, f"expected a slot index (a whole number ≥ 0), got {v!r}")
