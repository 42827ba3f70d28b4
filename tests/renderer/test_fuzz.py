"""Fuzzing the trust boundary: random and mutated specs reach the loader and bind; only SpecError escapes.

Seeds are real specs (specs/**/*.yaml) and a small spec touching compute, placeholders, components and
edges; hypothesis mutates bytes, lines, keys and values with YAML and template tricks. A failure here
is a crash in the pipeline to fix, never an exception to add to an allow-list.
"""

from __future__ import annotations

import re
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import renderer.bind.compute_calls as bind_mod
from renderer.bind import bind
from renderer.bind.placeholders import ExprError, evaluate, render_template
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

ROOT = Path(__file__).resolve().parents[2]
BASE = b"""\
id: fuzz-base
chapter: fuzz
title: {en: "Fuzz {{ g.returns[0] }}", zh: "\xe6\xa8\xa1\xe7\xb3\x8a"}
vars:
  tokens: {en: [a, b, c], zh: [x, y, z]}
compute:
  g: {fn: rl.discounted_returns, args: {rewards: [4, 3, 5, 2], gamma: 0.9}}
  p: {fn: sampling.softmax, args: {logits: [2.0, 1.0, 0.5]}}
body:
  column:
    gap: 12
    items:
      - box: {id: a, text: "G0 = {{ g.returns[0] | fmt('.2f') }}", role: data}
      - row:
          - box: {id: b, text: "{{ vars.tokens | join(', ') }}"}
          - text: {text: "p = {{ p.probs[0] | percent(1) }}", size: small}
      - panel: {title: T, items: [{note: "n"}]}
edges:
  - {from: a, to: b, label: "x"}
"""
SEEDS = [BASE] + [p.read_bytes() for p in sorted((ROOT / "specs").rglob("*.yaml"))[:40]]

TRICKS = [
    ".nan", "-.inf", "9" * 60, "1e400", "1.0e+400", "2024-01-01", "!!python/object/apply:os.system ['id']",
    "!!binary aGk=", "!!set {a}", "*a", "&a [1]", "<<: *a", "{{ ''.__class__.__mro__ }}", "{{ 9 ** 9 ** 9 }}",
    "{{ 'a' * 99999999 }}", "{{ self }}", "{{ [[[[[[[[[[[[1]]]]]]]]]]]] }}", "{{ g.returns | fmt('>99999') }}",
    "{{", "}}", "null", "~", "[]", "{}", "yes", "no", "on", "\u200b", "\u202e", "e\u0301", "\\x00", '"\\0"',
    '"\\ud800"', "'", '"', "- ", ": ", "? ", "\t", "|", ">", "#", "%YAML 1.1", "---", "...", "use: {component: "
    "../../etc/passwd}", "use: {component: ppo-four-models}", "{use: {component: nope}}", "-1", "0", "1e9",
    "[" * 70, "{a: " * 40, "x" * 3000, "\U0001f600", "\ufeff", "\x85", "a\u2028b",
]
KEYS = ["id", "chapter", "title", "body", "compute", "fn", "args", "edges", "from", "to", "row", "column",
        "items", "box", "text", "tensor", "chart", "table", "tree", "graph", "values", "shape", "use",
        "component", "vars", "__class__", "<<", "role", "width", "gap", "x", "y", "series", "matrix"]


@st.composite
def mutated(draw) -> bytes:
    """A seed spec with one to four mutations of bytes, lines, keys or values."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "line", "line", "trick", "trick", "trick", "key",
                                     "key", "number", "number", "truncate", "binary"]))
        n = len(data)
        if kind == "flip" and n:
            i = draw(st.integers(0, n - 1))
            data[i] = draw(st.integers(32, 126))
        elif kind == "binary":
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "insert":
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.text(PRINTABLE, min_size=1, max_size=8)).encode()
        elif kind == "number":
            text = bytes(data).decode("utf-8", "replace")
            spots = [m.span() for m in re.finditer(r"-?\d+(\.\d+)?", text)]
            if spots:
                a, b = draw(st.sampled_from(spots))
                new = draw(st.sampled_from(["0", "-1", "1e9", "99999999", "0.0", "1e-300", "3.5", "100000", "-.inf",
                                            "[1, 2]", "'x'", "{{ g.returns[0] }}", "512", "4096"]))
                data = bytearray((text[:a] + new + text[b:]).encode("utf-8"))
        elif kind == "delete" and n:
            i = draw(st.integers(0, n - 1))
            data[i:i + draw(st.integers(1, 40))] = b""
        elif kind == "truncate" and n:
            del data[draw(st.integers(0, n - 1)):]
        elif kind == "line":
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            op = draw(st.sampled_from(["dup", "swap", "drop", "indent", "dedent"]))
            if op == "dup":
                lines.insert(i, lines[j])
            elif op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            elif op == "drop":
                del lines[i]
            elif op == "indent":
                lines[i] = b"  " + lines[i]
            else:
                lines[i] = lines[i][2:]
            data = bytearray(b"\n".join(lines))
        elif kind in ("trick", "key"):
            text = bytes(data).decode("utf-8", "replace")
            spots = [i for i, c in enumerate(text) if c in ":,[{ \n"] or [0]
            i = draw(st.sampled_from(spots))
            word = draw(st.sampled_from(TRICKS)) if kind == "trick" else draw(st.sampled_from(KEYS)) + ": "
            data = bytearray((text[:i + 1] + word + text[i + 1:]).encode("utf-8", "surrogatepass"))
    return bytes(data)


PRINTABLE = string.printable.replace("\x0b", "").replace("\x0c", "") + "é模\u200b\u202e"
PLACEHOLDERS = ["{{ c.returns[0] }}", "{{ c.returns }}", "G = {{ c.returns | sum | fmt('.1f') }}",
                "{{ c.probs }}", "{{ vars.v }}", "{{ vars.v[0] }}", "{{ c }}", "{{ c.returns | length }}",
                "{{ nope }}", "{{ c.returns[9] }}", "{{ 1 / 0 }}", "{{ c.__class__ }}"]
TEXTS = st.one_of(st.text(PRINTABLE, max_size=20), st.sampled_from(PLACEHOLDERS))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=False, allow_infinity=False, width=32),
                     TEXTS, st.text(max_size=8), st.sampled_from(TRICKS))
RANDOM_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=5)),
    max_leaves=30)
ELEMENT_KINDS = ["box", "text", "note", "spacer", "tensor", "chart", "table", "tree", "graph", "timeline", "math",
                 "code", "icon", "lanes", "use", "row", "column", "grid", "panel"]
FIELDS = ["id", "text", "role", "width", "height", "gap", "title", "items", "values", "shape", "kind", "x", "y",
          "series", "matrix", "rows", "header", "root", "nodes", "edges", "tex", "code", "name", "columns", "sub",
          "component", "args", "lanes", "steps", "format", "highlight", "mask", "labels", "children", "stages",
          "cells", "span", "item"]
ELEMENT = st.deferred(lambda: st.one_of(
    st.builds(lambda k, t: {k: t}, st.sampled_from(["box", "text", "note"]), TEXTS),
    st.builds(lambda k, c: {k: c}, st.sampled_from(ELEMENT_KINDS),
              st.dictionaries(st.sampled_from(FIELDS), RANDOM_DATA | TEXTS, max_size=4)),
    st.builds(lambda k, items: {k: items}, st.sampled_from(["row", "column"]), st.lists(ELEMENT, max_size=4)),
    st.builds(lambda k, items, extra: {k: {"items": items, **extra}}, st.sampled_from(["panel", "grid", "row"]),
              st.lists(ELEMENT, max_size=3),
              st.dictionaries(st.sampled_from(["title", "gap", "role", "id", "columns", "align"]), _SCALARS,
                              max_size=2)),
))


@st.composite
def random_spec(draw) -> bytes:
    """Spec-shaped random data: the right top-level keys, random elements, compute calls and edges."""
    doc = {"id": draw(st.sampled_from(["fuzz"] * 8 + ["Fuzz", "../x"])), "chapter": "fuzz", "title": draw(TEXTS),
           "body": draw(ELEMENT | RANDOM_DATA)}
    if draw(st.booleans()):
        fn, args = draw(st.sampled_from([
            ("rl.discounted_returns", {"rewards": [4, 3, 5, 2], "gamma": 0.9}),
            ("sampling.softmax", {"logits": [2.0, 1.0, 0.5]}), ("x.y", {})]))
        if draw(st.booleans()):
            args = {**args, **draw(st.dictionaries(st.sampled_from(["rewards", "gamma", "logits", "temperature",
                                                                    "zzz"]), RANDOM_DATA, max_size=2))}
        doc["compute"] = {"c": {"fn": fn, "args": args}}
    if draw(st.booleans()):
        doc["vars"] = {"v": draw(RANDOM_DATA)}
    if draw(st.booleans()):
        doc["edges"] = draw(st.lists(st.dictionaries(st.sampled_from(["from", "to", "label", "route"]),
                                                     _SCALARS, max_size=4), max_size=3) | RANDOM_DATA)
    return yaml.safe_dump(doc, allow_unicode=draw(st.booleans())).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def spec_file():
    """One scratch file for every example (hypothesis runs examples one after another)."""
    with tempfile.TemporaryDirectory() as d:
        yield Path(d) / "fuzz.yaml"


@pytest.fixture(autouse=True)
def _short_compute_limit(monkeypatch):
    """Mutated arguments may ask for slow computations: keep each call short."""
    monkeypatch.setattr(bind_mod, "COMPUTE_SECONDS", 2.0)


def load_and_bind(path: Path, raw: bytes) -> None:
    """Feed one spec through load and bind; SpecError is the only acceptable failure."""
    path.write_bytes(raw)
    try:
        bind(load(path), use_cache=False)
    except SpecError as e:
        assert e.problems, "a SpecError carries at least one problem"
        for p in e.problems:
            assert p.line >= 1 and p.col >= 1 and p.message
            str(p).encode("utf-8")  # every message can be printed


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@FUZZ
@given(raw=mutated())
def test_mutated_specs_fail_only_with_spec_errors(spec_file, raw):
    load_and_bind(spec_file, raw)


@FUZZ
@given(raw=random_spec())
def test_random_spec_data_fails_only_with_spec_errors(spec_file, raw):
    load_and_bind(spec_file, raw)


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes_fail_only_with_spec_errors(spec_file, raw):
    load_and_bind(spec_file, raw)


EXPR_ALPHABET = st.sampled_from(list("gnx0123456789.[](){}'\"|+-*/%<>=!~:,_ \\") + [
    " | fmt('.2f')", " | join", "__class__", "lambda", " for ", " if ", " else ", " and ", " not ", ":=", "**",
    "g.returns", "vars", "1e308", "percent(", "round(", "\x00", "\u200b"])
NAMES = {"g": {"returns": [1.5, 2.0, 3.25], "n": 3, "s": "text"}, "vars": {"t": ["a", "b"]}}


@FUZZ
@given(source=st.lists(EXPR_ALPHABET, max_size=30).map("".join))
def test_random_expressions_fail_only_with_expr_errors(source):
    try:
        evaluate(source, NAMES)
    except ExprError:
        pass
    try:
        render_template("x {{ " + source + " }} y", NAMES)
    except ExprError:
        pass
