"""Chart text that stays readable on fills: a label inside one opaque fill takes black or white (WCAG contrast);
a label over part of a fill (or over a fill in a colour role of its own) gets a chip of the ground behind it.

Chart labels are placed where the layout has room, and that is sometimes on a bar, a band or an area: a
value label of a bar that reaches the top, a region's label, an annotation, the name at a line's end. The
chip is a rounded rectangle of the paper's (or panel's) colour, slightly translucent, drawn just below the
text, so SVG, PNG and PPTX show it alike (in PPTX a native rectangle behind the text box).
"""

from __future__ import annotations

from dataclasses import replace

from ..scene import Group, Meta, Path, Prim, Rect, Style, Text, bbox
from .base import Ctx, contrast
from .chart_axes import Box, overlap_area

LABEL_KINDS = ("chart-value", "chart-label", "chart-annotation", "chart-end-label", "chart-brace-text",
               "chart-elided")
FILL_KINDS = ("chart-bar", "chart-region", "chart-area", "chart-between")
PLAIN = ("text", "text-soft")  # label roles that may turn white; a coloured label keeps its colour on a chip
MIN_CONTRAST = 4.5  # WCAG AA for body text
TOUCH = 0.04  # share of a label's box a fill must cover to count
CHIP_PAD = 2.0  # px of chip around the text
CHIP_OPACITY = 0.85
SAMPLES = (5, 3)  # points across × down a label's box, to measure how much of it a free-form area covers


def _blend(fg: str, bg: str, a: float) -> str:
    """`fg` at opacity `a` over `bg` (#RRGGBB)."""
    ch = [round(int(fg[i:i + 2], 16) * a + int(bg[i:i + 2], 16) * (1 - a)) for i in (1, 3, 5)]
    return "#" + "".join(f"{v:02X}" for v in ch)


def _inside(pt: tuple[float, float], poly: list[tuple[float, float]]) -> bool:
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _cover(p: Prim, box: Box) -> float:
    """Share of the box that the fill covers."""
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1e-9)
    if isinstance(p, Rect):
        return overlap_area(box, bbox(p)) / area
    if isinstance(p, Path):
        if overlap_area(box, bbox(p)) <= 0:
            return 0.0
        poly = [(c[-2], c[-1]) for c in p.cmds if c[0] != "Z"]
        nx, ny = SAMPLES
        pts = [(box[0] + (box[2] - box[0]) * (i + 0.5) / nx, box[1] + (box[3] - box[1]) * (j + 0.5) / ny)
               for i in range(nx) for j in range(ny)]
        return sum(_inside(q, poly) for q in pts) / len(pts)
    return 0.0


def _fills(items: list[Prim]) -> list[tuple[int, Prim]]:
    """(index in items, fill) of the bars, bands and areas, in paint order (a hatched bar: its white rect)."""
    out = []
    for k, p in enumerate(items):
        q = p.children[0] if isinstance(p, Group) and p.meta.kind == "hatched" and p.children else p
        if isinstance(q, Rect | Path) and q.meta.kind in FILL_KINDS and q.style.fill:
            out.append((k, q))
    return out


def _reads(text: str, back: str, ground: str) -> bool:
    """Text reads on the fill: WCAG's 4.5:1, or at least as well as on the paper around it (a coloured label
    that is pale on white too gains nothing from a chip on a paler fill)."""
    return contrast(text, back) >= min(MIN_CONTRAST, contrast(text, ground) - 0.05)


def on_fill(ctx: Ctx, back: str) -> str:
    """Text colour on a fill colour: the theme's text colour, or white where that reads better and the text
    colour falls short of WCAG's 4.5:1 (a dark heat-map cell)."""
    return ctx.color(ctx.readable_on(back, "text", MIN_CONTRAST))


def readable_labels(ctx: Ctx, items: list[Prim]) -> list[Prim]:
    """The items with every chart label that sits on a fill made readable (recoloured, or on a chip)."""
    ground = ctx.color(ctx.ground)
    fills = _fills(items)
    if not fills:
        return items
    boxes = [bbox(q) for q in items]  # a chip stays within what is drawn: it never grows the chart
    area = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    out: list[Prim] = []
    k = 0
    while k < len(items):
        p = items[k]
        if not (isinstance(p, Text) and p.meta.kind in LABEL_KINDS):
            out.append(p)
            k += 1
            continue
        run = [p]  # the pieces of one label (script runs, wrapped lines): one chip for all
        while k + len(run) < len(items) and isinstance(nxt := items[k + len(run)], Text) and nxt.meta == p.meta:
            run.append(nxt)
        boxes = [bbox(t) for t in run]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        under = [(f, _cover(f, box)) for j, f in fills if j < k]
        under = [(f, s) for f, s in under if s > TOUCH]
        backs = [_blend(f.style.fill, ground, f.style.opacity) for f, _ in under]
        if not under or all(_reads(t.fill, b, ground) for t in run for b in backs):
            out += run
        elif under[-1][1] >= 0.98 and under[-1][0].style.opacity >= 1 and p.meta.role in PLAIN + (None,):
            best = on_fill(ctx, backs[-1])  # wholly inside one opaque fill: the better of black text and white
            out += [replace(t, fill=best) for t in run]
        else:
            x0, y0 = max(box[0] - CHIP_PAD, area[0]), max(box[1] - CHIP_PAD / 2, area[1])
            x1, y1 = min(box[2] + CHIP_PAD, area[2]), min(box[3] + CHIP_PAD / 2, area[3])
            chip = Rect(x0, y0, x1 - x0, y1 - y0, 3.0, Style(fill=ground, opacity=CHIP_OPACITY),
                        Meta(p.meta.id, ctx.ground, p.meta.src, "chart-chip"))
            out += [chip, *run]
        k += len(run)
    return out
