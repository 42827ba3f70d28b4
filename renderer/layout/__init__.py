"""Stage 3, layout: one language's bound diagram → a backend-neutral Scene (body, edges, frame, credit)."""

from __future__ import annotations

from .. import __version__
from ..scene import Meta, Polygon, Rect, Scene, Style, bbox
from ..spec.bound import BoundDiagram
from ..spec.errors import SpecError
from . import chart, code, flow, graph, icon, math, table, tensor, timeline, tree  # noqa: F401 (register kinds)
from .base import Block, Ctx, layout_element
from .edges import draw_edges
from .markup import plain
from .scene_limits import scene_problems
from .text import Metrics
from .theme import Theme, UnknownRole, load_theme

_METRICS: dict[str, Metrics] = {}
MIN_TITLE_ROOM = 260.0  # px: a title is not squeezed narrower than this; the canvas widens instead
TITLE_SLACK = 0.08  # a title may widen the canvas by this share of the body's width before it wraps


def metrics_for(theme: Theme) -> Metrics:
    """One Metrics (font faces + measurement cache) per theme and process."""
    if theme.digest not in _METRICS:
        _METRICS[theme.digest] = Metrics(theme)
    return _METRICS[theme.digest]


def layout(bound: BoundDiagram, theme: Theme) -> Scene:
    """Place every element of the diagram and draw it as scene primitives."""
    ctx = Ctx(theme, metrics_for(theme), bound.lang, bound.doc, bound.sources)
    d = bound.diagram
    try:
        body = layout_element(d.body, ("body",), ctx)
        for i, e in enumerate(d.edges):
            for end, target in (("from", e.from_), ("to", e.to)):
                if target not in body.anchors:
                    known = ", ".join(sorted(k for k in body.anchors if k.startswith(target.rsplit(".", 1)[0])))
                    raise SpecError([bound.doc.problem(("edges", i, end), f"edge {end} unknown node "
                                                            f"'{target}' (expected one of: {known or 'none'})")])
        edges = draw_edges(d.edges, body.anchors, body.obstacles, ctx,
                           [ctx.src(("edges", i)) for i in range(len(d.edges))])
    except UnknownRole as e:
        role = e.args[0]
        # the role may have come from a placeholder: look for it in the filled-in data (same shape)
        filled = d.model_dump(by_alias=True, exclude_none=True, mode="json")
        raise SpecError([bound.doc.problem(_find_role(filled, role) or _find_role(bound.doc.data, role),
                                                f"unknown colour role '{role}' (expected one of: "
                                                f"{', '.join(theme.roles())})")]) from None
    body.items += edges
    scene = frame(_fit(body), ctx, bound)
    too_big = scene_problems(scene, bound)  # before any backend allocates a raster or a slide for it
    if too_big:
        raise SpecError(too_big)
    return scene


def _fit(block: Block) -> Block:
    """Grow the block to everything drawn (edges may loop outside their elements' area)."""
    x0, y0, x1, y1 = 0.0, 0.0, block.w, block.h
    for p in block.items:
        bx0, by0, bx1, by1 = bbox(p)
        x0, y0, x1, y1 = min(x0, bx0), min(y0, by0), max(x1, bx1), max(y1, by1)
    if (x0, y0, x1, y1) == (0.0, 0.0, block.w, block.h):
        return block
    out = Block(x1 - x0, y1 - y0)
    out.add(block, -x0, -y0)
    return out


def _find_role(data, role: str, path: tuple = ()) -> tuple:
    """Path of the first value equal to `role` (to locate an unknown-role error)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if v == role and k in ("role", "outline", "text_role"):
                return path + (k,)
            found = _find_role(v, role, path + (k,))
            if found:
                return found
    if isinstance(data, list):
        for i, v in enumerate(data):
            found = _find_role(v, role, path + (i,))
            if found:
                return found
    return ()


def _tab_width(title: Block) -> float:
    """Width of the title tab: the title, 16 px each side, and the slant (0.35 of the tab's height)."""
    return title.w + 2 * 16 + (title.h + 10) * 0.35


def frame(body: Block, ctx: Ctx, bound: BoundDiagram) -> Scene:
    """Put the body in the rounded frame with the title tab (bottom-left) and the credit line."""
    d = bound.diagram
    m = ctx.sp("frame_margin")
    cm = ctx.sp("canvas_margin")
    credit = ctx.text_lines(ctx.theme.credit[ctx.lang], ctx.size("credit"), None, 400, "credit", "end",
                            meta=Meta("credit", "credit", None, "credit"))
    title_meta = Meta("title", "title", ctx.src(("title",)), "title")
    title = ctx.text_lines(ctx.t(d.title), ctx.size("title"), None, 700, "title", "start", meta=title_meta)
    # a long title wraps within the width the body gives it, rather than widening the canvas
    room = body.w + 2 * m - credit.w - 3 * m - (_tab_width(title) - title.w)
    if title.w - room > TITLE_SLACK * (body.w + 2 * m) and room >= MIN_TITLE_ROOM:
        title = ctx.text_lines(ctx.t(d.title), ctx.size("title"), room, 700, "title", "start", meta=title_meta)
    # a narrow body: the credit breaks onto two lines beside the tab before it widens the canvas
    if _tab_width(title) + credit.w + 3 * m - (body.w + 2 * m) > TITLE_SLACK * (body.w + 2 * m):
        two = ctx.text_lines(ctx.theme.credit[ctx.lang], ctx.size("credit"), credit.w * 0.6, 400, "credit", "end",
                             meta=Meta("credit", "credit", None, "credit"))
        if two.h <= title.h + 10:
            credit = two
    tab_h = title.h + 10
    slant = tab_h * 0.35
    tab_w = _tab_width(title)
    fw = max(body.w + 2 * m, tab_w + credit.w + 3 * m)
    fh = body.h + 2 * m + tab_h / 2  # the title tab straddles the bottom edge
    x0, y0 = cm, cm
    out = Block(fw + 2 * cm, fh + tab_h / 2 + 2 * cm + 4)
    out.items.append(Rect(x0, y0, fw, fh, ctx.theme.stroke["frame_radius"],
                          Style(stroke=ctx.color("frame"), stroke_width=ctx.theme.stroke["frame"]),
                          Meta("frame", "frame", None, "frame")))
    out.add(body, x0 + (fw - body.w) / 2, y0 + m)
    ty = y0 + fh - tab_h / 2
    tx = x0 + m * 0.6
    out.items.append(Polygon(((tx + slant, ty), (tx + tab_w, ty), (tx + tab_w - slant, ty + tab_h), (tx, ty + tab_h)),
                             Style(fill=ctx.color("tab")), Meta("title-tab", "tab", None, "tab")))
    out.add(title, tx + (tab_w - title.w) / 2, ty + 5)
    cy = ty + 5 + (title.h - credit.h) / 2 + 2
    cx = x0 + fw - m * 0.6 - credit.w
    out.items.append(Rect(cx - 6, cy, credit.w + 12, credit.h, 0, Style(fill=ctx.color("white")),
                          Meta("credit-bg", "white", None, "credit")))
    out.add(credit, cx, cy)
    alt = ctx.t(d.caption) if d.caption else ctx.t(d.title)
    meta = {
        "id": d.id,
        "chapter": d.chapter,
        "tool": f"vizspec {__version__}",
        "lang": ctx.lang,
        "computed": bound.computed,
    }
    return Scene(round(out.w, 2), round(out.h, 2), ctx.metrics.faced(out.items), plain(ctx.t(d.title)), plain(alt),
                 ctx.lang, metadata=meta, family=tuple(ctx.theme.fonts["latin"]),
                 anchors={k: (a.x, a.y, a.w, a.h) for k, a in out.anchors.items()},
                 links=tuple((e.from_, e.to) for e in d.edges))


__all__ = ["Metrics", "Theme", "layout", "load_theme", "metrics_for"]
