"""The theme: palette roles, fonts, sizes, spacing and strokes, read from templates/theme.yaml."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..project import THEME_FILE
from ..spec.files import read_spec_file


class UnknownRole(KeyError):
    """A role that the theme's palette does not define."""


@dataclass(frozen=True)
class Theme:
    """Resolved theme values; `color(role)` is the only way layout gets a colour."""

    palette: dict[str, Any]
    fonts: dict[str, Any]
    sizes: dict[str, float]
    spacing: dict[str, float]
    stroke: dict[str, float]
    credit: dict[str, str]
    digest: str
    neutral: frozenset[str] = frozenset()  # roles that carry no meaning of their own (no legend entry needed)

    def color(self, role: str) -> str:
        """Hex colour of a palette role."""
        value = self.palette.get(role)
        if not isinstance(value, str):
            raise UnknownRole(role)
        return value

    def roles(self) -> list[str]:
        """Every colour role name."""
        return sorted(k for k, v in self.palette.items() if isinstance(v, str))

    def colors(self) -> set[str]:
        """Every hex colour the theme defines (the checker allows only these)."""
        out = set()
        for v in self.palette.values():
            out.update(v if isinstance(v, list) else [v])
        return {c.upper() for c in out}


@cache
def load_theme(path: Path = THEME_FILE) -> Theme:
    """Load the theme file."""
    raw = read_spec_file(path)  # inside the project, regular, bounded (a located error otherwise)
    d = yaml.safe_load(raw)
    return Theme(d["palette"], d["fonts"], d["sizes"], d["spacing"], d["stroke"], d["credit"],
                 hashlib.sha256(raw).hexdigest()[:16], frozenset(d.get("neutral_roles", ())))
