"""Where the project's folders are: the one module every stage may import (it imports nothing of ours).

The project root is, in order: `vizspec --root DIR` (passed on as the environment variable VIZSPEC_ROOT, so
worker processes agree), the nearest folder at or above the working directory holding `vizspec.toml` or
`specs/`, else the working directory. Specs, outputs (`build/`) and a project's own templates live there.
The tool's own templates and schema come from its source checkout, or from the package data of an installed
wheel (`renderer/_data/`); a project may override any template file by placing its own under `templates/`.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKERS = ("vizspec.toml", "specs")
ROOT_ENV = "VIZSPEC_ROOT"

SOURCE_ROOT = Path(__file__).resolve().parent.parent  # the checkout (or site-packages when installed)
_CHECKOUT = (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "templates").is_dir()
_DATA = Path(__file__).resolve().parent / "_data"  # templates/ and schema/ as a wheel installs them
TOOL_TEMPLATES_DIR = SOURCE_ROOT / "templates" if _CHECKOUT else _DATA / "templates"
TOOL_SCHEMA_DIR = SOURCE_ROOT / "schema" if _CHECKOUT else _DATA / "schema"


def find_root(start: Path | None = None, env: dict[str, str] | None = None) -> Path:
    """The project root: $VIZSPEC_ROOT, else the nearest folder with a marker at or above `start`, else `start`."""
    env = os.environ if env is None else env
    if env.get(ROOT_ENV):
        return Path(os.path.abspath(env[ROOT_ENV]))
    here = Path(os.path.abspath(start or os.getcwd()))
    for folder in (here, *here.parents):
        if any((folder / m).exists() for m in MARKERS):
            return folder
    return here


def _template(rel: str) -> Path:
    """A template file or folder: the project's own when it has one, else the tool's."""
    own = ROOT / "templates" / rel
    return own if own.exists() else TOOL_TEMPLATES_DIR / rel


ROOT = find_root()
SPECS_DIR = ROOT / "specs"
BUILD_DIR = ROOT / "build"
TEMPLATES_DIR = _template("")
COMPONENTS_DIR = _template("components")
STARTERS_DIR = _template("starters")
THEME_FILE = _template("theme.yaml")
CHAPTERS_FILE = _template("chapters.yaml")
SCHEMA_FILE = TOOL_SCHEMA_DIR / "diagram.schema.json"
# `vizspec schema` writes the tool's schema in a checkout, else a copy in the project (for editor completion)
SCHEMA_OUT = SCHEMA_FILE if _CHECKOUT else ROOT / "schema" / "diagram.schema.json"
