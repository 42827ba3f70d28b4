"""Small geometry shared by layout modules."""

from __future__ import annotations

Pt = tuple[float, float]


def clip_segment(p: Pt, q: Pt, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float] | None:
    """Liang–Barsky: the parameter range [t0, t1] of segment p–q inside the rectangle, or None."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return None
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (t0, t1)


def dedupe(pts: list[Pt]) -> list[Pt]:
    """The points without consecutive repeats (a route's zero-length segments)."""
    out = [pts[0]]
    for p in pts[1:]:
        if abs(p[0] - out[-1][0]) > 0.01 or abs(p[1] - out[-1][1]) > 0.01:
            out.append(p)
    return out
