"""Spec model of the `chart` element kind: bar, line, area and heat-map charts with axes.

Data fields hold numbers bound from compute results. The raw spec holds either the numbers or a
`{{ placeholder }}` string; binding replaces the placeholder before the final validation, so each
data field is typed `list[...] | str` and layout rejects a string that survived binding.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..models_base import ELEMENT_ID_PATTERN, LocalText, Role, Strict

MAX_POINTS = 5000  # points per series
MAX_SERIES = 24
MAX_CELLS_SIDE = 256  # heat-map rows / columns
FORMAT_PATTERN = r"^[<>^+\- #0-9,._a-zA-Z%]{0,12}$"

Null = Literal[None]  # a null list item (`X | None` would lose its null branch in the written schema)
Placeholder = Annotated[str, Field(max_length=500, description="A {{ placeholder }} bound to compute results.")]
OneNumber = Annotated[str, Field(max_length=500, pattern=r"^\s*\{\{.*\}\}\s*$",
                                 description="A {{ placeholder }} that gives one number.")]
# a list of numbers, each literal or a placeholder giving one (`[0.5, "{{ p.best }}"]`), or one placeholder giving all
Numbers = Annotated[list[float | OneNumber], Field(max_length=MAX_POINTS)] | Placeholder
Number = float | Placeholder
IsoDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="An ISO date: the middle of that "
                                                                               "year, month or day.")]
Slot = Annotated[int, Field(ge=0)]  # a category slot index
Format = Annotated[str, Field(pattern=FORMAT_PATTERN, description="Python format spec, e.g. '.2f', '.0%', ',d'.")]
State = Literal["kept", "removed", "sampled", "candidate"]
STATES = ("kept", "removed", "sampled", "candidate")  # the bar states, in legend order


class ChartAxis(Strict):
    """One axis: a category axis (labels) or a numeric axis (nice 1-2-5 ticks)."""

    title: LocalText | None = Field(None, description="ChartAxis title (written under the x axis, above the y axis).")
    categories: Annotated[list[LocalText | float], Field(max_length=MAX_POINTS)] | Placeholder | None = Field(
        None, description="Category labels (e.g. tokens): makes this a category axis, one slot per label.")
    min: Number | None = Field(None, description="Lower end of a numeric axis (default: from the data, nice).")
    max: Number | None = Field(None, description="Upper end of a numeric axis (default: from the data, nice).")
    ticks: Numbers | None = Field(None, description="Explicit tick values (default: nice 1-2-5 ticks).")
    tick_labels: list[LocalText] | None = Field(
        None, description="Labels of the explicit `ticks`, one each (e.g. ['0', '1−ε', '1', '1+ε']).")
    format: Format | None = Field(None, description="Format of numeric tick labels (default: decimals of the step).")
    ends: bool = Field(False, description="With explicit `ticks`: also tick and label the axis's two ends (its min "
                                          "and max, in `format`) when the ticks leave them out.")
    grid: bool | None = Field(None, description="Grid lines at the ticks (default: on for the value axis).")
    breaks: Annotated[list[Annotated[list[Number], Field(min_length=2, max_length=2)]], Field(max_length=4)] | None = \
        Field(None, description="Value ranges the y axis skips, each [from, to] (e.g. [[10, 90]]): the axis jumps "
                                "from `from` to `to` at a gap marked by two slanted strokes, on the axis and across "
                                "every bar that spans it; both sides keep one scale and their own ticks. Vertical "
                                "bar, line and area charts, left axis only.")

    @model_validator(mode="after")
    def _labels(self) -> ChartAxis:
        if self.tick_labels is not None and (self.ticks is None or
                                             isinstance(self.ticks, list) and len(self.tick_labels) != len(self.ticks)):
            raise ValueError("tick_labels needs `ticks` with the same number of values")
        if self.ends and self.ticks is None:
            raise ValueError("`ends` adds the axis ends to explicit `ticks` (expected `ticks:`; automatic ticks "
                             "already reach the ends)")
        return self


class SignRoles(Strict):
    """Two roles, one for each sign (e.g. a gain and a loss)."""

    above: Role = Field(description="Role of what lies above the value (positive).")
    below: Role = Field(description="Role of what lies below the value (negative).")


class MarginArrows(Strict):
    """Two arrows left of the value axis, up and down from a value, each with its meaning (e.g. 'increase ↑',
    'decrease ↓')."""

    at: Number = Field(0.0, description="The value both arrows start from (e.g. 0, or a baseline).")
    up: LocalText | None = Field(None, description="What a value above `at` means (the up arrow's label).")
    down: LocalText | None = Field(None, description="What a value below `at` means (the down arrow's label).")
    up_role: Role = Field("text-soft", description="Colour role of the up arrow and its label.")
    down_role: Role = Field("text-soft", description="Colour role of the down arrow and its label.")

    @model_validator(mode="after")
    def _some(self) -> MarginArrows:
        if self.up is None and self.down is None:
            raise ValueError("margin_arrows needs `up`, `down` or both (the meaning of each direction)")
        return self


class ChartSeries(Strict):
    """One data series: bars, a line or a filled area."""

    name: LocalText | None = Field(None, description="Legend entry (series without a name are not in the legend).")
    values: Numbers = Field(description="The y values (bar heights / line points): a list whose items are numbers "
                            "or placeholders giving one number each, or one placeholder giving the list.")
    x: Annotated[list[float | OneNumber | IsoDate], Field(max_length=MAX_POINTS)] | Placeholder | None = Field(
        None, description="Numeric x of each value (line/area), or ISO dates ('2016-03', '2017-06-12': the x "
                          "axis becomes a date axis ticked in years or months); default: the category slots or "
                          "0, 1, 2, …")
    role: Role | None = Field(None, description="Colour role (default: bars `model`, lines a palette cycle).")
    highlight: Annotated[list[bool], Field(max_length=MAX_POINTS)] | Placeholder | None = Field(
        None, description="One boolean per bar: true bars use `highlight_role`, false bars `dim_role` "
                          "(e.g. \"{{ dist.kept }}\").")
    highlight_role: Role = Field("kept", description="Fill of highlighted (true) bars.")
    dim_role: Role = Field("removed", description="Fill of the other (false) bars.")
    roles: Annotated[list[Role], Field(max_length=MAX_POINTS)] | Placeholder | None = Field(
        None, description="Fill role of each bar, one per value (overrides `role` and `highlight`).")
    labels: Format | None = Field(
        None, description="Write each value at its bar or point with this format (e.g. '.2f', '.0%').")
    states: Annotated[list[State], Field(max_length=MAX_POINTS)] | Placeholder | None = Field(
        None, description="State of each bar, one per value: kept (solid `kept`), removed (hatched grey), "
                          "sampled (solid `emphasis`), candidate (solid `model`); the legend lists each state "
                          "used (overrides `role`, `roles` and `highlight`).")
    axis: Literal["left", "right"] = Field(
        "left", description="Value axis of the series: `right` draws it as a line against a right-hand axis "
                            "(`y2`), e.g. a cumulative sum over bars.")
    marker: Literal["circle", "square", "diamond", "none"] | None = Field(
        None, description="Point marker of a line (default: circle for up to 30 points, else none).")
    dashed: bool = Field(False, description="Dashed line.")
    width: float = Field(2.0, gt=0, le=10, description="Line width in px.")
    line: bool = Field(True, description="Join the points with a line; `false` draws the markers only (a "
                                         "scatter plot: give each point its own `x`).")
    curve: Literal["linear", "step", "smooth"] = Field(
        "linear", description="How a line joins its points: straight segments, steps (each value holds until the "
                              "next x, as a piecewise-constant schedule), or a smooth monotone curve through every "
                              "point (no overshoot between points).")
    end_label: bool = Field(False, description="Write the series name at the end of its line, in its colour, "
                                               "instead of in the legend.")
    deviations: Number | None = Field(
        None, description="Draw a thin line from each point to this value (e.g. a reference line's y): how far "
                          "each point deviates from it.")
    deviation_roles: SignRoles | None = Field(
        None, description="Colour each deviation line by its sign: `above` for a point above the value, `below` "
                          "for one under it (default: the series' colour).")


class ChartRegion(Strict):
    """A shaded band between two x values (or two y values) of the plot."""

    x: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[from, to] on the x axis (numbers, or category labels' indices).")
    y: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[from, to] on the y axis.")
    role: Role = Field("kept-bg", description="Fill role of the band.")
    opacity: float = Field(1.0, gt=0, le=1, description="Opacity of the band's fill: below 1 a lighter tint of the "
                                                         "role, so a saturated role does not overpower the data.")
    label: LocalText | None = Field(None, description="Text written at the top of the band.")
    label_at: Literal["outside", "inside"] = Field(
        "outside", description="Where the label goes: `outside` the plot (above an x band, right of a y band), "
                               "or `inside` the band, at its top, middle or bottom (an x band) or its left, centre "
                               "or right (a y band), whichever crosses no line, marker, bar or label; where every "
                               "place inside collides, outside.")

    @model_validator(mode="after")
    def _one_axis(self) -> ChartRegion:
        if (self.x is None) == (self.y is None):
            raise ValueError("a region has exactly one of x: [from, to] or y: [from, to]")
        return self


class ChartBetween(Strict):
    """The area between two line series (same x values), e.g. the gap a clip or a bound opens."""

    series: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)] = Field(
        description="[upper, lower]: the indices of the two series bounding the area.")
    role: Role = Field("kept-bg", description="Fill role of the area.")
    opacity: float = Field(0.6, gt=0, le=1, description="Opacity of the fill.")
    name: LocalText | None = Field(None, description="Legend entry of the area (none: not in the legend).")


class ChartRef(Strict):
    """A reference line across the plot at one x (vertical) or one y (horizontal), with a label."""

    x: Number | None = Field(None, description="Vertical line at this x.")
    y: Number | None = Field(None, description="Horizontal line at this y.")
    label: LocalText | None = Field(None, description="Label: above a vertical line, right of a horizontal one.")
    role: Role = Field("text-soft", description="Line and label colour role.")
    dashed: bool = Field(True, description="Dashed line.")

    @model_validator(mode="after")
    def _one_axis(self) -> ChartRef:
        if (self.x is None) == (self.y is None):
            raise ValueError("a reference line has exactly one of x or y")
        return self


class ChartCut(Strict):
    """A labelled cut: a dashed line between two bars (`after`) or across the plot at a value (`y`)."""

    after: Slot | Placeholder | None = Field(None, description="Vertical line after this many category slots "
                                           "(`after: 3` cuts between the 3rd and 4th bar; or \"{{ vars.k }}\").")
    y: Number | None = Field(None, description="Horizontal line at this value.")
    axis: Literal["left", "right"] = Field("left", description="Value axis of `y` (`right`: the `y2` axis).")
    text: LocalText | None = Field(None, description="Label: above a vertical cut, right of a horizontal one.")
    role: Role = Field("emphasis", description="Line and label colour role.")

    @model_validator(mode="after")
    def _one_axis(self) -> ChartCut:
        if (self.after is None) == (self.y is None):
            raise ValueError("a cut has exactly one of after (a slot count) or y (a value)")
        return self


class ChartBrace(Strict):
    """A curly brace above a range of bars with a text (a formula) over it."""

    from_: Slot | Placeholder = Field(alias="from", description="First category slot covered (0-based).")
    to: Slot | Placeholder = Field(description="Last category slot covered (inclusive; or \"{{ vars.k - 1 }}\").")
    text: LocalText | None = Field(None, description="Text above the brace (e.g. 'Σ = 0.91').")
    role: Role = Field("text", description="Colour role of the brace and its text.")

    @model_validator(mode="after")
    def _range(self) -> ChartBrace:
        if isinstance(self.to, int) and isinstance(self.from_, int) and self.to < self.from_:
            raise ValueError("a brace's `to` is before its `from` (expected from ≤ to)")
        return self


class ChartAnnotation(Strict):
    """A note with an arrow pointing at a data point."""

    text: LocalText = Field(description="The note.")
    x: Number | None = Field(None, description="x of the point (a number; on a category axis the slot index); "
                                               "with `series`, the point of that line at this x.")
    y: Number | None = Field(None, description="y of the point.")
    series: int | None = Field(None, ge=0, description="Point at a series' value: the series index …")
    index: Annotated[int, Field(ge=0)] | Placeholder | None = Field(
        None, description="… and the value's index in it (a number, or a placeholder such as {{ out.argmax }}).")
    crosses: Number | None = Field(
        None, description="With `series`: the point where that series' line first crosses this value (a "
                          "threshold, e.g. a cumulative sum reaching P), ringed.")
    dx: float | None = Field(None, ge=-600, le=600, description="Label offset from the point in px (default: "
                                                                "placed automatically where nothing is drawn).")
    dy: float | None = Field(None, ge=-600, le=600, description="Vertical label offset in px (down is positive).")
    role: Role = Field("emphasis", description="Colour role of the note and its arrow.")
    drops: bool = Field(False, description="Dashed drop lines from the point to both axes (reading off its x "
                                           "and its y).")

    @model_validator(mode="after")
    def _point(self) -> ChartAnnotation:
        by_xy = self.x is not None and self.y is not None and self.series is None
        by_index = self.series is not None and self.index is not None and self.x is None
        on_curve = self.series is not None and self.x is not None and self.index is None and self.y is None
        crossing = self.series is not None and self.crosses is not None and self.x is None and self.y is None \
            and self.index is None
        if [by_xy, by_index, on_curve, crossing].count(True) != 1 or self.crosses is not None and not crossing:
            raise ValueError("an annotation points at x and y, at series and index (a data point), at series "
                             "and x (anywhere on that line, between its points), or at series and crosses (where "
                             "the line crosses a value)")
        return self


class ColorScale(Strict):
    """How heat-map values map to colours: equal-width bins over [min, max], one colour step each."""

    min: Number | None = Field(None, description="Value of the lowest colour (default: the data minimum).")
    max: Number | None = Field(None, description="Value of the highest colour (default: the data maximum).")
    colors: list[Role] | None = Field(
        None, min_length=2, max_length=12, description="Palette roles low → high (default: the theme's `scale`).")
    legend: bool = Field(True, description="Draw the colour key beside the map.")
    title: LocalText | None = Field(
        None, description="Title of the colour key: what the colour means, with its unit (e.g. 'angle (rad)'); "
                          "written above the key, wrapped at 160 px.")
    unit: LocalText | None = Field(
        None, description="Unit of the values (e.g. 'rad', 'ms'): written after the title in brackets, "
                          "'angle (rad)', or alone as the key's title.")
    format: Format | None = Field(None, description="Format of the key's numbers (default: 3 significant digits).")
    continuous: bool = Field(False, description="Colour each cell by its exact value, blending the scale's colours "
                                                "in OKLab (a perceptual space), with a smooth colour bar and nice "
                                                "ticks as its key (default: equal-width bins, one colour each).")
    scheme: Literal["default", "sequential", "diverging", "cyclic"] = Field(
        "default", description="The theme's colour list to use when `colors` is not given: `sequential` (lightness "
                               "falls evenly: perceptual), `diverging` (a light middle), `cyclic` (for `periodic`).")
    log: bool = Field(False, description="Map the logarithm of the values (all values, min and max must be > 0); "
                                         "the key's ticks are powers of ten.")
    periodic: bool = Field(False, description="The map wraps: `max` has the colour of `min` (angles, phases); "
                                              "implies a continuous map.")


Index = Annotated[int, Field(ge=0)]


class HeatHighlight(Strict):
    """Outlined rows, columns or cells of a heat map (e.g. the row a compute result picks)."""

    rows: Annotated[list[Index], Field(max_length=MAX_CELLS_SIDE)] | Index | Placeholder | None = Field(
        None, description="Row indices to outline (0 = top row), or one index (e.g. \"{{ out.argmax }}\").")
    cols: Annotated[list[Index], Field(max_length=MAX_CELLS_SIDE)] | Index | Placeholder | None = Field(
        None, description="Column indices to outline (0 = left column), or one index.")
    cells: Annotated[list[Annotated[list[Index], Field(min_length=2, max_length=2)]],
                     Field(max_length=MAX_CELLS_SIDE)] | Placeholder | None = Field(
        None, description="Single cells to outline, each [row, column].")
    role: Role = Field("emphasis", description="Colour role of the outline.")
    width: float = Field(2.5, gt=0, le=8, description="Outline width in px.")

    @model_validator(mode="after")
    def _some(self) -> HeatHighlight:
        if self.rows is None and self.cols is None and self.cells is None:
            raise ValueError("a highlight needs rows, cols or cells")
        return self


class Chart(Strict):
    """A chart: bars, lines, areas or a heat map, with axes, legend, reference lines and annotations."""

    id: str | None = Field(None, pattern=ELEMENT_ID_PATTERN, description="Element id, for edges.")
    kind: Literal["bar", "line", "area", "heatmap"] = Field(description="Chart type.")
    title: LocalText | None = Field(None, description="Title above the chart.")
    width: float | None = Field(None, gt=0, le=2000, description="Plot area width in px (grows to fit labels).")
    height: float | None = Field(None, gt=0, le=2000, description="Plot area height in px (grows to fit labels).")
    horizontal: bool = Field(False, description="Bars grow to the right: categories (x) on the left, values below.")
    x: ChartAxis = Field(default_factory=ChartAxis,
                         description="The x axis (categories or numbers; heat map: columns).")
    y: ChartAxis = Field(default_factory=ChartAxis, description="The y axis (the values; heat map: rows).")
    y2: ChartAxis | None = Field(None, description="The right-hand value axis of series with `axis: right`.")
    series: Annotated[list[ChartSeries], Field(max_length=MAX_SERIES)] = Field(
        default_factory=list, description="Data series (bar, line, area); several bars per slot are grouped.")
    stacked: bool = Field(False, description="Area charts: stack the series on top of each other.")
    matrix: Annotated[list[list[float | Null]], Field(max_length=MAX_CELLS_SIDE)] | Placeholder | None = Field(
        None, description="Heat map: rows of values (top row first); null leaves a cell blank.")
    cell_values: Format | None = Field(None, description="Heat map: write each value in its cell with this format.")
    cell: float | None = Field(None, gt=0, le=200, description="Heat map: minimum cell size in px.")
    scale: ColorScale = Field(default_factory=ColorScale, description="Heat map: the colour scale.")
    highlight: HeatHighlight | Annotated[list[HeatHighlight], Field(max_length=8)] | None = Field(
        None, description="Heat map: outline rows, columns or cells (one highlight, or a list with a role each).")
    regions: list[ChartRegion] = Field(default_factory=list, description="Shaded bands (e.g. the clip range).")
    between: Annotated[list[ChartBetween], Field(max_length=MAX_SERIES)] = Field(
        default_factory=list, description="Line charts: areas filled between two series.")
    refs: list[ChartRef] = Field(default_factory=list, description="Reference lines (e.g. 1−ε, 1, 1+ε).")
    annotations: list[ChartAnnotation] = Field(default_factory=list, description="Notes with arrows to data points.")
    margin_arrows: MarginArrows | None = Field(
        None, description="Arrows up and down from a value, left of the value axis, saying what each direction "
                          "means (e.g. 'more likely ↑ / less likely ↓').")
    cut: ChartCut | Annotated[list[ChartCut], Field(max_length=8)] | None = Field(
        None, description="Labelled cut lines: between two bars (`after`) and/or at a value (`y`).")
    braces: Annotated[list[ChartBrace], Field(max_length=MAX_SERIES)] = Field(
        default_factory=list, description="Braces above ranges of bars, each with a text (e.g. a sum).")
    elide_after: int | None = Field(
        None, ge=1, le=MAX_POINTS, description="Show only the first N categories; the rest collapse into one "
                                               "'…' slot labelled with how many are hidden (values not drawn).")
    state_labels: dict[State, LocalText] = Field(
        default_factory=dict, description="Legend text of each bar state (default: kept, removed, sampled, "
                                          "candidate in the diagram's language).")
    legend: Literal["top", "bottom", "right", "none"] = Field(
        "top", description="Where the legend of named series and bar states goes.")

    @model_validator(mode="after")
    def _data(self) -> Chart:
        if self.kind == "heatmap" and self.matrix is None:
            raise ValueError("a heatmap chart needs `matrix` (rows of values)")
        if self.kind != "heatmap" and not self.series:
            raise ValueError(f"a {self.kind} chart needs `series` (at least one, with `values`)")
        teach = self.cut is not None or self.braces or self.elide_after is not None
        if teach and (self.kind == "heatmap" or self.horizontal):
            raise ValueError("cut, braces and elide_after need a vertical bar, line or area chart")
        if any(s.axis == "right" for s in self.series) and self.kind == "heatmap":
            raise ValueError("a heat map has no right-hand axis (series `axis: right`)")
        lines_only = [k for k, s in enumerate(self.series) if s.curve != "linear" or s.end_label
                      or s.deviations is not None or not s.line]
        if lines_only and self.kind not in ("line", "area"):
            raise ValueError(f"series {lines_only[0]}: curve, end_label, deviations and line: false need a line "
                             "or area chart")
        if any(not s.line and s.marker == "none" for s in self.series):
            raise ValueError("a series with line: false needs a marker (it would draw nothing)")
        if any(s.deviation_roles is not None and s.deviations is None for s in self.series):
            raise ValueError("`deviation_roles` colours the deviation lines: it needs `deviations` (the value)")
        if self.margin_arrows is not None and (self.kind == "heatmap" or self.horizontal):
            raise ValueError("margin_arrows need a vertical value axis (a bar, line or area chart, not horizontal)")
        if self.between and self.kind != "line":
            raise ValueError("`between` needs a line chart")
        if self.horizontal and any(s.axis == "right" for s in self.series):
            raise ValueError("a horizontal bar chart has no right-hand axis (series `axis: right`)")
        if self.highlight is not None and self.kind != "heatmap":
            raise ValueError("`highlight` (outlined rows, columns, cells) needs a heatmap chart")
        if self.x.breaks is not None or (self.y2 is not None and self.y2.breaks is not None):
            raise ValueError("only the y axis can have breaks (`y: {breaks: [[from, to]]}`)")
        if self.y.breaks is not None and (self.kind == "heatmap" or self.horizontal):
            raise ValueError("y-axis breaks need a vertical bar, line or area chart")
        if self.y.breaks is not None and any(s.axis == "right" for s in self.series):
            raise ValueError("y-axis breaks and a right-hand axis (series `axis: right`) do not go together")
        return self

    def highlights(self) -> list[HeatHighlight]:
        """The heat-map highlights as a list."""
        return ([] if self.highlight is None else [self.highlight] if isinstance(self.highlight, HeatHighlight)
                else list(self.highlight))

    def cuts(self) -> list[ChartCut]:
        """The cut lines as a list."""
        return [] if self.cut is None else [self.cut] if isinstance(self.cut, ChartCut) else list(self.cut)
