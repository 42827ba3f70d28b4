"""Every command reports failures as `render` does: located lines for specs, else one `vizspec: error:` line.

Each case runs the real CLI (a subprocess, or `main()` where a stage is made to fail on purpose) and
asserts the exit code, the exact message, no traceback, and that the other specs still went through.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.app.cli import main
from renderer.project import ROOT

GOOD = """\
id: {id}
chapter: {chapter}
title: {{en: "Good {id}", zh: "好 {id}"}}
body:
  row:
    items:
      - box: {{id: a, text: "A"}}
      - box: {{id: b, text: "B"}}
edges:
  - {{from: a, to: b}}
"""


def vizspec(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m renderer.app.cli ARGS`; fails the test on a traceback anywhere in its output."""
    done = subprocess.run([sys.executable, "-m", "renderer.app.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def good_spec(folder: Path, did: str, chapter: str = "misc", name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name or did}.yaml"
    p.write_text(GOOD.format(id=did, chapter=chapter), encoding="utf-8")
    return p


def last_line(done: subprocess.CompletedProcess) -> str:
    return done.stderr.strip().splitlines()[-1]


def read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (chmod does not stop root: use /proc there)."""
    if os.geteuid() == 0:
        target = Path("/proc/1/fdinfo")
        if not target.is_dir():
            pytest.skip("no /proc/1/fdinfo to stand in for a read-only folder")
        return target
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o555)
    return target


# ---------------------------------------------------------------------------------------------------------
# --out that cannot be written


@pytest.mark.parametrize("cmd", [["render", "{spec}", "--format", "svg"], ["slides"], ["diff"]])
def test_out_that_is_a_file_is_one_error_line(tmp_path: Path, cmd: list[str]):
    spec = good_spec(tmp_path / "specs", "fine")
    target = tmp_path / "afile"
    target.write_text("not a folder")
    done = vizspec(*[a.format(spec=spec) for a in cmd], "--out", str(target))
    assert done.returncode == 2
    assert last_line(done) == f"vizspec: error: --out {target} is a file (expected a folder)"
    assert target.read_text() == "not a folder"


def test_out_below_a_file_is_one_error_line(tmp_path: Path):
    spec = good_spec(tmp_path / "specs", "fine")
    (tmp_path / "afile").write_text("x")
    target = tmp_path / "afile" / "build"
    done = vizspec("render", str(spec), "--out", str(target), "--format", "svg")
    assert done.returncode == 2
    assert last_line(done) == (f"vizspec: error: --out {target}: a part of the path is a file, not a folder "
                               "(expected folders along the path)")


def test_out_in_a_read_only_folder_is_one_error_line(tmp_path: Path):
    spec = good_spec(tmp_path / "specs", "fine")
    target = read_only_folder(tmp_path)
    done = vizspec("render", str(spec), "--out", str(target), "--format", "svg")
    assert done.returncode == 2
    assert last_line(done) == (f"vizspec: error: --out {target}: permission denied (expected a path you may read "
                               "and write)")


def test_output_folder_is_created_when_missing(tmp_path: Path):
    from renderer.app.failures import output_folder

    assert output_folder(tmp_path / "a" / "b").is_dir()
    assert not list((tmp_path / "a" / "b").iterdir())  # the probe file is gone


def test_schema_and_report_paths_below_a_file_are_one_error_line(tmp_path: Path):
    (tmp_path / "afile").write_text("x")
    done = vizspec("schema", "--out", str(tmp_path / "afile" / "schema.json"))
    assert done.returncode == 2
    assert last_line(done) == (f"vizspec: error: --out {tmp_path / 'afile' / 'schema.json'}: a file is in the way "
                               "(expected a folder, or a path that does not exist yet)")
    spec = good_spec(tmp_path / "specs", "fine")
    done = vizspec("render", str(spec), "--out", str(tmp_path / "out"), "--format", "svg",
                   "--report", str(tmp_path / "afile" / "r.json"))
    assert done.returncode == 2
    assert (tmp_path / "out" / "svg" / "en" / "fine.svg").is_file()
    assert last_line(done).startswith(f"vizspec: error: --report {tmp_path / 'afile' / 'r.json'}: ")


# ---------------------------------------------------------------------------------------------------------
# Paths named on the command line


@pytest.mark.parametrize("cmd", ["validate", "render", "check"])
def test_a_spec_path_that_does_not_exist_is_one_error_line(tmp_path: Path, cmd: str):
    missing = tmp_path / "nope.yaml"
    done = vizspec(cmd, str(missing), *(["--out", str(tmp_path / "out")] if cmd == "render" else []))
    assert done.returncode == 2
    assert last_line(done) == f"vizspec: error: {missing}: no such file (expected a .yaml spec file, a folder or an id)"


@pytest.mark.parametrize("cmd", ["validate", "render"])
def test_a_folder_without_specs_is_one_error_line(tmp_path: Path, cmd: str):
    empty = tmp_path / "empty.yaml"  # a folder, even if named like a spec
    empty.mkdir()
    done = vizspec(cmd, str(empty), *(["--out", str(tmp_path / "out")] if cmd == "render" else []))
    assert done.returncode == 2
    assert last_line(done) == f"vizspec: error: {empty}: no spec in this folder (expected .yaml files under it)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_on_the_command_line_is_refused_without_reading_it(tmp_path: Path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = vizspec("validate", str(fifo))
    assert done.returncode == 1  # a broken spec like any other: located, and the others would still be read
    assert f"{fifo}:1:1: error: " in done.stderr and "named pipe" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_id_is_one_error_line():
    done = vizspec("explain", "no-such-diagram")
    assert done.returncode == 2
    assert last_line(done) == ("vizspec: error: no spec with id 'no-such-diagram' (expected an id from "
                               "`vizspec list`, a .yaml file or a folder)")


# ---------------------------------------------------------------------------------------------------------
# vizspec new


@pytest.mark.parametrize(("name", "expected"), [
    ("a" * 300, "id is 300 characters long (expected at most 100)"),
    ("Bad_Id", "id 'Bad_Id' is not allowed (expected kebab-case: lowercase letters, digits, '-', e.g. top-p-sampling)"),
    ("x\x1b[31m\n::error::owned", "id 'x\\x1b[31m\\n::error::owned' is not allowed (expected kebab-case: lowercase "
                                  "letters, digits, '-', e.g. top-p-sampling)"),
])
def test_new_with_a_bad_id_is_one_safe_error_line(tmp_path: Path, name: str, expected: str):
    done = vizspec("new", name, "--specs", str(tmp_path / "specs"))
    assert done.returncode == 1
    assert done.stderr == f"vizspec: error: {expected}\n"
    assert not (tmp_path / "specs").exists()


def test_new_with_a_300_character_chapter_is_one_error_line(tmp_path: Path):
    done = vizspec("new", "ok", "--chapter", "c" * 300, "--specs", str(tmp_path / "specs"))
    assert done.returncode == 1
    assert done.stderr == "vizspec: error: chapter is 300 characters long (expected at most 100)\n"


# ---------------------------------------------------------------------------------------------------------
# A spec that breaks a command mid-way: located on that spec, the others go on


def test_slides_with_a_300_character_chapter_reports_it_and_writes_the_other_decks(tmp_path: Path, monkeypatch,
                                                                                     capsys):
    specs = tmp_path / "specs"
    good_spec(specs / "a", "fine", "ok-chapter")
    long = good_spec(specs / "b", "long-chapter", "c" * 300)
    monkeypatch.setattr(build_mod, "SPECS_DIR", specs)
    out = tmp_path / "decks"
    code = main(["slides", "--out", str(out), "--jobs", "1", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert any(line.startswith(f"{long}:") and ": error: " in line for line in err.splitlines()), err
    assert (out / "en" / "ok-chapter.pptx").is_file()


def test_check_reports_an_internal_layout_error_on_its_spec_and_checks_the_others(tmp_path: Path, monkeypatch,
                                                                                    capsys):
    import renderer.layout as layout_mod

    specs = tmp_path / "specs"
    bad = good_spec(specs, "boom")
    good_spec(specs, "fine")
    real = layout_mod.layout
    checked = []

    def layout(bound, theme):
        checked.append(bound.diagram.id)
        if bound.diagram.id == "boom":
            raise KeyError("node 'zz'")
        return real(bound, theme)

    monkeypatch.setattr(layout_mod, "layout", layout)
    code = main(["check", str(specs), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[0] == f"{bad}:1:1: error: internal error in layout: KeyError: \"node 'zz'\""
    assert checked == ["boom", "fine"]
    assert sum("internal error" in line for line in err.splitlines()) == 1  # only the broken spec
    assert err.splitlines()[-1].endswith("spec(s) with layout defects or errors; 0 finding(s) waived in specs")


def test_render_reports_an_internal_backend_error_and_leaves_no_output_of_that_spec(tmp_path: Path, monkeypatch,
                                                                                      capsys):
    import renderer.backends as backends

    specs = tmp_path / "specs"
    bad = good_spec(specs, "boom")
    good_spec(specs, "fine")
    real = backends.drawer

    def drawer(fmt):
        def draw(scene, **kw):  # (the PNG drawer is also handed the scene's SVG)
            if fmt == "png" and scene.title.startswith("Good boom"):
                raise RuntimeError("rasteriser gave up " + "x" * 500)
            return real(fmt)(scene, **kw)
        return draw

    monkeypatch.setattr(backends, "drawer", drawer)
    out = tmp_path / "out"
    code = main(["render", str(specs), "--out", str(out), "--format", "svg,png", "--lang", "en", "--jobs", "1",
                 "--no-gallery"])
    err = capsys.readouterr().err
    assert code == 1
    detail = "RuntimeError: rasteriser gave up " + "x" * 500
    expected = f"{bad}:1:1: error: internal error in png: {detail[:199]}…"  # long messages are cut
    assert f"  {expected}" in err.splitlines(), err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name[0] != ".") == [
        "png/en/fine.png", "svg/en/fine.svg"]  # nothing of `boom`, not even its SVG drawn before the PNG failed


def test_render_removes_what_it_wrote_of_a_spec_when_a_later_write_fails(tmp_path: Path, monkeypatch, capsys):
    from renderer.app import files

    spec = good_spec(tmp_path / "specs", "half")
    real = build_mod.write_atomic

    def write_atomic(path: Path, data: bytes, **kw) -> None:
        if path.suffix == ".png":
            raise OSError(28, "No space left on device", str(path))
        real(path, data, **kw)

    monkeypatch.setattr(build_mod, "write_atomic", write_atomic)
    assert files.write_atomic is not write_atomic
    out = tmp_path / "out"
    code = main(["render", str(spec), "--out", str(out), "--format", "svg,png", "--lang", "en", "--jobs", "1",
                 "--no-gallery"])
    err = capsys.readouterr().err
    assert code == 1
    png = out / "png" / "en" / "half.png"
    assert f"  {spec}:1:1: error: cannot write {png}: no space left on the device (expected free disk space)" in \
        err.splitlines(), err
    assert not (out / "svg" / "en" / "half.svg").exists()


def test_an_internal_error_outside_any_spec_is_one_line_not_a_traceback(monkeypatch, capsys):
    from renderer.app import cli

    def broken(_args):
        raise ZeroDivisionError("division by zero")

    args = cli.build_parser().parse_args(["functions"])  # the parser holds the command's function
    args.fn = broken
    monkeypatch.setattr(cli.argparse.ArgumentParser, "parse_args", lambda self, argv=None: args)
    code = main(["functions"])
    assert code == 70
    assert capsys.readouterr().err == ("vizspec: error: internal error in functions: ZeroDivisionError: division "
                                       "by zero\n")


def test_validate_reports_an_internal_load_error_on_its_spec_and_validates_the_others(tmp_path: Path, monkeypatch,
                                                                                        capsys):
    from renderer.spec import loader

    specs = tmp_path / "specs"
    bad = good_spec(specs, "boom")
    good_spec(specs, "fine")
    real = loader.load

    def load(path):
        if Path(path).stem == "boom":
            raise AttributeError("'NoneType' object has no attribute 'items'")
        return real(path)

    monkeypatch.setattr(loader, "load", load)
    code = main(["validate", str(specs)])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{bad}:1:1: error: internal error in load: AttributeError: 'NoneType' object has no attribute 'items'",
        "1 valid, 1 invalid"]


def test_explain_reports_an_internal_bind_error_located(tmp_path: Path, monkeypatch, capsys):
    import renderer.bind as bind_mod

    spec = good_spec(tmp_path / "specs", "boom")

    def bind(_spec, **_kw):
        raise IndexError("list index out of range")

    monkeypatch.setattr(bind_mod, "bind", bind)
    code = main(["explain", str(spec)])
    assert code == 1
    err = capsys.readouterr().err
    assert err == f"{spec}:1:1: error: internal error in bind: IndexError: list index out of range\n"


def test_a_300_character_id_fails_located_at_the_id_and_the_other_specs_render(tmp_path: Path):
    specs = tmp_path / "specs"
    good_spec(specs, "fine")
    long = good_spec(specs, "a" * 300, name="long-id")
    out = tmp_path / "out"
    done = vizspec("render", str(specs), "--out", str(out), "--format", "svg", "--jobs", "1")
    assert done.returncode == 1
    assert any(line.strip().startswith(f"{long}:1:5: error: ") for line in done.stderr.splitlines()), done.stderr
    assert sorted(p.name for p in (out / "svg").rglob("*.svg")) == ["fine.svg", "fine.svg"]  # en and zh


@pytest.mark.parametrize(("args", "expected"), [
    (["--port", "99999"], "--port 99999 is out of range (expected 0 to 65535; 0 picks a free port)"),
    (["--specs", "/no/such/specs"], "--specs /no/such/specs: no such folder (expected the folder of specs to watch)"),
    (["--format", "gif"], "unknown format 'gif' (expected some of: svg, png, pptx)"),
])
def test_watch_with_a_bad_argument_is_one_error_line(tmp_path: Path, args: list[str], expected: str):
    done = vizspec("watch", "--out", str(tmp_path / "out"), *args)
    assert done.returncode == 2
    assert done.stderr == f"vizspec: error: {expected}\n"
