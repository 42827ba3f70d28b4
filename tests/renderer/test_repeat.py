"""`repeat` + `item`: one element copied per value of a list, with {{ item }}, {{ index }}, ids and edges."""

from __future__ import annotations

import pytest

from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Group, Line, Text, bbox, walk
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
TOKENS = "vars:\n  tokens: {en: [Who, are, you], zh: [你, 是, 谁, 呢]}\n"


def scene(write_spec, text: str, lang: str = "en"):
    return layout(bind(load(write_spec(HEAD + text))).for_lang(lang), load_theme())


def boxes(sc) -> list[Group]:
    return [g for g in walk(sc.items) if isinstance(g, Group) and g.meta.kind == "box"]


def texts(g: Group) -> list[str]:
    return [t.text for t in walk(g.children) if isinstance(t, Text)]


def test_an_item_is_copied_once_per_value_of_each_language_list_with_its_value_and_position(write_spec):
    body = TOKENS + ("body:\n  row:\n    id: toks\n    repeat: '{{ vars.tokens }}'\n"
                     "    item: {box: {text: '{{ item }}', sub: 'at {{ index }}', role: data}}\n")
    for lang, words in (("en", ["Who", "are", "you"]), ("zh", ["你", "是", "谁", "呢"])):
        got = [texts(g) for g in boxes(scene(write_spec, body, lang))]
        assert got == [[w, f"at {i}"] for i, w in enumerate(words)]


def test_a_compute_result_can_be_repeated_over(write_spec):
    body = ("compute:\n  d: {fn: sampling.softmax, args: {logits: [0.0, 1.0]}}\n"
            "body:\n  row:\n    repeat: '{{ d.probs }}'\n    item: {box: \"{{ item | fmt('.3f') }}\"}\n")
    assert [texts(g) for g in boxes(scene(write_spec, body))] == [["0.269"], ["0.731"]]


def test_copies_get_indexed_ids_and_edges_reach_them_by_id_and_by_position(write_spec):
    body = TOKENS + ("body:\n  column:\n    - row:\n        id: toks\n        repeat: '{{ vars.tokens }}'\n"
                     "        item: {box: {id: tok, text: '{{ item }}'}}\n"
                     "    - box: {id: note, text: the last one}\n"
                     "edges:\n  - {from: note, to: 'toks[2]'}\n  - {from: tok-0, to: tok-1}\n")
    sc = scene(write_spec, body)
    ids = [g.meta.id for g in boxes(sc)]
    assert ids == ["tok-0", "tok-1", "tok-2", "note"]
    third = bbox(boxes(sc)[2])
    ends = [ln.points[-1] for ln in walk(sc.items) if isinstance(ln, Line) and ln.meta.kind == "edge"]
    x, y = ends[0]
    assert third[0] <= x <= third[2] and abs(y - third[3]) < 6, "toks[2] is the third copy"
    first, second = bbox(boxes(sc)[0]), bbox(boxes(sc)[1])
    assert abs(ends[1][0] - second[0]) < 6 and first[1] < ends[1][1] < first[3]


def test_a_component_inside_the_item_gets_the_value_even_inside_its_expressions(write_spec, tmp_path, monkeypatch):
    comps = tmp_path / "components"
    comps.mkdir()
    monkeypatch.setattr("renderer.spec.components.COMPONENTS_DIR", comps)
    (comps / "chip.yaml").write_text("params: {n: null}\nbody:\n  box: {text: 'n = {{ params.n }}', "
                                     "role: \"{{ 'kept' if params.n > 1 else 'removed' }}\"}\n")
    body = ("vars:\n  ns: [1, 2, 3]\nbody:\n  row:\n    repeat: '{{ vars.ns }}'\n"
            "    item: {use: {component: chip, args: {n: '{{ item }}'}}}\n")
    got = boxes(scene(write_spec, body))
    assert [texts(g) for g in got] == [["n = 1"], ["n = 2"], ["n = 3"]]
    assert [g.meta.role for g in got] == ["removed", "kept", "kept"]


@pytest.mark.parametrize("body, where, message", [
    ("  row:\n    repeat: '{{ vars.n }}'\n    item: {box: x}\n", ":8:13:", "repeat needs a list (got int"),
    ("  row:\n    repeat: [1, 2]\n", ":8:5:", "`repeat` and `item` go together"),
    ("  row:\n    repeat: [1]\n    item: {box: '{{ item + nothing }}'}\n", ":9:", "unknown name 'nothing'"),
])
def test_bad_repeats_are_located_errors(write_spec, body, where, message):
    with pytest.raises(SpecError) as e:
        scene(write_spec, "vars:\n  n: 3\nbody:\n" + body)
    text = str(e.value)
    assert message in text and where in text, text
    assert "Input should be" not in text, "no noise from the list form of a container"


def test_an_edge_to_a_copy_that_does_not_exist_is_a_located_error(write_spec):
    body = ("body:\n  column:\n    - row:\n        repeat: [a, b]\n        item: {box: {id: tok, text: '{{ item }}'}}\n"
            "    - box: {id: note, text: x}\nedges:\n  - {from: note, to: tok-5}\n")
    with pytest.raises(SpecError) as e:
        scene(write_spec, body)
    assert "unknown node 'tok-5'" in str(e.value) and ":11:" in str(e.value)


def test_item_and_index_are_reserved_compute_names(write_spec):
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + "compute:\n  item: {fn: sampling.softmax, args: {logits: [1.0]}}\nbody: {box: a}\n"))
    assert "compute name 'item' is reserved" in str(e.value)


def test_copies_follow_the_containers_own_items(write_spec):
    body = TOKENS + ("body:\n  row:\n    items: [{box: token}]\n    repeat: '{{ vars.tokens }}'\n"
                     "    item: {box: '{{ item }}'}\n")
    assert [texts(g)[0] for g in boxes(scene(write_spec, body))] == ["token", "Who", "are", "you"]
