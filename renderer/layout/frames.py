"""The frames of a sweep laid out so they compare: every element as large as in its largest frame.

Each frame is laid out once on its own, recording the size each element (by spec path) takes; then all
frames again with those sizes as floors, so an element present in every frame keeps its place and only the
data inside it changes. `with_strip` adds the strip that names the swept input and marks the frame's value.
"""

from __future__ import annotations

from dataclasses import replace

from ..scene import Meta, Rect, Scene, Style, Text, shift
from ..spec.bound import BoundDiagram
from . import layout, metrics_for
from .base import Ctx
from .theme import Theme

STRIP_GAP = 8.0  # px between the value chips of the strip


def layout_frames(bounds: list[BoundDiagram], theme: Theme) -> list[Scene]:
    """One scene per frame, elements sized alike across frames, every canvas the size of the largest."""
    sizes: list[dict] = [{} for _ in bounds]
    scenes = [layout(b, theme, sizes=s) for b, s in zip(bounds, sizes, strict=True)]
    if any(s != sizes[0] for s in sizes[1:]):
        floors: dict[tuple, tuple[float, float]] = {}
        for s in sizes:
            for path, (w, h) in s.items():
                fw, fh = floors.get(path, (0.0, 0.0))
                floors[path] = (max(fw, w), max(fh, h))
        # a frame whose every element is already as large as its floor would be laid out the same again
        scenes = [scene if all(floors[path] == size for path, size in s.items()) else layout(b, theme, floors=floors)
                  for b, s, scene in zip(bounds, sizes, scenes, strict=True)]
    w = max(s.width for s in scenes)
    h = max(s.height for s in scenes)
    return [replace(s, width=w, height=h) for s in scenes]


def with_strip(scene: Scene, theme: Theme, label: str, values: list[str], index: int) -> Scene:
    """The scene under a strip `label:  v0  v1  [v2]  v3` with this frame's value filled in the accent colour."""
    ctx = Ctx(theme, metrics_for(theme), scene.lang)
    size = ctx.size("body")
    pad_x, pad_y = 8.0, 4.0
    chip_h = size + 2 * pad_y
    margin = ctx.sp("canvas_margin")
    top = margin + chip_h + STRIP_GAP
    items = []
    x, y = margin + ctx.sp("frame_margin") * 0.6, margin
    head = ctx.text_lines(label + ":", size, None, 700, "text", "start", meta=Meta("sweep-label", None, None, "sweep"))
    items += [shift(p, x, y + (chip_h - head.h) / 2) for p in head.items]
    x += head.w + 2 * STRIP_GAP
    for i, text in enumerate(values):
        tw = ctx.metrics.width(text, size, 700 if i == index else 400, False)
        on = i == index
        meta = Meta(f"sweep-value-{i}", "accent" if on else "panel", None, "sweep")
        items.append(Rect(x, y, tw + 2 * pad_x, chip_h, chip_h / 2,
                          Style(fill=ctx.color("accent" if on else "panel"), stroke=ctx.color("frame"),
                                stroke_width=0.8), meta))
        items.append(Text(x + pad_x + tw / 2, y + pad_y + size * 0.88, text, size,
                          ctx.color(ctx.readable("accent", "text") if on else "text"), 700 if on else 400,
                          "middle", tuple(theme.fonts["sans"]), width=tw, meta=meta))
        x += tw + 2 * pad_x + STRIP_GAP
    body = [shift(p, 0, top) for p in scene.items]
    anchors = {k: (ax, ay + top, aw, ah) for k, (ax, ay, aw, ah) in scene.anchors.items()}
    return replace(scene, width=max(scene.width, x + margin), height=scene.height + top,
                   items=ctx.metrics.faced(items) + body, anchors=anchors)
