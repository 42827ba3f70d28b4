"""Layout of the `timeline` element kind: lanes of steps/spans (boxes) and point events (markers with labels).

Time maps linearly to x. The px-per-unit scale grows until every box's measured label fits; event
labels sit above and below their lane on as many levels as needed so none overlap (with `label_sides:
alternate`, above and below in turn).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..scene import Group, Line, Meta, Rect, Style
from ..spec.elements.timeline import Timeline, TimelineItem
from . import dates
from .base import Anchor, Block, Ctx, register
from .chart_axes import Linear, fit_ticks, tick_labels
from .chart_canvas import Canvas
from .chart_data import bound, check_roles, fail, measure
from .marks import marker

DEFAULT_WIDTH = 480.0  # px of the whole time range when nothing asks for more
ARROW_ROOM = 22.0  # px between two boxes joined by an arrow
BOX_INSET = 2.0  # px between adjacent boxes without arrows
MARKER_R = 6.0
STEM = 8.0  # px between the lane core and the first label level
TICK_CLEAR = 4.0  # px between a tick label on a lane and the stem of an event label below it
TIME_ARROW = 28.0  # px an arrow-of-time lane line runs past the end of the time range
MAX_WIDTH = 4000.0


def _date(value: Any, ctx: Ctx, path: tuple, what: str) -> dates.Date | None:
    """The ISO date a time value gives, None for a number; a located error for other text."""
    if not isinstance(value, str) or "{{" in value:
        return None
    d = dates.parse(value)
    if d is None:
        shown = value if len(value) <= 40 else value[:37] + "…"
        raise fail(ctx, path, f"{what}: \"{shown}\" is not a number or an ISO date (expected e.g. 2016.5, "
                              "\"2016\", \"2016-03\" or \"2017-06-12\", a real month and day)")
    return d


def number(value: Any, ctx: Ctx, path: tuple, what: str, at: str = "time") -> float:
    """A time: a number of years, or an ISO date at the middle (`at` "time"), "start" or "end" of its period."""
    d = _date(value, ctx, path, what)
    return getattr(d, at) if d is not None else float(bound(value, ctx, path, what, "a number"))


def numbers(value: Any, ctx: Ctx, path: tuple, what: str) -> list[float]:
    """Tick times: numbers, or ISO dates at the start of the period each names."""
    v = bound(value, ctx, path, what)
    out = []
    for i, x in enumerate(v):
        d = _date(x, ctx, path + (i,), f"{what} item {i}")
        out.append(d.start if d is not None else float(bound(x, ctx, path + (i,), f"{what} item {i}", "a number")))
    return out


def _uses_dates(el: Timeline) -> bool:
    """Whether any item or axis bound of the timeline is an ISO date."""
    vals: list = [v for lane in el.lanes for m in lane.items for v in (m.at, m.start, m.end)]
    if el.axis is not None:
        vals += [el.axis.min, el.axis.max]
    return any(isinstance(v, str) and dates.parse(v) is not None for v in vals)


@dataclass
class _It:
    """A timed item of a lane."""

    k: int
    model: TimelineItem
    t0: float
    t1: float
    point: bool
    label: Block
    role: str


@register("timeline")
def layout_timeline(el: Timeline, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Lanes on a shared time axis; every label measured, no label overlapping another."""
    check_roles(ctx, el, path)
    pad = ctx.sp("padding")
    fs = ctx.size("note")
    lanes = [_lane_items(el, path, ctx, li) for li in range(len(el.lanes))]
    times = [t for lane in lanes for it in lane for t in (it.t0, it.t1)]
    if not times:
        raise fail(ctx, path + ("lanes",), "timeline has no items (expected at least one in a lane)")
    ap = path + ("axis",)
    t0, t1 = min(times), max(times)
    if el.axis is not None:
        if el.axis.min is not None:
            t0 = min(t0, number(el.axis.min, ctx, ap + ("min",), "axis min", "start"))
        if el.axis.max is not None:
            t1 = max(t1, number(el.axis.max, ctx, ap + ("max",), "axis max", "end"))
        if el.axis.ticks is not None:
            tk = numbers(el.axis.ticks, ctx, ap + ("ticks",), "axis ticks")
            t0, t1 = min([t0, *tk]), max([t1, *tk])
    breaks = _breaks(el, ap, ctx, t0, t1, lanes)
    span = ((t1 - t0) - sum(b - a for a, b in breaks)) or 1.0

    # px per time unit: wide enough for every box label, and for the requested width/unit
    unit = max(el.unit or 0.0, (el.width or DEFAULT_WIDTH) / span)
    for li, lane in enumerate(lanes):
        arrows = _arrows(el, li)
        for it in lane:
            if not it.point and it.t1 > it.t0:
                room = ARROW_ROOM if arrows else 2 * BOX_INSET
                unit = max(unit, (it.label.w + 2 * pad + room) / (it.t1 - it.t0))
        pts = sorted(it.t0 for it in lane if it.point)
        for a, b in zip(pts, pts[1:], strict=False):
            if b > a:
                unit = max(unit, (2 * MARKER_R + 4) / (b - a))
    unit = min(unit, MAX_WIDTH / span)
    X = Broken(t0, t1, unit, tuple(breaks)) if breaks else Linear(t0, t1, 0, span * unit)

    c = Canvas(ctx)
    ticks = _ticks(el, ap, ctx, X, t0, t1) if el.axis is not None and el.axis.on_lanes else None
    y = 0.0
    gap = ctx.sp("gap") if el.gap is None else el.gap
    name_rows: list[tuple[int, float]] = []  # (lane index, centre y)
    for li, lane in enumerate(lanes):
        if el.lane_names == "top" and el.lanes[li].name is not None:  # a heading over the lane
            nb = ctx.text_lines(ctx.t(el.lanes[li].name), fs, None, 700, "text", "start",
                                meta=Meta(el.id, "text", ctx.src(path + ("lanes", li, "name")), "timeline-lane"))
            c.place(nb, min(0.0, c.box()[0]) if c.items else 0.0, y)
            y += nb.h + 4
        cy, bottom = _draw_lane(el, path, ctx, c, li, lane, X, y, ticks)
        name_rows.append((li, cy))
        y = bottom + gap

    # lane names right-aligned left of everything
    names = [(li, cy) for li, cy in name_rows if el.lanes[li].name is not None and el.lane_names == "left"]
    if names:
        left = min(0.0, c.box()[0]) - ctx.sp("gap")
        for li, cy in names:
            nb = ctx.text_lines(ctx.t(el.lanes[li].name), fs, 160, 700, "text", "end",
                                meta=Meta(el.id, "text", ctx.src(path + ("lanes", li, "name")), "timeline-lane"))
            c.place(nb, left - nb.w, cy - nb.h / 2)

    lanes_box = c.box()
    axis_y: list[float] = []  # the axis line under the lanes, when drawn
    if el.axis is not None and not el.axis.on_lanes:
        axis_y = [lanes_box[3] + 6]
        _axis(el, ap, ctx, c, X, t0, t1, axis_y[0])
    if breaks:
        _break_marks(el, ap, ctx, c, X, breaks, [cy for _li, cy in name_rows] + axis_y)
    if el.eras:
        _eras(el, path, ctx, c, X, lanes_box)
    if el.axis is not None and el.axis.on_lanes and el.axis.title is not None:  # the title under all the lanes
        tb = ctx.text_lines(ctx.t(el.axis.title), ctx.size("note"), max(X.r1 - X.r0, 120), 400, "text",
                            meta=Meta(el.id, "text", ctx.src(ap + ("title",)), "timeline-axis-title"))
        c.place(tb, (X.r0 + X.r1 - tb.w) / 2, c.box()[3] + 6)
    if el.title is not None:
        x0, y0, x1, _ = c.box()
        tb = ctx.text_lines(ctx.t(el.title), ctx.size("body"), max(x1 - x0, ctx.sp("text_max_width")), 700, "text",
                            meta=Meta(el.id, "text", ctx.src(path + ("title",)), "timeline-title"))
        c.place(tb, (x0 + x1 - tb.w) / 2, y0 - tb.h - 6)
    out = c.block(min_w, min_h, Meta(el.id, None, ctx.src(path), "timeline"))
    if el.id:
        out.anchors[el.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


BREAK_GAP = 28.0  # px a left-out stretch of time takes on the axis


@dataclass
class Broken:
    """Time → x with stretches left out: linear at `unit` px per time unit, each break a BREAK_GAP gap."""

    d0: float
    d1: float
    unit: float
    breaks: tuple[tuple[float, float], ...]

    def __call__(self, t: float) -> float:
        x = (t - self.d0) * self.unit
        for a, b in self.breaks:
            if t >= b:
                x += BREAK_GAP - (b - a) * self.unit
            elif t > a:  # inside a break: on its gap, in proportion
                x += (BREAK_GAP - (b - a) * self.unit) * (t - a) / (b - a)
        return x

    @property
    def r0(self) -> float:
        return 0.0

    @property
    def r1(self) -> float:
        return self(self.d1)


def _breaks(el: Timeline, ap: tuple, ctx: Ctx, t0: float, t1: float, lanes: list) -> list[tuple[float, float]]:
    """The axis breaks, checked: inside the time range, in order, apart, and with no item inside one."""
    if el.axis is None or not el.axis.breaks:
        return []
    out: list[tuple[float, float]] = []
    for k, pair in enumerate(el.axis.breaks):
        bp = ap + ("breaks", k)
        a, b = (number(v, ctx, bp + (j,), "break", ("start", "end")[j]) for j, v in enumerate(pair))
        if not t0 < a < b < t1:
            raise fail(ctx, bp, f"break [{a:g}, {b:g}] is not inside the axis ({t0:g} … {t1:g}) with from < to "
                                "(expected from < to, both within the axis)")
        if out and a <= out[-1][1]:
            raise fail(ctx, bp, f"break [{a:g}, {b:g}] overlaps or precedes the one before (expected breaks in "
                                "time order, apart)")
        for lane in lanes:
            for it in lane:
                if (a < it.t0 < b) or (a < it.t1 < b) or (it.t0 < a and it.t1 > b and not it.point):
                    raise fail(ctx, bp, f"an item at {it.t0:g}–{it.t1:g} falls in the break [{a:g}, {b:g}] "
                                        "(expected breaks only where nothing happens)")
        out.append((a, b))
    return out


def _break_marks(el: Timeline, ap: tuple, ctx: Ctx, c: Canvas, X: Broken, breaks: list[tuple[float, float]],
                 ys: list[float]) -> None:
    """At each break, on every lane's line and the axis: the line cut, with two slanted strokes."""
    white, ink = ctx.color("white"), ctx.color("text-soft")
    for k, (a, b) in enumerate(breaks):
        meta = Meta(el.id, "text-soft", ctx.src(ap + ("breaks", k)), "timeline-break")
        x0, x1 = X(a), X(b)
        xm = (x0 + x1) / 2
        for y in ys:
            c.add(Rect(xm - 6, y - 5, 12, 10, 0, Style(fill=white), Meta(el.id, "white", meta.src, "timeline-break")))
            for dx in (-4.0, 4.0):
                c.add(Line(((xm + dx - 3, y + 6), (xm + dx + 3, y - 6)), Style(stroke=ink, stroke_width=1.3),
                           meta=meta))


def _eras(el: Timeline, path: tuple, ctx: Ctx, c: Canvas, X, box: tuple) -> None:
    """Shaded bands behind everything drawn, over each era's range, with its name in a strip above the lanes."""
    fs = ctx.size("small")
    spans, labels = [], []
    for k, e in enumerate(el.eras):
        ep = path + ("eras", k)
        a, b = (number(e.start, ctx, ep + ("start",), "era start", "start"),
                number(e.end, ctx, ep + ("end",), "era end", "end"))
        if b <= a:
            raise fail(ctx, ep, f"era ends at {b:g}, before it starts at {a:g} (expected start < end)")
        spans.append((X(a), X(b)))
        labels.append(None if e.label is None else ctx.text_lines(
            ctx.t(e.label), fs, max(X(b) - X(a) - 8, 40), 700, "text-soft",
            meta=Meta(el.id, "text-soft", ctx.src(ep + ("label",)), "timeline-era-label")))
    strip = max([lb.h for lb in labels if lb is not None] or [0.0]) + 8
    y0, y1 = box[1] - strip, box[3]
    back: list = []
    for k, ((x0, x1), lb) in enumerate(zip(spans, labels, strict=True)):
        e = el.eras[k]
        back.append(Rect(x0, y0, x1 - x0, y1 - y0, 4, Style(fill=ctx.color(e.role)),
                         Meta(el.id, e.role, ctx.src(path + ("eras", k)), "timeline-era")))
        if lb is not None:
            back += lb.moved((x0 + x1 - lb.w) / 2, y0 + 4).items
    c.items[:0] = back


def _arrows(el: Timeline, li: int) -> bool:
    lane = el.lanes[li]
    return el.arrows if lane.arrows is None else lane.arrows


def _lane_items(el: Timeline, path: tuple, ctx: Ctx, li: int) -> list[_It]:
    """Items with their times: events at `at`, spans start–end, steps following each other."""
    lane = el.lanes[li]
    out = []
    cursor = 0.0
    for k, m in enumerate(lane.items):
        ip = path + ("lanes", li, "items", k)
        role = m.role or lane.role
        if m.at is not None:
            t = number(m.at, ctx, ip + ("at",), "item at")
            a, b, point = t, t, True
        else:
            a = number(m.start, ctx, ip + ("start",), "item start", "start") if m.start is not None else cursor
            b = number(m.end, ctx, ip + ("end",), "item end", "end") if m.end is not None else a + (m.length or 1.0)
            if b < a:
                raise fail(ctx, ip + ("end",), f"item ends ({b:g}) before it starts ({a:g})")
            cursor, point = b, False
        sub = m.sub
        if sub is None and point and el.sub_dates:
            d = _date(m.at, ctx, ip + ("at",), "item at")
            sub = None if d is None else d.text(ctx.lang)
        out.append(_It(k, m, a, b, point, _label(el, ctx, ip, m, point, role, sub), role))
    return out


def _label(el: Timeline, ctx: Ctx, ip: tuple, m: TimelineItem, point: bool, role: str, sub: Any = None) -> Block:
    """The item's label (and sub-label) as one centred block."""
    trole = m.text_role or "text"
    main = ctx.text_lines(ctx.t(m.label), ctx.size("note"), el.label_width, 700 if point else 400, trole,
                          meta=Meta(el.id, trole, ctx.src(ip + ("label",)), "timeline-text"))
    if sub is None:
        return main
    srole = m.text_role or "text-soft"
    sub = ctx.text_lines(ctx.t(sub), ctx.size("small"), el.label_width, 400, srole,
                         meta=Meta(el.id, srole, ctx.src(ip + ("sub",)), "timeline-text"))
    w = max(main.w, sub.w)
    out = Block(w, main.h + sub.h)
    out.add(main, (w - main.w) / 2, 0)
    out.add(sub, (w - sub.w) / 2, main.h)
    return out


def _draw_lane(el: Timeline, path: tuple, ctx: Ctx, c: Canvas, li: int, items: list[_It], X: Linear,
               top: float, ticks: list[tuple[float, str]] | None = None) -> tuple[float, float]:
    """Draw one lane with its top at `top`; returns (core centre y, bottom y). With `ticks` (time, label) the
    ticks cross the lane's line and their labels sit just under it, the labels below the lane one row lower."""
    pad = ctx.sp("padding")
    lane = el.lanes[li]
    lp = path + ("lanes", li)
    arrows = _arrows(el, li)
    boxes = [it for it in items if not it.point]
    points = [it for it in items if it.point]
    core_h = max([it.label.h + pad * 1.2 for it in boxes] + [2 * MARKER_R + 2])

    # event labels: first free level, trying above and below in turn
    placed: dict[int, tuple[int, int]] = {}  # item k -> (side −1 above / +1 below, level)
    ends: dict[tuple[int, int], float] = {}
    for i, it in enumerate(sorted(points, key=lambda it: it.t0)):
        x = X(it.t0)
        lo, hi = x - it.label.w / 2, x + it.label.w / 2
        level = 0
        sides = (-1, 1) if el.label_sides == "pack" else ((-1,) if i % 2 == 0 else (1,))
        while True:
            for side in sides:
                if ends.get((side, level), -1e18) + 8 <= lo:
                    placed[it.k] = (side, level)
                    ends[side, level] = hi
                    break
            else:
                level += 1
                continue
            break
    level_h: dict[tuple[int, int], float] = {}
    for it in points:
        key = placed[it.k]
        level_h[key] = max(level_h.get(key, 0.0), it.label.h)
    above = sum(h + 4 for (s, _), h in level_h.items() if s < 0) + (STEM if any(s < 0 for s, _ in level_h) else 0)
    cy = top + above + core_h / 2

    # base line and arrows behind the items
    line_role = "text-soft"
    if lane.line == "arrow":  # the arrow of time: the whole range, the head past its end
        c.add(Line(((X.r0, cy), (X.r1 + TIME_ARROW, cy)), Style(stroke=ctx.color(line_role), stroke_width=1.5),
                   arrow_end=True, meta=Meta(el.id, line_role, ctx.src(lp), "timeline-line")))
    elif lane.line if lane.line is not None else bool(points):
        xs = [X(it.t0) for it in items] + [X(it.t1) for it in items]
        c.add(Line(((min(xs) - 10, cy), (max(xs) + 10, cy)), Style(stroke=ctx.color(line_role), stroke_width=1.5),
                   meta=Meta(el.id, line_role, ctx.src(lp), "timeline-line")))
    inset = ARROW_ROOM / 2 if arrows else BOX_INSET
    order = sorted(items, key=lambda it: (it.t0, it.t1))

    def edges(it: _It) -> tuple[float, float]:
        if it.point:
            return X(it.t0) - MARKER_R, X(it.t0) + MARKER_R
        return X(it.t0) + inset, X(it.t1) - inset

    if arrows:
        for a, b in zip(order, order[1:], strict=False):
            xa, xb = edges(a)[1], edges(b)[0]
            if xb - xa >= 8:
                c.add(Line(((xa + 1, cy), (xb - 1, cy)), Style(stroke=ctx.color("arrow"), stroke_width=1.3),
                           arrow_end=True, meta=Meta(el.id, "arrow", ctx.src(lp + ("items", b.k)), "timeline-arrow")))

    for it in boxes:
        ip = lp + ("items", it.k)
        x0, x1 = edges(it)
        meta = Meta(el.id, it.role, ctx.src(ip), "timeline-step", (f"s{it.k}",))
        style = Style(fill=ctx.color(it.role), stroke=ctx.color("text-soft") if it.model.dashed else None,
                      stroke_width=1.2, dash=(4, 3) if it.model.dashed else None)
        rect = Rect(x0, cy - core_h / 2, x1 - x0, core_h, ctx.theme.stroke["radius"] * 0.6, style, meta)
        lab = it.label.moved(x0 + (x1 - x0 - it.label.w) / 2, cy - it.label.h / 2)
        c.add(Group((rect, *lab.items), meta))

    tick_row = ctx.size("small") * 1.3 + 2 if ticks else 0.0  # the tick labels' row under the line
    side_y = {-1: cy - core_h / 2 - STEM, 1: cy + core_h / 2 + STEM + tick_row}
    offsets: dict[tuple[int, int], float] = {}
    for side in (-1, 1):
        acc = 0.0
        for level in range(0, 1 + max([lv for s, lv in level_h if s == side], default=-1)):
            offsets[side, level] = acc
            acc += level_h.get((side, level), 0.0) + 4
    bottom = cy + core_h / 2
    for it in points:
        ip = lp + ("items", it.k)
        x = X(it.t0)
        side, level = placed[it.k]
        meta = Meta(el.id, it.role, ctx.src(ip), "timeline-event", (f"s{it.k}",))
        if side < 0:
            ly = side_y[-1] - offsets[side, level] - it.label.h
            stem_end = ly + it.label.h
        else:
            ly = side_y[1] + offsets[side, level]
            stem_end = ly
        c.add(Line(((x, cy), (x, stem_end)), Style(stroke=ctx.color("frame"), stroke_width=1.0),
                   meta=Meta(el.id, "frame", ctx.src(ip), "timeline-stem")))
        c.place(it.label, x - it.label.w / 2, ly)
        c.add(marker(it.model.marker, x, cy, MARKER_R, Style(fill=ctx.color(it.role), stroke=ctx.color("white"),
                                                             stroke_width=1.5), meta))
        bottom = max(bottom, ly + it.label.h)
    if ticks:
        stems = [X(it.t0) for it in points if placed[it.k][0] > 0]
        bottom = max(bottom, _lane_ticks(el, lp, ctx, c, X, cy, core_h / 2, ticks, stems))
    return cy, bottom


def _lane_ticks(el: Timeline, lp: tuple, ctx: Ctx, c: Canvas, X: Linear, cy: float, half: float,
                ticks: list[tuple[float, str]], stems: list[float]) -> float:
    """Ticks across a lane's line at cy and their labels just under its markers, each label moved sideways off
    the stem of an event below the lane that would cross it; returns the labels' bottom."""
    fs = ctx.size("small")
    role = "text-soft"
    meta = Meta(el.id, role, ctx.src(lp), "timeline-axis")
    style = Style(stroke=ctx.color(role), stroke_width=1.0)
    for t, s in ticks:
        x = X(t)
        c.add(Line(((x, cy - 4), (x, cy + 4)), style, meta=meta))
        room = measure(ctx, s, fs) / 2 + TICK_CLEAR
        lx = x
        for sx in stems:
            if abs(sx - lx) < room:
                lx = sx + room if sx <= x else sx - room
        c.text(s, lx, cy + half + 1, fs, role, "middle", "top", meta=meta)
    return cy + half + 1 + fs * 1.3


def _axis(el: Timeline, ap: tuple, ctx: Ctx, c: Canvas, X: Linear, t0: float, t1: float, y: float) -> None:
    """The time axis under the lanes: a line, ticks and labels, and the title."""
    assert el.axis is not None
    fs = ctx.size("small")
    role = "text-soft"
    meta = Meta(el.id, role, ctx.src(ap), "timeline-axis")
    x0, x1 = X(t0), X(t1)
    style = Style(stroke=ctx.color(role), stroke_width=1.0)
    c.add(Line(((x0, y), (x1, y)), style, meta=meta))
    for t, s in _ticks(el, ap, ctx, X, t0, t1):
        x = X(t)
        c.add(Line(((x, y), (x, y + 4)), style, meta=meta))
        c.text(s, x, y + 6, fs, role, "middle", "top", meta=meta)
    if el.axis.title is not None:
        tb = ctx.text_lines(ctx.t(el.axis.title), ctx.size("note"), max(x1 - x0, 120), 400, "text",
                            meta=Meta(el.id, "text", ctx.src(ap + ("title",)), "timeline-axis-title"))
        c.place(tb, (x0 + x1 - tb.w) / 2, y + 8 + fs * 1.2)


def _ticks(el: Timeline, ap: tuple, ctx: Ctx, X: Linear, t0: float, t1: float) -> list[tuple[float, str]]:
    """The axis ticks as (time, label): the explicit ones, else nice ticks that fit the width."""
    assert el.axis is not None
    fs = ctx.size("small")
    if el.axis.ticks is not None:
        ticks = numbers(el.axis.ticks, ctx, ap + ("ticks",), "axis ticks")
        given = el.axis.ticks if isinstance(el.axis.ticks, list) else []
        days = [_date(v, ctx, ap + ("ticks", i), "axis ticks") for i, v in enumerate(given)]
        labels = ([ctx.t(t) for t in el.axis.tick_labels] if el.axis.tick_labels is not None
                  else [d.text(ctx.lang) if d is not None else s for d, s in
                        zip(days + [None] * (len(ticks) - len(days)), tick_labels(ticks, el.axis.format), strict=True)])
    elif _uses_dates(el) and el.axis.format is None:
        ticks, labels = _date_ticks(ctx, X, t0, t1)
    else:
        ticks = fit_ticks(t0, t1, X.r1 - X.r0, lambda ts: max(measure(ctx, s, fs) for s in tick_labels(
            ts, el.axis.format or _year_format(ts))), fixed_ends=True)
        labels = tick_labels(ticks, el.axis.format or _year_format(ticks))
    pairs = list(zip(ticks, labels, strict=True))
    if isinstance(X, Broken):  # no tick inside a left-out stretch
        pairs = [(t, lab) for t, lab in pairs if not any(a < t < b for a, b in X.breaks)]
        if el.axis.ticks is None and _uses_dates(el):  # the ticks on both sides of a break may meet: keep the first
            kept: list[tuple[float, str]] = []
            for t, lab in pairs:
                if not kept or X(t) - X(kept[-1][0]) >= (measure(ctx, lab, fs) + measure(ctx, kept[-1][1], fs)) / 2 + 8:
                    kept.append((t, lab))
            pairs = kept
    return pairs


def _date_ticks(ctx: Ctx, X: Linear, t0: float, t1: float) -> tuple[list[float], list[str]]:
    """Ticks of a date axis: whole years (every 1, 2, 5, 10, … years) that fit the width, or month starts
    (every 1, 2, 3 or 6 months) when the axis spans under three years."""
    fs = ctx.size("small")

    def fits(ticks: list[float], labels: list[str]) -> bool:
        ws = [measure(ctx, s, fs) for s in labels]
        return all(X(b) - X(a) >= (wa + wb) / 2 + 10 for a, b, wa, wb in
                   zip(ticks, ticks[1:], ws, ws[1:], strict=False))

    return dates.date_ticks(t0, t1, ctx.lang, fits, lambda: fit_ticks(
        t0, t1, X(t1) - X(t0), lambda ts: max(measure(ctx, s, fs) for s in tick_labels(ts, "d")), fixed_ends=True))


def _year_format(ticks: list[float]) -> str | None:
    """Whole numbers without thousands separators or decimals (years, step numbers)."""
    return "d" if all(float(t).is_integer() for t in ticks) else None
