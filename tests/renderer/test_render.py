"""End to end: specs render deterministically, text fits its box, edges end on box borders."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from renderer.app.build import find_specs
from renderer.app.cli import main
from renderer.backends.svg import draw_svg
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.project import ROOT
from renderer.scene import Group, Line, Rect, Text, walk
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
LONG_EN = "A rather long English label that has to wrap onto several lines to stay inside its box"
LONG_ZH = "一个很长的中文标签必须换行才能留在框内而且不能超出边框的范围这是测试"
THREE = ["llm-output", "return-backwards", "ppo-four-models"]


def scene_of(path: Path, lang: str = "en"):
    return layout(bind(load(path)).for_lang(lang), load_theme())


def boxes_with_text(scene):
    """(box rect, [text runs]) for every box group."""
    out = []
    for p in walk(scene.items):
        if isinstance(p, Group) and p.meta.kind == "box":
            shape = p.children[0]
            texts = [c for c in p.children if isinstance(c, Text)]
            out.append((shape, texts))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_labels_wrap_and_stay_inside_their_box(write_spec, lang):
    path = write_spec(HEAD + f"body:\n  row:\n    - box: {{id: a, text: {{en: '{LONG_EN}', zh: '{LONG_ZH}'}}}}\n"
                             "    - box: {id: b, text: short, max_width: 90, sub: {en: 'a sub line that wraps too', "
                             "zh: '一行同样需要换行的小字说明'}}\n")
    scene = scene_of(path, lang)
    found = boxes_with_text(scene)
    assert len(found) == 2
    for shape, texts in found:
        assert isinstance(shape, Rect)
        assert len(texts) >= 2, "long text must wrap"
        for t in texts:
            assert t.width > 0
            assert shape.x + 4 <= t.left and t.left + t.width <= shape.x + shape.w - 4
            assert shape.y <= t.y - t.size * 0.88 and t.y + t.size * 0.24 <= shape.y + shape.h


def test_text_width_is_measured_from_the_font():
    from renderer.layout import metrics_for

    m = metrics_for(load_theme())
    assert m.width("iiii", 20) < m.width("WWWW", 20)
    assert m.width("中文", 20) == pytest.approx(40, abs=0.5)  # CJK glyphs are one em wide
    assert m.width("ab", 30) == pytest.approx(1.5 * m.width("ab", 20))


def test_edges_start_and_end_on_box_borders(write_spec):
    path = write_spec(HEAD + "body:\n  column:\n    gap: 40\n    items:\n"
                             "      - row: [{box: {id: a, text: A}}, {box: {id: b, text: B, shape: ellipse}}]\n"
                             "      - box: {id: c, text: C, width: 300}\n"
                             "edges:\n  - {from: a, to: b, label: x}\n  - {from: a, to: c}\n  - {from: c, to: b}\n"
                             "  - {from: b, to: c, route: straight}\n")
    scene = scene_of(path)
    shapes = {g.meta.id: g.children[0] for g in walk(scene.items) if isinstance(g, Group) and g.meta.kind == "box"}
    lines = [p for p in walk(scene.items) if isinstance(p, Line)]
    assert len(lines) == 4
    ends = [("a", "b"), ("a", "c"), ("c", "b"), ("b", "c")]
    for line, (f, t) in zip(lines, ends, strict=True):
        assert on_border(line.points[0], shapes[f]), (f, line.points[0])
        assert on_border(line.points[-1], shapes[t]), (t, line.points[-1])


def on_border(pt, shape, tol=1.0) -> bool:
    x, y = pt
    if isinstance(shape, Rect):
        inside = shape.x - tol <= x <= shape.x + shape.w + tol and shape.y - tol <= y <= shape.y + shape.h + tol
        near = min(abs(x - shape.x), abs(x - shape.x - shape.w), abs(y - shape.y), abs(y - shape.y - shape.h))
        return inside and near <= tol
    v = ((x - shape.cx) / shape.rx) ** 2 + ((y - shape.cy) / shape.ry) ** 2
    return abs(v - 1) < 0.05 or (abs(y - shape.cy) < tol and abs(abs(x - shape.cx) - shape.rx) < tol) or \
        (abs(x - shape.cx) < tol and abs(abs(y - shape.cy) - shape.ry) < tol)


@pytest.mark.parametrize("spec_id", THREE)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_three_diagrams_render_deterministically(spec_id, lang):
    path = next(p for p in find_specs() if p.stem == spec_id)
    first = draw_svg(scene_of(path, lang))
    second = draw_svg(scene_of(path, lang))
    assert first == second
    root = ET.fromstring(first)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text
    assert root.find(f"{ns}desc").text
    assert root.find(f"{ns}metadata") is not None
    assert root.find(f".//{ns}image") is None  # vectors only


def test_llm_output_shows_the_true_softmax_of_its_logits():
    import numpy as np

    path = next(p for p in find_specs() if p.stem == "llm-output")
    bound = bind(load(path))
    logits = np.array(bound.provenance["out"]["args"]["last_logits"])
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    texts = {t.text for t in walk(scene_of(path).items) if isinstance(t, Text)}
    for p in probs:
        assert f"{p:.3f}" in texts


def test_return_backwards_shows_the_discounted_returns():
    """Every G_t of the spec's own episode, computed here backwards from G_T = 0, is printed (γ < 1)."""
    path = next(p for p in find_specs() if p.stem == "return-backwards")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    rewards, gamma = spec["vars"]["rewards"], spec["vars"]["gamma"]
    assert gamma < 1, "the running example discounts"
    returns = [0.0]
    for r in reversed(rewards):
        returns.insert(0, r + gamma * returns[0])
    joined = "".join(t.text for t in walk(scene_of(path).items) if isinstance(t, Text))
    for t, g in enumerate(returns):
        assert f"G{t} = {g:g}" in joined.replace("\u202f", " ")


def test_render_all_skips_a_broken_spec_and_exits_1(write_spec, tmp_path, capsys):
    good = write_spec(HEAD + "body: {box: A}\n", "specs/good.yaml")
    write_spec("id: bad\nchapter: test\ntitle: B\nbody: {box: {text: A, fill: x}}\n", "specs/bad.yaml")
    out = tmp_path / "out"
    code = main(["render", str(good.parent), "--out", str(out), "--format", "svg", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert (out / "svg" / "en" / "t.svg").is_file() and (out / "svg" / "zh" / "t.svg").is_file()
    assert "bad.yaml:4:23: error: unknown key 'fill'" in err
    assert "1 rendered, 0 cached, 1 failed" in err


def test_validate_exit_codes(write_spec, capsys):
    good = write_spec(HEAD + "body: {box: A}\n", "t.yaml")  # HEAD's id is t: the file is t.yaml
    bad = write_spec("id: x\n", "bad.yaml")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(bad)]) == 1
    assert "bad.yaml:1:1: error: missing key" in capsys.readouterr().err


def test_every_committed_spec_validates():
    from renderer.app.validate import validate

    paths = find_specs()
    ok, problems = validate(paths)
    assert not problems, "\n".join(map(str, problems))
    assert ok == len(paths) and {p.stem for p in paths} >= set(THREE)


def test_every_spec_and_component_starts_with_the_schema_line():
    for p in find_specs():
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/diagram.schema.json", p
    assert (ROOT / "schema" / "diagram.schema.json").is_file()


def test_edges_can_end_at_a_node_inside_a_graph_and_unknown_nodes_are_located(write_spec):
    body = ("body:\n  row:\n    - box: {id: a, text: A}\n    - graph:\n        id: g\n"
            "        nodes: [{id: n1, text: N1}, {id: n2, text: N2}]\n        edges: [{from: n1, to: n2}]\n")
    scene = scene_of(write_spec(HEAD + body + "edges:\n  - {from: a, to: g.n1}\n"))
    assert sum(isinstance(p, Line) for p in walk(scene.items)) >= 1
    from renderer.spec.errors import SpecError

    with pytest.raises(SpecError) as e:
        scene_of(write_spec(HEAD + body + "edges:\n  - {from: a, to: g.n9}\n", "bad.yaml"))
    assert "12:19: error: edge to unknown node 'g.n9' (expected one of: g, g.n1, g.n2)" in str(e.value)


def test_unknown_role_from_a_placeholder_is_located_at_the_field(write_spec):
    from renderer.spec.errors import SpecError

    path = write_spec(HEAD + "vars: {r: purple}\nbody:\n  row:\n    - box: A\n"
                             "    - box: {text: B, role: \"{{ vars.r }}\"}\n")
    with pytest.raises(SpecError) as e:
        scene_of(path)
    assert ":8:28: error: unknown colour role 'purple' (expected one of: " in str(e.value)
