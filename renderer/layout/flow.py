"""Layout of the basic kinds: box, text, note, spacer and the containers row, column, grid, panel."""

from __future__ import annotations

import math
import statistics
from dataclasses import replace

from ..scene import Ellipse, Group, Line, Meta, Rect, Style
from ..spec.models import Box, Column, Container, Element, Grid, Panel, Row, Spacer, TextEl
from . import bridge
from .badges import clearance, corner_marks, step_badge, step_diameter
from .balance import place_in
from .base import Anchor, Block, Ctx, child_path, content_path, layout_element, register
from .chart_data import fail
from .cylinder import layout_cylinder
from .nested import nested_box


@register("box")
def layout_box(b: Box, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A shape sized to its wrapped text (or larger: its width/height, or the container's stretch)."""
    if b.shape == "cylinder":
        return layout_cylinder(b, path, ctx, min_w, min_h)
    if b.rows is not None:
        raise fail(ctx, path + ("rows",), "`rows` are the records of a cylinder (expected `shape: cylinder` "
                   "with `rows`)")
    pad = ctx.sp("padding")
    meta = Meta(b.id, b.role, ctx.src(path), "box")
    max_w = b.max_width or ctx.sp("box_max_width")
    if b.width:
        max_w = max(max_w, b.width - 2 * pad)
    filled = None if b.state == "ghost" else b.role  # the text stays readable on a dark fill
    text_role = "muted" if b.state else (b.text_role or ctx.readable(filled, "text"))
    main = ctx.text_lines(ctx.t(b.text), ctx.size("body"), max_w, 700 if b.bold else 400, text_role,
                          meta=Meta(b.id, text_role, ctx.src(path + ("text",)), "box-text"))
    parts = [main]
    if b.sub is not None:
        sub_role = "text-soft" if b.state else ctx.readable(filled, "text-soft", 3.0)
        parts.append(ctx.text_lines(ctx.t(b.sub), ctx.size("small"), max_w, 400, sub_role,
                                    meta=Meta(b.id, sub_role, ctx.src(path + ("sub",)), "box-text")))
    if b.items is not None:
        # from validated fields, not validated again (a first Row or Column validator is built on first use)
        inner = (Row if b.direction == "row" else Column).model_construct(id=b.id, items=b.items, gap=b.gap,
                                                                           align=b.align or "center")
        return nested_box(b, path, ctx, min_w, min_h, parts, _box_style(b, ctx),
                          lambda c: _stack(inner, path, c, b.direction == "row", 0, 0))
    tw = max(p.w for p in parts)
    th = sum(p.h for p in parts) + 2 * (len(parts) - 1)
    extra = 1.0
    if b.shape == "ellipse":
        extra = 1.42  # text rectangle inscribed in the ellipse
    vpad = pad * 0.6
    w = max(tw * extra + 2 * pad, b.width or 0, min_w, ctx.size("body") * 2)
    clear = clearance(b.step, b.badge, ctx)
    if clear:  # the text keeps clear of the corner badges, on both sides so it stays centred
        w = max(w, tw * extra + 2 * clear)
    if b.shape in ("pill", "ellipse"):
        min_h = 0.0  # round shapes keep their natural height when a container stretches its children
    h = max(th * extra + 2 * vpad, b.height or 0, min_h, ctx.size("body") * 1.3 + 2 * vpad)
    if b.shape == "pill":
        w = max(w, tw + h)
    style = _box_style(b, ctx)
    if b.shape == "ellipse":
        shape = Ellipse(w / 2, h / 2, w / 2, h / 2, style, meta)
    else:
        rx = {"round": ctx.theme.stroke["radius"], "rect": 0.0, "pill": h / 2}[b.shape]
        shape = Rect(0, 0, w, h, rx, style, meta)
    out = Block(w, h, [])
    children = []
    y = (h - th) / 2
    for p in parts:
        m = p.moved((w - p.w) / 2, y)
        children += m.items
        y += p.h + 2
    marks = corner_marks(b.step, b.badge, b.badge_role, w, meta, ctx)
    if b.state == "struck":
        marks.append(strike_line(w, h, b.shape == "ellipse", meta, ctx))
    out.items = [Group((shape, *children, *marks), meta)]
    anchor = Anchor(0, 0, w, h, "ellipse" if b.shape == "ellipse" else "rect", meta.src)
    if b.id:
        out.anchors[b.id] = anchor
    out.obstacles.append(anchor)
    return out


def _box_style(b: Box, ctx: Ctx) -> Style:
    """Fill and outline of a box (a white box gets an outline to be seen; a ghost only a faint dashed one)."""
    outline = b.outline or ("frame" if b.role == "white" else None)
    style = Style(fill=ctx.color(b.role), stroke=ctx.color(outline) if outline else None,
                  stroke_width=ctx.theme.stroke["width"], dash=(4, 3) if b.dashed else None)
    if b.dashed and not outline:
        style = Style(fill=style.fill, stroke=ctx.color("text-soft"), stroke_width=style.stroke_width, dash=(4, 3))
    if b.state == "ghost":  # removed: only a faint dashed outline remains
        style = Style(stroke=ctx.color("muted"), stroke_width=style.stroke_width, dash=(4, 3))
    return style


def strike_line(w: float, h: float, ellipse: bool, meta: Meta, ctx: Ctx) -> Line:
    """The diagonal (bottom-left to top-right) that strikes a removed box out, in `emphasis`."""
    if ellipse:  # from the outline at 225° to the outline at 45°
        dx, dy = w / 2 * math.sqrt(0.5), h / 2 * math.sqrt(0.5)
        pts = ((w / 2 - dx, h / 2 + dy), (w / 2 + dx, h / 2 - dy))
    else:
        k = min(ctx.theme.stroke["radius"], h / 2) * 0.3  # inside a rounded corner
        pts = ((k, h - k), (w - k, k))
    return Line(pts, Style(stroke=ctx.color("emphasis"), stroke_width=ctx.theme.stroke["edge"] * 1.4),
                meta=Meta(meta.id, "emphasis", meta.src, "strike"))


def _text_block(t: TextEl, path: tuple, ctx: Ctx, kind: str, min_w: float) -> Block:
    max_w = t.max_width or ctx.sp("text_max_width")
    meta = Meta(t.id, t.role, ctx.src(path), kind)
    block = ctx.text_lines(ctx.t(t.text), ctx.size(t.size), max_w, 700 if t.bold else 400, t.role,
                           t.align, width=min_w or None, meta=meta)
    if t.id:
        block.anchors[t.id] = Anchor(0, 0, block.w, block.h, "rect", meta.src)
    return block


@register("text")
def layout_text(t: TextEl, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Free text, wrapped at its max width."""
    return _text_block(t, path, ctx, "text", min_w)


@register("note")
def layout_note(t: TextEl, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A small remark."""
    return _text_block(t, path, ctx, "note", min_w)


@register("spacer")
def layout_spacer(s: Spacer, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Empty space; with `dots`, "⋮ text ⋮" centred in it (an elision row)."""
    if not s.dots:
        return Block(max(s.width, min_w), max(s.height, min_h))
    label = ctx.t(s.text).strip() if s.text is not None else ""
    meta = Meta(None, "text-soft", ctx.src(path), "ellipsis")
    size = ctx.size("body")
    text = ctx.text_lines(label, size, None, 400, "text-soft", meta=meta) if label else Block(0, size * 1.4)
    marks = 2 if label else 1  # a column of three dots each side of the text (one column alone)
    inner = text.w + marks * ELISION_DOT * 2 + (2 * ELISION_GAP if label else 0)
    w, h = max(s.width, min_w, inner), max(s.height, min_h, text.h)
    block = Block(w, h)
    x0, cy = (w - inner) / 2, h / 2
    fill = Style(fill=ctx.color("text-soft"))
    columns = [x0 + ELISION_DOT] + ([x0 + inner - ELISION_DOT] if label else [])
    for cx in columns:
        for k in (-1, 0, 1):
            block.items.append(Ellipse(cx, cy + k * ELISION_STEP, ELISION_DOT, ELISION_DOT, fill, meta))
    if label:
        block.add(text, x0 + 2 * ELISION_DOT + ELISION_GAP, (h - text.h) / 2)
    return block


ELISION_DOT = 1.7  # radius of an elision dot (⋮ drawn as three discs)
ELISION_STEP = 5.5  # between the centres of two dots
ELISION_GAP = 8.0  # between a column of dots and the text


def _children(c: Container, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0,
              bridged: set[int] = frozenset()) -> list[Block]:
    """The members laid out (a bridge's element at its own size: it is not stretched)."""
    return [bridge.layout_item(el, child_path(ctx, path, i), ctx) if i in bridged
            else layout_element(el, child_path(ctx, path, i), ctx, min_w, min_h) for i, el in enumerate(c.items)]


TARGET_ASPECT = 1.6  # what `wrap: auto` aims for: between a 4:3 and a 16:9 slide


def _stack(c: Container, path: tuple, ctx: Ctx, horizontal: bool, min_w: float, min_h: float,
           inflow: frozenset[int] = frozenset()) -> Block:
    """Children one after another; `place: auto` notes (but those in `inflow`) go into the empty room left."""
    gap = ctx.sp("gap") if c.gap is None else c.gap
    bridged = bridge.bridges(c.items, path, ctx, c.wrap is not None)
    kids = _children(c, path, ctx, bridged=bridged)
    if c.wrap is not None and len(kids) > 1:
        return _tiers(c, kids, path, ctx, horizontal, gap, min_w, min_h)
    floats = [i for i, el in enumerate(c.items) if _floats(el) and i not in inflow and len(c.items) > 1]
    kids = _share_panel_size(c, kids, path, ctx, horizontal)
    if c.tracks and not horizontal:
        kids = _on_tracks(c, kids, path, ctx)
    if c.align == "stretch" and kids:
        most = max(k.h if horizontal else k.w for i, k in enumerate(kids) if i not in bridged)
        if horizontal:
            kids = _children(c, path, ctx, 0, max(most, min_h), bridged)
        else:
            kids = [k if i in bridged else layout_element(el, child_path(ctx, path, i), ctx, max(most, min_w), 0)
                    for i, (el, k) in enumerate(zip(c.items, kids, strict=True))]
    for i in floats:  # laid out after the others, in the room they leave
        kids[i] = Block(0, 0)
    # bridges take no room along the stack, nor do notes placed in the room left
    solid = [k for i, k in enumerate(kids) if i not in bridged and i not in floats]
    main = sum(k.w if horizontal else k.h for k in solid) + gap * max(len(solid) - 1, 0) \
        + sum(bridge.extra_gap(ctx, path, i - 1) for i in bridged)
    axis = 1 if horizontal else 0  # the cross axis: a column's children line up on their spines' x
    # centred children move toward one centre line through their inner chains (a graph's main column of
    # nodes), as far as the container's width allows (it does not widen for that)
    on_spine = c.align == "center" and any(k.spine[axis] is not None for k in solid)
    cross = max([0.0] + [k.h if horizontal else k.w for k in kids])
    cross = max(cross, min_h if horizontal else min_w)
    out = Block(max(main, min_w) if horizontal else cross, cross if horizontal else max(main, min_h))
    pos = ((min_w if horizontal else min_h) - main) / 2 if (min_w if horizontal else min_h) > main else 0.0
    lines = []
    boxes: dict[int, tuple[float, float, float, float]] = {}
    for i, k in enumerate(kids):
        if i in floats or i in bridged:
            continue
        size = k.h if horizontal else k.w
        off = {"start": 0.0, "center": (cross - size) / 2, "end": cross - size, "stretch": (cross - size) / 2}[c.align]
        if on_spine:
            off = min(max(cross / 2 - k.spine_at(axis), 0.0), cross - size)
        if horizontal and _panel_aligned(c, i):
            off = 0.0
        x, y = (pos, off) if horizontal else (off, pos)
        out.add(k, x, y)
        boxes[i] = (x, y, k.w, k.h)
        lines.append(off + k.spine_at(axis))
        member_anchor(out, c.id, i, len(kids), Anchor(x, y, k.w, k.h, "rect", ctx.src(child_path(ctx, path, i))))
        pos += (k.w if horizontal else k.h) + gap + bridge.extra_gap(ctx, path, i)
    if bridged and bridge.make_room(c.items, kids, bridged, boxes, path, ctx, horizontal):
        return _stack(c, path, ctx, horizontal, min_w, min_h, inflow)  # again, with the room the bridges need
    for i in sorted(bridged):  # after every member: drawn above its neighbours' fills
        k = kids[i]
        x, y = bridge.place(k, boxes[i - 1], boxes[i + 1], horizontal, c.items[i].bridge.at,
                            bridge.centre(c.items[i], k, horizontal), bridge.cross_mid(kids, boxes, i, horizontal))
        out.add(k, x, y)
        member_anchor(out, c.id, i, len(kids), Anchor(x, y, k.w, k.h, "rect", ctx.src(child_path(ctx, path, i))))
    for i in floats:
        spot = _float_note(c.items[i], child_path(ctx, path, i), out, ctx)
        if spot is None:  # no room for it: it takes its place in the flow, as without `place: auto`
            return _stack(c, path, ctx, horizontal, min_w, min_h, inflow | {i})
        member_anchor(out, c.id, i, len(kids), spot)
    if c.id:
        out.anchors[c.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
        out.anchors[f"{c.id}.spine"] = spine_anchor(out.anchors[c.id], lines, horizontal)
    return out


def _floats(el: Element) -> bool:
    """A note that goes into the empty room of its container (`place: auto`)."""
    return el.kind == "note" and el.content.place == "auto"


def _float_note(el: Element, path: tuple, out: Block, ctx: Ctx) -> Anchor | None:
    """Put a `place: auto` note into the largest empty room of `out` that fits it, re-wrapped to the room's
    width; its outline (then an obstacle for edges), or None when no room fits it."""
    note, npath = el.content, content_path(el, path)
    widest = note.max_width or ctx.sp("text_max_width")
    made: dict[float, Block] = {}

    def make(width: float) -> tuple[float, float]:
        made[width] = _text_block(note.model_copy(update={"max_width": min(widest, width)}), npath, ctx, "note", 0)
        return made[width].w, made[width].h

    found = place_in(out.w, out.h, out.items, make, FLOAT_MARGIN * ctx.sp("gap"))
    if found is None:
        return None
    room, x, y = found
    block = made[room[2]]
    out.add(block, x, y)
    spot = Anchor(x, y, block.w, block.h, "rect", ctx.src(path))
    out.obstacles.append(spot)
    return spot


FLOAT_MARGIN = 1.5  # × the theme's gap: how far a placed note keeps from everything else


def spine_anchor(a: Anchor, lines: list[float], horizontal: bool) -> Anchor:
    """`<id>.spine`: the container's outline, its ports on the centre line of the children's chain (the
    median of their centre lines: x for a column, y for a row)."""
    mid = statistics.median(lines) if lines else None
    return replace(a, py=mid) if horizontal else replace(a, px=mid)


def member_anchor(out: Block, ident: str | None, i: int, n: int, a: Anchor) -> None:
    """A container's members as edge ends: `<id>.<i>`, `<id>.first`, `<id>.last`."""
    if not ident:
        return
    out.anchors[f"{ident}.{i}"] = a
    if i == 0:
        out.anchors[f"{ident}.first"] = a
    if i == n - 1:
        out.anchors[f"{ident}.last"] = a


CARD_STEP = 6.0  # px between the cards of a repeated panel


def _card_stack(front: Block, p: Panel, path: tuple, ctx: Ctx, style: Style) -> Block:
    """Two cards behind the panel, offset down-right: the block is one of many. The block keeps the front
    card's size (the cards overhang its right and bottom by 2 × CARD_STEP), so it aligns by the front card."""
    w, h = front.w, front.h
    out = Block(w, h)
    edge = Style(fill=style.fill, stroke=ctx.color("frame"), stroke_width=ctx.theme.stroke["width"])
    for k in (2, 1):
        out.items.append(Rect(k * CARD_STEP, k * CARD_STEP, w, h, ctx.theme.stroke["radius"], edge,
                              Meta(p.id, p.role, ctx.src(path), "panel-card")))
    out.add(front, 0, 0)
    return out


def _badge(out: Block, p: Panel, path: tuple, ctx: Ctx, w: float) -> None:
    """The stack count in a pill on the front card's top-right corner."""
    meta = Meta(p.id, "emphasis", ctx.src(path + ("stack",)), "panel-badge")
    label = _badge_text(p, ctx, meta)
    bh, bw = label.h + 6, label.w + 16
    x, y = w - bw - 8, 8.0
    out.items.append(Rect(x, y, bw, bh, bh / 2, Style(fill=ctx.color("emphasis")), meta))
    out.add(label, x + 8, y + 3)


def _badge_text(p: Panel, ctx: Ctx, meta: Meta | None = None) -> Block:
    text = f"×{p.stack}" if isinstance(p.stack, int) else ctx.t(p.stack)
    return ctx.text_lines(text, ctx.size("small"), None, 700, "white", meta=meta)


def _on_tracks(c: Container, kids: list[Block], path: tuple, ctx: Ctx) -> list[Block]:
    """The row children of a column re-laid on shared column tracks: item j of every row gets the widest
    item j's width (boxes and tensors take it as their minimum width), and every row the widest gap. A vertical
    bar chart with one category per track (or per track after the first, a header column) joins them: its bars
    sit under the tracks, which then share one width (the chart's category slots are equal)."""
    rows = [i for i, el in enumerate(c.items) if el.row is not None]
    if len(rows) < 2 and not (rows and any(_track_chart(el) for el in c.items)):
        return kids
    rpaths = {i: content_path(c.items[i], child_path(ctx, path, i)) for i in rows}
    items = {i: [layout_element(el, child_path(ctx, rpaths[i], j), ctx)
                 for j, el in enumerate(c.items[i].content.items)] for i in rows}
    ncols = max(len(v) for v in items.values())
    widths = [max(v[j].w for v in items.values() if j < len(v)) for j in range(ncols)]
    gap = max(ctx.sp("gap") if c.items[i].content.gap is None else c.items[i].content.gap for i in rows)
    # a chart with one bar per track, or per track after a header column (a row label such as "P")
    counts = {i: _track_chart(el) for i, el in enumerate(c.items)}
    lead = {i: ncols - n for i, n in counts.items() if n in (ncols, ncols - 1)}
    charts = list(lead)
    out = list(kids)
    left = 0.0  # where the first track starts: after a chart's value axis, half a gap into its first slot
    if charts:
        widths = [max(widths)] * ncols
        pitch = widths[0] + gap
        for i in charts:
            out[i] = layout_element(c.items[i], child_path(ctx, path, i), replace(ctx, bar_pitch=pitch))
        start = {i: _plot_left(out[i]) + gap / 2 - lead[i] * pitch for i in charts}  # where its tracks begin
        left = max(0.0, *start.values())
        for i in charts:
            out[i] = _padded(out[i], left - start[i])
    for i in rows:
        row, rpath = c.items[i].content, rpaths[i]
        cells = [k if abs(k.w - widths[j]) < 0.01 else layout_element(el, child_path(ctx, rpath, j), ctx, widths[j], 0)
                 for j, (el, k) in enumerate(zip(row.items, items[i], strict=True))]
        h = max(k.h for k in cells)
        block = Block(left + sum(widths[:len(cells)]) + gap * (len(cells) - 1), h)
        x = left
        for j, k in enumerate(cells):
            y = _cross(row.align, h, k.h)
            block.add(k, x + (widths[j] - k.w) / 2, y)
            member_anchor(block, row.id, j, len(cells), Anchor(x + (widths[j] - k.w) / 2, y, k.w, k.h, "rect",
                                                                 ctx.src(child_path(ctx, rpath, j))))
            x += widths[j] + gap
        if row.id:
            block.anchors[row.id] = Anchor(left, 0, block.w - left, block.h, "rect", ctx.src(rpath))
        out[i] = block
    if charts:  # one width for the rows and charts, so the column's alignment cannot shift one against another
        full = max(out[i].w for i in rows + charts)
        for i in rows + charts:
            out[i] = _padded(out[i], 0, full)
    return out


def _track_chart(el: Element) -> int | None:
    """The category count of a vertical bar chart that can sit on a column's tracks."""
    ch = el.chart
    if ch is None or ch.kind != "bar" or ch.horizontal or not isinstance(ch.x.categories, list):
        return None
    return len(ch.x.categories)


def _plot_left(b: Block) -> float:
    """x of a chart block's plot area (its value axis is left of it)."""
    return float(b.items[0].data["plot"][0])


def _padded(b: Block, dx: float, w: float = 0.0) -> Block:
    """The block moved right by dx inside a block at least w wide (anchors and obstacles kept)."""
    out = Block(max(b.w + dx, w), b.h)
    out.add(b, dx, 0)
    return out


def _share_panel_size(c: Container, kids: list[Block], path: tuple, ctx: Ctx, horizontal: bool) -> list[Block]:
    """Panels side by side share their height (and top edge); panels stacked share their width."""
    panels = [i for i, el in enumerate(c.items) if el.panel is not None]
    if len(panels) < 2 or c.align == "stretch":
        return kids
    size = max(kids[i].h if horizontal else kids[i].w for i in panels)
    out = list(kids)
    for i in panels:
        if (kids[i].h if horizontal else kids[i].w) < size - 0.5:
            out[i] = layout_element(c.items[i], child_path(ctx, path, i), ctx,
                                    0 if horizontal else size, size if horizontal else 0)
    return out


def _panel_aligned(c: Container, i: int) -> bool:
    """A panel in a row sits at the top of the row (it shares the row's height), whatever `align` says."""
    return c.items[i].panel is not None


def _tiers(c: Container, kids: list[Block], path: tuple, ctx: Ctx, horizontal: bool, gap: float,
           min_w: float, min_h: float) -> Block:
    """A wrapped row (tiers, filled left to right) or column (columns, filled top to bottom) on one grid."""
    n = len(kids)
    counts = range(1, n + 1) if c.wrap == "auto" else [min(int(c.wrap), n)]
    grids = [_grid_size(kids, t, horizontal, gap, gap * 1.5) for t in counts]
    w, h, _aspect, cells = min(grids, key=lambda g: abs(math.log(g[2] / TARGET_ASPECT)))
    out = Block(max(w, min_w), max(h, min_h))
    dx, dy = (out.w - w) / 2, (out.h - h) / 2
    for i, (x, y, cw, ch) in enumerate(cells):
        k = kids[i]
        fills = c.items[i].panel is not None or c.align == "stretch"  # panels (and, with stretch, all) fill their cell
        if fills and (k.w < cw - 0.5 or k.h < ch - 0.5):
            k = layout_element(c.items[i], child_path(ctx, path, i), ctx, cw, ch)
        if horizontal:  # along a tier the cell is centred; across it the container's `align` applies
            ox, oy = (cw - k.w) / 2, _cross(c.align, ch, k.h)
        else:
            ox, oy = _cross(c.align, cw, k.w), (ch - k.h) / 2
        out.add(k, dx + x + ox, dy + y + oy)
        member_anchor(out, c.id, i, len(kids), Anchor(dx + x + ox, dy + y + oy, k.w, k.h, "rect",
                                                        ctx.src(child_path(ctx, path, i))))
    if c.id:
        out.anchors[c.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


def _cross(align: str, space: float, size: float) -> float:
    return {"start": 0.0, "end": space - size}.get(align, (space - size) / 2)


def _grid_size(kids: list[Block], tiers: int, horizontal: bool, gap: float, tier_gap: float
               ) -> tuple[float, float, float, list[tuple[float, float, float, float]]]:
    """Width, height, aspect and cells (x, y, w, h) of kids on a grid of `tiers` rows (or columns)."""
    per = math.ceil(len(kids) / tiers)
    pos = [((i // per, i % per) if horizontal else (i % per, i // per)) for i in range(len(kids))]  # (row, col)
    nr, nc = max(r for r, _ in pos) + 1, max(c for _, c in pos) + 1
    col_w = [max([k.w for k, (_, cc) in zip(kids, pos, strict=True) if cc == j] or [0.0]) for j in range(nc)]
    row_h = [max([k.h for k, (rr, _) in zip(kids, pos, strict=True) if rr == i] or [0.0]) for i in range(nr)]
    gx, gy = (gap, tier_gap) if horizontal else (tier_gap, gap)
    xs = [sum(col_w[:j]) + gx * j for j in range(nc)]
    ys = [sum(row_h[:i]) + gy * i for i in range(nr)]
    w, h = xs[-1] + col_w[-1], ys[-1] + row_h[-1]
    cells = [(xs[cc], ys[rr], col_w[cc], row_h[rr]) for rr, cc in pos]
    return w, h, (w / h if h else 1.0), cells


@register("row")
def layout_row(c: Container, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Children left to right."""
    return _framed(c, path, ctx, lambda mw, mh: _stack(c, path, ctx, True, mw, mh), min_w, min_h)


@register("column")
def layout_column(c: Container, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Children top to bottom."""
    return _framed(c, path, ctx, lambda mw, mh: _stack(c, path, ctx, False, mw, mh), min_w, min_h)


FRAME_PAD = 8.0  # px between a `frame: box` outline and the stack inside it
BRACKET_GAP = 6.0  # px between a stack and its `frame: bracket` (the bracket's serifs are as long)


def _framed(c: Container, path: tuple, ctx: Ctx, stack, min_w: float, min_h: float) -> Block:
    """A row or column with its `frame`: `box` an outline FRAME_PAD outside the stack (the container's
    anchor), `bracket` an anchor BRACKET_GAP outside it whose sides edges.py draws as brackets."""
    frame = getattr(c, "frame", None)
    if frame is None:
        return stack(min_w, min_h)
    if frame == "bracket":
        out = stack(min_w, min_h)
        if c.id:
            _reanchor(out, c.id, replace(out.anchors[c.id].grown(BRACKET_GAP), shape="bracket"))
        return out
    pl, pt, pr, pb = ctx.pads(path, FRAME_PAD)  # more on a side where a loop inside needs the room
    inner = stack(max(min_w - pl - pr, 0), max(min_h - pt - pb, 0))
    out = Block(inner.w + pl + pr, inner.h + pt + pb)
    src = ctx.src(path)
    out.items.append(Rect(0, 0, out.w, out.h, ctx.theme.stroke["radius"],
                          Style(stroke=ctx.color("frame"), stroke_width=ctx.theme.stroke["width"]),
                          Meta(c.id, "frame", src, "group-frame")))
    out.add(inner, pl, pt)
    outline = Anchor(0, 0, out.w, out.h, "rect", src)
    out.frames.append((path, outline))
    if c.id:
        _reanchor(out, c.id, outline)
    return out


def _reanchor(out: Block, ident: str, a: Anchor) -> None:
    """The container's anchor (and its spine port's outline) set to `a`."""
    out.anchors[ident] = a
    spine = out.anchors.get(f"{ident}.spine")
    if spine is not None:
        out.anchors[f"{ident}.spine"] = replace(a, px=spine.px, py=spine.py)


@register("grid")
def layout_grid(g: Grid, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Children in cells; column widths and row heights fit the largest child."""
    gap = ctx.sp("gap") if g.gap is None else g.gap
    kids = _children(g, path, ctx)
    n = g.columns
    rows = [kids[i:i + n] for i in range(0, len(kids), n)]
    col_w = [max(r[j].w for r in rows if j < len(r)) for j in range(min(n, len(kids)))]
    row_h = [max(k.h for k in r) for r in rows]
    if g.align == "stretch":
        kids = [layout_element(el, child_path(ctx, path, i), ctx, col_w[i % n], row_h[i // n])
                for i, el in enumerate(g.items)]
        rows = [kids[i:i + n] for i in range(0, len(kids), n)]
    w = sum(col_w) + gap * (len(col_w) - 1)
    h = sum(row_h) + gap * (len(row_h) - 1)
    out = Block(max(w, min_w), max(h, min_h))
    y = 0.0
    for ri, (r, rh) in enumerate(zip(rows, row_h, strict=True)):
        x = 0.0
        for j, k in enumerate(r):
            out.add(k, x + (col_w[j] - k.w) / 2, y + (rh - k.h) / 2)
            i = ri * n + j
            member_anchor(out, g.id, i, len(kids), Anchor(x + (col_w[j] - k.w) / 2, y + (rh - k.h) / 2, k.w, k.h,
                                                           "rect", ctx.src(child_path(ctx, path, i))))
            x += col_w[j] + gap
        y += rh + gap
    if g.id:
        out.anchors[g.id] = Anchor(0, 0, out.w, out.h, "rect", ctx.src(path))
    return out


@register("panel")
def layout_panel(p: Panel, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """A tinted rounded group with an optional title above its children."""
    pad = ctx.sp("panel_padding")
    pl, pt, pr, pb = ctx.pads(path, pad)
    meta = Meta(p.id, p.role, ctx.src(path), "panel")
    title = None
    if p.title is not None:
        title = ctx.text_lines(ctx.t(p.title), ctx.size("heading"), ctx.sp("text_max_width"), 700,
                               "text-soft", "start", meta=Meta(p.id, "text-soft", ctx.src(path + ("title",)),
                                                                "panel-title"))
    th = title.h + pad * 0.5 if title else 0.0
    sd = step_diameter(p.step, ctx) if p.step is not None else 0.0
    tx = pad + sd + 6 if sd else pad  # a step badge goes before the title
    if sd:
        th = max(th, sd + pad * 0.5)
    inner = _stack(p, path, replace(ctx, ground=p.role), p.direction == "row", max(min_w - pl - pr, 0),
                   0)  # content sits under the title, on the panel's fill
    if p.id:
        inner.anchors.pop(p.id, None)
    w = max(inner.w, (title.w if title else 0) + tx - pad) + pl + pr
    if p.stack is not None:  # room for the badge beside the title
        w = max(w, (title.w if title else 0) + pl + pr + _badge_text(p, ctx).w + 16 + 8)
    h = inner.h + th + pt + pb
    w, h = max(w, min_w), max(h, min_h)
    style = Style(fill=ctx.color(p.role), stroke=ctx.color("frame") if p.dashed or p.frame == "box" else None,
                  stroke_width=ctx.theme.stroke["width"], dash=(4, 3) if p.dashed else None)
    out = Block(w, h, [Rect(0, 0, w, h, ctx.theme.stroke["radius"], style, meta)])
    if p.stack is not None:
        out = _card_stack(out, p, path, ctx, style)
    room = ctx.room.get(path, {})  # a bridge's room on the left or top moves the title along with the content
    sx, sy = room.get("left", 0.0), room.get("top", 0.0)
    if title:  # the title keeps its place; grown padding makes room beside the content
        out.add(title, tx + sx, pad + sy)
    if sd:  # centred on the title's first line
        line = ctx.size("heading") * ctx.sp("line_height") if title else sd
        out.items += step_badge(p.step, meta, ctx, (pad + sx, pad + sy + (line - sd) / 2))
    ix, iy = pl + (w - pl - pr - inner.w) / 2, pt + th
    spine = inner.anchors.pop(f"{p.id}.spine", None) if p.id else None
    out.add(inner, ix, iy)
    if p.stack is not None:
        _badge(out, p, path, ctx, w)
    if p.id:
        out.anchors[p.id] = Anchor(0, 0, w, h, "rect", meta.src)
        if spine is not None:
            out.anchors[f"{p.id}.spine"] = replace(out.anchors[p.id], px=None if spine.px is None else spine.px + ix,
                                                   py=None if spine.py is None else spine.py + iy)
        if p.frame == "bracket":
            _reanchor(out, p.id, replace(out.anchors[p.id].grown(BRACKET_GAP), shape="bracket"))
    out.frames.append((path, Anchor(0, 0, w, h, "rect", meta.src)))
    return out
