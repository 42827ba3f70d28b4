"""Colour checks: every meaningful fill role is explained by a legend, and each role means one thing.

A role is *meaningful* when the theme does not list it as neutral (panels, frames, text, …) and it is not a
step of a colour scale (a scale has its colour bar). Legends are the diagram's `legend:` and the legends that
charts and tables draw for their own series and bit kinds.
"""

from __future__ import annotations

from collections import defaultdict

from ..layout.marks import shape_of
from ..layout.theme import Theme
from ..scene import Line, Path, Prim, Scene, Text, walk

LEGEND_KINDS = ("legend", "legend-text", "legend-mark", "chart-legend", "table-legend")
DIRECT_LABELS = ("chart-end-label",)  # texts that name what their colour means where it is drawn
MARK_KIND = "target-mean"  # what a legend `mark: cross` sample explains: a target's mean cross
SHAPE_KIND = "legend-shape"  # a legend marker-shape sample (circle, diamond, …)
MARKER_KINDS = ("timeline-event", "chain-mark")  # the markers a shape sample explains (a chain's node shapes)
EDGE_KINDS = ("edge", "graph-edge")  # connectors between elements, and inside a graph
# line styles a legend line entry may explain (also a chart's series and its reference lines, e.g. a dashed mean)
LINE_KINDS = EDGE_KINDS + ("chart-line", "chart-curve", "chart-ref")
OUTLINE_KINDS = ("chart-highlight",)  # outlines a line entry may explain too (a heat map's outlined row)
ICON_KINDS = ("badge", "icon")  # where an icon a legend `icon:` entry explains is drawn
NOT_A_FILL = LEGEND_KINDS + ("legend-icon", "math", "text", "note", "credit", "title", "tab", "chart-key",
                             SHAPE_KIND,  # a marker sample explains a shape, not its fill
                             "badge", "step",  # a badge's glyph (a lock, a flame, a number) says what it means
                             "chart-chip",  # the paper behind a chart label
                             "spectrum")  # a spectrum arrow's end labels say what its two colours mean

Finding = tuple[str, str | None, str]  # (check name, spec location, message)


def _meaningful(role: str | None, theme: Theme) -> bool:
    return bool(role) and role not in theme.neutral and not role.startswith("scale")


def _fills(scene: Scene) -> dict[str, str | None]:
    """Fill role → where it is first used."""
    used: dict[str, str | None] = {}
    for p in walk(scene.items):
        style = getattr(p, "style", None)
        if isinstance(p, Text | Line) or style is None or not style.fill or p.meta.kind in NOT_A_FILL:
            continue
        if p.meta.role:
            used.setdefault(p.meta.role, p.meta.src)
    return used


Mark = tuple  # what a legend swatch shows: its fill role, and for a neutral fill also its outline, dash and hatch


def _mark(p: Prim, theme: Theme) -> Mark:
    """A swatch's mark: a meaningful role means one thing however it is outlined; a neutral fill (white, light)
    means nothing by itself, so a white dashed swatch (a ghost box) and a white framed one are two marks."""
    if _meaningful(p.meta.role, theme) or isinstance(p, Text):
        return (p.meta.role,)
    style = getattr(p, "style", None)
    if style is None:
        return (p.meta.role,)
    return (p.meta.role, style.stroke, style.dash is not None, style.hatch)


def _labels(scene: Scene, theme: Theme | None = None, kinds: tuple[str, ...] = LEGEND_KINDS
            ) -> dict[Mark | str, dict[str, str | None]]:
    """Role → {legend text → where it is written}, over every legend the scene draws (of `kinds`); with a
    theme, keyed by the swatch's mark (see _mark) instead of its role."""
    texts: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    swatches: list[Prim] = []
    for p in walk(scene.items):
        if p.meta.kind not in kinds or not p.meta.role:
            continue
        if isinstance(p, Text):
            texts[(p.meta.role, p.meta.src)].append(p.text)
        else:
            swatches.append(p)
    out: dict[Mark | str, dict[str, str | None]] = defaultdict(dict)

    def key(p: Prim) -> Mark | str:
        return _mark(p, theme) if theme is not None else p.meta.role

    for p in swatches:
        label = " ".join(texts.get((p.meta.role, p.meta.src), [])).strip()
        out[key(p)].setdefault(label, p.meta.src)
    for p in walk(scene.items):  # a series named at the end of its line, in its colour, is its own legend
        if kinds is LEGEND_KINDS and isinstance(p, Text) and p.meta.kind in DIRECT_LABELS and p.meta.role:
            out[key(p)].setdefault(p.text, p.meta.src)
    return out


def _lines(scene: Scene) -> set[tuple[str | None, bool]]:
    """(role, dashed) of every edge (a straight or routed Line, or a graph's spline Path), chart line and
    highlight outline drawn."""
    return {(p.meta.role, p.style.dash is not None) for p in walk(scene.items)
            if isinstance(p, Line | Path) and p.meta.kind in LINE_KINDS or p.meta.kind in OUTLINE_KINDS}


def legend_checks(scene: Scene, theme: Theme) -> list[Finding]:
    """`legend`: a meaningful role without an entry (when two or more are used), or a diagram legend entry
    that nothing uses; `role-meaning`: one role explained as two different things."""
    filled = _fills(scene)  # a neutral role may be explained too (a pale highlight), but never has to be
    used = {role: src for role, src in filled.items() if _meaningful(role, theme)}
    labels = _labels(scene)
    out: list[Finding] = []
    if len(used) >= 2:
        for role, src in used.items():
            if role not in labels:
                out.append(("legend", src, f"colour role '{role}' is used here but no legend says what it means "
                                           f"(expected a `legend:` entry {{role: {role}, text: …}})"))
    edges = _lines(scene)
    written = {p.meta.role for p in walk(scene.items)  # text colours (e.g. changed values in `emphasis`)
               if isinstance(p, Text) and p.meta.kind not in LEGEND_KINDS and p.meta.role}
    kinds = {p.meta.kind for p in walk(scene.items)}
    if MARK_KIND not in kinds:
        for src in dict.fromkeys(p.meta.src for p in walk(scene.items) if p.meta.kind == "legend-mark"):
            out.append(("legend", src, "the legend explains a cross mark but no target draws its mean cross "
                                       "(expected an entry for a mark in use)"))
    shapes = {shape_of(p) for p in walk(scene.items) if p.meta.kind in MARKER_KINDS}
    for p in walk(scene.items):
        if p.meta.kind == SHAPE_KIND and shape_of(p) not in shapes:
            out.append(("legend", p.meta.src, f"the legend explains a {shape_of(p)} marker but no timeline event or "
                                              "chain node is drawn with that shape (expected an entry for a "
                                              "marker in use)"))
    icons = {p.meta.icon for p in walk(scene.items) if p.meta.kind in ICON_KINDS and p.meta.icon}
    for src, name in dict.fromkeys((p.meta.src, p.meta.icon) for p in walk(scene.items)
                                   if p.meta.kind == "legend-icon" and p.meta.icon):
        if name not in icons:
            out.append(("legend", src, f"the legend explains the '{name}' icon but no badge or icon draws it "
                                       "(expected an entry for an icon in use)"))
    for p in walk(scene.items):
        if p.meta.kind != "legend" or isinstance(p, Text):
            continue
        if isinstance(p, Line):
            dashed = p.style.dash is not None
            if (p.meta.role, dashed) not in edges:
                style = "dashed " if dashed else ""
                out.append(("legend", p.meta.src, f"the legend explains a {style}'{p.meta.role}' edge but no "
                                                  "edge is drawn that way (expected an entry for a style in use)"))
        elif p.meta.role not in filled and p.meta.role not in written:
            out.append(("legend", p.meta.src, f"the legend explains colour role '{p.meta.role}' but nothing is "
                                              "filled or written with it (expected an entry for a role in use)"))
    for mark, meanings in _labels(scene, theme).items():
        role = mark[0]
        if len(meanings) > 1:
            (first, at), *rest = meanings.items()
            for text, src in rest:
                out.append(("role-meaning", src, f"colour role '{role}' means '{text}' here but '{first}' at "
                                                 f"{at or 'another legend'} (expected one meaning per colour: "
                                                 "use another role, or the same words)"))
    return out


Meanings = dict  # (chapter, mark) → {legend text → (where it is written, diagram id)}


def legend_meanings(scene: Scene, theme: Theme) -> dict[Mark, dict[str, str | None]]:
    """Mark → {text → where} of the diagram's own legend (chart and table legends name series, not roles)."""
    return {mark: texts for mark, texts in _labels(scene, theme, ("legend", "legend-text")).items() if mark[0]}


def chapter_findings(meanings: Meanings) -> list[tuple[str | None, str]]:
    """`chapter-role-meaning`: a colour role whose diagram legends in one chapter say different things.

    A warning, not a defect: the collection's roles are broad kinds (model, data, module, …) that each
    diagram names in its own words, so different words are often the same meaning. One line per role and
    chapter lists every wording with its diagram, located at the second one."""
    out = []
    for (chapter, mark), texts in sorted(meanings.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if len(texts) < 2:
            continue
        (first, (_, first_id)), *rest = texts.items()
        said = "; ".join(f"'{t}' ({d})" for t, (_, d) in rest[:4]) + ("; …" if len(rest) > 4 else "")
        out.append((rest[0][1][0], f"chapter '{chapter}': colour role '{mark[0]}' means '{first}' ({first_id}) "
                                   f"but also {said} (expected one meaning per colour across a chapter: "
                                   "reword, pick another role, or waive chapter-role-meaning with a reason)"))
    return out
