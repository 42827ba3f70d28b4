"""`vizspec completion bash` completes commands, options, choices, ids and function names in a real bash;
`vizspec functions NAME` prints a function's arguments and returned keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from renderer.project import ROOT

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "renderer.app.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def script(tmp_path_factory) -> Path:
    done = cli("completion", "bash")
    assert done.returncode == 0, done.stderr
    path = tmp_path_factory.mktemp("completion") / "vizspec.bash"
    path.write_text(done.stdout)
    return path


def complete(script: Path, *words: str) -> list[str]:
    """COMPREPLY for the command line `words` (the last one is being typed), as bash computes it."""
    quoted = " ".join(f"'{w}'" for w in words)
    code = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); _vizspec; "
            'printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return sorted(filter(None, done.stdout.splitlines()))


@pytest.mark.parametrize("words, expected", [
    (("vizspec", "re"), ["render"]),
    (("vizspec", "render", "--fo"), ["--format"]),
    (("vizspec", "render", "--lang", ""), ["all", "en", "zh"]),
    (("vizspec", "render", "--format", "pp"), ["pptx"]),
    (("vizspec", "functions", "sampling.top_"), ["sampling.top_k", "sampling.top_p"]),
    (("vizspec", "completion", ""), ["bash"]),
    (("vizspec", "--root", "specs", "val"), ["validate"]),
])
def test_bash_completes(script, words, expected):
    assert complete(script, *words) == expected


def test_bash_completes_diagram_ids(script):
    assert complete(script, "vizspec", "render", "top-") == ["top-k-sampling", "top-p-sampling"]


def test_functions_name_shows_arguments_and_returned_keys():
    done = cli("functions", "sampling.top_p")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "sampling.top_p(logits: list[float], p: float, temperature: float = 1.0)"
    assert "  returns:" in lines
    keys = [line.split(":")[0].strip() for line in lines[lines.index("  returns:") + 1:] if line.startswith("    ")]
    assert {"probs", "kept", "n_kept", "cumulative"} <= set(keys)
    bad = cli("functions", "sampling.top_q")
    assert bad.returncode == 2
    assert bad.stderr.startswith("vizspec: error: unknown compute function 'sampling.top_q' (expected one of: "
                                 "sampling.multinomial, sampling.softmax")


def test_every_option_of_every_command_has_help_text():
    import argparse

    from renderer.app.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    bare = [f"{name} {x.option_strings or x.dest}" for name, p in sub.choices.items() for x in p._actions
            if not x.help and not isinstance(x, argparse._HelpAction)]
    assert not bare, f"options without help text: {bare}"
