import ast
import inspect
import json
import math
import subprocess
import sys
import typing
from pathlib import Path

import pydantic
import pytest

from compute import docs, registry
from compute.examples import EXAMPLES

COMPUTE = Path(registry.__file__).parent
NAMES = registry.names()


def test_every_registered_function_has_an_example_and_every_example_is_registered():
    assert sorted(EXAMPLES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_entry_imports_is_documented_and_returns_json(name):
    fn = registry.get(name)
    assert callable(fn)
    first, _, keys = docs.parse_doc(name)
    assert first and len(first) <= 110, "one-line docstring (first line) required"
    assert keys, "docstring must list the returned keys under 'Returns:'"
    out = fn(**EXAMPLES[name])
    assert isinstance(out, dict)
    assert list(out) == [k for k, _ in keys], "returned keys must match the documented ones, in order"
    text = json.dumps(out, allow_nan=False, ensure_ascii=False)  # no numpy types, no NaN/inf
    assert json.loads(text) == out
    assert fn(**EXAMPLES[name]) == out, "deterministic"


def _walk(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from _walk(v)
    else:
        yield x


@pytest.mark.parametrize("name", NAMES)
def test_results_hold_only_plain_python_values(name):
    out = registry.get(name)(**EXAMPLES[name])
    for v in _walk(out):
        assert type(v) in (int, float, bool, str, type(None)), f"{type(v).__name__} in {name}"
        assert not (isinstance(v, float) and not math.isfinite(v))


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_keyword_friendly_and_validates_its_example_with_pydantic(name):
    fn = registry.get(name)
    hints = typing.get_type_hints(fn)
    for p in inspect.signature(fn).parameters.values():
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY), p.name
        assert p.name in hints, f"{name}: argument {p.name} needs a type annotation"
    for arg, value in EXAMPLES[name].items():
        pydantic.TypeAdapter(hints[arg]).validate_python(value, strict=False)  # as the spec loader does


def test_source_hash_is_stable_and_per_module():
    assert registry.source_hash("sampling.softmax") == registry.source_hash("sampling.top_p")
    assert registry.source_hash("sampling.softmax") != registry.source_hash("rl.gae")
    assert len(registry.source_hash("rl.gae")) == 16


def test_doc_gives_the_first_docstring_line():
    assert registry.doc("rl.discounted_returns").startswith("Discounted returns")


def test_importing_and_calling_compute_does_not_import_torch():
    code = (
        "import sys\n"
        "from compute import registry\n"
        "from compute.examples import EXAMPLES\n"
        "for n in registry.names():\n"
        "    registry.get(n)(**EXAMPLES[n])\n"
        "bad = [m for m in ('torch', 'transformers', 'renderer') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=COMPUTE.parent)


def _imports(nodes):
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield (node.module or "").split(".")[0]


def test_compute_never_imports_renderer_and_torch_only_lazily():
    for f in COMPUTE.glob("*.py"):
        tree = ast.parse(f.read_text())
        assert "renderer" not in set(_imports(ast.walk(tree))), f.name
        top_level = set(_imports(tree.body))
        assert not top_level & {"torch", "transformers", "peft", "sklearn"}, f.name


def test_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        registry.get("os.system")
