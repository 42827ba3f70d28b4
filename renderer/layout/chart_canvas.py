"""A free-coordinate drawing surface for chart-like layouts: add primitives anywhere, then normalise to a Block."""

from __future__ import annotations

from ..scene import Group, Meta, Prim, Text, bbox
from .base import Block, Ctx, script_runs
from .chart_axes import Box
from .chart_data import measure
from .markup import plain, split_scripts
from .quotes import curly

ASCENT = 0.88  # text box above the baseline, as a fraction of the size (matches scene.bbox)
DESCENT = 0.24


class Canvas:
    """Primitives in any coordinates; `block()` moves them so the top-left of their union is (0, 0)."""

    def __init__(self, ctx: Ctx):
        self.ctx = ctx
        self.items: list[Prim] = []

    def add(self, *prims: Prim) -> None:
        self.items.extend(prims)

    def box(self, items: list[Prim] | None = None) -> Box:
        """Union bounding box of the items (all by default)."""
        boxes = [bbox(p) for p in (self.items if items is None else items)]
        if not boxes:
            return (0.0, 0.0, 0.0, 0.0)
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    def text(self, s: str, x: float, y: float, size: float, role: str = "text", anchor: str = "start",
             valign: str = "baseline", weight: int = 400, meta: Meta = Meta()) -> Text:
        """Add one measured line of text; `valign` says whether y is its top, middle, bottom or baseline.
        Straight quotes become typographic ones, as in boxes (quotes.py)."""
        s = curly(s)
        base = {"baseline": y, "top": y + ASCENT * size, "bottom": y - DESCENT * size,
                "middle": y + (ASCENT - DESCENT) / 2 * size}[valign]
        fam = tuple(self.ctx.theme.fonts["sans"])
        if s.count("$") >= 2:  # TeX between $…$ (tick labels, brace texts, row headers): typeset as in boxes
            b = self.ctx.text_lines(s, size, None, weight, role, {"start": "start", "end": "end"}.get(anchor, "center"),
                                    meta=meta)
            left = {"start": x, "middle": x - b.w / 2, "end": x - b.w}[anchor]
            top = {"baseline": y - ASCENT * size, "top": y, "bottom": y - b.h, "middle": y - b.h / 2}[valign]
            self.place(b, left, top)
            # the line as one Text for its bounding box (not drawn: the block's glyphs are)
            return Text(left, top + ASCENT * size, plain(s), size, self.ctx.color(role), weight, "start", fam,
                        width=b.w, meta=meta)
        w = measure(self.ctx, s, size, weight)
        runs = split_scripts(s)
        t = Text(x, base, plain(s), size, self.ctx.color(role), weight, anchor,  # type: ignore[arg-type]
                 fam, width=w, meta=meta)
        if len(runs) == 1 and not runs[0][1]:
            self.items.append(t)
            return t
        # sub/superscript markup: the runs are drawn; the whole line is returned for its bounding box
        self.items += script_runs(runs, t.left, base, size, t.fill, weight, fam, meta,
                                  lambda part, fs: measure(self.ctx, part, fs, weight))
        return t

    def place(self, block: Block, x: float, y: float) -> None:
        """Add a laid-out block with its top-left at (x, y)."""
        self.items.extend(block.moved(x, y).items)

    def block(self, min_w: float = 0.0, min_h: float = 0.0, meta: Meta = Meta()) -> Block:
        """The items as one Group in a Block whose origin is their top-left (centred in min_w × min_h)."""
        x0, y0, x1, y1 = self.box()
        w, h = x1 - x0, y1 - y0
        bw, bh = max(w, min_w), max(h, min_h)
        out = Block(bw, bh, [Group(tuple(self.items), meta)])
        return out.moved((bw - w) / 2 - x0, (bh - h) / 2 - y0)


def text_box(t: Text) -> Box:
    """Bounding box of a text run."""
    return bbox(t)
