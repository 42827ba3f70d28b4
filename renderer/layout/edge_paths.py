"""How an edge's route is drawn: rounded corners on an orthogonal polyline, or one smooth cubic curve."""

from __future__ import annotations

import math

Pt = tuple[float, float]
KAPPA = 0.5523  # cubic control distance (× radius) that approximates a quarter circle
CURVE_SAMPLES = 24  # polyline points the checks measure a curved edge by
NORMALS = {"top": (0.0, -1.0), "bottom": (0.0, 1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}


def corner_radii(pts: list[Pt], radius: float) -> list[float]:
    """The radius drawn at each inner point: `radius`, clamped to half the shorter adjacent segment
    (0 where the route does not turn)."""
    out = []
    for a, v, b in zip(pts, pts[1:], pts[2:], strict=False):
        u, w = _unit(a, v), _unit(v, b)
        turn = abs(u[0] * w[1] - u[1] * w[0]) > 1e-6
        out.append(min(radius, math.dist(a, v) / 2, math.dist(v, b) / 2) if turn else 0.0)
    return out


def rounded(pts: list[Pt], radius: float, sharp: set[Pt] = frozenset()) -> tuple:
    """M/L/C commands of the polyline with every bend drawn as a rounded corner (not those in `sharp`);
    () when it has none, so a straight edge stays a plain line."""
    radii = [0.0 if v in sharp else r for v, r in zip(pts[1:], corner_radii(pts, radius), strict=False)]
    if radius <= 0 or not any(r > 0.05 for r in radii):
        return ()
    cmds: list[tuple] = [("M", *pts[0])]
    for (a, v, b), r in zip(zip(pts, pts[1:], pts[2:], strict=False), radii, strict=True):
        if r <= 0.05:
            cmds.append(("L", *v))
            continue
        u, w = _unit(a, v), _unit(v, b)
        s = (v[0] - u[0] * r, v[1] - u[1] * r)
        e = (v[0] + w[0] * r, v[1] + w[1] * r)
        k = KAPPA * r
        cmds += [("L", *s), ("C", s[0] + u[0] * k, s[1] + u[1] * k, e[0] - w[0] * k, e[1] - w[1] * k, *e)]
    cmds.append(("L", *pts[-1]))
    return tuple(cmds)


def curve(p0: Pt, side0: str, p1: Pt, side1: str) -> tuple[tuple, list[Pt]]:
    """A cubic Bézier from p0 to p1 leaving and entering square to the sides used, and its samples."""
    n0, n1 = NORMALS[side0], NORMALS[side1]
    d = max(math.dist(p0, p1) * 0.4, 12.0)
    c1 = (p0[0] + n0[0] * d, p0[1] + n0[1] * d)
    c2 = (p1[0] + n1[0] * d, p1[1] + n1[1] * d)
    cmds = (("M", *p0), ("C", *c1, *c2, *p1))
    return cmds, [bezier(p0, c1, c2, p1, k / CURVE_SAMPLES) for k in range(CURVE_SAMPLES + 1)]


def bezier(p0: Pt, c1: Pt, c2: Pt, p1: Pt, t: float) -> Pt:
    """The cubic's point at parameter t."""
    m = 1 - t
    return tuple(m ** 3 * p0[i] + 3 * m * m * t * c1[i] + 3 * m * t * t * c2[i] + t ** 3 * p1[i]
                 for i in (0, 1))  # type: ignore[return-value]


def _unit(a: Pt, b: Pt) -> Pt:
    d = math.dist(a, b) or 1.0
    return ((b[0] - a[0]) / d, (b[1] - a[1]) / d)


SQUIGGLE_AMPLITUDE = 3.5  # px either side of the route
SQUIGGLE_WAVE = 14.0  # px per full wave (about: a whole number of half waves fills the route)
SQUIGGLE_LEAD = 12.0  # px of straight line before the end, so the arrowhead points along the route
SQUIGGLE_START = 4.0  # px of straight line leaving the start
SQUIGGLE_STEP = 10  # points per wave


def flatten(cmds: tuple, pts: list[Pt]) -> list[Pt]:
    """The drawn path (M/L/C commands, or the polyline `pts` when there are none) as a polyline."""
    if not cmds:
        return list(pts)
    out: list[Pt] = []
    for c in cmds:
        if c[0] in ("M", "L"):
            out.append((c[1], c[2]))
        elif c[0] == "C":
            p0 = out[-1]
            out += [bezier(p0, (c[1], c[2]), (c[3], c[4]), (c[5], c[6]), k / 8) for k in range(1, 9)]
    return out


def point_at(poly: list[Pt], s: float) -> tuple[Pt, Pt]:
    """The point at arc length `s` along the polyline, and the unit direction there."""
    for a, b in zip(poly, poly[1:], strict=False):
        d = math.dist(a, b)
        if d < 1e-9:
            continue
        if s <= d:
            u = _unit(a, b)
            return (a[0] + u[0] * s, a[1] + u[1] * s), u
        s -= d
    a, b = poly[-2], poly[-1]
    return b, _unit(a, b)


def length(poly: list[Pt]) -> float:
    return sum(math.dist(a, b) for a, b in zip(poly, poly[1:], strict=False))


def squiggle(poly: list[Pt], amplitude: float = SQUIGGLE_AMPLITUDE, wave: float = SQUIGGLE_WAVE,
             lead: float = SQUIGGLE_LEAD) -> tuple:
    """M/L commands of a wavy line along the polyline (a rollout): a sine across the route, a whole number of
    half waves long so it starts and ends on the route, then a straight lead into the end."""
    total = length(poly)
    run = max(total - lead - SQUIGGLE_START, 0.0)
    halves = round(run / (wave / 2))
    if halves < 2:
        return ()  # too short to wave: drawn as the route
    wl = 2 * run / halves
    n = halves * SQUIGGLE_STEP // 2
    cmds: list[tuple] = [("M", *poly[0])]
    for k in range(n + 1):
        s = run * k / n
        (x, y), (ux, uy) = point_at(poly, SQUIGGLE_START + s)
        off = amplitude * math.sin(2 * math.pi * s / wl)
        cmds.append(("L", x - uy * off, y + ux * off))
    cmds.append(("L", *poly[-1]))
    return tuple(cmds)
