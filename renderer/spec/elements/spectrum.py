"""Spec model of the `spectrum` element kind: a thick double-headed arrow whose fill blends from one role's
colour to another's, with a label at each end (small β ←→ large β, bias ↔ variance, TD ↔ Monte Carlo)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict


class SpectrumEnd(Strict):
    """One end of the spectrum: what that extreme means, and its colour."""

    label: LocalText | None = Field(None, description="Text at this end (e.g. 'small β: close to the data').")
    role: Role = Field(description="Colour role the fill blends from (at `from`) or to (at `to`).")


class Spectrum(Strict):
    """A tension or spectrum arrow between two extremes, its fill a linear blend of the two end colours."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges (also "
                           "`<id>.from` and `<id>.to`, the two arrow tips).")
    from_: SpectrumEnd = Field(alias="from", description="The left (or, vertical, the top) end.")
    to: SpectrumEnd = Field(description="The right (or, vertical, the bottom) end.")
    title: LocalText | None = Field(None, description="What varies along the arrow (e.g. 'β'), at its middle: "
                                    "above a horizontal arrow, right of a vertical one.")
    direction: Literal["horizontal", "vertical"] = Field(
        "horizontal", description="Left to right, or top to bottom. A vertical spectrum in a row with `align: "
        "stretch` grows to the row's height, so it spans the rows of a column beside it.")
    length: float = Field(320, ge=60, le=2000, description="Length of the arrow in px (at least; a stretching "
                          "container may make it longer).")
    thickness: float = Field(14, ge=4, le=80, description="Thickness of the arrow's shaft in px (the heads are "
                             "twice as wide).")
    heads: Literal["both", "end", "none"] = Field("both", description="Arrow heads at both ends, only at `to`, "
                                                 "or none (a plain band).")
