"""Names and values are never printed raw: no terminal escape, control, bidi override or newline reaches the
terminal, and no printed line starts a GitHub Actions workflow command (`::error`, `::add-mask`, …)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from renderer.app.build import Report, Result
from renderer.app.progress import Reporter, summary_text
from renderer.spec.errors import Problem

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "evil\x1b[2J\x9b31m\u202egnp.\n::error file=x::owned\r\x07"
SHOWN = "evil\\x1b[2J\\x9b31m\\u202egnp.\\n::error file=x::owned\\r\\x07"
RAW = ("\x1b", "\x9b", "\u202e", "\u2066", "\x07", "\r", "\u2028")


def assert_safe(text: str) -> None:
    """No unsafe character in `text`, and no line that GitHub's runner would take for a workflow command."""
    for ch in RAW:
        assert ch not in text, f"{ch!r} printed raw in {text!r}"
    for line in text.split("\n"):
        assert not line.lstrip().startswith("::"), f"forged workflow command: {line!r}"


@pytest.mark.parametrize(("raw", "shown"), [
    (HOSTILE, SHOWN),
    ("::error::owned", "\\x3a:error::owned"),
    ("  ::add-mask::secret", "  \\x3a:add-mask::secret"),
    ("\t::set-output name=x::y", "\\t::set-output name=x::y"),
    ("a\u2066b\u2069\u200bc\U000e0041", "a\\u2066b\\u2069\\u200bc\\U000e0041"),
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ("plain 中文 \\frac{a}{b} a::b", "plain 中文 \\frac{a}{b} a::b"),
])
def test_printable_escapes_what_a_terminal_or_ci_log_would_act_on(raw: str, shown: str):
    from renderer.spec.printable import printable

    assert printable(raw) == shown
    assert printable(shown) == shown  # escaping twice changes nothing
    assert_safe(printable(raw))


def test_a_problem_prints_its_file_name_and_message_escaped():
    p = Problem("::warning::x.yaml", 3, 4, f"unknown key '{HOSTILE}'")
    assert str(p) == f"\\x3a:warning::x.yaml:3:4: error: unknown key '{SHOWN}'"


def test_progress_lines_and_the_summary_escape_names_and_problems():
    stream = io.StringIO()
    rep = Reporter(stream, mode="plain")
    rep.plan(2, 2)
    bad = Result(HOSTILE, None, "failed", problems=[f"{HOSTILE}:1:1: error: cannot read file"])
    rep.result(bad)
    rep.result(Result("ok.yaml", "::add-mask::x", "rendered"))
    rep.summary(Report([bad], 0.1, Path("::error::out")))
    text = stream.getvalue()
    assert_safe(text)
    assert f"FAILED  {SHOWN} (0 ms)" in text and f"  {SHOWN}:1:1: error: cannot read file" in text
    assert summary_text(Report([bad], 0.1, Path("out"))).splitlines()[1] == f"  {SHOWN}:1:1: error: cannot read file"


def test_the_progress_bar_shows_names_literally_not_as_markup():
    stream = io.StringIO()
    with Reporter(stream, mode="bar") as rep:
        rep.plan(1, 1)
        rep.result(Result("[bold red]x[/]\x1b[2J.yaml", None, "failed"))
    text = stream.getvalue()
    assert "[bold red]x[/]\\x1b[2J.yaml" in text
    assert "\x1b[2J" not in text


def test_watch_log_lines_are_escaped(capsys):
    from renderer.app.watch import _log, _show

    _log(f"changed: {_show(Path(HOSTILE))}\n::error::second line")
    err = capsys.readouterr().err
    assert_safe(err)
    assert err.splitlines()[1] == "\\x3a:error::second line"


@pytest.mark.parametrize("cmd", ["validate", "render", "check"])
def test_hostile_spec_file_names_reach_the_terminal_escaped(tmp_path: Path, cmd: str):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / f"{HOSTILE}.yaml").write_text("id: evil\nchapter: misc\ntitle: T\nbody: {box: A}\nextra: 1\n",
                                           encoding="utf-8")
    (specs / "::warning::x.yaml").write_text("id: warn\nchapter: misc\ntitle: T\nbody: {box: A}\nextra: 1\n",
                                             encoding="utf-8")
    args = [cmd, "."] + (["--out", str(tmp_path / "out"), "--format", "svg"] if cmd == "render" else [])
    done = subprocess.run([sys.executable, "-m", "renderer.app.cli", *args], cwd=specs, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert_safe(done.stdout + done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line.strip() for line in done.stderr.splitlines()]
    assert any(line.startswith(f"{SHOWN}.yaml:5:1: error: unknown key 'extra'") for line in lines), done.stderr
    assert any(line.startswith("\\x3a:warning::x.yaml:5:1: error: unknown key 'extra'") for line in lines)


def test_list_escapes_titles(monkeypatch, capsys, tmp_path: Path):
    from renderer.app import build
    from renderer.app.cli import main

    spec = tmp_path / "t.yaml"
    spec.write_text('id: t\nchapter: misc\ntitle: "\\u202eevil \\x9b31m title"\nbody: {box: A}\n', encoding="utf-8")
    monkeypatch.setattr(build, "find_specs", lambda root=None: [spec])
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert_safe(out)
    assert out.split()[-3:] == ["\\u202eevil", "\\x9b31m", "title"]


def test_json_output_escapes_the_same_characters_and_stays_valid_json():
    import json

    from renderer.spec.printable import printable_json

    data = {"name": HOSTILE, "zh": "中文", "n": [1, 2]}
    text = printable_json(json.dumps(data, indent=2, ensure_ascii=False))
    assert_safe(text)
    assert json.loads(text) == data and "中文" in text
