"""The theme's categorical role cycle, read where binding needs it (`color_by` on a repeat)."""

from __future__ import annotations

from functools import cache

import yaml

from ..project import THEME_FILE
from .files import read_spec_file


@cache
def categorical_roles() -> tuple[str, ...]:
    """The `categorical:` roles of templates/theme.yaml, in cycle order."""
    roles = yaml.safe_load(read_spec_file(THEME_FILE)).get("categorical") or ()
    if not roles or not all(isinstance(r, str) for r in roles):
        raise ValueError(f"{THEME_FILE}: `categorical` must be a non-empty list of palette roles")
    return tuple(roles)
