"""Stage 3, layout: one language's bound diagram → a backend-neutral Scene (body, edges, frame, credit)."""

from __future__ import annotations

from math import log

from .. import __version__
from ..scene import Ellipse, Meta, Polygon, Rect, Scene, Style, Text, bbox, walk
from ..spec.bound import BoundDiagram
from ..spec.errors import SpecError
from . import aside, chart, code, flow, graph, icon, lanes, math, polar, spectrum, table, target, tensor, timeline, tree  # noqa: E501, F401 (register kinds)
from . import bits as _bits  # noqa: F401 (registers the bits kind)
from . import chain_draw as _chain  # noqa: F401 (registers the chain kind)
from .annotations import draw_braces, draw_callouts
from .balance import place_in
from .base import Block, Ctx, layout_element
from .chain_share import share_chain_columns
from .edges import draw_edges
from .flow import TARGET_ASPECT
from .graph_share import share_graph_layouts
from .legend import legend_block
from .legend_auto import auto_entries
from .markup import plain
from .scene_limits import scene_problems
from .table_levels import share_level_columns
from .tensor_share import share_tensor_cells
from .text import Metrics
from .theme import Theme, UnknownRole, load_theme
from .tree_share import share_tree_layouts

_METRICS: dict[str, Metrics] = {}
MIN_TITLE_ROOM = 260.0  # px: a title is not squeezed narrower than this; the canvas widens instead
GROW_PASSES = 3  # re-layouts at most, each giving containers the room their loops still lack
MIN_LEGEND_ROW = 320.0  # px: a legend under a narrow body may be this wide before it breaks
TITLE_SLACK = 0.08  # a title may widen the canvas by this share of the body's width before it wraps


def metrics_for(theme: Theme) -> Metrics:
    """One Metrics (font faces + measurement cache) per theme and process."""
    if theme.digest not in _METRICS:
        _METRICS[theme.digest] = Metrics(theme)
    return _METRICS[theme.digest]


def layout(bound: BoundDiagram, theme: Theme, floors: dict | None = None, sizes: dict | None = None) -> Scene:
    """Place every element of the diagram and draw it as scene primitives.

    `floors` (spec path -> w, h): each element at least that large (the frames of a sweep, frames.py);
    `sizes`, when given, receives the size each element took."""
    ctx = Ctx(theme, metrics_for(theme), bound.lang, bound.doc, bound.sources, floors=floors or {}, sizes=sizes)
    d = bound.diagram
    try:
        ctx.shared = share_graph_layouts(d.body, ctx)  # first: it also tells a group mixing trees and graphs
        ctx.shared.update(share_tree_layouts(d.body, ctx))
        ctx.shared.update(share_tensor_cells(d.body, ctx))
        ctx.shared.update(share_level_columns(d.body, ctx))
        ctx.shared.update(share_chain_columns(d.body, ctx))
        body = layout_element(d.body, ("body",), ctx)
        for i, e in enumerate(d.edges):
            for end, target in (("from", e.from_), ("to", e.to)):
                if target not in body.anchors:
                    known = ", ".join(sorted(k for k in body.anchors if k.startswith(target.rsplit(".", 1)[0])))
                    raise SpecError([bound.doc.problem(("edges", i, end), f"edge {end} unknown node "
                                                            f"'{target}' (expected one of: {known or 'none'})")])
        srcs = [ctx.src(("edges", i)) for i in range(len(d.edges))]
        braces, walls = draw_braces(d.annotations, body, ctx) if d.annotations else ([], [])
        edges, needs = draw_edges(d.edges, body.anchors, body.obstacles + walls, ctx, srcs, body.frames,
                                       _text_boxes(body.items))
        for _ in range(GROW_PASSES):  # loops that lack room inside their container: more padding, again
            if not needs:
                break
            for key, sides in needs.items():
                grown = ctx.grow.setdefault(key, {})
                for side, px in sides.items():
                    grown[side] = grown.get(side, 0.0) + px
            body = layout_element(d.body, ("body",), ctx)
            braces, walls = draw_braces(d.annotations, body, ctx) if d.annotations else ([], [])
            edges, needs = draw_edges(d.edges, body.anchors, body.obstacles + walls, ctx, srcs, body.frames,
                                       _text_boxes(body.items))
        body.items += edges
        if d.annotations:  # callouts go after the edges, clear of them; _fit takes them into the frame
            body.items += braces
            body.items += draw_callouts(d.annotations, body, ctx)
        bodies = {"auto": _fit(body)}
        entries, paths = (d.legend, None) if isinstance(d.legend, list) else \
            auto_entries(d.legend, bodies["auto"].items, ctx)
        inside = _legend_inside(bodies["auto"], entries, ("legend",), ctx, paths) \
            if entries and d.legend_at == "inside" else None
        if inside is not None:
            bodies = {"inside": inside}
        elif entries:
            sides = ("bottom", "right") if d.legend_at in ("auto", "inside") else (d.legend_at,)
            bodies = _with_legend(bodies["auto"], entries, ("legend",), ctx, sides, paths)
    except UnknownRole as e:
        role = e.args[0]
        # the role may have come from a placeholder: look for it in the filled-in data (same shape)
        filled = d.model_dump(by_alias=True, exclude_none=True, mode="json")
        raise SpecError([bound.doc.problem(_find_role(filled, role) or _find_role(bound.doc.data, role),
                                                f"unknown colour role '{role}' (expected one of: "
                                                f"{', '.join(theme.roles())})")]) from None
    # the legend goes on the side (under or right) that keeps the canvas nearer a 16:10 slide
    scene = min((frame(b, ctx, bound) for b in bodies.values()),
                key=lambda sc: abs(log(sc.width / sc.height / TARGET_ASPECT)))
    too_big = scene_problems(scene, bound)  # before any backend allocates a raster or a slide for it
    if too_big:
        raise SpecError(too_big)
    return scene


def _text_boxes(items: list) -> list[tuple[float, float, float, float]]:
    """Where the body's text and its badges (icon and step circles) are drawn: arrowheads keep off them."""
    return [bbox(t) for t in walk(items) if (isinstance(t, Text) and t.text.strip())
            or (isinstance(t, Ellipse) and t.meta.kind in ("badge", "step"))]


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


def _with_legend(body: Block, entries: list, path: tuple, ctx: Ctx, sides: tuple[str, ...],
                 paths: list[tuple] | None = None) -> dict[str, Block]:
    """The body with its legend in centred rows under it (`bottom`) and/or in one column right of it (`right`)."""
    gap = ctx.sp("gap")
    out = {}
    if "bottom" in sides:
        leg = legend_block(entries, path, ctx, max(body.w, MIN_LEGEND_ROW), paths)
        under = out["bottom"] = Block(max(body.w, leg.w), body.h + gap + leg.h)
        under.add(body, (under.w - body.w) / 2, 0)
        under.add(leg, (under.w - leg.w) / 2, body.h + gap)
    if "right" in sides:
        col = legend_block(entries, path, ctx, None, paths)
        beside = out["right"] = Block(body.w + 2 * gap + col.w, max(body.h, col.h))
        beside.add(body, 0, (beside.h - body.h) / 2)
        beside.add(col, body.w + 2 * gap, (beside.h - col.h) / 2)
    return out


def _legend_inside(body: Block, entries: list, path: tuple, ctx: Ctx, paths: list[tuple] | None) -> Block | None:
    """The body with its legend in the largest empty area that fits it (rows broken to the area's width, else
    one column), centred there; None when no area fits it."""
    made: dict[float, Block] = {}

    def make(width: float) -> tuple[float, float]:
        rows = legend_block(entries, path, ctx, width, paths)
        col = legend_block(entries, path, ctx, None, paths)
        made[width] = rows if rows.w <= width or col.w > width else col
        return made[width].w, made[width].h

    found = place_in(body.w, body.h, body.items, make, LEGEND_MARGIN * ctx.sp("gap"), "center")
    if found is None:
        return None
    room, x, y = found
    out = Block(body.w, body.h)
    out.add(body, 0, 0)
    out.add(made[room[2]], x, y)
    return out


LEGEND_MARGIN = 1.5  # × the theme's gap: how far a legend placed inside the body keeps from what it draws


def _find_role(data, role: str, path: tuple = ()) -> tuple:
    """Path of the first value equal to `role` (to locate an unknown-role error)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if v == role and k in ("role", "outline", "text_role", "line"):
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
    if d.poster:
        meta["poster"] = True  # read by the aspect check (app/check_layout.py)
    return Scene(round(out.w, 2), round(out.h, 2), ctx.metrics.faced(out.items), plain(ctx.t(d.title)), plain(alt),
                 ctx.lang, metadata=meta, family=tuple(ctx.theme.fonts["latin"]),
                 anchors={k: (a.x, a.y, a.w, a.h) for k, a in out.anchors.items()},
                 links=tuple((e.from_, e.to) for e in d.edges))


__all__ = ["Metrics", "Theme", "layout", "load_theme", "metrics_for"]
