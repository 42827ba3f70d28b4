"""The package as a user installs it: a wheel with its templates and schema, used outside the repository.

The wheel is built from this checkout and installed into a fresh venv in a temporary folder. Its
dependencies are not downloaded: the venv sees this venv's site-packages through a .pth file (behind its
own, so the installed wheel, not this checkout, is what runs), and the wheel's dependency metadata is
checked in the wheel itself. "Without torch" hides torch from the interpreter (`sys.modules['torch'] = None`
in a sitecustomize), as an install without the extra would lack it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

from renderer.project import ROOT, find_root

NO_TORCH = "import sys\nsys.modules['torch'] = None  # as if the torch extra were not installed\n"


def test_the_listed_packages_are_every_package_folder():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    code = [p for p in cfg["packages"] if not p.startswith("renderer._data")]
    assert sorted(code) == sorted(find_packages(str(ROOT), include=["renderer*", "compute*"]))
    data = {p: d for p, d in cfg["package-dir"].items()}
    assert data == {"renderer._data.templates": "templates", "renderer._data.schema": "schema"}
    for sub in (ROOT / "templates").iterdir():
        if sub.is_dir():
            assert f"renderer._data.templates.{sub.name}" in cfg["packages"], sub


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the files git tracks (setuptools writes build/ into the tree it builds)."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, tracked):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(src)], check=True, capture_output=True, timeout=600)
    (whl,) = out.glob("vizspec-*.whl")
    return whl


def test_the_wheel_carries_templates_schema_and_the_api(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("templates/theme.yaml", "templates/chapters.yaml", "templates/components/decoder-stack.yaml",
                "templates/starters/flow.yaml", "schema/diagram.schema.json"):
        assert f"renderer/_data/{rel}" in names, rel
    assert "vizspec.py" in names and "renderer/app/api.py" in names
    assert {"renderer/backends/pptx_base_notes.pptx", "renderer/backends/pptx_base_plain.pptx"} <= names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert any("torch==2.13.0" in r and 'extra == "torch"' in r for r in requires)
    assert "Requires-Dist: torch==2.13.0" not in requires  # not a base dependency


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv outside the repository with the wheel installed (dependencies seen through a .pth)."""
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, timeout=300)
    purelib = Path(subprocess.check_output([str(env_dir / "bin" / "python"), "-c",
                                            "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                           text=True).strip())
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
                    "--disable-pip-version-check", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    return env_dir


def run(venv: Path, *args: str, cwd: Path, torch: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIZSPEC_ROOT")}
    if not torch:
        block = cwd.parent / "no-torch"
        block.mkdir(exist_ok=True)
        (block / "sitecustomize.py").write_text(NO_TORCH)
        env["PYTHONPATH"] = str(block)
    done = subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


@pytest.mark.parametrize("torch", [False, True], ids=["without-torch", "with-torch"])
def test_installed_wheel_starts_validates_and_renders_a_project_outside_the_repo(venv, tmp_path, torch):
    project = tmp_path / "lecture"
    (project / "notes").mkdir(parents=True)
    (project / "vizspec.toml").write_text("")
    has_torch = run(venv, "python", "-c", "import importlib.util as u; print(u.find_spec('torch') is not None)",
                    cwd=project, torch=torch)
    assert has_torch.stdout.strip() == str(torch)
    where = run(venv, "python", "-c", "import renderer.project as p; print(p.ROOT); print(p.THEME_FILE)",
                cwd=project / "notes", torch=torch)
    root, theme = where.stdout.split()
    assert Path(root) == project  # found by walking up to vizspec.toml
    assert "site-packages" in theme and str(ROOT) not in theme  # the packaged theme, not this checkout's
    done = run(venv, "vizspec", "new", "demo", "--kind", "chart", cwd=project / "notes", torch=torch)
    assert done.returncode == 0, done.stderr
    assert (project / "specs" / "misc" / "demo.yaml").is_file()
    done = run(venv, "vizspec", "validate", cwd=project, torch=torch)
    assert done.returncode == 0, done.stderr
    done = run(venv, "vizspec", "render", "all", "--format", "svg,png,pptx", cwd=project / "notes", torch=torch)
    assert done.returncode == 0, done.stderr
    for rel in ("svg/en/demo.svg", "png/zh/demo.png", "pptx/en/demo.pptx"):
        assert (project / "build" / rel).stat().st_size > 1000, rel
    assert not (project / "notes" / "build").exists()  # outputs go under the root, not the working folder


def test_root_option_and_the_working_directory(venv, tmp_path):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    (project / "specs").mkdir(parents=True)
    elsewhere.mkdir()
    assert run(venv, "vizspec", "--root", str(project), "new", "one", cwd=elsewhere, torch=False).returncode == 0
    assert (project / "specs" / "misc" / "one.yaml").is_file()
    done = run(venv, "vizspec", "render", "one", "--format", "svg", "--root", str(project), cwd=elsewhere,
               torch=False)
    assert done.returncode == 0, done.stderr
    assert (project / "build" / "svg" / "en" / "one.svg").is_file() and not (elsewhere / "build").exists()
    bad = run(venv, "vizspec", "--root", str(tmp_path / "missing"), "list", cwd=elsewhere, torch=False)
    assert bad.returncode == 2 and "is not a folder" in bad.stderr


def test_find_root_walks_up_to_a_marker(tmp_path):
    (tmp_path / "a" / "specs").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    assert find_root(tmp_path / "a" / "b" / "c", env={}) == tmp_path / "a"
    assert find_root(tmp_path / "a" / "b", env={"VIZSPEC_ROOT": str(tmp_path)}) == tmp_path
    lone = tmp_path / "lone"
    lone.mkdir()
    assert find_root(lone, env={}) in (lone, *[p for p in lone.parents if (p / "specs").exists()])
