"""Marks on a box's corners: an icon badge (top-right) and a numbered step badge (top-left).

Both sit inside the box's bounds, so edges still attach to the box outline, and the box keeps its text clear
of them (`clearance`). A sequence of step badges reads 1, 2, 3 in the same place on every box.
"""

from __future__ import annotations

from ..scene import Ellipse, Meta, Prim, Style, Text, shift
from .base import Ctx
from .icon import pictogram

BADGE = 20.0  # px: diameter of a badge circle
INSET = 3.0  # px between a badge and the box's edges
ICON_SHARE = 0.66  # the icon's square as a share of the badge's diameter
BADGE_ROLES = {"lock": "accent", "unlock": "accent", "flame": "warm", "check": "thought",  # default colours
               "cross": "emphasis"}
STEP_ROLE = "title"  # fill of a step badge (its number is white)


def clearance(step: int | None, badge: str | None, ctx: Ctx) -> float:
    """Px each side of a box's text leaves free for its corner badges (0 without any)."""
    if step is None and badge is None:
        return 0.0
    return INSET + max(BADGE, _step_diameter(step, ctx) if step is not None else 0.0) + 3.0


def _step_diameter(step: int, ctx: Ctx) -> float:
    return max(BADGE, ctx.metrics.width(str(step), ctx.size("small"), 700) + 8)


def icon_badge(name: str, role: str | None, w: float, meta: Meta, ctx: Ctx, kind: str = "badge") -> list[Prim]:
    """A white circle with the icon in it, at the top-right corner of a box `w` wide (box coordinates)."""
    role = role or BADGE_ROLES.get(name, "model")
    r = BADGE / 2
    cx, cy = w - INSET - r, INSET + r
    m = Meta(meta.id, "white", meta.src, kind)
    ring = Ellipse(cx, cy, r, r, Style(fill=ctx.color("white"), stroke=ctx.color(role),
                                       stroke_width=ctx.theme.stroke["width"] * 1.2), m)
    s = BADGE * ICON_SHARE
    icon = pictogram(name, ctx, s, role, Meta(meta.id, role, meta.src, kind, icon=name))
    return [ring, *(shift(p, cx - s / 2, cy - s / 2) for p in icon)]


def step_diameter(step: int, ctx: Ctx) -> float:
    """Diameter of the circle of step badge `step` (wider for long numbers)."""
    return _step_diameter(step, ctx)


def step_badge(step: int, meta: Meta, ctx: Ctx, at: tuple[float, float] = (INSET, INSET)) -> list[Prim]:
    """A filled circle with the step number, its top-left at `at` (a box's top-left corner by default)."""
    d = _step_diameter(step, ctx)
    cx, cy = at[0] + d / 2, at[1] + d / 2
    m = Meta(meta.id, STEP_ROLE, meta.src, "step")
    size = ctx.size("small")
    text = str(step)
    tw = ctx.metrics.width(text, size, 700)
    return [Ellipse(cx, cy, d / 2, d / 2, Style(fill=ctx.color(STEP_ROLE)), m),
            Text(cx, cy + size * 0.35, text, size, ctx.color("white"), 700, "middle",
                 tuple(ctx.theme.fonts["sans"]), width=tw, meta=Meta(meta.id, "white", meta.src, "step"))]


def corner_marks(step: int | None, badge: str | None, badge_role: str | None, w: float, meta: Meta,
                 ctx: Ctx) -> list[Prim]:
    """The step badge (top-left) and icon badge (top-right) of a box `w` wide, if it has them."""
    out: list[Prim] = []
    if step is not None:
        out += step_badge(step, meta, ctx)
    if badge is not None:
        out += icon_badge(badge, badge_role, w, meta, ctx)
    return out
