"""Binding: compute calls through the registry, cached on disk; placeholders sandboxed and located."""

from __future__ import annotations

import pytest

from compute import registry
from renderer.bind import bind
from renderer.spec.errors import SpecError
from renderer.spec.loader import load

HEAD = "id: t\nchapter: test\ntitle: {en: T, zh: T}\n"
SOFTMAX = "compute:\n  d: {fn: sampling.softmax, args: {logits: [1.0, 2.0, 3.0]}}\n"


def bound_text(write_spec, text_expr: str) -> str:
    spec = load(write_spec(HEAD + SOFTMAX + f"body: {{box: {{text: \"{text_expr}\"}}}}\n"))
    return bind(spec).diagram.body.content.text


def test_placeholder_fills_text_with_the_computed_value(write_spec):
    import numpy as np

    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    assert bound_text(write_spec, "p = {{ d.probs[2] | fmt('.4f') }}") == f"p = {p[2]:.4f}"
    assert bound_text(write_spec, "{{ d.probs | length }} tokens") == "3 tokens"
    assert bound_text(write_spec, "{{ d.probs[0] | percent(1) }}") == f"{p[0] * 100:.1f}%"


def test_a_whole_placeholder_in_a_data_field_binds_to_an_array(write_spec):
    spec = load(write_spec(HEAD + SOFTMAX + "vars: {xs: [1, 2]}\nbody: {box: A}\n"))
    b = bind(spec)
    assert isinstance(b.results["d"]["probs"], list) and len(b.results["d"]["probs"]) == 3
    assert b.provenance["d"]["fn"] == "sampling.softmax"
    assert b.provenance["d"]["args"] == {"logits": [1.0, 2.0, 3.0]}


def test_vars_are_picked_per_language(write_spec):
    spec = load(write_spec(HEAD + "vars: {w: {en: [a, b], zh: [甲, 乙]}}\nbody: {box: {text: \"{{ vars.w[1] }}\"}}\n"))
    b = bind(spec)
    assert b.for_lang("en").diagram.body.content.text == "b"
    assert b.for_lang("zh").diagram.body.content.text == "乙"


@pytest.mark.parametrize("expr", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ d.__class__ }}",
    "{{ d.probs.__len__ }}",
    "{{ __import__('os') }}",
    "{{ import os }}",
    "{{ open('/etc/passwd') }}",
    "{{ d.probs.pop() }}",
    "{{ [x for x in d.probs] }}",
    "{{ lambda: 1 }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self }}",
    "{{ 9 ** 999999 }}",
])
def test_sandbox_refuses_escapes_with_a_located_error(write_spec, expr):
    spec = load(write_spec(HEAD + SOFTMAX + f"body:\n  box: {{text: \"{expr}\"}}\n"))
    with pytest.raises(SpecError) as e:
        bind(spec)
    (p,) = e.value.problems
    assert (p.line, p.col) == (7, 15)
    assert p.message.startswith("placeholder: ")


def test_unknown_result_key_names_the_keys_that_exist(write_spec):
    spec = load(write_spec(HEAD + SOFTMAX + "body:\n  box: {text: \"{{ d.prob }}\"}\n"))
    with pytest.raises(SpecError) as e:
        bind(spec)
    assert str(e.value).endswith("7:15: error: placeholder: 'd' has no key 'prob' (expected one of: probs)")


def test_compute_results_are_cached_on_disk(write_spec, monkeypatch):
    import functools

    calls = []
    real = registry.get("sampling.softmax")

    @functools.wraps(real)
    def counting(**kw):
        calls.append(kw)
        return real(**kw)

    original_get = registry.get
    monkeypatch.setattr(registry, "get", lambda name: counting if name == "sampling.softmax" else original_get(name))
    path = write_spec(HEAD + SOFTMAX + "body: {box: A}\n")
    first = bind(load(path)).results
    second = bind(load(path)).results
    assert len(calls) == 1 and first == second


def test_failing_compute_call_is_a_located_error(write_spec):
    spec = load(write_spec(HEAD + "compute:\n  d: {fn: rl.discounted_returns, args: {rewards: [1, 2], gamma: 7}}\n"
                           "body: {box: A}\n"))
    with pytest.raises(SpecError) as e:
        bind(spec)
    (p,) = e.value.problems
    assert (p.line, p.col) == (5, 11)
    assert "gamma" in p.message


def test_values_derived_in_placeholders_are_recorded_but_constants_are_not(write_spec):
    spec = load(write_spec(HEAD + SOFTMAX + "vars: {vocab: 151936}\n"
                           "body: {box: {text: \"last id {{ vars.vocab - 1 }}, typed {{ 0.34 }}\"}}\n"))
    b = bind(spec)
    assert 151935 in b.derived
    assert 0.34 not in b.derived


def test_negative_numbers_print_with_a_true_minus_sign(write_spec):
    spec = load(write_spec(HEAD + "vars: {x: -2.5}\nbody: {box: {text: \"{{ vars.x }} {{ vars.x | fmt('.2f') }} "
                           "{{ vars.x | percent }}\"}}\n"))
    assert bind(spec).diagram.body.content.text == "−2.5 −2.50 −250%"
