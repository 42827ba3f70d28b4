"""`columns_under: <tree id>`: a table's column k stands centred under the tree's level k."""

from __future__ import annotations

import pytest
from _helpers import kind, scene_of

from renderer.scene import Group, Rect
from renderer.spec.errors import SpecError

# levels of different widths in each language, so equal columns would miss them
TREE = """      - tree:
          id: t
          direction: right
          levels: [start, {en: "step one", zh: 第一步}, step 2]
          root:
            id: R
            label: R
            children:
              - {id: A, label: {en: "a rather long node", zh: 甲}, children: [{id: A1, label: x}]}
              - {id: B, label: B, children: [{id: B1, label: {en: y, zh: 一个相当长的节点}}]}
"""


def body(cols: int = 3, under: str = "t", cell: str = "c") -> str:
    header = ", ".join(f"h{k}" for k in range(cols))
    row = ", ".join([cell] * cols)
    return ("  column:\n    align: stretch\n    items:\n" + TREE
            + f"      - table:\n          columns_under: {under}\n          header: [{header}]\n"
              f"          rows: [[{row}]]\n")


def cell_boxes(scene) -> dict[int, tuple[float, float]]:
    """x span of each column's header cell."""
    out = {}
    for g in kind(scene, "table-header", Group):
        rect = next(p for p in g.children if isinstance(p, Rect))
        col = int(g.meta.parts[0].split("c")[1])
        out[col] = (rect.x, rect.x + rect.w)
    return out


def level_centres(scene) -> list[float]:
    """Centre of each depth's node span (depths: R; A, B; A1, B1)."""
    def span(ids):
        boxes = [scene.anchors[f"t.{i}"] for i in ids]
        return (min(b[0] for b in boxes) + max(b[0] + b[2] for b in boxes)) / 2
    return [span(["R"]), span(["A", "B"]), span(["A1", "B1"])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_column_is_centred_under_its_level_and_they_tile(write_spec, lang):
    scene = scene_of(write_spec, body(), lang)
    cols = cell_boxes(scene)
    for k, centre in enumerate(level_centres(scene)):
        assert (cols[k][0] + cols[k][1]) / 2 == pytest.approx(centre, abs=0.5)
    assert cols[0][1] == pytest.approx(cols[1][0]) and cols[1][1] == pytest.approx(cols[2][0])


def test_long_text_wraps_inside_its_column_instead_of_widening_it(write_spec):
    long = "'a cell whose words run much longer than any level of the tree is wide'"
    scene = scene_of(write_spec, body(cell=long))
    cols = cell_boxes(scene)
    for k, centre in enumerate(level_centres(scene)):
        assert (cols[k][0] + cols[k][1]) / 2 == pytest.approx(centre, abs=0.5)
    texts = [p for g in kind(scene, "table-cell", Group) for p in g.children if not isinstance(p, Rect)]
    assert len({round(t.y) for t in texts}) > 1  # wrapped onto more than one line


def test_a_column_count_that_differs_from_the_levels_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: the table has 2 columns but tree 't' has 3 levels"):
        scene_of(write_spec, body(cols=2))


def test_an_unknown_tree_is_a_located_error(write_spec):
    with pytest.raises(SpecError, match=r"s\.yaml:\d+:\d+: error: columns_under names no tree 'nope' "
                                        r"\(expected the id of a tree: t\)"):
        scene_of(write_spec, body(under="nope"))
