"""Spec model of the `lanes` element kind: a swimlane matrix with stage banners across the top.

Columns belong to stages (a stage covers `span` columns, one by default) drawn as a row of chevron
banners; rows are lanes with a label in a shared header column; each row's cells fill the columns,
a cell being any element, null (empty) or `{span: n, item: element}` covering n columns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict
from .chart import Null

# `Element` (a cell's content) is defined in ..models, which imports this module and puts the name
# into this module once Element exists (importing it here would make an import circle).

MAX_STAGES = 20
MAX_COLUMNS = 30
MAX_ROWS = 30


class Stage(Strict):
    """A stage: a chevron banner over its columns."""

    text: LocalText = Field(description="Banner text; wraps within the stage's columns.")
    role: Role = Field("model", description="Banner fill role.")
    text_role: Role = Field("text", description="Banner text colour role.")
    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id: the banner as an edge end.")
    span: int = Field(1, ge=1, le=MAX_COLUMNS, description="Number of columns the stage covers.")
    bold: bool = Field(True, description="Bold banner text.")


class LaneCell(Strict):
    """A cell covering several columns (or one, with options), holding one element or nothing."""

    span: int = Field(1, ge=1, le=MAX_COLUMNS, description="Number of columns the cell covers.")
    item: Element | None = Field(None, description="The cell's element (none: an empty cell).")  # noqa: F821


class LaneRow(Strict):
    """A lane: a labelled row of cells, one per column (a spanning cell counts its span)."""

    label: LocalText | None = Field(None, description="Row header text, in the header column on the left.")
    role: Role = Field("light", description="Row header fill role.")
    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id: the row header as an edge end.")
    cells: Annotated[list[Element | LaneCell | Null], Field(max_length=MAX_COLUMNS)] = Field(  # noqa: F821
        description="The row's cells, left to right: an element, null (empty), or {span: n, item: element}.")


class Lanes(Strict):
    """A swimlane matrix: stages as chevron banners across the top, lanes as labelled rows, shared columns."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id; cells are `<id>.<row>.<col>`.")
    stages: Annotated[list[Stage], Field(min_length=1, max_length=MAX_STAGES)] = Field(
        description="Stages, left to right; their spans add up to the column count.")
    rows: Annotated[list[LaneRow], Field(min_length=1, max_length=MAX_ROWS)] = Field(
        description="Lanes, top to bottom.")
    align: Literal["start", "center", "end", "stretch"] = Field(
        "start", description="Vertical place of a cell in its row; `stretch` makes boxes fill their cell.")
    gap: float | None = Field(None, ge=0, le=200, description="Space between columns in px (theme gap × 1.5).")
    stage_gap: float | None = Field(None, ge=0, le=400, description="Space between the two columns where one "
                                    "stage ends and the next begins, in px (default `gap`): a wider gutter "
                                    "there makes the stages read as separate.")
    row_gap: float | None = Field(None, ge=0, le=200, description="Space between rows in px (theme gap × 1.5).")
    header_width: float | None = Field(None, gt=0, le=1000, description="Row header labels wrap beyond this (px).")
    separators: bool = Field(False, description="Faint lines between the lanes.")
    tint: bool = Field(False, description="Every other lane on a faint tint.")

    @property
    def columns(self) -> int:
        """Number of columns: the stages' spans added up."""
        return sum(s.span for s in self.stages)


def cell_span(cell: object) -> int:
    """Columns a cell covers."""
    return cell.span if isinstance(cell, LaneCell) else 1


def span_problems(lanes: Lanes) -> list[tuple[int, str]]:
    """(row index, message) for every row whose cells do not cover exactly the stages' columns."""
    n = lanes.columns
    out = []
    for i, row in enumerate(lanes.rows):
        got = sum(cell_span(c) for c in row.cells)
        if got != n:
            stages = " + ".join(str(s.span) for s in lanes.stages)
            out.append((i, f"lanes row {i + 1} covers {got} column{'s' if got != 1 else ''} (expected {n}: the "
                           f"stages' spans {stages}; a null is an empty cell, {{span: k, item: …}} covers k)"))
    return out
