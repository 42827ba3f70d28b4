"""The diagram legend: a swatch, a line sample, a mark or an icon badge per entry, with its text, laid in rows or a
column."""

from __future__ import annotations

from ..scene import Line, Meta, Rect, Style, shift
from ..spec.models import LegendEntry
from .badges import BADGE, INSET, icon_badge
from .base import Block, Ctx
from .marks import SHAPES, marker

SWATCH = 14.0  # px, side of a fill swatch
LINE_SAMPLE = 26.0  # px, length of a line sample
ENTRY_GAP = 18.0  # px between entries in a row
LABEL_GAP = 6.0  # px between a swatch and its text
HATCH_ROLE = "text-soft"  # role of a hatched swatch's lines, as on masked tensor cells
GHOST_ROLE = "muted"  # role of a dashed swatch's outline, as on a `state: ghost` box
CROSS_WIDTH = 3.0  # px, stroke of a `mark: cross` sample (as the target's mean cross)
SHAPE_R = 5.0  # px, radius of a marker-shape sample (a timeline marker is 6)
SHAPE_ROLE = "text-soft"  # fill of a marker-shape sample without a role: the shape alone is explained


def _entry(e: LegendEntry, src: str | None, ctx: Ctx) -> Block:
    shape = e.mark in SHAPES
    role = None if e.icon is not None or shape else e.role or e.line  # an icon's or shape's text explains it
    label = ctx.text_lines(ctx.t(e.text), ctx.size("small"), ctx.sp("box_max_width"), 400, "text-soft", "start",
                           meta=Meta(None, role, src, "legend-text"))
    sw = LINE_SAMPLE if e.line is not None else BADGE if e.icon is not None else SWATCH
    h = max(label.h, sw if e.icon is not None else SWATCH)
    out = Block(sw + LABEL_GAP + label.w, h)
    cy = h / 2
    if shape:  # a timeline marker's shape, in its role's colour
        fill = e.role or SHAPE_ROLE
        out.items.append(marker(e.mark, SWATCH / 2, cy, SHAPE_R, Style(fill=ctx.color(fill), stroke=ctx.color(
            e.outline or "white"), stroke_width=1.0), Meta(None, fill, src, "legend-shape")))
    elif e.icon is not None:  # the badge itself, as drawn on a box's corner
        badge = icon_badge(e.icon, e.role, BADGE + 2 * INSET, Meta(None, None, src, "legend-icon"), ctx,
                           "legend-icon")
        out.items += [shift(p, -INSET, cy - INSET - BADGE / 2) for p in badge]
    elif e.role is not None:
        hatch = ctx.color(HATCH_ROLE) if e.hatch else None  # the lines of hatched tensor cells
        edge = {} if e.outline is None and not e.dashed else {  # an outlined node, or a ghost box when dashed
            "stroke": ctx.color(e.outline or GHOST_ROLE), "stroke_width": ctx.theme.stroke["width"],
            "dash": (3, 2) if e.dashed else None}
        out.items.append(Rect(0, cy - SWATCH / 2, SWATCH, SWATCH, 3,
                              Style(fill=ctx.color(e.role), hatch=hatch, **edge), Meta(None, e.role, src, "legend")))
    elif e.mark == "cross":
        style = Style(stroke=ctx.color("text"), stroke_width=CROSS_WIDTH)
        a = SWATCH / 2 - 1
        for dy in (-a, a):
            out.items.append(Line(((SWATCH / 2 - a, cy - dy), (SWATCH / 2 + a, cy + dy)), style,
                                  meta=Meta(None, "text", src, "legend-mark")))
    else:
        style = Style(stroke=ctx.color(e.line), stroke_width=ctx.theme.stroke["edge"],
                      dash=(5, 3) if e.dashed else None)
        out.items.append(Line(((0, cy), (LINE_SAMPLE, cy)), style, arrow_end=e.arrow,
                              meta=Meta(None, e.line, src, "legend")))
    out.add(label, sw + LABEL_GAP, (h - label.h) / 2)
    return out


def legend_block(entries: list[LegendEntry], path: tuple, ctx: Ctx, max_w: float | None,
                 paths: list[tuple] | None = None) -> Block:
    """Entries left to right, breaking into centred rows within `max_w`; with no width, one column.
    Entry i comes from spec path `path + (i,)`, or `paths[i]` when given (an automatic legend's labels)."""
    blocks = [_entry(e, ctx.src(paths[i] if paths else path + (i,)), ctx) for i, e in enumerate(entries)]
    rows: list[list[Block]] = [[]]
    for b in blocks:
        width = sum(k.w for k in rows[-1]) + ENTRY_GAP * len(rows[-1]) + b.w
        if rows[-1] and (max_w is None or width > max_w):
            rows.append([])
        rows[-1].append(b)
    widths = [sum(k.w for k in r) + ENTRY_GAP * (len(r) - 1) for r in rows]
    row_h = [max(k.h for k in r) for r in rows]
    line_gap = 6.0
    out = Block(max(widths), sum(row_h) + line_gap * (len(rows) - 1))
    y = 0.0
    for r, w, h in zip(rows, widths, row_h, strict=True):
        x = (out.w - w) / 2 if max_w is not None else 0.0
        for k in r:
            out.add(k, x, y + (h - k.h) / 2)
            x += k.w + ENTRY_GAP
        y += h + line_gap
    return out
