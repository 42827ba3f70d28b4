"""Teaching marks of bar charts: per-bar states (hatched fills), cut lines, braces over bar ranges.

Everything is drawn in plot coordinates (plot area at (0, 0)–(W, H), y down), like the rest of a chart.
A hatched shape is a Group of kind `hatched`: its fill Rect and the Path of its hatch lines (clipped to
the rectangle), so SVG and PNG draw lines and the PPTX backend one rectangle with a pattern fill.
"""

from __future__ import annotations

from ..scene import Group, Meta, Path, Prim, Rect, Style, bbox
from ..spec.models_base import I18n
from .base import Ctx

# state -> (fill role, hatched); the role is the state's meaning, so the legend check sees it
STATE_STYLE = {"kept": ("kept", False), "removed": ("removed", True), "sampled": ("emphasis", False),
               "candidate": ("model", False)}
STATE_NAMES = {"kept": I18n(en="kept", zh="保留"), "removed": I18n(en="removed", zh="剔除"),
               "sampled": I18n(en="sampled", zh="采样"), "candidate": I18n(en="candidate", zh="候选")}
HATCH_GAP = 5.0  # px between hatch lines (measured across the rectangle's width)
HATCH_BG = "white"  # role of the paper behind the hatch lines
BRACE_H = 8.0  # px from a brace's tips to its point


def hatch_cmds(x: float, y: float, w: float, h: float, gap: float = HATCH_GAP) -> tuple:
    """M/L segments of 45° lines (rising to the right) clipped to the rectangle."""
    cmds: list[tuple] = []
    t = gap / 2
    while t < w + h:
        u0, u1 = max(0.0, t - h), min(w, t)  # along x; the line is u + v = t with v measured down from the top
        if u1 - u0 > 0.5:
            cmds += [("M", x + u0, y + t - u0), ("L", x + u1, y + t - u1)]
        t += gap
    return tuple(cmds)


def hatched(rect: Rect, line: str, meta: Meta, line_width: float = 1.0) -> Group:
    """A rectangle with its hatch lines, as one `hatched` group (the rect keeps its own meta)."""
    lines = Path(hatch_cmds(rect.x, rect.y, rect.w, rect.h), Style(stroke=line, stroke_width=line_width),
                 Meta(meta.id, meta.role, meta.src, "hatch"))
    return Group((rect, lines), Meta(meta.id, meta.role, meta.src, "hatched"))


def state_rect(ctx: Ctx, state: str, x: float, y: float, w: float, h: float, meta: Meta) -> Prim:
    """A bar (or a legend swatch) painted as its state: solid in its role, or hatched over white."""
    role, hatch = STATE_STYLE[state]
    color = ctx.color(role)
    if not hatch:
        return Rect(x, y, w, h, 0, Style(fill=color), meta)
    rect = Rect(x, y, w, h, 0, Style(fill=ctx.color(HATCH_BG), stroke=color, stroke_width=1.0), meta)
    return hatched(rect, color, meta)


def brace_cmds(x0: float, x1: float, y: float, h: float = BRACE_H) -> tuple:
    """A horizontal curly brace over [x0, x1]: tips down at y + h, its point up at y."""
    q = h / 2
    xm = (x0 + x1) / 2
    r = min(q * 2, (x1 - x0) / 4)
    return (("M", x0, y + h), ("C", x0, y + q, x0, y + q, x0 + r, y + q), ("L", xm - r, y + q),
            ("C", xm, y + q, xm, y + q, xm, y), ("C", xm, y + q, xm, y + q, xm + r, y + q),
            ("L", x1 - r, y + q), ("C", x1, y + q, x1, y + q, x1, y + h))


def top_over(items: list[Prim], x0: float, x1: float, floor: float) -> float:
    """The highest top (smallest y) of what is drawn over [x0, x1], and no lower than `floor`."""
    tops = [b[1] for b in map(bbox, items) if b[0] < x1 - 0.5 and b[2] > x0 + 0.5]
    return min([floor, *tops])
