"""Buses: edges marked `bus: true` that share an end are drawn as one trunk with stubs and junction dots.

Fan-in: edges from several sources into one target leave each source at the side facing the target,
meet a trunk halfway, and enter the target as one arrow at the middle of its facing side. Fan-out is
the mirror image (one source, several targets). Every member is still a whole edge from its source to
its target (so checks and labels treat it as one); members overlap exactly on the shared trunk.
"""

from __future__ import annotations

from ..scene import Ellipse, Meta, Style
from ..spec.models import Edge
from .base import Anchor
from .geometry import dedupe

Pt = tuple[float, float]
JUNCTION_R = 3.2  # px: radius of the dot where a stub meets the trunk


def bus_groups(edges: list[Edge]) -> list[tuple[str, list[int]]]:
    """("in" | "out", edge indexes) of every bus: bus edges sharing a target, else sharing a source."""
    by_to: dict[str, list[int]] = {}
    by_from: dict[str, list[int]] = {}
    for i, e in enumerate(edges):
        if e.bus:
            by_to.setdefault(e.to, []).append(i)
    taken = {i for ids in by_to.values() if len(ids) > 1 for i in ids}
    for i, e in enumerate(edges):
        if e.bus and i not in taken:
            by_from.setdefault(e.from_, []).append(i)
    return [("in", ids) for ids in by_to.values() if len(ids) > 1] + \
           [("out", ids) for ids in by_from.values() if len(ids) > 1]


def bus_routes(kind: str, ids: list[int], edges: list[Edge], anchors: dict[str, Anchor]
               ) -> tuple[dict[int, list[Pt]], list[Pt]]:
    """Routes of the bus members and the junction points where a stub joins the trunk in a T."""
    hub = anchors[edges[ids[0]].to if kind == "in" else edges[ids[0]].from_]
    ends = {i: anchors[edges[i].from_ if kind == "in" else edges[i].to] for i in ids}
    others = list(ends.values())
    below = all(a.y >= hub.y + hub.h for a in others)
    above = all(a.y + a.h <= hub.y for a in others)
    right = all(a.x >= hub.x + hub.w for a in others)
    vertical = below or above or not (right or all(a.x + a.w <= hub.x for a in others))
    routes: dict[int, list[Pt]] = {}
    if vertical:
        far_side = not above and (below or sum(a.cy for a in others) / len(others) > hub.cy)
        # the members sit below the hub (far_side) or above it; the trunk runs halfway between
        near = min(a.y for a in others) if far_side else max(a.y + a.h for a in others)
        hy = hub.y + hub.h if far_side else hub.y
        ty = (near + hy) / 2
        for i, a in ends.items():
            p = (a.cx, a.y if far_side else a.y + a.h)
            routes[i] = dedupe([p, (p[0], ty), (hub.cx, ty), (hub.cx, hy)])  # member → hub
        xs = [a.cx for a in others] + [hub.cx]
        joins = [(x, ty) for x in xs if min(xs) + 0.5 < x < max(xs) - 0.5]
    else:
        far_side = right
        near = min(a.x for a in others) if far_side else max(a.x + a.w for a in others)
        hx = hub.x + hub.w if far_side else hub.x
        tx = (near + hx) / 2
        for i, a in ends.items():
            p = (a.x if far_side else a.x + a.w, a.cy)
            routes[i] = dedupe([p, (tx, p[1]), (tx, hub.cy), (hx, hub.cy)])
        ys = [a.cy for a in others] + [hub.cy]
        joins = [(tx, y) for y in ys if min(ys) + 0.5 < y < max(ys) - 0.5]
    if kind == "out":  # from the hub to each member
        routes = {i: pts[::-1] for i, pts in routes.items()}
    return routes, joins


def junction(pt: Pt, color: str, src: str | None, ident: str) -> Ellipse:
    return Ellipse(pt[0], pt[1], JUNCTION_R, JUNCTION_R, Style(fill=color), Meta(ident, "arrow", src, "edge-junction"))
