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


def _softmax(xs: list[float]) -> list[float]:
    import math

    e = [math.exp(x) for x in xs]
    return [v / sum(e) for v in e]


def test_a_compute_argument_given_per_language_reaches_the_function_in_each_language(write_spec):
    compute = ("vars:\n  logits: {en: [1.0, 2.0, 3.0], zh: [3.0, 2.0, 1.0]}\ncompute:\n"
               "  a: {fn: sampling.softmax, args: {logits: {en: [1.0, 2.0, 3.0], zh: [3.0, 2.0, 1.0]}}}\n"
               "  b: {fn: sampling.softmax, args: {logits: \"{{ vars.logits }}\"}}\n"  # a var that is {en, zh}
               "  c: {fn: sampling.softmax, args: {logits: \"{{ vars.logits.zh }}\"}}\n"  # one language, in both
               "  d: {fn: sampling.softmax, args: {logits: \"{{ a.probs }}\"}}\n")  # from a per-language result
    spec = load(write_spec(HEAD + compute + "body: {box: {text: \"{{ a.probs[0] | fmt('.4f') }}\"}}\n"))
    b = bind(spec)
    for lang, logits in (("en", [1.0, 2.0, 3.0]), ("zh", [3.0, 2.0, 1.0])):
        got = b.for_lang(lang).computed
        assert got["a"]["args"] == {"logits": logits} and got["b"]["args"] == {"logits": logits}
        assert got["a"]["result"]["probs"] == pytest.approx(_softmax(logits))
        assert got["b"]["result"]["probs"] == pytest.approx(_softmax(logits))
        assert got["c"]["result"]["probs"] == pytest.approx(_softmax([3.0, 2.0, 1.0]))
        assert got["d"]["result"]["probs"] == pytest.approx(_softmax(_softmax(logits)))
        assert b.for_lang(lang).diagram.body.content.text == f"{_softmax(logits)[0]:.4f}"
    assert b.results["a"]["probs"] == pytest.approx(_softmax([1.0, 2.0, 3.0]))  # the first language's


def test_a_call_alike_in_both_languages_runs_once_and_the_cache_keeps_languages_apart(write_spec, monkeypatch):
    from renderer.bind import binder

    calls = []
    real = binder.call_cached

    def counted(fn, args, src, use_cache=True):
        calls.append(args["logits"])
        return real(fn, args, src, use_cache)

    monkeypatch.setattr(binder, "call_cached", counted)
    compute = ("compute:\n  same: {fn: sampling.softmax, args: {logits: [1.0, 2.0]}}\n"
               "  per: {fn: sampling.softmax, args: {logits: {en: [0.0, 1.0], zh: [1.0, 0.0]}}}\n")
    spec = load(write_spec(HEAD + compute + "body: {box: A}\n"))
    for _ in range(2):  # the second bind reads the disk cache: each language still gets its own result
        b = bind(spec)
        assert b.for_lang("en").computed["per"]["result"]["probs"][1] > 0.5
        assert b.for_lang("zh").computed["per"]["result"]["probs"][0] > 0.5
    assert calls == [[1.0, 2.0], [0.0, 1.0], [1.0, 0.0]] * 2


def test_a_per_language_argument_of_the_wrong_type_is_located_in_its_language(write_spec):
    compute = "compute:\n  d: {fn: sampling.softmax, args: {logits: {en: [1.0, 2.0], zh: [1.0, oops]}}}\n"
    with pytest.raises(SpecError) as e:
        load(write_spec(HEAD + compute + "body: {box: A}\n"))
    assert ":5:71:" in str(e.value) and "argument 'logits' of sampling.softmax" in str(e.value)


def test_a_compute_error_in_one_language_only_says_which(write_spec):
    compute = "compute:\n  d: {fn: sampling.softmax, args: {logits: {en: [1.0, 2.0], zh: []}}}\n"
    with pytest.raises(SpecError) as e:
        bind(load(write_spec(HEAD + compute + "body: {box: A}\n")))
    assert ":5:" in str(e.value) and "[zh] sampling.softmax" in str(e.value)


def test_only_the_current_languages_branch_of_a_compute_argument_is_filled(write_spec):
    """The zh branch reads a result only zh has a third item of: the en run must not evaluate it."""
    compute = ("compute:\n  a: {fn: sampling.softmax, args: {logits: {en: [1.0, 2.0], zh: [1.0, 2.0, 3.0]}}}\n"
               "  b: {fn: sampling.softmax, args: {logits: {en: \"{{ a.probs }}\", zh: \"{{ [a.probs[2]] }}\"}}}\n")
    b = bind(load(write_spec(HEAD + compute + "body: {box: A}\n")))
    assert len(b.for_lang("en").computed["b"]["result"]["probs"]) == 2
    assert b.for_lang("zh").computed["b"]["result"]["probs"] == [1.0]
