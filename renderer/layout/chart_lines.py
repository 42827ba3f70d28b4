"""Line geometry of charts: step and smooth (monotone) interpolation."""

from __future__ import annotations

Pt = tuple[float, float]
SAMPLES = 8  # points per smooth segment in the polyline the layout checks measure


def step_points(pts: list[Pt]) -> list[Pt]:
    """A step line: each value holds until the next x, then jumps (a piecewise-constant schedule)."""
    out = list(pts[:1])
    for (_x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        out += [(x1, y0), (x1, y1)]
    return out


def _sign(v: float) -> float:
    return (v > 0) - (v < 0)


def monotone_tangents(pts: list[Pt]) -> list[float]:
    """Slopes at each point of a monotone cubic through the points (Steffen 1990, as d3's curveMonotoneX):
    between two points the curve never leaves the range of their values."""
    n = len(pts)
    if n < 2:
        return [0.0] * n
    h = [pts[k + 1][0] - pts[k][0] for k in range(n - 1)]
    s = [(pts[k + 1][1] - pts[k][1]) / h[k] for k in range(n - 1)]
    if n == 2:
        return [s[0], s[0]]
    t = [0.0] * n
    for k in range(1, n - 1):
        p = (s[k - 1] * h[k] + s[k] * h[k - 1]) / (h[k - 1] + h[k])
        t[k] = (_sign(s[k - 1]) + _sign(s[k])) * min(abs(s[k - 1]), abs(s[k]), 0.5 * abs(p))
    t[0] = _end_slope(s[0], t[1])
    t[-1] = _end_slope(s[-1], t[-2])
    return t


def _end_slope(secant: float, inner: float) -> float:
    """An end point's slope (d3's slope2), limited so the first/last segment stays monotone too."""
    v = (3 * secant - inner) / 2
    if _sign(v) != _sign(secant):
        return 0.0
    return v if abs(v) <= 3 * abs(secant) else 3 * secant


def smooth_cmds(pts: list[Pt]) -> tuple[list[tuple], list[Pt]]:
    """The monotone curve as path commands (M, C …) and as a sampled polyline; x must increase."""
    t = monotone_tangents(pts)
    cmds: list[tuple] = [("M", *pts[0])]
    samples: list[Pt] = [pts[0]]
    for k in range(len(pts) - 1):
        (x0, y0), (x1, y1) = pts[k], pts[k + 1]
        dx = (x1 - x0) / 3
        c1, c2 = (x0 + dx, y0 + dx * t[k]), (x1 - dx, y1 - dx * t[k + 1])
        cmds.append(("C", *c1, *c2, x1, y1))
        for j in range(1, SAMPLES + 1):
            u = j / SAMPLES
            a, b, c, d = (1 - u) ** 3, 3 * u * (1 - u) ** 2, 3 * u * u * (1 - u), u ** 3
            samples.append((a * x0 + b * c1[0] + c * c2[0] + d * x1, a * y0 + b * c1[1] + c * c2[1] + d * y1))
    return cmds, samples

