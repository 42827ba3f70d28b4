"""Shared pieces of the spec models: strict base, bilingual text, roles, id patterns."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidatorFunctionWrapHandler, WrapValidator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MAX_ID = 64  # characters of a diagram or chapter id: they become file names
RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10))])
ELEMENT_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$"

ROLE_PATTERN = r"^([a-z][a-z-]*|\{\{.*\}\})$"  # renderer.spec.schema finds roles by it (editor completion)
Role = Annotated[str, Field(pattern=ROLE_PATTERN,
                            description="A palette role from templates/theme.yaml (or a placeholder giving one).")]


class Strict(BaseModel):
    """Base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, coerce_numbers_to_str=True, defer_build=True)


_SIGN = re.compile(r"-(?=[0-9.])")


def number_text(v: Any, handler: ValidatorFunctionWrapHandler) -> str:
    """A number given where only text is expected (`text: "{{ vars.x }}"`, `text: -2.3`) written with the
    minus sign U+2212, as the placeholder formatters write it; typed text is unchanged (a hyphen stays).

    Wraps str validation, so a union that also takes a number (`LocalText | float`) still gets the number.
    """
    out = handler(v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _SIGN.sub("\u2212", out)
    return out


TextValue = Annotated[str, WrapValidator(number_text)]


class I18n(Strict):
    """Text in both languages."""

    en: TextValue = Field(description="English text.")
    zh: TextValue = Field(description="Chinese text.")


LocalText = Annotated[
    TextValue | I18n,
    Field(description="A string (same in every language) or {en: …, zh: …}. May hold {{ placeholders }}."),
]

FontPx = Annotated[float, Field(ge=4, le=200, description="A font size in px.")]
