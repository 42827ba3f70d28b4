"""`legend: auto`: one legend entry per fill role, hatched fill, edge style and icon badge the diagram draws.

The entries are read from the laid-out body (as `vizspec check` reads its legend), in order of first
appearance, and take their text from the spec's labels. Roles a chart or table legend (or a line's end label)
already explains are left to it. A meaningful role, a hatched fill, an edge style other than a plain neutral
arrow, or a badge with no label is a located error naming it; a neutral fill or a plain arrow gets an entry
only when labelled. A label for something not drawn is ignored (a sweep's frames may draw different roles).
"""

from __future__ import annotations

from ..scene import Line, Path, Prim, Text, walk
from ..spec.errors import Problem, SpecError
from ..spec.models import LegendAuto, LegendEntry
from .base import Ctx

EDGE_KINDS = ("edge", "graph-edge")  # connectors between elements, and inside a graph
OWN_LEGENDS = ("chart-legend", "table-legend", "chart-end-label")  # a chart's or table's own explanation
NOT_A_FILL = ("legend", "legend-text", "legend-mark", "legend-icon", "math", "text", "note", "credit", "title",
              "tab", "chart-key", "badge", "step", "chart-chip", "spectrum")  # as in app/check_legend.py
# what a lock, an unlocked lock and a flame mean in this collection, unless the spec says otherwise
ICON_TEXTS = {"lock": {"en": "frozen", "zh": "冻结"}, "flame": {"en": "trained", "zh": "训练"},
              "unlock": {"en": "unfrozen: trained again", "zh": "解冻：重新训练"}}

# ("fill", role) | ("hatch", role) | ("line", role, dashed) | ("icon", name, role): one entry per icon, in
# the colour its first badge is drawn in
Key = tuple
INK = ("white", "text-soft", None)  # the paper and the grey lines of a pictogram, whatever its role


def _drawn(items: list[Prim]) -> list[Key]:
    """Every mark the body draws, once each, in order of first appearance."""
    seen: dict[Key, None] = {}
    badge_role: dict[str, str] = {}  # icon → the role its badge is drawn in (not its white paper or grey ink)
    for p in walk(items):
        kind, role = p.meta.kind, p.meta.role
        if kind == "badge" and p.meta.icon:
            seen.setdefault(("icon", p.meta.icon), None)
            if role not in INK:
                badge_role.setdefault(p.meta.icon, role)
        elif isinstance(p, Line | Path) and kind in EDGE_KINDS and role:
            seen.setdefault(("line", role, p.style.dash is not None), None)
        elif not isinstance(p, Text | Line) and role and kind not in NOT_A_FILL and kind not in OWN_LEGENDS:
            style = getattr(p, "style", None)
            if style is not None and style.fill:
                seen.setdefault(("hatch" if style.hatch else "fill", role), None)
    return [(*k, badge_role.get(k[1])) if k[0] == "icon" else k for k in seen]


def _explained(items: list[Prim]) -> set[str]:
    """Roles a chart's or table's own legend, or a series' end label, already explains."""
    return {p.meta.role for p in walk(items) if p.meta.kind in OWN_LEGENDS and p.meta.role}


def auto_entries(spec: LegendAuto, items: list[Prim], ctx: Ctx) -> tuple[list[LegendEntry], list[tuple]]:
    """The entries of an automatic legend for the drawn `items`, and the spec path of each entry's text."""
    neutral = ctx.theme.neutral
    known = ctx.theme.roles()
    typos = [(("legend", field, k), f"legend: auto: unknown colour role '{k}' in `{field}` (expected one of: "
                                    f"{', '.join(known)})")
             for field in ("labels", "hatched", "lines", "dashed") for k in getattr(spec, field) if k not in known]
    if typos and ctx.doc is not None:
        raise SpecError([ctx.doc.problem(path, m, key=True) for path, m in typos])
    explained = _explained(items)
    entries: list[LegendEntry] = []
    paths: list[tuple] = []
    problems = []
    for key in _drawn(items):
        what, name = key[0], key[1]
        if what in ("fill", "hatch") and (name in explained or name.startswith("scale")):
            continue
        if what == "fill":
            table, field, need, entry = spec.labels, "labels", name not in neutral, {"role": name}
            said = f"colour role '{name}'"
        elif what == "hatch":
            table, field, need, entry = spec.hatched, "hatched", True, {"role": name, "hatch": True}
            said = f"hatched fill in role '{name}'"
        elif what == "line":
            dashed = key[2]
            table, field = (spec.dashed, "dashed") if dashed else (spec.lines, "lines")
            need, entry = dashed or name not in neutral, {"line": name, "dashed": dashed}
            said = f"{'dashed' if dashed else 'solid'} '{name}' edge"
        else:
            table, field, need, entry = spec.icons, "icons", True, {"icon": name, "role": key[2]}
            said = f"'{name}' badge"
            if name in spec.icons or name in ICON_TEXTS:
                table = {name: spec.icons.get(name, ICON_TEXTS.get(name))}
        if name not in table:
            if need:
                problems.append(f"legend: auto: the diagram draws a {said} but the legend has no text for it "
                                f"(expected `{field}: {{{name}: {{en: …, zh: …}}}}` in `legend:`)")
            continue
        entries.append(LegendEntry(**entry, text=table[name]))
        paths.append(("legend", field, name) if name in getattr(spec, field) else ("legend",))
    if problems:
        where = ("legend", "labels") if spec.labels else ("legend",)
        if ctx.doc is None:
            raise SpecError([Problem("?", 0, 0, m) for m in problems])
        raise SpecError([ctx.doc.problem(where, m) for m in problems])
    return entries, paths
