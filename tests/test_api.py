"""The Python API: `vizspec.load` / `Diagram.render` give what the CLI writes; values, errors, notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import vizspec
from compute import registry
from renderer.app.entry import take_root
from renderer.project import ROOT
from renderer.spec.loader import load as load_spec

SPEC = ROOT / "specs" / "decoding" / "top-k-sampling.yaml"
TEXT = """\
id: api-demo
chapter: misc
title: {en: "Two steps", zh: "两步"}
compute:
  p: {fn: sampling.softmax, args: {logits: [2.0, 1.0, 0.1]}}
body:
  row:
    - box: {id: a, text: "p = {{ p.probs[0] | fmt('.3f') }}"}
    - box: {id: b, text: "B"}
edges:
  - {from: a, to: b}
"""


def test_api_bytes_equal_the_cli_outputs(tmp_path):
    subprocess.run([sys.executable, "-m", "renderer.app.cli", "render", str(SPEC), "--out", str(tmp_path),
                    "--format", "svg,png,pptx", "--no-gallery"], cwd=ROOT, check=True, capture_output=True)
    d = vizspec.load(SPEC)
    for fmt in ("svg", "png", "pptx"):
        for lang in ("en", "zh"):
            assert d.render(fmt, lang) == (tmp_path / fmt / lang / f"top-k-sampling.{fmt}").read_bytes(), (fmt, lang)


def test_values_carry_results_with_their_provenance():
    d = vizspec.load(TEXT)
    v = d.values["p"]
    assert v["fn"] == "sampling.softmax" and v["args"] == {"logits": [2.0, 1.0, 0.1]}
    assert abs(sum(v["result"]["probs"]) - 1) < 1e-9 and v["result"]["probs"][0] == pytest.approx(0.659, abs=1e-3)
    assert d.id == "api-demo" and d.title("zh") == "两步"
    assert "0.659" in d.render("svg").decode()


def test_repr_for_notebooks_is_inline_svg():
    d = vizspec.load(TEXT)
    assert d._repr_svg_().lstrip().startswith(("<?xml", "<svg"))
    html = d._repr_html_()
    assert html.startswith('<figure class="vizspec" data-id="api-demo"') and "<?xml" not in html
    assert "<svg" in html and "<figcaption>Two steps</figcaption>" in html


def test_bad_text_raises_a_located_spec_error():
    with pytest.raises(vizspec.SpecError) as e:
        vizspec.load(TEXT.replace("sampling.softmax", "sampling.softmaks"))
    assert str(e.value).startswith("<string>:5:")
    assert "unknown compute function 'sampling.softmaks'" in str(e.value)
    typo = r"^<string>:8:26: error: placeholder: 'p' has no key 'prob' \(expected one of: probs\)$"
    with pytest.raises(vizspec.SpecError, match=typo):
        vizspec.load(TEXT.replace("p.probs[0]", "p.prob[0]")).render()
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        vizspec.load(TEXT).render("gif")


def test_render_all_renders_into_a_folder_and_reports_failures(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "api-demo.yaml").write_text(TEXT)
    (specs / "broken.yaml").write_text(TEXT.replace("api-demo", "broken").replace("fmt('.3f')", "fmt('.3q')"))
    report = vizspec.render_all([specs], out=tmp_path / "out", formats=["svg"], jobs=1)
    status = {Path(r.path).stem: r.status for r in report.results}
    assert status == {"api-demo": "rendered", "broken": "failed"}
    assert (tmp_path / "out" / "svg" / "zh" / "api-demo.svg").is_file()
    assert "broken.yaml:8:" in report.failed[0].problems[0]


def test_a_notebook_shows_the_diagram_inline(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import vizspec\nvizspec.load({str(SPEC)!r})")]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (out,) = nb.cells[0].outputs
    assert out["output_type"] == "execute_result"
    assert out["data"]["text/html"].startswith('<figure class="vizspec" data-id="top-k-sampling"')
    assert out["data"]["image/svg+xml"].count("<svg") == 1
    assert out["data"]["image/svg+xml"] == vizspec.load(SPEC).render("svg").decode()


def test_a_function_needing_a_missing_package_is_one_located_error(tmp_path, monkeypatch):
    mod = tmp_path / "needs_torch_fixture.py"
    mod.write_text("import torch\n\ndef f(x: float) -> dict:\n    return {'y': x}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "torch", None)  # as if the torch extra were not installed
    monkeypatch.setitem(registry.FUNCTIONS, "fixture.needs_torch", "needs_torch_fixture:f")
    registry.get.cache_clear()
    spec = tmp_path / "t.yaml"
    spec.write_text(TEXT.replace("sampling.softmax, args: {logits: [2.0, 1.0, 0.1]}", "fixture.needs_torch, "
                                 "args: {x: 1.0}").replace("p.probs[0]", "p.y"))
    try:
        with pytest.raises(vizspec.SpecError) as e:
            load_spec(spec)
    finally:
        registry.get.cache_clear()
    assert len(e.value.problems) == 1
    assert str(e.value).endswith("t.yaml:5:11: error: fixture.needs_torch needs the Python package 'torch', which "
                                 "is not installed (expected it installed: pip install 'vizspec[torch]')")


@pytest.mark.parametrize("argv, root, rest", [
    (["--root", "p", "render", "all"], "p", ["render", "all"]),
    (["render", "--root=p", "x"], "p", ["render", "x"]),
    (["render", "--", "--root", "p"], None, ["render", "--", "--root", "p"]),
    (["list"], None, ["list"]),
])
def test_take_root(argv, root, rest):
    assert take_root(argv) == (root, rest)
