"""Layout defects of a rendered scene, each reported at the spec location of the element causing it.

Checks: text overflowing its box, overlapping boxes, overlapping text runs, edges crossing boxes they
do not connect, anything outside the frame, colours that are not the theme's, characters the font
cannot draw; and the layout-quality checks of check_layout.py (slide aspect, empty space, near-misses
of alignment, edge ends, arrowhead clearance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import combinations
from pathlib import PurePath

from ..layout.base import Anchor
from ..layout.colormap import CONTINUOUS_ROLE
from ..layout.edges import segment_hits
from ..layout.theme import Theme
from ..scene import Ellipse, Group, Line, Path, Polygon, Prim, Rect, Scene, Text, bbox, walk
from ..spec.errors import Problem, run_stage
from .check_layout import LAYOUT_CHECKS, contains
from .check_legend import legend_checks, legend_meanings


def src_location(src: str | None, fallback: str) -> tuple[str, int, int]:
    """(file, line, col) of a primitive's `file:line:col` spec location, or the fallback file's start."""
    if not src:
        return (fallback, 1, 1)
    file, line, col = src.rsplit(":", 2)
    return (file, int(line), int(col))


def _problem(src: str | None, fallback: str, message: str) -> Problem:
    return Problem(*src_location(src, fallback), message, "defect")


def _area(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _boxes(scene: Scene) -> list[tuple[Group, Prim]]:
    """(group, shape) of every box-like element: a group whose first child is its shape."""
    return [(g, g.children[0]) for g in walk(scene.items)
            if isinstance(g, Group) and g.meta.kind in ("box", "node") and g.children
            and (isinstance(g.children[0], Rect | Ellipse | Polygon)
                 or (g.meta.kind == "box" and isinstance(g.children[0], Path)))]  # a cylinder's outline


def check_scene(scene: Scene, theme: Theme, file: str = "?", covered: Callable[[str], bool] | None = None
                ) -> list[Problem]:
    """Every layout defect of the scene, located at the elements' spec positions."""
    return sorted({p for _name, p in named_findings(scene, theme, file, covered)})


def named_findings(scene: Scene, theme: Theme, file: str = "?", covered: Callable[[str], bool] | None = None
                   ) -> list[tuple[str, Problem]]:
    """(check name, problem) of every finding; a spec's `waive:` names checks to skip, with a reason."""
    boxes = _boxes(scene)
    out: list[tuple[str, Problem]] = []
    for name, found in (("text-overflow", _text_overflow(boxes, file)),
                        ("box-overlap", _overlapping_boxes(boxes, file)),
                        ("text-overlap", _overlapping_text(scene, file)),
                        ("edge-crosses-box", _edges_crossing(scene, boxes, file)),
                        ("label-overlap", _labels_on_boxes(scene, boxes, file)),
                        ("outside-frame", _outside_frame(scene, file)),
                        ("foreign-colour", _foreign_colours(scene, theme, file)),
                        ("missing-glyph", _missing_glyphs(scene, covered, file) if covered else [])):
        out += [(name, p) for p in found]
    for check in LAYOUT_CHECKS:
        out += [(name, _problem(src, file, msg)) for name, src, msg in check(scene)]
    out += [("line-over-categories", p) for p in _lines_over_categories(scene, file)]
    out += [(name, _problem(src, file, msg)) for name, src, msg in legend_checks(scene, theme)]
    return out


def _lines_over_categories(scene: Scene, file) -> list[Problem]:
    """A warning for a line or area chart over a category x axis: a line between two categories claims values
    between them, which unordered categories (cities, models) do not have; bars or markers say what is meant.
    Ordered categories (steps, epochs) are fine: waive `line-over-categories` with the reason."""
    out = []
    for p in walk(scene.items):
        data = getattr(p, "data", None)
        if isinstance(p, Group) and data and data.get("kind") in ("line", "area") and data.get("categories") \
                and any(s.get("line", True) for s in data.get("series", [])):
            out.append(Problem(*src_location(p.meta.src, file), f"a {data['kind']} chart joins the categories of "
                               "its x axis with a line, as if there were values between them (expected a bar "
                               "chart, `line: false`, or a numeric x; for ordered categories waive "
                               "line-over-categories)", "warning"))
    return out


def _text_overflow(boxes, file) -> list[Problem]:
    out = []
    for g, shape in boxes:
        sb = bbox(shape)
        for t in g.children[1:]:
            if isinstance(t, Text) and not contains(sb, bbox(t)):
                size = f"{sb[2] - sb[0]:.0f}×{sb[3] - sb[1]:.0f}"
                msg = f"text '{t.text}' overflows its box (box {size} px)"
                out.append(_problem(t.meta.src or g.meta.src, file, msg))
    return out


def _overlapping_boxes(boxes, file) -> list[Problem]:
    out = []
    for (g1, s1), (g2, s2) in combinations(boxes, 2):
        b1, b2 = bbox(s1), bbox(s2)
        if _area(b1, b2) > 4 and not contains(b1, b2) and not contains(b2, b1):
            name = g2.meta.id or "a box"
            out.append(_problem(g1.meta.src, file, f"box '{g1.meta.id or '?'}' overlaps {name}"))
    return out


def _overlapping_text(scene: Scene, file) -> list[Problem]:
    texts = [t for t in walk(scene.items) if isinstance(t, Text) and t.text.strip()]
    out = []
    for a, b in combinations(texts, 2):
        ba, bb = bbox(a), bbox(b)
        if a.rotate and a.pivot is not None and (a.rotate, a.pivot) == (b.rotate, b.pivot):  # one turned label
            ba, bb = bbox(replace(a, rotate=0.0)), bbox(replace(b, rotate=0.0))  # compared in its own frame
        if _area(ba, bb) > 0.15 * min((ba[2] - ba[0]) * (ba[3] - ba[1]), (bb[2] - bb[0]) * (bb[3] - bb[1])):
            out.append(_problem(b.meta.src or a.meta.src, file, f"text '{b.text}' overlaps text '{a.text}'"))
    return out


def _edges_crossing(scene: Scene, boxes, file) -> list[Problem]:
    out = []
    anchors = [(g, Anchor(*_xywh(bbox(s)))) for g, s in boxes]
    for line in (p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"):
        for g, a in anchors:
            ends = [line.points[0], line.points[-1]]
            if any(_touches(pt, a) for pt in ends):
                continue
            if any(segment_hits(line.points[i], line.points[i + 1], a, 2.0) for i in range(len(line.points) - 1)):
                out.append(_problem(line.meta.src, file, f"edge crosses box '{g.meta.id or '?'}'"))
    return out


def _labels_on_boxes(scene: Scene, boxes, file) -> list[Problem]:
    out = []
    lines = [p for p in walk(scene.items) if isinstance(p, Line) and p.meta.kind == "edge"]
    for t in walk(scene.items):
        if isinstance(t, Text) and t.meta.kind == "edge-label":
            for g, shape in boxes:
                if _area(bbox(t), bbox(shape)) > 1:
                    out.append(_problem(t.meta.src, file, f"edge label '{t.text}' overlaps box '{g.meta.id or '?'}' "
                                                          "(widen the gap or shorten the label)"))
            tb = Anchor(*_xywh(bbox(t)))
            for line in lines:
                if line.meta.id != t.meta.id and any(segment_hits(line.points[i], line.points[i + 1], tb, 0.5)
                                                     for i in range(len(line.points) - 1)):
                    out.append(_problem(t.meta.src, file, f"edge label '{t.text}' lies on another edge's line"))
    return out


def _xywh(b: tuple) -> tuple[float, float, float, float]:
    return (b[0], b[1], b[2] - b[0], b[3] - b[1])


def _touches(pt, a: Anchor) -> bool:
    return a.x - 2 <= pt[0] <= a.x + a.w + 2 and a.y - 2 <= pt[1] <= a.y + a.h + 2


def _outside_frame(scene: Scene, file) -> list[Problem]:
    frame = next((p for p in scene.items if isinstance(p, Rect) and p.meta.kind == "frame"), None)
    if frame is None:
        return []
    fb = bbox(frame)
    out = []
    for p in scene.items:
        if p.meta.kind in ("frame", "tab", "title", "credit"):
            continue
        if not contains(fb, bbox(p), 2.0):
            out.append(_problem(p.meta.src, file, f"{p.meta.kind or 'element'} '{p.meta.id or ''}' lies outside "
                                                  "the frame"))
    return out


DEFECTS = ("text-overflow", "box-overlap", "text-overlap", "edge-crosses-box", "label-overlap", "outside-frame",
           "foreign-colour", "missing-glyph")  # the checks that predate the layout-quality ones


def check_spec(path, langs=("en", "zh"), waived: list[tuple[str, str]] | None = None,
               only: tuple[str, ...] | None = None, meanings: dict | None = None) -> list[Problem]:
    """Load, bind and lay out a spec in each language, and check every scene.

    Findings of a check the spec waives (`waive: {near-alignment: "reason"}`) are left out and, when
    `waived` is a list, appended to it as (check, reason) once per finding. `only` limits the checks run.
    `meanings`, when given, collects what the diagram's legend says each colour means, in its first language,
    under (chapter, mark) for `chapter_findings` (unless the diagram waives chapter-role-meaning or is a
    feature example under specs/_examples/).
    """
    from ..bind import bind
    from ..layout import layout, metrics_for
    from ..layout.theme import load_theme
    from ..spec.loader import load

    theme = load_theme()
    spec = run_stage(path, "load", load, path)
    bound = run_stage(path, "bind", bind, spec)
    metrics = metrics_for(theme)
    waivers = spec.diagram.waive
    out: set[Problem] = set()
    scenes = [(lang, run_stage(path, "layout", layout, bound.for_lang(lang), theme)) for lang in langs]
    if spec.diagram.sweep is not None:  # every frame is checked too, as the build lays it out
        from .sweeps import bind_frames, frame_scenes, value_texts

        frames = run_stage(path, "bind", bind_frames, spec)
        for lang in langs:
            texts = value_texts(spec, lang)
            scenes += [(f"{lang}, frame {texts[i]}", s)
                       for i, s in enumerate(run_stage(path, "layout", frame_scenes, frames, lang, theme))]
    if meanings is not None and "_examples" in PurePath(path).parts:
        pass  # feature examples are unrelated diagrams, each with its own colours: no chapter to agree with
    elif meanings is not None and "chapter-role-meaning" not in waivers:
        d = spec.diagram
        for mark, texts in legend_meanings(scenes[0][1], theme).items():
            for text, src in texts.items():
                meanings.setdefault((d.chapter, mark), {}).setdefault(text, (src, d.id))
    elif meanings is not None and waived is not None:
        waived.append(("chapter-role-meaning", waivers["chapter-role-meaning"]))
    for lang, scene in scenes:
        found = run_stage(path, "check", named_findings, scene, theme, spec.file, metrics.has_glyph)
        for name, p in found:
            if only is not None and name not in only:
                continue
            if name in waivers:
                if waived is not None:
                    waived.append((name, waivers[name]))
                continue
            out.add(Problem(p.file, p.line, p.col, f"[{lang}] {p.message}", p.severity))
    return sorted(out)


def _colours(p: Prim) -> list[str]:
    if isinstance(p, Text):
        return [p.fill]
    style = getattr(p, "style", None)
    return [c for c in (style.fill, style.stroke, *(style.gradient or ())) if c] if style else []


def _foreign_colours(scene: Scene, theme: Theme, file) -> list[Problem]:
    allowed = theme.colors() | {scene.background.upper()}
    out = []
    for p in walk(scene.items):
        if p.meta.role == CONTINUOUS_ROLE:  # a blend of the theme's scale colours: a value's colour
            continue
        for c in _colours(p):
            if c.upper() not in allowed:
                out.append(_problem(p.meta.src, file, f"colour {c} is not a theme colour (expected a palette role)"))
    return out


def _missing_glyphs(scene: Scene, covered: Callable[[str], bool], file) -> list[Problem]:
    out = []
    for t in walk(scene.items):
        if isinstance(t, Text):
            missing = sorted({ch for ch in t.text if not ch.isspace() and not covered(ch)})
            if missing:
                out.append(_problem(t.meta.src, file, f"character(s) {''.join(missing)!r} not in the font "
                                                      f"(they would be drawn by a fallback font or as boxes)"))
    return out


__all__ = ["check_scene", "check_spec", "Path"]
