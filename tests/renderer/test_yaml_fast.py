"""Specs are parsed by libyaml (PyYAML's C parser) and composed with our guard; the result is what the pure-Python
loader gives, and a syntax error is still PyYAML's own (explained) message."""

from __future__ import annotations

from pathlib import Path

import pytest

from renderer.spec import yamlpos
from renderer.spec.errors import SpecError

SPECS = sorted((Path(__file__).resolve().parents[2] / "specs").rglob("*.yaml"))
ODD = ('a: &x {k: "q\\u00e9", n: 1.5e3, t: yes}\nb: *x\nc: [~, null, 0x1F, "中文：x"]\n'
       "m:\n  <<: *x\n  k: other\nlit: |\n  two\n  lines\nfold: >-\n  one\n  line\n")


def _both(monkeypatch, file: str, raw: bytes):
    fast = yamlpos.load_yaml(file, raw)
    with monkeypatch.context() as m:
        m.setattr(yamlpos, "CParser", None)
        slow = yamlpos.load_yaml(file, raw)
    return fast, slow


def test_libyaml_is_used():
    assert yamlpos.CParser is not None  # the set-up installs PyYAML's wheel, which is built with libyaml
    assert isinstance(yamlpos._compose("a: 1\n", "f")[1], yamlpos._FastLoader)


@pytest.mark.parametrize("raw", [ODD.encode()] + [p.read_bytes() for p in SPECS[::9]],
                         ids=["odd"] + [p.stem for p in SPECS[::9]])
def test_data_and_positions_equal_the_python_loaders(monkeypatch, raw):
    fast, slow = _both(monkeypatch, "f.yaml", raw)
    assert fast.data == slow.data
    assert fast.pos == slow.pos and fast.keypos == slow.keypos


@pytest.mark.parametrize("raw", [b"a: 1\n b: 2\n", b"a: [1, 2\n", b"a: *nope\n", b"- a\nb: 1\n", b"a: 'x\n",
                                 b"a: 1\na: 2\n", b"&a [*a]\n"])
def test_errors_are_the_python_loaders(monkeypatch, raw):
    def message(cparser):
        with monkeypatch.context() as m:
            m.setattr(yamlpos, "CParser", cparser)
            try:
                yamlpos.load_yaml("f.yaml", raw)
            except SpecError as e:
                return [str(p) for p in e.problems]
        return None

    slow = message(None)
    assert slow is not None
    assert message(yamlpos.CParser) == slow


def test_specs_load_where_pyyaml_has_no_libyaml(tmp_path):
    """Without libyaml (a PyYAML built without it) the module imports and the Python loader does the work."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['yaml._yaml'] = None\n"  # what `import yaml` sees where libyaml is absent
            "import yaml; assert not yaml.__with_libyaml__\n"
            "from renderer.spec import yamlpos\n"
            "assert yamlpos.CParser is None\n"
            "print(yamlpos.load_yaml('f.yaml', b'a: [1, {b: x}]\\n').data)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "{'a': [1, {'b': 'x'}]}"
