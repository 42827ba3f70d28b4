"""Size limits on a laid-out scene, checked once after layout and before any backend draws it.

Every number in a spec is bounded, but bounded numbers still multiply: 400 boxes of 2000 × 2000 px, or a
formula at a huge size, make a canvas no rasteriser can allocate. The limits are far above any real
diagram (the largest in specs/ is about 1,500 × 1,500 px with 2,400 primitives) and each names itself.
"""

from __future__ import annotations

from ..scene import Line, Path, Polygon, Scene, Text, walk
from ..spec.bound import BoundDiagram
from ..spec.errors import Problem

MAX_CANVAS_SIDE = 20_000  # px a side: PowerPoint's largest slide is 56 in (5,376 px); PNG doubles it
MAX_CANVAS_AREA = 25_000_000  # px²: at the default PNG scale 2, 100 M pixels (400 MB of RGBA)
MAX_PRIMITIVES = 100_000  # shapes and text runs in one scene
MAX_POINTS = 1_000_000  # path commands and polyline/polygon points in one scene (glyph outlines count)
MAX_SCENE_TEXT = 200_000  # characters of text in one scene

SCENE_LIMITS: dict[str, int] = {
    "max_canvas_side": MAX_CANVAS_SIDE, "max_canvas_area": MAX_CANVAS_AREA, "max_primitives": MAX_PRIMITIVES,
    "max_points": MAX_POINTS, "max_scene_text": MAX_SCENE_TEXT,
}


def scene_problems(scene: Scene, bound: BoundDiagram) -> list[Problem]:
    """Problems of a scene over the size limits, located at the diagram's body."""
    def at(message: str) -> Problem:
        return bound.doc.problem(("body",), message)

    w, h = scene.width, scene.height
    size = f"{w:,.0f} × {h:,.0f} px"
    if max(w, h) > MAX_CANVAS_SIDE:
        return [at(f"the diagram is {size} (limit max_canvas_side = {MAX_CANVAS_SIDE} px)")]
    if w * h > MAX_CANVAS_AREA:
        return [at(f"the diagram is {size}, {w * h:,.0f} px² (limit max_canvas_area = {MAX_CANVAS_AREA} px²)")]
    prims = points = chars = 0
    for p in walk(scene.items):
        prims += 1
        if isinstance(p, Path):
            points += len(p.cmds)
        elif isinstance(p, Polygon | Line):
            points += len(p.points)
        elif isinstance(p, Text):
            chars += len(p.text)
    if prims > MAX_PRIMITIVES:
        return [at(f"the diagram has {prims:,} shapes and text runs (limit max_primitives = {MAX_PRIMITIVES})")]
    if points > MAX_POINTS:
        return [at(f"the diagram's paths have {points:,} points (limit max_points = {MAX_POINTS})")]
    if chars > MAX_SCENE_TEXT:
        return [at(f"the diagram holds {chars:,} characters of text (limit max_scene_text = {MAX_SCENE_TEXT})")]
    return []
