"""Shared pieces of the spec models: strict base, bilingual text, roles, id patterns."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MAX_ID = 64  # characters of a diagram or chapter id: they become file names
RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10))])
ELEMENT_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$"

Role = Annotated[str, Field(pattern=r"^([a-z][a-z-]*|\{\{.*\}\})$",
                            description="A palette role from templates/theme.yaml (or a placeholder giving one).")]


class Strict(BaseModel):
    """Base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, coerce_numbers_to_str=True)


class I18n(Strict):
    """Text in both languages."""

    en: str = Field(description="English text.")
    zh: str = Field(description="Chinese text.")


LocalText = Annotated[
    str | I18n,
    Field(description="A string (same in every language) or {en: …, zh: …}. May hold {{ placeholders }}."),
]

FontPx = Annotated[float, Field(ge=4, le=200, description="A font size in px.")]
