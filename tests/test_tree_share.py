"""Small multiples: trees naming one `layout` group share one tidy layout of the union of their nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.app.check import check_spec
from renderer.project import ROOT
from renderer.scene import Group, Line
from renderer.spec.errors import SpecError
from tests.renderer.layout._helpers import kind, scene_of


def tree(ident: str, root: str, extra: str = "layout: g") -> str:
    return (f"      - panel:\n          items:\n            - tree:\n                id: {ident}\n"
            f"                {extra}\n                root: {root}\n")


# three steps of a growing tree; labels and values of different lengths in each step and language
STEP1 = "{id: R, label: R, children: [{id: A, label: {en: A, zh: 甲}}, {id: B, label: B}]}"
STEP2 = ("{id: R, label: R, value: {en: 'V=3, N=2', zh: '价值 3'}, children: [{id: A, label: {en: A, zh: 甲}, "
         "children: [{id: A1, label: {en: 'a long label', zh: '很长的标签文字'}}]}, {id: B, label: B}]}")
STEP3 = ("{id: R, label: R, children: [{id: A, label: {en: A, zh: 甲}}, {id: B, label: 'B node', children: "
         "[{id: B1, label: B1, edge: {en: 'rollout', zh: '推演'}}, {id: B2, label: B2}]}]}")


def body(extra1: str = "layout: g", extra: str = "layout: g") -> str:
    return "  row:\n    items:\n" + tree("t1", STEP1, extra1) + tree("t2", STEP2, extra) + tree("t3", STEP3, extra)


def offsets(scene, ident: str) -> dict[str, tuple[float, ...]]:
    """Every node's box relative to its tree's box."""
    tx, ty, _, _ = scene.anchors[ident]
    return {k.split(".", 1)[1]: (round(x - tx, 2), round(y - ty, 2), round(w, 2), round(h, 2))
            for k, (x, y, w, h) in scene.anchors.items() if k.startswith(ident + ".")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_node_sits_at_the_same_offset_and_size_in_every_tree_of_the_group(write_spec, lang):
    scene = scene_of(write_spec, body(), lang)
    o1, o2, o3 = (offsets(scene, t) for t in ("t1", "t2", "t3"))
    assert set(o1) == {"R", "A", "B"} and set(o2) == {"R", "A", "A1", "B"} and set(o3) == {"R", "A", "B", "B1", "B2"}
    for node in ("R", "A", "B"):
        assert o1[node] == o2[node] == o3[node]
    sizes = {tuple(round(v, 2) for v in scene.anchors[t][2:]) for t in ("t1", "t2", "t3")}
    assert len(sizes) == 1  # one tree size for the whole group
    assert o2["A1"][0] + o2["A1"][2] <= o3["B1"][0]  # the union keeps A's and B's subtrees apart
    alone = scene_of(write_spec, body("", ""), lang)  # without the group each tree is laid out on its own
    assert offsets(alone, "t1")["B"] != offsets(alone, "t3")["B"]


def test_the_group_is_laid_out_once_per_language(write_spec):
    en, zh = (offsets(scene_of(write_spec, body(), lang), "t2") for lang in ("en", "zh"))
    assert en["A1"][2] != zh["A1"][2]  # each language measures its own labels …
    for lang in ("en", "zh"):  # … and within it, every tree agrees
        s = scene_of(write_spec, body(), lang)
        assert offsets(s, "t1")["B"] == offsets(s, "t2")["B"] == offsets(s, "t3")["B"]


def test_missing_nodes_are_ghosts_with_ghosts_true_and_blank_without(write_spec):
    scene = scene_of(write_spec, body("layout: g\n                ghosts: true"))
    ghosts = [g for g in kind(scene, "ghost") if isinstance(g, Group)]
    assert len(ghosts) == 3  # t1 lacks A1, B1 and B2
    tx, ty, _, _ = scene.anchors["t1"]
    where = {(round(g.children[0].x - tx, 2), round(g.children[0].y - ty, 2)) for g in ghosts}
    o2, o3 = offsets(scene, "t2"), offsets(scene, "t3")
    assert where == {o2["A1"][:2], o3["B1"][:2], o3["B2"][:2]}  # at the union's places
    for g in ghosts:
        shape = g.children[0]
        assert shape.style.dash and shape.style.fill is None and shape.style.opacity < 1
        assert len(g.children) == 1  # an outline, no label
    ghost_edges = kind(scene, "ghost-edge", Line)
    assert len(ghost_edges) == 3 and all(e.style.dash and e.style.opacity < 1 for e in ghost_edges)
    plain = scene_of(write_spec, body())
    assert not kind(plain, "ghost") and not kind(plain, "ghost-edge")
    assert "t1.A1" not in scene.anchors  # a ghost is no edge end


def test_the_trees_of_one_element_share_the_group_too(write_spec):
    scene = scene_of(write_spec, f"""\
  tree:
    id: m
    layout: steps
    trees:
      - {{id: a, root: {STEP1}}}
      - {{id: b, root: {STEP3}}}
""")
    def rel(item: str, node: str) -> tuple[float, float]:  # a node's place relative to its tree's root
        (x, y, _, _), (rx, ry, _, _) = scene.anchors[f"m.{item}.{node}"], scene.anchors[f"m.{item}.R"]
        return round(x - rx, 2), round(y - ry, 2)

    assert all(rel("a", n) == rel("b", n) for n in ("A", "B"))
    assert rel("a", "B") != rel("a", "A")


def test_the_example_is_clean():
    assert check_spec(Path(ROOT / "specs/_examples/tree-share.yaml")) == []


@pytest.mark.parametrize("text, line, words", [
    (body("layout: g", "layout: h"), 11, "layout group 'g' is named by this tree only"),
    ("  row:\n    items:\n" + tree("t1", "{id: R, label: R, children: [{label: x}]}") + tree("t2", STEP1), 12,
     "needs an id"),
    ("  row:\n    items:\n" + tree("t1", "{id: R, label: R, children: [{id: A, label: A, children: [{id: B, label: "
     "B}]}]}") + tree("t2", STEP1), 18, "node 'B' has parent 'R' here but 'A'"),
    ("  row:\n    items:\n" + tree("t1", STEP1) + tree("t2", "{id: S, label: S}"), 18, "share one root"),
    ("  row:\n    items:\n" + tree("t1", STEP1) + tree("t2", STEP1, "layout: g\n                direction: right"),
     18, "grow in one direction"),
    ("  row:\n    items:\n" + tree("t1", STEP1, "ghosts: true"), 11, "expected `layout: <name>`"),
])
def test_bad_groups_are_located_errors(write_spec, text, line, words):
    with pytest.raises(SpecError) as e:
        scene_of(write_spec, text)
    p = e.value.problems[0]
    assert words in p.message and p.line == line, str(e.value)


def test_the_cli_reports_a_bad_group_located_and_still_checks_the_other_spec(write_spec):
    import subprocess
    import sys

    head = "id: {id}\nchapter: test\ntitle: {{en: T, zh: T}}\nbody:\n"
    bad = write_spec(head.format(id="bad") + "  row:\n    items:\n" + tree("t1", "{id: R, label: R, children: "
                     "[{label: x}]}") + tree("t2", STEP1), "bad.yaml")
    good = write_spec(head.format(id="good") + body(), "good.yaml")
    done = subprocess.run([sys.executable, "-m", "renderer.app.cli", "check", str(bad), str(good)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in out
    assert "bad.yaml:12:52: error: every node of a tree in layout group 'g' needs an id" in out
    good_lines = [ln for ln in out.splitlines() if "good.yaml" in ln]
    assert good_lines and not [ln for ln in good_lines if "error:" in ln]  # checked: only layout findings


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mcts_run_draws_its_four_steps_on_one_layout(lang):
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.spec.loader import load

    scene = layout(bind(load(ROOT / "specs/reasoning/mcts-run.yaml")).for_lang(lang), load_theme())
    steps = [offsets(scene, t) for t in ("select", "expand", "simulate", "backup")]
    for node in ("S1", "S2-1", "S2-2"):
        assert len({s[node] for s in steps}) == 1
    assert steps[1]["S3-2"] == steps[2]["S3-2"] == steps[3]["S3-2"]
    assert len({tuple(round(v, 2) for v in scene.anchors[t][2:]) for t in ("select", "expand", "simulate",
                                                                            "backup")}) == 1
