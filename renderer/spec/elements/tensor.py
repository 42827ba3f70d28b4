"""Spec model of the `tensor` element kind: a matrix or vector of cells with values or colours.

Data fields (values, roles, mask, headers) may be literal or a `{{ placeholder }}` string that binding
replaces with compute results; layout rejects a placeholder string that survived binding.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, FontPx, LocalText, Role, Strict
from .chart import ColorScale, Format, Null, Placeholder

MAX_SIDE = 4096  # rows / columns of the data (only `show_rows` × `show_cols` cells are drawn)
MAX_SHOWN = 64

Cell = float | str | Null
Matrix = Annotated[list[Annotated[list[Cell], Field(max_length=MAX_SIDE)] | Cell], Field(max_length=MAX_SIDE)]
Labels = Annotated[list[LocalText | float], Field(max_length=MAX_SIDE)] | Placeholder


class TensorScale(ColorScale):
    """A tensor's colour scale (with `color_by_value`): as a heat map's, its colour bar off unless asked for."""

    legend: bool = Field(False, description="Draw the colour bar (or the stepped key) right of the grid, titled "
                                            "with `title` and `unit`; tensors of one `cell_group` with the same "
                                            "scale share one bar, drawn beside the last of them.")


class TensorGroup(Strict):
    """A run of consecutive rows or columns drawn as one group (e.g. the query heads sharing a KV head)."""

    size: Annotated[int, Field(ge=1, le=MAX_SIDE)] | Placeholder = Field(
        description="Number of rows/columns in the group, or a placeholder giving it (e.g. a count from compute).")
    label: LocalText | None = Field(None, description="Label written beside (rows) or above (columns) the group.")
    role: Role | None = Field(None, description="Fill role of the group's cells (unless a cell has its own).")


class TensorFactor(Strict):
    """The grid in matrix brackets with a scalar factor inside them (ALiBi's m × bias): `[ grid × m ]`."""

    text: LocalText = Field(description="The factor, e.g. '× m' or '$\\times m$' (TeX between $…$).")
    side: Literal["left", "right"] = Field("right", description="Side of the grid the factor is written on.")
    bracket: Literal["round", "square", "none"] = Field("round", description="Bracket drawn round grid and factor.")
    size: Literal["body", "heading", "title"] = Field("heading", description="Text size of the factor.")


class TensorBrace(Strict):
    """A curly brace along one side of the grid over rows/columns `from`..`to`, with a label beside it."""

    side: Literal["left", "right", "top", "bottom", "depth"] = Field(
        description="Side of the grid: left/right span rows, top/bottom span columns; `depth` (with the "
                    "tensor's `depth`) runs along the stack's lower right edge, spanning its layers.")
    text: LocalText | None = Field(None, description="Label written beside the brace (e.g. '151936 rows').")
    from_: int | None = Field(None, alias="from", ge=0, le=10**9,
                              description="First real row/column index spanned (default: the first).")
    to: int | None = Field(None, ge=0, le=10**9, description="Last real row/column index spanned, inclusive "
                                                              "(default: the last).")

    @model_validator(mode="after")
    def _order(self) -> TensorBrace:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"brace `to` {self.to} is before `from` {self.from_} (expected from ≤ to)")
        if self.side == "depth" and (self.from_ is not None or self.to is not None):
            raise ValueError("a `depth` brace spans the whole stack (expected no `from`/`to`)")
        return self


class TensorPick(Strict):
    """A row or cell taken out of the tensor: outlined, with an arrow to a callout box beside the grid."""

    row: int | None = Field(None, ge=0, le=10**9, description="Real index of the picked row.")
    cell: Annotated[list[Annotated[int, Field(ge=0, le=10**9)]], Field(min_length=2, max_length=2)] | None = \
        Field(None, description="The picked cell as [row, col] (real indices), instead of `row`.")
    text: LocalText = Field(description="Text of the callout box (e.g. 'row 3 → embedding').")
    role: Role = Field("emphasis", description="Colour of the outline, the arrow and the callout's border.")

    @model_validator(mode="after")
    def _one(self) -> TensorPick:
        if (self.row is None) == (self.cell is None):
            raise ValueError("a pick needs exactly one of `row` and `cell`")
        return self


class Tensor(Strict):
    """A matrix or vector of cells: values or colours, headers, shape label, ellipses, masks and groups."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Name written above the tensor (e.g. 'Q', 'attention mask').")
    values: Matrix | Placeholder | None = Field(
        None, description="Cell values: a list (vector) or rows of lists (matrix); numbers are formatted with "
                          "`format`, strings are written as they are, null leaves a cell empty.")
    shape: Annotated[list[Annotated[int, Field(ge=1, le=10**9)]], Field(min_length=1, max_length=2)] | \
        Placeholder | None = Field(
        None, description="The real shape, e.g. [3, 896] (default: the shape of `values`). Cells beyond the "
                          "given values are drawn empty; large shapes are elided with `…`.")
    orientation: Literal["row", "column"] = Field(
        "row", description="How a vector (1-D values or shape) is drawn: as a row or as a column.")
    format: Format | None = Field(
        None, description="Format of numeric values (default: whole numbers as they are, others to 3 digits).")
    role: Role = Field("panel", description="Fill role of every cell (unless roles, scale or a group set one).")
    roles: Annotated[list[list[Role | Null] | Role | Null], Field(max_length=MAX_SIDE)] | Placeholder | None = Field(
        None, description="Fill role per cell, same shape as the values (null: the default fill).")
    row_roles: Annotated[list[Role | Null], Field(max_length=MAX_SIDE)] | Placeholder | None = Field(
        None, description="Fill role of each whole row (null: unchanged), under `roles`; with `key_colors` a row "
        "takes its key's colour, e.g. row_roles: \"{{ vars.ids | key_colors }}\" (a token's embedding row).")
    col_roles: Annotated[list[Role | Null], Field(max_length=MAX_SIDE)] | Placeholder | None = Field(
        None, description="Fill role of each whole column (null: unchanged), under `row_roles` and `roles`.")
    color_by_value: bool = Field(
        False, description="Colour numeric cells by value with `scale` (the theme's heat-map scale).")
    scale: TensorScale = Field(default_factory=TensorScale,
                              description="Colour scale used when `color_by_value` is on.")
    show_rows: int = Field(8, ge=3, le=MAX_SHOWN, description="At most this many row slots; more rows are elided "
                                                               "with a `…` row (the last `tail` rows stay).")
    show_cols: int = Field(10, ge=3, le=MAX_SHOWN, description="At most this many column slots (as show_rows).")
    tail: int = Field(1, ge=0, le=8, description="Rows/columns kept after an ellipsis.")
    row_headers: Labels | None = Field(
        None, description="A label left of each row (tokens, positions); rows beyond the list get none.")
    col_headers: Labels | None = Field(
        None, description="A label above each column (tokens, positions); columns beyond the list get none.")
    row_index: bool = Field(False, description="Label rows with their real index (0 … last), when no row_headers.")
    col_index: bool = Field(False, description="Label columns with their real index (0 … last), when no col_headers.")
    row_title: LocalText | None = Field(None, description="Title of the row headers, written above them.")
    shape_label: bool | LocalText = Field(
        True, description="Write the shape under the tensor (true: from `shape`, e.g. '3×896'; or your own text).")
    highlight: list[Annotated[list[int | Placeholder | Null], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="Cells outlined in `highlight_role`: [row, col] in real indices; "
                                          "[row, null] outlines a whole row, [null, col] a column.")
    highlight_role: Role = Field("emphasis", description="Outline colour of highlighted cells.")
    highlight_depth: bool = Field(
        False, description="With `depth`: each highlight runs through every layer of the stack (a slab with "
                           "its top/right faces drawn), not the front grid only.")
    fibres: Annotated[list[Annotated[list[int | Placeholder], Field(min_length=2, max_length=2)]],
                      Field(max_length=16)] = Field(
        default_factory=list, description="With `depth`: cells [row, col] (real indices) highlighted through "
                                          "every layer of the stack (a fibre, e.g. what BatchNorm normalises): "
                                          "filled in `fibre_role` on the front grid and on the stack's top/right "
                                          "faces where it reaches them, its hidden far end dashed.")
    fibre_role: Role = Field("data", description="Fill colour of the fibres (their edges are drawn in the text "
                                                 "colour).")
    mask: Literal["causal"] | Annotated[list[list[bool]], Field(max_length=MAX_SIDE)] | Placeholder | None = Field(
        None, description="Masked cells: 'causal' (keys after the query), or rows of booleans (true = visible).")
    blocks: Annotated[list[int], Field(max_length=MAX_SIDE)] | Placeholder | None = Field(
        None, description="Block-diagonal structure: sizes of the diagonal blocks (the packed sequences); cells "
                          "outside them are masked and each block is outlined.")
    masked_text: LocalText | None = Field(
        None, description="Text of masked cells (default: '−∞' when the tensor shows values, else empty).")
    masked_role: Role = Field("light", description="Fill role of masked cells.")
    mask_style: Literal["text", "hatch"] = Field(
        "text", description="How masked cells are drawn: 'text' writes `masked_text` (−∞ by default), 'hatch' "
                            "draws diagonal lines over the masked fill (a pattern fill in PPTX) and keeps the "
                            "cell's value, written on a small white chip over the lines.")
    row_groups: list[TensorGroup] = Field(
        default_factory=list, description="Row groups, top to bottom, with separators.")
    col_groups: list[TensorGroup] = Field(
        default_factory=list, description="Column groups, left to right, with separators (e.g. attention heads).")
    cell: float | None = Field(None, gt=0, le=400, description="Minimum cell width and height in px.")
    depth: int | None = Field(
        None, ge=2, le=10**9, description="A third dimension (e.g. the batch): the grid is the front of a stack "
                                          "of this many layers, drawn as offset copies behind it.")
    depth_label: LocalText | None = Field(
        None, description="Label of the stack, beside its top-right corner (default: the depth, e.g. '4').")
    slice: int | None = Field(
        None, ge=0, le=10**9, description="Index of the layer the front grid shows (outlined, and named under "
                                          "the depth label); needs `depth`.")
    cell_group: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=60,
        description="Name of a cell-size group: every tensor naming it draws cells of one size, the largest "
                    "of the group (the same px per cell for sibling tensors).")
    braces: Annotated[list[TensorBrace], Field(max_length=16)] = Field(
        default_factory=list, description="Dimension braces along the sides of the grid, each with a label "
                                          "(e.g. {side: left, text: '151936 rows'}).")
    brace_size: Literal["small", "note", "body", "heading"] | FontPx = Field(
        "small", description="Size of the brace labels: a theme size name or px (larger for a wide diagram "
                             "shown on a slide).")
    factor: TensorFactor | None = Field(
        None, description="Matrix brackets round the grid with a scalar factor inside them "
                          "(e.g. {text: '× m'}): one operand of a matrix equation.")
    pick: TensorPick | None = Field(
        None, description="A row or cell outlined with an arrow to a callout right of the grid "
                          "(e.g. {row: 3, text: 'row 3 → embedding'}).")

    @model_validator(mode="after")
    def _something(self) -> Tensor:
        if self.values is None and self.shape is None:
            raise ValueError("a tensor needs `values` or `shape`")
        if self.slice is not None and (self.depth is None or self.slice >= self.depth):
            raise ValueError(f"slice {self.slice} needs a `depth` above it (expected 0 ≤ slice < depth)")
        if self.depth is None and (self.fibres or any(b.side == "depth" for b in self.braces)):
            raise ValueError("fibres and a `depth` brace need `depth` (expected depth: N, the layers of the stack)")
        return self
