"""Spec model of the `math` element kind: LaTeX formulas drawn as vector glyph outlines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, FontPx, LocalText, Role, Strict

MAX_TEX = 2000
MAX_LINES = 40


class Math(Strict):
    """A formula (`tex`), an aligned multi-line equation (`lines`) or text with inline $…$ formulas (`text`)."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    tex: LocalText | None = Field(None, description="A LaTeX formula without $ delimiters, e.g. "
                                                    "'\\hat{A}_t = \\sum_l (\\gamma\\lambda)^l \\delta_{t+l}'. "
                                                    "Glyphs are drawn as paths (STIX Two Math).")
    text: LocalText | None = Field(None, description="Text with inline formulas between $…$ (write \\$ for a "
                                                     "dollar sign); the text uses the theme font, so it may be "
                                                     "Chinese, and wraps at `max_width`.")
    lines: list[LocalText] | None = Field(
        None, min_length=1, max_length=MAX_LINES,
        description="A multi-line equation: one LaTeX line each (no $), aligned at the first `=` of each line "
                    "(or where a line puts `&`), like \\begin{aligned}…\\end{aligned} in `tex`.")
    size: Literal["small", "body", "heading", "title"] | FontPx = Field(
        "body", description="Font size: a theme size name or px.")
    role: Role = Field("text", description="Colour role of the formula and its text.")
    display: bool = Field(True, description="Display style for `tex` (large operators with limits above and "
                                            "below); false for the compact inline style.")
    align: Literal["start", "center", "end"] = Field("center", description="Alignment of wrapped `text` lines.")
    max_width: float | None = Field(None, gt=0, le=2000, description="Wrap `text` beyond this width (px).")

    @model_validator(mode="after")
    def _one_source(self) -> Math:
        if sum(v is not None for v in (self.tex, self.text, self.lines)) != 1:
            raise ValueError("math has exactly one of `tex` (a formula), `lines` (an aligned multi-line "
                             "equation) or `text` (text with $…$ formulas)")
        for v in (self.tex, self.text, *(self.lines or [])):
            for s in ([v] if isinstance(v, str) else [v.en, v.zh] if v is not None else []):
                if len(s) > MAX_TEX:
                    raise ValueError(f"formula too long ({len(s)} characters, limit {MAX_TEX})")
        return self
