"""Heat-map highlights: outlined rows, columns and cells, in their role, indices from placeholders."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.app.check_legend import legend_checks
from renderer.layout.theme import load_theme
from renderer.scene import Group, Rect
from renderer.spec.errors import SpecError

VARS = "vars:\n  m: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]\n  pick: [0, 1, 0]\n"


def heat(highlight: str, legend: str = "") -> str:
    return ("  chart:\n    id: h\n    kind: heatmap\n    cell: 30\n    matrix: \"{{ vars.m }}\"\n"
            f"    highlight: {highlight}\n{legend}")


def cells(scene) -> dict[tuple[int, int], Rect]:
    """(row, column) -> the cell's rectangle."""
    out = {}
    for g in kind(scene, "chart-cell", Group):
        r, c = (int(v) for v in g.meta.parts[0][1:].split("c"))
        out[r, c] = g.children[0]
    return out


def test_rows_columns_and_cells_are_outlined_in_their_roles(write_spec):
    hl = ("[{rows: [1, 2], role: accent}, {cols: \"{{ vars.pick | argmax }}\", role: text-soft}, "
          "{cells: \"{{ [[0, vars.m[0] | argmax]] }}\", role: emphasis, width: 3}]")
    scene = scene_of(write_spec, heat(hl), compute=VARS)
    grid = cells(scene)
    outlines = kind(scene, "chart-highlight", Rect)
    assert len(outlines) == 3, "adjacent rows 1 and 2 share one outline"
    rows, col, cell = outlines
    theme = load_theme()
    assert rows.style.stroke == theme.color("accent") and rows.style.fill is None
    assert (rows.x, rows.y) == pytest.approx((grid[1, 0].x, grid[1, 0].y))
    assert (rows.x + rows.w, rows.y + rows.h) == pytest.approx((grid[2, 3].x + 30, grid[2, 3].y + 30))
    assert col.style.stroke == theme.color("text-soft")
    assert (col.x, col.y, col.w, col.h) == pytest.approx((grid[0, 1].x, grid[0, 1].y, 30, 90)), "column 1: argmax"
    assert cell.style.stroke == theme.color("emphasis") and cell.style.stroke_width == 3
    assert (cell.x, cell.y, cell.w, cell.h) == pytest.approx((grid[0, 3].x, grid[0, 3].y, 30, 30))
    assert set(rows.meta.parts) == {"r1", "r2"} and cell.meta.parts == ("r0c3",)


def test_a_legend_line_entry_explains_a_highlight(write_spec):
    legend = "legend:\n  - {line: accent, arrow: false, text: the row}\n"
    scene = scene_of(write_spec, heat("{rows: 1, role: accent}") + legend, compute=VARS)
    assert not [f for f in legend_checks(scene, load_theme()) if f[0] == "legend"]


def test_no_highlight_no_outline(write_spec):
    body = "  chart:\n    kind: heatmap\n    matrix: \"{{ vars.m }}\"\n"
    assert not kind(scene_of(write_spec, body, compute=VARS), "chart-highlight")


@pytest.mark.parametrize(("hl", "message"), [
    ("{rows: [3]}", r"highlight row 3, but the map has 3 rows \(expected 0 … 2\)"),
    ("{cols: 4}", r"highlight column 4, but the map has 4 columns"),
    ("{cells: [[0, 9]]}", r"highlight cell \[0, 9\]"),
    ("{role: accent}", r"a highlight needs rows, cols or cells"),
])
def test_bad_highlights_are_located_errors(write_spec, hl, message):
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*" + message):
        scene_of(write_spec, heat(hl), compute=VARS)


def test_highlight_needs_a_heat_map(write_spec):
    body = "  chart:\n    kind: bar\n    series: [{values: [1, 2]}]\n    highlight: {rows: 0}\n"
    with pytest.raises(SpecError, match=r"\.yaml:\d+:\d+: .*`highlight`.* needs a heatmap"):
        scene_of(write_spec, body)
