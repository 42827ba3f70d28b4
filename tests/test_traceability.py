"""Every number a diagram prints is an input (a compute argument or a var) or a computed value.

Numbers typed by hand into text are how the original collection got its probabilities wrong. This walks every
spec of the collection, renders its text in both languages and checks each number it prints with the rule in
renderer/app/traceability.py (which `vizspec validate` applies too).
"""

from __future__ import annotations

import pytest

from renderer.app.build import find_specs
from renderer.app.traceability import NUMBER, explained, known_numbers
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
    known = known_numbers(spec.doc.data, bound.results, bound.derived)  # arithmetic in placeholders counts
    # products of shapes (e.g. 3×896 printed as parts) and pairs are covered by their parts
    unexplained, literal_markup = [], []
    for lang in ("en", "zh"):
        scene = layout(bound.for_lang(lang), load_theme())
        for t in walk(scene.items):
            # axis ticks are generated from the data range (nice numbers), not typed: they are not checked
            is_code = (t.meta.kind or "").startswith("code")
            if isinstance(t, Text) and ("_{" in t.text or "^{" in t.text) and not is_code:
                literal_markup.append(f"[{lang}] {t.text!r} at {t.meta.src}")
            if isinstance(t, Text) and t.meta.kind not in ("credit", "chart-tick"):
                for token in NUMBER.findall(t.text):
                    if not explained(token, known):
                        unexplained.append(f"[{lang}] {token!r} in {t.text!r} at {t.meta.src}")
    assert not unexplained, "numbers typed by hand (make them compute results or inputs):\n" + "\n".join(unexplained)
    assert not literal_markup, "sub/superscript markup printed literally:\n" + "\n".join(literal_markup)


def test_the_check_catches_a_hand_typed_probability():
    assert not explained("0.34", [2.0, 3.1, -1.7, 0.954, 0.035])
    assert explained("0.954", [0.95412])
    assert explained("95.4%", [0.95412])
    assert explained("3", [])
    assert not explained("151936", [])
    assert explained("151936", [151936.0])
