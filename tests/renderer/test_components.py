"""Components: `use:` expands a shared file with parameters; errors inside point into that file."""

from __future__ import annotations

import pytest

from renderer.bind import bind
from renderer.spec.components import expand
from renderer.spec.errors import SpecError
from renderer.spec.loader import load
from renderer.spec.paths import safe_component_path
from renderer.spec.yamlpos import load_yaml

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"


@pytest.fixture
def comps(tmp_path, monkeypatch):
    d = tmp_path / "components"
    d.mkdir()
    monkeypatch.setattr("renderer.spec.components.COMPONENTS_DIR", d)
    return d


def test_use_expands_with_arguments_and_prefixed_ids(comps, write_spec):
    (comps / "pair.yaml").write_text(
        "params: {left: null, gap: 10}\n"
        "body:\n  row:\n    gap: '{{ params.gap }}'\n    items:\n"
        "      - box: {id: l, text: '{{ params.left }} side'}\n      - box: {id: r, text: R}\n")
    spec = load(write_spec(HEAD + "body:\n  column:\n    - use: {component: pair, id: p, args: {left: Left}}\n"
                                  "    - use: {component: pair, id: q, args: {left: Other, gap: 30}}\n"
                                  "edges:\n  - {from: p.l, to: q.r}\n"))
    col = spec.diagram.body.content
    first, second = (c.content for c in col.items)
    assert [b.content.id for b in first.items] == ["p.l", "p.r"]
    assert first.items[0].content.text == "Left side"
    assert (first.gap, second.gap) == (10, 30)
    assert spec.diagram.edges[0].from_ == "p.l"


def test_errors_inside_a_component_point_at_the_component_file(comps, write_spec):
    (comps / "bad.yaml").write_text("body:\n  box: {text: A, colour: red}\n")
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + "body:\n  use: {component: bad}\n"))
    (p,) = e.value.problems
    assert p.file.endswith("components/bad.yaml") and (p.line, p.col) == (2, 18)
    assert p.message.startswith("unknown key 'colour'")


def test_missing_argument_and_unknown_parameter(comps, write_spec):
    (comps / "c.yaml").write_text("params: {need: null}\nbody: {box: '{{ params.need }}'}\n")
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + "body:\n  use: {component: c}\n"))
    assert "needs argument 'need'" in str(e.value)
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + "body:\n  use: {component: c, args: {need: 1, extra: 2}}\n"))
    assert "5:39: error: component 'c' has no parameter 'extra'" in str(e.value)


def test_cyclic_components_are_a_located_error(comps, write_spec):
    (comps / "a.yaml").write_text("body:\n  use: {component: b}\n")
    (comps / "b.yaml").write_text("body:\n  column:\n    - use: {component: a}\n")
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + "body:\n  use: {component: a}\n"))
    (p,) = e.value.problems
    assert "cycle" in p.message and "a → b → a" in p.message
    assert p.file.endswith("components/b.yaml") and p.line == 3


@pytest.mark.parametrize("name,why", [("../../etc/passwd", "leaves templates/components/ with '..'"),
                                      ("/etc/passwd", "is an absolute path"), ("sub/dir", "has the wrong form"),
                                      ("..", "leaves templates/components/"), ("UPPER", "has the wrong form")])
def test_component_names_cannot_leave_the_components_folder(comps, name, why):
    with pytest.raises(SpecError, match=why):
        safe_component_path(name, root=comps)


def test_symlink_out_of_the_folder_is_refused(comps, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("body: {box: secret}\n")
    (comps / "link.yaml").symlink_to(outside)
    with pytest.raises(SpecError, match="symlink pointing outside"):
        safe_component_path("link", root=comps)


def test_placeholders_other_than_params_are_left_for_binding(comps, write_spec):
    (comps / "p.yaml").write_text("body: {box: \"{{ d.probs | length }} of {{ params.what }}\"}\nparams: {what: x}\n")
    spec = load(write_spec(HEAD + "compute:\n  d: {fn: sampling.softmax, args: {logits: [1, 2]}}\n"
                                  "body:\n  use: {component: p, args: {what: tokens}}\n"))
    assert bind(spec).diagram.body.content.text == "2 of tokens"


def test_the_real_ppo_component_expands():
    doc = load_yaml("x.yaml", b"body:\n  use: {component: ppo-four-models, id: m}\n")
    expand(doc)
    ids = [b["box"]["id"] for b in doc.data["body"]["row"]["items"]]
    assert ids == ["m.actor", "m.ref", "m.reward", "m.critic"]


def test_params_inside_larger_expressions_become_literals(comps, write_spec):
    (comps / "cell.yaml").write_text(
        "params: {i: null, label: x}\n"
        "body: {box: {text: \"{{ params.label }} {{ d.probs[params.i] | fmt('.2f') }}\","
        " role: \"{{ 'kept' if params.i == d.probs | argmax else 'light' }}\"}}\n")
    spec = load(write_spec(HEAD + "compute:\n  d: {fn: sampling.softmax, args: {logits: [1, 3, 2]}}\n"
                                  "body:\n  row:\n    - use: {component: cell, args: {i: 0, label: 'a:'}}\n"
                                  "    - use: {component: cell, args: {i: 1, label: 'b:'}}\n"))
    boxes = [e.content for e in bind(spec).diagram.body.content.items]
    assert [b.text.split(":")[0] for b in boxes] == ["a", "b"]
    assert [b.role for b in boxes] == ["light", "kept"]


def test_prefix_applies_to_element_ids_not_to_graph_nodes(comps, write_spec):
    (comps / "g.yaml").write_text(
        "body:\n  graph:\n    id: flow\n    nodes: [{id: n1, text: A}, {id: n2, text: B}]\n"
        "    edges: [{from: n1, to: n2}]\n")
    spec = load(write_spec(HEAD + "body:\n  row:\n    - box: {id: x, text: X}\n    - use: {component: g, id: p}\n"
                                  "edges:\n  - {from: x, to: p.flow.n1}\n"))
    graph = spec.diagram.body.content.items[1].content
    assert graph.id == "p.flow"
    assert [n.id for n in graph.nodes] == ["n1", "n2"]
    assert (graph.edges[0].from_, graph.edges[0].to) == ("n1", "n2")
