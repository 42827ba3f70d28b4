"""Where the project's folders are: the one module every stage may import (it imports nothing of ours)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS_DIR = ROOT / "specs"
TEMPLATES_DIR = ROOT / "templates"
COMPONENTS_DIR = TEMPLATES_DIR / "components"
THEME_FILE = TEMPLATES_DIR / "theme.yaml"
