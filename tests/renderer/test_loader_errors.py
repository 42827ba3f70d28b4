"""Each class of spec error is reported once, at the exact line:col, with what was expected."""

from __future__ import annotations

import pytest

from renderer.spec.errors import SpecError
from renderer.spec.loader import load, load_all

HEAD = """\
id: t
chapter: test
title: {en: T, zh: T}
"""


def problems(path) -> list[str]:
    with pytest.raises(SpecError) as e:
        load(path)
    return [f"{p.line}:{p.col}: {p.message}" for p in e.value.problems]


def test_valid_spec_loads(write_spec):
    spec = load(write_spec(HEAD + "body: {box: {id: a, text: A}}\n"))
    assert spec.diagram.id == "t"
    assert spec.diagram.body.kind == "box"


def test_unknown_key_points_at_the_key_and_lists_allowed_keys(write_spec):
    out = problems(write_spec(HEAD + "body:\n  row:\n    - box: {id: a, text: A, fill: model}\n"))
    assert len(out) == 1
    assert out[0].startswith("6:29: unknown key 'fill' (expected one of: ")
    assert "role" in out[0] and "text" in out[0]


def test_wrong_type_is_located_at_the_value(write_spec):
    out = problems(write_spec(HEAD + "body:\n  box: {text: A, width: wide}\n"))
    assert out == ['5:25: wrong type: string "wide" (expected number)']


def test_missing_key(write_spec):
    out = problems(write_spec("id: t\nchapter: test\nbody: {box: A}\n"))
    assert out == ["1:1: missing key 'title' (expected keys: id, chapter, title, body)"]


def test_enum_value_lists_the_choices(write_spec):
    out = problems(write_spec(HEAD + "body:\n  box: {text: A, shape: star}\n"))
    assert out == ['5:25: "star" is not allowed (expected one of: round, rect, ellipse, pill, cylinder)']


def test_element_with_two_kinds(write_spec):
    out = problems(write_spec(HEAD + "body:\n  column:\n    - {box: A, text: B}\n"))
    assert out[0].startswith("6:7: an element has exactly one kind key, found 2 (expected one of: row, column")


def test_unknown_element_kind(write_spec):
    out = problems(write_spec(HEAD + "body:\n  column:\n    - boxx: A\n"))
    assert out[0].startswith("6:7: unknown key 'boxx' (expected one of: aside, bits, box, bridge, chain, chart,")


def test_all_errors_of_a_file_are_reported_together(write_spec):
    out = problems(write_spec(HEAD + "body:\n  column:\n    - box: {text: A, fill: x}\n"
                              "    - text: {text: B, size: huge}\n"))
    assert [o.split(":")[0] for o in out] == ["6", "7"]


def test_yaml_syntax_error_is_located(write_spec):
    out = problems(write_spec(HEAD + "body:\n  box: [unclosed\n"))
    assert len(out) == 1 and out[0].startswith("6:1: YAML syntax:")


def test_duplicate_yaml_key(write_spec):
    out = problems(write_spec(HEAD + "body: {box: A}\nbody: {box: B}\n"))
    assert out == ["5:1: duplicate key 'body' (expected each key once per mapping)"]


def test_duplicate_element_ids(write_spec):
    out = problems(write_spec(HEAD + "body:\n  row:\n    - box: {id: a, text: A}\n    - box: {id: a, text: B}\n"))
    assert len(out) == 1
    assert out[0].startswith("7:17: duplicate element id 'a' (first defined at ")
    assert out[0].endswith(":6:17; expected unique ids)")


def test_edge_to_unknown_id(write_spec):
    out = problems(write_spec(HEAD + "body: {box: {id: a, text: A}}\nedges:\n  - {from: a, to: nowhere}\n"))
    assert out == ["6:19: edge to unknown element id 'nowhere' (expected one of: a)"]


def test_unknown_compute_function(write_spec):
    out = problems(write_spec(HEAD + "compute:\n  d: {fn: sampling.nope, args: {}}\nbody: {box: A}\n"))
    assert len(out) == 1
    assert out[0].startswith("5:11: unknown compute function 'sampling.nope' (expected a registered function")


def test_wrong_argument_name(write_spec):
    out = problems(write_spec(HEAD + "compute:\n  d:\n    fn: sampling.softmax\n    args: {logits: [1, 2], temp: 2}\n"
                              "body: {box: A}\n"))
    assert out == ["7:28: sampling.softmax has no argument 'temp' (expected: logits, temperature)"]


def test_wrong_argument_type(write_spec):
    out = problems(write_spec(HEAD + "compute:\n  d:\n    fn: sampling.softmax\n    args: {logits: [1, x]}\n"
                              "body: {box: A}\n"))
    assert len(out) == 1
    assert out == ["7:24: argument 'logits' of sampling.softmax: wrong type: text \"x\" (expected float)"]


def test_missing_argument(write_spec):
    out = problems(write_spec(HEAD + "compute:\n  d:\n    fn: sampling.softmax\n    args: {}\nbody: {box: A}\n"))
    assert out == ["7:11: sampling.softmax needs argument 'logits' (expected: logits, temperature)"]


def test_duplicate_diagram_ids_across_files(write_spec):
    a = write_spec(HEAD + "body: {box: A}\n", "a.yaml")
    b = write_spec(HEAD + "body: {box: B}\n", "b.yaml")
    specs, probs = load_all([a, b])
    assert [s.diagram.id for s in specs] == ["t"]
    assert len(probs) == 1
    assert probs[0].line == 1 and probs[0].col == 5 and probs[0].file.endswith("b.yaml")
    assert "duplicate diagram id 't'" in probs[0].message and "a.yaml" in probs[0].message


def test_problem_prints_as_file_line_col_error(write_spec):
    path = write_spec(HEAD + "body: {box: {text: A, fill: x}}\n")
    with pytest.raises(SpecError) as e:
        load(path)
    line = str(e.value)
    assert line.endswith("s.yaml:4:23: error: unknown key 'fill' (expected one of: align, badge, badge_role, bold, "
                         "dashed, direction, gap, height, id, items, max_width, outline, role, rows, shape, state, "
                         "step, sub, text, text_role, width)")


@pytest.mark.parametrize("text, where, message", [
    (r'"$\tau$"', "5:11", r'"\t" in a double-quoted string is a TAB, not the start of \tau (did you mean a '
                          r"single-quoted string ('…\tau…') or \\tau?)"),
    (r'"a $\frac{1}{2}$"', "5:13", r'"\f" in a double-quoted string is a form feed (U+000C), not the start of \frac'),
    (r'"$\beta$"', "5:11", r'"\b" in a double-quoted string is a backspace (U+0008), not the start of \beta'),
    (r'"$\Lambda$"', "5:11", r'"\L" in a double-quoted string is a line separator (U+2028), not the start of '
                             r"\Lambda"),
    (r'"$\nabla f$"', "5:11", r'"\n" in a double-quoted string is a line break, not the start of \nabla'),
    (r'"x\ty"', "5:11", r'"\t" in a double-quoted string is a TAB (did you mean a single-quoted string or \\t?)'),
    ('"one\n  $\\rho$"', "6:4", r'"\r" in a double-quoted string is a carriage return, not the start of \rho'),
])
def test_a_backslash_escape_that_gives_a_control_character_is_located_with_a_hint(write_spec, text, where, message):
    out = problems(write_spec(HEAD + "body:\n  text: " + text + "\n"))
    assert len(out) == 1 and out[0].startswith(f"{where}: {message}"), out


@pytest.mark.parametrize("text", [r"'$\tau$'", r'"$\\tau$"', r'"two\nlines"', r'"a\nunder b"', r'"tab\\t"',
                                  "|-\n    $\\tau$ in a block"])
def test_line_breaks_escaped_backslashes_and_single_quotes_are_fine(write_spec, text):
    load(write_spec(HEAD + "body:\n  text: " + text + "\n"))
