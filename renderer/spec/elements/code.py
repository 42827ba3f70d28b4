"""Spec model of the `code` element kind: syntax-highlighted code, literal or a compute function's source."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..models_base import ELEMENT_ID_PATTERN, FontPx, LocalText, Role, Strict

MAX_CODE_LINES = 200


class Code(Strict):
    """Code on a panel: pygments tokens coloured by theme roles, in the theme's monospace font."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    source: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$",
                               description="A registered compute function (e.g. rl.discounted_returns): shows "
                                           "its real source, the code that produced the diagram's numbers.")
    code: str | None = Field(None, max_length=20000, description="Literal code (alternative to `source`).")
    language: str = Field("python", pattern=r"^[a-z0-9+#-]{1,20}$",
                          description="Pygments lexer name for `code` (python, c, bash, yaml, text, ...).")
    lines: tuple[int, int] | None = Field(None, description="Show only lines a..b (1-based, inclusive; for "
                                                            "`source`, line 1 is the `def` line).")
    docstring: bool = Field(True, description="Keep the function's docstring (false drops it, for `source`).")
    line_numbers: bool = Field(False, description="Line numbers in a gutter (the numbering `lines` uses).")
    highlight: list[int] = Field(default_factory=list, max_length=MAX_CODE_LINES,
                                 description="Line numbers whose background is tinted (`highlight_role`).")
    highlight_role: Role = Field("kept-bg", description="Background role of highlighted lines.")
    title: LocalText | None = Field(None, description="Header above the code (default for `source`: "
                                                      "the module path and function name).")
    size: Literal["small", "body"] | FontPx = Field("small", description="Font size: a theme size name or px.")
    background: Role = Field("light", description="Background panel role.")

    @field_validator("lines")
    @classmethod
    def _lines(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not 1 <= v[0] <= v[1]:
            raise ValueError("lines is [first, last] with 1 <= first <= last")
        return v

    @model_validator(mode="after")
    def _one_source(self) -> Code:
        if (self.source is None) == (self.code is None):
            raise ValueError("code has exactly one of `source` (a registered compute function) or `code` "
                             "(literal text)")
        if self.source is not None:
            from compute import registry

            if self.source not in registry.FUNCTIONS:
                raise ValueError(f"unknown compute function '{self.source}' (expected a registered function; "
                                 "`vizspec functions` lists them)")
        return self
