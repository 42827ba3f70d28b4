"""`render all`: incremental (content hash), parallel, byte-identical, progress and summary."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.app.build import DepHasher, build, find_specs, output_path, scan_deps
from renderer.app.progress import Reporter, choose_mode, in_ci, summary_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"
SVG = ("svg",)


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """A private copy of the four fixture specs (two chapters)."""
    dst = tmp_path / "specs"
    shutil.copytree(FIXTURES, dst)
    return dst


@pytest.fixture
def pinned_env(monkeypatch):
    """Pin the environment key: other engineers' edits to renderer/ must not look like a change here."""
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")


def statuses(report) -> dict[str, str]:
    return {Path(r.path).stem: r.status for r in report.results}


def rendered(report) -> set[str]:
    return {Path(r.path).stem for r in report.results if r.status == "rendered"}


def test_first_build_renders_every_diagram_in_both_languages(specs, tmp_path, pinned_env):
    out = tmp_path / "out"
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert statuses(report) == dict.fromkeys(["fx-softmax", "fx-returns", "fx-component", "fx-plain"], "rendered")
    for did in ("fx-softmax", "fx-returns", "fx-component", "fx-plain"):
        for lang in ("en", "zh"):
            assert output_path(out, "svg", lang, did).read_bytes().startswith(b"<?xml")
    assert (out / "index.html").is_file() and (out / "gallery.json").is_file()


def test_unchanged_tree_does_no_rendering_work(specs, tmp_path, pinned_env, monkeypatch):
    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    def must_not_render(*a, **k):
        raise AssertionError("an unchanged tree must not load, bind or lay out anything")

    monkeypatch.setattr(build_mod, "render_spec", must_not_render)
    report = build(find_specs(specs), out, SVG, jobs=2)
    assert set(statuses(report).values()) == {"cached"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes  # nothing rewritten


def test_changed_spec_rerenders_exactly_that_diagram(specs, tmp_path, pinned_env):
    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    spec = specs / "basics" / "fx-softmax.yaml"
    spec.write_text(spec.read_text().replace("Softmax of three logits", "Softmax, edited"))
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert rendered(report) == {"fx-softmax"}
    assert b"Softmax, edited" in output_path(out, "svg", "en", "fx-softmax").read_bytes()
    assert set(statuses(build(find_specs(specs), out, SVG, jobs=1)).values()) == {"cached"}


def test_changed_compute_function_rerenders_exactly_its_callers(specs, tmp_path, pinned_env, monkeypatch):
    from compute import registry

    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    real = registry.source_hash
    monkeypatch.setattr(registry, "source_hash",
                        lambda name: "edited" if name == "rl.discounted_returns" else real(name))
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert rendered(report) == {"fx-returns"}


def test_changed_component_rerenders_exactly_its_users(specs, tmp_path, pinned_env, monkeypatch):
    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    comps = tmp_path / "components"
    shutil.copytree(build_mod.COMPONENTS_DIR, comps)
    with open(comps / "ppo-four-models.yaml", "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    monkeypatch.setattr(build_mod, "COMPONENTS_DIR", comps)
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert rendered(report) == {"fx-component"}


def test_nested_components_count_as_dependencies(tmp_path):
    comps = tmp_path / "components"
    comps.mkdir()
    (comps / "outer.yaml").write_text("body:\n  column:\n    - use: {component: inner}\n    - box: x\n")
    (comps / "inner.yaml").write_text("body:\n  box: {text: '{{ params.t }}'}\nparams: {t: a}\n")
    spec = {"body": {"row": [{"use": {"component": "outer", "id": "o"}}]},
            "compute": {"x": {"fn": "sampling.softmax", "args": {}}},
            "other": {"code": {"source": "rl.discounted_returns"}}}
    used, fns = scan_deps(spec)
    assert used == {"outer"} and fns == {"sampling.softmax", "rl.discounted_returns"}
    digests = DepHasher(comps).components(used)
    assert set(digests) == {"outer", "inner"}
    before = dict(digests)
    (comps / "inner.yaml").write_text("body:\n  box: {text: changed}\n")
    assert DepHasher(comps).components(used)["inner"] != before["inner"]


def test_theme_fonts_or_renderer_change_rerenders_everything(specs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(build_mod, "environment_key", lambda: "env-1")
    build(find_specs(specs), out, SVG, jobs=1)
    monkeypatch.setattr(build_mod, "environment_key", lambda: "env-2")
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert set(statuses(report).values()) == {"rendered"}


def test_environment_key_follows_the_theme_file(tmp_path, monkeypatch):
    theme = tmp_path / "theme.yaml"
    shutil.copyfile(build_mod.THEME_FILE, theme)
    monkeypatch.setattr(build_mod, "THEME_FILE", theme)
    monkeypatch.setattr(build_mod, "tree_hash", lambda folder: "code")
    k1 = build_mod.environment_key()
    assert build_mod.environment_key() == k1
    theme.write_text(theme.read_text().replace('model: "#71CCF5"', 'model: "#71CCF6"'))
    assert build_mod.environment_key() != k1


def test_missing_output_is_rendered_again_and_only_that_diagram(specs, tmp_path, pinned_env):
    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    output_path(out, "svg", "zh", "fx-plain").unlink()
    report = build(find_specs(specs), out, SVG, jobs=1)
    assert rendered(report) == {"fx-plain"}
    assert output_path(out, "svg", "zh", "fx-plain").is_file()


def test_adding_a_format_renders_only_that_format(specs, tmp_path, pinned_env, monkeypatch):
    out = tmp_path / "out"
    paths = [specs / "basics" / "fx-softmax.yaml"]
    build(paths, out, SVG, jobs=1)
    svg = output_path(out, "svg", "en", "fx-softmax").stat().st_mtime_ns
    calls = []
    real = build_mod.render_spec
    monkeypatch.setattr(build_mod, "render_spec",
                        lambda p, o, f, lg, c=True, **kw: calls.append(f) or real(p, o, f, lg, c, **kw))
    build(paths, out, ("svg", "png"), jobs=1)
    assert calls == [("png",)]
    assert output_path(out, "svg", "en", "fx-softmax").stat().st_mtime_ns == svg
    assert output_path(out, "png", "zh", "fx-softmax").read_bytes()[:4] == b"\x89PNG"


def test_broken_spec_fails_alone_with_a_located_error_and_is_retried(specs, tmp_path, pinned_env):
    out = tmp_path / "out"
    bad = specs / "extras" / "fx-plain.yaml"
    bad.write_text(bad.read_text().replace("role: module}", "role: module, fill: red}"))
    report = build(find_specs(specs), out, SVG, jobs=2)
    assert statuses(report)["fx-plain"] == "failed"
    assert rendered(report) == {"fx-softmax", "fx-returns", "fx-component"}
    (problem,) = report.failed[0].problems
    assert "fx-plain.yaml:" in problem and "fill" in problem
    assert "fx-plain.yaml" in summary_text(report) and "1 failed" in summary_text(report)
    again = build(find_specs(specs), out, SVG, jobs=1)
    assert statuses(again)["fx-plain"] == "failed" and rendered(again) == set()
    bad.write_text(bad.read_text().replace(", fill: red}", "}"))
    fixed = build(find_specs(specs), out, SVG, jobs=1)
    assert rendered(fixed) == {"fx-plain"} and not fixed.failed


def test_duplicate_ids_fail_the_later_file(specs, tmp_path, pinned_env):
    dup = specs / "extras" / "zz-dup.yaml"
    shutil.copyfile(specs / "extras" / "fx-plain.yaml", dup)
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=1)
    by = {Path(r.path).name: r for r in report.results}
    assert by["fx-plain.yaml"].status == "rendered"
    assert by["zz-dup.yaml"].status == "failed"
    assert "duplicate diagram id 'fx-plain'" in by["zz-dup.yaml"].problems[0]


def test_deleted_spec_loses_its_outputs_and_gallery_card(specs, tmp_path, pinned_env):
    out = tmp_path / "out"
    build(find_specs(specs), out, SVG, jobs=1)
    (specs / "extras" / "fx-plain.yaml").unlink()
    build(find_specs(specs), out, SVG, jobs=1)
    assert not output_path(out, "svg", "en", "fx-plain").exists()
    ids = [d["id"] for ch in json.loads((out / "gallery.json").read_text())["chapters"] for d in ch["diagrams"]]
    assert ids == ["fx-softmax", "fx-returns", "fx-component"]


def test_parallel_and_serial_builds_are_byte_identical(specs, tmp_path, pinned_env):
    from renderer.backends import available

    formats = tuple(available())  # svg, png and (when its backend is there) pptx
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    r1 = build(find_specs(specs), serial, formats, jobs=1)
    r2 = build(find_specs(specs), parallel, formats, jobs=2, use_cache=False)
    assert [r.path for r in r1.results] == [r.path for r in r2.results]  # input order, not finish order
    assert not r1.failed and not r2.failed

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    a, b = tree(serial), tree(parallel)
    assert sorted(a) == sorted(b)
    assert len([k for k in a if k.endswith(".png")]) == 8 and "index.html" in a and "gallery.json" in a
    for name in a:
        if name == ".vizspec-build.json":  # it records each output's inode and mtime: compare the rest
            continue
        assert a[name] == b[name], f"{name} differs between serial and parallel builds"
    assert without_stat(a[".vizspec-build.json"]) == without_stat(b[".vizspec-build.json"])


def without_stat(raw: bytes) -> dict:
    """The stamp entries without the file fingerprints (inode, mtime) and the signature over them."""
    data = json.loads(raw)
    for entry in data["specs"].values():
        for target in (entry.get("targets") or {}).values():
            target.pop("stat", None)
    return data["specs"]


def test_numpy_only_spec_renders_without_importing_torch(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from renderer.app.build import build
        r = build([Path({str(FIXTURES / 'basics' / 'fx-softmax.yaml')!r})], Path({str(tmp_path / 'o')!r}),
                  ("svg",), jobs=1)
        assert r.results[0].status == "rendered", r.results[0].problems
        print("torch" in sys.modules)
    """)
    env = {**os.environ, "VIZSPEC_CACHE": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"


def test_warm_check_imports_no_heavy_module(specs, tmp_path):
    """The stamp check runs in the parent: it must not import pydantic, layout or backends."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from renderer.app.build import build, find_specs
        paths = find_specs(Path({str(specs)!r}))
        build(paths, Path({str(tmp_path / 'o')!r}), ("svg",), jobs=2)
        before = set(sys.modules)
        r = build(paths, Path({str(tmp_path / 'o')!r}), ("svg",), jobs=2)
        assert {{x.status for x in r.results}} == {{"cached"}}, [x.status for x in r.results]
        heavy = [m for m in ("pydantic", "renderer.layout", "renderer.bind", "torch", "numpy")
                 if m in sys.modules and m not in before]
        print(sorted(heavy))
    """)
    env = {**os.environ, "VIZSPEC_CACHE": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=180)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_cli_render_writes_report_and_summary(specs, tmp_path, pinned_env, capsys):
    from renderer.app.cli import main

    out = tmp_path / "out"
    code = main(["render", str(specs), "--out", str(out), "--format", "svg", "--jobs", "1",
                 "--report", str(tmp_path / "report.json")])
    assert code == 0
    err = capsys.readouterr().err
    assert "4 rendered, 0 cached, 0 failed" in err
    rep = json.loads((tmp_path / "report.json").read_text())
    assert rep["rendered"] == 4 and {"load", "bind", "layout", "svg"} <= set(rep["stages"])
    assert main(["render", str(specs), "--out", str(out), "--format", "svg"]) == 0
    assert "0 rendered, 4 cached, 0 failed" in capsys.readouterr().err


def test_progress_is_plain_in_ci_or_a_pipe_and_a_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert choose_mode(io.StringIO(), {}) == "plain"
    assert choose_mode(Tty(), {}) == "bar"
    assert choose_mode(Tty(), {"CI": "true"}) == "plain"
    assert in_ci({"CI": "1"}) and not in_ci({"CI": "false"}) and not in_ci({})


def test_progress_lines_and_summary(specs, tmp_path, pinned_env):
    bad = specs / "extras" / "fx-plain.yaml"
    bad.write_text("id: fx-plain\nchapter: extras\ntitle: t\nbody: {box: {text: x, role: nope}}\n")
    stream = io.StringIO()
    with Reporter(stream, mode="plain") as rep:
        report = build(find_specs(specs), tmp_path / "out", SVG, jobs=1, on_plan=rep.plan, on_result=rep.result)
        rep.summary(report)
    text = stream.getvalue()
    assert "4 diagrams, 4 to render, 0 up to date" in text
    assert "[4/4]" in text and "FAILED  fx-plain" in text
    assert "1 failed:" in text and "fx-plain.yaml:4:" in text
    assert text.rstrip().splitlines()[-1].startswith("3 rendered, 0 cached, 1 failed in ")


def test_rich_bar_on_a_terminal_ends_with_the_summary(specs, tmp_path, pinned_env):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    with Reporter(stream, mode="bar") as rep:
        report = build(find_specs(specs)[:2], tmp_path / "out", SVG, jobs=1, on_plan=rep.plan,
                       on_result=rep.result)
        rep.summary(report)
    last = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", stream.getvalue()).rstrip().splitlines()[-1]
    assert last.startswith("2 rendered, 0 cached, 0 failed")


def test_alias_bomb_or_deep_nesting_cannot_hang_the_planner(tmp_path, pinned_env):
    specs = tmp_path / "specs"
    specs.mkdir()
    lines = ["id: bomb", "chapter: c", "title: B", "body: {box: A}", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 10)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    (specs / "bomb.yaml").write_text("\n".join(lines) + "\n")  # 10^9 leaves if expanded
    (specs / "deep.yaml").write_text("id: deep\nchapter: c\ntitle: D\nbody: " + "[" * 5000 + "]" * 5000 + "\n")
    t0 = time.monotonic()
    report = build(find_specs(specs), tmp_path / "out", SVG, jobs=1)
    assert time.monotonic() - t0 < 60
    assert [r.status for r in report.results] == ["failed", "failed"]
    assert "limit" in report.results[0].problems[0]
    assert build_mod.MAX_SPEC_BYTES == __import__("renderer.spec.yamlpos", fromlist=["x"]).MAX_BYTES


def test_font_signature_sees_every_font_file_of_the_theme(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "R.ttc").write_bytes(b"r")
    (tmp_path / "b" / "M.ttc").write_bytes(b"m")
    theme = {"fonts": {"files": {"dirs": [str(tmp_path / "a"), str(tmp_path / "b")], "regular": "R.ttc",
                                 "mono": "M.ttc"}}}
    sig = build_mod.font_signature(theme)
    assert [Path(s[0]).name for s in sig] == ["M.ttc", "R.ttc"]
    (tmp_path / "a" / "R.ttc").write_bytes(b"earlier folder wins")
    assert build_mod.font_signature(theme) != sig


def test_png_scale_option_sets_the_raster_size_and_rerenders_only_the_pngs(tmp_path, monkeypatch):
    import struct

    from renderer.app.cli import main

    monkeypatch.setenv("VIZSPEC_PNG_SCALE", "2")  # restored (removed) after the test, whatever main() sets
    spec = tmp_path / "s.yaml"
    spec.write_text("id: s\nchapter: test\ntitle: T\nbody: {box: A}\n")
    out = tmp_path / "out"

    def width() -> int:
        return struct.unpack(">I", (out / "png" / "en" / "s.png").read_bytes()[16:20])[0]

    assert main(["render", str(spec), "--out", str(out), "--format", "svg,png", "--lang", "en", "--jobs", "1"]) == 0
    svg_mtime = (out / "svg" / "en" / "s.svg").stat().st_mtime_ns
    w2 = width()
    assert main(["render", str(spec), "--out", str(out), "--format", "svg,png", "--lang", "en", "--jobs", "1",
                 "--scale", "1"]) == 0
    assert abs(width() * 2 - w2) <= 2  # half the pixels across
    assert (out / "svg" / "en" / "s.svg").stat().st_mtime_ns == svg_mtime  # the SVG was not redone
    assert main(["render", str(spec), "--out", str(out), "--scale", "9"]) == 2


def test_flowchart_renders_without_importing_numpy(tmp_path):
    """A graph of boxes needs no numeric library: its one-process start-up (benchmarks/peers.py W1) stays lean."""
    spec = tmp_path / "flow.yaml"
    spec.write_text("id: flow\nchapter: examples\ntitle: {en: Flow, zh: 流程}\ncaption: {en: Two steps., zh: 两步。}\n"
                    "body:\n  column:\n    items:\n    - graph:\n        id: g\n"
                    "        nodes: [{id: a, text: A}, {id: b, text: B}]\n        edges: [{from: a, to: b}]\n"
                    "    - box: {text: Agent, items: [{box: {text: policy}}]}\n", encoding="utf-8")
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from renderer.app.build import build
        r = build([Path({str(spec)!r})], Path({str(tmp_path / 'o')!r}), ("svg",), jobs=1)
        assert r.results[0].status == "rendered", r.results[0].problems
        from renderer.spec.models import Box, Column
        print(sorted(m for m in ("numpy", "torch") if m in sys.modules),
              Box.__pydantic_complete__, Column.__pydantic_complete__)
    """)
    env = {**os.environ, "VIZSPEC_CACHE": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    # nor a second validator: node boxes and a box's inner column are built from validated fields (their own
    # schemas hold the whole element union, built on first use)
    assert p.stdout.strip() == "[] False False"
