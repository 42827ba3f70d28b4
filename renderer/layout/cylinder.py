"""A box drawn as a cylinder (a database, a replay buffer): its label under the top rim and, optionally, its
records stacked inside it, each an edge end `<id>.r<i>` at the cylinder's sides."""

from __future__ import annotations

from ..scene import Ellipse, Group, Meta, Path, Rect, Style
from ..spec.models import Box
from .base import Anchor, Block, Ctx
from .edge_paths import KAPPA

RIM_SHARE = 0.1  # the rim's half height as a share of the width ...
RIM_MIN, RIM_MAX = 6.0, 16.0  # ... within these px
RECORD_GAP = 6.0  # px between records, and between the label and the first record
RECORD_PAD = 4.0  # px above and below a record's text


def body_cmds(w: float, h: float, ry: float) -> tuple:
    """The cylinder's silhouette: the sides, the bottom half-ellipse and the top's back half-ellipse."""
    kx, ky, cx = KAPPA * w / 2, KAPPA * ry, w / 2
    return (("M", 0.0, ry), ("L", 0.0, h - ry), ("C", 0.0, h - ry + ky, cx - kx, h, cx, h),
            ("C", cx + kx, h, w, h - ry + ky, w, h - ry), ("L", w, ry), ("C", w, ry - ky, cx + kx, 0.0, cx, 0.0),
            ("C", cx - kx, 0.0, 0.0, ry - ky, 0.0, ry), ("Z",))


def layout_cylinder(b: Box, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """The cylinder sized to its label and records (or larger: its width/height, the container's stretch)."""
    pad = ctx.sp("padding")
    vpad = pad * 0.6
    src = ctx.src(path)
    meta = Meta(b.id, b.role, src, "box")
    max_w = b.max_width or ctx.sp("box_max_width")
    text_role = b.text_role or ctx.readable(b.role, "text")
    parts = [ctx.text_lines(ctx.t(b.text), ctx.size("body"), max_w, 700 if b.bold else 400, text_role,
                            meta=Meta(b.id, text_role, ctx.src(path + ("text",)), "box-text"))]
    if b.sub is not None:
        sub_role = ctx.readable(b.role, "text-soft", 3.0)
        parts.append(ctx.text_lines(ctx.t(b.sub), ctx.size("small"), max_w, 400, sub_role,
                                    meta=Meta(b.id, sub_role, ctx.src(path + ("sub",)), "box-text")))
    records = [ctx.text_lines(ctx.t(r), ctx.size("body"), max_w, 400, "text",
                              meta=Meta(b.id, "text", ctx.src(path + ("rows", i)), "box-text"))
               for i, r in enumerate(b.rows or [])]
    rw = max([r.w for r in records], default=0.0) + 2 * pad
    rh = max([r.h for r in records], default=0.0) + 2 * RECORD_PAD
    tw = max([p.w for p in parts] + [rw])
    th = sum(p.h for p in parts) + 2 * (len(parts) - 1)
    stack = th + sum(RECORD_GAP + rh for _ in records)
    w = max(tw + 2 * pad, b.width or 0, min_w, ctx.size("body") * 3)
    ry = min(max(w * RIM_SHARE, RIM_MIN), RIM_MAX)
    h = max(2 * ry + vpad + stack + vpad + ry, b.height or 0, min_h)
    outline = b.outline or "text-soft"  # the rim needs a line to be seen on the body of the same fill
    style = Style(fill=ctx.color(b.role), stroke=ctx.color(outline), stroke_width=ctx.theme.stroke["width"],
                  dash=(4, 3) if b.dashed else None)
    items = [Path(body_cmds(w, h, ry), style, meta), Ellipse(w / 2, ry, w / 2, ry, style,
                                                            Meta(b.id, b.role, src, "cylinder-rim"))]
    out = Block(w, h)
    y = 2 * ry + (h - 3 * ry - stack) / 2  # the content centred between the rim and the bottom curve
    for p in parts:
        out.add(p, (w - p.w) / 2, y)
        y += p.h + 2
    y += RECORD_GAP - 2
    record = Style(fill=ctx.color("white"), stroke=ctx.color("frame"), stroke_width=ctx.theme.stroke["width"])
    for i, r in enumerate(records):
        x = (w - rw) / 2
        items.append(Rect(x, y, rw, rh, 3.0, record, Meta(b.id, "white", ctx.src(path + ("rows", i)),
                                                         "cylinder-record")))
        out.add(r, (w - r.w) / 2, y + RECORD_PAD)
        if b.id:  # the record's band across the whole cylinder: edges attach at its sides
            out.anchors[f"{b.id}.r{i}"] = Anchor(0, y, w, rh, "rect", ctx.src(path + ("rows", i)))
        y += rh + RECORD_GAP
    texts = out.items
    out.items = [Group((*items, *texts), meta)]
    anchor = Anchor(0, 0, w, h, "rect", src)
    if b.id:
        out.anchors[b.id] = anchor
    out.obstacles.append(anchor)
    return out
