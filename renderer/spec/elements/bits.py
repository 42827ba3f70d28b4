"""Spec model of the `bits` element kind: number formats drawn a cell per bit, field by field, stacked.

Each format is a row of fields (sign, exponent, fraction…) built from bit counts (literal or a
`{{ placeholder }}`); a long field keeps its first and last cells with an elision break between them; each
field gets a dimension line "← 8 bits →" above it; `align_at` lines every row up at one field's start.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .chart import Placeholder

MAX_BITS = 4096

Key = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=60)]


class BitField(Strict):
    """A run of bits with one meaning (a sign, an exponent, a fraction), one cell per bit."""

    name: LocalText = Field(description="What the field is (e.g. 'exponent'); a plain name is also its key.")
    key: Key | None = Field(None, description="Key for `align_at` (default: the name, when it is a plain word).")
    bits: Annotated[int, Field(ge=1, le=MAX_BITS)] | Placeholder = Field(
        description="Number of bits, or a placeholder giving it (e.g. \"{{ q.formats[0].exponent }}\").")
    role: Role = Field("panel", description="Fill role of the field's cells.")
    show: int | None = Field(
        None, ge=2, le=256, description="Draw at most this many cells: the first show − 1 and the last, with an "
                                        "elision break between them (default: every bit).")
    text: LocalText | None = Field(
        None, description="Text of the field's dimension line (default: '8 bits', '1 bit'; in Chinese '8 位').")


class BitFormat(Strict):
    """One number format: a label, its fields left (most significant) to right, and an optional note."""

    label: LocalText | None = Field(None, description="Name written left of the row (e.g. 'FP32').")
    fields: Annotated[list[BitField], Field(min_length=1, max_length=16)] = Field(
        description="The fields, most significant first.")
    note: LocalText | None = Field(None, description="Text right of the rows (e.g. the format's range).")
    values: Annotated[list[int | str], Field(max_length=MAX_BITS)] | Placeholder | None = Field(
        None, description="The bits of one number, most significant first, one per bit of the fields (e.g. "
                          "\"{{ enc.bits }}\"): written in the shown cells.")


class Bits(Strict):
    """Number formats as rows of bit cells, stacked with one bit width and optionally aligned at one field."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Title written above the rows.")
    formats: Annotated[list[BitFormat], Field(min_length=1, max_length=24)] = Field(
        description="The formats, top to bottom.")
    align_at: Key | None = Field(
        None, description="Key of a field every format has: the rows are shifted so that this field starts at "
                          "one x (e.g. `fraction`: formats line up where the fraction begins), marked by a "
                          "dashed guide line.")
    cell: float = Field(16.0, ge=6, le=60, description="Width of one bit cell in px (its height is 1.4 times it).")
    gap: float = Field(12.0, ge=0, le=80, description="Space in px between one row's cells and the next row's "
                                                       "dimension lines.")
    dims: bool = Field(True, description="Draw a dimension line with the bit count above every field.")
    guide: bool = Field(True, description="With `align_at`: draw the dashed guide line through the rows.")

    @model_validator(mode="after")
    def _keys(self) -> Bits:
        if self.align_at is None:
            return self
        for f, fmt in enumerate(self.formats):
            keys = [fd.key or (fd.name if isinstance(fd.name, str) else None) for fd in fmt.fields]
            if self.align_at not in keys:
                raise ValueError(f"format {f} has no field '{self.align_at}' to align at (its fields: "
                                 f"{', '.join(k or '?' for k in keys)}; expected every format to have it)")
        return self
