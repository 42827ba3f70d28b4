"""Every number a diagram prints is an input (a compute argument or a var) or a computed value.

Numbers typed by hand into text are how the original collection got its probabilities wrong. This walks every
spec of the collection, renders its text in both languages and checks each number it prints with the rule in
renderer/app/traceability.py (which `vizspec validate` applies too).
"""

from __future__ import annotations

import pytest

from renderer.app.build import find_specs
from renderer.app.traceability import explained, frames_untraced, known_numbers, untraced
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Text, walk
from renderer.spec.loader import load

SPECS = [p for p in find_specs() if "_examples" not in p.parts]


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_printed_number_is_an_input_or_computed(path):
    spec = load(path)
    bound = bind(spec)
    known = known_numbers(spec.doc.data, bound.lang_results, bound.derived)  # arithmetic in placeholders counts
    scenes = {lang: layout(bound.for_lang(lang), load_theme()) for lang in ("en", "zh")}
    unexplained = untraced(scenes, known, spec.file)
    if spec.diagram.sweep is not None:  # every frame of a sweep, with that frame's inputs and results
        unexplained += [p for p in frames_untraced(spec, load_theme()) if p not in unexplained]
    assert not unexplained, "numbers typed by hand (make them compute results or inputs):\n" + "\n".join(
        map(str, unexplained))
    literal_markup = [f"[{lang}] {t.text!r} at {t.meta.src}" for lang, scene in scenes.items()
                      for t in walk(scene.items) if isinstance(t, Text) and ("_{" in t.text or "^{" in t.text)
                      and not (t.meta.kind or "").startswith("code")]
    assert not literal_markup, "sub/superscript markup printed literally:\n" + "\n".join(literal_markup)


def test_a_tensor_index_header_may_print_the_last_index_but_a_text_may_not(write_spec):
    from renderer.app.traceability import untraced

    head = "id: t\nchapter: t\ntitle: {en: T, zh: T}\nvars:\n  n: 151936\n"
    ok = load(write_spec(head + "body: {tensor: {shape: '{{ [2, vars.n] }}', col_index: true}}\n"))
    bad = load(write_spec(head + "body: {box: 'last index 151935'}\n", "b.yaml"))
    for spec, found in ((ok, 0), (bad, 1)):
        bound = bind(spec)
        scenes = {"en": layout(bound.for_lang("en"), load_theme())}
        known = known_numbers(spec.doc.data, bound.lang_results, bound.derived)
        assert len(untraced(scenes, known, spec.file)) == found


def test_the_check_catches_a_hand_typed_probability():
    assert not explained("0.34", [2.0, 3.1, -1.7, 0.954, 0.035])
    assert explained("0.954", [0.95412])
    assert explained("95.4%", [0.95412])
    assert explained("3", [])
    assert not explained("151936", [])
    assert explained("151936", [151936.0])


def test_a_colour_key_checks_its_end_values_but_not_its_even_divisions(write_spec):
    head = "id: k\nchapter: t\ntitle: {en: T, zh: T}\nvars:\n  low: 0\n  top: 0.8\n"
    heat = ("body: {chart: {kind: heatmap, matrix: [[0.1, 0.7], [0.3, 0.5]], "
            "scale: {min: '{{ vars.low }}', max: %s, format: '.1f'}}}\n")
    ok = load(write_spec(head + heat % "'{{ vars.top }}'"))
    bad = load(write_spec(head + heat % "0.9", "b.yaml"))
    for spec, found in ((ok, []), (bad, ["0.9"])):
        bound = bind(spec)
        scenes = {"en": layout(bound.for_lang("en"), load_theme())}
        problems = untraced(scenes, known_numbers(spec.doc.data, bound.lang_results, bound.derived), spec.file)
        assert [p.message.split("the number ")[1].split(" ")[0] for p in problems] == found
