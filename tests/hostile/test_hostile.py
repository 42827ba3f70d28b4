"""Hostile specs: each `<name>.yaml` here gives exactly the first error line in `<name>.expected`.

`ok` as the expected line means the spec must render (SVG that parses as XML, in every language).
Paths in the expected lines are relative to the repository root, where these tests run. Components
come from `components/` here; two of them are symlinks out of that folder (to README.md, /etc/passwd).
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from renderer.bind import bind
from renderer.layout import layout
from renderer.layout.theme import load_theme
from renderer.spec import components
from renderer.spec.errors import SpecError
from renderer.spec.langs import LANGS
from renderer.spec.loader import load
from renderer.spec.yamlpos import MAX_BYTES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES = sorted(HERE.glob("*.yaml"))
SECONDS = 10.0  # every hostile spec is refused (or rendered) well within this


@pytest.fixture(autouse=True)
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, with the fixture components of this folder."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(components, "COMPONENTS_DIR", HERE / "components")
    return tmp_path


def first_error(path: Path) -> str:
    """The first error line the pipeline gives for `path`, or `ok` when it renders to valid SVG."""
    from renderer.backends import drawer

    try:
        bound = bind(load(path), use_cache=False)
        for lang in LANGS:
            svg = drawer("svg")(layout(bound.for_lang(lang), load_theme()))
            ET.fromstring(svg)
    except SpecError as e:
        return str(e.problems[0])
    return "ok"


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_corpus_has_at_least_40_hostile_specs_each_with_its_expected_error():
    assert len(CASES) >= 40
    missing = [c.name for c in CASES if not c.with_suffix(".expected").is_file()]
    assert not missing
    errors = [c for c in CASES if c.with_suffix(".expected").read_text(encoding="utf-8").strip() != "ok"]
    assert len(errors) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_hostile_spec_gives_its_exact_error(case: Path):
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").strip()
    t0 = time.monotonic()
    got = first_error(case)
    assert got == expected
    assert time.monotonic() - t0 < SECONDS


def test_a_file_over_the_size_limit_is_refused_before_parsing(hostile_env: Path):
    big = hostile_env / "big.yaml"
    big.write_bytes(b"id: x\n" + b"#" * MAX_BYTES)
    got = first_error(big)
    assert got.endswith(f":1:1: error: file too large: {MAX_BYTES + 6} bytes (limit max_file_bytes = {MAX_BYTES})")


def test_a_missing_file_is_a_located_error(hostile_env: Path):
    got = first_error(hostile_env / "nope.yaml")
    assert got.endswith("nope.yaml:1:1: error: cannot read file: No such file or directory")
