"""Spec model of the `table` element kind: header row/column, merged cells, cell roles, bit-layout rows.

A table is given either as explicit `rows` of cells, or as `records` (a list of mappings, typically a
compute result) with `columns` saying which key each column shows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .chart import Format, Null, Placeholder

MAX_ROWS = 500
MAX_COLS = 50
MAX_BITS = 256

Align = Literal["start", "center", "end"]


class BitSegment(Strict):
    """One field of a bit layout (sign, exponent, mantissa …), drawn with a width proportional to `bits`."""

    name: str = Field(max_length=40, description="Field name; looks up its role and legend label in `bit_kinds`.")
    bits: int | Placeholder = Field(description="Number of bits (0 draws nothing).")
    role: Role | None = Field(None, description="Fill role (default: from bit_kinds, else a palette cycle).")
    label: LocalText | None = Field(None, description="Text in the segment (default: the bit count).")


Bits = Annotated[dict[str, int | Placeholder], Field(max_length=16)] | list[BitSegment] | Placeholder


class TableCell(Strict):
    """A cell with options: merged span, roles, alignment, or a bit layout instead of text."""

    text: LocalText | float | None = Field(None, description="Cell text (numbers use the table's format).")
    bits: Bits | None = Field(
        None, description="A bit layout instead of text: {sign: 1, exponent: 8, mantissa: 23} or a list of "
                          "segments; widths are proportional to the bit counts across the whole table.")
    colspan: int = Field(1, ge=1, le=MAX_COLS, description="Number of columns the cell spans.")
    rowspan: int = Field(1, ge=1, le=MAX_ROWS, description="Number of rows the cell spans.")
    role: Role | None = Field(None, description="Fill role (default: the row's, else the table's).")
    text_role: Role | None = Field(None, description="Text colour role.")
    bold: bool | None = Field(None, description="Bold text (default: bold in header cells).")
    align: Align | None = Field(None, description="Horizontal alignment (default: the column's).")


CellValue = LocalText | float | TableCell | Null


class TableRow(Strict):
    """A row with options that apply to all its cells."""

    cells: Annotated[list[CellValue], Field(max_length=MAX_COLS)] = Field(description="The row's cells.")
    role: Role | None = Field(None, description="Fill role of the row's cells.")
    bold: bool = Field(False, description="Bold text.")
    header: bool = Field(False, description="Styled as a header row.")


class TableColumn(Strict):
    """What a column shows when the table is built from `records`, and how its cells look."""

    header: LocalText | None = Field(None, description="Header cell text.")
    key: str | None = Field(None, max_length=60, description="Record key whose value the column shows.")
    bits: list[str] | None = Field(
        None, max_length=16, description="Record keys holding bit counts: the column shows a bit layout.")
    format: Format | None = Field(None, description="Number format of this column (default: the table's).")
    align: Align | None = Field(None, description="Horizontal alignment of the column's cells.")
    role: Role | None = Field(None, description="Fill role of the column's body cells.")
    max_width: float | None = Field(None, gt=0, le=2000, description="Text wraps beyond this width (px).")


class BitKind(Strict):
    """Colour and legend text of a bit-layout field name."""

    role: Role = Field(description="Fill role of the field's segments.")
    label: LocalText | None = Field(None, description="Legend text (fields without one are not in the legend).")


class TableArrow(Strict):
    """A direction indicator outside the table along its first or last body row (or first or last column):
    an arrow spanning that row's body cells, with its label ("← computed backwards")."""

    row: int | None = Field(None, ge=0, lt=MAX_ROWS, description="Body row (0-based, as in `rows`) the arrow "
                                                                  "runs along: the first (drawn over the table) "
                                                                  "or the last (under it).")
    column: int | None = Field(None, ge=0, lt=MAX_COLS, description="Column (0-based) the arrow runs along: the "
                                                                     "first (drawn left of it) or the last (right).")
    text: LocalText | None = Field(None, description="Label beside the arrow.")
    span: tuple[int, int] | None = Field(
        None, description="First and last column (for a row arrow) or body row (for a column arrow) the arrow "
                          "spans, inclusive, 0-based (default: every body cell along it).")
    direction: Literal["forward", "back"] = Field(
        "forward", description="`forward` points along increasing index (left to right, top to bottom); `back` "
                               "the other way (time run backwards).")
    role: Role = Field("text", description="Colour role of the arrow (its label is `text-soft`).")

    @model_validator(mode="after")
    def _one_axis(self) -> TableArrow:
        if (self.row is None) == (self.column is None):
            raise ValueError("a table arrow runs along exactly one of `row` or `column`")
        if self.span is not None and not 0 <= self.span[0] <= self.span[1]:
            raise ValueError("a table arrow's `span` is [first, last] with 0 <= first <= last")
        return self


class Table(Strict):
    """A table: a header row, optional header column, merged cells, cell roles and bit-layout cells."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    title: LocalText | None = Field(None, description="Title above the table.")
    header: Annotated[list[CellValue], Field(max_length=MAX_COLS)] | None = Field(
        None, description="Header row cells (with `records`: default the columns' headers).")
    rows: Annotated[list[Annotated[list[CellValue], Field(max_length=MAX_COLS)] | TableRow],
                    Field(max_length=MAX_ROWS)] | Placeholder | None = Field(
        None, description="Body rows: lists of cells, or {cells: […], role: …}.")
    records: Annotated[list[dict[str, Any]], Field(max_length=MAX_ROWS)] | Placeholder | None = Field(
        None, description="Body rows as mappings (e.g. \"{{ q.formats }}\"); `columns` pick the keys.")
    columns: Annotated[list[TableColumn], Field(max_length=MAX_COLS)] = Field(
        default_factory=list, description="Per-column options; with `records`, what each column shows.")
    header_column: bool = Field(False, description="Style the first column as a header.")
    header_role: Role = Field("panel", description="Fill role of header cells.")
    role: Role = Field("white", description="Fill role of body cells.")
    align: Align = Field("center", description="Default horizontal alignment of cells.")
    format: Format | None = Field(
        None, description="Default format of numeric cells (default: whole numbers as they are, else 3 digits).")
    max_width: float = Field(220, gt=0, le=2000, description="Cell text wraps beyond this width (px).")
    bit_width: float | None = Field(
        None, gt=0, le=100, description="Px per bit in bit layouts (default: the widest layout gets ~520 px, "
                                        "and at least what its narrowest label needs).")
    bit_kinds: dict[str, BitKind] = Field(
        default_factory=dict, description="Role and legend label per bit field name, e.g. "
                                          "{sign: {role: negative, label: Sign}}.")
    legend: bool = Field(True, description="Draw a legend of the labelled bit kinds under the table.")
    arrows: Annotated[list[TableArrow], Field(max_length=4)] = Field(
        default_factory=list, description="Direction indicators along the first/last body row or column, "
                                          "drawn outside the table (e.g. {row: 3, text: \"← time reversed\", "
                                          "direction: back}).")
    columns_under: str | None = Field(
        None, pattern=ELEMENT_ID_PATTERN, description="Id of a `direction: right` tree: column k gets the width "
        "of the tree's level k (gap middle to gap middle), so the table centred under the tree has each column "
        "under its level; text wraps to fit.")

    @model_validator(mode="after")
    def _body(self) -> Table:
        if (self.rows is None) == (self.records is None):
            raise ValueError("a table has exactly one of `rows` or `records`")
        if self.records is not None and not self.columns:
            raise ValueError("a table built from `records` needs `columns` (which key each column shows)")
        return self
