"""Number formatting in placeholders: `sci`, `bytes`, and one minus sign (U+2212) in every formatted number."""

from __future__ import annotations

import math

import pytest

from renderer.bind.placeholders import ExprError, evaluate, render_template
from renderer.spec.loader import load

SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MINUS = "\u2212"


def _sci_expected(x: float, figures: int) -> str:
    """Independently: the exponent from log10, the mantissa rounded to `figures` significant figures."""
    if x == 0:
        return f"{0:.{figures - 1}f}×10⁰"
    e = math.floor(math.log10(abs(x)))
    m = round(abs(x) / 10**e, figures - 1)
    if m >= 10:  # 9.999 at 3 figures rounds up to the next power
        m, e = m / 10, e + 1
    sign = MINUS if x < 0 else ""
    return f"{sign}{m:.{figures - 1}f}×10{str(e).translate(SUP)}"


@pytest.mark.parametrize("x, figures", [(0.000123456, 3), (-523.0, 3), (6.02214076e23, 4), (1.0, 1),
                                        (0.5, 2), (9.9996e-5, 3), (-0.00042, 2), (12345, 6), (0, 3)])
def test_sci_writes_fixed_significant_figures_and_superscript_exponents(x, figures):
    assert evaluate(f"x | sci({figures})", {"x": x}) == _sci_expected(x, figures)


def test_sci_examples_as_documented():
    assert evaluate("x | sci(3)", {"x": 0.000123}) == "1.23×10⁻⁴"
    assert evaluate("x | sci(3)", {"x": 2.0}) == "2.00×10⁰"  # zeros kept
    assert evaluate("x | sci", {"x": -1500}) == "−1.50×10³"  # default: 3 figures, a real minus
    assert evaluate("x | sci(2)", {"x": [1e-9, 3e8]}) == ["1.0×10⁻⁹", "3.0×10⁸"]


UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]


def _bytes_expected(n: float, digits: int) -> str:
    k = min(int(math.log2(n) // 10), len(UNITS) - 1) if n >= 1 else 0
    if k == 0:
        return f"{int(n)} B" if float(n).is_integer() else f"{n:.{digits}f} B"
    return f"{n / 2 ** (10 * k):.{digits}f} {UNITS[k]}"


@pytest.mark.parametrize("n, digits", [(0, 1), (512, 1), (1536, 1), (12_345_678, 1), (7 * 2**30 + 2**29, 2),
                                       (3 * 2**40, 0), (2**50 * 1.25, 2), (0.5, 1), (2**70, 1)])
def test_bytes_uses_binary_units_with_the_given_decimals(n, digits):
    assert evaluate(f"n | bytes({digits})", {"n": n}) == _bytes_expected(n, digits)


def test_bytes_moves_to_the_next_unit_when_rounding_reaches_1024():
    assert evaluate("n | bytes(1)", {"n": 1024 * 1024 - 40}) == "1.0 MiB"  # 1023.96 KiB
    assert evaluate("n | bytes", {"n": 1023}) == "1023 B"


@pytest.mark.parametrize("source, message", [
    ("x | sci(0)", "sci: significant figures must be a whole number from 1 to 17, got 0"),
    ("x | sci(2.5)", "sci: significant figures must be a whole number from 1 to 17, got 2.5"),
    ("x | sci('3')", "sci: significant figures must be a whole number from 1 to 17, got '3'"),
    ("'a' | sci(3)", "expected a number, got text"),
    ("x | bytes(-1)", "bytes: digits must be a whole number from 0 to 20, got -1"),
    ("0 - x | bytes(1)", "bytes: -2.5 is negative (expected a byte count of 0 or more)"),
    ("true | bytes", "expected a number, got true/false"),
])
def test_bad_arguments_are_refused(source, message):
    with pytest.raises(ExprError) as e:
        evaluate(source, {"x": 2.5})
    assert message in str(e.value)


def test_a_bad_argument_is_located_in_the_spec(write_spec, capsys):
    from renderer.app.cli import main

    p = write_spec("""
        id: t-fmt
        chapter: test
        title: {en: "T", zh: "T"}
        vars:
          n: 100
        body:
          box: {text: "size {{ vars.n | bytes(99) }}"}
    """)
    assert main(["render", str(p), "--out", str(p.parent / "out"), "--no-gallery"]) != 0
    err = capsys.readouterr()
    assert (f"{p}:7:15: error: placeholder: bytes: digits must be a whole number from 0 to 20, got 99"
            in err.out + err.err)


@pytest.mark.parametrize("source, expected", [
    ("x | fmt('.2f')", f"{MINUS}1.27"),
    ("x | fmt('>7.1f')", f"   {MINUS}1.3"),
    ("y | fmt('.3g')", f"1e{MINUS}05"),
    ("x | percent", f"{MINUS}127%"),
    ("z | fmt('.2f')", "0.00"),  # a negative that rounds to zero has no sign
])
def test_formatted_negatives_use_the_minus_sign(source, expected):
    assert evaluate(source, {"x": -1.27, "y": 0.00001, "z": -0.001}) == expected


def test_numbers_in_text_use_the_minus_sign_and_hyphens_stay():
    out = render_template("pre-train: {{ x }}, {{ y }}, {{ k }}", {"x": -0.5, "y": -2.5e-7, "k": -3})
    assert out == f"pre-train: {MINUS}0.5, {MINUS}2.5e{MINUS}07, {MINUS}3"


def test_a_spec_with_sci_and_bytes_binds(write_spec):
    from renderer.bind import bind

    p = write_spec("""
        id: t-fmt
        chapter: test
        title: {en: "T", zh: "T"}
        vars:
          lr: 0.0003
          n: 1610612736
        body:
          box: {text: "lr = {{ vars.lr | sci(2) }}, weights {{ vars.n | bytes(1) }}"}
    """)
    d = bind(load(p), use_cache=False).for_lang("en").diagram
    assert d.body.box.text == "lr = 3.0×10⁻⁴, weights 1.5 GiB"


def test_a_number_placed_as_a_whole_label_uses_the_minus_sign(write_spec):
    from renderer.bind import bind

    p = write_spec("""
        id: t-fmt
        chapter: test
        title: {en: "T", zh: "T"}
        vars:
          lp: [-2.3, 0.5]
        body:
          row:
            items:
              - box: {text: "{{ vars.lp[0] }}"}
              - box: {text: {en: "{{ vars.lp[1] - 1 }}", zh: "x"}}
              - box: {text: "-2.3 is typed"}
    """)
    row = bind(load(p), use_cache=False).for_lang("en").diagram.body.row
    assert [i.box.text for i in row.items][0] == f"{MINUS}2.3"
    assert row.items[1].box.text.en == f"{MINUS}0.5"
    assert row.items[2].box.text == "-2.3 is typed"  # text as typed: a hyphen stays


def test_the_formatters_example_prints_ranges_in_sci_and_cache_sizes_in_bytes():
    """specs/_examples/formatters.yaml: the scene shows the values written by hand here from their definitions."""
    from renderer.app.check import check_spec
    from renderer.bind import bind
    from renderer.layout import layout
    from renderer.layout.theme import load_theme
    from renderer.project import SPECS_DIR
    from renderer.scene import Text, walk

    spec = SPECS_DIR / "_examples" / "formatters.yaml"
    bound = bind(load(spec), use_cache=False)
    for lang in ("en", "zh"):
        scene = layout(bound.for_lang(lang), load_theme())
        texts = {t.text for t in walk(scene.items) if isinstance(t, Text)}
        joined = "".join(texts)
        # FP16: eps 2^−10, largest (2 − 2^−10)·2^15, smallest normal 2^−14; FP64: largest ≈ 1.80×10^308
        for x, e in ((2 ** -10, -4), ((2 - 2 ** -10) * 2 ** 15, 4), (2 ** -14, -5), (1.7976931348623157e308, 308)):
            assert f"{x / 10 ** e:.2f}×10{str(e).translate(SUP).replace('-', MINUS)}" in joined, (lang, x)
        per_token = 2 * 32 * 8 * 128 * 2  # K and V × layers × KV heads × head dim × 2 bytes (FP16)
        for n, unit in ((per_token * 4096 * 4 / 2 ** 30, "GiB"), (per_token * 4096 / 2 ** 20, "MiB"),
                        (per_token * 4096 / 8 / 2 ** 20, "MiB"), (per_token / 2 ** 10, "KiB")):
            assert f"{n:.1f} {unit}" in texts, (lang, n, unit)
    assert check_spec(spec) == []
