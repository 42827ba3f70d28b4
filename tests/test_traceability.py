"""Every number a diagram prints is an input (a compute argument or a var) or a computed value.

Numbers typed by hand into text are how the original collection got its probabilities wrong. This
walks every spec, renders its text in both languages, and checks each number it prints against
(a) the inputs written in `compute:` args and `vars:`, (b) every value in the compute results or
computed by a placeholder from inputs and results (at the precision printed), and (c) small counting
integers (step numbers, list markers, indices ≤ 24). Chart axis ticks are chosen by the axis
algorithm from the data range, so they are not checked.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from renderer.app.build import find_specs
from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.scene import Text, walk
from renderer.spec.loader import load

NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:[.,]\d+)*(?:\.\d+)?(?:[eE][+−-]?\d+)?%?(?![A-Za-z_])")
SMALL_INT = 24


def numbers_in(value) -> list[float]:
    """Every number inside nested data (bools excluded)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, str):
        return [parse(m) for m in NUMBER.findall(value) if parse(m) is not None]
    if isinstance(value, list):
        return [x for v in value for x in numbers_in(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers_in(v)]
    return []


def parse(token: str) -> float | None:
    t = token.replace("−", "-").replace(",", "")
    pct = t.endswith("%")
    try:
        v = float(t.rstrip("%"))
    except ValueError:
        return None
    return v / 100 if pct else v


def decimals(token: str) -> int:
    t = token.rstrip("%")
    frac = t.split(".")[1] if "." in t else ""
    return len(re.match(r"\d*", frac).group()) + (2 if token.endswith("%") else 0)


def explained(token: str, known: list[float]) -> bool:
    v = parse(token)
    if v is None:
        return True
    if math.isinf(v):  # a rounding of a value near the float limit (FP64 max printed as 1.8e+308)
        mantissa, _, exponent = token.replace("−", "-").lower().partition("e")
        d = Decimal(mantissa) * Decimal(10) ** int(exponent)
        tol = Decimal(5) * Decimal(10) ** (int(exponent) - decimals(mantissa) - 1)
        return any(math.isfinite(k) and abs(Decimal(k) - d) <= tol for k in known)
    if float(v).is_integer() and 0 <= abs(v) <= SMALL_INT and "." not in token:
        return True
    tol = 0.5 * 10 ** -decimals(token) + 1e-9
    for k in known:
        if math.isclose(k, v, rel_tol=1e-6) or abs(k - v) <= tol or abs(abs(k) - abs(v)) <= tol:
            return True
        if v and k and "e" in token.lower() and math.isclose(k, v, rel_tol=10 ** -decimals(token.split("e")[0])):
            return True
    return False


SPECS = [p for p in find_specs() if "_examples" not in p.parts]


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_printed_number_is_an_input_or_computed(path):
    spec = load(path)
    bound = bind(spec)
    raw = spec.doc.data
    inputs = {k: v.get("args", {}) for k, v in raw.get("compute", {}).items()}
    known = numbers_in(raw.get("vars", {})) + numbers_in(inputs)
    known += numbers_in(bound.results) + numbers_in(bound.derived)  # arithmetic in placeholders counts
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
