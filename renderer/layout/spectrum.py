"""Layout of the `spectrum` element kind: a thick double-headed arrow filled with a gradient between the colours
of its two ends, each end labelled (what the extreme means), and a title at its middle (what varies)."""

from __future__ import annotations

from ..scene import Group, Meta, Polygon, Style
from ..spec.elements.spectrum import Spectrum
from .base import Anchor, Block, Ctx, register

LABEL_GAP = 6.0  # px between the arrow and its labels
LABEL_MAX = 220.0  # px: an end label wraps beyond this
LABELS_APART = 24.0  # px: a horizontal arrow is at least this much longer than its two end labels side by side
HEAD_LENGTH = 1.5  # × thickness: how far a head reaches along the arrow
HEAD_WIDTH = 2.0  # × thickness: how wide a head is across it


def outline(length: float, thickness: float, heads: str) -> list[tuple[float, float]]:
    """The arrow's outline as (along, across) points: along from 0 to `length`, across centred on 0."""
    sh, hw, hl = thickness / 2, thickness * HEAD_WIDTH / 2, min(thickness * HEAD_LENGTH, length / 3)
    if heads == "none":
        return [(0, -sh), (length, -sh), (length, sh), (0, sh)]
    end = [(length - hl, -sh), (length - hl, -hw), (length, 0.0), (length - hl, hw), (length - hl, sh)]
    if heads == "end":
        return [(0, -sh), *end, (0, sh)]
    return [(0.0, 0.0), (hl, -hw), (hl, -sh), *end, (hl, sh), (hl, hw)]


@register("spectrum")
def layout_spectrum(el: Spectrum, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The arrow, its end labels (below a horizontal arrow's ends, above and below a vertical one) and title."""
    src = ctx.src(path)
    meta = Meta(el.id, el.from_.role, src, "spectrum")
    small = ctx.size("small")

    vertical = el.direction == "vertical"
    # a long horizontal arrow gives each end label up to half its length (less the gap between them)
    wrap = LABEL_MAX if vertical else max(LABEL_MAX, (max(el.length, min_w) - LABELS_APART) / 2)

    def label(end: str, align: str):
        e = getattr(el, "from_" if end == "from" else "to")
        if e.label is None:
            return None
        return ctx.text_lines(ctx.t(e.label), small, wrap, 400, "text", align,
                              meta=Meta(el.id, "text", ctx.src(path + (end, "label")), "spectrum-label"))

    first, last = label("from", "center" if vertical else "start"), label("to", "center" if vertical else "end")
    title = None
    if el.title is not None:
        title = ctx.text_lines(ctx.t(el.title), ctx.size("heading"), LABEL_MAX, 700, "text", "center",
                               meta=Meta(el.id, "text", ctx.src(path + ("title",)), "spectrum-title"))
    band = el.thickness * HEAD_WIDTH  # the arrow's extent across
    out = Block(0, 0)
    if not vertical:
        length = max(el.length, min_w, (first.w if first else 0) + (last.w if last else 0) + LABELS_APART,
                     (title.w if title else 0) + 2 * band)
        top = title.h + LABEL_GAP if title else 0.0
        lh = max(first.h if first else 0, last.h if last else 0)
        out.w, out.h = length, top + band + (LABEL_GAP + lh if lh else 0)
        cy = top + band / 2
        pts = [(t, cy + s) for t, s in outline(length, el.thickness, el.heads)]
        if title:
            out.add(title, (length - title.w) / 2, 0)
        if first:
            out.add(first, 0, top + band + LABEL_GAP)
        if last:
            out.add(last, length - last.w, top + band + LABEL_GAP)
        arrow = Anchor(0, top, length, band, "rect", src)
        tips = (Anchor(0, top, band, band, "rect", src), Anchor(length - band, top, band, band, "rect", src))
    else:
        fh = first.h + LABEL_GAP if first else 0.0
        lh = last.h + LABEL_GAP if last else 0.0
        length = max(el.length, min_h - fh - lh)
        side = title.w + LABEL_GAP if title else 0.0  # the title sits right of the middle; the arrow stays centred
        out.w = max(first.w if first else 0, last.w if last else 0, band + 2 * side, min_w)
        out.h = fh + length + lh
        cx = out.w / 2
        pts = [(cx + s, fh + t) for t, s in outline(length, el.thickness, el.heads)]
        if first:
            out.add(first, (out.w - first.w) / 2, 0)
        if last:
            out.add(last, (out.w - last.w) / 2, fh + length + LABEL_GAP)
        if title:
            out.add(title, cx + band / 2 + LABEL_GAP, fh + (length - title.h) / 2)
        arrow = Anchor(cx - band / 2, fh, band, length, "rect", src)
        tips = (Anchor(cx - band / 2, fh, band, band, "rect", src),
                Anchor(cx - band / 2, fh + length - band, band, band, "rect", src))
    colors = (ctx.color(el.from_.role), ctx.color(el.to.role))
    style = Style(fill=colors[0], gradient=colors, gradient_axis="y" if vertical else "x")
    out.items = [Group((Polygon(tuple(pts), style, meta), *out.items), Meta(el.id, el.from_.role, src, "spectrum"))]
    if el.id:
        out.anchors[el.id] = arrow
        out.anchors[f"{el.id}.from"], out.anchors[f"{el.id}.to"] = tips
    out.obstacles.append(arrow)
    return out
