"""The placeholder sandbox: data in, text or values out; nothing else of Python is reachable."""

from __future__ import annotations

import math
import time

import pytest

from renderer.bind.placeholders import (
    MAX_EXPR,
    MAX_INT_BITS,
    MAX_NESTING,
    MAX_TEXT,
    ExprError,
    evaluate,
    render_template,
    to_text,
)

NAMES = {"g": {"returns": [14.0, 10.0, 7.0, 2.0], "n": 4, "label": "G", "kept": [True, False, True, False]},
         "vars": {"tokens": ["on", "good", "have"], "big": 10**30}}


def ev(source: str):
    return evaluate(source, NAMES)


@pytest.mark.parametrize("source, value", [
    ("g.returns[0]", 14.0),
    ("g['returns'][-1]", 2.0),
    ("g.returns[1:3]", [10.0, 7.0]),
    ("g.returns[0] + g.returns[1] * 2", 34.0),
    ("g.returns | sum", 33.0),
    ("g.returns | length", 4),
    ("g.returns[0] | fmt('.1f')", "14.0"),
    ("0.25 | percent", "25%"),
    ("0.2567 | percent(1)", "25.7%"),
    ("2.567 | round(1)", 2.6),
    ("g.returns | select(g.kept)", [14.0, 7.0]),
    ("g.kept | choose('kept', 'removed')", ["kept", "removed", "kept", "removed"]),
    ("g.kept | choose('kept', 'removed') | mark(g.n - 1, 'sampled')", ["kept", "removed", "kept", "sampled"]),
    ("vars.tokens | join('/')", "on/good/have"),
    ("g.label + '0'", "G0"),
    ("g.n > 3 and g.n < 5", True),
    ("'yes' if g.n == 4 else 'no'", "yes"),
    ("2 ** 10", 1024),
    ("-g.returns[3]", -2.0),
])
def test_allowed_expressions_give_their_values(source, value):
    assert ev(source) == value


ESCAPES = {
    "''.__class__.__mro__": "access to '__mro__' is not allowed (names starting with _ are private)",
    "cycler.__init__.__globals__": "access to '__globals__' is not allowed (names starting with _ are private)",
    "g.__class__": "access to '__class__' is not allowed (names starting with _ are private)",
    "g['__class__']": "access to '__class__' is not allowed (names starting with _ are private)",
    "vars.tokens.__len__": "access to '__len__' is not allowed (names starting with _ are private)",
    "self": "unknown name 'self' (expected a compute result: g, vars)",
    "__builtins__": "name '__builtins__' is not allowed (names starting with _ are private)",
    "__import__('os')": "calls are not allowed: '__import__('os')' (expected a filter after |, e.g. value | "
                        "fmt('.2f'))",
    "open('/etc/passwd')": "calls are not allowed: 'open('/etc/passwd')' (expected a filter after |, e.g. value | "
                           "fmt('.2f'))",
    "os.environ": "unknown name 'os' (expected a compute result: g, vars)",
    "len(g.returns)": "calls are not allowed: 'len(g.returns)' (expected a filter after |, e.g. value | fmt('.2f'))",
    "g.returns | length()": None,  # a filter written with () is fine
    "g.returns.pop()": "calls are not allowed: 'g.returns.pop()' (expected a filter after |, e.g. value | "
                       "fmt('.2f'))",
    "lambda: 1": "lambda functions are not allowed in a placeholder (expected names, .key, [index], arithmetic, "
                 "comparisons and | filters)",
    "[x for x in g.returns]": "comprehensions are not allowed in a placeholder (expected names, .key, [index], "
                              "arithmetic, comparisons and | filters)",
    "(x for x in g.returns)": "comprehensions are not allowed in a placeholder (expected names, .key, [index], "
                              "arithmetic, comparisons and | filters)",
    "(y := 1)": "assignments (:=) are not allowed in a placeholder (expected names, .key, [index], arithmetic, "
                "comparisons and | filters)",
    "f'{g}'": "f-strings are not allowed in a placeholder (expected names, .key, [index], arithmetic, "
              "comparisons and | filters)",
    "{'a': 1}": "mapping literals {…} are not allowed in a placeholder (expected names, .key, [index], "
                "arithmetic, comparisons and | filters)",
    "g.returns | fmt('{0.__class__}')": "fmt: bad format '{0.__class__}' (expected a format spec such as '.3f')",
    "g.returns | (lambda v: v)": "'lambda v: v' is not a filter (expected e.g. fmt('.2f'), percent, length)",
    "g.returns | getattr('x')": "unknown filter 'getattr' (expected one of: abs, argmax, bytes, choose, count, eq, "
                                "first, fmt, ge, gt, join, key_colors, last, le, length, lt, map, mark, max, min, "
                                "ne, percent, pick, positions, reverse, round, sci, select, string, sum)",
    "g.kept | mark(4, 'sampled')": "mark: index 4 is not a position in the list (it has 4 items)",
    "g.kept | mark('1', 'sampled')": "mark: index '1' is not a position in the list (it has 4 items)",
    "b'bytes'": "constant b'bytes' is not allowed (expected a number or a 'string')",
    "1j": "constant 1j is not allowed (expected a number or a 'string')",
    "~5": "~ is not allowed (expected + - * / // % ** and | filters)",
    "1 is 1": "only ==, !=, <, <=, >, >=, in, not in comparisons are allowed",
    "1 << 64": "only + - * / // % ** and | filters are allowed",
}


@pytest.mark.parametrize("source", list(ESCAPES), ids=list(ESCAPES))
def test_escape_attempts_are_refused_with_a_clear_message(source):
    expected = ESCAPES[source]
    if expected is None:
        ev(source)
        return
    with pytest.raises(ExprError) as e:
        ev(source)
    assert str(e.value) == expected


BOMBS = {
    "9 ** 9 ** 9": "exponent 387420489 too large (limit max_power = 64)",
    "((9 ** 64) ** 64) ** 64": f"number too large (limit max_int_bits = {MAX_INT_BITS}: at most ±2**{MAX_INT_BITS})",
    "10 ** 40 * 10 ** 40 * 10 ** 40": f"number too large (limit max_int_bits = {MAX_INT_BITS}: at most "
                                      f"±2**{MAX_INT_BITS})",
    "'a' * 1000000000": "'*' needs numbers on both sides, got text and a number (text and lists cannot be repeated)",
    "[1] * 1000000000": "'*' needs numbers on both sides, got a list and a number (text and lists cannot be "
                        "repeated)",
    "g.returns * 10 ** 9": "'*' needs numbers on both sides, got a list and a number (text and lists cannot be "
                           "repeated)",
    "'[' * 10": "'*' needs numbers on both sides, got text and a number (text and lists cannot be repeated)",
    "1 | fmt('>999999999')": "fmt: width or precision in '>999999999' too large (limit max_format_number = 50)",
    "1.5 | fmt('.999999999f')": "fmt: width or precision in '.999999999f' too large (limit max_format_number = 50)",
    "1 | percent(1000000000)": "percent: digits must be a whole number from 0 to 20, got 1000000000",
    "12345 | round(-1000000000)": "round: digits must be a whole number from -20 to 20, got -1000000000",
    "[" * 60 + "1" + "]" * 60: f"expression nested too deeply (limit max_expr_nesting = {MAX_NESTING} levels)",
    "-" * 200 + "1": f"expression nested too deeply (limit max_expr_nesting = {MAX_NESTING} levels)",
    "not " * 100 + "1": f"expression nested too deeply (limit max_expr_nesting = {MAX_NESTING} levels)",
    "1e308 * 10": "value is NaN or infinite (expected a finite number)",
    "1e308 + 1e308 - 1e308": "value is NaN or infinite (expected a finite number)",
    "2.0 ** 64.0 ** 2": "exponent 4096.0 too large (limit max_power = 64)",
    "1 / 0": "arithmetic error: division by zero",
    "(-8) ** 0.5": "result is not a real number",
    "1 + " * 200 + "1": f"expression too long: 801 characters (limit max_expr_chars = {MAX_EXPR})",
}


@pytest.mark.parametrize("source", list(BOMBS), ids=[s[:40] for s in BOMBS])
def test_resource_bombs_are_refused_quickly(source):
    t0 = time.monotonic()
    with pytest.raises(ExprError) as e:
        ev(source)
    assert str(e.value) == BOMBS[source]
    assert time.monotonic() - t0 < 1.0


@pytest.mark.parametrize("source", ["(" * 300 + "1" + ")" * 300, "\x00", "1 +", "g.", "[1, 2", "'\\N{foo}'",
                                    "yield 1", "await g", "*g"])
def test_unparseable_or_absurd_sources_are_expr_errors(source):
    with pytest.raises(ExprError):
        ev(source)


def test_a_long_sum_of_terms_is_not_mistaken_for_deep_nesting():
    assert ev(" + ".join(["g.n"] * 80)) == 320
    assert ev("g.returns" + " | reverse" * 40) == NAMES["g"]["returns"]


def test_text_output_is_capped():
    huge = {"x": ["word"] * (MAX_TEXT // 3)}
    with pytest.raises(ExprError, match="max_placeholder_text"):
        render_template("all: {{ x }}", huge)
    with pytest.raises(ExprError, match="max_placeholder_text"):
        evaluate("x | join('--------')", huge)
    with pytest.raises(ExprError, match="max_placeholder_text"):
        evaluate("s + s", {"s": "a" * (MAX_TEXT // 2 + 1)})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_errors_where_they_would_be_printed(value):
    names = {"x": {"v": value, "l": [1.0, value]}}
    for source in ("v: {{ x.v }}", "{{ x.v | fmt('.2f') }}", "{{ x.l }} items", "{{ x.v | percent }}",
                   "{{ x.v | round(1) }}"):
        with pytest.raises(ExprError, match="NaN or infinite"):
            render_template(source, names)
    with pytest.raises(ExprError, match="NaN or infinite"):
        to_text(value)


def test_big_whole_numbers_from_data_cannot_be_printed_past_the_limit():
    with pytest.raises(ExprError, match="max_int_bits"):
        to_text(10**60)
    assert ev("vars.big + 1") == 10**30 + 1


def test_unclosed_placeholders_are_reported():
    with pytest.raises(ExprError, match="unclosed"):
        render_template("G = {{ g.returns[0]", NAMES)
    with pytest.raises(ExprError, match="unclosed"):
        render_template("{{ g.n }} and {{ g.n", NAMES)


def test_the_evaluator_sees_only_the_names_it_is_given():
    with pytest.raises(ExprError, match="unknown name 'math'"):
        evaluate("math", {})
    with pytest.raises(ExprError, match="none: add a compute: section"):
        evaluate("g", {})


def test_filter_arity_errors_name_the_filter():
    with pytest.raises(ExprError, match=r"filter fmt: wrong number of arguments \(3 given\)"):
        ev("1 | fmt('.1f', 2, 3)")


DATA = {"d": {"probs": [0.2, 0.5, 0.3, 0.5], "rows": [[1, 2], [3, 4]], "words": ["a", "bb"]}}


@pytest.mark.parametrize("source, value", [
    ("d.probs | eq(d.probs | max)", [False, True, False, True]),  # ties: every maximum
    ("d.probs | positions | eq(d.probs | argmax)", [False, True, False, False]),  # the argmax alone
    ("d.probs | positions | eq(d.probs | argmax) | choose('sampled', 'kept')", ["kept", "sampled", "kept", "kept"]),
    ("d.probs | gt(0.25)", [False, True, True, True]),
    ("d.probs | le(0.3)", [True, False, True, False]),
    ("d.probs | ne(0.5)", [True, False, True, False]),
    ("d.probs | lt(0.3) | count(true)", 1),
    ("d.rows | map('sum')", [3, 7]),
    ("d.rows | map('max')", [2, 4]),
    ("d.words | map('length')", [1, 2]),
    ("d.probs | map('percent')", ["20%", "50%", "30%", "50%"]),
    ("d.probs | positions", [0, 1, 2, 3]),
])
def test_elementwise_filters_build_lists_of_flags_and_values(source, value):
    assert evaluate(source, DATA) == value


@pytest.mark.parametrize("source, message", [
    ("d.probs | map('nope')", "map: unknown filter 'nope' (expected a filter name in quotes, e.g. map('sum'))"),
    ("d.probs | map('map', 'sum')", "map: unknown filter 'map'"),
    ("d.rows | map('join', 1, 2)", "map: wrong arguments for filter 'join'"),
    ("d.probs | lt('a')", "lt: cannot compare float with str"),
    ("3 | positions", "expected a list, got int"),
])
def test_elementwise_filter_mistakes_are_explained(source, message):
    with pytest.raises(ExprError) as e:
        evaluate(source, DATA)
    assert message in str(e.value)


@pytest.mark.parametrize("source, value", [
    ("g.label or '—'", "G"),
    ("g.empty or '—'", "—"),  # the operand, as Python gives it, not true/false
    ("g.zero or g.n", 4),
    ("g.n and g.label", "G"),
    ("g.zero and g.label", 0),
    ("g.empty or g.zero or 'none'", "none"),
    ("g.n > 3 and g.n < 5", True),
    ("g.n or g.missing", 4),  # short-circuit: the right side is not evaluated
    ("g.zero and g.missing", 0),
])
def test_and_or_give_the_deciding_operand(source, value):
    names = {"g": {**NAMES["g"], "empty": "", "zero": 0}}
    assert evaluate(source, names) == value
    assert render_template(f"{{{{ {source} }}}}!", names) == f"{to_text(value)}!"


@pytest.mark.parametrize("source, value", [
    ("0 | pick(['muted', 'accent', 'warm'])", "muted"),
    ("2 | pick(['muted', 'accent', 'warm'])", "warm"),
    ("(d.k == d.best) | pick('muted', 'accent')", "accent"),
    ("(d.k != d.best) | pick('muted', 'accent')", "muted"),
    ("d.flags | pick('muted', 'accent')", ["accent", "muted", "accent"]),  # false → first, true → second
    ("d.probs | positions | eq(d.probs | argmax) | pick('muted', 'accent')", ["muted", "accent", "muted"]),
    ("d.picks | pick(['a', 'b', 'c'])", ["c", "a", "b"]),
    ("d.grid | pick('x', 'y')", [["y", "x"], ["x", "y"]]),  # nested lists: one per cell
    ("1 | pick([10, 20])", 20),
])
def test_pick_maps_a_position_or_a_flag_to_one_of_several_values(source, value):
    data = {"d": {"k": 2, "best": 2, "flags": [True, False, True], "probs": [0.1, 0.7, 0.2], "picks": [2, 0, 1],
                  "grid": [[True, False], [False, True]]}}
    assert evaluate(source, data) == value


@pytest.mark.parametrize("source, message", [
    ("3 | pick('a', 'b')", "pick: 3 is not a position among the 2 options (expected true/false or a whole number "
                           "from 0 to 1)"),
    ("-1 | pick('a', 'b')", "pick: -1 is not a position"),
    ("0.5 | pick('a', 'b')", "pick: 0.5 is not a position"),
    ("'x' | pick('a', 'b')", "pick: 'x' is not a position"),
    ("0 | pick('a')", "pick: needs at least two options"),
    ("0 | pick(['a'])", "pick: needs at least two options"),
])
def test_pick_mistakes_are_explained(source, message):
    with pytest.raises(ExprError) as e:
        evaluate(source, {})
    assert message in str(e.value)


@pytest.mark.parametrize("text, out", [
    ("x_{{{ g.n }}}", "x_{4}"),  # three braces: a literal { and then the placeholder
    ("x^{{{ g.n + 1 }}}_{{{ g.n }}}", "x^{5}_{4}"),
    ("{{{ g.n }}}", "{4}"),
    ("x_{ {{ g.n }} }", "x_{ 4 }"),
    ("{{ g.n }}", 4),
])
def test_three_opening_braces_are_a_literal_brace_and_a_placeholder(text, out):
    assert render_template(text, NAMES) == out
