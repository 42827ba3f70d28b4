"""Marker shapes shared by the timeline's point events and the legend's marker samples."""

from __future__ import annotations

import math

from ..scene import Ellipse, Meta, Polygon, Prim, Rect, Style

SHAPES = ("circle", "square", "diamond", "triangle", "star")


def marker(kind: str, x: float, y: float, r: float, style: Style, meta: Meta) -> Prim:
    """A marker of about radius r centred at (x, y)."""
    if kind == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, 0, style, meta)
    if kind == "diamond":
        return Polygon(((x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)), style, meta)
    if kind == "triangle":  # pointing up, its centroid on (x, y)
        return Polygon(((x, y - r * 1.45), (x + r * 1.25, y + r * 0.75), (x - r * 1.25, y + r * 0.75)), style, meta)
    if kind == "star":  # five points
        pts = []
        for i in range(10):
            a = -math.pi / 2 + i * math.pi / 5
            rr = r * (1.55 if i % 2 == 0 else 0.65)
            pts.append((round(x + rr * math.cos(a), 3), round(y + rr * math.sin(a), 3)))
        return Polygon(tuple(pts), style, meta)
    return Ellipse(x, y, r, r, style, meta)


def shape_of(p: Prim) -> str | None:
    """The shape name of a primitive drawn by `marker`."""
    if isinstance(p, Ellipse):
        return "circle"
    if isinstance(p, Rect):
        return "square"
    if isinstance(p, Polygon):
        return {3: "triangle", 4: "diamond", 10: "star"}.get(len(p.points))
    return None
